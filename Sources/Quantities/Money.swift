import Foundation

/// An exact amount of money in one currency.
///
/// Bills from two rate cards (CNY and USD) can meet in one ledger; an amount that carries its currency cannot be
/// added to another currency's by accident: `adding(_:)` refuses, and a sum says which currencies it met.
public struct Money: Hashable, Sendable, CustomStringConvertible {
    /// The amount, exact.
    public var amount: Decimal
    /// ISO 4217 code (`CNY`, `USD`).
    public var currency: String

    /// `amount` in `currency`.
    public init(_ amount: Decimal, _ currency: String) {
        self.amount = amount
        self.currency = currency
    }

    /// Nothing, in `currency`.
    public static func zero(_ currency: String) -> Money { Money(0, currency) }

    /// The two amounts added up; nil when their currencies differ (there is no exchange rate in a bill).
    public func adding(_ other: Money) -> Money? {
        guard other.currency == currency else { return nil }
        return Money(amount + other.amount, currency)
    }

    /// Amounts in one currency added up: `.failure` names every currency met when they are not all one.
    public static func sum(_ amounts: [Money], currency: String) -> Result<Money, CurrencyMismatch> {
        var total = Money.zero(currency)
        for amount in amounts {
            guard let next = total.adding(amount) else {
                return .failure(CurrencyMismatch(currencies: Array(Set(amounts.map(\.currency) + [currency])).sorted()))
            }
            total = next
        }
        return .success(total)
    }

    public var description: String { "\(amount) \(currency)" }
}

/// Amounts in several currencies that were to be summed into one.
public struct CurrencyMismatch: Error, Equatable, Sendable, CustomStringConvertible {
    /// Every currency met, sorted.
    public var currencies: [String]

    /// The currencies met (sorted and deduplicated here).
    public init(currencies: [String]) {
        self.currencies = Array(Set(currencies)).sorted()
    }

    public var description: String { "amounts in \(currencies.joined(separator: " and ")) cannot be added up" }
}

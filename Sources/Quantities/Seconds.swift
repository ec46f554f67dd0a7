import Foundation

/// An exact length of time, in seconds.
///
/// A billed duration goes through seconds, minutes and money; as plain `Decimal`s a minute could be added to a
/// second, or a price multiplied by seconds, and the bill would still compile. As its own type (in the spirit of
/// swift-tagged, but exact), a length adds only to a length, and becomes minutes only through `minutes`.
public struct Seconds: Hashable, Comparable, Sendable, AdditiveArithmetic, ExpressibleByIntegerLiteral, Codable,
    CustomStringConvertible
{
    /// The length in seconds, exact.
    public var value: Decimal

    /// A length of `value` seconds.
    public init(_ value: Decimal) { self.value = value }

    public init(integerLiteral value: Int) { self.value = Decimal(value) }

    public static let zero = Seconds(0)

    /// The length in minutes, exact (the unit the billing rules round).
    public var minutes: Decimal { value / 60 }

    public static func + (lhs: Seconds, rhs: Seconds) -> Seconds { Seconds(lhs.value + rhs.value) }
    public static func - (lhs: Seconds, rhs: Seconds) -> Seconds { Seconds(lhs.value - rhs.value) }
    /// `count` times a length (`MaxDuration` × `Count`).
    public static func * (lhs: Seconds, count: Decimal) -> Seconds { Seconds(lhs.value * count) }
    public static func < (lhs: Seconds, rhs: Seconds) -> Bool { lhs.value < rhs.value }

    /// Encoded as the bare number, as the `Decimal` it replaces was: stored ledgers read back unchanged.
    public init(from decoder: Decoder) throws {
        value = try decoder.singleValueContainer().decode(Decimal.self)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }

    public var description: String { "\(value) s" }
}

extension Sequence where Element == Seconds {
    /// The lengths added up (0 s when empty).
    public func sum() -> Seconds { reduce(.zero, +) }
}

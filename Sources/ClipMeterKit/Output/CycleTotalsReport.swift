import Billing
import Foundation
import Ledger

/// `bill --summary`: the hourly cycles as the ledger's database sums them (one row per cycle, never the jobs),
/// in one currency, with their grand total.
public struct CycleTotalsReport: Sendable {
    /// The cycles, oldest first; a cycle without a start gathers the jobs that have no finish time.
    public var cycles: [CycleTotal]
    /// The one currency every cycle is in ("" when there are none).
    public var currency: String
    /// The sum of the cycles' totals.
    public var total: Decimal
    /// The zone the cycles are printed in.
    public var timeZone: TimeZone

    /// Sums `cycles`; cycles in more than one currency cannot be one total.
    public init(cycles: [CycleTotal], timeZone: TimeZone) throws {
        let currencies = Set(cycles.map(\.currency))
        guard currencies.count <= 1 else {
            throw JobHistory.HistoryError(
                description:
                    "the ledger holds jobs priced in \(currencies.sorted().joined(separator: " and ")); bill one currency at a time")
        }
        self.cycles = cycles
        currency = currencies.first ?? ""
        let posix = Locale(identifier: "en_US_POSIX")
        total = cycles.reduce(Decimal(0)) { $0 + (Decimal(string: $1.total, locale: posix) ?? 0) }
        self.timeZone = timeZone
    }

    /// Jobs in all the cycles.
    public var jobs: Int { cycles.reduce(0) { $0 + $1.jobs } }

    /// Cycles that have a start (the jobs without a finish time are in none).
    public var datedCycles: Int { cycles.filter { $0.start != nil }.count }

    /// An instant in the report's zone, "" when there is none.
    func text(_ date: Date?) -> String { date.map { DateText.string($0, in: timeZone) } ?? "" }

    /// The end of a cycle that starts at `start`: cycles are one hour long.
    static func end(of start: Date?) -> Date? { start?.addingTimeInterval(3600) }
}

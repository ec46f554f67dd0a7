import Foundation
import GRDB

/// One hourly cycle summed in the database: a bill's cycle totals without loading any job.
public struct CycleTotal: Sendable, Equatable {
    /// The cycle's start (each cycle is one hour); nil gathers the jobs that have no cycle.
    public var start: Date?
    /// The currency the costs are in.
    public var currency: String
    /// Jobs recorded in the cycle.
    public var jobs: Int
    /// The exact sum of their costs, as decimal text.
    public var total: String

    /// Creates a cycle total.
    public init(start: Date?, currency: String, jobs: Int, total: String) {
        self.start = start
        self.currency = currency
        self.jobs = jobs
        self.total = total
    }
}

extension Ledger {
    /// The hourly cycles of the jobs that finished in [from, to), summed by the database, oldest first.
    ///
    /// Memory stays at one row per cycle however many jobs there are: PostgreSQL sums with `GROUP BY` over exact
    /// `numeric` costs; SQLite, which has no exact decimal type, streams the costs in cycle order through a cursor.
    public func cycleTotals(from: Date?, to: Date?) throws -> [CycleTotal] {
        try backend.cycleTotals(from: from, to: to)
    }
}

extension SQLiteLedger {
    func cycleTotals(from: Date?, to: Date?) throws -> [CycleTotal] {
        let range = JobRange(from: from, to: to)
        return try reading("summing cycles") { db in
            let cursor = try Row.fetchCursor(
                db,
                sql: """
                    SELECT cycleStartMillis, currency, cost FROM job WHERE \(range.sqlCondition)
                    ORDER BY cycleStartMillis IS NULL, cycleStartMillis, currency
                    """, arguments: range.sqlArguments)
            var totals: [CycleTotal] = []
            var sum = Decimal(0)
            while let row = try cursor.next() {
                let start = (row[0] as Int64?).map(LedgerTime.date)
                let currency: String = row[1]
                let cost = Decimal(string: row[2] as String, locale: Locale(identifier: "en_US_POSIX")) ?? 0
                if let last = totals.last, last.start == start, last.currency == currency {
                    totals[totals.count - 1].jobs += 1
                    sum += cost
                } else {
                    if !totals.isEmpty { totals[totals.count - 1].total = Self.text(sum) }
                    totals.append(CycleTotal(start: start, currency: currency, jobs: 1, total: ""))
                    sum = cost
                }
            }
            if !totals.isEmpty { totals[totals.count - 1].total = Self.text(sum) }
            return totals
        }
    }

    private static func text(_ value: Decimal) -> String {
        var value = value
        return NSDecimalString(&value, Locale(identifier: "en_US_POSIX"))
    }
}

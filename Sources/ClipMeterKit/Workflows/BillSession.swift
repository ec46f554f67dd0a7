import Billing
import Foundation
import Ledger

/// `bill`: past hourly cycles read back from ledgers, each job counted once. The command opens the ledgers and
/// parses the period; the session reads them and hands back what the renderer prints.
public enum BillSession {
    /// What was read: the bill of the recorded jobs, or only the cycles' totals as the database sums them.
    public enum Reading {
        case bill(BillReport)
        case cycleTotals(CycleTotalsReport)
    }

    /// Why the ledgers cannot be read as asked.
    public struct Problem: Error, CustomStringConvertible {
        public var description: String
    }

    /// Reads the jobs that finished in [from, to) from `ledgers`; with `summary`, only the cycles' totals of the
    /// one ledger (memory holds one row per cycle, never the jobs). Ledger errors are passed on as they are.
    public static func read(
        _ ledgers: [Ledger], from: Date?, to: Date?, timeZone: TimeZone, summary: Bool, billingAccount: BillingAccount
    ) throws -> Reading {
        if summary {
            guard ledgers.count == 1, let only = ledgers.first else {
                throw Problem(
                    description: "--summary reads one ledger (a job recorded in two ledgers cannot be counted once without loading it)")
            }
            return .cycleTotals(try CycleTotalsReport(cycles: only.cycleTotals(from: from, to: to), timeZone: timeZone))
        }
        let recorded = try JobHistory.recorded(from: ledgers, from: from, to: to, timeZone: timeZone)
        var report = BillReport(
            bill: recorded.bill, title: "ledger " + ledgers.map(\.path).joined(separator: ", "), producedBy: recorded.producedBy)
        report.billingAccount = billingAccount
        return .bill(report)
    }
}

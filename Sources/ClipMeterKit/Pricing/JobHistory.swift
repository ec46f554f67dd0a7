import Billing
import Foundation
import Ledger

/// Priced jobs to and from the ledger: `scan` records them, `bill` reads past cycles back.
public enum JobHistory {
    /// Jobs written per transaction.
    static let batchSize = 1000

    /// Records every priced job of `bill` (upserted by id: a re-scan replaces, never duplicates). A job whose
    /// cost is unknown, or only bounded (a request not yet run), is no charge and is not recorded.
    public static func record(_ bill: Bill, in ledger: Ledger) throws {
        let now = Date()
        let charges = bill.jobs.filter { $0.knownCost != nil && $0.costLow == nil }
        // The billing model's own form, not a renderer's: it reads back with its warnings still typed.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // In batches: memory stays bounded, and each batch is one transaction (upserts by id, so a run killed
        // between two batches and run again records every job exactly once).
        var start = 0
        while start < charges.count {
            let batch = charges[start..<min(start + batchSize, charges.count)]
            let records = batch.map { job in
                JobRecord(id: job.id, feature: job.feature, status: job.status.rawValue, cost: MoneyText.string(job.cost ?? 0),
                          currency: bill.currency, rateCard: bill.rateCard, finishedAt: job.finishedAt,
                          cycleStart: job.cycleStart, payload: (try? encoder.encode(job)) ?? Data(), recordedAt: now)
            }
            try ledger.recordJobs(records)
            start += batchSize
        }
    }

    /// Why recorded jobs cannot be put on one bill.
    public struct HistoryError: Error, CustomStringConvertible {
        public var description: String
    }

    /// The bill of the jobs recorded in `ledgers` that finished in [from, to), each job once.
    public static func bill(from ledgers: [Ledger], from: Date?, to: Date?, timeZone: TimeZone) throws -> Bill {
        let records = try LedgerMerge.jobs(from: ledgers, from: from, to: to)
        let currencies = Set(records.map(\.currency))
        guard currencies.count <= 1 else {
            throw HistoryError(description: "the ledgers hold jobs priced in \(currencies.sorted().joined(separator: " and ")); bill one currency at a time")
        }
        let decoder = JSONDecoder()
        var jobs: [PricedJob] = []
        for record in records {
            do {
                jobs.append(try decoder.decode(PricedJob.self, from: record.payload))
            } catch {
                throw HistoryError(description: "job \(record.id) in the ledger cannot be read back (\(error)); re-run the scan")
            }
        }
        let cards = Array(Set(records.map(\.rateCard))).sorted()
        // Each job keeps the cost (and so the rounding) it was priced with when it was scanned.
        return Bill(collecting: jobs, currency: currencies.first ?? "", rateCard: cards.joined(separator: "+"),
                    rounding: "as recorded", timeZone: timeZone)
    }
}

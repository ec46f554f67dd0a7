import Billing
import Foundation
import Ledger

/// Priced jobs to and from the ledger: `scan` records them, `bill` reads past cycles back.
public enum JobHistory {
    /// Jobs written per transaction.
    static let batchSize = 1000

    /// Records every priced job of `bill` (upserted by id: a re-scan replaces, never duplicates). A job whose
    /// cost is unknown, or only bounded (a request not yet run), is no charge and is not recorded. `producedBy`
    /// (ClipMeter's version and its libraries', in the caller's words) is recorded with each job.
    public static func record(_ bill: Bill, in ledger: Ledger, producedBy: String? = nil) throws {
        let now = Date()
        let charges = bill.jobs.filter { $0.knownCost != nil && $0.costLow == nil }
        // The billing model's own form, not a renderer's: it reads back with its warnings still typed.
        var form = PricedJobJSON.LedgerForm()
        // In batches: memory stays bounded, and each batch is one transaction (upserts by id, so a run killed
        // between two batches and run again records every job exactly once).
        var start = 0
        while start < charges.count {
            let batch = charges[start..<min(start + batchSize, charges.count)]
            let records = batch.map { job in
                JobRecord(
                    id: job.key ?? job.id, feature: job.feature.rawValue, status: job.status.rawValue,
                    cost: MoneyText.string(job.cost?.amount ?? 0),
                    currency: bill.currency, rateCard: bill.rateCard, finishedAt: job.finishedAt,
                    cycleStart: job.cycleStart, payload: Data(form.json(job).rendered().utf8), recordedAt: now,
                    producedBy: producedBy, legacyID: job.id)
            }
            try ledger.recordJobs(records)
            start += batchSize
        }
    }

    /// Why recorded jobs cannot be put on one bill.
    struct HistoryError: Error, CustomStringConvertible {
        public var description: String
    }

    /// A bill read back from ledgers, with what priced each of its jobs.
    public struct RecordedBill {
        /// The jobs as they were priced when recorded.
        public var bill: Bill
        /// What priced each job, by job id; a job absent from it was recorded before ledgers kept this.
        public var producedBy: [String: String]
    }

    /// The bill of the jobs recorded in `ledgers` that finished in [from, to), each job once.
    public static func bill(from ledgers: [Ledger], from: Date?, to: Date?, timeZone: TimeZone) throws -> Bill {
        try recorded(from: ledgers, from: from, to: to, timeZone: timeZone).bill
    }

    /// The bill of the jobs recorded in `ledgers` that finished in [from, to), each job once, with what priced
    /// each one (from the copy of the job that is billed).
    public static func recorded(from ledgers: [Ledger], from: Date?, to: Date?, timeZone: TimeZone) throws -> RecordedBill {
        let records = try LedgerMerge.jobs(from: ledgers, from: from, to: to)
        let currencies = Set(records.map(\.currency))
        guard currencies.count <= 1 else {
            throw HistoryError(
                description:
                    "the ledgers hold jobs priced in \(currencies.sorted().joined(separator: " and ")); bill one currency at a time")
        }
        let decoder = JSONDecoder()
        var jobs: [PricedJob] = []
        var producedBy: [String: String] = [:]
        for record in records {
            // The payload carries no currency (rows written before amounts were Money neither): the row names it.
            decoder.userInfo[Bill.currencyKey] = record.currency
            do {
                jobs.append(try decoder.decode(PricedJob.self, from: record.payload))
            } catch {
                throw HistoryError(description: "job \(record.id) in the ledger cannot be read back (\(error)); re-run the scan")
            }
            if let producer = record.producedBy { producedBy[record.id] = producer }
        }
        let cards = Array(Set(records.map(\.rateCard))).sorted()
        // Each job keeps the cost (and so the rounding) it was priced with when it was scanned.
        let bill = try Bill(
            collecting: jobs, currency: currencies.first ?? "", rateCard: cards.joined(separator: "+"),
            rounding: "as recorded", timeZone: timeZone)
        return RecordedBill(bill: bill, producedBy: producedBy)
    }
}

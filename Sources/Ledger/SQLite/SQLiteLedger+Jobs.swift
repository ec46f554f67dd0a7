import Foundation
import GRDB

/// The priced jobs: one row per job id, selectable by finish time.
extension SQLiteLedger {
    /// The columns a job is written with.
    private static let jobColumns = """
        id, feature, status, cost, currency, rateCard, finishedAtMillis, cycleStartMillis, payload, recordedAtMillis, \
        producedBy, keyed
        """

    /// The columns a job is read from, in `fetchJobs`' order; a ledger read at a schema before v4 has no producer.
    private var selectedJobColumns: String {
        """
        id, feature, status, cost, currency, rateCard, finishedAtMillis, cycleStartMillis, payload, recordedAtMillis, \
        \(jobsHaveProducer ? "producedBy" : "NULL")
        """
    }

    /// Upserts by job id in one transaction: a job re-priced on a later run replaces its row, so a run killed and run
    /// again never duplicates a job. A row that would change in nothing but `recordedAt` is left as it is, so a
    /// re-scan of mostly unchanged jobs rewrites only the ones that changed.
    func recordJobs(_ records: [JobRecord]) throws {
        guard !records.isEmpty else { return }
        try writing("recording jobs") { db in
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO job (\(Self.jobColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
                    ON CONFLICT(id) DO UPDATE SET keyed = 1,
                        feature = excluded.feature, status = excluded.status, cost = excluded.cost,
                        currency = excluded.currency, rateCard = excluded.rateCard,
                        finishedAtMillis = excluded.finishedAtMillis, cycleStartMillis = excluded.cycleStartMillis,
                        payload = excluded.payload, recordedAtMillis = excluded.recordedAtMillis,
                        producedBy = excluded.producedBy
                    WHERE NOT (job.feature IS excluded.feature AND job.status IS excluded.status
                        AND job.cost IS excluded.cost AND job.currency IS excluded.currency
                        AND job.rateCard IS excluded.rateCard AND job.finishedAtMillis IS excluded.finishedAtMillis
                        AND job.cycleStartMillis IS excluded.cycleStartMillis AND job.payload IS excluded.payload
                        AND job.producedBy IS excluded.producedBy)
                    """)
            let legacy = try db.cachedStatement(sql: "DELETE FROM job WHERE keyed = 0 AND id = ?")
            for record in records {
                if let old = record.legacyID, old.utf8.elementsEqual(record.id.utf8) == false {
                    try legacy.execute(arguments: [old])
                }
                try statement.execute(arguments: [
                    record.id, record.feature, record.status, record.cost, record.currency, record.rateCard,
                    record.finishedAt.map(LedgerTime.millis), record.cycleStart.map(LedgerTime.millis),
                    record.payload, LedgerTime.millis(record.recordedAt), record.producedBy,
                ])
            }
        }
    }

    /// Jobs whose `finishedAt` is in [from, to), a nil bound being open, compared to the millisecond.
    ///
    /// Jobs without `finishedAt` belong to no cycle, so they are listed only when both bounds are nil. Sorted by
    /// `finishedAt` (jobs without one last), then by id.
    func jobs(from: Date?, to: Date?) throws -> [JobRecord] {
        let range = JobRange(from: from, to: to)
        return try reading("reading jobs") { db in
            let sql =
                "SELECT \(selectedJobColumns) FROM job WHERE \(range.sqlCondition) "
                + "ORDER BY finishedAtMillis IS NULL, finishedAtMillis, id"
            return try Self.fetchJobs(db, sql: sql, arguments: range.sqlArguments)
        }
    }

    /// The recorded jobs with these ids, in no particular order; ids the ledger does not hold are skipped.
    func jobs(withIDs ids: [String]) throws -> [JobRecord] {
        guard !ids.isEmpty else { return [] }
        return try reading("reading jobs") { db in
            try KeyLookup.jobs(withIDs: ids, sliceSize: Self.keysPerQuery) { slice in
                let placeholders = Array(repeating: "?", count: slice.count).joined(separator: ",")
                let sql = "SELECT \(selectedJobColumns) FROM job WHERE id IN (\(placeholders))"
                return try Self.fetchJobs(db, sql: sql, arguments: StatementArguments(slice))
            }
        }
    }

    /// Number of recorded jobs and cached measurements, from one snapshot.
    func counts() throws -> (jobs: Int, measurements: Int) {
        try reading("counting rows") { db in
            let row = try Row.fetchOne(db, sql: "SELECT (SELECT COUNT(*) FROM job), (SELECT COUNT(*) FROM measurement)")
            return (jobs: row?[0] ?? 0, measurements: row?[1] ?? 0)
        }
    }

    private static func fetchJobs(_ db: Database, sql: String, arguments: StatementArguments) throws -> [JobRecord] {
        let rows = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: arguments)
        var records: [JobRecord] = []
        while let row = try rows.next() {
            records.append(
                JobRecord(
                    id: row[0], feature: row[1], status: row[2], cost: row[3], currency: row[4], rateCard: row[5],
                    finishedAt: (row[6] as Int64?).map(LedgerTime.date),
                    cycleStart: (row[7] as Int64?).map(LedgerTime.date),
                    payload: (row[8] as Data?) ?? Data(),
                    recordedAt: LedgerTime.date(row[9]), producedBy: row[10]))
        }
        return records
    }
}

/// A [from, to) window over `finishedAt`, expressed once for SQL and once for records already in memory.
struct JobRange {
    let fromMillis: Int64?
    let toMillis: Int64?

    init(from: Date?, to: Date?) {
        fromMillis = from.map(LedgerTime.millis)
        toMillis = to.map(LedgerTime.millis)
    }

    var sqlCondition: String {
        switch (fromMillis, toMillis) {
        case (nil, nil): return "1"
        case (_?, nil): return "finishedAtMillis >= ?"
        case (nil, _?): return "finishedAtMillis < ?"
        case (_?, _?): return "finishedAtMillis >= ? AND finishedAtMillis < ?"
        }
    }

    var sqlArguments: StatementArguments {
        StatementArguments([fromMillis, toMillis].compactMap { $0 })
    }

    func contains(_ record: JobRecord) -> Bool {
        guard let finished = record.finishedAt.map(LedgerTime.millis) else {
            return fromMillis == nil && toMillis == nil
        }
        return (fromMillis.map { finished >= $0 } ?? true) && (toMillis.map { finished < $0 } ?? true)
    }
}

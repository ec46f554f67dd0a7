import Foundation

/// The ledger in a PostgreSQL database shared by many scanners (`--ledger postgres://…`).
///
/// Same promises as the SQLite ledger: each write method is one transaction (a scanner killed mid-way, or a server
/// restarted under it, leaves every batch whole or absent); jobs are upserted by id, the newest recording winning;
/// a schema holding foreign or newer tables is refused untouched. A lost connection is not re-opened: the run fails
/// (exit 2) and a re-run completes, which is simpler to reason about than a scan that half-reconnects.
final class PostgresLedger: LedgerBackend {
    let location: String
    private let connection: PGConnection
    private let schema: String
    /// The quoted schema name, spliced into SQL (values always travel as parameters).
    private let s: String
    /// The connection with what it needs to translate failures; every transaction goes through it.
    private let session: Session
    /// What the job queries select as the producer: the column, or `NULL` in a ledger read at an older schema.
    private let producerColumn: String
    /// The URL's password in the forms it may appear in a replay key (the scan's own arguments), never stored.
    private let secrets: [String]

    /// Rows per multi-row INSERT: few round trips, far under PostgreSQL's 65,535 bound parameters.
    static let rowsPerStatement = 200
    /// Keys per `IN (…)` lookup.
    static let keysPerQuery = 500

    init(url: String, schema: String, access: Ledger.Access) throws {
        let location = PostgresURL.redacted(url) + (schema == Ledger.defaultSchema ? "" : " (schema \(schema))")
        guard !schema.isEmpty, schema.utf8.count <= 63 else {
            throw LedgerError.invalidSchemaName(path: location, schema: schema)
        }
        let connection: PGConnection
        do {
            connection = try PGConnection(url: url)
        } catch let failure as PGConnection.Failure {
            throw LedgerError.io(path: location, message: "cannot connect: \(PostgresURL.scrub(failure.message, url: url))")
        }
        let session = Session(connection: connection, location: location, schema: schema, access: access)
        let applied = try Self.prepare(session)
        self.location = location
        self.connection = connection
        self.schema = schema
        s = session.s
        self.session = session
        secrets = PostgresURL.secrets(in: url)
        // A ledger read as it is, before migration 2, has no producer column: its jobs read back without one.
        producerColumn = applied >= PostgresSchema.producedByVersion ? "produced_by" : "NULL"
        if access == .readWrite {
            try checkWritable()
        }
    }

    // MARK: - Opening: vetting and migrations

    /// Checks the schema and applies missing migrations in one transaction under an advisory lock, so concurrent
    /// scanners opening a fresh database create it once, and a refused schema is left exactly as it was. Returns
    /// the schema version the ledger is at afterwards (older than this build's only when opened read-only).
    private static func prepare(_ session: Session) throws -> Int {
        let schema = session.schema, s = session.s, location = session.location
        return try session.run("opening it") { tx -> Int in
            _ = try tx.query("SELECT pg_advisory_xact_lock(hashtext($1))", [.text("clipmeter-ledger:" + schema)])
            let tables = try tx.query(
                """
                SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
                """, [.text(schema)]
            ).compactMap { $0.first ?? nil }
            var applied = 0
            if !tables.isEmpty {
                guard tables.contains(PostgresSchema.markerTable) else {
                    throw LedgerError.foreignSchema(path: location, schema: schema)
                }
                let versions = try tx.query("SELECT version FROM \(s).ledger_migration").compactMap {
                    $0.first.flatMap { $0 }.flatMap { Int($0) }
                }
                let newest = versions.max() ?? 0
                if newest > PostgresSchema.version {
                    throw LedgerError.newerSchema(path: location, found: newest, supported: PostgresSchema.version)
                }
                applied = newest
            }
            if applied == PostgresSchema.version { return applied }
            if session.access == .readOnly {
                if applied == 0 {
                    throw LedgerError.holdsNoLedger(path: location, schema: schema)
                }
                return applied
            }
            if applied == 0 {
                try tx.query("CREATE SCHEMA IF NOT EXISTS \(s)")
            }
            for version in (applied + 1)...PostgresSchema.version {
                try tx.query(PostgresSchema.migrations[version - 1].replacingOccurrences(of: "%s", with: s))
                try tx.query("INSERT INTO \(s).ledger_migration (version) VALUES ($1)", [.text(String(version))])
            }
            return PostgresSchema.version
        }
    }

    /// Refuses a role that could read but not record, before a scan spends an hour measuring for nothing.
    /// (`has_table_privilege` with a list is true when *any* is held, hence one check per privilege.)
    private func checkWritable() throws {
        let rows = try run("checking the role's privileges") { tx in
            try tx.query(
                """
                SELECT t, bool_and(has_table_privilege(format('%I.%I', $1::text, t), p))
                FROM unnest($2::text[]) AS t, unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE']) AS p
                GROUP BY t ORDER BY t
                """, [.text(schema), .text("{" + PostgresSchema.writtenTables.joined(separator: ",") + "}")])
        }
        let denied = rows.filter { $0.count == 2 && $0[1] != "t" }.compactMap { $0[0] }
        if !denied.isEmpty {
            throw LedgerError.privilegeMissing(
                path: location, role: connection.user, schema: schema,
                tables: denied.sorted(), detail: nil)
        }
    }

    // MARK: - Jobs

    /// The columns a job is written with.
    private static let jobColumns =
        "id, feature, status, cost, currency, rate_card, finished_at_millis, cycle_start_millis, payload, recorded_at_millis, produced_by"
    /// The columns a job is read from, in `jobRecord`'s order.
    private var selectedJobColumns: String {
        "id, feature, status, cost, currency, rate_card, finished_at_millis, cycle_start_millis, payload, recorded_at_millis, \(producerColumn)"
    }

    func recordJobs(_ records: [JobRecord]) throws {
        guard !records.isEmpty else { return }
        // Last of each id wins within the batch (as in SQLite), and rows are written in id order so two writers
        // upserting overlapping batches lock rows in the same order and cannot deadlock each other.
        // By bytes: Swift's String equality would merge `café` in NFC and NFD, two jobs PostgreSQL keeps apart.
        var last: [[UInt8]: JobRecord] = [:]
        for record in records { last[Array(record.id.utf8)] = record }
        let ordered = last.keys.sorted { $0.lexicographicallyPrecedes($1) }.compactMap { last[$0] }
        let legacy = ordered.compactMap { record in record.legacyID.flatMap { $0.utf8.elementsEqual(record.id.utf8) ? nil : $0 } }
        try run("recording jobs") { tx in
            for slice in legacy.chunks(ofCount: Self.rowsPerStatement) {
                try tx.query("DELETE FROM \(s).job WHERE NOT keyed AND id IN (\(Self.parameters(slice.count)))", slice.map { .text($0) })
            }
            for slice in ordered.chunks(ofCount: Self.rowsPerStatement) {
                let (rows, values) = Self.rows(slice, trailing: "true") { record in
                    [
                        .text(record.id), .text(record.feature), .text(record.status), .text(record.cost),
                        .text(record.currency), .text(record.rateCard), .int(record.finishedAt.map(LedgerTime.millis)),
                        .int(record.cycleStart.map(LedgerTime.millis)), .bytes(record.payload),
                        .int(LedgerTime.millis(record.recordedAt)), record.producedBy.map { .text($0) } ?? .null,
                    ]
                }
                // The newest recording wins; a row that would change in nothing but its recording time is left alone.
                try tx.query(
                    """
                    INSERT INTO \(s).job AS j (\(Self.jobColumns), keyed) VALUES \(rows)
                    ON CONFLICT (id) DO UPDATE SET keyed = true,
                        feature = excluded.feature, status = excluded.status, cost = excluded.cost,
                        currency = excluded.currency, rate_card = excluded.rate_card,
                        finished_at_millis = excluded.finished_at_millis, cycle_start_millis = excluded.cycle_start_millis,
                        payload = excluded.payload, recorded_at_millis = excluded.recorded_at_millis,
                        produced_by = excluded.produced_by
                    WHERE j.recorded_at_millis <= excluded.recorded_at_millis
                      AND NOT (j.feature = excluded.feature AND j.status = excluded.status
                        AND j.cost::text = excluded.cost::text AND j.currency = excluded.currency
                        AND j.rate_card = excluded.rate_card
                        AND j.finished_at_millis IS NOT DISTINCT FROM excluded.finished_at_millis
                        AND j.cycle_start_millis IS NOT DISTINCT FROM excluded.cycle_start_millis
                        AND j.payload = excluded.payload
                        AND j.produced_by IS NOT DISTINCT FROM excluded.produced_by)
                    """, values)
            }
        }
    }

    func jobs(from: Date?, to: Date?) throws -> [JobRecord] {
        let (condition, values) = Self.finishedWithin(from: from, to: to)
        return try run("reading jobs") { tx in
            try tx.query(
                """
                SELECT \(selectedJobColumns) FROM \(s).job WHERE \(condition)
                ORDER BY finished_at_millis IS NULL, finished_at_millis, id
                """, values
            ).map(Self.jobRecord)
        }
    }

    /// The SQL condition (with its parameters) for jobs that finished in [from, to).
    private static func finishedWithin(from: Date?, to: Date?) -> (condition: String, values: [PGConnection.Value]) {
        let range = JobRange(from: from, to: to)
        var conditions: [String] = []
        var values: [PGConnection.Value] = []
        if let low = range.fromMillis { values.append(.int(low)); conditions.append("finished_at_millis >= $\(values.count)") }
        if let high = range.toMillis { values.append(.int(high)); conditions.append("finished_at_millis < $\(values.count)") }
        return (conditions.isEmpty ? "true" : conditions.joined(separator: " AND "), values)
    }

    func jobs(withIDs ids: [String]) throws -> [JobRecord] {
        guard !ids.isEmpty else { return [] }
        return try run("reading jobs") { tx in
            try KeyLookup.jobs(withIDs: ids, sliceSize: Self.keysPerQuery) { slice in
                try tx.query(
                    "SELECT \(selectedJobColumns) FROM \(s).job WHERE id IN (\(Self.parameters(slice.count)))",
                    slice.map { .text($0) }
                ).map(Self.jobRecord)
            }
        }
    }

    /// `GROUP BY` over exact `numeric` costs: one row per cycle crosses the wire, whatever the number of jobs.
    func cycleTotals(from: Date?, to: Date?) throws -> [CycleTotal] {
        let (condition, values) = Self.finishedWithin(from: from, to: to)
        return try run("summing cycles") { tx in
            try tx.query(
                """
                SELECT cycle_start_millis, currency, count(*), sum(cost)::text FROM \(s).job WHERE \(condition)
                GROUP BY cycle_start_millis, currency ORDER BY cycle_start_millis IS NULL, cycle_start_millis, currency
                """, values
            ).map(Self.cycleTotal)
        }
    }

    func counts() throws -> (jobs: Int, measurements: Int) {
        try run("counting rows") { tx in
            let row = try tx.query("SELECT (SELECT count(*) FROM \(s).job), (SELECT count(*) FROM \(s).measurement)").first
            return (jobs: Int(row?[0] ?? "") ?? 0, measurements: Int(row?[1] ?? "") ?? 0)
        }
    }

    private static func cycleTotal(_ row: [String?]) -> CycleTotal {
        let millis: Int64? = row[0].flatMap { Int64($0) }
        let jobs: Int = Int(row[2] ?? "") ?? 0
        return CycleTotal(start: millis.map(LedgerTime.date), currency: row[1] ?? "", jobs: jobs, total: row[3] ?? "0")
    }

    private static func jobRecord(_ row: [String?]) -> JobRecord {
        JobRecord(
            id: row[0] ?? "", feature: row[1] ?? "", status: row[2] ?? "", cost: row[3] ?? "0",
            currency: row[4] ?? "", rateCard: row[5] ?? "",
            finishedAt: row[6].flatMap { Int64($0) }.map(LedgerTime.date),
            cycleStart: row[7].flatMap { Int64($0) }.map(LedgerTime.date),
            payload: PGConnection.bytes(row[8]), recordedAt: LedgerTime.date(row[9].flatMap { Int64($0) } ?? 0),
            producedBy: row[10])
    }

    /// `$1, $2, …, $count`: the parameters of an `IN (…)` list.
    static func parameters(_ count: Int) -> String { (1...max(count, 1)).map { "$\($0)" }.joined(separator: ", ") }

    /// The `(…), (…)` of a multi-row INSERT with its parameters in order: one row of `columns(element)`
    /// parameters per element, each followed by `trailing` (a constant column) when given.
    static func rows<Element>(
        _ elements: some Collection<Element>, trailing: String? = nil, _ columns: (Element) -> [PGConnection.Value]
    ) -> (sql: String, values: [PGConnection.Value]) {
        var values: [PGConnection.Value] = []
        var rows: [String] = []
        for element in elements {
            let base = values.count
            values += columns(element)
            let row = (base + 1...values.count).map { "$\($0)" } + (trailing.map { [$0] } ?? [])
            rows.append("(" + row.joined(separator: ", ") + ")")
        }
        return (rows.joined(separator: ", "), values)
    }

    // MARK: - Measurements

    func measurements(for keys: [MeasurementKey]) throws -> [MeasurementKey: Data] {
        guard !keys.isEmpty else { return [:] }
        return try run("reading cached measurements") { tx in
            try KeyLookup.measurements(for: keys, sliceSize: Self.keysPerQuery) { slice in
                try tx.query(
                    """
                    SELECT path, mode, size, modified_at_nanos, changed_at_nanos, inode, facts
                    FROM \(s).measurement WHERE path IN (\(Self.parameters(slice.count)))
                    """, slice.map { .text($0) }
                ).map { row in
                    let key = MeasurementKey(
                        path: row[0] ?? "", size: Int64(row[2] ?? "") ?? -1, modifiedAtNanos: Int64(row[3] ?? "") ?? -1,
                        changedAtNanos: Int64(row[4] ?? "") ?? -1, inode: UInt64(bitPattern: Int64(row[5] ?? "") ?? -1),
                        mode: row[1] ?? "")
                    return (key, PGConnection.bytes(row[6]))
                }
            }
        }
    }

    func storeMeasurements(_ entries: [(key: MeasurementKey, facts: Data)]) throws {
        guard !entries.isEmpty else { return }
        struct Slot: Hashable { var path: String; var mode: String }
        var last: [Slot: (key: MeasurementKey, facts: Data)] = [:]
        for entry in entries { last[Slot(path: entry.key.path, mode: entry.key.mode)] = entry }
        let ordered = last.values.sorted { ($0.key.path, $0.key.mode) < ($1.key.path, $1.key.mode) }
        try run("storing measurements") { tx in
            for slice in ordered.chunks(ofCount: Self.rowsPerStatement) {
                let (rows, values) = Self.rows(slice) { entry in
                    [
                        .text(entry.key.path), .text(entry.key.mode), .int(entry.key.size),
                        .int(entry.key.modifiedAtNanos), .int(entry.key.changedAtNanos),
                        .int(Int64(bitPattern: entry.key.inode)), .bytes(entry.facts),
                    ]
                }
                try tx.query(
                    """
                    INSERT INTO \(s).measurement (path, mode, size, modified_at_nanos, changed_at_nanos, inode, facts)
                    VALUES \(rows)
                    ON CONFLICT (path, mode) DO UPDATE SET size = excluded.size,
                        modified_at_nanos = excluded.modified_at_nanos, changed_at_nanos = excluded.changed_at_nanos,
                        inode = excluded.inode, facts = excluded.facts
                    """, values)
            }
        }
    }

    // MARK: - Replays

    /// The replay key as stored: it holds the scan's arguments, which may hold the ledger URL's password.
    private func storedKey(_ key: String) -> String {
        secrets.reduce(key) { $0.replacingOccurrences(of: $1, with: "***") }
    }

    func replay(forKey key: String) throws -> StoredReplay? {
        let key = storedKey(key)
        return try run("reading a stored scan") { tx in
            guard
                let row = try tx.query(
                    """
                    SELECT tree_state, exit_status, stderr, output_bytes, recorded_at_millis FROM \(s).scan_replay WHERE key = $1
                    """, [.text(key)]
                ).first
            else { return nil }
            return StoredReplay(
                treeState: PGConnection.bytes(row[0]), exitStatus: Int32(row[1] ?? "") ?? 2,
                stderr: row[2] ?? "", outputBytes: Int64(row[3] ?? "") ?? -1,
                recordedAt: LedgerTime.date(Int64(row[4] ?? "") ?? 0))
        }
    }

    func replayOutput(forKey key: String, _ body: (Data) throws -> Void) throws -> Bool {
        let key = storedKey(key)
        // One chunk per query inside one repeatable-read transaction: a consistent snapshot without holding the
        // whole output in memory.
        return try run("reading a stored scan's output", isolation: "REPEATABLE READ") { tx in
            guard
                let expected = try tx.query("SELECT output_bytes FROM \(s).scan_replay WHERE key = $1", [.text(key)])
                    .first?.first.flatMap({ $0 }).flatMap({ Int64($0) })
            else { return false }
            let count =
                Int(
                    try tx.query("SELECT count(*) FROM \(s).scan_replay_chunk WHERE key = $1", [.text(key)])
                        .first?.first.flatMap { $0 } ?? "0") ?? 0
            var seen: Int64 = 0
            for seq in 0..<count {
                let bytes = PGConnection.bytes(
                    try tx.query(
                        "SELECT bytes FROM \(s).scan_replay_chunk WHERE key = $1 AND seq = $2", [.text(key), .text(String(seq))]
                    )
                    .first?.first ?? nil)
                seen += Int64(bytes.count)
                try body(bytes)
            }
            return seen == expected
        }
    }

    func storeReplay(
        forKey key: String, treeState: Data, exitStatus: Int32, stderr: String,
        outputFile: URL, recordedAt: Date
    ) throws {
        let key = storedKey(key)
        guard let handle = try? FileHandle(forReadingFrom: outputFile) else {
            throw LedgerError.io(path: location, message: "the scan's captured output (\(outputFile.path)) could not be read back")
        }
        defer { try? handle.close() }
        try run("storing the scan for replay") { tx in
            try tx.query("DELETE FROM \(s).scan_replay_chunk WHERE key = $1", [.text(key)])
            try tx.query("DELETE FROM \(s).scan_replay WHERE key = $1", [.text(key)])
            try handle.seek(toOffset: 0)
            var total: Int64 = 0
            var seq = 0
            while let chunk = try handle.read(upToCount: SQLiteLedger.replayChunkBytes), !chunk.isEmpty {
                try tx.query(
                    "INSERT INTO \(s).scan_replay_chunk (key, seq, bytes) VALUES ($1, $2, $3)",
                    [.text(key), .text(String(seq)), .bytes(chunk)])
                total += Int64(chunk.count)
                seq += 1
            }
            try tx.query(
                """
                INSERT INTO \(s).scan_replay (key, tree_state, exit_status, stderr, output_bytes, recorded_at_millis)
                VALUES ($1, $2, $3, $4, $5, $6)
                """,
                [
                    .text(key), .bytes(treeState), .text(String(exitStatus)), .text(stderr), .int(total),
                    .int(LedgerTime.millis(recordedAt)),
                ])
            try tx.query(
                """
                WITH stale AS (SELECT key FROM \(s).scan_replay ORDER BY recorded_at_millis DESC, key OFFSET $1),
                gone AS (DELETE FROM \(s).scan_replay_chunk WHERE key IN (SELECT key FROM stale))
                DELETE FROM \(s).scan_replay WHERE key IN (SELECT key FROM stale)
                """, [.text(String(Ledger.replaysKept))])
        }
    }

    func forgetReplays() throws {
        try run("forgetting stored scans") { tx in
            try tx.query("DELETE FROM \(s).scan_replay_chunk")
            try tx.query("DELETE FROM \(s).scan_replay")
        }
    }

    // MARK: - Errors

    /// Runs `body` in one transaction, translating every failure into a `LedgerError` naming the ledger.
    private func run<T>(
        _ action: String, isolation: String? = nil,
        _ body: (PGConnection.Transaction) throws -> T
    ) throws -> T {
        try session.run(action, isolation: isolation, body)
    }
}

/// One ledger's connection, and what turning its failures into `LedgerError`s needs to know.
private struct Session {
    let connection: PGConnection
    let location: String
    let schema: String
    let access: Ledger.Access
    /// The quoted schema name, spliced into SQL (values always travel as parameters).
    var s: String { PGConnection.quoteIdentifier(schema) }

    /// Runs `body` in one transaction (read-only when the ledger was opened so), translating every failure into
    /// a `LedgerError` naming the ledger.
    func run<T>(
        _ action: String, isolation: String? = nil,
        _ body: (PGConnection.Transaction) throws -> T
    ) throws -> T {
        do {
            return try connection.transaction { tx in
                if let isolation { try tx.query("SET TRANSACTION ISOLATION LEVEL \(isolation)") }
                if access == .readOnly { try tx.query("SET TRANSACTION READ ONLY") }
                return try body(tx)
            }
        } catch let error as LedgerError {
            throw error
        } catch let failure as PGConnection.Failure {
            throw describe(failure, action)
        } catch {
            throw LedgerError.io(path: location, message: "\(action): \(error.localizedDescription)")
        }
    }

    /// The ledger error a failed statement means, decided by the SQLSTATE's class and named codes.
    private func describe(_ failure: PGConnection.Failure, _ action: String) -> LedgerError {
        let message = failure.message
        if failure.connectionLost || failure.sqlState?.meansConnectionLost == true {
            return .connectionLost(path: location, action: action, detail: message)
        }
        guard let state = failure.sqlState else {
            return .io(path: location, message: "\(action): \(message)")
        }
        switch state {
        case .insufficientPrivilege:
            return .privilegeMissing(path: location, role: connection.user, schema: schema, tables: [], detail: "\(action): \(message)")
        case .readOnlySQLTransaction:
            return .io(path: location, message: "\(action): the database is read-only (\(message))")
        case .diskFull:
            return .io(path: location, message: "\(action): the database server's disk is full (\(message))")
        default:
            return .io(path: location, message: "\(action): \(message)")
        }
    }
}

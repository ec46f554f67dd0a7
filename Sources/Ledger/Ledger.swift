import Foundation

/// ClipMeter's memory between runs: cached measurements, so a re-scan probes only what changed, and priced jobs, so
/// past billing cycles can be printed again.
///
/// A local SQLite file by default, or a PostgreSQL database shared by many scanners when the location is a
/// `postgres://` or `postgresql://` URL. Both keep the same promises (docs/contract.md, Ledger): every write is one transaction, a job
/// is recorded once by id with the newest recording winning, and a ledger with a foreign or newer schema is refused
/// unchanged. The ledger stores opaque blobs next to a few indexed columns and knows nothing of media or prices.
/// Every method throws only `LedgerError`.
public final class Ledger: Sendable {
    /// Newest SQLite schema version this build knows.
    public static let schemaVersion = SQLiteSchema.version
    /// Replays kept per ledger; the oldest beyond this are dropped when a new one is stored.
    public static let replaysKept = 8
    /// The schema a PostgreSQL ledger uses unless told otherwise.
    public static let defaultSchema = "clipmeter"

    /// Whether the caller will only read: `bill` must work on an archived, read-only ledger and must never create one.
    public enum Access: Sendable {
        case readWrite
        case readOnly
    }

    /// Where the ledger lives, fit to print: the file path, or the database URL with any password removed.
    public var path: String { backend.location }

    let backend: any LedgerBackend

    /// Opens the SQLite ledger file at `path` for reading and writing (see `init(location:schema:access:)`).
    public convenience init(path: String) throws {
        try self.init(location: path)
    }

    /// Opens the ledger at `location`: a `postgres://` / `postgresql://` URL, or else an SQLite file path.
    ///
    /// A file is created (with its folders) when missing unless `access` is `.readOnly`; a PostgreSQL schema
    /// (`schema`, default `clipmeter`) is created and migrated when the role may. Connection settings the URL leaves
    /// out come from libpq's environment (`PGPASSWORD`, `~/.pgpass`, `PGSSLMODE`, …).
    public init(location: String, schema: String? = nil, access: Access = .readWrite) throws {
        if Self.isDatabaseURL(location) {
            backend = try PostgresLedger(url: location, schema: schema ?? Self.defaultSchema, access: access)
        } else if Self.startsLikeDatabaseURL(location) {
            throw LedgerError.malformedURL(path: PostgresURL.redacted(location), reason: PostgresURL.flaw(in: location))
        } else {
            backend = try SQLiteLedger(path: location, access: access)
        }
    }

    /// The URL schemes libpq accepts for a connection URI.
    static let databaseSchemes: Set<String> = ["postgres", "postgresql"]

    /// Whether `location` names a PostgreSQL database rather than a file: a URL whose scheme (compared without
    /// regard to case, as RFC 3986 says) is `postgres` or `postgresql` and which has an authority (`//…`, possibly
    /// empty). A relative path such as `./postgres://x` has no scheme, so it stays a file.
    public static func isDatabaseURL(_ location: String) -> Bool {
        guard let parts = URLComponents(string: location), let scheme = parts.scheme?.lowercased() else { return false }
        return databaseSchemes.contains(scheme) && parts.percentEncodedHost != nil
    }

    /// Whether `location` begins with a PostgreSQL scheme (`postgres:` or `postgresql:`, in any case): then it was
    /// meant as a database, and one that does not parse is a mistake to report, never a file to create under that
    /// name (with the password in it). A file whose name starts that way is still reachable as `./postgres:…`.
    public static func startsLikeDatabaseURL(_ location: String) -> Bool {
        let lowered = location.prefix(12).lowercased()
        return databaseSchemes.contains { lowered.hasPrefix($0 + ":") }
    }

    // MARK: - Jobs

    /// Upserts by job id in one transaction: a job re-priced on a later run replaces its row, so a run killed and run
    /// again never duplicates a job.
    public func recordJobs(_ records: [JobRecord]) throws { try backend.recordJobs(records) }

    /// Jobs whose `finishedAt` is in [from, to), a nil bound being open, compared to the millisecond.
    ///
    /// Jobs without `finishedAt` belong to no cycle, so they are listed only when both bounds are nil. Sorted by
    /// `finishedAt` (jobs without one last), then by id in byte order.
    public func jobs(from: Date?, to: Date?) throws -> [JobRecord] { try backend.jobs(from: from, to: to) }

    /// The recorded jobs with these ids, in no particular order; ids the ledger does not hold are skipped.
    public func jobs(withIDs ids: [String]) throws -> [JobRecord] { try backend.jobs(withIDs: ids) }

    /// Number of recorded jobs and cached measurements, from one snapshot.
    public func counts() throws -> (jobs: Int, measurements: Int) { try backend.counts() }

    // MARK: - Measurements

    /// All cached measurements whose key matches exactly; a file whose key differs in any part is simply absent.
    public func measurements(for keys: [MeasurementKey]) throws -> [MeasurementKey: Data] {
        try backend.measurements(for: keys)
    }

    /// Stores many measurements in one transaction: all of them or, if the process dies, none. One row per
    /// (path, mode) however often the file changes; within one call the last entry for a (path, mode) wins.
    public func storeMeasurements(_ entries: [(key: MeasurementKey, facts: Data)]) throws {
        try backend.storeMeasurements(entries)
    }

    // MARK: - Replays

    /// The replay stored for `key`, without its output.
    public func replay(forKey key: String) throws -> StoredReplay? { try backend.replay(forKey: key) }

    /// Hands the stored output for `key` to `body` chunk by chunk, in order, from one consistent snapshot, and
    /// returns whether the chunks added up to the stored size (a replay stored whole always does).
    @discardableResult
    public func replayOutput(forKey key: String, _ body: (Data) throws -> Void) throws -> Bool {
        try backend.replayOutput(forKey: key, body)
    }

    /// Stores (or replaces) the replay for `key` in one transaction, reading the output from `outputFile`, and
    /// drops the oldest replays beyond `replaysKept`.
    public func storeReplay(
        forKey key: String, treeState: Data, exitStatus: Int32, stderr: String,
        outputFile: URL, recordedAt: Date = Date()
    ) throws {
        try backend.storeReplay(
            forKey: key, treeState: treeState, exitStatus: exitStatus, stderr: stderr,
            outputFile: outputFile, recordedAt: recordedAt)
    }

    /// Forgets every stored replay (the next scan of any tree does the full work).
    public func forgetReplays() throws { try backend.forgetReplays() }
}

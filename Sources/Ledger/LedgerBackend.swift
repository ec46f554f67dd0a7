import Foundation

/// What a ledger can do, whichever database holds it: the one interface both backends implement.
///
/// Internal on purpose: everything above this module uses `Ledger`, which picks the backend from the location the
/// user gave, so no command, store or test outside `Ledger` can depend on which database is in use. Every method
/// throws only `LedgerError`, and every write is one transaction.
protocol LedgerBackend: Sendable {
    /// Where the ledger lives, fit to print: a file path, or a database URL without its password.
    var location: String { get }

    /// Upserts by job id in one transaction; a later recording of the same id replaces the earlier one.
    func recordJobs(_ records: [JobRecord]) throws
    /// Jobs whose `finishedAt` is in [from, to) (nil bounds open), sorted by finish time (none last), then id bytes.
    func jobs(from: Date?, to: Date?) throws -> [JobRecord]
    /// The recorded jobs with these ids, in no particular order.
    func jobs(withIDs ids: [String]) throws -> [JobRecord]
    /// The hourly cycles of the jobs finished in [from, to), summed without loading the jobs.
    func cycleTotals(from: Date?, to: Date?) throws -> [CycleTotal]
    /// Number of recorded jobs and cached measurements.
    func counts() throws -> (jobs: Int, measurements: Int)

    /// Cached measurements whose key matches exactly.
    func measurements(for keys: [MeasurementKey]) throws -> [MeasurementKey: Data]
    /// Stores measurements in one transaction, one row per (path, mode), the last one winning.
    func storeMeasurements(_ entries: [(key: MeasurementKey, facts: Data)]) throws

    /// The stored replay for `key`, without its output.
    func replay(forKey key: String) throws -> StoredReplay?
    /// Hands the stored output to `body` chunk by chunk; whether the chunks add up to the stored size.
    func replayOutput(forKey key: String, _ body: (Data) throws -> Void) throws -> Bool
    /// Stores (or replaces) a replay in one transaction, keeping the newest `Ledger.replaysKept`.
    func storeReplay(
        forKey key: String, treeState: Data, exitStatus: Int32, stderr: String,
        outputFile: URL, recordedAt: Date) throws
    /// Forgets every stored replay.
    func forgetReplays() throws
}

import Foundation
import GRDB

/// ClipMeter's on-disk memory: cached measurements, so a re-scan probes only what changed, and priced jobs, so
/// `clipmeter bill --from --to` can print past cycles.
///
/// One SQLite file in WAL mode. Every write method is one transaction, so a run killed at any point leaves each batch
/// either whole or absent; a 30 s busy timeout lets two processes scanning into the same ledger both succeed. The
/// ledger stores opaque blobs next to a few indexed columns and knows nothing of media or prices.
/// Every method throws only `LedgerError`.
public final class Ledger: Sendable {
    /// Newest schema version this build knows.
    public static let schemaVersion = LedgerSchema.version

    /// The ledger file, as given to `init(path:)`.
    public let path: String

    let pool: DatabasePool

    /// Opens the ledger at `path`, creating the file and its parent folders when missing, and migrates it.
    ///
    /// A file that is not SQLite, is damaged or belongs to another application throws `LedgerError.corrupt`; one
    /// written by a newer schema throws `LedgerError.newerSchema`. Either way the file is left exactly as it was:
    /// it is vetted from its header and a read-only connection before anything may write to it.
    public init(path: String) throws {
        self.path = path
        try LedgerFile.prepareFolder(for: path)
        let exists = try LedgerFile.vetHeader(
            at: path, supportedVersion: LedgerSchema.version, applicationID: LedgerSchema.applicationID)
        do {
            if exists {
                try Self.inspectReadOnly(path)
            }
            pool = try Self.openPool(path)
        } catch {
            throw LedgerError(error, path: path, while: "opening it")
        }
    }

    /// How long a write waits for another process holding the ledger before giving up.
    static let busyTimeout: TimeInterval = 30

    private static func configuration(readonly: Bool) -> Configuration {
        var configuration = Configuration()
        configuration.readonly = readonly
        configuration.busyMode = .timeout(busyTimeout)
        configuration.label = "ClipMeter.Ledger"
        return configuration
    }

    /// Opens the pool and migrates, retrying while another process is doing the same.
    ///
    /// Opening writes (it switches the file to WAL mode and GRDB probes the log with a throwaway savepoint), and two
    /// processes opening one fresh ledger at once can get SQLITE_BUSY from SQLite without its busy handler being
    /// consulted. Both steps are idempotent, so retrying for as long as the busy timeout is safe.
    private static func openPool(_ path: String) throws -> DatabasePool {
        let deadline = Date().addingTimeInterval(busyTimeout)
        while true {
            do {
                let pool = try DatabasePool(path: path, configuration: configuration(readonly: false))
                try LedgerSchema.migrate(pool, path: path)
                return pool
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && Date() < deadline {
                usleep(UInt32.random(in: 5_000...50_000))
            }
        }
    }

    /// Checks the schema through a read-only connection, which sees committed data still in the write-ahead log
    /// but, unlike a pool, never switches the journal mode or writes to the file.
    private static func inspectReadOnly(_ path: String) throws {
        let queue = try DatabaseQueue(path: path, configuration: configuration(readonly: true))
        try queue.read { db in try LedgerSchema.checkCompatible(db, path: path) }
        try queue.close()
    }

    // MARK: - Access shared by the stores

    /// Runs `body` in one write transaction, translating failures into `LedgerError`.
    func writing<T>(_ action: String, _ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.write(body)
        } catch {
            throw LedgerError(error, path: path, while: action)
        }
    }

    /// Runs `body` on one consistent snapshot, translating failures into `LedgerError`.
    func reading<T>(_ action: String, _ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.read(body)
        } catch {
            throw LedgerError(error, path: path, while: action)
        }
    }
}

import Foundation
import GRDB

/// The ledger in one SQLite file in WAL mode.
///
/// Every write method is one transaction, so a run killed at any point leaves each batch either whole or absent; a
/// 30 s busy timeout lets two processes scanning into the same ledger both succeed. Every method throws only
/// `LedgerError`.
final class SQLiteLedger: LedgerBackend {
    /// The ledger file, as given to `init(path:access:)`.
    let path: String
    var location: String { path }

    /// Where reads go: the pool when writing, a single read-only connection otherwise.
    let reader: any DatabaseReader
    /// Nil when opened read-only: then no code path can write, switch the journal mode or create `-shm`/`-wal`.
    let pool: DatabasePool?
    /// Whether the job table records what priced each job (schema v4); false only for an older ledger read as it is.
    let jobsHaveProducer: Bool

    /// Opens the ledger at `path`, creating the file and its parent folders when missing, and migrates it; or, with
    /// `.readOnly`, opens an existing file for reading without creating, migrating or writing anything.
    ///
    /// A file that is not SQLite, is damaged or belongs to another application throws `LedgerError.corrupt`; one
    /// written by a newer schema throws `LedgerError.newerSchema`. Either way the file is left exactly as it was:
    /// it is vetted from its header and a read-only connection before anything may write to it.
    init(path: String, access: Ledger.Access) throws {
        self.path = path
        try LedgerFile.refuseSpecialFiles(at: path)
        if access == .readOnly {
            let reader = try Self.openReadOnly(path)
            self.reader = reader
            pool = nil
            do {
                jobsHaveProducer = try reader.read(SQLiteSchema.jobsHaveProducer)
            } catch {
                throw LedgerError(error, path: path, while: "opening it read-only")
            }
            return
        }
        try LedgerFile.prepareFolder(for: path)
        try LedgerFile.refuseUntrusted(at: path)
        try LedgerFile.createIfMissing(at: path)
        let exists = try LedgerFile.vetHeader(
            at: path, supportedVersion: SQLiteSchema.version, applicationID: SQLiteSchema.applicationID)
        do {
            if exists {
                try Self.inspectReadOnly(path)
            }
            let pool = try Self.openPool(path)
            self.pool = pool
            reader = pool
            jobsHaveProducer = true
        } catch {
            throw LedgerError(error, path: path, while: "opening it")
        }
    }

    /// Opens an existing ledger for reading only (`clipmeter bill` on an archived, read-only file).
    ///
    /// A WAL-mode file needs its `-shm` file, which SQLite cannot create in a read-only folder; then the file is
    /// opened as immutable, which is safe there because nothing can be writing to it either. An older schema is
    /// read as it is: every schema this build knows has the job table `bill` reads.
    private static func openReadOnly(_ path: String) throws -> DatabaseQueue {
        guard
            try LedgerFile.vetHeader(
                at: path, supportedVersion: SQLiteSchema.version, applicationID: SQLiteSchema.applicationID)
        else {
            throw LedgerError.holdsNoLedger(path: path, schema: nil)
        }
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration(readonly: true))
            try queue.read { db in try SQLiteSchema.checkCompatible(db, path: path) }
            return queue
        } catch let error as DatabaseError where [.SQLITE_CANTOPEN, .SQLITE_READONLY, .SQLITE_IOERR].contains(error.resultCode) {
            // An immutable open ignores the write-ahead log, so jobs committed only there would silently vanish.
            if LedgerFile.hasNonEmptyLog(path) {
                throw LedgerError.io(
                    path: path,
                    message:
                        "it is in a read-only folder with an unfinished write-ahead log (\((path as NSString).lastPathComponent)-wal) that SQLite can only read from a writable folder; copy the ledger and its -wal file to one"
                )
            }
            do {
                let queue = try DatabaseQueue(path: immutableURI(path), configuration: configuration(readonly: true))
                try queue.read { db in try SQLiteSchema.checkCompatible(db, path: path) }
                return queue
            } catch {
                throw LedgerError(error, path: path, while: "opening it read-only")
            }
        } catch {
            throw LedgerError(error, path: path, while: "opening it read-only")
        }
    }

    /// `file:` URI (Debian's SQLite honours URIs) telling SQLite the file cannot change, so it needs no `-shm`.
    private static func immutableURI(_ path: String) -> String {
        let absolute = (path as NSString).isAbsolutePath ? path : FileManager.default.currentDirectoryPath + "/" + path
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        let escaped = absolute.addingPercentEncoding(withAllowedCharacters: allowed) ?? absolute
        return "file:\(escaped)?immutable=1"
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
                try SQLiteSchema.migrate(pool, path: path)
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
        try queue.read { db in try SQLiteSchema.checkCompatible(db, path: path) }
        try queue.close()
    }

    // MARK: - Access shared by the stores

    /// Runs `body` in one write transaction, translating failures into `LedgerError`.
    func writing<T>(_ action: String, _ body: (Database) throws -> T) throws -> T {
        guard let pool else {
            throw LedgerError.readOnly(path: path, action: action)
        }
        do {
            return try pool.write(body)
        } catch {
            throw LedgerError(error, path: path, while: action)
        }
    }

    /// Runs `body` on one consistent snapshot, translating failures into `LedgerError`.
    func reading<T>(_ action: String, _ body: (Database) throws -> T) throws -> T {
        do {
            return try reader.read(body)
        } catch {
            throw LedgerError(error, path: path, while: action)
        }
    }
}

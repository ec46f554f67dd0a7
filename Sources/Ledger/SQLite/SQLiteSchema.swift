import Foundation
import GRDB

/// The ledger's tables and how a file is brought up to (or refused for) the schema this build knows.
///
/// Migrations are frozen SQL: once released, "v1" never changes; a new schema is a new migration that also raises
/// `user_version`, so older builds can refuse the file from its header alone.
enum SQLiteSchema {
    /// Newest schema version this build knows; mirrored in `PRAGMA user_version`.
    static let version = 5

    /// `PRAGMA application_id` of every ledger ("CLMT"), so another application's database is never mistaken for one.
    static let applicationID: Int32 = 0x434C_4D54

    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE measurement (
                        path TEXT NOT NULL,
                        mode TEXT NOT NULL,
                        size INTEGER NOT NULL,
                        modifiedAtNanos INTEGER NOT NULL,
                        facts BLOB NOT NULL,
                        PRIMARY KEY (path, mode)
                    );
                    CREATE TABLE job (
                        id TEXT NOT NULL PRIMARY KEY,
                        feature TEXT NOT NULL,
                        status TEXT NOT NULL,
                        cost TEXT NOT NULL,
                        currency TEXT NOT NULL,
                        rateCard TEXT NOT NULL,
                        finishedAtMillis INTEGER,
                        cycleStartMillis INTEGER,
                        payload BLOB NOT NULL,
                        recordedAtMillis INTEGER NOT NULL
                    );
                    CREATE INDEX job_by_finish ON job (finishedAtMillis, id);
                    PRAGMA application_id = \(applicationID);
                    PRAGMA user_version = 1;
                    """)
        }
        // A scan's output kept for replay when the same command meets the same tree again (see ReplayStore).
        migrator.registerMigration("v2") { db in
            try db.execute(
                sql: """
                    CREATE TABLE scanReplay (
                        key TEXT NOT NULL PRIMARY KEY,
                        treeState BLOB NOT NULL,
                        exitStatus INTEGER NOT NULL,
                        stderr TEXT NOT NULL,
                        outputBytes INTEGER NOT NULL,
                        recordedAtMillis INTEGER NOT NULL
                    );
                    CREATE TABLE scanReplayChunk (
                        key TEXT NOT NULL,
                        seq INTEGER NOT NULL,
                        bytes BLOB NOT NULL,
                        PRIMARY KEY (key, seq)
                    );
                    PRAGMA user_version = 2;
                    """)
        }
        // Measurements keyed also by ctime and inode (see MeasurementKey). Rows cached under the old key cannot be
        // told from a file rewritten with its old size and mtime, so they are dropped and measured once more.
        migrator.registerMigration("v3") { db in
            try db.execute(
                sql: """
                    DELETE FROM measurement;
                    ALTER TABLE measurement ADD COLUMN changedAtNanos INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE measurement ADD COLUMN inode INTEGER NOT NULL DEFAULT 0;
                    PRAGMA user_version = 3;
                    """)
        }
        // Which ClipMeter (and which FFmpeg libraries) priced each job. Jobs recorded before keep NULL: unknown.
        migrator.registerMigration("v4") { db in
            try db.execute(
                sql: """
                    ALTER TABLE job ADD COLUMN producedBy TEXT;
                    PRAGMA user_version = 4;
                    """)
        }
        // Jobs keyed by identity (where they live, or their IMS JobId) instead of by an id relative to the scanned
        // folder. Rows written before are marked `keyed = 0`: they keep their meaning until a scan records the same
        // job under its key, which replaces them.
        migrator.registerMigration("v5") { db in
            try db.execute(
                sql: """
                    ALTER TABLE job ADD COLUMN keyed INTEGER NOT NULL DEFAULT 0;
                    PRAGMA user_version = 5;
                    """)
        }
        return migrator
    }()

    /// Throws unless the connected database is empty or a ledger no newer than this build.
    static func checkCompatible(_ db: Database, path: String) throws {
        let userVersion = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
        if userVersion > version {
            throw LedgerError.newerSchema(path: path, found: userVersion, supported: version)
        }
        let applied = try migrator.appliedIdentifiers(db)
        let known = Set(migrator.migrations)
        if !applied.isSubset(of: known) {
            let newest = applied.compactMap { Int($0.dropFirst()) }.max() ?? version + 1
            throw LedgerError.newerSchema(path: path, found: max(newest, version + 1), supported: version)
        }
        let applicationID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
        if applicationID == Self.applicationID { return }
        if applicationID != 0 {
            throw LedgerError.corrupt(path: path, message: "it is another application's SQLite database")
        }
        let foreignTables =
            try Int.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*) FROM sqlite_master
                    WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE 'grdb\\_%' ESCAPE '\\'
                    """) ?? 0
        if foreignTables > 0 {
            throw LedgerError.corrupt(path: path, message: "it holds tables that are not a ClipMeter ledger's")
        }
    }

    /// Whether the connected ledger's job table has the `producedBy` column (migration v4): a ledger opened
    /// read-only is read at whatever schema it has.
    static func jobsHaveProducer(_ db: Database) throws -> Bool {
        try db.columns(in: "job").contains { $0.name == "producedBy" }
    }

    /// Applies the migrations this file lacks.
    ///
    /// Two processes creating the same ledger at once both see an empty file; the loser's migration fails because the
    /// winner's tables exist. That is fine once the file is fully migrated, but with several migrations the winner
    /// may still be applying a later one when the loser looks: the loser then runs the migrator again, which skips
    /// what the winner has committed, until the file is complete or the failure is its own.
    static func migrate(_ pool: DatabasePool, path: String) throws {
        let deadline = Date().addingTimeInterval(10)
        while true {
            do {
                try migrator.migrate(pool)
                return
            } catch {
                let completed = try? pool.read { try migrator.hasCompletedMigrations($0) }
                if completed == true { return }
                guard Date() < deadline else { throw error }
                usleep(UInt32.random(in: 5_000...50_000))
            }
        }
    }
}

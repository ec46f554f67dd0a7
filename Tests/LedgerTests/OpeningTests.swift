import Foundation
import GRDB
import XCTest
import Ledger

/// Opening must create what is missing and refuse, untouched, whatever is not a ledger this build may write.
final class OpeningTests: LedgerTestCase {
    func testMissingFileAndFoldersAreCreated() throws {
        let file = path("nested/deeper/.clipmeter/ledger.sqlite")
        do {
            let ledger = try Ledger(path: file)
            XCTAssertEqual(ledger.path, file)
            XCTAssertEqual(try ledger.counts().jobs, 0)
            try ledger.recordJobs([job("kept")])
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: file))
        XCTAssertEqual(try Ledger(path: file).jobs(from: nil, to: nil).map(\.id), ["kept"])
    }

    /// A FIFO where the ledger or its write-ahead log will be opened would block forever (issue 12): refused at
    /// once, for reading and for writing, without opening it.
    func testAFIFONamedLikeTheLedgerOrItsLogIsRefusedNotOpened() throws {
        for companion in ["", "-wal", "-shm", "-journal"] {
            let file = path("case\(companion.isEmpty ? "main" : companion)/ledger.sqlite")
            try FileManager.default.createDirectory(
                atPath: (file as NSString).deletingLastPathComponent,
                withIntermediateDirectories: true)
            XCTAssertEqual(mkfifo(file + companion, 0o644), 0)
            for access in [Ledger.Access.readWrite, .readOnly] {
                let started = Date()
                XCTAssertThrowsError(try Ledger(location: file, access: access), "\(companion) \(access)") { error in
                    XCTAssertTrue("\(error)".contains("FIFO"), "\(error)")
                }
                XCTAssertLessThan(Date().timeIntervalSince(started), 5, "refused at once, never blocked on the pipe")
            }
        }
    }

    func testEmptyFileBecomesALedger() throws {
        let file = path("ledger.sqlite")
        XCTAssertTrue(FileManager.default.createFile(atPath: file, contents: Data()))

        let ledger = try Ledger(path: file)
        try ledger.recordJobs([job("1")])
        XCTAssertEqual(try ledger.counts().jobs, 1)
    }

    func testRandomBytesAreCorruptAndLeftUntouched() throws {
        let file = path("ledger.sqlite")
        var generator = SystemRandomNumberGenerator()
        let noise = Data((0..<8_192).map { _ in UInt8.random(in: 0...255, using: &generator) })
        try noise.write(to: URL(fileURLWithPath: file))

        assertCorrupt(file, expectedBytes: noise)
    }

    func testTextFileIsCorruptAndLeftUntouched() throws {
        let file = path("ledger.sqlite")
        let text = Data(String(repeating: "path,duration\nclip.mp4,90\n", count: 20).utf8)
        try text.write(to: URL(fileURLWithPath: file))

        assertCorrupt(file, expectedBytes: text)
    }

    func testShortFileIsCorruptAndLeftUntouched() throws {
        let file = path("ledger.sqlite")
        let short = Data("SQLite format 3\u{0}".utf8)
        try short.write(to: URL(fileURLWithPath: file))

        assertCorrupt(file, expectedBytes: short)
    }

    func testTruncatedLedgerIsCorruptAndLeftUntouched() throws {
        let file = path("ledger.sqlite")
        try Ledger(path: file).recordJobs((0..<2_000).map { job("job-\($0)", payloadSize: 1_000) })
        XCTAssertFalse(FileManager.default.fileExists(atPath: file + "-wal"), "closing the ledger checkpoints its log")
        let whole = try bytes(file)
        XCTAssertGreaterThan(whole.count, 1_000_000)

        let half = whole.prefix(whole.count / 2)
        try half.write(to: URL(fileURLWithPath: file))
        assertCorrupt(file, expectedBytes: half)

        let headerOnly = whole.prefix(50)
        try headerOnly.write(to: URL(fileURLWithPath: file))
        assertCorrupt(file, expectedBytes: headerOnly)
    }

    func testAnotherApplicationsDatabaseIsRefusedAndLeftUntouched() throws {
        let file = path("app.sqlite")
        let queue = try DatabaseQueue(path: file)
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE users (name TEXT); INSERT INTO users VALUES ('ada')")
        }
        try queue.close()
        let before = try bytes(file)

        assertCorrupt(file, expectedBytes: before)
    }

    func testHigherUserVersionIsNewerSchemaAndLeftUntouched() throws {
        let file = path("ledger.sqlite")
        try Ledger(path: file).recordJobs([job("1")])
        let newer = Ledger.schemaVersion + 1
        try withRawSQLite(file) { db in try db.execute(sql: "PRAGMA user_version = \(newer)") }
        let before = try bytes(file)

        let error = ledgerError { _ = try Ledger(path: file) }

        XCTAssertEqual(error, .newerSchema(path: file, found: newer, supported: Ledger.schemaVersion))
        XCTAssertEqual(try bytes(file), before)
    }

    func testUnknownAppliedMigrationIsNewerSchemaAndLeftUntouched() throws {
        let file = path("ledger.sqlite")
        try Ledger(path: file).recordJobs([job("1")])
        let newer = Ledger.schemaVersion + 1
        try withRawSQLite(file) { db in try db.execute(sql: "INSERT INTO grdb_migrations VALUES ('v\(newer)')") }
        let before = try bytes(file)

        let error = ledgerError { _ = try Ledger(path: file) }

        XCTAssertEqual(error, .newerSchema(path: file, found: newer, supported: Ledger.schemaVersion))
        XCTAssertEqual(try bytes(file), before)
    }

    func testParentThatIsAFileIsAnIOError() throws {
        let blocker = path("not-a-folder")
        XCTAssertTrue(FileManager.default.createFile(atPath: blocker, contents: Data("x".utf8)))
        let file = blocker + "/.clipmeter/ledger.sqlite"

        let error = ledgerError { _ = try Ledger(path: file) }

        guard case .io(let errorPath, let message)? = error else {
            return XCTFail("expected .io, got \(String(describing: error))")
        }
        XCTAssertEqual(errorPath, file)
        XCTAssertTrue(message.contains("not-a-folder is a file"), message)
        XCTAssertEqual(try bytes(blocker), Data("x".utf8))
    }

    func testFolderAtTheLedgerPathIsAnIOError() throws {
        let file = path("ledger.sqlite")
        try FileManager.default.createDirectory(atPath: file, withIntermediateDirectories: true)

        let error = ledgerError { _ = try Ledger(path: file) }

        guard case .io(file, _)? = error else { return XCTFail("expected .io, got \(String(describing: error))") }
    }

    /// The ledger's own sentences name the file and what went wrong, never a command-line flag: the command line
    /// adds the advice (ClipMeterCLITests hold its words).
    func testDescriptionsNameTheFileAndNoFlag() {
        let corrupt = LedgerError.corrupt(path: "/r/.clipmeter/ledger.sqlite", message: "it is truncated")
        XCTAssertEqual(
            corrupt.description,
            "/r/.clipmeter/ledger.sqlite is not a ClipMeter ledger or is damaged: it is truncated; it was left unchanged.")
        let newer = LedgerError.newerSchema(path: "/r/l.sqlite", found: 3, supported: 1)
        XCTAssertTrue(newer.description.contains("/r/l.sqlite"))
        XCTAssertTrue(newer.description.contains("schema 3"))
        let io = LedgerError.io(path: "/r/l.sqlite", message: "the disk is full")
        XCTAssertTrue(io.description.contains("/r/l.sqlite: the disk is full"))
        XCTAssertEqual(io.path, "/r/l.sqlite")
        let all: [LedgerError] = [
            corrupt, newer, io, .readOnly(path: "/r/l.sqlite", action: "recording jobs"),
            .holdsNoLedger(path: "/r/l.sqlite", schema: nil), .holdsNoLedger(path: "postgres://h/db", schema: "s"),
            .invalidSchemaName(path: "postgres://h/db", schema: ""), .foreignSchema(path: "postgres://h/db", schema: "s"),
            .connectionLost(path: "postgres://h/db", action: "recording jobs", detail: "server closed the connection"),
            .privilegeMissing(path: "postgres://h/db", role: "r", schema: "s", tables: ["job"], detail: nil),
        ]
        for error in all {
            XCTAssertFalse(error.description.contains("--"), error.description)
            XCTAssertTrue(error.description.contains(error.path), error.description)
        }
    }

    /// A write on a ledger opened for reading is its own case, and the file is not touched.
    func testWritingALedgerOpenedReadOnlyIsTheReadOnlyCase() throws {
        let file = path("ledger.sqlite")
        try Ledger(path: file).recordJobs([job("1")])
        let before = try bytes(file)
        let reader = try Ledger(location: file, access: .readOnly)
        let error = ledgerError { try reader.recordJobs([job("2")]) }
        XCTAssertEqual(error, .readOnly(path: file, action: "recording jobs"))
        XCTAssertEqual(try bytes(file), before)
    }

    /// Reading a ledger that is not there is the "holds no ledger" case, and nothing is created.
    func testReadingAnEmptyFileHoldsNoLedger() throws {
        let file = path("ledger.sqlite")
        XCTAssertTrue(FileManager.default.createFile(atPath: file, contents: Data()))
        let error = ledgerError { _ = try Ledger(location: file, access: .readOnly) }
        XCTAssertEqual(error, .holdsNoLedger(path: file, schema: nil))
        XCTAssertEqual(try bytes(file), Data())
    }

    // MARK: - Helpers

    private func assertCorrupt(_ file: String, expectedBytes: Data, line: UInt = #line) {
        let error = ledgerError(line: line) { _ = try Ledger(path: file) }
        guard case .corrupt(file, let message)? = error else {
            return XCTFail("expected .corrupt, got \(String(describing: error))", line: line)
        }
        XCTAssertFalse(message.isEmpty, line: line)
        XCTAssertEqual(try? bytes(file), expectedBytes, "a refused file must not be modified", line: line)
    }

    /// Edits the file the way a newer ClipMeter (or a curious user with sqlite3) would, bypassing `Ledger`.
    func testAVersionOneLedgerIsUpgradedInPlaceKeepingItsJobs() throws {
        let file = path("ledger.sqlite")
        try Ledger(path: file).recordJobs([job("1"), job("2")])
        // Turn the file back into what the first release wrote: no replay tables, no ctime/inode, no producer,
        // user_version 1.
        try withRawSQLite(file) { db in
            try db.execute(
                sql: """
                    DROP TABLE scanReplay; DROP TABLE scanReplayChunk;
                    ALTER TABLE measurement DROP COLUMN changedAtNanos; ALTER TABLE measurement DROP COLUMN inode;
                    ALTER TABLE job DROP COLUMN producedBy; ALTER TABLE job DROP COLUMN keyed;
                    DELETE FROM grdb_migrations WHERE identifier IN ('v2', 'v3', 'v4', 'v5'); PRAGMA user_version = 1;
                    """)
        }

        let ledger = try Ledger(path: file)

        XCTAssertEqual(try ledger.jobs(from: nil, to: nil).map(\.id), ["1", "2"])
        XCTAssertNil(try ledger.replay(forKey: "k"))
        try withRawSQLite(file) { db in
            XCTAssertEqual(try Int.fetchOne(db, sql: "PRAGMA user_version"), Ledger.schemaVersion)
        }
    }

    /// Measurements cached before the key had ctime and inode cannot be trusted (a rewritten file with its old size
    /// and mtime put back would hit them), so the v3 migration drops them and keeps every job.
    func testAVersionTwoLedgerForgetsItsMeasurementsAndKeepsItsJobs() throws {
        let file = path("ledger.sqlite")
        try Ledger(path: file).recordJobs([job("1")])
        try withRawSQLite(file) { db in
            try db.execute(
                sql: """
                    ALTER TABLE measurement DROP COLUMN changedAtNanos; ALTER TABLE measurement DROP COLUMN inode;
                    ALTER TABLE job DROP COLUMN producedBy; ALTER TABLE job DROP COLUMN keyed;
                    INSERT INTO measurement (path, mode, size, modifiedAtNanos, facts) VALUES ('/m/a.mp4', 'auto', 1, 1, x'00');
                    DELETE FROM grdb_migrations WHERE identifier IN ('v3', 'v4', 'v5'); PRAGMA user_version = 2;
                    """)
        }

        let ledger = try Ledger(path: file)

        XCTAssertEqual(try ledger.counts().measurements, 0, "measurements keyed without ctime and inode are dropped")
        XCTAssertEqual(try ledger.jobs(from: nil, to: nil).map(\.id), ["1"])
        let key = MeasurementKey(path: "/m/a.mp4", size: 1, modifiedAtNanos: 1, changedAtNanos: 2, inode: 3, mode: "auto")
        try ledger.storeMeasurements([(key: key, facts: Data([1]))])
        XCTAssertEqual(try ledger.measurements(for: [key]), [key: Data([1])])
        try withRawSQLite(file) { db in
            XCTAssertEqual(try Int.fetchOne(db, sql: "PRAGMA user_version"), Ledger.schemaVersion)
        }
    }

    func withRawSQLite(_ file: String, _ edit: (Database) throws -> Void) throws {
        let queue = try DatabaseQueue(path: file)
        try queue.write(edit)
        try queue.close()
    }
}

import Foundation
import GRDB
import Ledger
import XCTest

/// Every recorded job says which ClipMeter (and which FFmpeg libraries) priced it; jobs recorded by a ledger that
/// did not keep this read back as unknown (nil), whatever the backend.
final class ProducedBySQLiteTests: LedgerTestCase {
    private let producer = "clipmeter 0.7.0 (libavformat 61.7.100, libavcodec 61.19.101, libavutil 59.39.100)"

    func testTheProducerIsRecordedAndReadBack() throws {
        let file = path("ledger.sqlite")
        var priced = job("a")
        priced.producedBy = producer
        try Ledger(path: file).recordJobs([priced, job("b")])

        let jobs = try Ledger(location: file, access: .readOnly).jobs(from: nil, to: nil)
        XCTAssertEqual(jobs.map(\.producedBy), [producer, nil])
        XCTAssertEqual(jobs.first, priced, "every field round-trips")
        XCTAssertEqual(try Ledger(path: file).jobs(withIDs: ["a"]).first?.producedBy, producer)
    }

    /// A job priced again by another build is rewritten even when its cost is the same, so the ledger names the
    /// build that priced it last; the same build recording it again changes nothing.
    func testAnotherProducerRewritesAnOtherwiseUnchangedJob() throws {
        let ledger = try Ledger(path: path("ledger.sqlite"))
        var first = job("a", recordedAt: Date(timeIntervalSince1970: 1_700_000_100))
        first.producedBy = "clipmeter 0.6.0 (libavformat 60.16.100)"
        try ledger.recordJobs([first])
        var same = first
        same.recordedAt = Date(timeIntervalSince1970: 1_700_000_200)
        try ledger.recordJobs([same])
        XCTAssertEqual(try ledger.jobs(from: nil, to: nil).first?.recordedAt, first.recordedAt, "unchanged: left alone")
        var upgraded = same
        upgraded.producedBy = producer
        try ledger.recordJobs([upgraded])
        XCTAssertEqual(try ledger.jobs(from: nil, to: nil).first, upgraded)
    }

    /// A ledger written by the previous build (schema v3, before the producer column) opens, migrates in place, and
    /// its old jobs read back with the producer unknown; read-only it is read as it is, untouched.
    func testAnOlderLedgerMigratesAndItsOldJobsHaveNoProducer() throws {
        let file = path("ledger.sqlite")
        try makeVersionThreeLedger(file, jobs: [job("old-1"), job("old-2")])
        let before = try bytes(file)

        let reader = try Ledger(location: file, access: .readOnly)
        XCTAssertEqual(try reader.jobs(from: nil, to: nil).map(\.id), ["old-1", "old-2"])
        XCTAssertEqual(try reader.jobs(from: nil, to: nil).map(\.producedBy), [nil, nil])
        XCTAssertEqual(try reader.cycleTotals(from: nil, to: nil).map(\.jobs), [2])
        XCTAssertEqual(try bytes(file), before, "reading never migrates")

        let ledger = try Ledger(path: file)
        var fresh = job("new")
        fresh.producedBy = producer
        try ledger.recordJobs([fresh])
        let jobs = try ledger.jobs(from: nil, to: nil)
        XCTAssertEqual(jobs.map(\.id), ["new", "old-1", "old-2"])
        XCTAssertEqual(jobs.map(\.producedBy), [producer, nil, nil])
        let queue = try DatabaseQueue(path: file)
        try queue.read { db in
            XCTAssertEqual(try Int.fetchOne(db, sql: "PRAGMA user_version"), Ledger.schemaVersion)
            XCTAssertEqual(
                try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier"),
                (1...Ledger.schemaVersion).map { "v\($0)" })
        }
        try queue.close()
    }

    /// Several ledgers merged: the copy that wins brings its own producer.
    func testAMergedBillKeepsTheWinningCopysProducer() throws {
        let older = try Ledger(path: path("a.sqlite"))
        let newer = try Ledger(path: path("b.sqlite"))
        var stale = job("x", cost: "1.00", recordedAt: Date(timeIntervalSince1970: 1_700_000_100))
        stale.producedBy = "clipmeter 0.6.0 (libavformat 60.16.100)"
        var current = job("x", cost: "2.00", recordedAt: Date(timeIntervalSince1970: 1_700_000_200))
        current.producedBy = producer
        try older.recordJobs([stale])
        try newer.recordJobs([current])
        XCTAssertEqual(try LedgerMerge.jobs(from: [newer, older], from: nil, to: nil).map(\.producedBy), [producer])
    }

    /// What a v3 ledger holds, written with the frozen v1–v3 statements the previous build ran.
    private func makeVersionThreeLedger(_ file: String, jobs: [JobRecord]) throws {
        let queue = try DatabaseQueue(path: file)
        try queue.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE measurement (
                        path TEXT NOT NULL, mode TEXT NOT NULL, size INTEGER NOT NULL, modifiedAtNanos INTEGER NOT NULL,
                        facts BLOB NOT NULL, PRIMARY KEY (path, mode));
                    CREATE TABLE job (
                        id TEXT NOT NULL PRIMARY KEY, feature TEXT NOT NULL, status TEXT NOT NULL, cost TEXT NOT NULL,
                        currency TEXT NOT NULL, rateCard TEXT NOT NULL, finishedAtMillis INTEGER, cycleStartMillis INTEGER,
                        payload BLOB NOT NULL, recordedAtMillis INTEGER NOT NULL);
                    CREATE INDEX job_by_finish ON job (finishedAtMillis, id);
                    PRAGMA application_id = 1129074004;
                    CREATE TABLE scanReplay (
                        key TEXT NOT NULL PRIMARY KEY, treeState BLOB NOT NULL, exitStatus INTEGER NOT NULL,
                        stderr TEXT NOT NULL, outputBytes INTEGER NOT NULL, recordedAtMillis INTEGER NOT NULL);
                    CREATE TABLE scanReplayChunk (
                        key TEXT NOT NULL, seq INTEGER NOT NULL, bytes BLOB NOT NULL, PRIMARY KEY (key, seq));
                    DELETE FROM measurement;
                    ALTER TABLE measurement ADD COLUMN changedAtNanos INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE measurement ADD COLUMN inode INTEGER NOT NULL DEFAULT 0;
                    CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
                    INSERT INTO grdb_migrations VALUES ('v1'), ('v2'), ('v3');
                    PRAGMA user_version = 3;
                    """)
            for record in jobs {
                try db.execute(
                    sql: """
                        INSERT INTO job (id, feature, status, cost, currency, rateCard, finishedAtMillis, cycleStartMillis,
                                         payload, recordedAtMillis) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        record.id, record.feature, record.status, record.cost, record.currency,
                        record.rateCard, record.finishedAt.map { Int64(($0.timeIntervalSince1970 * 1000).rounded(.down)) },
                        record.cycleStart.map { Int64(($0.timeIntervalSince1970 * 1000).rounded(.down)) },
                        record.payload, Int64((record.recordedAt.timeIntervalSince1970 * 1000).rounded(.down)),
                    ])
            }
        }
        try queue.close()
    }
}

/// The same promises against a real PostgreSQL server.
final class ProducedByPostgresTests: PostgresLedgerTestCase {
    private let producer = "clipmeter 0.7.0 (libavformat 61.7.100, libavcodec 61.19.101, libavutil 59.39.100)"

    func testTheProducerIsRecordedAndReadBack() throws {
        var priced = job("a")
        priced.producedBy = producer
        try open().recordJobs([priced, job("b")])
        let jobs = try open(.readOnly).jobs(from: nil, to: nil)
        XCTAssertEqual(jobs.map(\.producedBy), [producer, nil])
        XCTAssertEqual(jobs.first, priced, "every field round-trips")

        var upgraded = priced
        upgraded.producedBy = "clipmeter 0.8.0 (libavformat 62.3.100)"
        upgraded.recordedAt = priced.recordedAt.addingTimeInterval(60)
        try open().recordJobs([upgraded])
        XCTAssertEqual(try open().jobs(withIDs: ["a"]).first, upgraded, "another build's pricing replaces the row")
    }

    /// A schema made by the previous build (migration 1 only, no producer column) is read as it is read-only, and
    /// migrated by a writer; its old jobs read back with the producer unknown.
    func testAnOlderSchemaMigratesAndItsOldJobsHaveNoProducer() throws {
        try open().recordJobs([job("old")])
        // Exactly what migration 1 left: the job table without the column migration 2 adds.
        try PSQL.run(
            url,
            "ALTER TABLE \(schema).job DROP COLUMN produced_by, DROP COLUMN keyed; DELETE FROM \(schema).ledger_migration WHERE version >= 2"
        )

        let reader = try open(.readOnly)
        XCTAssertEqual(try reader.jobs(from: nil, to: nil).map(\.producedBy), [nil])
        XCTAssertEqual(
            try PSQL.run(url, "SELECT string_agg(version::text, ',' ORDER BY version) FROM \(schema).ledger_migration"), "1",
            "reading never migrates")

        var fresh = job("new")
        fresh.producedBy = producer
        try open().recordJobs([fresh])
        XCTAssertEqual(try open().jobs(from: nil, to: nil).map(\.producedBy), [producer, nil])
        XCTAssertEqual(try PSQL.run(url, "SELECT string_agg(version::text, ',' ORDER BY version) FROM \(schema).ledger_migration"), "1,2,3")
    }
}

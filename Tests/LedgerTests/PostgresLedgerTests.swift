import Foundation
import Ledger
import TestSupport
import XCTest

/// Base class for tests against the real server (`CLIPMETER_TEST_POSTGRES_URL`, set by scripts/test and CI
/// through scripts/postgres-test-cluster): each test works in a schema of its own, dropped afterwards.
class PostgresLedgerTestCase: LedgerTestCase {
    private(set) var url = ""
    private(set) var schema = ""

    override func setUpWithError() throws {
        try super.setUpWithError()
        guard let url = ProcessInfo.processInfo.environment["CLIPMETER_TEST_POSTGRES_URL"], !url.isEmpty else {
            throw XCTSkip("CLIPMETER_TEST_POSTGRES_URL is not set (eval \"$(scripts/postgres-test-cluster)\")")
        }
        self.url = url
        schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
    }

    override func tearDownWithError() throws {
        if !schema.isEmpty { _ = try? PSQL.run(url, "DROP SCHEMA IF EXISTS \(schema) CASCADE") }
        try super.tearDownWithError()
    }

    /// The ledger in this test's schema.
    func open(_ access: Ledger.Access = .readWrite) throws -> Ledger {
        try Ledger(location: url, schema: schema, access: access)
    }
}

/// The PostgreSQL ledger keeps the SQLite ledger's promises, against a real server (`CLIPMETER_TEST_POSTGRES_URL`,
/// set by scripts/test and CI through scripts/postgres-test-cluster). Each test works in a schema of its own.
final class PostgresLedgerTests: PostgresLedgerTestCase {

    func testMeasurementsAreCachedByTheWholeKey() throws {
        let ledger = try open()
        let key = MeasurementKey(
            path: "/m/a.mp4", size: 10, modifiedAtNanos: 1, changedAtNanos: 2,
            inode: UInt64(Int64.max) + 5, mode: "auto")
        try ledger.storeMeasurements([(key: key, facts: Data([0, 1, 255]))])
        var rewritten = key; rewritten.changedAtNanos += 1
        var otherMode = key; otherMode.mode = "exact"
        XCTAssertEqual(try ledger.measurements(for: [key, rewritten, otherMode]), [key: Data([0, 1, 255])])
        try ledger.storeMeasurements([(key: rewritten, facts: Data([7]))])
        XCTAssertEqual(try ledger.counts().measurements, 1, "one row per (path, mode)")
        XCTAssertEqual(try open().measurements(for: [key, rewritten]), [rewritten: Data([7])], "survives reopening")
    }

    func testAJobIsRecordedOnceAndTheNewestRecordingWins() throws {
        let ledger = try open()
        let early = Date(timeIntervalSince1970: 1_700_000_100)
        let late = Date(timeIntervalSince1970: 1_700_000_200)
        try ledger.recordJobs([job("a", cost: "1.50", recordedAt: late), job("b")])
        try ledger.recordJobs([job("a", cost: "9.99", recordedAt: early)])
        try ledger.recordJobs([job("b", cost: "0.10", recordedAt: late), job("b", cost: "0.20", recordedAt: late)])
        let jobs = try ledger.jobs(from: nil, to: nil)
        XCTAssertEqual(jobs.map(\.id), ["a", "b"])
        XCTAssertEqual(jobs.map(\.cost), ["1.50", "0.20"], "an older recording never replaces a newer one; last of a batch wins")
        XCTAssertEqual(try ledger.jobs(withIDs: ["b", "zz"]).map(\.id), ["b"])
        XCTAssertEqual(jobs.first, job("a", cost: "1.50", recordedAt: late), "every field round-trips")
    }

    func testListingsSortLikeSQLiteAndHonourTheWindow() throws {
        let ledger = try open()
        let t = Date(timeIntervalSince1970: 1_700_000_000)
        try ledger.recordJobs([
            job("b", finishedAt: t), job("B", finishedAt: t), job("é", finishedAt: t),
            job("late", finishedAt: t.addingTimeInterval(3600)), job("none", finishedAt: nil),
        ])
        XCTAssertEqual(try ledger.jobs(from: nil, to: nil).map(\.id), ["B", "b", "é", "late", "none"])
        XCTAssertEqual(try ledger.jobs(from: t, to: t.addingTimeInterval(3600)).map(\.id), ["B", "b", "é"])
        XCTAssertEqual(try ledger.jobs(from: t.addingTimeInterval(1), to: nil).map(\.id), ["late"])
    }

    func testManyWritersAtOnceAllSucceedWithoutDuplicates() throws {
        _ = try open()
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: 4) { writer in
            do {
                let ledger = try open()
                for batch in 0..<5 {
                    // Overlapping ids in different orders: the upserts must neither deadlock nor duplicate.
                    let ids = (0..<300).map { "job-\(($0 * (writer + 1) + batch) % 500)" }
                    try ledger.recordJobs(ids.map { job($0, recordedAt: Date()) })
                }
            } catch {
                failures.append("\(error)")
            }
        }
        XCTAssertEqual(failures.all, [])
        let jobs = try open().jobs(from: nil, to: nil)
        XCTAssertEqual(jobs.count, Set(jobs.map(\.id)).count)
        XCTAssertEqual(try open().counts().jobs, jobs.count)
    }

    func testAForeignSchemaIsRefusedUnchanged() throws {
        try PSQL.run(url, "CREATE SCHEMA \(schema); CREATE TABLE \(schema).orders (id int); INSERT INTO \(schema).orders VALUES (1)")
        let error = ledgerError { _ = try open() }
        guard case .foreignSchema(_, let named)? = error else {
            return XCTFail("expected .foreignSchema, got \(String(describing: error))")
        }
        XCTAssertEqual(named, schema)
        XCTAssertTrue(error?.description.contains("not a ClipMeter ledger") ?? false, "\(String(describing: error))")
        XCTAssertEqual(
            try PSQL.run(url, "SELECT string_agg(table_name, ',') FROM information_schema.tables WHERE table_schema = '\(schema)'"),
            "orders")
    }

    func testANewerSchemaIsRefusedUnchanged() throws {
        try open().recordJobs([job("kept")])
        try PSQL.run(url, "INSERT INTO \(schema).ledger_migration (version) VALUES (99)")
        let error = ledgerError { _ = try open() }
        guard case .newerSchema(_, let found, _)? = error else { return XCTFail("expected .newerSchema, got \(String(describing: error))") }
        XCTAssertEqual(found, 99)
        XCTAssertEqual(try PSQL.run(url, "SELECT count(*) FROM \(schema).job"), "1")
        XCTAssertTrue(error?.description.contains("newer ClipMeter") ?? false)
    }

    func testAReadOnlyRoleIsRefusedForWritingAndMayRead() throws {
        try open().recordJobs([job("seen")])
        let role = "reader_" + schema
        try PSQL.run(
            url,
            """
            CREATE ROLE \(role) LOGIN PASSWORD 'reader-pw';
            GRANT USAGE ON SCHEMA \(schema) TO \(role);
            GRANT SELECT ON ALL TABLES IN SCHEMA \(schema) TO \(role);
            """)
        defer { _ = try? PSQL.run(url, "DROP OWNED BY \(role); DROP ROLE \(role)") }
        var parts = try XCTUnwrap(URLComponents(string: url))
        parts.user = role
        parts.password = "reader-pw"
        let readerURL = try XCTUnwrap(parts.string)
        let error = ledgerError { _ = try Ledger(location: readerURL, schema: schema) }
        guard case .privilegeMissing(_, role, schema, let tables, _)? = error else {
            return XCTFail("expected .privilegeMissing, got \(String(describing: error))")
        }
        XCTAssertEqual(tables, ["job", "measurement", "scan_replay", "scan_replay_chunk"])
        let text = error?.description ?? ""
        XCTAssertTrue(text.contains("role \"\(role)\" may not write"), text)
        XCTAssertFalse(text.contains("reader-pw"), "the password never appears")
        let reader = try Ledger(location: readerURL, schema: schema, access: .readOnly)
        XCTAssertEqual(try reader.jobs(from: nil, to: nil).map(\.id), ["seen"])
    }

    func testAWrongPasswordIsAClearErrorWithoutThePassword() throws {
        var parts = try XCTUnwrap(URLComponents(string: url))
        parts.password = "not-the-password-s3cret"
        let error = ledgerError { _ = try Ledger(location: parts.string ?? "", schema: schema) }
        let text = error?.description ?? ""
        XCTAssertTrue(text.contains("cannot connect"), text)
        XCTAssertFalse(text.contains("s3cret"), text)
        XCTAssertEqual(error?.path.contains("s3cret"), false)
    }

    func testReadOnlyOpeningOfAnEmptySchemaCreatesNothing() throws {
        let error = ledgerError { _ = try open(.readOnly) }
        XCTAssertEqual(error, .holdsNoLedger(path: error?.path ?? "", schema: schema))
        XCTAssertTrue(error?.description.contains("holds no ClipMeter ledger") ?? false, "\(String(describing: error))")
        XCTAssertEqual(try PSQL.run(url, "SELECT count(*) FROM pg_namespace WHERE nspname = '\(schema)'"), "0")
    }

    func testReplaysRoundTripInChunksAndOnlyTheNewestAreKept() throws {
        let ledger = try open()
        let output = folder.appendingPathComponent("out")
        let bytes = Data((0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try bytes.write(to: output)
        try ledger.storeReplay(forKey: "k", treeState: Data([1, 2]), exitStatus: 1, stderr: "warn", outputFile: output)
        let stored = try XCTUnwrap(try ledger.replay(forKey: "k"))
        XCTAssertEqual(stored.treeState, Data([1, 2]))
        XCTAssertEqual(stored.outputBytes, Int64(bytes.count))
        var read = Data()
        XCTAssertTrue(try ledger.replayOutput(forKey: "k") { read += $0 })
        XCTAssertEqual(read, bytes)
        for index in 0..<(Ledger.replaysKept + 2) {
            try ledger.storeReplay(
                forKey: "n\(index)", treeState: Data(), exitStatus: 0, stderr: "", outputFile: output,
                recordedAt: Date(timeIntervalSinceNow: Double(index)))
        }
        XCTAssertNil(try ledger.replay(forKey: "k"))
        XCTAssertNotNil(try ledger.replay(forKey: "n\(Ledger.replaysKept + 1)"))
        try ledger.forgetReplays()
        XCTAssertNil(try ledger.replay(forKey: "n\(Ledger.replaysKept + 1)"))
    }
}

/// `psql` for what the ledger must not do itself: creating foreign tables and roles, looking behind its back.
enum PSQL {
    @discardableResult
    static func run(_ url: String, _ sql: String) throws -> String {
        let result = try TestMedia.run("/usr/bin/env", ["psql", url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-tA", "-c", sql])
        guard result.status == 0 else { throw TestMediaError("psql failed: \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Errors gathered from concurrent writers.
private final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func append(_ text: String) { lock.lock(); list.append(text); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return list }
}

import Foundation
import TestSupport
import XCTest

/// `scan` and `bill` with a PostgreSQL ledger shared by several scanner processes, against a real server
/// (`CLIPMETER_TEST_POSTGRES_URL`; scripts/test and CI start one with scripts/postgres-test-cluster).
final class PostgresScanTests: XCTestCase {
    private var url = ""
    private var schema = ""

    override func setUpWithError() throws {
        guard let url = ProcessInfo.processInfo.environment["CLIPMETER_TEST_POSTGRES_URL"], !url.isEmpty else {
            throw XCTSkip("CLIPMETER_TEST_POSTGRES_URL is not set (eval \"$(scripts/postgres-test-cluster)\")")
        }
        self.url = url
        schema = "e2e_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
    }

    override func tearDownWithError() throws {
        if !schema.isEmpty { _ = try? psql("DROP SCHEMA IF EXISTS \(schema) CASCADE") }
    }

    func testFourShardScannersIntoOneDatabaseBillLikeOneScan() throws {
        let tree = try ScanCommandTests.tree(files: 120)
        let reference = try CLI.run(["scan", "--feature", "video-editing", "--no-ledger", "--format", "json", tree.path])
        XCTAssertEqual(reference.status, 0, reference.stderr)
        let scanners = try (1...4).map { k in
            try start([
                "scan", "--feature", "video-editing", "--shard", "\(k)/4", "--ledger", url, "--ledger-schema", schema,
                "--format", "json", tree.path,
            ])
        }
        for scanner in scanners {
            scanner.waitUntilExit()
            XCTAssertEqual(scanner.terminationStatus, 0)
        }
        let bill = try CLI.run(["bill", "--ledger", url, "--ledger-schema", schema, "--format", "json"])
        XCTAssertEqual(bill.status, 0, bill.stderr)
        XCTAssertEqual(try total(bill), try total(reference))
        XCTAssertEqual(try jobIDs(bill).sorted(), try jobIDs(reference).sorted(), "each job once, none missing")
        XCTAssertFalse(bill.stdout.contains(password), "the password never appears in the output")
        let summary = try CLI.run(["bill", "--ledger", url, "--ledger-schema", schema, "--summary", "--format", "json"])
        XCTAssertEqual(summary.status, 0, summary.stderr)
        XCTAssertEqual(try total(summary), try total(reference), "the database's sums equal the full bill")
    }

    func testKilledScannerRerunChangesNoTotal() throws {
        let tree = try ScanCommandTests.tree(files: 160)
        let reference = try CLI.run(["scan", "--feature", "video-editing", "--no-ledger", "--format", "json", tree.path])
        let arguments = { (k: Int) in
            [
                "scan", "--feature", "video-editing", "--jobs", "1", "--shard", "\(k)/4", "--ledger", self.url,
                "--ledger-schema", self.schema, "--format", "json", tree.path,
            ]
        }
        for k in 2...4 {
            XCTAssertEqual(try CLI.run(arguments(k)).status, 0)
        }
        for delay in [0.15, 0.6] {
            let victim = try start(arguments(1))
            Thread.sleep(forTimeInterval: delay)
            kill(victim.processIdentifier, SIGKILL)
            victim.waitUntilExit()
        }
        let rerun = try CLI.run(arguments(1))
        XCTAssertEqual(rerun.status, 0, rerun.stderr)
        let bill = try CLI.run(["bill", "--ledger", url, "--ledger-schema", schema, "--format", "json"])
        XCTAssertEqual(try total(bill), try total(reference))
        XCTAssertEqual(try jobIDs(bill).count, 160)
        XCTAssertEqual(try psql("SELECT count(*) FROM \(schema).job"), "160", "no duplicated job")
    }

    func testServerRestartDuringAScanIsExitTwoWithNoHalfRecordedJobAndARerunCompletes() throws {
        guard let cluster = ProcessInfo.processInfo.environment["CLIPMETER_TEST_POSTGRES_CLUSTER"] else {
            throw XCTSkip("CLIPMETER_TEST_POSTGRES_CLUSTER (\"VERSION NAME\" for pg_ctlcluster) is not set")
        }
        let tree = try ScanCommandTests.tree(files: 400)
        let reference = try CLI.run(["scan", "--feature", "video-editing", "--no-ledger", "--format", "json", tree.path])
        let referenceCosts = try costs(reference)
        let arguments = [
            "scan", "--feature", "video-editing", "--jobs", "1", "--ledger", url, "--ledger-schema", schema,
            "--format", "json", tree.path,
        ]
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("restart-\(schema).err")
        XCTAssertTrue(FileManager.default.createFile(atPath: output.path, contents: nil))
        let scanner = try start(arguments, stderr: try FileHandle(forWritingTo: output))
        // Restart as soon as the scanner holds its connection: it is then measuring, long before it records.
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, (try? psql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'clipmeter'")) == "0" {
            Thread.sleep(forTimeInterval: 0.02)
        }
        // Spawned without pipes (the restarted server would inherit them) and judged by the server's start time:
        // Foundation's Process never reaps pg_ctlcluster here, so waiting for it would hang.
        let startedBefore = try psql("SELECT pg_postmaster_start_time()")
        var pid: pid_t = 0
        let words: [String] = ["/bin/sh", "-c", "exec pg_ctlcluster \(cluster) restart </dev/null >/dev/null 2>&1"]
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { word in strdup(word) } + [nil]
        defer { argv.forEach { free($0) } }
        XCTAssertEqual(posix_spawn(&pid, "/bin/sh", nil, nil, argv, environ), 0)
        let restartDeadline = Date().addingTimeInterval(60)
        var startedAfter = startedBefore
        while Date() < restartDeadline, startedAfter == startedBefore {
            Thread.sleep(forTimeInterval: 0.1)
            startedAfter = (try? psql("SELECT pg_postmaster_start_time()")) ?? startedBefore
        }
        XCTAssertNotEqual(startedAfter, startedBefore, "pg_ctlcluster \(cluster) restart")
        scanner.waitUntilExit()
        let stderr = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        XCTAssertEqual(scanner.terminationStatus, 2, stderr)
        XCTAssertTrue(stderr.hasPrefix("clipmeter: priced jobs could not be recorded") || stderr.contains("Cannot use the ledger"), stderr)
        XCTAssertFalse(stderr.contains("Fatal error"), stderr)

        // Whatever reached the database is whole: every recorded job carries the cost the full scan gives it.
        let recorded = try psql("SELECT coalesce(string_agg(id || '=' || cost::text, ';'), '') FROM \(schema).job")
        for pair in recorded.split(separator: ";") {
            let fields = pair.split(separator: "=", maxSplits: 1).map(String.init)
            XCTAssertEqual(fields.count, 2)
            if fields.count == 2 { XCTAssertEqual(referenceCosts[fields[0]], fields[1], "job \(fields[0])") }
        }
        let rerun = try CLI.run(arguments)
        XCTAssertEqual(rerun.status, 0, rerun.stderr)
        let bill = try CLI.run(["bill", "--ledger", url, "--ledger-schema", schema, "--format", "json"])
        XCTAssertEqual(try total(bill), try total(reference))
        XCTAssertEqual(try jobIDs(bill).count, 400)
    }

    func testAReadOnlyRoleIsRefusedWithAClearMessage() throws {
        let tree = try ScanCommandTests.tree(files: 4)
        let scan = try CLI.run(["scan", "--feature", "video-editing", "--ledger", url, "--ledger-schema", schema, tree.path])
        XCTAssertEqual(scan.status, 0, scan.stderr)
        let role = "ro_" + schema
        try psql(
            """
            CREATE ROLE \(role) LOGIN PASSWORD 'ro-secret-pw'; GRANT USAGE ON SCHEMA \(schema) TO \(role);
            GRANT SELECT ON ALL TABLES IN SCHEMA \(schema) TO \(role);
            """)
        defer { _ = try? psql("DROP OWNED BY \(role); DROP ROLE \(role)") }
        var parts = try XCTUnwrap(URLComponents(string: url))
        parts.user = role
        parts.password = nil
        let readerURL = try XCTUnwrap(parts.string)
        // The password through libpq's environment, as a Kubernetes Secret would pass it.
        let refused = try CLI.run(
            ["scan", "--feature", "video-editing", "--ledger", readerURL, "--ledger-schema", schema, tree.path],
            environment: ["PGPASSWORD": "ro-secret-pw"])
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.contains("role \"\(role)\" may not write"), refused.stderr)
        XCTAssertFalse(refused.stderr.contains("ro-secret-pw"))
        XCTAssertTrue(refused.stdout.isEmpty, "nothing is measured or printed for a ledger that cannot record")
        let bill = try CLI.run(
            ["bill", "--ledger", readerURL, "--ledger-schema", schema, "--format", "json"],
            environment: ["PGPASSWORD": "ro-secret-pw"])
        XCTAssertEqual(bill.status, 0, "a read-only role may still bill: \(bill.stderr)")
        XCTAssertEqual(try jobIDs(bill).count, 4)
    }

    func testShardAutoReadsTheIndexedJobsEnvironment() throws {
        let tree = try ScanCommandTests.tree(files: 30)
        let reference = try CLI.run(["scan", "--feature", "mps-transcode", "--no-ledger", "--format", "json", tree.path])
        for index in 0..<3 {
            let result = try CLI.run(
                ["scan", "--feature", "mps-transcode", "--shard", "auto", "--format", "json", tree.path],
                environment: [
                    "CLIPMETER_LEDGER": url, "CLIPMETER_LEDGER_SCHEMA": schema,
                    "CLIPMETER_SHARDS": "3", "JOB_COMPLETION_INDEX": "\(index)",
                ])
            XCTAssertEqual(result.status, 0, result.stderr)
        }
        let bill = try CLI.run(["bill", "--format", "json"], environment: ["CLIPMETER_LEDGER": url, "CLIPMETER_LEDGER_SCHEMA": schema])
        XCTAssertEqual(try total(bill), try total(reference))
        XCTAssertEqual(try jobIDs(bill).count, 30)

        let missing = try CLI.run(
            ["scan", "--feature", "mps-transcode", "--shard", "auto", "--no-ledger", tree.path],
            environment: ["CLIPMETER_SHARDS": "3"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("JOB_COMPLETION_INDEX"), missing.stderr)
        let outOfRange = try CLI.run(
            ["scan", "--feature", "mps-transcode", "--shard", "auto", "--shards", "2", "--no-ledger", tree.path],
            environment: ["JOB_COMPLETION_INDEX": "2"])
        XCTAssertEqual(outOfRange.status, 2)
        XCTAssertTrue(outOfRange.stderr.contains("expected 0 … 1"), outOfRange.stderr)
    }

    /// The scan's arguments (and so its replay key) hold the URL with the password; the ledger must not.
    func testAReplayedScanLeavesNoPasswordInTheDatabase() throws {
        let tree = try ScanCommandTests.tree(files: 2)
        Thread.sleep(forTimeInterval: 2.2)  // a replay is stored only for a tree settled for 2 s
        let arguments = ["scan", "--feature", "mps-transcode", "--ledger", url, "--ledger-schema", schema, "--format", "json", tree.path]
        let first = try CLI.run(arguments, environment: ["CLIPMETER_STATS": "1"])
        let second = try CLI.run(arguments, environment: ["CLIPMETER_STATS": "1"])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertTrue(second.stderr.contains("replayed"), second.stderr)
        XCTAssertEqual(second.stdout, first.stdout)
        XCTAssertEqual(try psql("SELECT count(*) FROM \(schema).scan_replay"), "1")
        let leaks = try psql(
            """
            SELECT count(*) FROM \(schema).scan_replay WHERE position('\(password)' IN key) > 0
                OR position('\(password)' IN stderr) > 0 OR position('\(password)' IN convert_from(tree_state, 'SQL_ASCII')) > 0
            """)
        XCTAssertEqual(leaks, "0")
    }

    // MARK: - Helpers

    private var password: String { URLComponents(string: url)?.password ?? "\u{0}" }

    private func start(_ arguments: [String], stderr: FileHandle? = nil) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestMedia.clipmeterExecutable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = stderr ?? FileHandle.nullDevice
        try process.run()
        return process
    }

    @discardableResult
    private func psql(_ sql: String) throws -> String {
        let result = try TestMedia.run("/usr/bin/env", ["psql", url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-tA", "-c", sql])
        guard result.status == 0 else { throw TestMediaError("psql failed: \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func total(_ result: CLI.Result) throws -> String {
        try XCTUnwrap((try result.json() as? [String: Any])?.string("total"), result.stderr)
    }

    private func jobIDs(_ result: CLI.Result) throws -> [String] {
        (try result.json() as? [String: Any])?.objects("jobs").compactMap { $0.string("id") } ?? []
    }

    private func costs(_ result: CLI.Result) throws -> [String: String] {
        let jobs = (try result.json() as? [String: Any])?.objects("jobs") ?? []
        return Dictionary(jobs.map { ($0.string("id") ?? "", $0.string("cost") ?? "") }, uniquingKeysWith: { a, _ in a })
    }
}

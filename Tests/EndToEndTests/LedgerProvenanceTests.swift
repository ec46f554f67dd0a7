import Foundation
import TestSupport
import XCTest

/// Every job a scan records says which ClipMeter and which FFmpeg libraries priced it, and `bill --format json`
/// shows it per job (issue 11); ledger errors reach the user with the command line's advice.
final class LedgerProvenanceTests: XCTestCase {
    /// What `clipmeter --version` prints: the text each recorded job carries.
    private func versionText() throws -> String {
        let version = try CLI.run(["--version"])
        XCTAssertEqual(version.status, 0, version.stderr)
        return version.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func producers(_ result: CLI.Result) throws -> [Any] {
        let jobs = (try result.json() as? [String: Any])?.objects("jobs") ?? []
        return jobs.map { $0["producedBy"] ?? "missing" }
    }

    func testBillShowsTheVersionEachJobWasPricedWithAndUnknownForOlderRows() throws {
        let tree = try ScanCommandTests.tree(files: 3)
        let ledger = tree.deletingLastPathComponent().appendingPathComponent("ledger.sqlite").path
        let scan = try CLI.run(["scan", "--feature", "mps-transcode", "--ledger", ledger, "--format", "json", tree.path])
        XCTAssertEqual(scan.status, 0, scan.stderr)
        XCTAssertNil(
            (try scan.json() as? [String: Any])?.objects("jobs").first?["producedBy"],
            "a bill priced by this run is not a recorded one: its jobs carry no producedBy")
        let version = try versionText()
        XCTAssertTrue(version.hasPrefix("clipmeter ") && version.contains("libavformat"), version)

        let bill = try CLI.run(["bill", "--ledger", ledger, "--format", "json"])
        XCTAssertEqual(bill.status, 0, bill.stderr)
        let recorded = try producers(bill)
        XCTAssertFalse(recorded.isEmpty)
        XCTAssertEqual(recorded.compactMap { $0 as? String }, Array(repeating: version, count: recorded.count))

        // A row recorded before ledgers kept the producer reads back as unknown: null, the field still present.
        let sqlite = try TestMedia.run("/usr/bin/env", ["sqlite3", ledger, "UPDATE job SET producedBy = NULL"])
        XCTAssertEqual(sqlite.status, 0, sqlite.stderr)
        let older = try CLI.run(["bill", "--ledger", ledger, "--format", "json"])
        XCTAssertEqual(older.status, 0, older.stderr)
        XCTAssertEqual(try producers(older).map { $0 is NSNull }, Array(repeating: true, count: recorded.count))
    }

    /// The ledger's sentence says what is wrong; the command line adds the way out, with its flags.
    func testADamagedLedgerIsRefusedWithTheFlagsToUseAnother() throws {
        let dir = try TestMedia.temporaryDirectory("clipmeter-damaged")
        let ledger = dir.appendingPathComponent("ledger.sqlite").path
        try Data(String(repeating: "not a database\n", count: 20).utf8).write(to: URL(fileURLWithPath: ledger))
        let bill = try CLI.run(["bill", "--ledger", ledger, "--format", "json"])
        XCTAssertEqual(bill.status, 2, bill.stderr)
        XCTAssertTrue(bill.stderr.contains("\(ledger) is not a ClipMeter ledger or is damaged"), bill.stderr)
        XCTAssertTrue(bill.stderr.contains("it was left unchanged. Move it away or pass --ledger PATH to use another file."), bill.stderr)
    }

    func testAPostgreSQLLedgerRecordsTheVersionToo() throws {
        guard let url = ProcessInfo.processInfo.environment["CLIPMETER_TEST_POSTGRES_URL"], !url.isEmpty else {
            throw XCTSkip("CLIPMETER_TEST_POSTGRES_URL is not set (eval \"$(scripts/postgres-test-cluster)\")")
        }
        let schema = "e2e_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        func psql(_ sql: String) throws -> String {
            let result = try TestMedia.run("/usr/bin/env", ["psql", url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-tA", "-c", sql])
            guard result.status == 0 else { throw TestMediaError("psql failed: \(result.stderr)") }
            return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        defer { _ = try? psql("DROP SCHEMA IF EXISTS \(schema) CASCADE") }
        let tree = try ScanCommandTests.tree(files: 3)
        let scan = try CLI.run(["scan", "--feature", "mps-transcode", "--ledger", url, "--ledger-schema", schema, tree.path])
        XCTAssertEqual(scan.status, 0, scan.stderr)
        let bill = try CLI.run(["bill", "--ledger", url, "--ledger-schema", schema, "--format", "json"])
        XCTAssertEqual(bill.status, 0, bill.stderr)
        let recorded = try producers(bill)
        XCTAssertFalse(recorded.isEmpty)
        XCTAssertEqual(recorded.compactMap { $0 as? String }, Array(repeating: try versionText(), count: recorded.count))

        // A schema holding someone else's tables: the ledger says so, the command line names --ledger-schema.
        let foreign = schema + "_f"
        try psql("CREATE SCHEMA \(foreign); CREATE TABLE \(foreign).orders (id int)")
        defer { _ = try? psql("DROP SCHEMA IF EXISTS \(foreign) CASCADE") }
        let refused = try CLI.run(["bill", "--ledger", url, "--ledger-schema", foreign, "--format", "json"])
        XCTAssertEqual(refused.status, 2, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("schema \"\(foreign)\" holds tables that are not a ClipMeter ledger's"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("Pass --ledger-schema NAME to use another schema."), refused.stderr)
    }
}

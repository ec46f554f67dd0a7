import Foundation
import TestSupport
import XCTest

/// `scan` and `bill` with `--format focus` as a FinOps tool receives them: the configured billing account, every
/// row with its periods, and jobs without a finish time reported (exit 1) rather than written without periods.
final class FOCUSExportTests: XCTestCase {
    /// A tree with two video-editing jobs on real 1280x720 renders: one finished at a known time, one without.
    private func tree() throws -> URL {
        let tree = try TestMedia.temporaryDirectory("clipmeter-focus")
        try FileManager.default.createDirectory(at: tree.appendingPathComponent("renders"), withIntermediateDirectories: true)
        let render = try TestMedia.make(
            "a.mp4", in: tree.appendingPathComponent("renders"),
            [
                "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=25:duration=2", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt",
                "yuv420p",
            ])
        try FileManager.default.copyItem(atPath: render, toPath: tree.appendingPathComponent("renders/b.mp4").path)
        try Data(
            """
            jobs:
              - id: dated
                feature: video-editing
                status: succeeded
                finishedAt: "2026-11-20T09:15:00+08:00"
                outputs: [renders/a.mp4]
              - id: undated
                feature: video-editing
                status: succeeded
                outputs: [renders/b.mp4]
            """.utf8
        ).write(to: tree.appendingPathComponent("clipmeter.yaml"))
        return tree
    }

    private func rows(_ csv: String) -> [[String: String]] {
        let lines = csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        guard let header = lines.first else { return [] }
        // Fields are split at every comma: the columns read here come before the first that may hold one (x_Warnings).
        return lines.dropFirst().map { fields in
            var row: [String: String] = [:]
            for (index, name) in header.enumerated() where index < fields.count { row[name] = fields[index] }
            return row
        }
    }

    func testAJobWithoutAFinishTimeIsReportedNotWrittenWithoutPeriods() throws {
        let tree = try tree()
        let focus = try CLI.run(["scan", "--no-ledger", "--format", "focus", tree.path])
        XCTAssertEqual(focus.status, 1, "the export is short of a priced job: \(focus.stderr)")
        XCTAssertTrue(focus.stderr.contains("undated: no-charge-period"), focus.stderr)
        XCTAssertTrue(focus.stderr.contains("the FOCUS export leaves them out"), focus.stderr)
        let exported = rows(focus.stdout)
        XCTAssertEqual(exported.map { $0["x_JobId"] }, ["dated"])
        XCTAssertEqual(exported.first?["ChargePeriodStart"], "2026-11-20T01:00:00Z")
        XCTAssertEqual(exported.first?["BillingPeriodStart"], "2026-10-31T16:00:00Z")

        let json = try CLI.run(["scan", "--no-ledger", "--format", "json", tree.path])
        XCTAssertEqual(json.status, 0, "other formats show the undated job as before: \(json.stderr)")
        let jobs = (try json.json() as? [String: Any])?["jobs"] as? [[String: Any]]
        XCTAssertEqual(Set(jobs?.compactMap { $0["id"] as? String } ?? []), ["dated", "undated"])
    }

    func testBillingAccountFromTheFlagOrTheEnvironment() throws {
        let tree = try tree()
        let defaulted = try CLI.run(["scan", "--no-ledger", "--format", "focus", tree.path])
        XCTAssertEqual(rows(defaulted.stdout).first?["BillingAccountId"], "clipmeter-unassigned")

        let environment = ["CLIPMETER_BILLING_ACCOUNT": "acs:ram::1234567890123456:root", "CLIPMETER_BILLING_ACCOUNT_NAME": "Media team"]
        let fromEnvironment = rows(try CLI.run(["scan", "--no-ledger", "--format", "focus", tree.path], environment: environment).stdout)
        XCTAssertEqual(fromEnvironment.first?["BillingAccountId"], "acs:ram::1234567890123456:root")
        XCTAssertEqual(fromEnvironment.first?["BillingAccountName"], "Media team")

        let fromFlag = rows(
            try CLI.run(
                ["scan", "--no-ledger", "--format", "focus", "--billing-account", "acs:ram::42:root", tree.path],
                environment: environment
            ).stdout)
        XCTAssertEqual(fromFlag.first?["BillingAccountId"], "acs:ram::42:root", "the flag wins")
        XCTAssertEqual(fromFlag.first?["BillingAccountName"], "Media team", "the name still comes from the environment")
    }

    func testAccountTextFOCUSCannotCarryIsAUsageErrorOnlyForFOCUS() throws {
        let tree = try tree()
        let flag = try CLI.run(["scan", "--no-ledger", "--format", "focus", "--billing-account", "媒体", tree.path])
        XCTAssertEqual(flag.status, 2)
        XCTAssertTrue(flag.stderr.contains("--billing-account 媒体: must be printable ASCII"), flag.stderr)
        let variable = try CLI.run(
            ["scan", "--no-ledger", "--format", "focus", tree.path], environment: ["CLIPMETER_BILLING_ACCOUNT": "a\tb"])
        XCTAssertEqual(variable.status, 2)
        XCTAssertTrue(variable.stderr.contains("CLIPMETER_BILLING_ACCOUNT"), variable.stderr)
        let nameAlone = try CLI.run(["scan", "--no-ledger", "--format", "focus", "--billing-account-name", "x", tree.path])
        XCTAssertEqual(nameAlone.status, 2, nameAlone.stderr)
        let json = try CLI.run(["scan", "--no-ledger", "--format", "json", tree.path], environment: ["CLIPMETER_BILLING_ACCOUNT": "a\tb"])
        XCTAssertEqual(json.status, 0, "a variable only FOCUS reads does not break other formats: \(json.stderr)")
    }

    func testAReplayedScanShowsTheAccountOfTheEnvironmentItRunsIn() throws {
        let tree = try tree()
        let ledger = tree.appendingPathComponent("ledger.sqlite").path
        let settle = ["CLIPMETER_REPLAY_SETTLE_SECONDS": "0"]
        let arguments = ["scan", "--ledger", ledger, "--format", "focus", "--settle", "0", tree.path]
        let first = try CLI.run(arguments, environment: settle.merging(["CLIPMETER_BILLING_ACCOUNT": "acs:ram::1:root"]) { $1 })
        XCTAssertEqual(rows(first.stdout).first?["BillingAccountId"], "acs:ram::1:root")
        let second = try CLI.run(arguments, environment: settle.merging(["CLIPMETER_BILLING_ACCOUNT": "acs:ram::2:root"]) { $1 })
        XCTAssertEqual(rows(second.stdout).first?["BillingAccountId"], "acs:ram::2:root", "no replay of another account's export")
        let third = try CLI.run(arguments, environment: settle.merging(["CLIPMETER_BILLING_ACCOUNT": "acs:ram::2:root"]) { $1 })
        XCTAssertEqual(third.stdout, second.stdout)
        XCTAssertEqual(third.status, 1, "a replay keeps the exit status of the short export")

        let bill = try CLI.run(["bill", "--ledger", ledger, "--format", "focus", "--billing-account", "acs:ram::3:root"])
        XCTAssertEqual(bill.status, 1, "bill reports the undated job too: \(bill.stderr)")
        XCTAssertTrue(bill.stderr.contains("undated: no-charge-period"), bill.stderr)
        XCTAssertEqual(rows(bill.stdout).map { $0["BillingAccountId"] }, ["acs:ram::3:root"])
        let billed = try CLI.run(["bill", "--ledger", ledger, "--format", "csv"])
        XCTAssertEqual(billed.status, 0, billed.stderr)
    }
}

import Foundation
import TestSupport
import XCTest

/// A re-scan of an unchanged tree replays the stored bill: the same bytes, the same stderr, the same exit status,
/// and nothing replayed once anything the scan reads has changed.
final class ScanReplayTests: XCTestCase {
    private let ossMap = "oss://example-bucket=ims-sync"
    /// Statistics on stderr, and replays stored even for a tree written a moment ago (the default waits 2 s).
    private let stats = ["CLIPMETER_STATS": "1", "CLIPMETER_REPLAY_SETTLE_SECONDS": "0"]

    /// stderr without the statistics line, which says how the bill was made.
    private func messages(_ stderr: String) -> String {
        stderr.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.contains("file(s) measured") }.joined(separator: "\n")
    }

    private func isReplay(_ result: CLI.Result) -> Bool { result.stderr.contains("replayed from the ledger") }

    func testAReplayPrintsExactlyWhatTheFullScanPrintedWithItsExitStatus() throws {
        let samples = try CLI.samplesCopy()
        try Data("not a video".utf8).write(to: URL(fileURLWithPath: samples + "/renders/broken.mp4"))
        for format in ["json", "table", "csv", "html"] {
            let args = ["scan", "--feature", "video-editing", "--oss-map", ossMap, "--explain", "--format", format, "."]
            let first = try CLI.run(args, in: samples, environment: stats)
            let second = try CLI.run(args, in: samples, environment: stats)
            let full = try CLI.run(["scan", "--no-replay"] + args.dropFirst(), in: samples, environment: stats)

            XCTAssertEqual(first.status, 1, "\(format): the broken file fails: \(first.stderr)")
            XCTAssertFalse(first.stdout.isEmpty)
            XCTAssertTrue(isReplay(second), "\(format): \(second.stderr)")
            XCTAssertTrue(second.stderr.contains(" 0 file(s) measured"))
            XCTAssertEqual(second.status, first.status)
            XCTAssertEqual(second.stdout, first.stdout, format)
            XCTAssertEqual(messages(second.stderr), messages(first.stderr), format)
            XCTAssertTrue(messages(first.stderr).contains("broken.mp4"), "the failure is reported again on replay")

            XCTAssertFalse(isReplay(full), "--no-replay does the full scan")
            XCTAssertEqual(full.status, first.status)
            if format != "html" { XCTAssertEqual(full.stdout, first.stdout, "\(format): a full re-scan prints the same bill") }
        }
    }

    func testAnOverBudgetScanReplaysItsExitStatusThree() throws {
        let samples = try CLI.samplesCopy()
        let args = ["scan", "--oss-map", ossMap, "--max-cost", "0.5", "--format", "json", "."]
        let first = try CLI.run(args, in: samples, environment: stats)
        let second = try CLI.run(args, in: samples, environment: stats)
        XCTAssertEqual(first.status, 3, first.stderr)
        XCTAssertTrue(isReplay(second))
        XCTAssertEqual(second.status, 3)
        XCTAssertTrue(second.stderr.contains("exceeds --max-cost"))
    }

    func testAnyChangeTheScanCouldSeeMeansAFullScan() throws {
        let samples = try CLI.samplesCopy()
        let args = ["scan", "--oss-map", ossMap, "--format", "json", "."]
        _ = try CLI.run(args, in: samples, environment: stats)
        XCTAssertTrue(isReplay(try CLI.run(args, in: samples, environment: stats)))

        // A new file anywhere under the tree, even one that is not media.
        try Data("notes".utf8).write(to: URL(fileURLWithPath: samples + "/renders/NOTES.txt"))
        let afterNewFile = try CLI.run(args, in: samples, environment: stats)
        XCTAssertFalse(isReplay(afterNewFile), afterNewFile.stderr)
        XCTAssertTrue(isReplay(try CLI.run(args, in: samples, environment: stats)), "the full scan stored a fresh replay")

        // A manifest edited in place: the bill must follow it.
        let manifest = samples + "/clipmeter.yaml"
        let text = try String(contentsOfFile: manifest, encoding: .utf8)
        try text.replacingOccurrences(of: "tokens: 900", with: "tokens: 1900").write(toFile: manifest, atomically: false, encoding: .utf8)
        let afterEdit = try CLI.run(args, in: samples, environment: stats)
        XCTAssertFalse(isReplay(afterEdit), afterEdit.stderr)

        // Other arguments, another bill.
        let csv = try CLI.run(["scan", "--oss-map", ossMap, "--format", "csv", "."], in: samples, environment: stats)
        XCTAssertFalse(isReplay(csv))
        XCTAssertFalse(csv.stdout.hasPrefix("{"))
    }

    func testAnEditedRateCardIsPricedAfresh() throws {
        let samples = try CLI.samplesCopy()
        let cardFolder = try TestMedia.temporaryDirectory("card")
        let card = cardFolder.appendingPathComponent("card.json").path
        let bundled = try CLI.run(["rates", "--format", "json"])
        XCTAssertEqual(bundled.status, 0, bundled.stderr)
        try bundled.stdout.write(toFile: card, atomically: false, encoding: .utf8)
        let args = ["scan", "--oss-map", ossMap, "--rates", card, "--format", "json", "."]
        let first = try CLI.run(args, in: samples, environment: stats)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(isReplay(try CLI.run(args, in: samples, environment: stats)))

        usleep(20_000)
        try bundled.stdout.replacingOccurrences(of: "\"0.3\"", with: "\"0.4\"").write(toFile: card, atomically: false, encoding: .utf8)
        let repriced = try CLI.run(args, in: samples, environment: stats)
        XCTAssertFalse(isReplay(repriced), repriced.stderr)
    }

    func testATreeWrittenJustBeforeTheScanIsNotStoredUntilItHasSettled() throws {
        let samples = try CLI.samplesCopy()
        try Data("fresh".utf8).write(to: URL(fileURLWithPath: samples + "/renders/NOTES.txt"))
        let env = ["CLIPMETER_STATS": "1"]
        let args = ["scan", "--oss-map", ossMap, "--format", "json", "."]
        _ = try CLI.run(args, in: samples, environment: env)
        let second = try CLI.run(args, in: samples, environment: env)
        XCTAssertFalse(isReplay(second), "files touched within 2 s of the walk could still change unseen: \(second.stderr)")

        Thread.sleep(forTimeInterval: 2.2)
        _ = try CLI.run(args, in: samples, environment: env)
        XCTAssertTrue(isReplay(try CLI.run(args, in: samples, environment: env)))
    }

    func testNoLedgerMeansNoReplay() throws {
        let samples = try CLI.samplesCopy()
        let args = ["scan", "--no-ledger", "--oss-map", ossMap, "--format", "json", "."]
        _ = try CLI.run(args, in: samples, environment: stats)
        XCTAssertFalse(isReplay(try CLI.run(args, in: samples, environment: stats)))
    }
}

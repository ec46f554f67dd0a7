import Foundation
import TestSupport
import XCTest

/// `probe` and `scan` on objects read in place from endpoints that lie (scripts/lying-http-server.py) and from a
/// healthy nginx with many objects: a lie is an error on its object with exit 1, never a wrong duration with
/// exit 0, and more `--remote-jobs` is never slower nor a source of false timeouts.
final class RemoteObjectCommandTests: XCTestCase {
    func testLyingObjectsFailOneByOneAndTheHonestOnesAreStillMeasuredAndBilled() throws {
        let folder = try TestMedia.temporaryDirectory("clipmeter-liar-e2e")
        try FileManager.default.copyItem(atPath: try TestMedia.file("ts-long.ts"), toPath: folder.appendingPathComponent("ts-long.ts").path)
        try FileManager.default.copyItem(atPath: try TestMedia.file("mkv.mkv"), toPath: folder.appendingPathComponent("swap-target").path)
        let liar = try LyingServer(serving: folder)
        defer { liar.stop() }
        let local = try CLI.run(["probe", "--format", "json", try TestMedia.file("ts-long.ts")])
        let duration = try XCTUnwrap((try local.json() as? [[String: Any]])?.first?["containerDuration"] as? NSNumber)
        let lies = ["ignore-range", "range-from-zero", "huge-length", "negative-length", "swap", "close", "close-get", "garbage"]
        let urls = ["oss://honest/ts-long.ts"] + lies.map { "oss://\($0)/ts-long.ts" }
        let probe = try CLI.run(["probe", "--format", "json", "--time-limit", "5", "--oss-endpoint", liar.endpoint] + urls)
        XCTAssertEqual(probe.status, 1, probe.stderr)
        let rows = try XCTUnwrap(try probe.json() as? [[String: Any]])
        XCTAssertEqual(rows.count, urls.count, "every object has its row: none lost to another's failure")
        for row in rows {
            let path = row.string("path") ?? ""
            if path.hasPrefix("oss://honest/") {
                XCTAssertEqual(row["containerDuration"] as? NSNumber, duration, path)
            } else {
                let error = try XCTUnwrap(
                    row["error"] as? [String: Any], "\(path) measured \(String(describing: row["containerDuration"]))")
                XCTAssertEqual(error.string("code"), "io", path)
                XCTAssertFalse(error.string("message")?.contains("cannot reach") ?? true, "\(path): \(error)")
            }
        }

        let scanned = try TestMedia.temporaryDirectory("clipmeter-liar-scan")
        var manifest = "jobs:\n"
        for (index, url) in urls.enumerated() {
            manifest +=
                "  - id: job-\(index)\n    feature: video-editing\n    status: succeeded\n"
                + "    finishedAt: \"2026-11-20T08:0\(index):00+08:00\"\n    outputs: [\"\(url)\"]\n"
        }
        try manifest.write(to: scanned.appendingPathComponent("clipmeter.yaml"), atomically: true, encoding: .utf8)
        let scan = try CLI.run([
            "scan", "--format", "json", "--no-ledger", "--time-limit", "5", "--oss-endpoint", liar.endpoint, scanned.path,
        ])
        XCTAssertEqual(scan.status, 1, "objects that lie are failures: \(scan.stderr.suffix(600))")
        let bill = try XCTUnwrap(try scan.json() as? [String: Any])
        let honest = try XCTUnwrap(bill.objects("jobs").first { $0.string("id") == "job-0" })
        XCTAssertNotNil(honest.string("cost"), "\(honest)")
        XCTAssertNotEqual(honest.string("cost"), "0.00")
    }

    func testMoreRemoteJobsAreNeverSlowerAndNeverTimeOutFalsely() throws {
        let objects = try TestMedia.temporaryDirectory("clipmeter-many-objects")
        let source = try TestMedia.file("mp4-av.mp4")
        let urls = try (0..<40).map { index -> String in
            try FileManager.default.copyItem(atPath: source, toPath: objects.appendingPathComponent("o\(index).mp4").path)
            return "oss://many/o\(index).mp4"
        }
        let nginx: NginxServer
        do {
            nginx = try NginxServer(serving: try TestMedia.corpus(), buckets: ["many": objects])
        } catch let error as NginxServer.Unavailable where !SharedNginx.required {
            throw XCTSkip("\(error) (CI unset: skipped; in CI this fails)")
        }
        defer { nginx.stop() }
        var seconds: [Int: TimeInterval] = [:]
        for jobs in [1, 16] {
            let started = Date()
            let run = try CLI.run(
                [
                    "probe", "--format", "json", "--time-limit", "5", "--oss-endpoint", nginx.endpoint,
                    "--remote-jobs", String(jobs),
                ] + urls)
            seconds[jobs] = Date().timeIntervalSince(started)
            XCTAssertEqual(run.status, 0, "--remote-jobs \(jobs): \(run.stdout.prefix(800))")
            let rows = try XCTUnwrap(try run.json() as? [[String: Any]])
            XCTAssertEqual(rows.filter { $0["error"] == nil || $0["error"] is NSNull }.count, urls.count, "--remote-jobs \(jobs)")
        }
        // Before the workers were threads of their own, 16 took over ten times as long as 1, with false timeouts.
        XCTAssertLessThan(seconds[16]!, seconds[1]! * 2 + 1, "\(seconds)")
    }
}

import Foundation
import TestSupport
import XCTest

/// Issue 12 and issue 11 end to end: what a hostile tree or a mistyped flag does to the real binary.
final class HostileInputCommandTests: XCTestCase {
    /// `clipmeter ARGS` under `timeout`, so a regression hangs one test for a minute, not the suite forever.
    private func run(_ arguments: [String], in directory: String? = nil) throws -> CLI.Result {
        let result = try TestMedia.run(
            "/usr/bin/timeout", ["60", TestMedia.clipmeterExecutable] + arguments,
            currentDirectory: directory ?? TestMedia.packageRoot.path)
        XCTAssertNotEqual(result.status, 124, "clipmeter \(arguments.joined(separator: " ")) hung")
        return CLI.Result(status: result.status, stdout: result.stdout, stderr: result.stderr)
    }

    private let input = "media-samples/seed-example/inputs/input-90s.mp4"

    func testNumberFlagsAreParsedWholeOrRefused() throws {
        for (flag, value) in [
            ("--output-duration", "1-2"), ("--output-duration", "NaN"), ("--output-duration", "1e400"),
            ("--output-duration", "1e30"), ("--max-cost", "1.2.3"), ("--max-cost", "inf"),
            ("--time-limit", "inf"), ("--time-limit", "1e308"), ("--time-limit", "nan"),
        ] {
            let result = try run([
                "estimate", "--feature", "image-text-matching", "--input", input,
                "--output-duration", flag == "--output-duration" ? value : "23", flag, value,
            ])
            XCTAssertEqual(result.status, 2, "\(flag) \(value): \(result.stderr)")
            XCTAssertTrue(
                result.stderr.contains(flag == "--output-duration" || flag == "--max-cost" ? value : "--time-limit"),
                "\(flag) \(value): \(result.stderr)")
            XCTAssertFalse(result.stderr.contains("Fatal error"), result.stderr)
        }
    }

    func testOversizedManifestAndAliasBombAreUsageErrorsWhenNamed() throws {
        let dir = try TestMedia.temporaryDirectory("clipmeter-hostile")
        let manifest = dir.appendingPathComponent("clipmeter.yaml").path
        try "feature: text-generation\ntokens: 900\n".write(toFile: manifest, atomically: true, encoding: .utf8)
        let capped = try run(["estimate", "--max-manifest-bytes", "10", "--format", "json", manifest])
        XCTAssertEqual(capped.status, 2, capped.stderr)
        XCTAssertTrue(capped.stderr.contains("--max-manifest-bytes"), capped.stderr)
        let fine = try run(["estimate", "--format", "json", manifest])
        XCTAssertEqual(fine.status, 0, fine.stderr)

        var bomb = "a0: &a0 [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n"
        for level in 1...9 { bomb += "a\(level): &a\(level) [\(Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ","))]\n" }
        let bombPath = dir.appendingPathComponent("bomb.job.yaml").path
        try bomb.write(toFile: bombPath, atomically: true, encoding: .utf8)
        let exploded = try run(["estimate", "--format", "json", bombPath])
        XCTAssertEqual(exploded.status, 2, exploded.stderr)
        XCTAssertTrue(exploded.stderr.contains("alias"), exploded.stderr)
    }

    /// One id in two manifests is two jobs (a job is its manifest's place plus its id), in estimate and scan
    /// alike; the id stays as written.
    func testOneIdInTwoManifestsIsTwoJobsInEstimateAndScanAlike() throws {
        let dir = try TestMedia.temporaryDirectory("clipmeter-ids")
        let a = dir.appendingPathComponent("a/clipmeter.yaml").path
        let b = dir.appendingPathComponent("b/clipmeter.yaml").path
        for (path, tokens) in [(a, "900"), (b, "90000")] {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try "id: 001\nfeature: text-generation\ntokens: \(tokens)\nfinishedAt: 2026-11-20T08:00:00+08:00\n"
                .write(toFile: path, atomically: true, encoding: .utf8)
        }
        let estimate = try run(["estimate", "--format", "json", a, b])
        let scan = try run(["scan", "--no-ledger", "--format", "json", dir.path])
        for result in [estimate, scan] {
            XCTAssertEqual(result.status, 0, result.stderr)
            let bill = try XCTUnwrap(try result.json() as? [String: Any])
            XCTAssertEqual(bill.string("total"), "10.92", "0.12 + 10.80: both jobs are billed")
            XCTAssertEqual(bill.objects("jobs").compactMap { $0.string("id") }, ["001", "001"], "the id stays 001")
            XCTAssertEqual(Set(bill.objects("jobs").compactMap { $0.string("key") }).count, 2)
        }
    }

    func testFIFOsInTheTreeNeverHangAScan() throws {
        let dir = try TestMedia.temporaryDirectory("clipmeter-fifo")
        let job = dir.appendingPathComponent("job")
        try FileManager.default.createDirectory(at: job.appendingPathComponent("outputs"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: TestMedia.packageRoot.appendingPathComponent(input).path,
            toPath: job.appendingPathComponent("outputs/a.mp4").path)
        for name in ["clipmeter.yaml", "x.job.json", "response.json", "job/timeline.json", "notes.yaml"] {
            XCTAssertEqual(mkfifo(dir.appendingPathComponent(name).path, 0o644), 0)
        }
        let result = try run(["scan", "--no-ledger", "--feature", "video-editing", "--format", "json", dir.path])
        XCTAssertEqual(result.status, 1, result.stderr)
        let bill = try XCTUnwrap(try result.json() as? [String: Any])
        XCTAssertEqual(bill.objects("jobs").compactMap { $0.string("id") }, ["job"])
        XCTAssertTrue(result.stdout.contains("FIFO"), result.stdout)

        let named = try run(["estimate", dir.appendingPathComponent("clipmeter.yaml").path])
        XCTAssertEqual(named.status, 2, named.stderr)
        XCTAssertTrue(named.stderr.contains("FIFO"), named.stderr)
    }
}

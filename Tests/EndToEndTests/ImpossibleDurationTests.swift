import Foundation
import TestSupport
import XCTest

/// What a user sees of a duration the file cannot hold: `probe` bills what the samples hold and says both
/// figures, `estimate` prices that, and a span the bytes cannot carry is an error with exit 1.
final class ImpossibleDurationCommandTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws { dir = try TestMedia.temporaryDirectory("impossible-durations-cli") }

    /// A 20 s MP4 made by ffmpeg, with its `mvhd` duration (version 0: the fifth 32-bit field) set to `ticks`,
    /// and, when `sampleDelta` is given, its first track's first `stts` delta and every edit list opened wide.
    private func mp4(_ name: String, mvhd ticks: UInt32? = nil, sampleDelta: UInt32? = nil) throws -> String {
        let source = try TestMedia.make(
            "src-\(name)", in: dir,
            [
                "-f", "lavfi", "-i", "testsrc2=size=96x64:rate=25:duration=20",
                "-f", "lavfi", "-i", "sine=duration=20", "-c:v", "libx264",
                "-preset", "ultrafast", "-c:a", "aac", "-shortest",
            ])
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: source)))
        func at(_ box: String) -> [Int] {
            let tag = Array(box.utf8)
            return (4..<(bytes.count - 4)).filter { bytes[$0..<($0 + 4)].elementsEqual(tag) }.map { $0 + 4 }
        }
        func put(_ offset: Int, _ value: UInt32) {
            for i in 0..<4 { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (24 - 8 * i)) }
        }
        if let ticks { put(try XCTUnwrap(at("mvhd").first) + 16, ticks) }
        if let sampleDelta {
            put(try XCTUnwrap(at("stts").first) + 12, sampleDelta)
            for elst in at("elst") { put(elst + 8, UInt32.max) }
        }
        let out = dir.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: out))
        return out
    }

    func testProbeAndEstimateBillTheSamplesNotAnMvhdOfTwoToTheThirtyTwoTicks() throws {
        let file = try mp4("mvhd-max.mp4", mvhd: UInt32.max)
        for mode in ["auto", "exact", "fast"] {
            let probe = try CLI.run(["probe", "--mode", mode, "--format", "json", file])
            XCTAssertEqual(probe.status, 0, probe.stderr)
            let record = try XCTUnwrap((try probe.json() as? [[String: Any]])?.first)
            XCTAssertEqual((record["duration"] as? NSNumber)?.doubleValue ?? 0, 20, accuracy: 0.05, "\(mode)")
            XCTAssertNotEqual(record.string("durationSource"), "header", mode)
            let warnings = record["warnings"] as? [String] ?? []
            XCTAssertTrue(
                warnings.contains { $0.hasPrefix("header-mismatch:") && $0.contains("4294967.295") && $0.contains(" 20 s") },
                "\(mode): \(warnings)")
        }
        // 20 s of input is one minute of highlight extraction (2.00 CNY), not 71,583 minutes.
        let estimate = try CLI.run([
            "estimate", "--feature", "highlight-extraction", "--input", file, "--max-cost", "5", "--format", "json",
        ])
        XCTAssertEqual(estimate.status, 0, estimate.stderr)
        let bill = try XCTUnwrap(try estimate.json() as? [String: Any])
        XCTAssertEqual(bill.string("total"), "2.00")
    }

    func testJoinedTransportStreamsAreBilledAsTheirSegmentsWithTheJumpNamed() throws {
        let a = try TestMedia.make(
            "a.ts", in: dir,
            [
                "-f", "lavfi", "-i", "testsrc2=size=96x64:rate=25:duration=20",
                "-c:v", "libx264", "-preset", "ultrafast",
            ])
        let b = try TestMedia.make("b.ts", in: dir, ["-i", a, "-c", "copy", "-output_ts_offset", "36000"])
        let joined = dir.appendingPathComponent("joined.ts")
        try (try Data(contentsOf: URL(fileURLWithPath: a)) + Data(contentsOf: URL(fileURLWithPath: b))).write(to: joined)
        for mode in ["auto", "exact"] {
            let probe = try CLI.run(["probe", "--mode", mode, "--format", "json", joined.path])
            XCTAssertEqual(probe.status, 0, probe.stderr)
            let record = try XCTUnwrap((try probe.json() as? [[String: Any]])?.first)
            XCTAssertEqual((record["duration"] as? NSNumber)?.doubleValue ?? 0, 40, accuracy: 0.1, mode)
            let warnings = record["warnings"] as? [String] ?? []
            XCTAssertTrue(warnings.contains { $0.hasPrefix("discontinuity:") && $0.contains("+35980 s") }, "\(mode): \(warnings)")
        }
    }

    func testASpanTheBytesCannotCarryIsAnErrorWithExitOne() throws {
        let file = try mp4("stts-huge.mp4", sampleDelta: UInt32(Int32.max))
        for mode in ["auto", "exact", "fast"] {
            let probe = try CLI.run(["probe", "--mode", mode, "--format", "json", file])
            XCTAssertEqual(probe.status, 1, "\(mode): \(probe.stdout.prefix(300))")
            let record = try XCTUnwrap((try probe.json() as? [[String: Any]])?.first)
            let error = try XCTUnwrap(record["error"] as? [String: Any], mode)
            XCTAssertEqual(error["code"] as? String, "truncated")
        }
        let estimate = try CLI.run([
            "estimate", "--feature", "highlight-extraction", "--input", file, "--max-cost", "1000", "--format", "json",
        ])
        XCTAssertEqual(estimate.status, 1, "a cost ClipMeter cannot know fails the run, whatever the budget")
    }
}

/// A ledger written by a ClipMeter whose measuring rules were older (it could cache a header's impossible claim)
/// is never reused for billing: its measurements are keyed by the rules they were taken under.
final class MeasuringRulesCacheTests: XCTestCase {
    func testMeasurementsCachedUnderOlderRulesAreMeasuredAgain() throws {
        let tree = try ScanCommandTests.tree(files: 2)
        let ledger = tree.deletingLastPathComponent().appendingPathComponent("ledger.sqlite").path
        let scan = ["scan", "--feature", "mps-transcode", "--ledger", ledger, "--no-replay", tree.path]
        let env = ["CLIPMETER_STATS": "1"]
        XCTAssertEqual(try CLI.run(scan, environment: env).status, 0)
        let cached = try CLI.run(scan, environment: env)
        XCTAssertTrue(cached.stderr.contains(" 0 file(s) measured, 2 from the ledger"), cached.stderr)
        // What 0.8.0 wrote: the same rows keyed by the bare probe mode.
        let sql = try TestMedia.run("/usr/bin/env", ["sqlite3", ledger, "UPDATE measurement SET mode = 'auto'"])
        guard sql.status == 0 else { throw XCTSkip("sqlite3 is not installed: \(sql.stderr)") }
        let again = try CLI.run(scan, environment: env)
        XCTAssertTrue(again.stderr.contains(" 2 file(s) measured, 0 from the ledger"), again.stderr)
    }
}

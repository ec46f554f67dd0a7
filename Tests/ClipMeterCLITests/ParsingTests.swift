import ArgumentParser
import XCTest
@testable import ClipMeterCLI

/// Every command parsed in-process, as swift-argument-parser's own tests do: flags, defaults and the number flags
/// that must be refused whole rather than read by their prefix.
final class ParsingTests: XCTestCase {
    private func parse(_ arguments: [String]) throws -> ParsableCommand {
        try ClipMeterCommand.parseAsRoot(arguments)
    }

    private func assertUsageError(
        _ arguments: [String], mentions text: String, file: StaticString = #filePath,
        line: UInt = #line
    ) {
        XCTAssertThrowsError(try parse(arguments), "\(arguments)", file: file, line: line) { error in
            let message = ClipMeterCommand.message(for: error)
            XCTAssertTrue(message.contains(text), "\(arguments): \(message)", file: file, line: line)
            XCTAssertNotEqual(ClipMeterCommand.exitCode(for: error), .success, file: file, line: line)
        }
    }

    func testEveryCommandParses() throws {
        XCTAssertTrue(try parse(["probe", "--mode", "exact", "--format", "json", "a.mp4"]) is ProbeCommand)
        XCTAssertTrue(try parse(["timeline", "--format", "json", "t.json"]) is TimelineCommand)
        XCTAssertTrue(try parse(["rates", "--region", "intl-singapore"]) is RatesCommand)
        XCTAssertTrue(try parse(["bill", "--ledger", "a.sqlite", "--format", "csv"]) is BillCommand)
        let scan = try XCTUnwrap(
            try parse([
                "scan", "--feature", "video-editing", "--shard", "1/2", "--batch-inputs",
                "per-output", "dir",
            ]) as? ScanCommand)
        XCTAssertEqual(scan.priced.pricing.batchInputs, .perOutput)
        let estimate = try XCTUnwrap(
            try parse([
                "estimate", "body.json", "--api", "SubmitSportsHighlightsJob",
                "--max-cost", "20",
            ]) as? EstimateCommand)
        XCTAssertEqual(estimate.sources, ["body.json"])
        XCTAssertEqual(estimate.priced.pricing.batchInputs, .perBatch, "a batch's inputs count once by default")
    }

    func testNumberFlagsAreReadWholeOrRefused() throws {
        for bad in ["1-2", "1.2.3", "1e400", "NaN", "inf", "", "0x10", "1,5"] {
            XCTAssertThrowsError(try nonNegativeDecimal(bad, "--output-duration"), bad)
            XCTAssertThrowsError(try BillOutcome.budget(bad), "--max-cost \(bad)")
        }
        XCTAssertEqual(try nonNegativeDecimal("23", "--output-duration"), 23)
        XCTAssertEqual(try nonNegativeDecimal("0.5", "--output-duration"), Decimal(string: "0.5"))
        XCTAssertEqual(try BillOutcome.budget("1.20"), Decimal(string: "1.2"))
        XCTAssertThrowsError(try nonNegativeDecimal("-1", "--output-duration"))
        XCTAssertThrowsError(try nonNegativeDecimal("40000000", "--output-duration", maximum: 31_536_000))
        for bad in ["inf", "1e308", "nan", "0", "-3"] {
            assertUsageError(["probe", "--time-limit", bad, "a.mp4"], mentions: "--time-limit")
        }
    }

    func testJobFlagsBesideFilesAreRefusedAndTheAPIMustBeKnown() {
        assertUsageError(["estimate", "body.json", "--input", "in.mp4"], mentions: "describe a job of their own")
        assertUsageError(["estimate", "body.json", "--api", "SubmitNothing"], mentions: "--api SubmitNothing")
        assertUsageError(["estimate", "--input", "in.mp4"], mentions: "--feature is required")
        assertUsageError(["estimate"], mentions: "describe a job")
        assertUsageError(["estimate", "--feature", "x", "--tokens", "-5"], mentions: "--tokens")
    }

    func testVersionNamesClipMeterAndTheFFmpegLibrariesItRunsWith() {
        XCTAssertThrowsError(try parse(["--version"])) { error in
            let message = ClipMeterCommand.message(for: error)
            XCTAssertTrue(message.hasPrefix("clipmeter \(ClipMeterVersion.number) ("), message)
            for library in ["libavformat", "libavcodec", "libavutil"] {
                XCTAssertTrue(message.contains(library), message)
            }
            XCTAssertEqual(ClipMeterCommand.exitCode(for: error), .success)
        }
    }
}

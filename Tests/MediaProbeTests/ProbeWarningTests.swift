import Foundation
import MediaProbe
import TestSupport
import XCTest

/// Issue 11: a probe's warnings are typed cases, so callers count and match them without reading the words, and
/// the words name no command-line flag (the CLI adds those).
final class ProbeWarningTests: XCTestCase {
    /// A bit-rate estimate is said once per file: FFmpeg's own log line does not repeat ClipMeter's warning.
    func testABitRateEstimatedFileCarriesExactlyOneBitRateWarning() throws {
        let dir = try TestMedia.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let adts = try TestMedia.make(
            "sine.aac", in: dir,
            [
                "-f", "lavfi", "-i", "sine=frequency=440:duration=12",
                "-c:a", "aac", "-b:a", "64k",
            ])
        for path in [try TestMedia.file("mp3-noxing.mp3"), adts] {
            let name = (path as NSString).lastPathComponent
            for mode in ProbeMode.allCases {
                let facts = try XCTUnwrap(MediaProber(options: ProbeOptions(mode: mode)).probe(path).facts, "\(name) \(mode)")
                XCTAssertEqual(facts.containerDurationMethod, "bitrate", "\(name): libavformat guessed from the bit rate")
                let estimates = facts.warnings.filter(\.isBitrateEstimate)
                XCTAssertEqual(estimates.count, 1, "\(name) \(mode): \(facts.warnings)")
                switch (mode, estimates.first) {
                case (.fast, .estimatedFromBitrate?):
                    break
                case (.auto, .bitrateEstimateReplaced(_, let measured)?), (.exact, .bitrateEstimateReplaced(_, let measured)?):
                    XCTAssertEqual(measured, facts.containerDuration, "\(name) \(mode): the measured span replaced the estimate")
                default:
                    XCTFail("\(name) \(mode): \(facts.warnings)")
                }
            }
        }
    }

    /// A raw stream's frame count comes back as its parts, not as a sentence to be searched.
    func testAFrameCountWarningCarriesTheStreamAndItsBasis() throws {
        let facts = try XCTUnwrap(MediaProber(options: ProbeOptions(mode: .exact)).probe(try TestMedia.file("raw-150f-30fps.h264")).facts)
        XCTAssertEqual(
            facts.warnings.filter { if case .frameCount = $0 { true } else { false } },
            [.frameCount(stream: 0, codec: "h264", basis: .frameRate(frames: 150, rateNum: 30, rateDen: 1))])
        XCTAssertTrue(facts.warnings.map(\.description).contains { $0.contains("150 frames × 1/30 s") }, "\(facts.warnings)")
    }

    /// MediaProbe's words never name a flag: `--mode exact` and the network flags are the CLI's to say.
    func testNoWarningOrErrorWordsNameAFlag() throws {
        let every: [ProbeWarning] = [
            .estimatedFromBitrate, .bitrateEstimateReplaced(header: 33.1, measured: 33), .ffmpegEstimatedFromBitrate(message: "mp3: x"),
            .noDuration, .refusedOpens(count: 2), .fullScan(reason: "why"), .truncatedTransportPacket(bytesIntoPacket: 17),
            .truncatedPacket(stream: 1), .frameCount(stream: 0, codec: "h264", basis: .frameRate(frames: 3, rateNum: 30000, rateDen: 1001)),
            .frameCount(stream: 0, codec: "aac", basis: .packetDurations(packets: 9)), .guessedLastPacket(stream: 0, seconds: 0.04),
            .truncated(notes: ["reading stopped"]), .ffmpegLog("mp3: something"), .recorded("old words"),
        ]
        for warning in every {
            XCTAssertFalse(warning.description.contains("--"), warning.description)
        }
        // Every warning the real corpus gives, whatever the mode.
        for (name, _, _) in try TestMedia.manifest() {
            for mode in ProbeMode.allCases {
                let outcome = MediaProber(options: ProbeOptions(mode: mode)).probe(try TestMedia.file(name))
                for warning in outcome.facts?.warnings ?? [] {
                    XCTAssertFalse(warning.description.contains("--"), "\(name) \(mode): \(warning)")
                }
                if let error = outcome.error { XCTAssertFalse(error.message.contains("--"), "\(name) \(mode): \(error)") }
            }
        }
        for url in ["http://127.0.0.1:9/clip.mp4", "oss://corpus/mkv.mkv"] {
            let error = try XCTUnwrap(MediaProber().probe(url).error)
            XCTAssertNotNil(error.remedy, url)
            XCTAssertFalse(error.message.contains("--"), error.message)
            XCTAssertFalse(error.description.contains("--"), error.description)
        }
    }

    /// Warnings survive the ledger's JSON as the same cases.
    func testWarningsRoundTripThroughJSON() throws {
        let warnings: [ProbeWarning] = [
            .estimatedFromBitrate, .bitrateEstimateReplaced(header: 33.123456, measured: 32.98),
            .frameCount(stream: 0, codec: "h264", basis: .frameRate(frames: 150, rateNum: 30, rateDen: 1)),
        ]
        let decoded = try JSONDecoder().decode([ProbeWarning].self, from: JSONEncoder().encode(warnings))
        XCTAssertEqual(decoded, warnings)
    }
}

extension ProbeWarning {
    /// The cases saying the file was cut short.
    var isCutShort: Bool {
        switch self {
        case .truncatedTransportPacket, .truncatedPacket, .truncatedPES, .truncated: true
        default: false
        }
    }

    /// Why every packet was read, for a full-scan warning.
    var fullScanReason: String? { if case .fullScan(let reason) = self { reason } else { nil } }

    var isFullScan: Bool { fullScanReason != nil }
}

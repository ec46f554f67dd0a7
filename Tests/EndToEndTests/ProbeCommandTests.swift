import Foundation
import TestSupport
import XCTest

/// `clipmeter probe`: the JSON contract of SPEC §7 and the exit codes, on generated and broken media.
final class ProbeCommandTests: XCTestCase {
    func testJSONContractAndExitCodeWithABrokenFileAmongValidOnes() throws {
        let valid = try TestMedia.file("mp4-60.000.mp4")
        let audio = try TestMedia.file("wav.wav")
        let broken = try TestMedia.file("broken/text.mp4")
        let result = try CLI.run(["probe", "--format", "json", valid, broken, audio])
        XCTAssertEqual(result.status, 1, "one file could not be measured: exit 1")
        let array = try XCTUnwrap(try result.json() as? [[String: Any]])
        XCTAssertEqual(array.count, 3, "every file gets one record, the broken one included")
        XCTAssertEqual(array.map { $0["path"] as? String }, [valid, broken, audio].sorted(), "sorted by path")

        let mp4 = try XCTUnwrap(array.first { ($0["path"] as? String) == valid })
        for key in ["path", "size", "container", "duration", "durationSource", "containerDuration", "streams", "warnings", "error"] {
            XCTAssertTrue(mp4.keys.contains(key), "missing \(key)")
        }
        XCTAssertEqual((mp4["duration"] as? NSNumber)?.doubleValue ?? 0, 60.0, accuracy: 0.0005)
        XCTAssertTrue(mp4["error"] is NSNull)
        let stream = try XCTUnwrap((mp4["streams"] as? [[String: Any]])?.first)
        XCTAssertEqual(stream["type"] as? String, "video")
        XCTAssertEqual(stream["codec"] as? String, "h264")
        XCTAssertEqual(stream["width"] as? Int, 160)
        XCTAssertEqual(stream["height"] as? Int, 120)

        let bad = try XCTUnwrap(array.first { ($0["path"] as? String) == broken })
        let error = try XCTUnwrap(bad["error"] as? [String: Any])
        XCTAssertEqual(error["code"] as? String, "not-media")
        XCTAssertFalse((error["message"] as? String ?? "").isEmpty)

        let wav = try XCTUnwrap(array.first { ($0["path"] as? String) == audio })
        let audioStream = try XCTUnwrap((wav["streams"] as? [[String: Any]])?.first)
        XCTAssertEqual(audioStream["sampleRate"] as? Int, 48000)
        XCTAssertEqual(audioStream["channels"] as? Int, 1)
    }

    func testAllValidExitsZeroAndNDJSONStreamsOneObjectPerLine() throws {
        let files = try ["mp4-60.000.mp4", "mkv.mkv", "webm-live.webm"].map(TestMedia.file)
        let result = try CLI.run(["probe", "--format", "ndjson"] + files)
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 3)
        for line in lines {
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            XCTAssertTrue(object["error"] is NSNull)
        }
        let webm = try XCTUnwrap(
            lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
                .first { ($0["path"] as? String)?.hasSuffix("webm-live.webm") == true })
        XCTAssertEqual(webm["durationSource"] as? String, "packets", "a live WebM has no header duration: auto must scan")
    }

    func testUsageErrorsExitTwo() throws {
        XCTAssertEqual(try CLI.run(["probe", "--mode", "guess", "x.mp4"]).status, 2)
        XCTAssertEqual(try CLI.run(["probe"]).status, 2)
        XCTAssertEqual(try CLI.run(["no-such-command"]).status, 2)
    }

    func testAWholeBrokenFolderIsReportedFileByFileWithoutCrashing() throws {
        let broken = try TestMedia.corpus().appendingPathComponent("broken").path
        let result = try CLI.run(["probe", "--format", "json", "--time-limit", "5", broken])
        XCTAssertEqual(result.status, 1)
        let array = try XCTUnwrap(try result.json() as? [[String: Any]])
        XCTAssertGreaterThanOrEqual(array.count, 7)
        // A truncated MPEG-TS is still a (shorter) stream: it may be measured; every other file is an error.
        for record in array where !((record["path"] as? String) ?? "").hasSuffix("truncated.ts") {
            XCTAssertNotNil(record["error"] as? [String: Any], "\(record["path"] ?? "?") should be an error record")
        }
        XCTAssertFalse(result.stderr.contains("Fatal error"), result.stderr)
    }
}

import Foundation
import TestSupport
import XCTest

/// `clipmeter timeline` on the bundled example timelines, and `clipmeter rates`.
final class TimelineAndRatesCommandTests: XCTestCase {
    func testDocumentedMainTrackExampleIs15Seconds() throws {
        let result = try CLI.run(["timeline", "--format", "json", "media-samples/timelines/main-track.json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let timeline = try XCTUnwrap(try result.json() as? [String: Any])
        XCTAssertEqual((timeline["duration"] as? NSNumber)?.doubleValue ?? -1, 15, accuracy: 0.001)
        let tracks = try XCTUnwrap(timeline["tracks"] as? [[String: Any]])
        let video = try XCTUnwrap(tracks.first { $0["kind"] as? String == "video" })
        XCTAssertEqual((video["duration"] as? NSNumber)?.doubleValue ?? -1, 20, accuracy: 0.001)
        XCTAssertEqual((video["clips"] as? [Any])?.count, 4)
    }

    func testTransitionShortensTheTrack() throws {
        let result = try CLI.run(["timeline", "--format", "json", "media-samples/timelines/seed-23s.json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(((try result.json() as? [String: Any])?["duration"] as? NSNumber)?.doubleValue ?? -1, 23, accuracy: 0.001)
    }

    func testClipMediaOutsideTheTimelineFolderIsNotReadAndTheLengthIsUnknown() throws {
        let dir = try TestMedia.temporaryDirectory()
        let timeline = dir.appendingPathComponent("t.json").path
        try #"{"VideoTracks":[{"VideoTrackClips":[{"MediaURL":"\#(CLI.samples)/timelines/clip-10s.mp4"}]}]}"#
            .write(toFile: timeline, atomically: true, encoding: .utf8)
        let result = try CLI.run(["timeline", "--format", "json", timeline])
        XCTAssertEqual(result.status, 1)
        let json = try XCTUnwrap(try result.json() as? [String: Any])
        XCTAssertTrue(json["duration"] is NSNull)
        XCTAssertTrue(((json["warnings"] as? [String]) ?? []).joined().contains("escapes the allowed roots"))

        let allowed = try CLI.run(["timeline", "--format", "json", "--media-root", CLI.samples, timeline])
        XCTAssertEqual(allowed.status, 0, "--media-root names a folder the user allows: \(allowed.stderr)")
    }

    func testNotATimelineIsAUsageError() throws {
        let dir = try TestMedia.temporaryDirectory()
        let path = dir.appendingPathComponent("x.json").path
        try "{ nope".write(toFile: path, atomically: true, encoding: .utf8)
        let result = try CLI.run(["timeline", path])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains(path), result.stderr)
    }

    func testRatesPrintsTheCardInUse() throws {
        let table = try CLI.run(["rates"])
        XCTAssertEqual(table.status, 0)
        XCTAssertTrue(table.stdout.contains("image-text-matching"))
        let json = try CLI.run(["rates", "--region", "intl-singapore", "--format", "json"])
        let card = try XCTUnwrap(try json.json() as? [String: Any])
        XCTAssertEqual(card["currency"] as? String, "USD")
        XCTAssertEqual(try CLI.run(["rates", "--region", "mars"]).status, 2)
    }
}

import Foundation
import XCTest
@testable import Timeline

/// Reading timelines as they are found in the wild, and the `timeline --format json` shape.
final class ParserAndJSONTests: XCTestCase {
    // MARK: Parsing

    func testMediaUrlAndMediaURLAreBothAccepted() throws {
        let timeline = try parse(
            """
            {"VideoTracks": [{"VideoTrackClips": [{"MediaURL": "upper.mp4"}, {"MediaUrl": "lower.mp4"}]}]}
            """)
        XCTAssertEqual(timeline.videoTracks[0].clips.map(\.mediaURL), ["upper.mp4", "lower.mp4"])
    }

    func testNumericStringsAndNumbersAreBothExactSeconds() throws {
        let timeline = try parse(
            """
            {"VideoTracks": [{"VideoTrackClips": [
                {"MediaURL": "a.mp4", "In": "0.1", "Out": 0.3, "Speed": "1", "TimelineIn": " 2.25 ", "MaxOut": ""}]}]}
            """)
        let clip = timeline.videoTracks[0].clips[0]
        XCTAssertEqual(clip.inPoint, dec("0.1"))
        XCTAssertEqual(clip.outPoint, dec("0.3"))
        XCTAssertEqual(clip.timelineIn, dec("2.25"))
        XCTAssertNil(clip.maxOut, "an empty string is an absent field")
        let result = TimelineCalculator.length(of: timeline) { _ in .seconds(10) }
        XCTAssertEqual(result.duration, dec("2.45"), "0.3 − 0.1 + 2.25 with no binary float noise")
    }

    func testUnknownFieldsAreIgnored() throws {
        let timeline = try parse(
            """
            {"Version": 1, "SdkVersion": "5.2.2", "AspectRatio": "16:9", "FECanvas": {"Width": 1080},
             "VideoTracks": [{"Id": 0, "Type": "Video", "Visible": true, "VideoTrackClips": [
                {"Id": 7, "TrackId": 0, "VirginDuration": 12.1, "MediaURL": "a.mp4", "X": 0.5, "Out": 5}]}]}
            """)
        XCTAssertEqual(timeline.videoTracks[0].clips[0].outPoint, 5)
    }

    func testInvalidJSONNamesTheFile() {
        XCTAssertThrowsError(try TimelineParser.parse(Data("{\"VideoTracks\": [".utf8), source: "jobs/cut.json")) {
            let error = $0 as? TimelineError
            XCTAssertEqual(error?.source, "jobs/cut.json")
            guard case .notJSON? = error?.problem else { return XCTFail("expected notJSON, got \($0)") }
            XCTAssertTrue("\($0)".hasPrefix("jobs/cut.json: not a valid JSON timeline"))
        }
    }

    func testATimelineWithoutVideoOrAudioIsAnError() {
        for json in [
            #"{}"#, #"{"VideoTracks": [], "AudioTracks": []}"#,
            #"{"VideoTracks": [{"VideoTrackClips": []}], "SubtitleTracks": [{"SubtitleTrackClips": [{"Type": "Text"}]}]}"#,
        ] {
            XCTAssertThrowsError(try TimelineParser.parse(Data(json.utf8), source: "t.json")) {
                XCTAssertEqual(($0 as? TimelineError)?.problem, .noVideoOrAudioTracks, json)
                XCTAssertTrue("\($0)".contains("t.json: the timeline has no video or audio tracks"))
            }
        }
    }

    func testNonObjectTimelineIsAnError() {
        XCTAssertThrowsError(try TimelineParser.parse(Data("[1, 2]".utf8), source: "t.json")) {
            XCTAssertEqual(($0 as? TimelineError)?.problem, .notAnObject)
        }
    }

    func testBadFieldNamesItsJSONPath() {
        let json = #"{"VideoTracks": [{"VideoTrackClips": [{"Out": 5}, {"MediaURL": "b.mp4", "Out": "five"}]}]}"#
        XCTAssertThrowsError(try TimelineParser.parse(Data(json.utf8), source: "t.json")) {
            guard case .badField(let path, let expected)? = ($0 as? TimelineError)?.problem else {
                return XCTFail("expected badField, got \($0)")
            }
            XCTAssertEqual(path, "VideoTracks[0].VideoTrackClips[1].Out")
            XCTAssertTrue(expected.contains("\"five\""))
            XCTAssertEqual("\($0)", "t.json: bad field VideoTracks[0].VideoTrackClips[1].Out: \(expected)")
        }
        XCTAssertThrowsError(try TimelineParser.parse(Data(#"{"VideoTracks": {"a": 1}}"#.utf8), source: "t.json")) {
            guard case .badField(let path, _)? = ($0 as? TimelineError)?.problem else {
                return XCTFail("expected badField, got \($0)")
            }
            XCTAssertEqual(path, "VideoTracks")
        }
    }

    // MARK: JSON output

    func testJSONShapeWithNumbersAndNulls() throws {
        let json = """
            {"VideoTracks": [{"VideoTrackClips": [{"MediaURL": "a.mp4", "Out": 10, "Speed": 3}, {"MediaId": "gone"}]}]}
            """
        let (result, _) = try lengthOf(json, sources: ["a.mp4": 20])
        let data = try result.jsonData()
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertTrue(object["duration"] is NSNull, "unknown duration is null, not missing")
        let warnings = try XCTUnwrap(object["warnings"] as? [String])
        XCTAssertTrue(warnings.contains { $0.contains("no local file for gone") })
        let track = try XCTUnwrap((object["tracks"] as? [[String: Any]])?.first)
        XCTAssertEqual(track["kind"] as? String, "video")
        XCTAssertEqual(track["index"] as? Int, 0)
        XCTAssertTrue(track["duration"] is NSNull)
        let clips = try XCTUnwrap(track["clips"] as? [[String: Any]])
        XCTAssertEqual(Set(clips[0].keys), ["start", "end", "source", "warnings"])
        XCTAssertEqual(clips[0]["source"] as? String, "a.mp4")
        XCTAssertEqual(clips[1]["source"] as? String, "gone")
        XCTAssertTrue(clips[1]["end"] is NSNull)

        let text = try XCTUnwrap(String(data: data, encoding: .utf8))
        XCTAssertTrue(text.contains(#""end" : 3.333333"#), text)
        XCTAssertTrue(text.contains(#""start" : 3.333333"#), "seconds are numbers, rounded to 6 places")
    }

    func testJSONHasNoBinaryFloatNoise() throws {
        let json = """
            {"AudioTracks": [{"AudioTrackClips": [{"MediaURL": "a", "Out": 0.1}, {"MediaURL": "b", "Out": 0.2},
                                                  {"MediaURL": "c", "Out": 14.9}]}]}
            """
        let (result, _) = try lengthOf(json)
        let text = try XCTUnwrap(String(data: try result.jsonData(), encoding: .utf8))
        XCTAssertTrue(text.contains(#""duration" : 15.2"#), text)
        XCTAssertTrue(text.contains(#""end" : 0.3"#), text)
        XCTAssertFalse(text.contains("0000000"), text)
        // The model's own Codable form (typed warnings) reads back; the document above is for people.
        let decoded = try JSONDecoder().decode(TimelineLength.self, from: try JSONEncoder().encode(result))
        XCTAssertEqual(decoded.duration, dec("15.2"))
        XCTAssertEqual(decoded.warnings, result.warnings)
    }
}

/// The one-click batch job rule: voice-over, else FixedDuration, else SingleShotDuration × groups, capped.
final class BatchOutputLengthTests: XCTestCase {
    func testGlobalVoiceOverDecides() {
        let estimate = BatchOutputLength.estimate(
            globalVoiceOver: .seconds(dec("42.5")), fixedDuration: 20, singleShotDuration: 3, groupCount: 4,
            maxDuration: 60, count: 3
        )
        XCTAssertEqual(estimate.duration, dec("42.5"))
        XCTAssertEqual(estimate.basis, "global voice-over")
        XCTAssertEqual(estimate.totalDuration, dec("127.5"))
        XCTAssertEqual(estimate.warnings, [])
    }

    func testUnsynthesizedVoiceOverIsUnknown() {
        let estimate = BatchOutputLength.estimate(
            globalVoiceOver: .unresolved("speech text still to be synthesized"), fixedDuration: 20,
            singleShotDuration: nil, groupCount: 1, maxDuration: 15
        )
        XCTAssertNil(estimate.duration)
        XCTAssertNil(estimate.totalDuration)
        XCTAssertTrue(estimate.warnings.contains { $0.description.contains("still to be synthesized") })
        XCTAssertTrue(estimate.warnings.contains { $0.description.contains("at most MaxDuration 15") })
    }

    func testFixedDurationThenSingleShotTimesGroupsThenCap() {
        XCTAssertEqual(
            BatchOutputLength.estimate(
                globalVoiceOver: nil, fixedDuration: 12, singleShotDuration: 3, groupCount: 5, maxDuration: nil
            ).duration, 12)
        XCTAssertEqual(
            BatchOutputLength.estimate(
                globalVoiceOver: nil, fixedDuration: nil, singleShotDuration: dec("2.5"), groupCount: 5, maxDuration: nil
            ).duration, dec("12.5"))
        let capped = BatchOutputLength.estimate(
            globalVoiceOver: nil, fixedDuration: nil, singleShotDuration: 4, groupCount: 5, maxDuration: 15
        )
        XCTAssertEqual(capped.duration, 15)
        XCTAssertTrue(capped.warnings.contains { $0.description.contains("capped at MaxDuration 15") })
    }

    func testNothingToGoOnIsUnknown() {
        let estimate = BatchOutputLength.estimate(
            globalVoiceOver: nil, fixedDuration: nil, singleShotDuration: nil, groupCount: 2, maxDuration: nil
        )
        XCTAssertNil(estimate.duration)
        XCTAssertFalse(estimate.warnings.isEmpty)
    }
}

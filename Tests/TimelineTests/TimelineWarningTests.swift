import Foundation
import XCTest
@testable import Timeline

/// Issue 11: the length arithmetic's warnings are typed cases naming the clip they concern; their words name no
/// command-line flag, which the caller supplies.
final class TimelineWarningTests: XCTestCase {
    private func at(_ kind: TrackKind, _ track: Int, clip: Int) -> ClipPosition {
        ClipPosition(track: TrackPosition(kind: kind, index: track), clipIndex: clip)
    }

    func testEachClipWarningNamesItsClipByCase() throws {
        let json = """
            {"VideoTracks": [{"VideoTrackClips": [
                {"MediaURL": "a.mp4", "Out": 15},
                {"Type": "Image", "MediaURL": "c.png"}]}],
             "AudioTracks": [{"AudioTrackClips": [{"Type": "AI_TTS", "Content": "Hi."}]}]}
            """
        let (result, _) = try lengthOf(json, sources: ["a.mp4": 10])
        XCTAssertTrue(result.warnings.contains(.clip(at(.video, 0, clip: 0), .outPastSource(out: 15, source: 10))), "\(result.warnings)")
        XCTAssertTrue(result.warnings.contains(.clip(at(.video, 0, clip: 1), .imageCountedAsZero)), "\(result.warnings)")
        XCTAssertTrue(
            result.warnings.contains(.clip(at(.audio, 0, clip: 0), .endUnknown(.awaitsSynthesis(type: "AI_TTS")))),
            "\(result.warnings)")
        XCTAssertNil(result.track("audio")?.duration, "the speech's length is unknown, never 0")
        // The clip's own list holds the same notes, without the position the span already has.
        XCTAssertEqual(result.track("video")?.clips[1].warnings, [.imageCountedAsZero])
    }

    /// The words are the same sentences as before, only the flag hints come from the caller.
    func testTheCallerNamesTheSettings() throws {
        let json =
            #"{"VideoTracks": [{"VideoTrackClips": [{"Type": "Image", "MediaURL": "c.png"}]}], "AudioTracks": [{"AudioTrackClips": [{"Type": "AI_TTS"}]}]}"#
        let (result, _) = try lengthOf(json)
        let flags: @Sendable (TimelineSetting) -> String? = {
            switch $0 {
            case .defaultImageSeconds: "--default-image-seconds"
            case .assumeTTSSeconds: "--assume-tts-seconds"
            }
        }
        let words = result.warnings.map { $0.text(naming: flags) }
        XCTAssertTrue(
            words.contains(
                "video track 0, clip 0: image with neither Duration nor TimelineIn/TimelineOut: counted as 0 s [open] (set --default-image-seconds)"
            ), "\(words)")
        XCTAssertTrue(
            words.contains { $0.contains("AI_TTS clip: its length is known only after synthesis (set --assume-tts-seconds)") }, "\(words)")
        XCTAssertFalse(result.warnings.map(\.description).joined().contains("--"))

        // The document a user reads has words (with the caller's flags); the model's own form has the cases.
        let document = try XCTUnwrap(JSONSerialization.jsonObject(with: try result.jsonData(naming: flags)) as? [String: Any])
        XCTAssertEqual(document["warnings"] as? [String], words)
        let plain = try XCTUnwrap(JSONSerialization.jsonObject(with: try result.jsonData()) as? [String: Any])
        XCTAssertFalse(((plain["warnings"] as? [String]) ?? ["--"]).joined().contains("--"))
    }

    func testNoWarningWordsNameAFlag() {
        let clip = at(.video, 0, clip: 1)
        let target = ClipReference(clipId: "intro", position: at(.audio, 0, clip: 0))
        let reasons: [UnknownLength] = [
            .awaitsSynthesis(type: "AI_TTS"), .noMedia, .sourceNotMeasured(reason: "gone"), .noLength, .noEnd,
            .negativeField(name: "In", value: -1), .fieldOverAYear(name: "Out", value: 4e7), .speedNotPositive(0),
            .startsAfterUnknown(clipIndex: 0), .referenceNotFound(target), .circularReference(target),
            .alignedToUnknown(target), .lastsToUnknownOutputEnd,
        ]
        var notes: [ClipNote] = [
            .freezeFrame(duration: 2), .freezeFrame(duration: nil), .imageTypeInferred, .referenceUnmatched(clipId: "x"),
            .referenceOnSameTrack(target), .transitionSkippedByReference, .transitionSkippedByTimelineIn,
            .transitionLongerThanClip(overlap: 1), .transitionOnLastClip, .timelineOutBeforeStart(timelineOut: 1, start: 2),
            .defaultImageLength(3), .imageCountedAsZero, .timelineOutPastContent(timelineOut: 9, end: 8),
            .assumedSynthesizedLength(type: "AI_TTS", seconds: 4), .speedNotPositive(0), .speedOutsideRange(200),
            .negativeIn(-1), .outPastSource(out: 15, source: 10), .durationPastSource(duration: 9, available: 8),
            .inNotBeforeOut(in: 5, out: 4), .timelineOutPastVideoEnd(timelineOut: 12, videoEnd: 10),
        ]
        for reason in reasons {
            notes += [
                .assumedToTimelineOut(reason, timelineOut: 9), .assumedHoldsInOut(reason), .assumedHoldsDuration(reason),
                .endUnknown(reason),
            ]
        }
        let track = TrackPosition(kind: .audio, index: 1)
        var warnings: [TimelineWarning] =
            notes.map { .clip(clip, $0) } + [
                .severalMainTracks(counted: TrackPosition(kind: .video, index: 0), others: [track]),
                .autoSpeed(track, from: 12, to: 10), .autoSpeed(track, from: 8, to: 10), .nothingLengthens,
                .cappedAtMaxDuration(length: 20, cap: 15), .atMostMaxDuration(15),
                .cutAtVideoEnd(track, length: 12, videoEnd: 10), .voiceOverUnknown(reason: "to be synthesized"),
                .noBatchLengthBasis, .batchCapped(basis: "FixedDuration", length: 20, cap: 15),
            ]
        for reason in reasons {
            warnings += [
                .mainTrackUnknown(track, cause: .clip(clip, reason)), .outputUnknown(decidedByVideo: true, cause: .clip(clip, reason)),
            ]
        }
        warnings += [.mainTrackUnknown(track, cause: .track(track))]
        for warning in warnings {
            XCTAssertFalse(warning.description.contains("--"), warning.description)
            XCTAssertFalse(warning.description.isEmpty)
        }
        XCTAssertEqual(
            try JSONDecoder().decode([TimelineWarning].self, from: JSONEncoder().encode(warnings)), warnings,
            "the typed form round-trips")
    }

    /// A bad field is told from the DecodingError's types, never from its debug text or a type's printed name.
    func testBadFieldsAreWordedFromTheErrorsTypes() {
        let cases: [(String, String, String)] = [
            (#"{"VideoTracks": {}}"#, "VideoTracks", "expected a list"),
            (#"{"VideoTracks": [5]}"#, "VideoTracks[0]", "expected an object"),
            (
                #"{"VideoTracks": [{"VideoTrackClips": [{"Out": "five"}]}]}"#, "VideoTracks[0].VideoTrackClips[0].Out",
                #"expected a number of seconds, found "five""#
            ),
            (
                #"{"VideoTracks": [{"VideoTrackClips": [{"Out": [1]}]}]}"#, "VideoTracks[0].VideoTrackClips[0].Out",
                "expected a number of seconds"
            ),
            (
                #"{"VideoTracks": [{"VideoTrackClips": [{"MediaURL": {}}]}]}"#, "VideoTracks[0].VideoTrackClips[0].MediaURL",
                "expected a string"
            ),
        ]
        for (json, path, expected) in cases {
            XCTAssertThrowsError(try parse(json), json) {
                XCTAssertEqual(($0 as? TimelineError)?.problem, .badField(path: path, expected: expected), json)
            }
        }
    }
}

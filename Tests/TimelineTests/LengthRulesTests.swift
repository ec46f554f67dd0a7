import Foundation
import XCTest
@testable import Timeline

/// Each rule of TIMELINE.md's algorithm, on sources of known length.
final class LengthRulesTests: XCTestCase {
    // MARK: Clip length

    func testInOutSpeedGiveTheClipLength() throws {
        let json = """
            {"VideoTracks": [{"VideoTrackClips": [
                {"MediaURL": "a.mp4", "In": 2, "Out": 8, "Speed": 2},
                {"MediaURL": "a.mp4", "In": 0, "Out": 10, "Speed": 3}]}]}
            """
        let (result, _) = try lengthOf(json, sources: ["a.mp4": 60])
        let clips = try XCTUnwrap(result.track("video")).clips
        XCTAssertEqual(clips[0].end, 3, "(8 − 2) / 2")
        let third = Decimal(10) / Decimal(3)
        XCTAssertEqual(clips[1].end, 3 + third, "exact decimal division, no binary rounding")
        XCTAssertEqual(result.duration.map { SecondsFormat.rounded($0) }, dec("6.333333"))
    }

    func testMissingOutUsesTheSourceFromIn() throws {
        let json = #"{"AudioTracks": [{"AudioTrackClips": [{"MediaURL": "voice.mp3", "In": "1.25"}]}]}"#
        let (result, media) = try lengthOf(json, sources: ["voice.mp3": dec("12.75")])
        XCTAssertEqual(result.duration, dec("11.5"))
        XCTAssertEqual(media.asked.count, 1)
        XCTAssertEqual(media.asked.first?.isRequired, true)
    }

    func testMaxOutCapsOutOnlyWhenTheSourceIsLonger() throws {
        let json = """
            {"VideoTracks": [{"VideoTrackClips": [
                {"MediaURL": "long.mp4", "MaxOut": 12}, {"MediaURL": "short.mp4", "MaxOut": 12}]}]}
            """
        let (result, _) = try lengthOf(json, sources: ["long.mp4": 20, "short.mp4": 8])
        XCTAssertEqual(result.track("video")?.clips.map(\.end), [12, 20])
    }

    func testVideoClipNeverRunsPastItsSource() throws {
        let json = #"{"VideoTracks": [{"VideoTrackClips": [{"MediaURL": "a.mp4", "In": 2, "Out": 15}]}]}"#
        let (result, media) = try lengthOf(json, sources: ["a.mp4": 10])
        XCTAssertEqual(result.duration, 8)
        XCTAssertEqual(media.asked.first?.isRequired, false, "Out is given: the source only bounds it")
        XCTAssertTrue(result.hasWarning("video track 0, clip 0", "Out 15", "10 s source"))
    }

    func testAudioClipWithOutNeedsNoMeasurement() throws {
        let json = #"{"AudioTracks": [{"AudioTrackClips": [{"MediaURL": "a.mp3", "In": 1, "Out": 7}]}]}"#
        let (result, media) = try lengthOf(json)
        XCTAssertEqual(result.duration, 6)
        XCTAssertTrue(media.asked.isEmpty)
        XCTAssertEqual(result.warnings, [])
    }

    // MARK: Placement

    func testClipsFollowEachOtherAndTimelineInMovesTheCursor() throws {
        let json = """
            {"VideoTracks": [{"VideoTrackClips": [
                {"MediaURL": "a.mp4", "Out": 4},
                {"MediaURL": "a.mp4", "Out": 4, "TimelineIn": 10},
                {"MediaURL": "a.mp4", "Out": 4}]}]}
            """
        let (result, _) = try lengthOf(json, sources: ["a.mp4": 30])
        let clips = try XCTUnwrap(result.track("video")).clips
        XCTAssertEqual(clips.map(\.start), [0, 10, 14])
        XCTAssertEqual(result.duration, 18)
    }

    func testTimelineOutTruncatesButNeverStretches() throws {
        let json = """
            {"VideoTracks": [{"VideoTrackClips": [
                {"MediaURL": "a.mp4", "TimelineIn": 0, "TimelineOut": 6},
                {"MediaURL": "b.mp4", "TimelineIn": 6, "TimelineOut": 35.9}]}]}
            """
        let (result, _) = try lengthOf(json, sources: ["a.mp4": 10, "b.mp4": 15])
        let clips = try XCTUnwrap(result.track("video")).clips
        XCTAssertEqual(clips[0].end, 6, "truncated by TimelineOut")
        XCTAssertEqual(clips[1].end, 21, "a 15 s source placed at 6 ends at 21, not at TimelineOut 35.9")
        XCTAssertEqual(result.duration, 21)
        XCTAssertTrue(result.hasWarning("video track 0, clip 1", "TimelineOut 35.9", "never stretches"))
    }

    // MARK: Unresolved media

    func testUnresolvedSourceWithoutOutMakesTheLengthUnknown() throws {
        let json = """
            {"VideoTracks": [{"VideoTrackClips": [
                {"MediaId": "****1a2b", "Out": 5}, {"MediaId": "****3c4d"}, {"MediaURL": "c.mp4", "Out": 5}]}]}
            """
        let (result, _) = try lengthOf(json, sources: ["****1a2b": 10, "c.mp4": 10])
        XCTAssertNil(result.duration)
        let video = try XCTUnwrap(result.track("video"))
        XCTAssertNil(video.duration)
        XCTAssertEqual(video.clips[1].start, 5)
        XCTAssertNil(video.clips[1].end)
        XCTAssertNil(video.clips[2].start, "follows a clip whose end is unknown")
        XCTAssertEqual(video.clips[2].warnings, [.endUnknown(.startsAfterUnknown(clipIndex: 1))])
        XCTAssertEqual(video.clips[2].warnings.map(\.description), ["end unknown: starts after clip 1, whose end is unknown"])
        XCTAssertFalse(result.hasWarning("clip 2"), "followers are not repeated in the summary")
        XCTAssertTrue(result.hasWarning("video track 0, clip 1", "no local file for ****3c4d"))
        XCTAssertTrue(result.hasWarning("duration unknown", "video track 0, clip 1"))
    }

    func testUnresolvedSourceOnACutTrackDoesNotMatter() throws {
        let json = """
            {"VideoTracks": [{"VideoTrackClips": [{"MediaURL": "a.mp4"}]}],
             "AudioTracks": [{"AudioTrackClips": [{"MediaURL": "missing.mp3"}]}]}
            """
        let (result, _) = try lengthOf(json, sources: ["a.mp4": 12])
        XCTAssertEqual(result.duration, 12, "without a main track the video decides")
        XCTAssertNil(result.track("audio")?.duration)
    }

    func testUnresolvedSourceWithTimelineOutUsesItWithAWarning() throws {
        let json = #"{"VideoTracks": [{"VideoTrackClips": [{"MediaURL": "x.mp4", "TimelineIn": 2, "TimelineOut": 9}]}]}"#
        let (result, media) = try lengthOf(json)
        XCTAssertEqual(result.duration, 9)
        XCTAssertEqual(media.asked.first?.isRequired, false)
        XCTAssertTrue(result.hasWarning("video track 0, clip 0", "not measured", "TimelineOut 9"))
    }

    // MARK: ReferenceClipId

    func testReferenceNeedsNoMeasurementAndFollowsAlignedClips() throws {
        let json = """
            {"VideoTracks": [{"VideoTrackClips": [
                {"MediaURL": "v1.mp4", "ReferenceClipId": "s1"}, {"MediaURL": "v2.mp4", "ReferenceClipId": "s2"}]}],
             "AudioTracks": [{"AudioTrackClips": [
                {"MediaURL": "s1.mp3", "ClipId": "s1"}, {"MediaURL": "s2.mp3", "ClipId": "s2"}]}]}
            """
        let (result, media) = try lengthOf(json, sources: ["s1.mp3": dec("3.2"), "s2.mp3": dec("4.05")])
        XCTAssertEqual(result.duration, dec("7.25"))
        XCTAssertEqual(result.track("video")?.clips.map(\.start), [0, dec("3.2")])
        XCTAssertEqual(Set(media.asked.compactMap(\.mediaURL)), ["s1.mp3", "s2.mp3"])
        XCTAssertEqual(Set(try parse(json).referencedMedia().compactMap(\.mediaURL)), ["s1.mp3", "s2.mp3"])
    }

    func testExplicitTimelineInAndOutOverrideTheReference() throws {
        let json = """
            {"VideoTracks": [{"VideoTrackClips": [
                {"MediaURL": "v.mp4", "ReferenceClipId": "a", "TimelineIn": 0, "TimelineOut": 3}]}],
             "AudioTracks": [{"AudioTrackClips": [{"MediaURL": "a.mp3", "ClipId": "a", "Out": 8}]}]}
            """
        let (result, _) = try lengthOf(json, sources: ["v.mp4": 20])
        XCTAssertEqual(result.duration, 3)
    }

    func testBrokenReferencesAreWarnedAndIgnored() throws {
        let json = """
            {"VideoTracks": [{"VideoTrackClips": [
                {"MediaURL": "a.mp4", "Out": 4, "ClipId": "a"},
                {"MediaURL": "b.mp4", "Out": 4, "ReferenceClipId": "a"},
                {"MediaURL": "c.mp4", "Out": 4, "ReferenceClipId": "nope"}]}]}
            """
        let (result, _) = try lengthOf(json, sources: ["a.mp4": 9, "b.mp4": 9, "c.mp4": 9])
        XCTAssertEqual(result.duration, 12)
        XCTAssertTrue(result.hasWarning("video track 0, clip 1", "same track"))
        XCTAssertTrue(result.hasWarning("video track 0, clip 2", "\"nope\" matches no ClipId"))
    }

    func testCircularReferencesAreUnknownNotAHang() throws {
        let json = """
            {"VideoTracks": [{"VideoTrackClips": [{"MediaURL": "a.mp4", "ClipId": "v", "ReferenceClipId": "s"}]}],
             "AudioTracks": [{"AudioTrackClips": [{"MediaURL": "s.mp3", "ClipId": "s", "ReferenceClipId": "v"}]}]}
            """
        let (result, _) = try lengthOf(json)
        XCTAssertNil(result.duration)
        XCTAssertTrue(result.hasWarning("circular"))
    }

    // MARK: Transitions

    func testTransitionOnTheLastClipChangesNothingAndWarns() throws {
        let json = """
            {"VideoTracks": [{"VideoTrackClips": [
                {"MediaURL": "a.mp4", "Out": 10},
                {"MediaURL": "b.mp4", "Out": 10, "Effects": [{"Type": "Transition", "Duration": 1}]}]}]}
            """
        let (result, _) = try lengthOf(json, sources: ["a.mp4": 10, "b.mp4": 10])
        XCTAssertEqual(result.duration, 20)
        XCTAssertTrue(result.hasWarning("video track 0, clip 1", "last clip", "[open]"))
    }

    func testDLTransitionAndOtherEffectsKeepTheLength() throws {
        let json = """
            {"VideoTracks": [{"VideoTrackClips": [
                {"MediaURL": "a.mp4", "Out": 10, "Effects": [{"Type": "DLTransition", "Duration": 1},
                                                           {"Type": "Filter", "SubType": "m1"}]},
                {"MediaURL": "b.mp4", "Out": 10}]}]}
            """
        let (result, _) = try lengthOf(json, sources: ["a.mp4": 10, "b.mp4": 10])
        XCTAssertEqual(result.duration, 20)
    }

    func testFreezeFrameIsWarned() throws {
        let json = """
            {"VideoTracks": [{"VideoTrackClips": [
                {"MediaURL": "a.mp4", "Out": 10, "Effects": [{"Type": "FreezeFrame", "Duration": 2}]}]}]}
            """
        let (result, _) = try lengthOf(json, sources: ["a.mp4": 10])
        XCTAssertEqual(result.duration, 10)
        XCTAssertTrue(result.hasWarning("video track 0, clip 0", "FreezeFrame", "2 s"))
    }

    // MARK: What never lengthens the output

    func testGlobalImageSubtitlesAndEffectsFollowTheVideo() throws {
        let json = """
            {"VideoTracks": [
                {"VideoTrackClips": [{"MediaURL": "a.mp4", "Out": 10}]},
                {"VideoTrackClips": [{"MediaURL": "logo.png", "Type": "GlobalImage"}]}],
             "SubtitleTracks": [{"SubtitleTrackClips": [{"Type": "Text", "Content": "hi", "TimelineIn": 2, "TimelineOut": 14}]}],
             "EffectTracks": [{"EffectTrackItems": [{"Type": "VFX", "SubType": "heavy_blur"}]}]}
            """
        let (result, media) = try lengthOf(json, sources: ["a.mp4": 60])
        XCTAssertEqual(result.duration, 10)
        XCTAssertTrue(media.asked.allSatisfy { $0.mediaURL == "a.mp4" }, "overlays are never measured")
        XCTAssertEqual(result.track("effect")?.clips.first?.start, 0)
        XCTAssertEqual(result.track("effect")?.clips.first?.end, 10, "an effect item lasts to the end of the video")
        XCTAssertEqual(result.track("video", 1)?.clips.first?.end, 10)
        XCTAssertEqual(result.track("subtitle")?.clips.first?.end, 10, "explicit TimelineOut past the video's end")
        XCTAssertEqual(result.track("subtitle")?.clips.first?.source, "Text")
        XCTAssertTrue(result.hasWarning("subtitle track 0, clip 0", "TimelineOut 14", "video's end", "[open]"))
    }

    // MARK: Main track, no main track, cap

    func testNoMainTrackCutsAudioAtTheVideoEnd() throws {
        let json = """
            {"VideoTracks": [{"VideoTrackClips": [{"MediaURL": "a.mp4"}]}],
             "AudioTracks": [{"AudioTrackClips": [{"MediaURL": "music.mp3"}]}]}
            """
        let (result, _) = try lengthOf(json, sources: ["a.mp4": 12, "music.mp3": 200])
        XCTAssertEqual(result.duration, 12)
        XCTAssertEqual(result.track("audio")?.duration, 200)
        XCTAssertTrue(result.hasWarning("audio track 0", "cut", "[open]"))
    }

    func testLongestVideoTrackDecidesWithoutAMainTrack() throws {
        let json = """
            {"VideoTracks": [{"VideoTrackClips": [{"MediaURL": "a.mp4"}]}, {"VideoTrackClips": [{"MediaURL": "b.mp4"}]}],
             "AudioTracks": [{"AudioTrackClips": [{"MediaURL": "v.mp3", "TimelineIn": 1, "TimelineOut": 30}]}]}
            """
        let (result, _) = try lengthOf(json, sources: ["a.mp4": 12, "b.mp4": dec("14.25"), "v.mp3": 60])
        XCTAssertEqual(result.duration, dec("14.25"))
        XCTAssertEqual(result.track("audio")?.clips.first?.end, dec("14.25"))
        XCTAssertTrue(result.hasWarning("audio track 0, clip 0", "TimelineOut 30", "video's end"))
    }

    func testAudioOnlyTimelineLastsAsLongAsItsAudio() throws {
        let json = """
            {"AudioTracks": [{"AudioTrackClips": [{"MediaURL": "a.mp3"}, {"MediaURL": "b.mp3"}]},
                             {"AudioTrackClips": [{"MediaURL": "c.mp3"}]}]}
            """
        let (result, _) = try lengthOf(json, sources: ["a.mp3": 5, "b.mp3": dec("2.5"), "c.mp3": 7])
        XCTAssertEqual(result.duration, dec("7.5"))
        XCTAssertEqual(result.warnings, [])
    }

    func testFirstMainTrackCountsAndAutoSpeedTracksAdapt() throws {
        let json = """
            {"VideoTracks": [{"TrackShortenMode": "AutoSpeed", "VideoTrackClips": [{"MediaURL": "a.mp4"}]}],
             "AudioTracks": [{"MainTrack": true, "AudioTrackClips": [{"MediaURL": "voice.mp3"}]},
                             {"MainTrack": "true", "AudioTrackClips": [{"MediaURL": "music.mp3"}]}]}
            """
        let (result, _) = try lengthOf(json, sources: ["a.mp4": 40, "voice.mp3": 25, "music.mp3": 90])
        XCTAssertEqual(result.duration, 25)
        XCTAssertTrue(result.hasWarning("audio track 1 also set MainTrack", "audio track 0"))
        XCTAssertTrue(result.hasWarning("video track 0 (AutoSpeed) is sped up from 40 s to the main track's 25 s"))
    }

    func testMainVideoTrackWinsOverLongerAudio() throws {
        let json = """
            {"VideoTracks": [{"MainTrack": true, "VideoTrackClips": [{"MediaURL": "a.mp4", "Out": 8}]}],
             "AudioTracks": [{"AudioTrackClips": [{"MediaURL": "music.mp3", "Out": 90}]}]}
            """
        let (result, _) = try lengthOf(json, sources: ["a.mp4": 40])
        XCTAssertEqual(result.duration, 8)
        XCTAssertEqual(result.warnings, [], "a main track cutting longer tracks is documented, not an assumption")
    }

    func testMaxDurationCapsTheOutput() throws {
        let json = #"{"VideoTracks": [{"VideoTrackClips": [{"MediaURL": "a.mp4"}]}]}"#
        let (capped, _) = try lengthOf(json, sources: ["a.mp4": 40], options: TimelineOptions(maxDuration: 15))
        XCTAssertEqual(capped.duration, 15)
        XCTAssertTrue(capped.hasWarning("40 s", "MaxDuration 15"))
        let (under, _) = try lengthOf(json, sources: ["a.mp4": 10], options: TimelineOptions(maxDuration: 15))
        XCTAssertEqual(under.duration, 10)
        XCTAssertEqual(under.warnings, [])
    }

    // MARK: Synthesized media and images

    private let ttsTimeline = """
        {"VideoTracks": [{"VideoTrackClips": [
            {"Type": "Image", "MediaURL": "1.jpg", "ReferenceClipId": "speech1"},
            {"Type": "Image", "MediaURL": "2.jpg", "ReferenceClipId": "speech2"}]}],
         "AudioTracks": [
            {"MainTrack": true, "AudioTrackClips": [
                {"Type": "AI_TTS", "Content": "Hello.", "ClipId": "speech1"},
                {"Type": "AI_TTS", "Content": "Bye.", "ClipId": "speech2"}]},
            {"AudioTrackClips": [{"MediaURL": "bgm.mp3", "LoopMode": true}]}]}
        """

    func testTTSMainTrackIsUnknownNeverZero() throws {
        let (result, media) = try lengthOf(ttsTimeline, sources: ["bgm.mp3": 30])
        XCTAssertNil(result.duration)
        XCTAssertNil(result.track("audio")?.duration)
        XCTAssertNil(result.track("video")?.clips.first?.end, "images aligned to speech are unknown too")
        XCTAssertEqual(result.track("video")?.clips.first?.warnings.first?.description.contains("aligned to ClipId \"speech1\""), true)
        XCTAssertTrue(result.hasWarning("audio track 0, clip 0", "AI_TTS", "only after synthesis"))
        let awaiting = result.warnings.first { $0.description.contains("only after synthesis") }
        XCTAssertEqual(
            awaiting.map { $0.text(naming: { $0 == .assumeTTSSeconds ? "--assume-tts-seconds" : nil }) }?
                .contains("(set --assume-tts-seconds)"), true, "the caller names the setting that decides")
        XCTAssertTrue(result.hasWarning("duration unknown", "main track (audio track 0)"))
        XCTAssertFalse(media.asked.contains { $0.mediaURL == "1.jpg" }, "images aligned by reference are not measured")
    }

    func testTTSWithAssumedSecondsIsKnownAndSaysSo() throws {
        let (result, _) = try lengthOf(ttsTimeline, sources: ["bgm.mp3": 30], options: TimelineOptions(assumeTTSSeconds: 4))
        XCTAssertEqual(result.duration, 8)
        XCTAssertEqual(result.track("video")?.clips.map(\.end), [4, 8])
        XCTAssertTrue(result.hasWarning("audio track 0, clip 1", "assumed 4 s"))
    }

    func testAvatarClipIsUnknown() throws {
        let json = #"{"VideoTracks": [{"VideoTrackClips": [{"Type": "AI_Avatar", "AvatarId": "x"}]}]}"#
        let (result, media) = try lengthOf(json)
        XCTAssertNil(result.duration)
        XCTAssertTrue(media.asked.isEmpty)
        XCTAssertTrue(result.hasWarning("video track 0, clip 0", "AI_Avatar"))
    }

    func testImageLengths() throws {
        let json = """
            {"VideoTracks": [{"VideoTrackClips": [
                {"Type": "Image", "MediaURL": "a.jpg", "Duration": 3},
                {"Type": "Image", "MediaURL": "b.png", "TimelineIn": 3, "TimelineOut": 5.5},
                {"Type": "Image", "MediaURL": "c.png"}]}]}
            """
        let (zero, media) = try lengthOf(json)
        XCTAssertEqual(zero.duration, dec("5.5"))
        XCTAssertTrue(media.asked.isEmpty, "images are never measured")
        XCTAssertTrue(zero.hasWarning("video track 0, clip 2", "counted as 0 s", "[open]"))

        let (withDefault, _) = try lengthOf(json, options: TimelineOptions(defaultImageSeconds: 2))
        XCTAssertEqual(withDefault.duration, dec("7.5"))
        XCTAssertTrue(
            withDefault.warnings.contains(
                .clip(
                    ClipPosition(track: TrackPosition(kind: .video, index: 0), clipIndex: 2),
                    .defaultImageLength(2))), "\(withDefault.warnings)")
    }

    func testImageWithoutTypeIsRecognisedByName() throws {
        let json = #"{"VideoTracks": [{"VideoTrackClips": [{"MediaURL": "https://b.oss.example/p.JPG?x=1", "Duration": 4}]}]}"#
        let (result, media) = try lengthOf(json)
        XCTAssertEqual(result.duration, 4)
        XCTAssertTrue(media.asked.isEmpty)
        XCTAssertTrue(result.hasWarning("taken for an Image"))
    }

    // MARK: referencedMedia

    func testReferencedMediaListsOnlyClipsThatNeedASource() throws {
        let json = """
            {"VideoTracks": [{"VideoTrackClips": [
                {"MediaURL": "need.mp4"}, {"MediaURL": "check.mp4", "Out": 3}, {"Type": "Image", "MediaURL": "i.png"},
                {"Type": "GlobalImage", "MediaURL": "g.png"}]}],
             "AudioTracks": [{"AudioTrackClips": [{"MediaURL": "fixed.mp3", "Out": 4}, {"MediaId": "m1"}]}]}
            """
        let references = try parse(json).referencedMedia()
        XCTAssertEqual(
            references,
            [
                ClipMediaReference(
                    mediaURL: "need.mp4", mediaId: nil, trackKind: "video", trackIndex: 0, clipIndex: 0,
                    isRequired: true),
                ClipMediaReference(
                    mediaURL: "check.mp4", mediaId: nil, trackKind: "video", trackIndex: 0, clipIndex: 1,
                    isRequired: false),
                ClipMediaReference(
                    mediaURL: nil, mediaId: "m1", trackKind: "audio", trackIndex: 0, clipIndex: 1,
                    isRequired: true),
            ])
        // The calculator asks for exactly those.
        let (_, media) = try lengthOf(json, sources: ["need.mp4": 5, "check.mp4": 5, "m1": 5])
        XCTAssertEqual(media.asked, references)
    }
}

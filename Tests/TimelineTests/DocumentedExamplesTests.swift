import Foundation
import XCTest
@testable import Timeline

/// The examples of TIMELINE.md and the IMS documentation, with their documented totals.
final class DocumentedExamplesTests: XCTestCase {
    /// "Set the main track": four video clips with Out 5 and a 15 s audio main track → 15 s.
    func testMainTrackExampleIs15Seconds() throws {
        let json = """
            {"VideoTracks": [{"VideoTrackClips": [
                {"MediaUrl": "https://b.oss-cn-shanghai.aliyuncs.com/your_video1.mp4", "Out": 5},
                {"MediaUrl": "https://b.oss-cn-shanghai.aliyuncs.com/your_video2.mp4", "Out": 5},
                {"MediaUrl": "https://b.oss-cn-shanghai.aliyuncs.com/your_video3.mp4", "Out": 5},
                {"MediaUrl": "https://b.oss-cn-shanghai.aliyuncs.com/your_video4.mp4", "Out": 5}]}],
             "AudioTracks": [{"MainTrack": true, "AudioTrackClips": [
                {"MediaUrl": "https://b.oss-cn-shanghai.aliyuncs.com/your_audio.mp3"}]}]}
            """
        var sources: [String: Decimal] = ["https://b.oss-cn-shanghai.aliyuncs.com/your_audio.mp3": 15]
        for n in 1...4 { sources["https://b.oss-cn-shanghai.aliyuncs.com/your_video\(n).mp4"] = 12 }
        let (result, _) = try lengthOf(json, sources: sources)
        XCTAssertEqual(result.duration, 15)
        XCTAssertEqual(result.track("video")?.duration, 20, "the video track itself holds 20 s; the main track cuts it")
        XCTAssertEqual(result.track("audio")?.duration, 15)
        XCTAssertEqual(result.track("video")?.clips.map(\.start), [0, 5, 10, 15])
        XCTAssertEqual(result.warnings, [])
    }

    /// "Inter-track material alignment": head 5 s, a clip aligned to a 10 s audio clip at 5 s, end 5 s → 20 s.
    func testCrossTrackAlignmentExampleIs20Seconds() throws {
        let json = """
            {"VideoTracks": [{"VideoTrackClips": [
                {"In": 0, "Out": 5, "MediaURL": "https://your-bucket.oss-cn-shanghai.aliyuncs.com/head.mp4"},
                {"ReferenceClipId": "audio_1", "MediaURL": "https://your-bucket.oss-cn-shanghai.aliyuncs.com/video1.mp4"},
                {"MediaURL": "https://your-bucket.oss-cn-shanghai.aliyuncs.com/end.mp4", "In": 0, "Out": 5}]}],
             "AudioTracks": [{"AudioTrackClips": [
                {"TimelineIn": 5, "ClipId": "audio_1", "MediaId": "7980d8fe6f7e5696301", "In": 0, "Out": 10}]}]}
            """
        let sources: [String: Decimal] = [
            "https://your-bucket.oss-cn-shanghai.aliyuncs.com/head.mp4": 30,
            "https://your-bucket.oss-cn-shanghai.aliyuncs.com/end.mp4": 30,
        ]
        let (result, media) = try lengthOf(json, sources: sources)
        XCTAssertEqual(result.duration, 20)
        let video = try XCTUnwrap(result.track("video"))
        XCTAssertEqual(video.clips.map(\.start), [0, 5, 15])
        XCTAssertEqual(video.clips.map(\.end), [5, 15, 20])
        XCTAssertEqual(result.track("audio")?.duration, 15)
        // The aligned clip and the audio clip (In/Out given) need no measurement.
        XCTAssertFalse(media.asked.contains { $0.mediaURL?.hasSuffix("video1.mp4") == true || $0.mediaId != nil })
        XCTAssertEqual(result.warnings, [])
    }

    /// Transitions: four 10 s clips with three 1 s transitions overlap by 3 s → 37 s.
    func testTransitionsShortenTheTrackBySumOfDurations() throws {
        let transition = #"{"Type": "Transition", "SubType": "wiperight"}"#
        let json = """
            {"VideoTracks": [{"VideoTrackClips": [
                {"MediaURL": "a.mp4", "Effects": [\(transition)]},
                {"MediaURL": "b.mp4", "Effects": [\(transition)]},
                {"MediaURL": "c.mp4", "Effects": [\(transition)]},
                {"MediaURL": "d.mp4"}]}]}
            """
        let (result, _) = try lengthOf(json, sources: ["a.mp4": 10, "b.mp4": 10, "c.mp4": 10, "d.mp4": 10])
        XCTAssertEqual(result.duration, 37)
        XCTAssertEqual(result.track("video")?.clips.map(\.start), [0, 9, 18, 27])
        XCTAssertEqual(result.warnings, [])
    }

    /// A transition's Duration is the overlap (here 2 s and 0.5 s).
    func testTransitionDurationIsTheOverlap() throws {
        let json = """
            {"VideoTracks": [{"VideoTrackClips": [
                {"MediaURL": "a.mp4", "Out": 10, "Effects": [{"Type": "Transition", "SubType": "perlin", "Duration": 2}]},
                {"MediaURL": "b.mp4", "Out": 10, "Effects": [{"Type": "Transition", "Duration": "0.5"}]},
                {"MediaURL": "c.mp4", "Out": 10}]}]}
            """
        let (result, _) = try lengthOf(json, sources: ["a.mp4": 10, "b.mp4": 10, "c.mp4": 10])
        XCTAssertEqual(result.duration, dec("27.5"))
    }

    /// The saved GetMediaProducingJob example carries its timeline as a JSON string; it renders 30.5 s.
    func testTimelineInsideGetMediaProducingJobIs30Point5Seconds() throws {
        // Verbatim from shared/examples/get-media-producing-job.json.
        let response = #"""
            {"RequestId": "83B77F87-4792-BFE9-63CD-2137000000B1",
             "MediaProducingJob": {"JobId": "cdb3e74639973036bc84000000b1", "Status": "Success", "Duration": 30.5,
              "Timeline": "{\"VideoTracks\":[{\"VideoTrackClips\":[{\"MediaURL\":\"https://example-bucket.oss-cn-shanghai.aliyuncs.com/inputs/a.mp4\",\"In\":0,\"Out\":30.5}]}]}"}}
            """#
        struct Response: Decodable {
            struct Job: Decodable { let Timeline: String }
            let MediaProducingJob: Job
        }
        let embedded = try JSONDecoder().decode(Response.self, from: Data(response.utf8)).MediaProducingJob.Timeline
        let timeline = try TimelineParser.parse(jsonString: embedded, source: "get-media-producing-job.json")

        // Measured source longer than Out: 30.5 s, no warning.
        let measured = TimelineCalculator.length(of: timeline, options: TimelineOptions()) { _ in .seconds(60) }
        XCTAssertEqual(measured.duration, dec("30.5"))
        XCTAssertEqual(measured.warnings, [])

        // Not synced locally: In/Out still give 30.5 s, with a warning that the source was not measured.
        let unmeasured = TimelineCalculator.length(of: timeline, options: TimelineOptions()) { _ in
            .unresolved("not synced")
        }
        XCTAssertEqual(unmeasured.duration, dec("30.5"))
        XCTAssertTrue(unmeasured.hasWarning("video track 0, clip 0", "not measured", "not synced"))
    }
}

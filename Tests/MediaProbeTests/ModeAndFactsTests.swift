import MediaProbe
import TestSupport
import XCTest

/// What each mode reports, and the stream facts users see.
final class ModeAndFactsTests: XCTestCase {
    func testFastModeNeverPassesABitRateEstimateOffAsExact() throws {
        let path = try TestMedia.file("mp3-noxing.mp3")
        let fast = try XCTUnwrap(MediaProber(options: ProbeOptions(mode: .fast)).probe(path).facts)
        XCTAssertEqual(fast.containerDurationMethod, "bitrate")
        XCTAssertTrue(fast.warnings.contains(.estimatedFromBitrate), "\(fast.warnings)")
        let auto = try XCTUnwrap(MediaProber(options: ProbeOptions(mode: .auto)).probe(path).facts)
        XCTAssertEqual(auto.durationSource, .packets, "auto must scan when the header only guessed")
        let reference = try TestMedia.packetScan(path)[0]!
        XCTAssertLessThanOrEqual(abs(auto.duration(policy: .container)! - reference), Decimal(string: "0.001")!)
    }

    func testLiveWebMWithoutDurationIsScannedInAutoMode() throws {
        let path = try TestMedia.file("webm-live.webm")
        let fast = try XCTUnwrap(MediaProber(options: ProbeOptions(mode: .fast)).probe(path).facts)
        XCTAssertNil(fast.contentStreams.first?.duration, "the header of a piped WebM has no stream duration")
        let auto = try XCTUnwrap(MediaProber().probe(path).facts)
        XCTAssertEqual(auto.durationSource, .packets)
        XCTAssertNotNil(auto.containerDuration)
        XCTAssertGreaterThan(auto.containerDuration!, 5.9)
    }

    func testHeaderIsTrustedForAnIndexedMP4InAutoMode() throws {
        let facts = try XCTUnwrap(MediaProber().probe(try TestMedia.file("mp4-av.mp4")).facts)
        XCTAssertEqual(facts.durationSource, .header)
        XCTAssertEqual(facts.streams.map(\.type), [.video, .audio])
        XCTAssertEqual(facts.streams[0].codec, "h264")
        XCTAssertEqual(facts.streams[0].width, 160)
        XCTAssertEqual(facts.streams[0].height, 120)
        XCTAssertEqual(facts.streams[0].frameRate, "25/1")
        XCTAssertEqual(facts.streams[1].codec, "aac")
        XCTAssertEqual(facts.streams[1].sampleRate, 48000)
        XCTAssertEqual(facts.streams[1].channels, 1)
    }

    func testRotationComesFromTheDisplayMatrixAndSwapsTheDisplaySize() throws {
        let facts = try XCTUnwrap(MediaProber().probe(try TestMedia.file("rotated-portrait.mp4")).facts)
        let rotation = try XCTUnwrap(facts.streams[0].rotation)
        XCTAssertEqual(abs(rotation), 90)
        XCTAssertEqual(facts.videoDisplaySize?.width, 120)
        XCTAssertEqual(facts.videoDisplaySize?.height, 160)
    }

    func testMPEGTSWithAnOffsetStartAndNearTheWrapStillMeasuresItsLength() throws {
        let offset = try XCTUnwrap(MediaProber(options: ProbeOptions(mode: .exact)).probe(try TestMedia.file("ts-offset.ts")).facts)
        XCTAssertGreaterThan(try XCTUnwrap(offset.startTime), 10)
        XCTAssertEqual(offset.streams.first { $0.type == .video }?.duration, 8)
        let wrap = try XCTUnwrap(MediaProber(options: ProbeOptions(mode: .exact)).probe(try TestMedia.file("ts-wrap.ts")).facts)
        let video = try XCTUnwrap(wrap.streams.first { $0.type == .video }?.duration)
        XCTAssertEqual(video, 8, "a wrap of the 33-bit clock must not turn 8 s into 26 hours")
    }

    func testHEVCAnd4KAreRecognised() throws {
        XCTAssertEqual(MediaProber().probe(try TestMedia.file("hevc.mp4")).facts?.videoCodec, "hevc")
        let uhd = try XCTUnwrap(MediaProber().probe(try TestMedia.file("4k.mp4")).facts)
        XCTAssertEqual(uhd.videoDisplaySize?.width, 3840)
        XCTAssertEqual(uhd.videoDisplaySize?.height, 2160)
    }

    func testAudioOnlyFilesHaveNoVideoSize() throws {
        let facts = try XCTUnwrap(MediaProber().probe(try TestMedia.file("m4a.m4a")).facts)
        XCTAssertFalse(facts.hasVideo)
        XCTAssertNil(facts.videoDisplaySize)
        XCTAssertNil(facts.videoCodec)
        XCTAssertNil(facts.duration(policy: .video))
    }

    func testMediaIsRecognisedByContentNotByName() throws {
        let dir = try TestMedia.temporaryDirectory()
        let disguised = dir.appendingPathComponent("clip.txt").path
        try FileManager.default.copyItem(atPath: try TestMedia.file("m4a.m4a"), toPath: disguised)
        try "hello".write(toFile: dir.appendingPathComponent("notes.txt").path, atomically: true, encoding: .utf8)
        XCTAssertTrue(MediaSniffer.looksLikeMedia(disguised))
        XCTAssertFalse(MediaSniffer.looksLikeMedia(dir.appendingPathComponent("notes.txt").path))
        XCTAssertNotNil(MediaProber().probe(disguised).facts)
    }
}

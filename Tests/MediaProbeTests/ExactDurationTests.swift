import MediaProbe
import TestSupport
import XCTest

/// Exact durations: every generated file against an independent packet scan, and against how it was made.
final class ExactDurationTests: XCTestCase {
    private let tolerance = Decimal(string: "0.001")!

    func testExactStreamDurationsMatchAPacketScanForEveryGeneratedFile() throws {
        let prober = MediaProber(options: ProbeOptions(mode: .exact))
        let valid = try TestMedia.manifest().filter { $0.kind == "valid" }
        XCTAssertGreaterThanOrEqual(valid.count, 20, "the corpus should be varied")
        for entry in valid {
            let path = try TestMedia.file(entry.name)
            let outcome = prober.probe(path)
            let facts = try XCTUnwrap(outcome.facts, "\(entry.name): \(String(describing: outcome.error))")
            XCTAssertNotEqual(facts.durationSource, .header, "\(entry.name): exact mode must read timestamps")
            let reference = try TestMedia.packetScan(path)
            for stream in facts.contentStreams {
                let expected = try XCTUnwrap(reference[stream.index], "\(entry.name) #\(stream.index) has no packets")
                let measured = try XCTUnwrap(stream.duration, "\(entry.name) #\(stream.index) has no duration")
                XCTAssertLessThanOrEqual(
                    abs(measured - expected), tolerance,
                    "\(entry.name) #\(stream.index): \(measured) vs packet scan \(expected)")
            }
        }
    }

    func testContainerDurationsEqualHowTheFilesWereMade() throws {
        for entry in try TestMedia.manifest() where entry.kind == "valid" {
            guard let expected = entry.expected else { continue }
            for mode in ProbeMode.allCases {
                let facts = try XCTUnwrap(MediaProber(options: ProbeOptions(mode: mode)).probe(try TestMedia.file(entry.name)).facts)
                let measured = try XCTUnwrap(facts.duration(policy: .container))
                XCTAssertLessThanOrEqual(
                    abs(measured - expected), tolerance, "\(entry.name) in \(mode) mode: \(measured) s, made as \(expected) s")
            }
        }
    }

    func testTheSixtySecondBoundaryFilesBillOnDifferentSidesOfTheMinute() throws {
        let prober = MediaProber()
        let below = try XCTUnwrap(prober.probe(try TestMedia.file("mp4-59.960.mp4")).facts?.duration(policy: .container))
        let exact = try XCTUnwrap(prober.probe(try TestMedia.file("mp4-60.000.mp4")).facts?.duration(policy: .container))
        let above = try XCTUnwrap(prober.probe(try TestMedia.file("mp4-60.040.mp4")).facts?.duration(policy: .container))
        XCTAssertEqual(below, Decimal(string: "59.96"))
        XCTAssertEqual(exact, 60)
        XCTAssertEqual(above, Decimal(string: "60.04"))
    }

    func testDurationPoliciesDifferWhenAudioRunsPastVideo() throws {
        let facts = try XCTUnwrap(MediaProber().probe(try TestMedia.file("audio-longer.mp4")).facts)
        XCTAssertEqual(facts.duration(policy: .video), Decimal(string: "59.98"))
        XCTAssertEqual(facts.duration(policy: .longestStream), Decimal(string: "60.02"))
        XCTAssertEqual(facts.duration(policy: .container), Decimal(string: "60.02"))
    }

    func testLongMP4UsesTheIndexAndStillMatchesTheScan() throws {
        let path = try TestMedia.file("mp4-bframes-cut.mp4")
        let facts = try XCTUnwrap(MediaProber(options: ProbeOptions(mode: .exact)).probe(path).facts)
        XCTAssertEqual(facts.durationSource, .index, "a long MP4 should not need a full packet scan")
        let reference = try TestMedia.packetScan(path)
        for stream in facts.contentStreams {
            XCTAssertLessThanOrEqual(abs(try XCTUnwrap(stream.duration) - reference[stream.index]!), tolerance)
        }
        // The AAC priming packet the edit list trims partly is inside the scan's span: audio ≠ video here.
        XCTAssertNotEqual(facts.streams[0].duration, facts.streams[1].duration)
    }
}

/// Issue 9, item 1: long Matroska and AVI files get the packet-scan answer from their head and tail.
final class TailShortcutTests: XCTestCase {
    func testLongMatroskaAndAVIReadTheHeadAndTheTailAndStillMatchTheScan() throws {
        for name in ["mkv-long.mkv", "avi-long.avi"] {
            let path = try TestMedia.file(name)
            let size = try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int64)
            let reference = try TestMedia.packetScan(path)
            for mode in [ProbeMode.auto, .exact] {
                let facts = try XCTUnwrap(MediaProber(options: ProbeOptions(mode: mode)).probe(path).facts)
                XCTAssertEqual(facts.durationSource, .tail, "\(name) \(mode): \(facts.warnings)")
                XCTAssertLessThan(try XCTUnwrap(facts.bytesRead), size * 6 / 10, "\(name) \(mode): read most of the file")
                for stream in facts.contentStreams {
                    let measured = try XCTUnwrap(stream.duration)
                    XCTAssertLessThanOrEqual(
                        abs(measured - reference[stream.index]!), Decimal(string: "0.001")!, "\(name) #\(stream.index)")
                }
            }
        }
    }

    func testAContainerWithoutATrustworthyTailIsScannedInFull() throws {
        // MP3 frames carry no timestamp: nothing near the end says where the stream is.
        let facts = try XCTUnwrap(MediaProber().probe(try TestMedia.file("mp3-noxing.mp3")).facts)
        XCTAssertEqual(facts.durationSource, .packets)
        let reference = try TestMedia.packetScan(try TestMedia.file("mp3-noxing.mp3"))
        XCTAssertEqual(facts.streams.first?.duration, reference[0])
    }
}

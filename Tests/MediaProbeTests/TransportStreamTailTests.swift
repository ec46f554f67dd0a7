import Foundation
import MediaProbe
import TestSupport
import XCTest

/// MPEG-TS in exact mode: the head, then a byte seek near the end, instead of every packet; the same
/// durations as the full packet scan, and a full scan (with a warning) where the clock cannot be trusted.
final class TransportStreamTailTests: XCTestCase {
    func testLongTransportStreamsReadHeadAndTailAndMatchThePacketScan() throws {
        for name in ["ts-long.ts", "ts-long-wrap.ts"] {
            let path = try TestMedia.file(name)
            let size = try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int64)
            let facts = try XCTUnwrap(MediaProber(options: ProbeOptions(mode: .exact)).probe(path).facts, name)
            XCTAssertEqual(facts.durationSource, .tail, "\(name): \(facts.warnings)")
            XCTAssertLessThan(try XCTUnwrap(facts.bytesRead), size * 7 / 10, "\(name): read most of the file")
            let reference = try TestMedia.packetScan(path)
            for stream in facts.contentStreams {
                let measured = try XCTUnwrap(stream.duration)
                let expected = try XCTUnwrap(reference[stream.index])
                XCTAssertLessThanOrEqual(
                    abs(measured - expected), Decimal(string: "0.001")!, "\(name) #\(stream.index): \(measured) vs \(expected)")
            }
        }
    }

    func testAClockThatRestartsMidFileFallsBackToAFullScanAndSaysSo() throws {
        let facts = try XCTUnwrap(MediaProber(options: ProbeOptions(mode: .exact)).probe(try TestMedia.file("ts-restart.ts")).facts)
        XCTAssertEqual(facts.durationSource, .packets)
        XCTAssertTrue(facts.warnings.contains { $0.fullScanReason?.contains("restarts") ?? false }, "\(facts.warnings)")
    }
}

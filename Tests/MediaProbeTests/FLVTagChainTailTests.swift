import Foundation
@testable import MediaProbe
import TestSupport
import XCTest

/// FLV in exact mode: the head through the demuxer, the end from the file's own tag chain (each tag is followed
/// by its size, so the last tags are walked back from the end); the same durations as the full packet scan,
/// and a full scan (with a warning) where the chain cannot be trusted.
final class FLVTagChainTailTests: XCTestCase {
    func testLongFLVsReadTheTagChainAndMatchThePacketScan() throws {
        // flv-concat.flv: 5 minutes stream-copy concatenated from a 12 s B-frame H.264 + AAC segment.
        for name in ["flv-concat.flv", "flv-long.flv", "flv-long-mp3.flv"] {
            let path = try TestMedia.file(name)
            let size = try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int64)
            let reference = try TestMedia.packetScan(path)
            for mode in [ProbeMode.auto, .exact] {
                let facts = try XCTUnwrap(MediaProber(options: ProbeOptions(mode: mode)).probe(path).facts, name)
                XCTAssertEqual(facts.durationSource, .tail, "\(name) \(mode): \(facts.warnings)")
                XCTAssertFalse(facts.warnings.contains(where: \.isFullScan), "\(name): \(facts.warnings)")
                let bytesRead = try XCTUnwrap(facts.bytesRead)
                XCTAssertLessThan(bytesRead, size * 4 / 10, "\(name): read most of the file")
                if name == "flv-concat.flv" { XCTAssertLessThan(bytesRead, size / 10, "\(name): \(bytesRead) of \(size) bytes") }
                XCTAssertEqual(facts.contentStreams.count, 2, name)
                for stream in facts.contentStreams {
                    let measured = try XCTUnwrap(stream.duration)
                    let expected = try XCTUnwrap(reference[stream.index])
                    XCTAssertLessThanOrEqual(
                        abs(measured - expected), Decimal(string: "0.001")!, "\(name) \(mode) #\(stream.index): \(measured) vs \(expected)")
                }
            }
        }
    }

    func testAnFLVCutMidTagFallsBackToAFullScanAndSaysSo() throws {
        let source = try TestMedia.file("flv-concat.flv")
        let dir = try TestMedia.temporaryDirectory("clipmeter-flv-cut")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("cut.flv").path
        try FileManager.default.copyItem(atPath: source, toPath: path)
        let size = try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int64)
        // Cut inside a tag: the last 4 bytes are no longer a PreviousTagSize.
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: UInt64(size * 9 / 10 + 7))
        try handle.close()

        let facts = try XCTUnwrap(MediaProber(options: ProbeOptions(mode: .exact)).probe(path).facts)
        XCTAssertEqual(facts.durationSource, .packets)
        XCTAssertTrue(facts.warnings.contains { $0.fullScanReason?.contains("PreviousTagSize") ?? false }, "\(facts.warnings)")
        let reference = try TestMedia.packetScan(path)
        XCTAssertEqual(facts.contentStreams.count, 2)
        for stream in facts.contentStreams {
            let measured = try XCTUnwrap(stream.duration)
            let expected = try XCTUnwrap(reference[stream.index])
            XCTAssertLessThanOrEqual(abs(measured - expected), Decimal(string: "0.001")!, "#\(stream.index): \(measured) vs \(expected)")
        }
    }

    // MARK: - The tag chain on its own

    /// One tag and the PreviousTagSize after it.
    private func tag(_ type: UInt8, ms: UInt32, body: [UInt8]) -> [UInt8] {
        let size = UInt32(body.count)
        var bytes: [UInt8] = [
            type, UInt8(size >> 16 & 0xFF), UInt8(size >> 8 & 0xFF), UInt8(size & 0xFF),
            UInt8(ms >> 16 & 0xFF), UInt8(ms >> 8 & 0xFF), UInt8(ms & 0xFF), UInt8(ms >> 24), 0, 0, 0,
        ]
        bytes += body
        let total = UInt32(bytes.count)
        return bytes + [UInt8(total >> 24), UInt8(total >> 16 & 0xFF), UInt8(total >> 8 & 0xFF), UInt8(total & 0xFF)]
    }

    private func aac(_ ms: UInt32) -> [UInt8] { tag(8, ms: ms, body: [0xAF, 0x01, 0x21, 0x10]) }
    private func h264(_ ms: UInt32, cts: UInt32 = 0, type: UInt8 = 1) -> [UInt8] {
        tag(9, ms: ms, body: [0x27, type, UInt8(cts >> 16 & 0xFF), UInt8(cts >> 8 & 0xFF), UInt8(cts & 0xFF), 0x65])
    }
    private let header: [UInt8] = [0x46, 0x4C, 0x56, 1, 5, 0, 0, 0, 9, 0, 0, 0, 0]

    func testTheChainGivesTheLastPTSPerStreamAndSkipsWhatTheDemuxerSkips() {
        // B-frame reordering: the latest pts is not the last tag's; an end-of-sequence tag and an AAC
        // sequence header at the very end are not packets. The extended timestamp byte counts.
        let b: UInt32 = 20_000_000  // above 2^24 ms: needs the extended timestamp byte
        var file = header + aac(0) + h264(0, cts: 80)
        file += h264(b, cts: 120) + aac(b + 10) + h264(b + 40, cts: 40) + aac(b + 33)
        file += tag(8, ms: b + 40, body: [0xAF, 0x00, 0x12, 0x10]) + tag(9, ms: b + 40, body: [0x17, 0x02, 0, 0, 0])
        guard case .tags(let ends, _, let reachedStart) = FLVTail.walk(file, fileSize: Int64(file.count), firstTagOffset: 13) else {
            return XCTFail("\(FLVTail.walk(file, fileSize: Int64(file.count), firstTagOffset: 13))")
        }
        XCTAssertTrue(reachedStart)
        XCTAssertEqual(ends[9]?.maxPTS, Int64(b) + 120)
        XCTAssertEqual(ends[9]?.lastDTS, Int64(b) + 40)
        XCTAssertEqual(ends[9]?.packets, 3)
        XCTAssertEqual(ends[8]?.lastDTS, Int64(b) + 33)
        XCTAssertEqual(ends[8]?.maxPTS, Int64(b) + 33)
        XCTAssertEqual(ends[8]?.packets, 3)
    }

    func testTimestampsGoingBackwardsOrABrokenChainAreUntrusted() {
        let backwards = header + aac(0) + aac(5_000) + aac(4_000)
        guard case .untrusted(let reason) = FLVTail.walk(backwards, fileSize: Int64(backwards.count), firstTagOffset: 13) else {
            return XCTFail("timestamps going backwards were trusted")
        }
        XCTAssertTrue(reason.contains("not monotonic"), reason)

        let cut = Array((header + aac(0) + aac(23) + aac(46)).dropLast(6))
        guard case .untrusted(let broken) = FLVTail.walk(cut, fileSize: Int64(cut.count), firstTagOffset: 13) else {
            return XCTFail("a chain cut mid-tag was trusted")
        }
        XCTAssertTrue(broken.contains("PreviousTagSize"), broken)
    }
}

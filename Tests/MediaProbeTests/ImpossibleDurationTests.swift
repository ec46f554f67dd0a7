import Foundation
@testable import MediaProbe
import TestSupport
import XCTest

/// The box payloads of an MP4 made by ffmpeg, found by path (`moov/trak/mdia/mdhd`), for patching the header
/// fields a test lies in.
struct MP4Patch {
    var bytes: [UInt8]

    init(_ path: String) throws { bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

    /// The payload offset of every box at `path`, in file order.
    func payloads(_ path: String) -> [Int] {
        func walk(_ start: Int, _ end: Int, _ names: ArraySlice<Substring>) -> [Int] {
            var found: [Int] = []
            var at = start
            while at + 8 <= end {
                var size = Int(read32(at))
                var header = 8
                if size == 1 { size = Int(read32(at + 8)) << 32 | Int(read32(at + 12)); header = 16 }
                if size == 0 { size = end - at }
                guard size >= header else { break }
                if String(decoding: bytes[(at + 4)..<(at + 8)], as: UTF8.self) == names.first! {
                    found += names.count == 1 ? [at + header] : walk(at + header, at + size, names.dropFirst())
                }
                at += size
            }
            return found
        }
        return walk(0, bytes.count, path.split(separator: "/")[...])
    }

    func read32(_ at: Int) -> UInt32 { bytes[at..<(at + 4)].reduce(0) { $0 << 8 | UInt32($1) } }

    mutating func write32(_ at: Int, _ value: UInt32) {
        for i in 0..<4 { bytes[at + i] = UInt8(truncatingIfNeeded: value >> (24 - 8 * i)) }
    }

    /// Version-0 `mvhd`/`mdhd`: version and flags, creation, modification, timescale, duration.
    func timescale(_ payload: Int) -> UInt32 { read32(payload + 12) }
    mutating func setDuration(_ payload: Int, _ ticks: UInt32) { write32(payload + 16, ticks) }
    /// Version-0 `elst`: version and flags, entry count, then the first entry's segment duration.
    mutating func setFirstEditDuration(_ payload: Int, _ ticks: UInt32) { write32(payload + 8, ticks) }
    /// Version-0 `stts`: version and flags, entry count, then the first entry's count and delta.
    mutating func setFirstSampleDelta(_ payload: Int, _ ticks: UInt32) { write32(payload + 12, ticks) }

    func write(_ path: String) throws { try Data(bytes).write(to: URL(fileURLWithPath: path)) }
}

/// Header durations checked against what the file holds: MP4 `mvhd`/`mdhd`/`elst` claims against the sample
/// tables, MPEG-TS recordings joined with a clock jump, and spans the file's bytes cannot carry.
final class ImpossibleDurationTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws { dir = try TestMedia.temporaryDirectory("impossible-durations") }

    private func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    /// 20 s of H.264 and AAC, as ffmpeg writes it (an `mvhd` in ms, an `elst` per track).
    private func twentySecondMP4() throws -> String {
        try TestMedia.make(
            "a20.mp4", in: dir,
            [
                "-f", "lavfi", "-i", "testsrc2=size=96x64:rate=25:duration=20",
                "-f", "lavfi", "-i", "sine=duration=20", "-c:v", "libx264",
                "-preset", "ultrafast", "-c:a", "aac", "-shortest",
            ])
    }

    private func patched(_ source: String, _ name: String, _ change: (inout MP4Patch) throws -> Void) throws -> String {
        var mp4 = try MP4Patch(source)
        try change(&mp4)
        try mp4.write(path(name))
        return path(name)
    }

    private func facts(_ path: String, _ mode: ProbeMode) throws -> MediaFacts {
        let outcome = MediaProber(options: ProbeOptions(mode: mode)).probe(path)
        return try XCTUnwrap(outcome.facts, "\(mode): \(String(describing: outcome.error))")
    }

    private func mismatch(_ facts: MediaFacts, stream: Int?) -> (header: Decimal, measured: Decimal)? {
        for warning in facts.warnings {
            if case let .headerDisagrees(s, header, measured) = warning, s == stream { return (header, measured) }
        }
        return nil
    }

    private func assertNear(
        _ value: Decimal?, _ expected: Decimal, within: Decimal = Decimal(string: "0.05")!,
        _ label: String, file: StaticString = #filePath, line: UInt = #line
    ) {
        guard let value else { return XCTFail("\(label): no figure", file: file, line: line) }
        XCTAssertLessThanOrEqual(abs(value - expected), within, "\(label): \(value), expected \(expected)", file: file, line: line)
    }

    // MARK: - MP4 header claims

    func testAnMvhdOfTwoToTheThirtyTwoTicksBillsTheTwentySecondsTheSamplesHold() throws {
        let file = try patched(try twentySecondMP4(), "mvhd-max.mp4") { mp4 in
            mp4.setDuration(try XCTUnwrap(mp4.payloads("moov/mvhd").first), UInt32.max)
        }
        for mode in ProbeMode.allCases {
            let facts = try facts(file, mode)
            for policy in DurationPolicy.allCases {
                assertNear(facts.duration(policy: policy), 20, "\(mode) \(policy)")
            }
            let said = try XCTUnwrap(mismatch(facts, stream: nil), "\(mode): \(facts.warnings)")
            XCTAssertEqual(said.header, Decimal(string: "4294967.295"))
            assertNear(said.measured, 20, "\(mode) warning")
            XCTAssertTrue(facts.warnings.contains { "\($0)".contains("4294967.295") && "\($0)".hasPrefix("header-mismatch:") })
            XCTAssertNotEqual(facts.durationSource, .header, "\(mode): a contradicted header is not the source")
        }
    }

    func testASixHundredSecondMP4WhoseMvhdSaysOneSecondBillsSixHundred() throws {
        let source = try TestMedia.make(
            "a600.mp4", in: dir,
            [
                "-f", "lavfi", "-i", "color=c=blue:size=64x48:rate=5:duration=600",
                "-f", "lavfi", "-i", "sine=duration=600", "-c:v", "libx264",
                "-preset", "ultrafast", "-c:a", "aac", "-b:a", "16k", "-shortest",
            ])
        let file = try patched(source, "mvhd-1s.mp4") { mp4 in
            let mvhd = try XCTUnwrap(mp4.payloads("moov/mvhd").first)
            mp4.setDuration(mvhd, mp4.timescale(mvhd))
        }
        for mode in ProbeMode.allCases {
            let facts = try facts(file, mode)
            assertNear(facts.duration(policy: .container), 600, "\(mode)")
            assertNear(facts.containerDuration, 600, "\(mode) container")
            XCTAssertEqual(mismatch(facts, stream: nil)?.header, 1, "\(mode): \(facts.warnings)")
        }
        // `exact` labels what it measured: its container figure is the packets', not the header's 1 s.
        let exact = try facts(file, .exact)
        XCTAssertTrue([.packets, .index].contains(exact.durationSource))
        XCTAssertNotEqual(exact.containerDuration, 1)
    }

    func testAnMdhdOfOneTickPerTrackGivesWayToTheSampleTables() throws {
        let file = try patched(try twentySecondMP4(), "mdhd-1.mp4") { mp4 in
            for mdhd in mp4.payloads("moov/trak/mdia/mdhd") { mp4.setDuration(mdhd, 1) }
        }
        for mode in ProbeMode.allCases {
            let facts = try facts(file, mode)
            for stream in facts.contentStreams {
                assertNear(stream.duration, 20, "\(mode) #\(stream.index)")
                XCTAssertNotNil(mismatch(facts, stream: stream.index), "\(mode) #\(stream.index): \(facts.warnings)")
            }
            assertNear(facts.duration(policy: .video), 20, "\(mode) video policy")
        }
    }

    func testAnEditListIsWhatPlaysShorterOrLongerThanItsMedia() throws {
        let source = try twentySecondMP4()
        // Edit lists cut to one second: the movie plays 1 s, whatever `mvhd` says.
        let cut = try patched(source, "elst-1s.mp4") { mp4 in
            let scale = mp4.timescale(try XCTUnwrap(mp4.payloads("moov/mvhd").first))
            for elst in mp4.payloads("moov/trak/edts/elst") { mp4.setFirstEditDuration(elst, scale) }
        }
        // An edit longer than the media (2^32-1 ticks) plays no more than the media.
        let long = try patched(source, "elst-max.mp4") { mp4 in
            for elst in mp4.payloads("moov/trak/edts/elst") { mp4.setFirstEditDuration(elst, UInt32.max) }
        }
        for mode in ProbeMode.allCases {
            let short = try facts(cut, mode)
            assertNear(short.duration(policy: .container), 1, "\(mode) cut")
            XCTAssertEqual(mismatch(short, stream: nil)?.header, 20, "\(mode): \(short.warnings)")
            let longer = try facts(long, mode)
            for policy in DurationPolicy.allCases { assertNear(longer.duration(policy: policy), 20, "\(mode) long \(policy)") }
        }
    }

    func testAnEmptyEditThatDelaysEveryTrackIsPartOfWhatPlays() throws {
        // `-itsoffset 1` writes an empty edit: the movie shows 1 s of nothing, then 20 s of media; `mvhd` says 21 s.
        let delayed = try TestMedia.make("delayed.mp4", in: dir, ["-itsoffset", "1", "-i", try twentySecondMP4(), "-c", "copy"])
        for mode in ProbeMode.allCases {
            let facts = try facts(delayed, mode)
            assertNear(facts.duration(policy: .container), 21, "\(mode)")
            XCTAssertNil(mismatch(facts, stream: nil), "\(mode): \(facts.warnings)")
        }
    }

    func testSampleTablesThatSpanMoreThanTheBytesCanHoldAreAnErrorNotABill() throws {
        // Every video sample stretched to 2^31-1 ticks (46 h each), and the edit lists, which would otherwise
        // cut the presentation back to 20 s, opened to 2^32-1: 1,200 hours of samples in under 1 MB. The headers
        // (`mvhd`, `mdhd`) still say 20 s.
        let file = try patched(try twentySecondMP4(), "stts-huge.mp4") { mp4 in
            mp4.setFirstSampleDelta(try XCTUnwrap(mp4.payloads("moov/trak/mdia/minf/stbl/stts").first), UInt32(Int32.max))
            for elst in mp4.payloads("moov/trak/edts/elst") { mp4.setFirstEditDuration(elst, UInt32.max) }
        }
        for mode in ProbeMode.allCases {
            let outcome = MediaProber(options: ProbeOptions(mode: mode)).probe(file)
            let error = try XCTUnwrap(outcome.error, "\(mode): billed \(String(describing: outcome.facts?.duration(policy: .container)))")
            XCTAssertEqual(error.code, .truncated)
            XCTAssertTrue(error.message.contains("bytes can hold"), error.message)
            XCTAssertEqual(error.path, file)
        }
    }

    func testUnpatchedFilesCarryNoMismatch() throws {
        let plain = try twentySecondMP4()
        for name in ["mp4-av.mp4", "mp4-bframes-cut.mp4", "audio-longer.mp4", "mkv.mkv", "ts-long.ts", "ts-offset.ts"] {
            for mode in ProbeMode.allCases {
                let facts = try facts(name == "mp4-av.mp4" ? plain : try TestMedia.file(name), mode)
                XCTAssertFalse(
                    facts.warnings.contains { if case .headerDisagrees = $0 { true } else { false } },
                    "\(name) \(mode): \(facts.warnings)")
            }
        }
        XCTAssertEqual(try facts(plain, .auto).durationSource, .header, "an honest MP4 is still read from its header in auto")
    }

    // MARK: - Matroska and FLV duration fields

    /// The file with its first `marker`-led 8-byte big-endian float (Matroska's `Duration`, FLV's
    /// `onMetaData` duration) set to `value`.
    private func withDurationField(_ source: String, _ name: String, after marker: [UInt8], skip: Int, _ value: Double) throws -> String {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: source)))
        let at = try XCTUnwrap((0..<(bytes.count - marker.count)).first { bytes[$0..<($0 + marker.count)].elementsEqual(marker) })
        let field = at + marker.count + skip
        for (i, byte) in withUnsafeBytes(of: value.bitPattern.bigEndian, Array.init).enumerated() { bytes[field + i] = byte }
        try Data(bytes).write(to: URL(fileURLWithPath: path(name)))
        return path(name)
    }

    func testMatroskaAndFLVDurationFieldsAreCheckedAgainstTheirTimestamps() throws {
        let mp4 = try twentySecondMP4()
        let mkv = try TestMedia.make("a20.mkv", in: dir, ["-i", mp4, "-c", "copy"])
        let flv = try TestMedia.make("a20.flv", in: dir, ["-i", mp4, "-c", "copy"])
        // Matroska: the Duration element (0x4489, 8-byte float, in ms); FLV: onMetaData's "duration" (AMF number, s).
        let lies: [(String, String, [UInt8], Int, Double, [ProbeMode])] = [
            ("mkv-max.mkv", mkv, [0x44, 0x89, 0x88], 0, 4_294_967_295, ProbeMode.allCases),
            ("mkv-1s.mkv", mkv, [0x44, 0x89, 0x88], 0, 1000, [.auto, .exact]),
            ("flv-max.flv", flv, Array("duration".utf8), 1, 4_294_967.295, ProbeMode.allCases),
            ("flv-1s.flv", flv, Array("duration".utf8), 1, 1, [.auto, .exact]),
        ]
        for (name, source, marker, skip, value, modes) in lies {
            let file = try withDurationField(source, name, after: marker, skip: skip, value)
            for mode in modes {
                let facts = try facts(file, mode)
                assertNear(facts.duration(policy: .container), Decimal(string: "20.038")!, "\(name) \(mode)")
                XCTAssertNotNil(mismatch(facts, stream: nil), "\(name) \(mode): \(facts.warnings)")
            }
        }
    }

    // MARK: - MPEG-TS clock jumps

    /// Two 20 s recordings in one file, the second's clock moved by `offset` seconds (negative: it comes first).
    private func joined(_ offset: Int) throws -> String {
        let a = try TestMedia.make(
            "a.ts", in: dir,
            [
                "-f", "lavfi", "-i", "testsrc2=size=96x64:rate=25:duration=20",
                "-f", "lavfi", "-i", "sine=duration=20", "-c:v", "libx264",
                "-preset", "ultrafast", "-c:a", "aac", "-shortest",
            ])
        let b = try TestMedia.make("b\(abs(offset)).ts", in: dir, ["-i", a, "-c", "copy", "-output_ts_offset", "\(abs(offset))"])
        let parts = offset >= 0 ? [a, b] : [b, a]
        let data = try parts.reduce(into: Data()) { $0 += try Data(contentsOf: URL(fileURLWithPath: $1)) }
        let out = path("joined\(offset).ts")
        try data.write(to: URL(fileURLWithPath: out))
        return out
    }

    func testJoinedRecordingsAreBilledAsTheSumOfTheirSegmentsWithEachJumpNamed() throws {
        // +10 h, +26 h (near the 33-bit clock's 26.5 h period) and a recording whose clock is 10 h behind.
        for (offset, step) in [(36000, Decimal(35980)), (93600, Decimal(93580)), (-36000, Decimal(-36020))] {
            let file = try joined(offset)
            for mode in [ProbeMode.auto, .exact] {
                let facts = try facts(file, mode)
                for policy in DurationPolicy.allCases {
                    assertNear(facts.duration(policy: policy), 40, within: Decimal(string: "0.1")!, "\(offset) \(mode) \(policy)")
                }
                let jumps = facts.warnings.compactMap { if case .discontinuity(let jumps) = $0 { jumps } else { nil } }.first
                let jump = try XCTUnwrap(jumps?.first, "\(offset) \(mode): \(facts.warnings)")
                XCTAssertEqual(jumps?.count, 1)
                assertNear(jump.to - jump.from, step, within: 1, "\(offset) \(mode) jump")
                XCTAssertTrue(facts.warnings.contains { "\($0)".hasPrefix("discontinuity:") })
            }
        }
    }

    func testWrapsAndOffsetStartsAreNoDiscontinuity() throws {
        for name in ["ts-wrap.ts", "ts-long-wrap.ts", "ts-offset.ts", "ts-long.ts"] {
            for mode in [ProbeMode.auto, .exact] {
                let facts = try facts(try TestMedia.file(name), mode)
                XCTAssertFalse(
                    facts.warnings.contains { if case .discontinuity = $0 { true } else { false } }, "\(name) \(mode): \(facts.warnings)")
                XCTAssertFalse(facts.warnings.contains(where: \.isCutShort), "\(name) \(mode): \(facts.warnings)")
            }
        }
    }

    func testAutoMeasuresATransportStreamsStreamsAsExactDoes() throws {
        for name in ["ts-long.ts", "ts-long-wrap.ts", "ts-offset.ts"] {
            let auto = try facts(try TestMedia.file(name), .auto)
            let exact = try facts(try TestMedia.file(name), .exact)
            let reference = try TestMedia.packetScan(try TestMedia.file(name))
            for (a, e) in zip(auto.contentStreams, exact.contentStreams) {
                assertNear(a.duration, try XCTUnwrap(e.duration), within: Decimal(string: "0.001")!, "\(name) #\(a.index) auto vs exact")
                assertNear(
                    a.duration, try XCTUnwrap(reference[a.index]), within: Decimal(string: "0.001")!, "\(name) #\(a.index) auto vs scan")
            }
        }
    }

    func testATransportStreamCutAtAPacketBoundaryMidPESIsTruncated() throws {
        let source = try TestMedia.file("ts-offset.ts")
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: source)))
        let pes = TransportStreamPES(bytes)
        // Inside an open video PES packet, and inside an audio PES packet of declared length.
        for (label, cut) in [("video", try XCTUnwrap(pes.insideOpenPES)), ("audio", try XCTUnwrap(pes.insideDeclaredPES))] {
            XCTAssertEqual(cut % 188, 0)
            let file = path("cut-\(label).ts")
            try Data(bytes[0..<cut]).write(to: URL(fileURLWithPath: file))
            for mode in ProbeMode.allCases {
                let facts = try facts(file, mode)
                XCTAssertTrue(
                    facts.warnings.contains { if case .truncatedPES = $0 { true } else { false } }, "\(label) \(mode): \(facts.warnings)")
                XCTAssertTrue(facts.warnings.contains { "\($0)".hasPrefix("truncated:") })
            }
        }
    }
}

/// Where PES packets lie in an MPEG-TS file, for cutting one in the middle at a packet boundary.
private struct TransportStreamPES {
    /// A packet boundary after the second packet of an open (length 0) PES packet of 4 or more packets.
    var insideOpenPES: Int?
    /// A packet boundary inside a PES packet with a declared length that spans 3 or more packets.
    var insideDeclaredPES: Int?

    init(_ bytes: [UInt8]) {
        var packets: [Int: [(offset: Int, start: Bool, declared: Bool)]] = [:]
        for at in stride(from: 0, to: bytes.count - 187, by: 188) where bytes[at] == 0x47 {
            let pid = Int(bytes[at + 1] & 0x1F) << 8 | Int(bytes[at + 2])
            let start = bytes[at + 1] & 0x40 != 0
            var payload = at + 4
            if bytes[at + 3] & 0x20 != 0 { payload += 1 + Int(bytes[at + 4]) }
            let isPES = start && payload + 6 < at + 188 && bytes[payload] == 0 && bytes[payload + 1] == 0 && bytes[payload + 2] == 1
            let declared = isPES && (bytes[payload + 4] != 0 || bytes[payload + 5] != 0)
            guard !start || isPES else { continue }
            packets[pid, default: []].append((at, start, declared))
        }
        for list in packets.values {
            let starts = list.indices.filter { list[$0].start }
            for (n, s) in starts.enumerated().dropFirst(starts.count / 2) where n + 1 < starts.count {
                let inside = starts[n + 1] - s
                if list[s].declared, inside >= 3, insideDeclaredPES == nil { insideDeclaredPES = list[s + 1].offset + 188 }
                if !list[s].declared, inside >= 4, insideOpenPES == nil { insideOpenPES = list[s + 1].offset + 188 }
            }
        }
    }
}

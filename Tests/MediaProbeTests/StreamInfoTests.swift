import MediaProbe
import TestSupport
import XCTest

/// Reading stream facts from the header alone (MP4/MOV) must report exactly what decoding the first frames
/// reports: every stream's codec, size, rotation, frame rate, sample rate, channels and duration, the container
/// duration, how it was obtained and the start time, in every mode, on every file of the corpus.
final class StreamInfoTests: XCTestCase {
    func testTheHeaderPathReportsWhatDecodingReportsOnTheWholeCorpus() throws {
        let corpus = try TestMedia.corpus()
        let files = try FileManager.default.contentsOfDirectory(atPath: corpus.path)
            .filter { !$0.hasSuffix(".tsv") && !$0.hasSuffix(".tmp") && $0 != "broken" }.sorted()
        XCTAssertGreaterThan(files.count, 30)
        var fromHeader: [String] = []
        for mode in [ProbeMode.fast, .auto, .exact] {
            for name in files {
                let path = corpus.appendingPathComponent(name).path
                var always = ProbeOptions(mode: mode)
                always.streamInfo = .always
                let decoded = MediaProber(options: always).probe(path)
                let header = MediaProber(options: ProbeOptions(mode: mode)).probe(path)
                guard let a = decoded.facts, let b = header.facts else {
                    XCTAssertEqual(decoded.facts == nil, header.facts == nil, "\(name): one path failed, the other did not")
                    continue
                }
                XCTAssertEqual(a.streamInfo, .decoded)
                if b.streamInfo == .header, mode == .auto { fromHeader.append(name) }
                XCTAssertEqual(a.streams, b.streams, "\(name) (\(mode)): stream facts differ")
                XCTAssertEqual(a.containerDuration, b.containerDuration, "\(name) (\(mode))")
                XCTAssertEqual(a.containerDurationMethod, b.containerDurationMethod, "\(name) (\(mode))")
                XCTAssertEqual(a.startTime, b.startTime, "\(name) (\(mode))")
                XCTAssertEqual(a.durationSource, b.durationSource, "\(name) (\(mode))")
                XCTAssertEqual(a.warnings, b.warnings, "\(name) (\(mode))")
            }
        }
        // The point of the header path: the MP4/MOV files of the corpus take it.
        for name in ["mp4-av.mp4", "mov.mov", "hevc.mp4", "rotated-portrait.mp4", "vfr.mp4", "4k.mp4"] {
            XCTAssertTrue(fromHeader.contains(name), "\(name) should be read from its header (took: \(fromHeader))")
        }
        for name in ["mkv.mkv", "ts-offset.ts", "flv.flv", "raw-150f-30fps.h264", "webm-live.webm"] {
            XCTAssertFalse(fromHeader.contains(name), "\(name) needs its first frames decoded")
        }
    }
}

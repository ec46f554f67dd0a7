import Foundation
@testable import MediaProbe
import TestSupport
import XCTest

/// Issue 12, defect 1: a file dropped into a scanned folder must not steer FFmpeg to any other file, and
/// must not hang the run. Every hostile file here points at a real 7.25 s clip outside the folder; a
/// result that reports a duration means FFmpeg read that clip.
final class ConfinementTests: XCTestCase {
    private var outside: URL!
    private var root: URL!
    private var secret: String!
    private var fifo: String!

    override func setUpWithError() throws {
        let base = try TestMedia.temporaryDirectory("clipmeter-confinement")
        outside = base.appendingPathComponent("outside")
        root = base.appendingPathComponent("root")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        secret = try TestMedia.make(
            "secret.ts", in: outside,
            ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=7.25", "-c:a", "aac"])
        fifo = outside.appendingPathComponent("pipe.ts").path
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
    }

    /// Probes on a worker thread so a hang fails the test instead of stalling the suite.
    private func probeWithWatchdog(
        _ path: String, timeLimit: TimeInterval = 3, allowNetwork: Bool = false,
        file: StaticString = #filePath, line: UInt = #line
    ) -> ProbeOutcome? {
        let done = DispatchSemaphore(value: 0)
        let box = OutcomeBox()
        Thread {
            box.outcome = MediaProber(options: ProbeOptions(mode: .auto, timeLimit: timeLimit, allowNetwork: allowNetwork)).probe(path)
            done.signal()
        }.start()
        if done.wait(timeout: .now() + timeLimit + 5) == .timedOut {
            XCTFail("\(path): still running \(Int(timeLimit + 5)) s after a \(Int(timeLimit)) s time limit", file: file, line: line)
            return nil
        }
        return box.outcome
    }

    private func assertRefused(_ path: String, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        guard let outcome = probeWithWatchdog(path, file: file, line: line) else { return }
        if let facts = outcome.facts {
            XCTFail(
                "\(label): measured as \(facts.container), \(facts.containerDuration.map { "\($0)" } ?? "nil") s: FFmpeg followed it outside the folder",
                file: file, line: line)
            return
        }
        let code = outcome.error?.code
        XCTAssertTrue(code == .unsupported || code == .notMedia, "\(label): \(String(describing: outcome.error))", file: file, line: line)
    }

    private func write(_ bytes: Data, _ name: String) throws -> String {
        let path = root.appendingPathComponent(name).path
        try bytes.write(to: URL(fileURLWithPath: path))
        return path
    }

    // MARK: - Playlists with prefixes, under every extension

    func testPlaylistsBehindAnID3HeaderBOMOrWhitespaceNeverReachAFileOutside() throws {
        let prefixes: [(String, Data)] = [
            ("plain", Data()),
            ("id3", Data([0x49, 0x44, 0x33, 0x04, 0, 0, 0, 0, 0, 0])),
            ("bom", Data([0xEF, 0xBB, 0xBF])),
            ("whitespace", Data("\n \t\n".utf8)),
        ]
        let relative = "../outside/secret.ts"
        let targets = [("absolute", secret!), ("relative", relative), ("fifo", fifo!)]
        var count = 0
        for (prefixName, prefix) in prefixes {
            for (targetName, target) in targets {
                let hls = "#EXTM3U\n#EXT-X-TARGETDURATION:8\n#EXTINF:7.25,\n\(target)\n#EXT-X-ENDLIST\n"
                let concat = "ffconcat version 1.0\nfile '\(target)'\n"
                for (kind, text) in [("hls", hls), ("concat", concat)] {
                    for ext in [".mp4", ".mp3", ".txt", "", ".m3u8", ".ffconcat"] {
                        let name = "\(kind)-\(prefixName)-\(targetName)\(ext)"
                        assertRefused(try write(prefix + Data(text.utf8), name), name)
                        count += 1
                    }
                }
            }
        }
        XCTAssertEqual(count, 144)
    }

    // MARK: - DASH

    func testADASHManifestWhoseBaseURLPointsOutsideIsNotMeasured() throws {
        for (label, target) in [
            ("absolute", secret!), ("relative", "../outside/secret.ts"), ("fifo", fifo!),
            ("file-url", "file://\(secret!)"),
        ] {
            let mpd = """
                <?xml version="1.0"?>
                <MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" mediaPresentationDuration="PT7.25S" minBufferTime="PT1S" profiles="urn:mpeg:dash:profile:isoff-on-demand:2011">
                 <Period><AdaptationSet mimeType="audio/mp2t"><Representation id="a" bandwidth="64000">
                  <BaseURL>\(target)</BaseURL><SegmentBase/>
                 </Representation></AdaptationSet></Period>
                </MPD>
                """
            for ext in [".mpd", ".mp4", ""] {
                assertRefused(try write(Data(mpd.utf8), "dash-\(label)\(ext)"), "dash \(label) \(ext)")
            }
        }
    }

    func testRefusalsSayWhyAndNameTheFormat() throws {
        let path = try write(
            Data([0x49, 0x44, 0x33, 0x04, 0, 0, 0, 0, 0, 0]) + Data("#EXTM3U\n#EXT-X-TARGETDURATION:8\n#EXTINF:7.25,\n\(secret!)\n".utf8),
            "list.mp4")
        let error = try XCTUnwrap(probeWithWatchdog(path)?.error)
        XCTAssertEqual(error.code, .unsupported)
        XCTAssertTrue(error.message.contains("hls"), error.message)
        XCTAssertFalse(error.message.contains(secret), "the refusal must not echo what the playlist points at")
    }

    // MARK: - Time limit

    func testTheTimeLimitHoldsWhenAPlaylistPointsAtAFIFO() throws {
        let path = try write(Data("#EXTM3U\n#EXTINF:7.25,\n\(fifo!)\n#EXT-X-ENDLIST\n".utf8), "fifo-list.m3u8")
        let started = Date()
        let outcome = probeWithWatchdog(path, timeLimit: 2)
        XCTAssertNotNil(outcome?.error)
        XCTAssertLessThan(Date().timeIntervalSince(started), 4)
    }

    /// Real media still measures after all of the above: confinement must not cost a single valid file.
    func testEveryValidCorpusFileStillMeasures() throws {
        for entry in try TestMedia.manifest() where entry.kind == "valid" {
            let outcome = MediaProber().probe(try TestMedia.file(entry.name))
            XCTAssertNotNil(outcome.facts, "\(entry.name): \(String(describing: outcome.error))")
        }
    }
}

private final class OutcomeBox: @unchecked Sendable {
    var outcome: ProbeOutcome?
}

/// The io_open guard on its own, with the whitelist opened up to let HLS and DASH run: the second line of
/// defence must hold even if a referencing demuxer ever got through the first.
final class OpenGuardTests: XCTestCase {
    func testWithHLSAndDASHLetThroughTheWhitelistTheirEntriesAreStillNeverOpened() throws {
        let dir = try TestMedia.temporaryDirectory("clipmeter-guard")
        let secret = try TestMedia.make(
            "secret.ts", in: dir,
            ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=7.25", "-c:a", "aac"])
        let hls = dir.appendingPathComponent("list.m3u8").path
        try "#EXTM3U\n#EXT-X-TARGETDURATION:8\n#EXTINF:7.25,\n\(secret)\n#EXT-X-ENDLIST\n"
            .write(toFile: hls, atomically: true, encoding: .utf8)
        let mpd = dir.appendingPathComponent("manifest.mpd").path
        try """
        <?xml version="1.0"?>
        <MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" mediaPresentationDuration="PT7.25S" minBufferTime="PT1S" profiles="urn:mpeg:dash:profile:isoff-on-demand:2011">
         <Period><AdaptationSet mimeType="audio/mp2t"><Representation id="a" bandwidth="64000">
          <BaseURL>\(secret)</BaseURL><SegmentBase/></Representation></AdaptationSet></Period>
        </MPD>
        """.write(toFile: mpd, atomically: true, encoding: .utf8)
        let permissive = DemuxerPolicy(names: DemuxerPolicy.selfContained.names.union(["hls", "dash"]))
        // HLS asks io_open for its segments: the guard refuses them. DASH (FFmpeg 5.1) opens its BaseURL with
        // avio_open2, past io_open: the empty protocol whitelist refuses that one.
        for (path, asksIOOpen) in [(hls, true), (mpd, false)] {
            let file = try FileCheck.open(path)
            do {
                let context = try FormatContext(source: .file(file), timeLimit: 5, allowNetwork: false, demuxers: permissive)
                XCTAssertFalse(context.streams.contains { $0.type == .audio }, "\(path) read the file it names")
                if asksIOOpen { XCTAssertGreaterThan(context.refusedOpens, 0, path) }
            } catch {
                if asksIOOpen { XCTAssertGreaterThan(error.refusedOpens, 0, "\(path): \(error)") }
            }
        }
    }
}

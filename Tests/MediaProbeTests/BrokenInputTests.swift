import MediaProbe
import TestSupport
import XCTest

/// Bad input gets a clear, typed error with its path, and never a crash or a hang.
final class BrokenInputTests: XCTestCase {
    func testEveryBrokenFileGetsTheRightErrorCode() throws {
        let expected: [String: ProbeErrorCode] = [
            "broken/empty.mp4": .notMedia,
            "broken/text.mp4": .notMedia,
            "broken/random.bin": .notMedia,
            "broken/half.mp4": .truncated,
            "broken/no-moov.mp4": .truncated,
            "broken/a-directory.mp4": .unsupported,
            "broken/broken-symlink.mp4": .notFound,
            "broken/fifo.mp4": .unsupported,
        ]
        for mode in ProbeMode.allCases {
            let prober = MediaProber(options: ProbeOptions(mode: mode, timeLimit: 5))
            for (name, code) in expected {
                let path = try TestMedia.file(name)
                let outcome = prober.probe(path)
                XCTAssertEqual(outcome.error?.code, code, "\(name) in \(mode): \(String(describing: outcome.error))")
                XCTAssertEqual(outcome.error?.path, path)
                XCTAssertFalse(outcome.error?.message.isEmpty ?? true)
            }
        }
    }

    func testATruncatedTransportStreamIsMeasuredUpToTheCut() throws {
        let outcome = MediaProber(options: ProbeOptions(mode: .exact)).probe(try TestMedia.file("broken/truncated.ts"))
        let facts = try XCTUnwrap(outcome.facts)
        let full = try XCTUnwrap(MediaProber().probe(try TestMedia.file("ts-offset.ts")).facts?.containerDuration)
        XCTAssertLessThan(try XCTUnwrap(facts.containerDuration), full)
    }

    func testAMissingFileIsNotFound() {
        let outcome = MediaProber().probe("/nonexistent/clip.mp4")
        XCTAssertEqual(outcome.error?.code, .notFound)
    }

    func testAnUnreadableFileIsPermissionDenied() throws {
        try XCTSkipIf(geteuid() == 0, "root reads every file; this check needs an ordinary user")
        let dir = try TestMedia.temporaryDirectory()
        let path = dir.appendingPathComponent("locked.mp4").path
        try FileManager.default.copyItem(atPath: try TestMedia.file("video-only.mp4"), toPath: path)
        chmod(path, 0)
        XCTAssertEqual(MediaProber().probe(path).error?.code, .permissionDenied)
    }

    func testTheTimeLimitStopsAProbe() throws {
        let outcome = MediaProber(options: ProbeOptions(mode: .exact, timeLimit: 0.000_001)).probe(try TestMedia.file("wav.wav"))
        XCTAssertEqual(outcome.error?.code, .timeout)
    }

    func testNetworkURLsAreRefusedUnlessAllowed() {
        let outcome = MediaProber().probe("http://127.0.0.1:9/clip.mp4")
        XCTAssertEqual(outcome.error?.code, .unsupported)
        XCTAssertEqual(outcome.error?.remedy, .allowNetwork, "the error says what consent is missing")
    }

    func testPlaylistsThatCouldReachOtherFilesAreRefused() throws {
        let dir = try TestMedia.temporaryDirectory()
        let playlist = dir.appendingPathComponent("list.m3u8").path
        try "#EXTM3U\n#EXTINF:10,\nfile:///etc/passwd\n".write(toFile: playlist, atomically: true, encoding: .utf8)
        XCTAssertEqual(MediaProber().probe(playlist).error?.code, .unsupported)
        let concat = dir.appendingPathComponent("list.ffconcat").path
        try "ffconcat version 1.0\nfile /etc/passwd\n".write(toFile: concat, atomically: true, encoding: .utf8)
        XCTAssertEqual(MediaProber().probe(concat).error?.code, .unsupported)
    }

    /// 373 random bytes that FFmpeg opens as MPEG-TS at a low score and then fails to read stream info from.
    /// Failing after a successful open once closed the context twice and crashed the process.
    func testNoiseThatOpensButHasNoReadableStreamIsNotMedia() throws {
        let path = try TestMedia.temporaryDirectory().appendingPathComponent("noise.mp4").path
        let noise =
            "tJjZsBILxJA9fJiBeP31O7wLGcEuMBIBoE16kj7m6D+TA8xGxFaaW353mxrg/gHl6DpdDy/MVpvoBNIN0L2Te3HFLpaPRi92IfkPhtKukxT8CeL7NkA5JAIN2p/kVYtR/tfycrA42V3h1UC+FtxJ1WaV3BqywGMD7/XqGq+zMPAgfeT77/Jyc4XCRUrsMu+BQWAyYM4ELMkQDyKcDAt23NmeDJY9jXMYfEZgBmmQSyyrPC3/j7orR4k9JrSUja2S32PWzBMTZpXv5NuhWlCk9pAlx7g3OZhtTsCdmepRac6QhxtCKwkdbeo0Qj0dEdgNseb+/VnBOLfy/YhrUYc9yw7Clu+Poe3WZbMLHX6zw1b8QdnK+1LH+bq1VpxYloQRKR06FvY01bizYwtfaXoEdsRsuKFaYAxKm/OoZa0DN46Ku/yUhAPzwhi+Bm3V1Atp8suafpni0dVxNpUioIqgrfYA2Zg0XGEeNgGKjV5ZA/wlfkWcaw=="
        try XCTUnwrap(Data(base64Encoded: noise)).write(to: URL(fileURLWithPath: path))
        for mode in ProbeMode.allCases {
            let outcome = MediaProber(options: ProbeOptions(mode: mode, timeLimit: 5)).probe(path)
            XCTAssertEqual(outcome.error?.code, .notMedia, "\(mode): \(String(describing: outcome.error))")
            XCTAssertEqual(outcome.error?.operation, "read stream info")
            XCTAssertEqual(outcome.error?.path, path)
        }
    }

    func testRandomGarbageNeverCrashes() throws {
        let dir = try TestMedia.temporaryDirectory()
        // Seeded, so a failure can be reproduced; the seed changes the files, not the checks.
        var generator = SeededGenerator(seed: 0x5EED_C11D)
        let header = try Data(contentsOf: URL(fileURLWithPath: try TestMedia.file("mp4-av.mp4"))).prefix(4096)
        for i in 0..<200 {
            // Half start like a real MP4 and then turn to noise; half are pure noise.
            var bytes = i % 2 == 0 ? Data(header.prefix(Int.random(in: 8...4096, using: &generator))) : Data()
            bytes.append(
                Data((0..<Int.random(in: 1...20_000, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }))
            let path = dir.appendingPathComponent("fuzz-\(i).mp4").path
            try bytes.write(to: URL(fileURLWithPath: path))
            let outcome = MediaProber(options: ProbeOptions(mode: .exact, timeLimit: 5)).probe(path)
            if let error = outcome.error { XCTAssertEqual(error.path, path) }
        }
    }
}

/// A time limit no clock can hold (NaN, infinite, absurdly large) must neither trap nor hang a probe.
final class TimeLimitEdgeTests: XCTestCase {
    func testNaNInfiniteAndHugeTimeLimitsNeverCrash() throws {
        let path = try TestMedia.file("video-only.mp4")
        for limit in [Double.infinity, 1e308, .nan, -1] {
            let outcome = MediaProber(options: ProbeOptions(mode: .exact, timeLimit: limit)).probe(path)
            if let error = outcome.error {
                XCTAssertEqual(error.code, .timeout, "\(limit): \(error)")
            } else {
                XCTAssertEqual(outcome.facts?.duration(policy: .container), 4, "\(limit)")
            }
        }
    }
}

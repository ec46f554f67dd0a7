import Foundation
import MediaProbe
import TestSupport
import XCTest

/// Issue 12, defect 2 and the error codes of item 11: only regular files are opened, every other kind of
/// path gets an error that says what it is, and no path makes the probe wait.
final class FileCheckTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = try TestMedia.temporaryDirectory("clipmeter-filecheck")
    }

    private func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    /// Runs `body` on a worker thread; a hang fails the test instead of stalling the suite.
    private func withWatchdog<T>(_ label: String, seconds: Double = 5, _ body: @escaping @Sendable () -> T) -> T? {
        let done = DispatchSemaphore(value: 0)
        let box = Box<T>()
        Thread {
            box.value = body(); done.signal()
        }.start()
        if done.wait(timeout: .now() + seconds) == .timedOut {
            XCTFail("\(label): still blocked after \(Int(seconds)) s")
            return nil
        }
        return box.value
    }

    func testFIFOsSocketsDevicesAndFoldersEachGetTheirOwnErrorWithoutBlocking() throws {
        let fifo = path("clip.mp4")
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        let socket = path("clip.mov")
        try TestMedia.run("/usr/bin/env", ["python3", "-c", "import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])", socket])
        let folder = path("folder.mp4")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let cases: [(String, String)] = [
            (fifo, "FIFO"), (socket, "socket"), ("/dev/null", "character device"),
            ("/dev/zero", "character device"), (folder, "directory"),
        ]
        for (target, words) in cases {
            let outcome = withWatchdog(target) { MediaProber(options: ProbeOptions(timeLimit: 2)).probe(target) }
            let error = try XCTUnwrap(outcome?.error, "\(target) was measured")
            XCTAssertEqual(error.code, .unsupported, "\(target): \(error)")
            XCTAssertTrue(error.message.contains(words), "\(target): \(error.message)")
            // Discovery sniffs content before measuring: it must not block on a FIFO either.
            XCTAssertEqual(withWatchdog("sniff \(target)") { MediaSniffer.looksLikeMedia(target) }, false)
        }
    }

    func testARelativePathStartingWithFileColonIsAFileOfThatName() throws {
        try FileManager.default.copyItem(atPath: try TestMedia.file("video-only.mp4"), toPath: path("file:x.mp4"))
        try FileManager.default.copyItem(atPath: try TestMedia.file("m4a.m4a"), toPath: path("x.mp4"))
        let previous = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(dir.path))
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        let facts = try XCTUnwrap(MediaProber().probe("file:x.mp4").facts)
        XCTAssertTrue(facts.hasVideo, "'file:x.mp4' must be the 4 s video of that name, not the audio in x.mp4")
        XCTAssertEqual(facts.duration(policy: .container), 4)
    }

    func testPathsLongerThanTheSystemAllowsAreNotReportedMissing() throws {
        let long = "/tmp/" + String(repeating: "folder/", count: 600) + "clip.mp4"
        let error = try XCTUnwrap(MediaProber().probe(long).error)
        XCTAssertEqual(error.code, .unsupported)
        XCTAssertTrue(error.message.contains("PATH_MAX"), error.message)
        let longName = path(String(repeating: "n", count: 300) + ".mp4")
        let nameError = try XCTUnwrap(MediaProber().probe(longName).error)
        XCTAssertEqual(nameError.code, .unsupported)
        XCTAssertTrue(nameError.message.contains("NAME_MAX"), nameError.message)
    }

    func testASymbolicLinkLoopIsNamedAsSuch() throws {
        XCTAssertEqual(symlink(path("b.mp4"), path("a.mp4")), 0)
        XCTAssertEqual(symlink(path("a.mp4"), path("b.mp4")), 0)
        let error = try XCTUnwrap(MediaProber().probe(path("a.mp4")).error)
        XCTAssertEqual(error.code, .unsupported)
        XCTAssertTrue(error.message.contains("symbolic links"), error.message)
    }

    /// Root reads everything, so as root the check runs the built `clipmeter` as `nobody`.
    func testUnreadableFilesAndFoldersArePermissionDeniedForAnOrdinaryUser() throws {
        let locked = path("locked")
        try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: try TestMedia.file("video-only.mp4"), toPath: locked + "/clip.mp4")
        let closed = path("closed.mp4")
        try FileManager.default.copyItem(atPath: try TestMedia.file("video-only.mp4"), toPath: closed)
        chmod(locked, 0o700)
        chmod(closed, 0o600)
        var codes: [String: String] = [:]
        if geteuid() == 0 {
            let exe = TestMedia.clipmeterExecutable
            try XCTSkipUnless(
                FileManager.default.isExecutableFile(atPath: exe) && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"),
                "needs the built clipmeter and setpriv to drop root")
            for target in [locked + "/clip.mp4", closed] {
                let result = try TestMedia.run(
                    "/usr/bin/setpriv",
                    [
                        "--reuid=65534", "--regid=65534", "--clear-groups",
                        exe, "probe", "--format", "json", target,
                    ])
                let records = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]]
                codes[target] = (records?.first?["error"] as? [String: Any])?["code"] as? String
            }
        } else {
            for target in [locked + "/clip.mp4", closed, locked] {
                codes[target] = MediaProber().probe(target).error?.code.rawValue
            }
        }
        for (target, code) in codes {
            XCTAssertEqual(code, "permission-denied", target)
        }
    }
}

private final class Box<T>: @unchecked Sendable {
    var value: T?
}

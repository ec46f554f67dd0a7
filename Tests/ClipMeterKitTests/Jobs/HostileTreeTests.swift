import Foundation
import XCTest
@testable import ClipMeterKit

/// Issue 12: a folder anyone can write into must not hang a scan, exhaust its memory, or bill a file twice.
final class HostileTreeTests: XCTestCase {
    private func resolver(_ tree: JobsTempTree, maxBytes: Int = ReadLimits.standard.maxBytes) -> PathResolver {
        var resolver = PathResolver(roots: [tree.root], mediaRoot: nil, ossMappings: [], mediaMap: [:])
        resolver.readLimits.maxBytes = maxBytes
        return resolver
    }

    /// Runs `body` on another thread and fails instead of hanging the suite when it does not return in time.
    private func finishes<T>(within seconds: Double, _ body: @escaping @Sendable () throws -> T) throws -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            box.result = Result { try body() }
            done.signal()
        }
        guard done.wait(timeout: .now() + seconds) == .success, let result = box.result else {
            XCTFail("did not finish within \(seconds) s (a hang)")
            throw CancellationError()
        }
        return try result.get()
    }

    private func fifo(_ tree: JobsTempTree, _ relative: String) throws {
        try tree.mkdir((relative as NSString).deletingLastPathComponent)
        XCTAssertEqual(mkfifo(tree.path(relative), 0o644), 0, "mkfifo \(relative)")
    }

    // MARK: - Defect 2: special files

    func testFIFOsNamedLikeJobSourcesAreReportedNotOpened() throws {
        let tree = try JobsTempTree()
        for name in [
            "clipmeter.yaml", "a.job.json", "b.job.yaml", "response.json", "job/timeline.json", "notes.txt",
            "deep/er/clipmeter.yml",
        ] {
            try fifo(tree, name)
        }
        try tree.write("job/outputs/a.mp4")
        let resolver = resolver(tree)
        let found = try finishes(within: 20) {
            try FolderScan(resolver: resolver, defaultFeature: "video-editing", timeZone: .current).jobs(in: tree.root)
        }
        let failed = Set(found.failures.map(\.path))
        for name in ["clipmeter.yaml", "a.job.json", "b.job.yaml", "response.json", "job/timeline.json", "deep/er/clipmeter.yml"] {
            XCTAssertTrue(failed.contains(tree.path(name)), "\(name) should be a per-file error: \(found.failures)")
        }
        XCTAssertTrue(found.failures.allSatisfy { $0.message.contains("FIFO") }, "\(found.failures.map(\.message))")
        XCTAssertEqual(found.jobs.map(\.id), ["job"], "the real job is still found")
    }

    func testRegularFileReaderRefusesEverythingButRegularFilesAndStaysBounded() throws {
        let tree = try JobsTempTree()
        try fifo(tree, "pipe.json")
        XCTAssertThrowsError(try RegularFile.read(tree.path("pipe.json"), maxBytes: 100)) {
            XCTAssertEqual(($0 as? FileReadError)?.reason, .notRegular(kind: "a FIFO (named pipe)"))
        }
        XCTAssertThrowsError(try RegularFile.read("/dev/zero", maxBytes: 100)) {
            XCTAssertEqual(($0 as? FileReadError)?.reason, .notRegular(kind: "a device"))
        }
        try tree.symlink("zero.job.json", to: "/dev/zero")
        XCTAssertThrowsError(try RegularFile.read(tree.path("zero.job.json"), maxBytes: 100)) {
            XCTAssertEqual(($0 as? FileReadError)?.reason, .notRegular(kind: "a device"))
        }
        // A sparse 5 GB manifest is refused from its size, before a byte is read.
        let sparse = tree.path("x.job.json")
        XCTAssertTrue(FileManager.default.createFile(atPath: sparse, contents: nil))
        XCTAssertEqual(truncate(sparse, 5 << 30), 0)
        let start = Date()
        XCTAssertThrowsError(try RegularFile.read(sparse, maxBytes: 64 << 20)) {
            XCTAssertEqual(($0 as? FileReadError)?.reason, .tooLarge(size: 5 << 30, limit: 64 << 20))
            XCTAssertTrue("\($0)".contains("--max-manifest-bytes"), "\($0)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 1)
        XCTAssertEqual(try RegularFile.read(try tree.write("ok.json", "{}"), maxBytes: 2), Data("{}".utf8))
    }

    // MARK: - Defect 3: size and alias caps

    func testManifestOverTheSizeLimitIsAClearError() throws {
        let tree = try JobsTempTree()
        let manifest = try tree.write("clipmeter.yaml", "feature: video-editing\noutputs: [a.mp4]\n")
        XCTAssertThrowsError(try ManifestLoader.load(path: manifest, resolver: resolver(tree, maxBytes: 10), defaultFeature: nil)) {
            XCTAssertTrue("\($0)".contains("more than the limit of 10 bytes"), "\($0)")
        }
        // In a scan it is one per-file error and the rest goes on.
        let (_, errors) = try JobDiscovery(resolver: resolver(tree, maxBytes: 10), defaultFeature: nil).discover(root: tree.root)
        XCTAssertEqual(errors.map(\.path), [manifest])
    }

    func testNineLevelAliasBombFailsFastInSmallMemory() throws {
        var yaml = "a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        for level in 1...9 {
            let previous = Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ",")
            yaml += "a\(level): &a\(level) [\(previous)]\n"
        }
        yaml += "feature: video-editing\n"
        let tree = try JobsTempTree()
        let manifest = try tree.write("clipmeter.yaml", yaml)
        let before = residentBytes()
        let start = Date()
        let resolver = resolver(tree)
        XCTAssertThrowsError(
            try finishes(within: 30) {
                try ManifestLoader.load(path: manifest, resolver: resolver, defaultFeature: nil)
            }
        ) {
            XCTAssertTrue("\($0)".contains("alias"), "\($0)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)
        XCTAssertLessThan(residentBytes() - before, 1 << 30, "the expansion stopped long before memory ran out")
    }

    private func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
            let pages = text.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    // MARK: - Defect 5: symlinked folders and files reached twice

    func testGlobStarStarDoesNotDescendSymlinkedFoldersAndBillsEachFileOnce() throws {
        let tree = try JobsTempTree()
        let real = try tree.write("renders/2026-11-20/a.mp4")
        try tree.symlink("renders/latest", to: "2026-11-20")
        try tree.symlink("renders/self", to: ".")
        try tree.symlink("self", to: ".")
        XCTAssertEqual(link(real, tree.path("renders/2026-11-20/hardlink.mp4")), 0)
        let manifest = try tree.write("clipmeter.yaml", "feature: video-editing\noutputs: [\"renders/**/*.mp4\", \"renders/*/a.mp4\"]\n")
        let jobs = try ManifestLoader.load(path: manifest, resolver: resolver(tree), defaultFeature: nil)
        XCTAssertEqual(jobs.count, 1)
        XCTAssertEqual(jobs[0].outputs.compactMap(\.localPath), [real], "one file, however many routes reach it")
    }

    func testLooseFilesReachedTwiceAreOneJob() throws {
        let tree = try JobsTempTree()
        try tree.write("renders/2026-11-20/a.mp4")
        try tree.symlink("renders/latest", to: "2026-11-20")
        try tree.symlink("self", to: ".")
        try tree.symlink("renders/b.mp4", to: "2026-11-20/a.mp4")
        let found = try FolderScan(resolver: resolver(tree), defaultFeature: "video-editing", timeZone: .current).jobs(in: tree.root)
        XCTAssertEqual(found.jobs.count, 1, "\(found.jobs.map(\.id))")
    }

    // MARK: - Defect 8: deep trees and long paths

    func testDepthThousandTreeIsWalkedInLinearTime() throws {
        let tree = try JobsTempTree()
        var relative = ""
        for level in 0..<1000 { relative += (level == 0 ? "" : "/") + "d" }
        try tree.write(relative + "/clip.mp4")
        try tree.write(relative + "/job/outputs/out.mp4")
        let start = Date()
        let found = try FolderScan(resolver: resolver(tree), defaultFeature: "video-editing", timeZone: .current).jobs(in: tree.root)
        let elapsed = Date().timeIntervalSince(start)
        XCTAssertEqual(found.jobs.count, 2)
        // Cubic before: 21.7 s for the scan (issue 12); linear now takes well under a second.
        XCTAssertLessThan(elapsed, 5, "depth-1000 walk took \(elapsed) s")
    }

    func testAPathLongerThanPathMaxIsItsOwnError() throws {
        let tree = try JobsTempTree()
        // Built with *at calls: no absolute path this long can be named to the kernel.
        var fd = open(tree.root, O_RDONLY | O_DIRECTORY)
        XCTAssertGreaterThanOrEqual(fd, 0)
        let name = String(repeating: "n", count: 200)
        for _ in 0..<25 {
            XCTAssertEqual(mkdirat(fd, name, 0o755), 0)
            let next = openat(fd, name, O_RDONLY | O_DIRECTORY)
            close(fd)
            fd = next
        }
        let file = openat(fd, "clipmeter.yaml", O_WRONLY | O_CREAT, 0o644)
        XCTAssertGreaterThanOrEqual(file, 0)
        close(file)
        close(fd)
        defer { removeDeep(tree.root, name) }
        let (_, errors) = try JobDiscovery(resolver: resolver(tree), defaultFeature: nil).discover(root: tree.root)
        XCTAssertEqual(errors.count, 1, "\(errors)")
        XCTAssertTrue(errors.first?.message.contains("PATH_MAX") ?? false, "\(errors)")
    }

    private func removeDeep(_ root: String, _ name: String) {
        // Descend with fds, then unwind removing one level at a time.
        var fds: [Int32] = [open(root, O_RDONLY | O_DIRECTORY)]
        while let last = fds.last, last >= 0 {
            let next = openat(last, name, O_RDONLY | O_DIRECTORY)
            if next < 0 { break }
            fds.append(next)
        }
        unlinkat(fds.last!, "clipmeter.yaml", 0)
        while fds.count > 1 {
            let child = fds.removeLast()
            close(child)
            unlinkat(fds.last!, name, AT_REMOVEDIR)
        }
        close(fds[0])
    }

    // MARK: - Issue 11: glob matching

    func testGlobMatchingIsLinearAndKeepsItsMeaning() {
        let pattern = String(repeating: "*a", count: 12) + "b"
        let name = String(repeating: "a", count: 30)
        let start = Date()
        XCTAssertFalse(Glob.matches(name, pattern))
        XCTAssertLessThan(Date().timeIntervalSince(start), 0.5, "5.4 s with the backtracking matcher")
        XCTAssertTrue(Glob.matches(name, String(repeating: "*a", count: 12)))
        let cases: [(String, String, Bool)] = [
            ("a.mp4", "*.mp4", true), ("a.mp4", "*.mov", false), ("out_12.mp4", "out_??.mp4", true),
            ("out_1.mp4", "out_??.mp4", false), ("b.mp4", "[abc].mp4", true), ("d.mp4", "[!abc].mp4", true),
            ("a.mp4", "[!abc].mp4", false), ("x[.mp4", "x[.mp4", true), ("abcabc", "*abc", true), ("ab", "a*b*", true),
            ("", "*", true), ("", "?", false), ("a*b", "a\\*b", true), ("axb", "a\\*b", false), ("mississippi", "*sip*", true),
            ("aaa", "a*a*a*a", false), ("c1-2.mp4", "c[0-9]-[0-9].mp4", true),
        ]
        for (name, pattern, expected) in cases {
            XCTAssertEqual(Glob.matches(name, pattern), expected, "\(name) vs \(pattern)")
        }
    }
}

/// Carries a result from the watchdog thread.
private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, Error>?
}

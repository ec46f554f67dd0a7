import Foundation
import TestSupport
import XCTest

/// The ledger must never change a bill or hide a lost one: a rewritten file is measured again, a failed write is a
/// failed run, and an archived read-only ledger can still be billed (issue 12, defects 4, 7 and 11).
final class LedgerSafetyTests: XCTestCase {
    /// A 30 s file replaced in place by a 150 s file of the same size, its old mtime put back, must bill 150 s.
    func testRewriteWithTheSameSizeAndOldModificationTimeIsMeasuredAgain() throws {
        let base = try TestMedia.temporaryDirectory("clipmeter-rewrite")
        let seeds = base.appendingPathComponent("seeds")
        try FileManager.default.createDirectory(at: seeds, withIntermediateDirectories: true)
        let short = try TestMedia.make(
            "short.mp4", in: seeds,
            [
                "-f", "lavfi", "-i", "color=c=black:size=32x32:rate=1:duration=30",
                "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
            ])
        let long = try TestMedia.make(
            "long.mp4", in: seeds,
            [
                "-f", "lavfi", "-i", "color=c=black:size=32x32:rate=1:duration=150",
                "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
            ])
        var shortBytes = try Data(contentsOf: URL(fileURLWithPath: short))
        var longBytes = try Data(contentsOf: URL(fileURLWithPath: long))
        // Pad the smaller file with a top-level MP4 `free` box, which every demuxer skips, to the same size.
        func pad(_ data: inout Data, to size: Int) {
            let gap = size - data.count
            guard gap > 0 else { return }
            XCTAssertGreaterThanOrEqual(gap, 8)
            data += withUnsafeBytes(of: UInt32(gap).bigEndian) { Data($0) } + Data("free".utf8) + Data(count: gap - 8)
        }
        let size = max(shortBytes.count, longBytes.count) + 16
        pad(&shortBytes, to: size)
        pad(&longBytes, to: size)
        XCTAssertEqual(shortBytes.count, longBytes.count)

        let tree = base.appendingPathComponent("tree")
        try FileManager.default.createDirectory(at: tree, withIntermediateDirectories: true)
        let clip = tree.appendingPathComponent("clip.mp4")
        try shortBytes.write(to: clip)
        let mtime = Date(timeIntervalSince1970: 1_760_000_000)
        try FileManager.default.setAttributes([.modificationDate: mtime], ofItemAtPath: clip.path)
        let ledger = base.appendingPathComponent("ledger.sqlite").path
        let arguments = ["scan", "--feature", "mps-transcode", "--ledger", ledger, "--no-replay", "--format", "json", tree.path]
        let first = try CLI.run(arguments)
        XCTAssertEqual(first.status, 0, first.stderr)

        // Rewrite in place (same inode), then put the old mtime back: only the ctime tells.
        let handle = try FileHandle(forWritingTo: clip)
        try handle.write(contentsOf: longBytes)
        try handle.close()
        try FileManager.default.setAttributes([.modificationDate: mtime], ofItemAtPath: clip.path)
        let second = try CLI.run(arguments, environment: ["CLIPMETER_STATS": "1"])
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertTrue(second.stderr.contains(" 1 file(s) measured"), second.stderr)
        let fresh = try CLI.run(["scan", "--feature", "mps-transcode", "--no-ledger", "--format", "json", tree.path])
        XCTAssertEqual(try quantity(second), try quantity(fresh))
        XCTAssertEqual(try quantity(second), "2.5", "150 s is billed as 2.5 min, not the cached 30 s (0.5 min)")
        XCTAssertNotEqual(try quantity(first), try quantity(second))
    }

    /// On a full disk the bill cannot be recorded: exit 2, and that is the first thing on stderr.
    func testFailedLedgerWriteExitsTwoWithTheMessageFirst() throws {
        let tree = try ScanCommandTests.tree(files: 120)
        let mountPoint = tree.deletingLastPathComponent().appendingPathComponent("small-disk")
        try FileManager.default.createDirectory(at: mountPoint, withIntermediateDirectories: true)
        try mount(["-t", "tmpfs", "-o", "size=1m", "tmpfs", mountPoint.path])
        defer { _ = try? TestMedia.run("/usr/bin/env", ["umount", mountPoint.path]) }
        let ledger = mountPoint.appendingPathComponent("ledger.sqlite").path
        let empty = tree.deletingLastPathComponent().appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let create = try CLI.run(["scan", "--feature", "mps-transcode", "--ledger", ledger, empty.path])
        XCTAssertEqual(create.status, 0, create.stderr)
        // Leave room to open the ledger (its -shm file), none to record 120 jobs.
        var info = statvfs()
        XCTAssertEqual(statvfs(mountPoint.path, &info), 0)
        let free = Int(info.f_bavail) * Int(info.f_frsize)
        try Data(count: max(0, free - 48 * 1024)).write(to: mountPoint.appendingPathComponent("filler"))

        let result = try CLI.run(["scan", "--feature", "mps-transcode", "--ledger", ledger, "--format", "json", tree.path])
        XCTAssertEqual(result.status, 2, result.stderr)
        let firstLine = result.stderr.split(separator: "\n").first.map(String.init) ?? ""
        XCTAssertTrue(firstLine.hasPrefix("clipmeter: priced jobs could not be recorded"), result.stderr)
        XCTAssertTrue(firstLine.contains(ledger), firstLine)
        XCTAssertNotNil((try result.json() as? [String: Any])?["total"], "the bill is still printed")
        XCTAssertFalse(result.stderr.contains("Fatal error"))
    }

    /// An archived ledger on a read-only file system is billed without writing anything next to it.
    func testBillReadsALedgerOnAReadOnlyFileSystem() throws {
        let tree = try ScanCommandTests.tree(files: 10)
        let folder = tree.deletingLastPathComponent().appendingPathComponent("archive")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let ledger = folder.appendingPathComponent("ledger.sqlite").path
        let scan = try CLI.run(["scan", "--feature", "mps-transcode", "--ledger", ledger, "--format", "json", tree.path])
        XCTAssertEqual(scan.status, 0, scan.stderr)
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: ledger)
        let readOnly = tree.deletingLastPathComponent().appendingPathComponent("archive-ro")
        try FileManager.default.createDirectory(at: readOnly, withIntermediateDirectories: true)
        try mount(["--bind", folder.path, readOnly.path])
        defer { _ = try? TestMedia.run("/usr/bin/env", ["umount", readOnly.path]) }
        try mount(["-o", "remount,ro,bind", readOnly.path])
        XCTAssertFalse(
            FileManager.default.createFile(atPath: readOnly.appendingPathComponent("probe").path, contents: nil),
            "the bind mount must be read-only even for root")

        let before = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        let bill = try CLI.run(["bill", "--ledger", readOnly.appendingPathComponent("ledger.sqlite").path, "--format", "json"])
        XCTAssertEqual(bill.status, 0, bill.stderr)
        XCTAssertEqual(
            (try bill.json() as? [String: Any])?.string("total"),
            (try scan.json() as? [String: Any])?.string("total"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted(), before)
    }

    /// Jobs committed only to a write-ahead log left by a killed writer cannot be read from a read-only folder;
    /// billing without them would understate the bill, so it is a clear error instead.
    func testBillRefusesAReadOnlyLedgerWhoseLogHoldsCommittedJobs() throws {
        let tree = try ScanCommandTests.tree(files: 4)
        let folder = tree.deletingLastPathComponent().appendingPathComponent("archive")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let ledger = folder.appendingPathComponent("ledger.sqlite").path
        XCTAssertEqual(try CLI.run(["scan", "--feature", "mps-transcode", "--ledger", ledger, tree.path]).status, 0)
        // A writer killed after committing, before any checkpoint: the change lives only in ledger.sqlite-wal.
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        writer.arguments = [ledger]
        let input = Pipe()
        writer.standardInput = input
        writer.standardOutput = FileHandle.nullDevice
        writer.standardError = FileHandle.nullDevice
        try writer.run()
        input.fileHandleForWriting.write(
            Data("PRAGMA wal_autocheckpoint = 0; DELETE FROM job WHERE rowid = (SELECT min(rowid) FROM job);\n".utf8))
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, ((try? FileManager.default.attributesOfItem(atPath: ledger + "-wal"))?[.size] as? Int ?? 0) == 0 {
            Thread.sleep(forTimeInterval: 0.05)
        }
        Thread.sleep(forTimeInterval: 0.2)
        kill(writer.processIdentifier, SIGKILL)
        writer.waitUntilExit()
        XCTAssertGreaterThan((try FileManager.default.attributesOfItem(atPath: ledger + "-wal"))[.size] as? Int ?? 0, 0)
        try? FileManager.default.removeItem(atPath: ledger + "-shm")

        let readOnly = tree.deletingLastPathComponent().appendingPathComponent("archive-ro")
        try FileManager.default.createDirectory(at: readOnly, withIntermediateDirectories: true)
        try mount(["--bind", folder.path, readOnly.path])
        defer { _ = try? TestMedia.run("/usr/bin/env", ["umount", readOnly.path]) }
        try mount(["-o", "remount,ro,bind", readOnly.path])
        let bill = try CLI.run(["bill", "--ledger", readOnly.appendingPathComponent("ledger.sqlite").path, "--format", "json"])
        XCTAssertEqual(bill.status, 2, bill.stdout)
        XCTAssertTrue(bill.stderr.contains("write-ahead log"), bill.stderr)
        XCTAssertTrue(bill.stdout.isEmpty, "no bill that silently misses the log's jobs")
    }

    // MARK: - Helpers

    private func mount(_ arguments: [String]) throws {
        let result = try TestMedia.run("/usr/bin/env", ["mount"] + arguments)
        if result.status != 0 {
            throw XCTSkip("needs root and mount (\(result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)))")
        }
    }

    /// The billed quantity of the only job's first item, as printed.
    private func quantity(_ result: CLI.Result) throws -> String {
        let bill = try XCTUnwrap(try result.json() as? [String: Any], result.stderr)
        let job = try XCTUnwrap(bill.objects("jobs").first, result.stdout)
        let item = try XCTUnwrap(job.objects("items").first, result.stdout)
        if let text = item["quantity"] as? String { return text }
        return "\(item["quantity"] ?? "nil")"
    }
}

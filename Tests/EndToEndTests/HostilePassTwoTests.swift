import Foundation
import TestSupport
import XCTest

/// The second hostile pass, end to end on the real binary: outputs that fail, text that would steer a terminal,
/// ledgers planted by someone else, mistyped database URLs, huge counts and documents, misleading messages.
final class HostilePassTwoTests: XCTestCase {
    private let input = "media-samples/seed-example/inputs/input-90s.mp4"
    private let escape = "\u{1B}"

    /// `clipmeter ARGS` through bash, with `redirect` applied to its stdout (`> /dev/full`, `>&-`, `| :`); the
    /// status is clipmeter's own, and SIGPIPE is ignored as a supervisor may leave it.
    private func runRedirected(_ arguments: [String], _ redirect: String, in directory: String? = nil) throws -> CLI.Result {
        let quoted = ([TestMedia.clipmeterExecutable] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let script = "trap '' PIPE; timeout 120 \(quoted.joined(separator: " ")) \(redirect); exit ${PIPESTATUS[0]}"
        let result = try TestMedia.run("/bin/bash", ["-c", script], currentDirectory: directory ?? TestMedia.packageRoot.path)
        return CLI.Result(status: result.status, stdout: result.stdout, stderr: result.stderr)
    }

    /// A ledger with priced jobs in it, from a scan of a copy of the samples.
    private func scannedLedger() throws -> String {
        let copy = try CLI.samplesCopy()
        let ledger = copy + "/.clipmeter/ledger.sqlite"
        let scan = try CLI.run(["scan", copy, "--format", "json"])
        XCTAssertTrue([0, 1].contains(scan.status), scan.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: ledger))
        return ledger
    }

    // MARK: - Outputs that fail

    func testEveryBillFormatExitsTwoWhenStdoutFails() throws {
        let ledger = try scannedLedger()
        for format in ["table", "json", "csv", "focus", "html"] {
            let args = ["bill", "--ledger", ledger, "--format", format]
            let fine = try runRedirected(args, "> /dev/null")
            XCTAssertEqual(fine.status, 0, "\(format): \(fine.stderr)")
            for redirect in ["> /dev/full", ">&-", "| :"] {
                let failed = try runRedirected(args, redirect)
                XCTAssertEqual(failed.status, 2, "bill --format \(format) \(redirect): \(failed.stderr)")
                XCTAssertTrue(failed.stderr.contains("cannot write the output to stdout"), "\(format) \(redirect): \(failed.stderr)")
            }
        }
    }

    func testOtherCommandsExitTwoWhenStdoutFails() throws {
        let timeline =
            "media-samples/timelines/"
            + (try FileManager.default.contentsOfDirectory(
                atPath: TestMedia.packageRoot.appendingPathComponent("media-samples/timelines").path
            ).sorted().first { $0.hasSuffix(".json") } ?? "")
        let commands: [[String]] = [
            ["probe", input], ["probe", "--format", "json", input],
            ["estimate", "--feature", "image-text-matching", "--input", input, "--output-duration", "23", "--format", "csv"],
            ["rates"], ["timeline", timeline],
        ]
        for command in commands {
            let full = try runRedirected(command, "> /dev/full")
            XCTAssertEqual(full.status, 2, "\(command) > /dev/full: \(full.stderr)")
            let closed = try runRedirected(command, ">&-")
            XCTAssertEqual(closed.status, 2, "\(command) >&-: \(closed.stderr)")
            XCTAssertFalse(full.stderr.contains("Fatal error") || closed.stderr.contains("Fatal error"))
        }
    }

    /// With stdout closed the ledger must not become descriptor 1 and receive the bill.
    func testClosedStdoutNeverWritesTheBillIntoTheLedger() throws {
        let copy = try CLI.samplesCopy()
        let result = try runRedirected(["scan", copy, "--format", "csv"], ">&-")
        XCTAssertEqual(result.status, 2, result.stderr)
        let ledger = try Data(contentsOf: URL(fileURLWithPath: copy + "/.clipmeter/ledger.sqlite"))
        XCTAssertEqual(ledger.prefix(16), Data("SQLite format 3\0".utf8), "the ledger's header was overwritten")
        let bill = try CLI.run(["bill", "--ledger", copy + "/.clipmeter/ledger.sqlite", "--format", "json"])
        XCTAssertEqual(bill.status, 0, bill.stderr)
    }

    // MARK: - Terminal escapes

    func testNamesAndIdsWithEscapeSequencesReachNoTerminalRaw() throws {
        let dir = try TestMedia.temporaryDirectory("clipmeter-escapes")
        let name = "clip\(escape)[1A\(escape)[2K\(escape)]0;owned\u{07}\u{202E}4pm.mp4"
        try Data("not media at all".utf8).write(to: dir.appendingPathComponent(name))
        let manifest = dir.appendingPathComponent("jobs.yaml").path
        try """
        jobs:
          - id: "job\\e[1A\\e[2Kerased"
            feature: mps-transcode
            input: "missing\\e]0;title\\a.mp4"
        """.write(toFile: manifest, atomically: true, encoding: .utf8)
        let runs = [
            try CLI.run(["probe", dir.path]),
            try CLI.run(["probe", "--format", "json", dir.path]),
            try CLI.run(["estimate", manifest]),
            try CLI.run(["estimate", "--format", "json", manifest]),
            try CLI.run(["scan", "--no-ledger", dir.path]),
        ]
        for result in runs {
            for text in [result.stdout, result.stderr] {
                XCTAssertFalse(text.contains(escape), "raw ESC reached the output: \(text.debugDescription)")
                XCTAssertFalse(text.contains("\u{07}") || text.contains("\u{202E}"), text.debugDescription)
            }
        }
        XCTAssertTrue(runs[0].stdout.contains("clip\\e[1A\\e[2K"), runs[0].stdout)
        XCTAssertEqual(runs[0].status, 1)
        XCTAssertEqual(runs[2].status, 1, runs[2].stderr)
        XCTAssertTrue(runs[2].stderr.contains("job\\e[1A\\e[2Kerased"), runs[2].stderr)
        XCTAssertTrue(runs[4].stdout.contains("clip\\e[1A\\e[2K"), "the loose-file warning: \(runs[4].stdout)")
        // JSON keeps the name exact, escaped as JSON does.
        let probed = try XCTUnwrap(try runs[1].json() as? [[String: Any]])
        XCTAssertEqual(probed.first?["path"] as? String, dir.appendingPathComponent(name).path)
    }

    // MARK: - Ledgers planted by someone else

    func testLedgerPlantedByAnotherUserIsRefusedAndLeftAlone() throws {
        try XCTSkipUnless(geteuid() == 0, "needs root to make files owned by another user")
        let copy = try CLI.samplesCopy()
        chmod(copy, 0o777)
        let planted = copy + "/.clipmeter"
        try FileManager.default.createDirectory(atPath: planted, withIntermediateDirectories: false)
        XCTAssertEqual(chown(planted, 65534, 65534), 0)
        let scan = try CLI.run(["scan", copy, "--format", "json"])
        XCTAssertEqual(scan.status, 2, scan.stderr)
        XCTAssertTrue(scan.stderr.contains("belongs to user 65534"), scan.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: planted), [], "nothing written into the planted folder")
        // Another ledger, or none, still works.
        XCTAssertTrue([0, 1].contains(try CLI.run(["scan", copy, "--no-ledger", "--format", "json"]).status))
    }

    func testDanglingLedgerLinkCreatesNothingWhereItPoints() throws {
        let copy = try CLI.samplesCopy()
        let outside = try TestMedia.temporaryDirectory("clipmeter-outside").appendingPathComponent("planted.sqlite").path
        try FileManager.default.createDirectory(atPath: copy + "/.clipmeter", withIntermediateDirectories: false)
        for name in ["ledger.sqlite", "ledger.sqlite-wal"] {
            let link = copy + "/.clipmeter/" + name
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: outside)
            let scan = try CLI.run(["scan", copy, "--format", "json"])
            XCTAssertEqual(scan.status, 2, scan.stderr)
            XCTAssertTrue(scan.stderr.contains("symbolic link to nothing"), scan.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: outside), "\(name) was followed to create \(outside)")
            try FileManager.default.removeItem(atPath: link)
        }
    }

    func testLedgerWritableByOthersIsRefused() throws {
        let copy = try CLI.samplesCopy()
        let folder = copy + "/.clipmeter"
        XCTAssertTrue([0, 1].contains(try CLI.run(["scan", copy, "--format", "json"]).status))
        XCTAssertEqual(chmod(folder + "/ledger.sqlite", 0o666), 0)
        let file = try CLI.run(["scan", copy, "--format", "json"])
        XCTAssertEqual(file.status, 2, file.stderr)
        XCTAssertTrue(file.stderr.contains("may be written by anyone"), file.stderr)
        XCTAssertEqual(chmod(folder + "/ledger.sqlite", 0o644), 0)
        XCTAssertEqual(chmod(folder, 0o777), 0)
        let open = try CLI.run(["scan", copy, "--format", "json"])
        XCTAssertEqual(open.status, 2, open.stderr)
        XCTAssertTrue(open.stderr.contains("its folder"), open.stderr)
        XCTAssertEqual(chmod(folder, 0o755), 0)
        XCTAssertTrue([0, 1].contains(try CLI.run(["scan", copy, "--format", "json"]).status), "fixed permissions are trusted again")
    }

    // MARK: - Swaps after listing

    /// A file flipped between media and a link to a longer file outside the root while scans run: the outside
    /// file must never be measured (its 90 s would bill 1.5 minutes; the real one bills 10 s).
    func testAFileFlippedToALinkOutsideIsNeverBilledAsThatFile() throws {
        let base = try TestMedia.temporaryDirectory("clipmeter-flip")
        let root = base.appendingPathComponent("root").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let secret = base.appendingPathComponent("secret.mp4").path
        try FileManager.default.copyItem(atPath: TestMedia.packageRoot.appendingPathComponent(input).path, toPath: secret)
        let real = root + "/real.bin"
        try FileManager.default.copyItem(atPath: CLI.samples + "/timelines/clip-10s.mp4", toPath: real)
        let name = root + "/clip.mp4", spare = root + "/clip.mp4.tmp"
        let stop = ManagedAtomicFlag()
        let flipper = Thread {
            var toLink = false
            while !stop.isSet {
                unlink(spare)
                if toLink { symlink(secret, spare) } else { link(real, spare) }
                rename(spare, name)
                toLink.toggle()
                usleep(500)
            }
        }
        flipper.start()
        defer { stop.set() }
        for _ in 0..<15 {
            let scan = try CLI.run(
                [
                    "scan", ".", "--no-ledger", "--no-replay", "--feature", "mps-transcode", "--format", "json",
                    "--settle", "0",
                ], in: root)
            let bill = try XCTUnwrap(try scan.json() as? [String: Any])
            let quantities = bill.objects("jobs").flatMap { $0.objects("items") }.compactMap { $0["quantity"] as? NSNumber }
            XCTAssertFalse(
                quantities.contains { $0.doubleValue == 1.5 }, "the file outside the root was billed: \(scan.stdout.prefix(600))")
        }
    }

    // MARK: - Mistyped PostgreSQL URLs

    func testMistypedDatabaseURLsAreUsageErrorsThatHideThePassword() throws {
        let dir = try TestMedia.temporaryDirectory("clipmeter-pgurl")
        let copy = try CLI.samplesCopy()
        for url in [
            "postgres://cm:Hunter2pw@[::1:55441/billing", "postgres:/cm:Hunter2pw@db/billing",
            "postgresql:cm:Hunter2pw@db/billing", "POSTGRES:db?password=Hunter2pw",
        ] {
            for command in [["scan", copy, "--ledger", url], ["bill", "--ledger", url], ["bill", "--ledger", url, "--explain"]] {
                let result = try CLI.run(command, in: dir.path)
                XCTAssertEqual(result.status, 2, "\(command): \(result.stderr)")
                XCTAssertTrue(result.stderr.contains("starts like a PostgreSQL URL"), result.stderr)
                XCTAssertFalse((result.stdout + result.stderr).contains("Hunter2pw"), "password shown: \(result.stderr)")
            }
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [], "a file was made for \(url)")
        }
        // A file whose name starts that way is still reachable through ./
        let file = try CLI.run(["scan", copy, "--ledger", "./postgres:local.sqlite", "--format", "json"], in: dir.path)
        XCTAssertTrue([0, 1].contains(file.status), file.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.path + "/postgres:local.sqlite"))
    }

    // MARK: - Bounds

    func testHugeCountsAreUsageErrors() throws {
        let huge = "4611686018427387904"
        let cases: [[String]] = [
            ["probe", "--jobs", huge, input], ["probe", "--jobs", "0", input],
            ["probe", "--jobs", "99999999999999999999999", input],
            ["estimate", "--max-manifest-bytes", huge, "media-samples/clipmeter.yaml"],
            ["scan", "--no-ledger", "--shard", "auto", "--shards", huge, "media-samples"],
            ["scan", "--no-ledger", "--shard", "1/\(huge)", "media-samples"],
            ["estimate", "--feature", "text-generation", "--tokens", huge],
        ]
        for command in cases {
            let result = try CLI.run(command, environment: ["JOB_COMPLETION_INDEX": "0"])
            XCTAssertEqual(result.status, 2, "\(command): \(result.stderr)")
            XCTAssertFalse(result.stderr.contains("Fatal error"), result.stderr)
        }
    }

    func testTimelineWithTooManyClipsIsRefusedQuicklyWithItsCount() throws {
        let dir = try TestMedia.temporaryDirectory("clipmeter-clips")
        let clip = #"{"MediaURL":"a.mp4","In":0,"Out":1}"#
        let count = 50_000
        let text = #"{"VideoTracks":[{"VideoTrackClips":["# + Array(repeating: clip, count: count).joined(separator: ",") + "]}]}"
        let path = dir.appendingPathComponent("huge.json").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let start = Date()
        let result = try CLI.run(["timeline", path])
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("\(count + 1) tracks and clips"), result.stderr)
        // A million objects are refused from a byte count, before any parsing.
        let million = #"{"VideoTracks":[{"VideoTrackClips":["# + Array(repeating: clip, count: 1_000_000).joined(separator: ",") + "]}]}"
        try million.write(toFile: path, atomically: true, encoding: .utf8)
        let objects = try CLI.run(["timeline", path])
        XCTAssertEqual(objects.status, 2, objects.stderr)
        XCTAssertTrue(objects.stderr.contains("more than 200000 JSON objects"), objects.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(start), 30, "refusing a huge timeline must not take minutes")
    }

    // MARK: - Messages that mislead

    func testOutOfRangeNumbersAndLongLinesAreWordedPlainly() throws {
        let dir = try TestMedia.temporaryDirectory("clipmeter-words")
        let timeline = dir.appendingPathComponent("t.json").path
        try #"{"VideoTracks":[{"VideoTrackClips":[{"MediaURL":"a.mp4","In":0,"Out":1e300}]}]}"#
            .write(toFile: timeline, atomically: true, encoding: .utf8)
        let number = try CLI.run(["timeline", timeline])
        XCTAssertEqual(number.status, 2, number.stderr)
        XCTAssertTrue(number.stderr.contains("1e300 is out of range"), number.stderr)
        XCTAssertFalse(number.stderr.contains("not valid JSON"), number.stderr)

        let manifest = dir.appendingPathComponent("jobs.json").path
        try #"{"jobs":[{"id":"a","feature":"text-generation","tokens":1e300}]}"#.write(toFile: manifest, atomically: true, encoding: .utf8)
        let inManifest = try CLI.run(["estimate", manifest])
        XCTAssertNotEqual(inManifest.status, 0)
        XCTAssertTrue(inManifest.stderr.contains("1e300 is out of range"), inManifest.stderr)

        let yaml = dir.appendingPathComponent("long.yaml").path
        try ("jobs: [" + String(repeating: "x", count: 200_000) + "]]]:\n").write(toFile: yaml, atomically: true, encoding: .utf8)
        let long = try CLI.run(["estimate", yaml])
        XCTAssertEqual(long.status, 2, long.stderr.prefix(300).description)
        XCTAssertTrue(long.stderr.contains("malformed YAML"), long.stderr.prefix(300).description)
        XCTAssertLessThan(long.stderr.utf8.count, 2_000, "the 200 KB line was echoed")
    }
}

/// A flag one thread sets and another polls.
private final class ManagedAtomicFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}

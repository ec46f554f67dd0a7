import Foundation
import TestSupport
import XCTest

/// One job, once: plans apart from the bill, one key per job whatever folder, shard or run describes it, polls of
/// one JobId as one job, and keys compared as bytes. Each case runs the built binary the way a user does.
final class JobIdentityTests: XCTestCase {
    // MARK: - Planned and ran

    /// The README's main command: the bill is what ran, its cycles add up to it, the request bodies are a plan of
    /// their own, and `bill` on the ledger the scan wrote says the same total.
    func testTheSamplesBillWhatRanAndListThePlansApart() throws {
        let samples = try CLI.samplesCopy()
        let scan = try CLI.run(["scan", "--oss-map", "oss://example-bucket=ims-sync", "--format", "json", "."], in: samples)
        XCTAssertEqual(scan.status, 0, scan.stderr)
        let bill = try XCTUnwrap(try scan.json() as? [String: Any])
        XCTAssertEqual(bill.string("total"), "5.5587")
        let cycles = bill.objects("cycles").compactMap { $0.string("total").flatMap { Decimal(string: $0) } }
        XCTAssertEqual(cycles.reduce(0, +), Decimal(string: "5.5587"), "the cycles add up to the total")
        let planned = try XCTUnwrap(bill["planned"] as? [String: Any])
        XCTAssertEqual(planned.string("total"), "12.1257")
        XCTAssertEqual(planned.objects("jobs").count, 10)
        XCTAssertFalse(bill.objects("jobs").contains { ($0.string("id") ?? "").hasPrefix("ims-requests/") })

        let recorded = try CLI.run(["bill", "--ledger", samples + "/.clipmeter/ledger.sqlite", "--format", "json"])
        XCTAssertEqual(recorded.status, 0, recorded.stderr)
        XCTAssertEqual((try recorded.json() as? [String: Any])?.string("total"), "5.5587", "the ledger holds no plan")

        let table = try CLI.run(["scan", "--no-ledger", "--oss-map", "oss://example-bucket=ims-sync", "."], in: samples)
        XCTAssertTrue(table.stdout.contains("TOTAL 5.5587 CNY"), table.stdout)
        XCTAssertTrue(table.stdout.contains("PLANNED 12.1257 CNY"), table.stdout)
    }

    /// A body, the response of the job it became and the synced output in one folder: the response bills the job
    /// once, the body is its plan and says so, and a budget that the job fits passes.
    func testABodyBesideItsResponseIsBilledOnceFromTheResponse() throws {
        let dir = try TestMedia.temporaryDirectory("clipmeter-body-response")
        let job = dir.appendingPathComponent("job")
        try FileManager.default.createDirectory(at: job, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: CLI.samples + "/ims-requests/media-producing-timeline.json",
            toPath: job.appendingPathComponent("submit.json").path)
        try FileManager.default.copyItem(
            atPath: CLI.samples + "/ims-sync/editing-job.json",
            toPath: job.appendingPathComponent("response.json").path)
        let alone = dir.appendingPathComponent("alone")
        try FileManager.default.createDirectory(at: alone, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: CLI.samples + "/ims-sync/editing-job.json",
            toPath: alone.appendingPathComponent("response.json").path)
        let flags = ["--no-ledger", "--oss-map", Self.ossMap, "--format", "json"]
        let both = try CLI.run(["scan"] + flags + [job.path])
        let responseOnly = try CLI.run(["scan"] + flags + [alone.path])
        let bill = try XCTUnwrap(try both.json() as? [String: Any])
        let expected = try XCTUnwrap((try responseOnly.json() as? [String: Any])?.string("total"))
        XCTAssertEqual(bill.string("total"), expected, "the bill equals the response alone")
        XCTAssertEqual(bill.objects("jobs").compactMap { $0.string("id") }, ["cdb3e74639973036bc84000000b1"])
        let plan = try XCTUnwrap((bill["planned"] as? [String: Any])?.objects("jobs").first)
        XCTAssertEqual(plan.string("billedAs"), "cdb3e74639973036bc84000000b1")
        let budget = try CLI.run(["scan", "--no-ledger", "--oss-map", Self.ossMap, "--max-cost", expected, job.path])
        XCTAssertEqual(budget.status, 0, "the plan never counts against --max-cost: \(budget.stderr)")
    }

    // MARK: - Lifecycle

    /// An earlier `Processing` poll beside the final `Success` of the same JobId: one job, billed from the final
    /// poll, whatever order the files sort in; the earlier one is a note, not an error.
    func testPollsOfOneJobAreOneJobAndTheLatestFinishedPollBills() throws {
        let response = try String(contentsOfFile: CLI.samples + "/ims-sync/editing-job.json", encoding: .utf8)
        let processing = response.replacingOccurrences(of: "\"Status\": \"Success\"", with: "\"Status\": \"Processing\"")
        XCTAssertNotEqual(processing, response)
        for names in [("a-poll.json", "b-final.json"), ("b-poll.json", "a-final.json")] {
            let dir = try TestMedia.temporaryDirectory("clipmeter-polls")
            try processing.write(toFile: dir.appendingPathComponent(names.0).path, atomically: true, encoding: .utf8)
            try response.write(toFile: dir.appendingPathComponent(names.1).path, atomically: true, encoding: .utf8)
            let scan = try CLI.run(["scan", "--no-ledger", "--oss-map", Self.ossMap, "--format", "json", dir.path])
            XCTAssertEqual(scan.status, 0, scan.stderr)
            let bill = try XCTUnwrap(try scan.json() as? [String: Any])
            XCTAssertEqual(bill.objects("jobs").count, 1)
            XCTAssertEqual(bill.objects("jobs").first?.string("status"), "succeeded")
            XCTAssertTrue(scan.stdout.contains("earlier poll"), scan.stdout)
            XCTAssertEqual(bill.objects("pending").count, 0)
        }
    }

    /// A job not finished yet is listed as pending and never billed; alone it is never a silent zero (exit 1);
    /// beside a finished job it blocks nothing.
    func testAPendingJobIsListedNotBilledAndNeverASilentZero() throws {
        let response = try String(contentsOfFile: CLI.samples + "/ims-sync/editing-job.json", encoding: .utf8)
        let processing = response.replacingOccurrences(of: "\"Status\": \"Success\"", with: "\"Status\": \"Processing\"")
            .replacingOccurrences(of: "cdb3e74639973036bc84000000b1", with: "0000pending0000")
        let dir = try TestMedia.temporaryDirectory("clipmeter-pending")
        try processing.write(toFile: dir.appendingPathComponent("poll.json").path, atomically: true, encoding: .utf8)
        let alone = try CLI.run(["scan", "--no-ledger", "--format", "json", dir.path])
        XCTAssertEqual(alone.status, 1, "nothing billed from saved responses is never a silent zero")
        let bill = try XCTUnwrap(try alone.json() as? [String: Any])
        XCTAssertEqual(bill.objects("pending").first?.string("id"), "0000pending0000")
        XCTAssertEqual(bill.objects("pending").first?.string("status"), "Processing")
        XCTAssertTrue(alone.stderr.contains("not finished"), alone.stderr)

        try response.write(toFile: dir.appendingPathComponent("done.json").path, atomically: true, encoding: .utf8)
        let mixed = try CLI.run(["scan", "--no-ledger", "--oss-map", Self.ossMap, "--format", "json", dir.path])
        XCTAssertEqual(mixed.status, 0, mixed.stderr)
        let mixedBill = try XCTUnwrap(try mixed.json() as? [String: Any])
        XCTAssertEqual(mixedBill.objects("jobs").compactMap { $0.string("id") }, ["cdb3e74639973036bc84000000b1"])
        XCTAssertEqual(mixedBill.objects("pending").count, 1)
        let table = try CLI.run(["scan", "--no-ledger", "--oss-map", Self.ossMap, dir.path])
        XCTAssertTrue(table.stdout.contains("Pending, not billed"), table.stdout)
    }

    /// A `ListBatchMediaProducingJobs` page holds no sub-jobs: an error naming what to save, exit 1, never
    /// "No jobs. TOTAL 0.00".
    func testAListOfBatchesIsAnErrorNamingWhatToSave() throws {
        let dir = try TestMedia.temporaryDirectory("clipmeter-list")
        try """
        {"RequestId": "r", "MaxResults": 10, "EditingBatchJobList": [
          {"JobId": "a1b2", "JobType": "Smart_Mix", "Status": "Finished", "CreateTime": "2026-11-20T00:00:00Z"}]}
        """.write(toFile: dir.appendingPathComponent("list.json").path, atomically: true, encoding: .utf8)
        let scan = try CLI.run(["scan", "--no-ledger", dir.path])
        XCTAssertEqual(scan.status, 1, scan.stdout)
        XCTAssertTrue(scan.stderr.contains("GetBatchMediaProducingJob") && scan.stderr.contains("a1b2"), scan.stderr)
    }

    // MARK: - Identity across roots, runs and shards

    /// Two trees of one layout are different jobs in one ledger; a parent and then its sub-folder bill each job
    /// once. The ledger's bill equals one `--no-ledger` scan of the union.
    func testIdentityDoesNotDependOnWhereTheScanStarted() throws {
        let base = try TestMedia.temporaryDirectory("clipmeter-roots")
        let clip = try TestMedia.make(
            "clip.mp4", in: base,
            [
                "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=2",
                "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
            ])
        for tree in ["one", "two"] {
            for job in ["job1", "job2"] {
                let outputs = base.appendingPathComponent("all/\(tree)/\(job)/outputs")
                try FileManager.default.createDirectory(at: outputs, withIntermediateDirectories: true)
                try FileManager.default.copyItem(atPath: clip, toPath: outputs.appendingPathComponent("out.mp4").path)
            }
        }
        let ledger = base.appendingPathComponent("ledger.sqlite").path
        let flags = ["--feature", "mps-transcode", "--region", "intl-singapore", "--format", "json"]
        let union = try total(CLI.run(["scan", "--no-ledger"] + flags + [base.appendingPathComponent("all").path]))
        for root in ["all/one", "all/two", "all", "all/one/job1"] {
            let scan = try CLI.run(["scan", "--ledger", ledger] + flags + [base.appendingPathComponent(root).path])
            XCTAssertEqual(scan.status, 0, scan.stderr)
        }
        let bill = try CLI.run(["bill", "--ledger", ledger, "--format", "json"])
        XCTAssertEqual(try total(bill), union, "four jobs, each once")
        XCTAssertEqual((try bill.json() as? [String: Any])?.objects("jobs").count, 4)
    }

    /// `--shard auto` runs one after another into one ledger (an Indexed Job with parallelism below completions,
    /// or retried pods): each run scans its own share, none replays another's bill, and together they bill what one
    /// scan bills. Checked for several shard counts.
    func testShardRunsIntoOneLedgerBillTheUnion() throws {
        let tree = try ScanCommandTests.tree(files: 12)
        let flags = ["--feature", "mps-transcode", "--region", "intl-singapore", "--format", "json"]
        let union = try total(CLI.run(["scan", "--no-ledger"] + flags + [tree.path]))
        for count in [2, 3, 5] {
            let ledger = try TestMedia.temporaryDirectory("clipmeter-shards").appendingPathComponent("l.sqlite").path
            var seen = 0
            for index in (0..<count).reversed() + [0] {
                let scan = try CLI.run(
                    ["scan", "--ledger", ledger, "--shard", "auto"] + flags + [tree.path],
                    environment: [
                        "JOB_COMPLETION_INDEX": "\(index)", "CLIPMETER_SHARDS": "\(count)",
                        "CLIPMETER_REPLAY_SETTLE_SECONDS": "0",
                    ])
                XCTAssertEqual(scan.status, 0, scan.stderr)
                seen += (try scan.json() as? [String: Any])?.objects("jobs").count ?? 0
            }
            let bill = try CLI.run(["bill", "--ledger", ledger, "--format", "json"])
            XCTAssertEqual(try total(bill), union, "\(count) shards")
            XCTAssertEqual((try bill.json() as? [String: Any])?.objects("jobs").count, 12)
        }
    }

    // MARK: - Properties

    /// For any mix of request bodies and saved responses in a folder, the bill equals the responses alone (and the
    /// plans are all listed). Seeded, so a failure replays.
    func testAnyMixOfRequestsAndResponsesBillsTheResponsesAlone() throws {
        let requests = try FileManager.default.contentsOfDirectory(atPath: CLI.samples + "/ims-requests").sorted()
        let responses = ["batch-job.json", "editing-job.json"]
        var random = SeededGenerator(seed: 16)
        for round in 0..<4 {
            let chosenRequests = requests.filter { _ in Bool.random(using: &random) }
            let chosenResponses = responses.filter { _ in Bool.random(using: &random) } + (round == 0 ? responses : [])
            let mixed = try TestMedia.temporaryDirectory("clipmeter-mix")
            let alone = try TestMedia.temporaryDirectory("clipmeter-mix-alone")
            for name in chosenRequests {
                try FileManager.default.copyItem(
                    atPath: CLI.samples + "/ims-requests/" + name, toPath: mixed.appendingPathComponent(name).path)
            }
            for name in Set(chosenResponses) {
                for dir in [mixed, alone] {
                    try FileManager.default.copyItem(
                        atPath: CLI.samples + "/ims-sync/" + name, toPath: dir.appendingPathComponent(name).path)
                }
            }
            let flags = ["scan", "--no-ledger", "--oss-map", Self.ossMap, "--format", "json"]
            let mixedBill = try XCTUnwrap(try CLI.run(flags + [mixed.path]).json() as? [String: Any])
            let aloneBill = try XCTUnwrap(try CLI.run(flags + [alone.path]).json() as? [String: Any])
            XCTAssertEqual(mixedBill.string("total"), aloneBill.string("total"), "round \(round): \(chosenRequests) + \(chosenResponses)")
            XCTAssertEqual(mixedBill.objects("jobs").count, aloneBill.objects("jobs").count)
            let plans = (mixedBill["planned"] as? [String: Any])?.objects("jobs").count ?? 0
            let unpriced = (mixedBill["planned"] as? [String: Any])?.objects("errors").count ?? 0
            XCTAssertGreaterThanOrEqual(plans + unpriced, chosenRequests.count, "every plan is listed, priced or not")
        }
    }

    /// For any split of a tree into roots scanned into one ledger, in any order, repeated or not, the ledger's bill
    /// equals one `--no-ledger` scan of the whole tree.
    func testAnySplitIntoRootsAndRepeatedRunsBillsTheUnion() throws {
        let tree = try ScanCommandTests.tree(files: 8)
        let flags = ["--feature", "mps-transcode", "--region", "intl-singapore", "--format", "json"]
        let union = try total(CLI.run(["scan", "--no-ledger"] + flags + [tree.path]))
        let files = try FileManager.default.subpathsOfDirectory(atPath: tree.path).filter { $0.hasSuffix(".mp4") }.sorted()
        var random = SeededGenerator(seed: 1616)
        for _ in 0..<3 {
            // Roots: the whole tree, its folder, and single files' folders, in a random order, some twice.
            var roots = [tree.path, tree.appendingPathComponent("d0").path]
            roots += files.shuffled(using: &random).prefix(3).map {
                tree.appendingPathComponent(($0 as NSString).deletingLastPathComponent).path
            }
            roots = (roots + roots.prefix(2)).shuffled(using: &random)
            let ledger = try TestMedia.temporaryDirectory("clipmeter-split").appendingPathComponent("l.sqlite").path
            for root in roots {
                let scan = try CLI.run(["scan", "--ledger", ledger] + flags + [root])
                XCTAssertEqual(scan.status, 0, scan.stderr)
            }
            let bill = try CLI.run(["bill", "--ledger", ledger, "--format", "json"])
            XCTAssertEqual(try total(bill), union, "roots \(roots)")
            XCTAssertEqual((try bill.json() as? [String: Any])?.objects("jobs").count, files.count)
        }
    }

    // MARK: - Bytes

    /// `café.mp4` written in NFC and in NFD are two files of different lengths: two jobs, each measured.
    func testNamesThatAreCanonicallyEqualAreTwoFiles() throws {
        let dir = try TestMedia.temporaryDirectory("clipmeter-nfc")
        let nfc = "caf\u{E9}.mp4", nfd = "cafe\u{301}.mp4"
        XCTAssertEqual(nfc, nfd, "Swift calls them equal; the file system does not")
        _ = try TestMedia.make("short.mp4", in: dir, ["-f", "lavfi", "-i", "sine=duration=5", "-c:a", "aac"])
        _ = try TestMedia.make("long.mp4", in: dir, ["-f", "lavfi", "-i", "sine=duration=20", "-c:a", "aac"])
        let tree = dir.appendingPathComponent("tree")
        try FileManager.default.createDirectory(at: tree, withIntermediateDirectories: true)
        XCTAssertEqual(rename(dir.appendingPathComponent("short.mp4").path, tree.path + "/" + nfc), 0)
        XCTAssertEqual(rename(dir.appendingPathComponent("long.mp4").path, tree.path + "/" + nfd), 0)
        let probe = try CLI.run(["probe", "--format", "json", tree.path])
        let durations = ((try probe.json() as? [[String: Any]]) ?? []).compactMap { $0["duration"] as? Double }.sorted()
        XCTAssertEqual(durations.count, 2, probe.stdout)
        XCTAssertEqual(durations.first ?? 0, 5, accuracy: 0.1)
        XCTAssertEqual(durations.last ?? 0, 20, accuracy: 0.1)
        let scan = try CLI.run(["scan", "--no-ledger", "--feature", "image-text-matching", "--format", "json", tree.path])
        XCTAssertEqual(scan.status, 0, scan.stderr)
        let bill = try XCTUnwrap(try scan.json() as? [String: Any])
        XCTAssertEqual(bill.objects("jobs").count, 2)
        XCTAssertEqual(bill.string("total"), "0.60", "two jobs of one minute each at 0.3 CNY")
    }

    /// Names that are not UTF-8 (Latin-1, GBK from Windows archives) are measured, two of them are two files, and
    /// every output shows their bytes as `\xNN`.
    func testNamesThatAreNotUTF8AreMeasuredAndShownEscaped() throws {
        let dir = try TestMedia.temporaryDirectory("clipmeter-bytes")
        _ = try TestMedia.make("short.mp4", in: dir, ["-f", "lavfi", "-i", "sine=duration=5", "-c:a", "aac"])
        _ = try TestMedia.make("long.mp4", in: dir, ["-f", "lavfi", "-i", "sine=duration=70", "-c:a", "aac"])
        let tree = dir.appendingPathComponent("tree")
        try FileManager.default.createDirectory(at: tree, withIntermediateDirectories: true)
        // "caf\xE9.mp4" in Latin-1 and "\xD6\xD0\xCE\xC4.mp4" (中文 in GBK): neither is valid UTF-8.
        for (source, name) in [("short.mp4", [0x63, 0x61, 0x66, 0xE9]), ("long.mp4", [0xD6, 0xD0, 0xCE, 0xC4])] as [(String, [UInt8])] {
            let target = Array(tree.path.utf8) + [0x2F] + name + Array(".mp4".utf8) + [0]
            let moved = target.map { CChar(bitPattern: $0) }.withUnsafeBufferPointer {
                rename(dir.appendingPathComponent(source).path, $0.baseAddress!)
            }
            XCTAssertEqual(moved, 0)
        }
        let probe = try CLI.run(["probe", "--format", "json", tree.path])
        XCTAssertEqual(probe.status, 0, probe.stdout + probe.stderr)
        let records = (try probe.json() as? [[String: Any]]) ?? []
        XCTAssertEqual(records.count, 2, probe.stdout)
        XCTAssertEqual(
            records.compactMap { $0["path"] as? String }.map { ($0 as NSString).lastPathComponent }.sorted(),
            ["\\xD6\\xD0\\xCE\\xC4.mp4", "caf\\xE9.mp4"])
        XCTAssertEqual(records.compactMap { $0["duration"] as? Double }.map { $0.rounded() }.sorted(), [5, 70])
        let table = try CLI.run(["probe", tree.path])
        XCTAssertTrue(table.stdout.contains("caf\\xE9.mp4"), table.stdout)
        let scan = try CLI.run(["scan", "--no-ledger", "--feature", "image-text-matching", "--format", "json", tree.path])
        XCTAssertEqual(scan.status, 0, scan.stderr)
        XCTAssertEqual((try scan.json() as? [String: Any])?.string("total"), "0.90", "1 min and 2 min at 0.3 CNY")
    }

    /// An id holding NUL or a control character, or longer than 1,024 bytes, makes that one job invalid (exit 1);
    /// the other jobs are recorded and billed, and `job-42` is not overwritten by `job-42\0zz`.
    func testIdsThatCannotNameAJobSpoilOnlyThatJob() throws {
        let dir = try TestMedia.temporaryDirectory("clipmeter-bad-ids")
        let long = String(repeating: "x", count: 9_000)
        try """
        [{"id": "render-42", "feature": "text-generation", "tokens": 900, "finishedAt": "2026-11-20T08:00:00+08:00"},
         {"id": "render-42\\u0000zz", "feature": "text-generation", "tokens": 90000, "finishedAt": "2026-11-20T08:00:00+08:00"},
         {"id": "tab\\tin", "feature": "text-generation", "tokens": 900, "finishedAt": "2026-11-20T08:00:00+08:00"},
         {"id": "\(long)", "feature": "text-generation", "tokens": 900, "finishedAt": "2026-11-20T08:00:00+08:00"},
         {"id": "render-43", "feature": "text-generation", "tokens": 1900, "finishedAt": "2026-11-20T08:00:00+08:00"}]
        """.write(toFile: dir.appendingPathComponent("jobs.job.json").path, atomically: true, encoding: .utf8)
        var ledgers = [dir.appendingPathComponent("ledger.sqlite").path]
        if let url = ProcessInfo.processInfo.environment["CLIPMETER_TEST_POSTGRES_URL"], !url.isEmpty { ledgers.append(url) }
        for ledger in ledgers {
            let schema = "ids_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(10).lowercased()
            let scan = try CLI.run(["scan", "--ledger", ledger, "--ledger-schema", schema, "--no-replay", "--format", "json", dir.path])
            XCTAssertEqual(scan.status, 1, scan.stderr)
            XCTAssertEqual((try scan.json() as? [String: Any])?.string("total"), "0.36")
            XCTAssertTrue(scan.stdout.contains("control character") && scan.stdout.contains("9000 bytes"), scan.stdout)
            let bill = try CLI.run(["bill", "--ledger", ledger, "--ledger-schema", schema, "--format", "json"])
            XCTAssertEqual(bill.status, 0, bill.stderr)
            XCTAssertEqual((try bill.json() as? [String: Any])?.string("total"), "0.36", "render-42 and render-43 are recorded")
            if ledger.hasPrefix("postgres") {
                _ = try? TestMedia.run("/usr/bin/env", ["psql", ledger, "-X", "-q", "-c", "DROP SCHEMA IF EXISTS \(schema) CASCADE"])
            }
        }
    }

    /// The samples' OSS objects, synced: the saved responses' outputs resolve to real files.
    static var ossMap: String { "oss://example-bucket=" + CLI.samples + "/ims-sync" }

    private func total(_ result: CLI.Result) throws -> String {
        try XCTUnwrap((try result.json() as? [String: Any])?.string("total"), result.stderr)
    }
}

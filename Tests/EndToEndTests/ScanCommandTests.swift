import Foundation
import TestSupport
import XCTest

/// `clipmeter scan` and `clipmeter bill` on real folders with a real SQLite ledger: the main job, incremental
/// re-scans, crash safety, concurrent scans, damaged ledgers, shards and exports.
final class ScanCommandTests: XCTestCase {
    private let ossMap = "oss://example-bucket=ims-sync"

    func testMainJobOnTheSamplesPrintsARealBill() throws {
        let samples = try CLI.samplesCopy()
        let result = try CLI.run(["scan", "--format", "json", "--oss-map", ossMap, "."], in: samples)
        XCTAssertEqual(result.status, 0, result.stderr)
        let bill = try XCTUnwrap(try result.json() as? [String: Any])
        let costs = Dictionary(uniqueKeysWithValues: bill.objects("jobs").map { ($0.string("id") ?? "", $0.string("cost") ?? "") })
        XCTAssertEqual(costs["seed-example"], "0.72")
        XCTAssertEqual(costs["preview-only-matching"], "0.60")
        XCTAssertEqual(costs["boundary-mashup"], "4.00", "60.02 s under the container policy: 2 min × 2 CNY")
        XCTAssertEqual(costs["failed-extraction"], "0.00")
        XCTAssertEqual(costs["8e81933d44e3ae69e2f81485000000a3"], "0.00", "the failed sub-job of the saved batch response")
        XCTAssertNotNil(costs["cdb3e74639973036bc84000000b1"], "the saved GetMediaProducingJob response")
        XCTAssertEqual(bill.objects("cycles").count, 4)
        XCTAssertTrue((bill["warnings"] as? [String] ?? []).contains { $0.contains("boundary") })
        XCTAssertTrue(FileManager.default.fileExists(atPath: samples + "/.clipmeter/ledger.sqlite"))
    }

    func testSyncedCopiesOfAResponsesOutputsAreNotBilledTwiceWithoutOSSMap() throws {
        let samples = try CLI.samplesCopy()
        let result = try CLI.run(["scan", "--no-ledger", "--feature", "video-editing", "--format", "json", "."], in: samples)
        // Without the map the request bodies' inputs (oss://example-bucket/media/…) and the unsynced editing
        // output's size are unknown: errors, exit 1, the rest still billed.
        XCTAssertEqual(result.status, 1, result.stderr)
        let bill = try XCTUnwrap(try result.json() as? [String: Any])
        let codes = Set(bill.objects("errors").compactMap { ($0["error"] as? [String: Any])?.string("code") })
        XCTAssertEqual(codes, ["unknown-resolution"], "\(bill.objects("errors"))")
        // The request bodies are plans: priced apart, their errors with them, and they still fail the run.
        let planned = try XCTUnwrap(bill["planned"] as? [String: Any])
        let plannedCodes = Set(planned.objects("errors").compactMap { ($0["error"] as? [String: Any])?.string("code") })
        XCTAssertEqual(plannedCodes, ["not-found", "unbounded"], "\(planned.objects("errors"))")
        let features = Dictionary(uniqueKeysWithValues: planned.objects("jobs").map { ($0.string("id") ?? "", $0.string("feature") ?? "") })
        XCTAssertEqual(
            features["ims-requests/scene-timeline-organization.json#1"], "highlight-mashup",
            "scan's --feature is for loose files: it never overrides what a request implies")
        let ids = bill.objects("jobs").compactMap { $0.string("id") }
        XCTAssertFalse(ids.contains("ims-sync/renders/out_0.mp4"), "billed by the saved batch response already")
        XCTAssertTrue(ids.contains("b6b2750d4308892ac3330238a1b2c3d4"))
        XCTAssertTrue((bill["warnings"] as? [String] ?? []).contains { $0.contains("synced copy") })
    }

    func testRescanOfAnUnchangedTreeMeasuresNothingAndGivesTheSameBill() throws {
        let samples = try CLI.samplesCopy()
        let env = ["CLIPMETER_STATS": "1"]
        let first = try CLI.run(["scan", "--format", "json", "--oss-map", ossMap, "."], in: samples, environment: env)
        let second = try CLI.run(["scan", "--format", "json", "--oss-map", ossMap, "."], in: samples, environment: env)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stderr.contains("0 from the ledger"), first.stderr)
        XCTAssertTrue(second.stderr.contains(" 0 file(s) measured"), second.stderr)
        XCTAssertEqual(try total(first), try total(second))

        // A changed file is measured again; nothing else is.
        let output = samples + "/seed-example/outputs/output-23s.mp4"
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -60)], ofItemAtPath: output)
        let third = try CLI.run(["scan", "--format", "json", "--oss-map", ossMap, "."], in: samples, environment: env)
        XCTAssertTrue(third.stderr.contains(" 1 file(s) measured"), third.stderr)
    }

    func testKilledScanRerunGivesTheUninterruptedTotalsWithNoDuplicateJob() throws {
        let tree = try Self.tree(files: 240)
        let ledger = tree.deletingLastPathComponent().appendingPathComponent("ledger.sqlite").path
        let reference = try CLI.run(["scan", "--feature", "video-editing", "--no-ledger", "--format", "json", tree.path])
        XCTAssertEqual(reference.status, 0, reference.stderr)

        for delay in [0.05, 0.25] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: TestMedia.clipmeterExecutable)
            process.arguments = ["scan", "--feature", "video-editing", "--jobs", "1", "--ledger", ledger, "--format", "json", tree.path]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            Thread.sleep(forTimeInterval: delay)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        let rerun = try CLI.run(["scan", "--feature", "video-editing", "--ledger", ledger, "--format", "json", tree.path])
        XCTAssertEqual(rerun.status, 0, rerun.stderr)
        XCTAssertEqual(try total(rerun), try total(reference))
        let ids = try jobIDs(rerun)
        XCTAssertEqual(ids.count, 240)
        XCTAssertEqual(Set(ids).count, ids.count)

        let history = try CLI.run(["bill", "--ledger", ledger, "--format", "json"])
        XCTAssertEqual(history.status, 0, history.stderr)
        XCTAssertEqual(try total(history), try total(reference), "the ledger holds each job once")
        XCTAssertEqual(try jobIDs(history).count, 240)
    }

    func testTwoConcurrentScansOnOneLedgerBothSucceed() throws {
        let tree = try Self.tree(files: 120)
        let ledger = tree.deletingLastPathComponent().appendingPathComponent("shared.sqlite").path
        let collected = Collected()
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            if let result = try? CLI.run(["scan", "--feature", "video-editing", "--ledger", ledger, "--format", "json", tree.path]) {
                collected.append(result)
            }
        }
        let results = collected.results
        XCTAssertEqual(results.count, 2)
        for result in results { XCTAssertEqual(result.status, 0, result.stderr) }
        XCTAssertEqual(try total(results[0]), try total(results[1]))
        let history = try CLI.run(["bill", "--ledger", ledger, "--format", "json"])
        XCTAssertEqual(try jobIDs(history).count, 120)
    }

    func testDamagedLedgerIsAClearErrorAndIsLeftAlone() throws {
        let samples = try CLI.samplesCopy()
        let ledger = samples + "/damaged.sqlite"
        let bytes = Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) })
        try bytes.write(to: URL(fileURLWithPath: ledger))
        let result = try CLI.run(["scan", "--ledger", ledger, "."], in: samples)
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("damaged.sqlite"), result.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: ledger)), bytes, "never silently replaced")
        XCTAssertFalse(result.stderr.contains("Fatal error"))
    }

    func testShardsMergedByBillEqualTheWholeScan() throws {
        let tree = try Self.tree(files: 30)
        let base = tree.deletingLastPathComponent()
        let whole = try CLI.run(["scan", "--feature", "mps-transcode", "--no-ledger", "--format", "json", tree.path])
        var shardIDs: [String] = []
        for k in 1...3 {
            let result = try CLI.run([
                "scan", "--feature", "mps-transcode", "--shard", "\(k)/3", "--ledger",
                base.appendingPathComponent("s\(k).sqlite").path, "--format", "json", tree.path,
            ])
            XCTAssertEqual(result.status, 0, result.stderr)
            shardIDs += try jobIDs(result)
        }
        XCTAssertEqual(shardIDs.sorted(), try jobIDs(whole).sorted(), "every job in exactly one shard")
        let merged = try CLI.run(
            ["bill", "--format", "json"] + (1...3).flatMap { ["--ledger", base.appendingPathComponent("s\($0).sqlite").path] })
        XCTAssertEqual(merged.status, 0, merged.stderr)
        XCTAssertEqual(try total(merged), try total(whole))
        // The same ledger named twice still counts each job once.
        let twice = try CLI.run([
            "bill", "--format", "json", "--ledger", base.appendingPathComponent("s1.sqlite").path,
            "--ledger", base.appendingPathComponent("s1.sqlite").path,
        ])
        let once = try CLI.run(["bill", "--format", "json", "--ledger", base.appendingPathComponent("s1.sqlite").path])
        XCTAssertEqual(try total(twice), try total(once))
    }

    func testExportsAndBrokenFilesInATree() throws {
        let tree = try Self.tree(files: 4)
        try Data("garbage".utf8).write(to: tree.appendingPathComponent("d0/zz-broken.mp4"))
        let json = try CLI.run(["scan", "--feature", "video-editing", "--no-ledger", "--format", "json", tree.path])
        XCTAssertEqual(json.status, 1, "one file could not be measured")
        let bill = try XCTUnwrap(try json.json() as? [String: Any])
        XCTAssertEqual(bill.objects("jobs").count, 4, "the others are still billed")
        XCTAssertEqual(bill.objects("errors").first?.string("path")?.hasSuffix("zz-broken.mp4"), true)

        let focus = try CLI.run(["scan", "--feature", "video-editing", "--no-ledger", "--format", "focus", tree.path])
        let header = focus.stdout.split(separator: "\n").first.map(String.init) ?? ""
        for column in [
            "BilledCost", "EffectiveCost", "ListCost", "ListUnitPrice", "PricingQuantity", "PricingUnit",
            "ConsumedQuantity", "ConsumedUnit", "ChargePeriodStart", "ChargePeriodEnd", "BillingCurrency",
            "ChargeCategory", "ChargeDescription", "ServiceName", "ResourceId", "RegionId",
        ] {
            XCTAssertTrue(header.contains(column), "FOCUS lacks \(column)")
        }
        let html = try CLI.run(["scan", "--feature", "video-editing", "--no-ledger", "--format", "html", tree.path])
        XCTAssertTrue(html.stdout.contains("<svg"), "a chart of cost per cycle")
        XCTAssertFalse(html.stdout.contains("src=\"http"), "self-contained")
        XCTAssertFalse(html.stdout.contains("href=\"http"), "self-contained")
        let ndjson = try CLI.run(["scan", "--feature", "video-editing", "--no-ledger", "--format", "ndjson", tree.path])
        XCTAssertEqual(ndjson.stdout.split(separator: "\n").count, 5, "4 jobs and a summary")
    }

    func testNotAFolderIsAUsageError() throws {
        XCTAssertEqual(try CLI.run(["scan", "media-samples/clipmeter.yaml"]).status, 2)
        XCTAssertEqual(try CLI.run(["scan", "/no/such/folder"]).status, 2)
    }

    // MARK: - Helpers

    /// A tree of `files` small real videos (copies of two ffmpeg-made files of different lengths).
    static func tree(files: Int) throws -> URL {
        let base = try TestMedia.temporaryDirectory("clipmeter-tree")
        let seeds = base.appendingPathComponent("seeds")
        try FileManager.default.createDirectory(at: seeds, withIntermediateDirectories: true)
        let a = try TestMedia.make(
            "a.mp4", in: seeds,
            [
                "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=2",
                "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
            ])
        let b = try TestMedia.make(
            "b.mp4", in: seeds,
            [
                "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=25:duration=3.2",
                "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
            ])
        let tree = base.appendingPathComponent("tree")
        for index in 0..<files {
            let folder = tree.appendingPathComponent("d\(index / 50)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try FileManager.default.copyItem(
                atPath: index % 2 == 0 ? a : b,
                toPath: folder.appendingPathComponent(String(format: "clip%05d.mp4", index)).path)
        }
        return tree
    }

    private func total(_ result: CLI.Result) throws -> String {
        try XCTUnwrap((try result.json() as? [String: Any])?.string("total"), result.stderr)
    }

    private func jobIDs(_ result: CLI.Result) throws -> [String] {
        (try result.json() as? [String: Any])?.objects("jobs").compactMap { $0.string("id") } ?? []
    }
}

/// Results gathered from concurrent runs.
private final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [CLI.Result] = []
    func append(_ result: CLI.Result) { lock.lock(); stored.append(result); lock.unlock() }
    var results: [CLI.Result] { lock.lock(); defer { lock.unlock() }; return stored }
}

import Foundation
import TestSupport
import XCTest

/// `clipmeter reconcile` run as a user runs it: the SDK-built bill fixtures against ledgers and saved scans of real
/// media (the bundled samples, and media these tests make with ffmpeg), in every output format and with bad input.
final class ReconcileCommandTests: XCTestCase {
    private static let bills = TestMedia.packageRoot.appendingPathComponent("Tests/Fixtures/bills").path
    private let ossMap = "oss://example-bucket=ims-sync"

    private func bill(_ name: String) -> String { Self.bills + "/" + name }
    private var itemMap: String { bill("ims-item-map.yaml") }

    /// A copy of media-samples scanned into its own ledger (optionally with jobs taken out of its manifest).
    private func scannedSamples(without jobs: [String] = []) throws -> (ledger: String, json: String) {
        let samples = try CLI.samplesCopy()
        if !jobs.isEmpty {
            let manifest = samples + "/clipmeter.yaml"
            var text = try String(contentsOfFile: manifest, encoding: .utf8)
            for id in jobs {
                let blocks = text.components(separatedBy: "\n  - id: ")
                text = blocks.filter { !$0.hasPrefix(id + "\n") }.joined(separator: "\n  - id: ")
            }
            try text.write(toFile: manifest, atomically: true, encoding: .utf8)
        }
        let ledger = samples + "/../samples-ledger.sqlite"
        let scan = try CLI.run(["scan", "--oss-map", ossMap, "--ledger", ledger, "--format", "json", "."], in: samples)
        XCTAssertEqual(scan.status, 0, scan.stderr)
        let json = samples + "/../samples-scan.json"
        try scan.stdout.write(toFile: json, atomically: true, encoding: .utf8)
        return (ledger, json)
    }

    private func rows(_ result: CLI.Result) throws -> [[String: Any]] {
        try XCTUnwrap(try result.json() as? [String: Any], result.stderr).objects("rows")
    }

    // MARK: - The bundled samples

    func testASampleBillReconciledAgainstAScanOfTheSamplesMatchesHourByHourAndDayByDay() throws {
        let scanned = try scannedSamples()
        var totals: [String] = []
        for name in [
            "samples-itemized.csv", "samples-itemized-zh.csv", "samples-describe-daily.json", "samples-describe-monthly.json",
            "samples-query-monthly.json",
        ] {
            for clipmeter in [["--ledger", scanned.ledger], [scanned.json]] {
                let result = try CLI.run(["reconcile", "--bill", bill(name), "--item-map", itemMap, "--format", "json"] + clipmeter)
                XCTAssertEqual(result.status, 0, "\(name): \(result.stdout.prefix(2000)) \(result.stderr)")
                let document = try XCTUnwrap(try result.json() as? [String: Any])
                XCTAssertEqual(Set(try rows(result).compactMap { $0.string("status") }), ["match"], name)
                let summary = try XCTUnwrap(document["totals"] as? [String: Any])
                totals.append("\(summary.string("bill") ?? "") \(summary.string("clipmeter") ?? "")")
            }
        }
        XCTAssertEqual(Set(totals), ["5.57 5.5587"], "hourly CSV, daily pages and monthly views agree")
        // The edit meter counts video-editing minutes only, hour by hour, and agrees with them.
        let meter = try CLI.run(["reconcile", "--bill", bill("samples-meter-edit.json"), "--ledger", scanned.ledger, "--format", "json"])
        XCTAssertEqual(meter.status, 0, meter.stdout + meter.stderr)
        XCTAssertEqual(try rows(meter).count, 5, "HD at 08, 09 and 10; LD at 08 and 13")
    }

    func testTheJSONHasExactlyTheDocumentedShape() throws {
        let scanned = try scannedSamples()
        let result = try CLI.run([
            "reconcile", "--bill", bill("samples-itemized.csv"), "--item-map", itemMap, "--format", "json", scanned.json,
        ])
        let document = try XCTUnwrap(try result.json() as? [String: Any])
        XCTAssertTrue(Set(["currency", "period", "rows", "totals"]).isSubset(of: Set(document.keys)))
        XCTAssertEqual(document.string("currency"), "CNY")
        let row = try XCTUnwrap(
            try rows(result).first { $0.string("billingItemCode") == nil && $0.string("feature") == "highlight-mashup" })
        XCTAssertTrue(
            Set(["period", "billingItemCode", "billingItem", "feature", "status", "bill", "clipmeter", "difference", "reason"])
                .isSubset(of: Set(row.keys)))
        let billSide = try XCTUnwrap(row["bill"] as? [String: Any])
        XCTAssertTrue(Set(["usage", "usageUnit", "listPrice", "gross", "payable", "deducted"]).isSubset(of: Set(billSide.keys)))
        XCTAssertEqual(billSide.string("gross"), "4.00")
        XCTAssertEqual(billSide.string("listPrice"), "2.00")
        let ours = try XCTUnwrap(row["clipmeter"] as? [String: Any])
        XCTAssertEqual(ours["jobs"] as? [String], ["boundary-mashup"])
        XCTAssertEqual(ours.string("cost"), "4.00")
        XCTAssertEqual(row.string("difference"), "0.00")
        let totals = try XCTUnwrap(document["totals"] as? [String: Any])
        XCTAssertEqual(Set(totals.keys), ["bill", "clipmeter", "difference"])
        XCTAssertEqual(totals.string("difference"), "0.0113")
    }

    func testAJobMissingFromTheLedgerIsBillOnly() throws {
        let scanned = try scannedSamples(without: ["boundary-mashup"])
        let result = try CLI.run([
            "reconcile", "--bill", bill("samples-describe-daily.json"), "--ledger", scanned.ledger,
            "--item-map", itemMap, "--format", "json",
        ])
        XCTAssertEqual(result.status, 4, result.stderr)
        let missing = try XCTUnwrap(try rows(result).first { $0.string("feature") == "highlight-mashup" })
        XCTAssertEqual(missing.string("status"), "bill-only")
        XCTAssertEqual(missing.string("difference"), "4.00")
        XCTAssertTrue(missing.string("reason")?.contains("no ClipMeter job in this period") == true)
    }

    func testAPriceChangedOnTheCardIsPriceDiffers() throws {
        let scanned = try scannedSamples()
        let original = TestMedia.packageRoot.appendingPathComponent("Sources/Billing/RateCards/cn.json")
        var card = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: original)) as? [String: Any])
        var features = try XCTUnwrap(card["features"] as? [String: Any])
        var editing = try XCTUnwrap(features["video-editing"] as? [String: Any])
        var editions = try XCTUnwrap(editing["editions"] as? [String: Any])
        var basic = try XCTUnwrap(editions["basic"] as? [String: Any])
        var prices = try XCTUnwrap(basic["codecPrices"] as? [String: Any])
        var h264 = try XCTUnwrap(prices["h264"] as? [String: Any])
        h264["HD"] = "0.0700"
        prices["h264"] = h264; basic["codecPrices"] = prices; editions["basic"] = basic; editing["editions"] = editions
        features["video-editing"] = editing; card["features"] = features
        let path = try TestMedia.temporaryDirectory("reconcile-card").appendingPathComponent("stale.json").path
        try JSONSerialization.data(withJSONObject: card).write(to: URL(fileURLWithPath: path))

        let result = try CLI.run([
            "reconcile", "--bill", bill("samples-itemized.csv"), "--ledger", scanned.ledger, "--item-map", itemMap,
            "--rates", path, "--format", "json",
        ])
        XCTAssertEqual(result.status, 4, result.stderr)
        let stale = try rows(result).filter { $0.string("status") == "price-differs" }
        XCTAssertEqual(stale.count, 3, "the three hours with a 1080p edit")
        XCTAssertTrue(
            stale.allSatisfy {
                $0.string("feature") == "video-editing" && $0.string("reason")?.contains("the card is stale by -0.0049") == true
            })
    }

    // MARK: - Every status, with media made here

    /// The jobs the "statuses" bill was written for, as a folder of real media and a manifest, scanned into a ledger.
    private func statusLedger() throws -> String {
        let dir = try TestMedia.temporaryDirectory("reconcile-statuses")
        func video(_ name: String, _ size: String, _ seconds: Int, hevc: Bool = false) throws {
            let codec = hevc ? ["-c:v", "libx265", "-x265-params", "log-level=error"] : ["-c:v", "libx264"]
            _ = try TestMedia.make(
                name, in: dir,
                ["-f", "lavfi", "-i", "color=c=navy:s=\(size):r=1:d=\(seconds)"] + codec
                    + ["-preset", "ultrafast", "-pix_fmt", "yuv420p"])
        }
        try video("hd.mp4", "1920x1080", 90)
        try video("sd.mp4", "1280x720", 120, hevc: true)
        try video("match.mp4", "160x90", 150)
        try video("in.mp4", "160x90", 60)
        try video("out.mp4", "1280x720", 30)
        try video("sd2.mp4", "1280x720", 60)
        try video("uhd.mp4", "3840x2160", 60)
        let manifest = """
            jobs:
              - {id: hd-match, feature: mps-transcode, status: succeeded, finishedAt: "2026-10-15T08:10:00+08:00", outputs: [hd.mp4]}
              - {id: sd-hevc-price, feature: mps-transcode, status: succeeded, finishedAt: "2026-10-15T09:10:00+08:00", outputs: [sd.mp4]}
              - {id: extraction, feature: highlight-extraction, status: succeeded, finishedAt: "2026-10-15T10:10:00+08:00", inputs: [match.mp4]}
              - {id: matching-amount, feature: image-text-matching, status: succeeded, finishedAt: "2026-10-15T11:10:00+08:00", inputs: [in.mp4], outputs: [out.mp4]}
              - {id: matching-plan, feature: image-text-matching, status: succeeded, finishedAt: "2026-10-15T12:10:00+08:00", inputs: [in.mp4], outputs: [out.mp4]}
              - {id: sd-unbilled, feature: mps-transcode, status: succeeded, finishedAt: "2026-10-15T14:10:00+08:00", outputs: [sd2.mp4]}
              - {id: uhd-late, feature: mps-transcode, status: succeeded, finishedAt: "2026-10-15T15:59:50+08:00", outputs: [uhd.mp4]}
            """
        try manifest.write(to: dir.appendingPathComponent("clipmeter.yaml"), atomically: true, encoding: .utf8)
        let ledger = dir.path + "/ledger.sqlite"
        let scan = try CLI.run(["scan", "--ledger", ledger, "--format", "json", dir.path])
        XCTAssertEqual(scan.status, 0, scan.stdout + scan.stderr)
        return ledger
    }

    func testEveryStatusIsReachedInEveryFormat() throws {
        let ledger = try statusLedger()
        let result = try CLI.run([
            "reconcile", "--bill", bill("statuses-itemized-zh.csv"), "--ledger", ledger, "--item-map", itemMap,
            "--format", "json",
        ])
        XCTAssertEqual(result.status, 4, result.stderr)
        let statuses = try rows(result).map { "\(($0["period"] as? [String: Any])?.string("label") ?? "") \($0.string("status") ?? "")" }
        XCTAssertEqual(
            Set(statuses),
            [
                "2026-10-15 08:00 match", "2026-10-15 09:00 price-differs", "2026-10-15 10:00 usage-differs",
                "2026-10-15 11:00 amount-differs", "2026-10-15 12:00 covered-by-plan", "2026-10-15 13:00 bill-only",
                "2026-10-15 14:00 clipmeter-only", "2026-10-15 15:00 cycle-shift", "2026-10-15 16:00 cycle-shift",
                "2026-10-15 17:00 unmapped-item",
            ])

        let unmapped = try XCTUnwrap(try rows(result).first { $0.string("status") == "unmapped-item" })
        XCTAssertEqual(unmapped["proposedFeatures"] as? [String], ["highlight-extraction", "highlight-mashup"])
        XCTAssertTrue(unmapped["feature"] is NSNull)

        let table = try CLI.run(["reconcile", "--bill", bill("statuses-itemized.csv"), "--ledger", ledger, "--item-map", itemMap])
        XCTAssertEqual(table.status, 4)
        for heading in ["PRICE-DIFFERS (1): the rate card is stale", "CYCLE-SHIFT (2)", "UNMAPPED-ITEM (1)", "MATCH (1): nothing to do"] {
            XCTAssertTrue(table.stdout.contains(heading), heading + "\n" + table.stdout)
        }
        XCTAssertTrue(table.stdout.contains("TOTAL bill 12.29 CNY, ClipMeter 7.93625 CNY, difference 4.35375"), table.stdout)

        let csv = try CLI.run([
            "reconcile", "--bill", bill("statuses-describe-monthly.json"), "--ledger", ledger, "--item-map", itemMap,
            "--format", "csv",
        ])
        let lines = csv.stdout.split(separator: "\n")
        XCTAssertTrue(lines.first?.hasPrefix("period_start,period_end,granularity,billing_item_code,billing_item,feature,status,") == true)
        XCTAssertTrue(lines.contains { $0.contains(",month,H265.SD,普通转码 H265.SD,mps-transcode h265 SD,price-differs,") }, csv.stdout)

        let html = try CLI.run([
            "reconcile", "--bill", bill("statuses-describe-daily.json"), "--ledger", ledger, "--item-map", itemMap,
            "--format", "html",
        ])
        XCTAssertTrue(html.stdout.hasPrefix("<!DOCTYPE html>"))
        XCTAssertTrue(html.stdout.contains("<svg class=\"chart\""))
        XCTAssertTrue(html.stdout.contains("<span class=\"badge bad\">usage-differs</span>"))
        XCTAssertFalse(html.stdout.contains("<script"))
    }

    func testTheCurrentMonthIsNotFinal() throws {
        let scanned = try scannedSamples()
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        let hour = calendar.dateInterval(of: .hour, for: Date())!.start
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = calendar.timeZone
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        let text =
            "Usage Start Time,Usage End Time,Billing Item,Usage,Usage Unit,List Price,List Price Unit,Pretax Gross Amount,Currency\n"
            + "\(formatter.string(from: hour)),\(formatter.string(from: hour.addingTimeInterval(3599))),普通转码 H264.HD,1,Minute,0.0651,元/分钟,0.07,CNY\n"
        let path = try TestMedia.temporaryDirectory("reconcile-now").appendingPathComponent("today.csv").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try CLI.run(["reconcile", "--bill", path, "--ledger", scanned.ledger, "--format", "json"])
        XCTAssertEqual(result.status, 4, result.stderr)
        let only = try XCTUnwrap(try rows(result).first)
        XCTAssertEqual(only.string("status"), "not-final")
        XCTAssertTrue(only.string("reason")?.contains("data younger than 24 h may still arrive") == true)
    }

    // MARK: - Bad input

    func testBadInputIsAClearErrorNeverASilentMatch() throws {
        let scanned = try scannedSamples()
        func run(_ bills: [String], _ extra: [String] = []) throws -> CLI.Result {
            try CLI.run(["reconcile"] + bills.flatMap { ["--bill", $0] } + ["--ledger", scanned.ledger, "--item-map", itemMap] + extra)
        }
        let notABill = try run([bill("bad-not-a-bill.json"), bill("samples-itemized.csv")])
        XCTAssertEqual(notABill.status, 1)
        XCTAssertTrue(notABill.stderr.contains("bad-not-a-bill.json: not a bill ClipMeter reads"), notABill.stderr)
        XCTAssertTrue(notABill.stdout.contains("MATCH (9)"), "the readable file is still compared")

        let missing = try run(["/nonexistent/bill.csv", bill("samples-itemized.csv")])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("/nonexistent/bill.csv: cannot be read:"), missing.stderr)

        let headers = try run([bill("bad-unknown-headers.csv")])
        XCTAssertEqual(headers.status, 1)
        XCTAssertTrue(headers.stderr.contains("columns not recognised: Bill Period, Service, Amount"), headers.stderr)

        let api = try run([bill("bad-api-error.json")])
        XCTAssertEqual(api.status, 1)
        XCTAssertTrue(api.stderr.contains("InvalidParameter"), api.stderr)

        let overlap = try run([bill("samples-itemized.csv"), bill("samples-describe-daily.json")])
        XCTAssertEqual(overlap.status, 1)
        XCTAssertTrue(overlap.stderr.contains("is already in"), overlap.stderr)

        let currencies = try run([bill("bad-mixed-currencies.json")])
        XCTAssertEqual(currencies.status, 2)
        XCTAssertTrue(currencies.stderr.contains("in CNY and USD"), currencies.stderr)

        let noBill = try CLI.run(["reconcile", "--ledger", scanned.ledger])
        XCTAssertEqual(noBill.status, 2)
        XCTAssertTrue(noBill.stderr.contains("pass at least one --bill FILE"), noBill.stderr)

        let noLedger = try CLI.run(["reconcile", "--bill", bill("samples-itemized.csv"), "--ledger", "/nonexistent/ledger.sqlite"])
        XCTAssertEqual(noLedger.status, 2)
        XCTAssertTrue(noLedger.stderr.contains("ledger /nonexistent/ledger.sqlite: no such file"), noLedger.stderr)

        let badMap = try TestMedia.temporaryDirectory("reconcile-map").appendingPathComponent("map.yaml").path
        try "items:\n  - billingItemCode: x\n    feature: teleportation\n".write(toFile: badMap, atomically: true, encoding: .utf8)
        let map = try CLI.run(["reconcile", "--bill", bill("samples-itemized.csv"), "--ledger", scanned.ledger, "--item-map", badMap])
        XCTAssertEqual(map.status, 2)
        XCTAssertTrue(map.stderr.contains("items[0].feature \"teleportation\" is not a feature"), map.stderr)
        XCTAssertFalse((notABill.stderr + headers.stderr + map.stderr).contains("Fatal error"))
    }

    func testHostileNamesInABillStayText() throws {
        let scanned = try scannedSamples()
        let name = "<script>alert(1)</script>\u{07}\nInjected"
        let text =
            "Usage Start Time,Billing Item,Usage,Usage Unit,Pretax Gross Amount,Currency\n"
            + "2026-11-20 08:00:00,\"\(name)\",1,Minute,0.10,CNY\n"
        let path = try TestMedia.temporaryDirectory("reconcile-hostile").appendingPathComponent("hostile.csv").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let html = try CLI.run(["reconcile", "--bill", path, "--ledger", scanned.ledger, "--format", "html"])
        XCTAssertEqual(html.status, 4, html.stderr)
        XCTAssertFalse(html.stdout.contains("<script>"))
        XCTAssertTrue(html.stdout.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        let table = try CLI.run(["reconcile", "--bill", path, "--ledger", scanned.ledger])
        XCTAssertFalse(table.stdout.contains("\u{07}"))
        XCTAssertTrue(table.stdout.contains("<script>alert(1)</script>\\x07\\nInjected"), "escaped as every terminal text: \(table.stdout)")
        let json = try CLI.run(["reconcile", "--bill", path, "--ledger", scanned.ledger, "--format", "json"])
        XCTAssertEqual(try rows(json).first { $0.string("status") == "unmapped-item" }?.string("billingItem"), name)
    }

    func testAPostgreSQLLedgerReconcilesLikeTheFile() throws {
        guard let url = ProcessInfo.processInfo.environment["CLIPMETER_TEST_POSTGRES_URL"], !url.isEmpty else {
            throw XCTSkip("CLIPMETER_TEST_POSTGRES_URL is not set (eval \"$(scripts/postgres-test-cluster)\")")
        }
        let schema = "reconcile_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        defer { _ = try? TestMedia.run("/usr/bin/env", ["psql", url, "-X", "-q", "-c", "DROP SCHEMA IF EXISTS \(schema) CASCADE"]) }
        let samples = try CLI.samplesCopy()
        let scan = try CLI.run(
            ["scan", "--oss-map", ossMap, "--ledger", url, "--ledger-schema", schema, "--format", "json", "."], in: samples)
        XCTAssertEqual(scan.status, 0, scan.stderr)
        let result = try CLI.run([
            "reconcile", "--bill", bill("samples-describe-daily.json"), "--ledger", url, "--ledger-schema", schema,
            "--item-map", itemMap, "--format", "json",
        ])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertEqual(((try result.json() as? [String: Any])?["totals"] as? [String: Any])?.string("clipmeter"), "5.5587")
    }
}

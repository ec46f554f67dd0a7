import Billing
import Foundation
import Quantities
import XCTest
@testable import Reconcile

/// Each designed finding of the "statuses" bill comes out with its status and a reason that says what to do.
final class ReconcilerTests: XCTestCase {
    private let zone = Fixtures.shanghai
    /// Long after October 2026's bill became final.
    private let later = DateText.parse("2027-01-10T00:00:00+08:00")!

    private func reconcile(
        _ reading: BillReading, _ side: ClipMeterSide, card: RateCard? = nil, now: Date? = nil,
        map: ItemMap? = nil
    ) throws -> ReconcileReport {
        let reconciler = Reconciler(
            card: try card ?? Fixtures.card(), itemMap: try map ?? Fixtures.itemMap(), timeZone: zone,
            now: now ?? later)
        return try reconciler.reconcile(reading, side)
    }

    private func row(_ report: ReconcileReport, _ hour: Int) -> [ReconciledRow] {
        report.rows.filter { Calendar.billingForTest(zone).component(.hour, from: $0.period.start) == hour }
    }

    func testEveryStatusIsReachedWithItsReason() throws {
        let card = try Fixtures.card()
        let report = try reconcile(try Fixtures.read("statuses-itemized-zh.csv"), Fixtures.side(Fixtures.statusJobs(), card: card))
        XCTAssertEqual(report.errors, [])
        XCTAssertEqual(report.exitCode, 4)
        XCTAssertEqual(Set(report.rows.map(\.status)), Set(RowStatus.allCases).subtracting([.notFinal]))
        XCTAssertEqual(row(report, 8).map(\.status), [.match])
        XCTAssertEqual(row(report, 8).first?.roundingAgreement, "both")
        let price = try XCTUnwrap(row(report, 9).first)
        XCTAssertEqual(price.status, .priceDiffers)
        XCTAssertTrue(
            price.reason.contains("list price is 0.17 CNY/min where card cn says 0.163: the card is stale by +0.007"), price.reason)
        let usage = try XCTUnwrap(row(report, 10).first)
        XCTAssertEqual(usage.status, .usageDiffers)
        XCTAssertEqual(usage.usageDifference, 1)
        XCTAssertTrue(usage.reason.contains("the bill counts 4 min, ClipMeter 3 per task"), usage.reason)
        let amount = try XCTUnwrap(row(report, 11).first)
        XCTAssertEqual(amount.status, .amountDiffers)
        XCTAssertEqual(amount.difference, Decimal(string: "0.3"))
        let plan = try XCTUnwrap(row(report, 12).first)
        XCTAssertEqual(plan.status, .coveredByPlan)
        XCTAssertTrue(plan.reason.contains("paid by a resource package (2)"), plan.reason)
        XCTAssertEqual(plan.bill?.payable, 0)
        XCTAssertEqual(row(report, 13).map(\.status), [.billOnly])
        let lonely = try XCTUnwrap(row(report, 14).first)
        XCTAssertEqual(lonely.status, .clipmeterOnly)
        XCTAssertEqual(lonely.clipmeter?.jobs, ["sd-unbilled"])
        XCTAssertEqual(lonely.difference, Decimal(string: "-0.0326"))
        XCTAssertEqual((row(report, 15) + row(report, 16)).map(\.status), [.cycleShift, .cycleShift])
        XCTAssertTrue(row(report, 16)[0].reason.contains("billed in 2026-10-15 16:00 where ClipMeter puts them in 2026-10-15 15:00"))
        let unmapped = try XCTUnwrap(row(report, 17).first)
        XCTAssertEqual(unmapped.status, .unmappedItem)
        XCTAssertNil(unmapped.key)
        XCTAssertEqual(unmapped.proposed, [ItemKey(feature: .highlightExtraction), ItemKey(feature: .highlightMashup)])
        XCTAssertTrue(unmapped.reason.contains("matches highlight-extraction or highlight-mashup on card cn"), unmapped.reason)
        XCTAssertTrue(unmapped.reason.contains("add {billingItemCode: \"ims_unknown_item\", feature: …}"), unmapped.reason)
        // Totals: the bill's gross over every row, ClipMeter's cost over every row it has.
        XCTAssertEqual(report.billTotal, Decimal(string: "12.29"))
        XCTAssertEqual(report.clipmeterTotal, Decimal(string: "7.93625"))
        // Groups come out in the table's order: differences first, matches last.
        XCTAssertEqual(report.byStatus.last?.0, .match)
    }

    func testAMonthNotYetFinalIsNotFinalNeverAMatch() throws {
        let card = try Fixtures.card()
        let evening = DateText.parse("2026-10-15T20:00:00+08:00")!
        let report = try reconcile(
            try Fixtures.read("statuses-itemized.csv"), Fixtures.side(Fixtures.statusJobs(), card: card), now: evening)
        XCTAssertEqual(Set(report.rows.map(\.status)), [.notFinal, .unmappedItem])
        let first = try XCTUnwrap(report.rows.first { $0.status == .notFinal && $0.period.start == Fixtures.october15("08:00:00") })
        XCTAssertTrue(
            first.reason.contains(
                "data younger than 24 h may still arrive; the bill for 2026-10 is final after 2026-11-03T12:00:00+08:00; so far match"),
            first.reason)
        // Two days later the day is old enough, but the month is still open.
        let report2 = try reconcile(
            try Fixtures.read("statuses-itemized.csv"), Fixtures.side(Fixtures.statusJobs(), card: card),
            now: DateText.parse("2026-11-03T11:59:00+08:00")!)
        XCTAssertTrue(report2.rows.allSatisfy { $0.status == .notFinal || $0.status == .unmappedItem })
        XCTAssertEqual(report2.exitCode, 4)
    }

    func testHourlyCSVAndDailyPagesAgree() throws {
        let card = try Fixtures.card()
        // The hours where bill and jobs agree, seen hour by hour and as one day over two pages.
        let agreeing = Fixtures.statusJobs().filter { ["hd-match", "matching-plan"].contains($0.id) }
        let hourlyRows = try Fixtures.read("statuses-itemized.csv").rows.filter {
            [8, 12].contains(Calendar.billingForTest(zone).component(.hour, from: $0.period.start))
        }
        var hourly = BillReading()
        hourly.rows = hourlyRows
        let byHour = try reconcile(hourly, Fixtures.side(agreeing, card: card))
        XCTAssertEqual(byHour.rows.map(\.status).sorted(), [.coveredByPlan, .match])
        let text = """
            {"Data": {"BillingCycle": "2026-10", "Items": [
              {"BillingDate": "2026-10-15", "ProductCode": "ice", "BillingItemCode": "H264.HD", "BillingItem": "普通转码 H264.HD", "Usage": "1.5",
               "UsageUnit": "Minute", "ListPrice": "0.0651", "ListPriceUnit": "元/分钟", "PretaxGrossAmount": 0.1, "PretaxAmount": 0.1, "Currency": "CNY"},
              {"BillingDate": "2026-10-15", "ProductCode": "ice", "BillingItemCode": "ims_batch_itm_common", "Usage": "2", "UsageUnit": "Minute",
               "ListPrice": "0.3", "ListPriceUnit": "元/分钟", "PretaxGrossAmount": 0.6, "PretaxAmount": 0, "DeductedByResourcePackage": "2", "Currency": "CNY"}]},
             "RequestId": "r", "Success": true, "Code": "Success"}
            """
        let byDay = try reconcile(try BillFile.read(Data(text.utf8), file: "day.json", zone: zone), Fixtures.side(agreeing, card: card))
        XCTAssertEqual(byDay.rows.map(\.status).sorted(), [.coveredByPlan, .match])
        XCTAssertTrue(byDay.rows.allSatisfy { $0.period.granularity == .day })
        XCTAssertEqual(byDay.billTotal, byHour.billTotal)
        XCTAssertEqual(byDay.clipmeterTotal, byHour.clipmeterTotal)
        XCTAssertEqual(
            byDay.rows.map { $0.clipmeter?.usage }.sorted { ($0 ?? 0) < ($1 ?? 0) },
            byHour.rows.map { $0.clipmeter?.usage }.sorted { ($0 ?? 0) < ($1 ?? 0) })
    }

    func testAPriceChangedOnTheCardIsPriceDiffers() throws {
        var card = try Fixtures.card()
        card.features["mps-transcode"]?.prices?.codecPrices["h264"]?["HD"] = Decimal(string: "0.07")
        // ClipMeter's costs come from the ledger as recorded; the card in use is what the list price is checked against.
        let report = try reconcile(
            try Fixtures.read("statuses-itemized.csv"), Fixtures.side(Fixtures.statusJobs(), card: Fixtures.card()), card: card)
        let hd = try XCTUnwrap(row(report, 8).first)
        XCTAssertEqual(hd.status, .priceDiffers)
        XCTAssertTrue(hd.reason.contains("where card cn says 0.07: the card is stale by -0.0049 CNY/min (-7%)"), hd.reason)
    }

    func testAJobMissingFromTheLedgerIsBillOnly() throws {
        let card = try Fixtures.card()
        let report = try reconcile(
            try Fixtures.read("statuses-itemized.csv"), Fixtures.side(Fixtures.statusJobs(leaving: ["extraction"]), card: card))
        let missing = try XCTUnwrap(row(report, 10).first)
        XCTAssertEqual(missing.status, .billOnly)
        XCTAssertNil(missing.clipmeter)
        XCTAssertEqual(missing.difference, 8)
        XCTAssertTrue(missing.reason.contains("charged 8.00 CNY for 4 Minute with no ClipMeter job in this period"), missing.reason)
    }

    func testTheBillAgreeingWithPerCycleRoundingIsSaid() throws {
        let card = try Fixtures.card()
        let jobs = (1...2).map { index in
            BillableJob(
                id: "short-\(index)", feature: .imageTextMatching, finishedAt: Fixtures.october15("08:1\(index):00"),
                inputs: [MeasuredMedia(path: "in\(index).mp4", seconds: 20)],
                outputs: [Fixtures.video("o\(index).mp4", 10, 640, 360, "h264")])
        }
        let text =
            "Usage Start Time,Billing Item Code,Billing Item,Usage,Usage Unit,List Price,List Price Unit,Pretax Gross Amount,Currency\n"
            + "2026-10-15 08:00:00,ims_batch_itm_common,x,1,Minute,0.3,元/分钟,0.30,CNY\n"
        let report = try reconcile(try BillFile.read(Data(text.utf8), file: "c.csv", zone: zone), Fixtures.side(jobs, card: card))
        let only = try XCTUnwrap(report.rows.first)
        XCTAssertEqual(only.roundingAgreement, "per-cycle")
        XCTAssertEqual(only.clipmeter?.usage, 2)
        XCTAssertEqual(only.clipmeter?.usagePerCycle, 1)
        XCTAssertEqual(only.status, .amountDiffers)
        XCTAssertTrue(only.reason.contains("price with --rounding per-cycle"), only.reason)
    }

    func testMixedCurrenciesAreRefused() throws {
        let card = try Fixtures.card()
        XCTAssertThrowsError(try reconcile(try Fixtures.read("bad-mixed-currencies.json"), ClipMeterSide())) { error in
            XCTAssertEqual((error as? ReconcileError)?.code, "mixed-currencies")
            XCTAssertTrue("\(error)".contains("the bill's rows are in CNY and USD"), "\(error)")
        }
        let usd = try RateCardLoader.bundled("intl-singapore")
        XCTAssertThrowsError(try reconcile(try Fixtures.read("statuses-itemized.csv"), Fixtures.side([], card: card), card: usd)) { error in
            XCTAssertTrue("\(error)".contains("the bill and rate card intl-singapore are in CNY and USD"), "\(error)")
        }
    }

    func testOverlappingPagesAreCountedOnceAndReported() throws {
        let card = try Fixtures.card()
        let side = Fixtures.side(Fixtures.statusJobs(), card: card)
        let once = try reconcile(try Fixtures.read("statuses-describe-daily.json"), side)
        let twice = try reconcile(try Fixtures.read("bad-overlapping-pages.json"), side)
        XCTAssertEqual(twice.errors.map(\.code), ["overlapping", "overlapping"])
        XCTAssertTrue(
            twice.errors[0].description.contains("is already in bad-overlapping-pages.json page 2 row 1"), twice.errors[0].description)
        XCTAssertEqual(twice.billTotal, once.billTotal)
        XCTAssertEqual(twice.exitCode, 1)
        // The hourly CSV and the daily pages of the same day are one bill seen twice.
        let both = try reconcile(try Fixtures.read("statuses-itemized.csv", "statuses-describe-daily.json"), side)
        XCTAssertEqual(both.errors.count, 6)
        XCTAssertEqual(both.billTotal, Decimal(string: "12.29"))
    }

    func testOtherProductsAndRowsOutsideTheSpanAreSaidNotCompared() throws {
        let text =
            "Usage Start Time,Product Code,Billing Item,Usage,Usage Unit,Pretax Gross Amount,Currency\n"
            + "2026-10-15 08:00:00,oss,Storage,10,GB,0.12,CNY\n"
            + "2026-10-15 08:00:00,mts,普通转码 H264.HD,1.5,Minute,0.10,CNY\n"
            + "2026-10-16 08:00:00,mts,普通转码 H264.HD,1,Minute,0.07,CNY\n"
        let reconciler = Reconciler(
            card: try Fixtures.card(), itemMap: .bundled, timeZone: zone, from: Fixtures.october15("00:00:00"),
            to: DateText.parse("2026-10-16T00:00:00+08:00")!, now: later)
        let report = try reconciler.reconcile(
            try BillFile.read(Data(text.utf8), file: "p.csv", zone: zone),
            Fixtures.side(Fixtures.statusJobs(), card: try Fixtures.card()))
        XCTAssertTrue(report.warnings.contains("rows of other products are not compared: oss (1)"))
        XCTAssertTrue(report.warnings.contains("1 bill row(s) outside --from/--to are not compared"))
        XCTAssertEqual(row(report, 8).map(\.status), [.match])
    }

    func testAnInstanceViewPageIsUnmappedAndSaysWhichViewToSave() throws {
        let text = """
            {"Data": {"BillingCycle": "2026-10", "Items": [{"BillingDate": "2026-10-15", "ProductCode": "ice", "InstanceID": "1;cn-shanghai;admin-1",
              "PretaxGrossAmount": 12.5, "Currency": "CNY"}]}, "Success": true, "Code": "Success"}
            """
        let report = try reconcile(try BillFile.read(Data(text.utf8), file: "instances.json", zone: zone), ClipMeterSide())
        let only = try XCTUnwrap(report.rows.first)
        XCTAssertEqual(only.status, .unmappedItem)
        XCTAssertTrue(only.reason.contains("save DescribeInstanceBill with IsBillingItem=true"), only.reason)
        XCTAssertEqual(report.exitCode, 4)
    }

    func testLineItemsAreKeyedAsTheBillNamesThem() throws {
        let card = try Fixtures.card()
        let jobs = [
            BillableJob(
                id: "script", feature: .scriptToVideo, finishedAt: Fixtures.october15("08:00:00"),
                outputs: [Fixtures.video("a.mp4", 30, 1080, 1920, "h264")]),
            BillableJob(
                id: "pro", feature: .videoEditing, finishedAt: Fixtures.october15("08:00:00"),
                outputs: [Fixtures.video("b.mp4", 30, 3840, 2160, "hevc")], edition: "professional"),
            BillableJob(
                id: "tokens", feature: .imageTextMatching, finishedAt: Fixtures.october15("08:00:00"),
                inputs: [MeasuredMedia(path: "i.mp4", seconds: 30)], tokens: 1500),
        ]
        let keys = Set(Fixtures.side(jobs, card: card).charges.map(\.key))
        XCTAssertEqual(
            keys,
            [
                ItemKey(feature: .videoEditing, edition: "basic", codec: "h264", tier: "HD"),
                ItemKey(feature: .videoEditing, edition: "professional", codec: "h265", tier: "4K"),
                ItemKey(feature: .imageTextMatching), ItemKey(feature: .textGeneration),
            ])
    }

    func testBadItemMapsNameTheirProblem() {
        func problem(_ text: String) -> String {
            do {
                _ = try ItemMap.load(Data(text.utf8), file: "map.yaml")
                return "loaded"
            } catch {
                return "\(error)"
            }
        }
        XCTAssertTrue(
            problem("items:\n  - billingItemCode: a\n    feature: colour-grading\n").contains(
                "items[0].feature \"colour-grading\" is not a feature"))
        XCTAssertTrue(problem("items:\n  - feature: video-editing\n").contains("items[0] names neither billingItemCode nor billingItem"))
        XCTAssertTrue(problem("entries: []\n").contains("no \"items\" list"))
        XCTAssertTrue(
            problem("items:\n  - billingItemCode: a\n    feature: video-editing\n    colour: red\n").contains(
                "items[0].colour is not a field"))
        XCTAssertTrue(problem("items: [").contains("not JSON or YAML"))
        // Aliases nested inside each other (an "alias bomb") are refused without being expanded.
        var bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n"
        for level in 1...8 {
            bomb +=
                "\(Character(UnicodeScalar(97 + level)!)): &\(Character(UnicodeScalar(97 + level)!)) ["
                + Array(repeating: "*\(Character(UnicodeScalar(96 + level)!))", count: 9).joined(separator: ", ") + "]\n"
        }
        bomb += "items:\n  - billingItemCode: *i\n    feature: video-editing\n"
        XCTAssertTrue(problem(bomb).contains("holds something other than plain values"), problem(bomb))
        let json =
            "{\"items\": [{\"billingItem\": \"视频剪辑 专业版\", \"feature\": \"video-editing\", \"edition\": \"professional\", \"codec\": \"HEVC\"}]}"
        XCTAssertEqual(problem(json), "loaded")
    }
}

extension Calendar {
    static func billingForTest(_ zone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }
}

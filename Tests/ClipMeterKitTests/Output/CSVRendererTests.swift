import Billing
@testable import ClipMeterKit
import XCTest

final class CSVRendererTests: XCTestCase {
    func testOneRowPerLineItemAnEmptyJobRowAndAFailureRow() throws {
        let report = try RenderFixtures.mixedReport()
        let rows = RenderFixtures.csvRows(BillRenderer.csv(report))
        XCTAssertEqual(rows[0], [
            "jobId", "feature", "status", "finishedAt", "cycleStart", "component", "quantity", "unit", "billedQuantity",
            "unitPrice", "cost", "currency", "explain", "file",
        ])
        let lineItems = report.bill.jobs.reduce(0) { $0 + $1.items.count }
        let emptyJobs = report.bill.jobs.filter { $0.items.isEmpty }.count
        XCTAssertEqual(emptyJobs, 1, "the failed job")
        XCTAssertEqual(rows.count - 1, lineItems + emptyJobs + report.failures.count)
        XCTAssertTrue(rows.allSatisfy { $0.count == 14 }, "\(rows.map(\.count))")

        let seed = rows.filter { $0[0] == "seed" }
        XCTAssertEqual(seed.map { $0[5] }, ["image-text-matching", "text-generation"])
        XCTAssertEqual(seed.map { $0[10] }, ["0.60", "0.12"])
        XCTAssertEqual(seed[0][3], "2024-05-01T08:30:00+08:00")
        XCTAssertEqual(seed[0][4], "2024-05-01T08:00:00+08:00")
        XCTAssertEqual(seed[1][12], "900 tokens → rounded up to 1,000 tokens = 1 × 0.12 CNY per 1,000 tokens = 0.12 CNY")

        let broken = try XCTUnwrap(rows.first { $0[0] == "broken" })
        XCTAssertEqual(broken[2], "failed")
        XCTAssertEqual(broken[5], "")
        XCTAssertEqual(broken[10], "0.00")
        XCTAssertEqual(broken[12], "InvalidParameter: no clips")

        let edit = try XCTUnwrap(rows.first { $0[0] == "edit-1" })
        XCTAssertEqual(edit[13], "renders/final cut.mp4")

        let failure = try XCTUnwrap(rows.last)
        XCTAssertEqual(failure[2], "error")
        XCTAssertEqual(failure[13], "jobs/x/inputs/corrupt.mp4")
        XCTAssertEqual(failure[12], "not-media: no audio or video stream")
    }

    func testCostColumnAddsUpToTheTotalExactly() throws {
        let report = try RenderFixtures.mixedReport()
        let rows = RenderFixtures.csvRows(BillRenderer.csv(report)).dropFirst()
        let sum = rows.reduce(Decimal(0)) { $0 + (Decimal(string: $1[10]) ?? -1_000_000) }
        XCTAssertEqual(sum, report.bill.total.amount)
    }

    func testJobIdWithCommaAndQuoteIsQuotedPerRFC4180() throws {
        let bill = try RenderFixtures.bill([RenderFixtures.hostileJob])
        let text = BillRenderer.csv(BillReport(bill: bill, title: "t"))
        let line = try XCTUnwrap(text.split(separator: "\n").dropFirst().first)
        XCTAssertTrue(line.hasPrefix(#""evil, ""quoted"" <script>alert('x')</script> & co",mps-transcode,"#), String(line))
        let rows = RenderFixtures.csvRows(text)
        XCTAssertEqual(rows.count, 2)
        XCTAssertEqual(rows[1][0], RenderFixtures.hostileID)
        XCTAssertEqual(rows[1].count, 14)
    }
}

final class FOCUSRendererTests: XCTestCase {
    private func table(_ report: BillReport) -> (header: [String], rows: [[String: String]]) {
        let rows = RenderFixtures.csvRows(BillRenderer.focus(report))
        let header = rows[0]
        return (header, rows.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) })
    }

    func testHeaderHasTheFOCUSColumns() throws {
        let (header, _) = table(try RenderFixtures.mixedReport())
        let required = [
            "BilledCost", "EffectiveCost", "ListCost", "ListUnitPrice", "PricingQuantity", "PricingUnit", "ConsumedQuantity",
            "ConsumedUnit", "ChargePeriodStart", "ChargePeriodEnd", "BillingCurrency", "ChargeCategory", "ChargeDescription",
            "ServiceName", "ResourceId", "RegionId", "ChargeFrequency", "ProviderName", "PublisherName", "InvoiceIssuerName",
        ]
        for column in required { XCTAssertTrue(header.contains(column), column) }
        XCTAssertEqual(Set(header).count, header.count, "no duplicate columns")
        let focus: Set = Set(required + [
            "ContractedCost", "ContractedUnitPrice", "PricingCategory", "BillingPeriodStart", "BillingPeriodEnd", "ChargeClass",
            "ServiceCategory", "RegionName", "ResourceName", "ResourceType", "SkuId", "SkuPriceId",
        ])
        let custom = header.filter { !focus.contains($0) }
        XCTAssertFalse(custom.isEmpty)
        XCTAssertTrue(custom.allSatisfy { $0.hasPrefix("x_") }, "custom columns carry FOCUS's x_ prefix: \(custom)")
    }

    func testChargePeriodIsTheShanghaiHourInUTC() throws {
        let (_, rows) = table(try RenderFixtures.mixedReport())
        let seed = try XCTUnwrap(rows.first { $0["x_JobId"] == "seed" })
        // 08:00–09:00 +08:00 is 00:00–01:00 UTC.
        XCTAssertEqual(seed["ChargePeriodStart"], "2024-05-01T00:00:00Z")
        XCTAssertEqual(seed["ChargePeriodEnd"], "2024-05-01T01:00:00Z")
        XCTAssertEqual(seed["BillingPeriodStart"], "2024-04-30T16:00:00Z", "May in Shanghai starts at 16:00 UTC the day before")
        let edit = try XCTUnwrap(rows.first { $0["x_JobId"] == "edit-1" })
        XCTAssertEqual(edit["ChargePeriodStart"], "2024-05-01T01:00:00Z")
        XCTAssertEqual(edit["ChargePeriodEnd"], "2024-05-01T02:00:00Z")
    }

    func testBilledCostSumsExactlyToTheBillTotal() throws {
        let report = try RenderFixtures.mixedReport()
        let (_, rows) = table(report)
        XCTAssertEqual(rows.count, report.bill.jobs.reduce(0) { $0 + $1.items.count }, "one row per line item")
        let billed = rows.reduce(Decimal(0)) { $0 + (Decimal(string: $1["BilledCost"] ?? "") ?? -1_000_000) }
        XCTAssertEqual(billed, report.bill.total.amount)
        XCTAssertEqual(MoneyText.string(billed), "1.101375", "0.72 + 0.081375 + 0.30, no float noise")
        XCTAssertTrue(rows.allSatisfy { $0["BilledCost"] == $0["EffectiveCost"] && $0["BillingCurrency"] == "CNY" })
    }

    func testDescriptionServiceResourceAndRegion() throws {
        let report = try RenderFixtures.mixedReport()
        let (_, rows) = table(report)
        let seed = try XCTUnwrap(rows.first { $0["x_JobId"] == "seed" })
        XCTAssertEqual(seed["ChargeDescription"], "(90 s + 23 s) / 60 = 1.88 min → rounded up to 2 min × 0.3 CNY/min = 0.60 CNY")
        XCTAssertEqual(seed["ServiceName"], "Intelligent Media Services")
        XCTAssertEqual(seed["ChargeCategory"], "Usage")
        XCTAssertEqual(seed["ChargeFrequency"], "Usage-Based")
        XCTAssertEqual(seed["ProviderName"], "Alibaba Cloud")
        XCTAssertEqual(seed["RegionId"], "cn-shanghai")
        XCTAssertEqual(seed["ResourceId"], "seed")
        XCTAssertEqual(seed["ListUnitPrice"], "0.30")
        XCTAssertEqual(seed["PricingQuantity"], "2")
        XCTAssertEqual(seed["ConsumedQuantity"], "113")

        let edit = try XCTUnwrap(rows.first { $0["x_JobId"] == "edit-1" })
        XCTAssertEqual(edit["ResourceId"], "edit-1/renders/final cut.mp4")

        let mps = table(BillReport(bill: try RenderFixtures.bill([RenderFixtures.hostileJob]), title: "t")).rows
        XCTAssertEqual(mps.first?["ServiceName"], "ApsaraVideo Media Processing")
        XCTAssertEqual(mps.first?["ResourceId"], RenderFixtures.hostileID + "/out/<b>x</b>.mp4")
        XCTAssertEqual(mps.first?["RegionId"], "", "no region in the report")
    }

    func testJobWithoutFinishTimeHasAnEmptyChargePeriod() throws {
        let undated = BillableJob(id: "undated", feature: .imageTextMatching, inputs: [RenderFixtures.file("a.mp4", "30")])
        let (_, rows) = table(BillReport(bill: try RenderFixtures.bill([undated]), title: "t"))
        XCTAssertEqual(rows.count, 1)
        XCTAssertEqual(rows[0]["ChargePeriodStart"], "")
        XCTAssertEqual(rows[0]["ChargePeriodEnd"], "")
        XCTAssertEqual(rows[0]["BilledCost"], "0.30")
    }
}

/// Issue 12 defect 10: text a spreadsheet would run as a formula is neutralised; numbers stay numbers.
final class CSVInjectionTests: XCTestCase {
    func testFormulaTriggersGetAQuoteInsideTheQuotedField() throws {
        let job = BillableJob(id: "=HYPERLINK(\"http://x\",\"y\")", feature: .mpsTranscode,
                              finishedAt: RenderFixtures.instant("2024-05-01T09:50:00+08:00"),
                              outputs: [RenderFixtures.file("@SUM(1+1).mp4", "30", 1280, 720, codec: "h264")])
        let report = BillReport(bill: try RenderFixtures.bill([job]),
                                failures: [BillReport.Failure(path: "+cmd|' /C calc'!A0", jobID: "-2+3", code: .media(.notMedia),
                                                              message: "\tbad")],
                                title: "t", region: "cn")
        for text in [BillRenderer.csv(report), BillRenderer.focus(report)] {
            XCTAssertTrue(text.contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""), text)
            XCTAssertFalse(text.contains(",=") || text.contains(",@") || text.contains(",+") || text.contains("\n="), text)
            XCTAssertFalse(text.split(separator: ",").contains { $0.hasPrefix("-2") }, text)
        }
        let csv = BillRenderer.csv(report)
        XCTAssertTrue(csv.contains("\"'+cmd|' /C calc'!A0\""), csv)
        XCTAssertTrue(csv.contains("\"'-2+3\""), csv)
        XCTAssertTrue(csv.contains("\"'@SUM(1+1).mp4\""), csv)
    }

    func testNumbersStayNumbers() {
        XCTAssertEqual(CSV.field("-0.50"), "-0.50")
        XCTAssertEqual(CSV.field("+3"), "+3")
        XCTAssertEqual(CSV.field("-"), "\"'-\"")
        XCTAssertEqual(CSV.field("=1+2"), "\"'=1+2\"")
        XCTAssertEqual(CSV.field("plain"), "plain")
    }
}

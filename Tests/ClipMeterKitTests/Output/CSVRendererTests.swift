import Billing
@testable import ClipMeterKit
import XCTest

final class CSVRendererTests: XCTestCase {
    func testOneRowPerLineItemAnEmptyJobRowAndAFailureRow() throws {
        let report = try RenderFixtures.mixedReport()
        let rows = RenderFixtures.csvRows(BillRenderer.csv(report))
        XCTAssertEqual(
            rows[0],
            [
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

/// Issue 12 defect 10: text a spreadsheet would run as a formula is neutralised; numbers stay numbers.
final class CSVInjectionTests: XCTestCase {
    func testFormulaTriggersGetAQuoteInsideTheQuotedField() throws {
        let job = BillableJob(
            id: "=HYPERLINK(\"http://x\",\"y\")", feature: .mpsTranscode,
            finishedAt: RenderFixtures.instant("2024-05-01T09:50:00+08:00"),
            outputs: [RenderFixtures.file("@SUM(1+1).mp4", "30", 1280, 720, codec: "h264")])
        let report = BillReport(
            bill: try RenderFixtures.bill([job]),
            failures: [
                BillReport.Failure(
                    path: "+cmd|' /C calc'!A0", jobID: "-2+3", code: .media(.notMedia),
                    message: "\tbad")
            ],
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

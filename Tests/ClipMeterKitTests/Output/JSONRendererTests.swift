import Billing
@testable import ClipMeterKit
import XCTest

final class JSONRendererTests: XCTestCase {
    /// The ledger stores the billing model's own Codable form: it reads back equal, warnings still by kind
    /// (a boundary stays a boundary however its words read), while the JSON bill shows the words.
    func testThePricedJobsOwnFormRoundTripsWithTypedWarnings() throws {
        let jobs = [
            RenderFixtures.seedJob, RenderFixtures.editJob, RenderFixtures.failedJob, RenderFixtures.boundaryJob,
            RenderFixtures.hostileJob,
        ]
        for card in ["cn", "intl-singapore"] {
            let bill = try RenderFixtures.bill(jobs, card: card)
            let decoder = JSONDecoder()
            decoder.userInfo[Bill.currencyKey] = bill.currency
            var form = PricedJobJSON.LedgerForm()
            for job in bill.jobs {
                let decoded = try decoder.decode(PricedJob.self, from: Data(form.json(job).rendered().utf8))
                XCTAssertEqual(decoded.diagnostics, job.diagnostics, "\(job.id) on \(card)")
                XCTAssertEqual(decoded.items, job.items, "\(job.id) on \(card)")
                XCTAssertEqual(decoded.cost, job.cost)
                let shown = try RenderFixtures.jsonObject(PricedJobJSON.shown(job).rendered())
                XCTAssertEqual(shown["warnings"] as? [String], Wording.warnings(of: job))
            }
        }
        let boundary = try XCTUnwrap(try RenderFixtures.bill([RenderFixtures.boundaryJob]).jobs.first)
        XCTAssertTrue(boundary.diagnostics.contains(where: \.isBoundary))
    }

    func testSeedJSONHasSpecKeysMoneyStringsAndEmptyErrors() throws {
        let bill = try RenderFixtures.bill([RenderFixtures.seedJob])
        let text = BillRenderer.json(BillReport(bill: bill, title: "seed"))
        let object = try RenderFixtures.jsonObject(text)

        XCTAssertEqual(
            Set(object.keys),
            ["currency", "total", "rateCard", "rounding", "totalComplete", "unknownCosts", "jobs", "cycles", "warnings", "errors"])
        XCTAssertEqual(object["total"] as? String, "0.72")
        XCTAssertEqual(object["totalComplete"] as? Bool, true)
        XCTAssertEqual(object["unknownCosts"] as? Int, 0)
        XCTAssertEqual(object["currency"] as? String, "CNY")
        XCTAssertEqual(object["rateCard"] as? String, "cn")
        XCTAssertEqual((object["errors"] as? [Any])?.count, 0, "errors is always present")
        let job = try XCTUnwrap((object["jobs"] as? [[String: Any]])?.first)
        XCTAssertEqual(job["cost"] as? String, "0.72")
        let items = try XCTUnwrap(job["items"] as? [[String: Any]])
        XCTAssertEqual(items.map { $0["cost"] as? String }, ["0.60", "0.12"])
        XCTAssertEqual(items.first?["unitPrice"] as? String, "0.30")

        // Pretty-printed with SPEC's key order at the top.
        XCTAssertTrue(text.hasPrefix("{\n  \"currency\": \"CNY\",\n  \"total\": \"0.72\",\n  \"rateCard\": \"cn\","), text)
        XCTAssertTrue(text.contains("\"measured\": 113"), "exact numbers stay exact")
    }

    func testJSONIsTheBillsOwnEncodingPlusErrors() throws {
        let report = try RenderFixtures.mixedReport()
        let rendered = try RenderFixtures.jsonObject(BillRenderer.json(report))
        XCTAssertEqual(
            Set(rendered.keys),
            ["currency", "total", "rateCard", "rounding", "totalComplete", "unknownCosts", "jobs", "cycles", "warnings", "errors"])
        XCTAssertEqual(rendered["warnings"] as? [String], Wording.warningLines(report))
        let shownJobs = try XCTUnwrap(rendered["jobs"] as? [[String: Any]])
        XCTAssertEqual(shownJobs.count, report.bill.jobs.count)
        for (shown, job) in zip(shownJobs, report.bill.jobs) {
            XCTAssertEqual(shown["id"] as? String, job.id)
            XCTAssertEqual(shown["cost"] as? String, job.cost.map(MoneyText.string))
            XCTAssertEqual(shown["warnings"] as? [String], Wording.warnings(of: job), "warnings in words, from the typed ones")
            XCTAssertEqual((shown["items"] as? [Any])?.count, job.items.count)
        }
        XCTAssertEqual((rendered["cycles"] as? [Any])?.count, report.bill.cycles.count)

        let errors = try XCTUnwrap(rendered["errors"] as? [[String: Any]])
        XCTAssertEqual(errors.count, 1)
        XCTAssertTrue(report.bill.jobs.allSatisfy { $0.unknown == nil })
        XCTAssertEqual(rendered["totalComplete"] as? Bool, false, "job x could not be measured, so the total leaves it out")
        XCTAssertEqual(rendered["unknownCosts"] as? Int, 1)
        XCTAssertEqual(errors[0]["path"] as? String, "jobs/x/inputs/corrupt.mp4")
        XCTAssertEqual(errors[0]["jobId"] as? String, "x")
        let error = try XCTUnwrap(errors[0]["error"] as? [String: Any])
        XCTAssertEqual(error["code"] as? String, "not-media")
        XCTAssertEqual(error["message"] as? String, "no audio or video stream")
    }

    func testFailureWithoutJobHasNullJobId() throws {
        let report = BillReport(
            bill: try RenderFixtures.bill([]),
            failures: [BillReport.Failure(path: "clipmeter.yaml", code: .invalidJob, message: "line 3: no feature")],
            title: "t"
        )
        let object = try RenderFixtures.jsonObject(BillRenderer.json(report))
        let error = try XCTUnwrap((object["errors"] as? [[String: Any]])?.first)
        XCTAssertTrue(error["jobId"] is NSNull)
        XCTAssertEqual(object["total"] as? String, "0.00")
        XCTAssertEqual(object["totalComplete"] as? Bool, false, "0.00 is not the bill: a source was left out")
        XCTAssertEqual(object["unknownCosts"] as? Int, 1)
        XCTAssertEqual((object["jobs"] as? [Any])?.count, 0)
    }

    func testNDJSONJobLinesAndSummaryLine() throws {
        let report = try RenderFixtures.mixedReport()
        var total = Decimal(0)
        for job in report.bill.jobs {
            let line = BillRenderer.ndjsonJob(job)
            XCTAssertFalse(line.contains("\n"), "one line per job")
            let object = try RenderFixtures.jsonObject(line)
            XCTAssertEqual(object["id"] as? String, job.id)
            XCTAssertEqual(object["cost"] as? String, job.cost.map(MoneyText.string))
            XCTAssertNotNil(object["items"] as? [Any])
            total += try XCTUnwrap(Decimal(string: try XCTUnwrap(object["cost"] as? String)))
        }
        XCTAssertEqual(total, report.bill.total.amount, "job lines add up to the summary's total")

        let summaryLine = BillRenderer.ndjsonSummary(report)
        XCTAssertFalse(summaryLine.contains("\n"))
        XCTAssertTrue(summaryLine.hasPrefix("{\"type\":\"summary\","), summaryLine)
        let summary = try RenderFixtures.jsonObject(summaryLine)
        XCTAssertEqual(
            Set(summary.keys),
            ["type", "currency", "total", "rateCard", "rounding", "totalComplete", "unknownCosts", "cycles", "warnings", "errors"])
        XCTAssertEqual(summary["total"] as? String, MoneyText.string(report.bill.total))
        XCTAssertEqual((summary["cycles"] as? [Any])?.count, 2)
        XCTAssertEqual((summary["errors"] as? [Any])?.count, 1)
    }

    func testHostileStringsRoundTrip() throws {
        let bill = try RenderFixtures.bill([RenderFixtures.hostileJob])
        let line = BillRenderer.ndjsonJob(bill.jobs[0])
        let object = try RenderFixtures.jsonObject(line)
        XCTAssertEqual(object["id"] as? String, RenderFixtures.hostileID)
        let item = try XCTUnwrap((object["items"] as? [[String: Any]])?.first)
        XCTAssertEqual(item["file"] as? String, "out/<b>x</b>.mp4")
    }
}

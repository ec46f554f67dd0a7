import Billing
import ClipMeterKit
import XCTest

final class JSONRendererTests: XCTestCase {
    func testTheDirectJobJSONIsExactlyTheJobsCodableForm() throws {
        let jobs = [RenderFixtures.seedJob, RenderFixtures.editJob, RenderFixtures.failedJob, RenderFixtures.boundaryJob,
                    RenderFixtures.hostileJob]
        for card in ["cn", "intl-singapore"] {
            for job in try RenderFixtures.bill(jobs, card: card).jobs {
                XCTAssertEqual(BillRenderer.jobJSON(job).rendered(pretty: true, indent: 2),
                               BillRenderer.encodedJobJSON(job).rendered(pretty: true, indent: 2), "\(job.id) on \(card)")
            }
        }
        let unpriced = try RenderFixtures.bill([BillableJob(id: "undated", feature: "video-editing",
                                                            outputs: [RenderFixtures.file("odd.mp4", "0.000001", 5000, 5000)])])
        for job in unpriced.jobs {
            XCTAssertEqual(BillRenderer.jobJSON(job).rendered(), BillRenderer.encodedJobJSON(job).rendered())
        }
    }

    func testSeedJSONHasSpecKeysMoneyStringsAndEmptyErrors() throws {
        let bill = try RenderFixtures.bill([RenderFixtures.seedJob])
        let text = BillRenderer.json(BillReport(bill: bill, title: "seed"))
        let object = try RenderFixtures.jsonObject(text)

        XCTAssertEqual(Set(object.keys), ["currency", "total", "rateCard", "rounding", "jobs", "cycles", "warnings", "errors"])
        XCTAssertEqual(object["total"] as? String, "0.72")
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
        let own = try XCTUnwrap(JSONSerialization.jsonObject(with: JSONEncoder().encode(report.bill)) as? NSDictionary)
        let withoutErrors = NSMutableDictionary(dictionary: rendered)
        withoutErrors.removeObject(forKey: "errors")
        XCTAssertEqual(withoutErrors, own, "same keys and values as Bill.encode(to:)")

        let errors = try XCTUnwrap(rendered["errors"] as? [[String: Any]])
        XCTAssertEqual(errors.count, 1)
        XCTAssertEqual(errors[0]["path"] as? String, "jobs/x/inputs/corrupt.mp4")
        XCTAssertEqual(errors[0]["jobId"] as? String, "x")
        let error = try XCTUnwrap(errors[0]["error"] as? [String: Any])
        XCTAssertEqual(error["code"] as? String, "not-media")
        XCTAssertEqual(error["message"] as? String, "no audio or video stream")
    }

    func testFailureWithoutJobHasNullJobId() throws {
        let report = BillReport(
            bill: try RenderFixtures.bill([]),
            failures: [BillReport.Failure(path: "clipmeter.yaml", code: "invalid-job", message: "line 3: no feature")],
            title: "t"
        )
        let object = try RenderFixtures.jsonObject(BillRenderer.json(report))
        let error = try XCTUnwrap((object["errors"] as? [[String: Any]])?.first)
        XCTAssertTrue(error["jobId"] is NSNull)
        XCTAssertEqual(object["total"] as? String, "0.00")
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
        XCTAssertEqual(total, report.bill.total, "job lines add up to the summary's total")

        let summaryLine = BillRenderer.ndjsonSummary(report)
        XCTAssertFalse(summaryLine.contains("\n"))
        XCTAssertTrue(summaryLine.hasPrefix("{\"type\":\"summary\","), summaryLine)
        let summary = try RenderFixtures.jsonObject(summaryLine)
        XCTAssertEqual(Set(summary.keys), ["type", "currency", "total", "rateCard", "rounding", "cycles", "warnings", "errors"])
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

    func testParserKeepsNumbersAsWrittenAndUnescapes() throws {
        let value = try JSONValue.parse(Data(#"{"b":0.1000000000000000055511151231257827,"a":["\u00e9\ud83d\ude00\"\/"],"n":null}"#.utf8))
        XCTAssertEqual(value["b"], .number("0.1000000000000000055511151231257827"))
        XCTAssertEqual(value["a"], .array([.string("é😀\"/")]))
        XCTAssertEqual(value["n"], .null)
        XCTAssertEqual(value.ordered(["n", "a"]).rendered(), #"{"n":null,"a":["é😀\"/"],"b":0.1000000000000000055511151231257827}"#)
        XCTAssertThrowsError(try JSONValue.parse(Data("{\"a\":1} x".utf8)))
    }
}

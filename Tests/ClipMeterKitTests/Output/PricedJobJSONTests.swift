import Billing
import Foundation
import XCTest

@testable import ClipMeterKit

/// The one encoding of a priced job (`PricedJobJSON`), as the JSON bill shows it: the keys of docs/contract.md,
/// money as strings, quantities as numbers, and a document `Bill`'s decoder reads back.
final class PricedJobJSONTests: XCTestCase {
    func testJSONShapeHasSpecKeysAndMoneyStrings() throws {
        let bill = try RenderFixtures.bill([RenderFixtures.seedJob])
        let object = try RenderFixtures.jsonObject(BillRenderer.json(BillReport(bill: bill, title: "seed")))
        XCTAssertEqual(object["total"] as? String, "0.72")
        XCTAssertEqual(object["currency"] as? String, "CNY")
        XCTAssertEqual(object["rateCard"] as? String, "cn")
        XCTAssertEqual(object["rounding"] as? String, "per-task")

        let job = try XCTUnwrap((object["jobs"] as? [[String: Any]])?.first)
        for key in ["id", "feature", "status", "cost", "items"] { XCTAssertNotNil(job[key], key) }
        XCTAssertEqual(job["cost"] as? String, "0.72")
        XCTAssertEqual(job["status"] as? String, "succeeded")
        XCTAssertEqual(job["finishedAt"] as? String, "2024-05-01T08:30:00+08:00")
        XCTAssertEqual(job["cycleStart"] as? String, "2024-05-01T08:00:00+08:00")

        let item = try XCTUnwrap((job["items"] as? [[String: Any]])?.first)
        for key in ["component", "quantity", "unit", "billedQuantity", "unitPrice", "cost", "explain"] {
            XCTAssertNotNil(item[key], key)
        }
        XCTAssertEqual(item["cost"] as? String, "0.60")
        XCTAssertEqual(item["unitPrice"] as? String, "0.30")
        XCTAssertEqual(item["unit"] as? String, "minute")
        XCTAssertEqual((item["billedQuantity"] as? NSNumber)?.intValue, 2, "quantities are JSON numbers")
        XCTAssertEqual(try XCTUnwrap(item["quantity"] as? NSNumber).doubleValue, 1.883333, accuracy: 1e-9)

        let cycle = try XCTUnwrap((object["cycles"] as? [[String: Any]])?.first)
        XCTAssertEqual(cycle["total"] as? String, "0.72")
        XCTAssertEqual(cycle["start"] as? String, "2024-05-01T08:00:00+08:00")
        XCTAssertEqual(cycle["end"] as? String, "2024-05-01T09:00:00+08:00")
    }

    func testAnUnpricedItemSaysNullInBothForms() throws {
        var item = try XCTUnwrap(try RenderFixtures.bill([RenderFixtures.seedJob]).jobs.first?.items.first)
        item.unitPrice = nil
        for form in [PricedJobJSON.Form.shown, .stored(diagnostics: [])] {
            let object = try RenderFixtures.jsonObject(PricedJobJSON.item(item, form).rendered())
            XCTAssertTrue(object["unitPrice"] is NSNull, "an unpriced item says null, not 0")
        }
    }

    func testTheJSONBillReadsBackAsTheSameBill() throws {
        let bill = try RenderFixtures.bill([RenderFixtures.seedJob])
        let text = BillRenderer.json(BillReport(bill: bill, title: "seed"))
        let decoded = try JSONDecoder().decode(Bill.self, from: Data(text.utf8))
        XCTAssertEqual(decoded.total, bill.total)
        XCTAssertEqual(decoded.jobs[0].cost, bill.jobs[0].cost)
        XCTAssertEqual(decoded.jobs[0].items, bill.jobs[0].items)
        XCTAssertEqual(decoded.jobs[0].finishedAt, bill.jobs[0].finishedAt)
        XCTAssertEqual(decoded.cycles, bill.cycles)
        XCTAssertEqual(PricedJobJSON.shown(decoded.jobs[0]), PricedJobJSON.shown(bill.jobs[0]))
    }
}

/// The three layouts of the one JSON writer.
final class JSONValueLayoutTests: XCTestCase {
    func testCompactSpacedAndPretty() {
        let value: JSONValue = .object([("a", .array([.number(1), .null])), ("b", .string("x"))])
        XCTAssertEqual(value.rendered(), #"{"a":[1,null],"b":"x"}"#)
        XCTAssertEqual(value.rendered(layout: .spaced), #"{"a": [1, null], "b": "x"}"#)
        XCTAssertEqual(value.rendered(pretty: true), "{\n  \"a\": [\n    1,\n    null\n  ],\n  \"b\": \"x\"\n}")
    }
}

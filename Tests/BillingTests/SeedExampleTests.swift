import Billing
import Foundation
import XCTest

/// The seed's worked example (seed 000): image-text matching, 90 s in, 23 s out, 900 tokens, 08:00–09:00.
final class SeedExampleTests: XCTestCase {
    private var seedJob: BillableJob {
        BillableJob(
            id: "seed", feature: .imageTextMatching, finishedAt: instant("2024-05-01T08:30:00+08:00"),
            inputs: [media("in.mp4", "90")], outputs: [media("out.mp4", "23")], tokens: 900
        )
    }

    func testChinaSiteComesToExactly072CNY() throws {
        let bill = try price([seedJob])
        XCTAssertEqual(bill.currency, "CNY")
        XCTAssertEqual(bill.total.amount, dec("0.72"))
        let job = bill.jobs[0]
        XCTAssertEqual(job.cost?.amount, dec("0.72"))
        XCTAssertEqual(job.items.count, 2)

        let video = job.items[0]
        XCTAssertEqual(video.component, "image-text-matching")
        XCTAssertEqual(video.measured, 113)
        XCTAssertEqual(video.billedQuantity, 2)
        XCTAssertEqual(video.unitPrice, dec("0.3"))
        XCTAssertEqual(video.cost, dec("0.6"))
        XCTAssertEqual(video.explain, "(90 s + 23 s) / 60 = 1.88 min → rounded up to 2 min × 0.3 CNY/min = 0.60 CNY")

        let tokens = job.items[1]
        XCTAssertEqual(tokens.component, "text-generation")
        XCTAssertEqual(tokens.billedQuantity, 1)
        XCTAssertEqual(tokens.cost, dec("0.12"))
        XCTAssertEqual(tokens.explain, "900 tokens → rounded up to 1,000 tokens = 1 × 0.12 CNY per 1,000 tokens = 0.12 CNY")

        XCTAssertTrue(bill.explainLines().contains("  Total 0.60 + 0.12 = 0.72 CNY"), "\(bill.explainLines())")
        XCTAssertEqual(bill.warnings, [], "verified seed prices must not warn")
    }

    func testSeedCycleIsEightToNineShanghai() throws {
        let bill = try price([seedJob])
        XCTAssertEqual(bill.cycles.count, 1)
        let cycle = bill.cycles[0]
        XCTAssertEqual(cycle.start, instant("2024-05-01T08:00:00+08:00"))
        XCTAssertEqual(cycle.end, instant("2024-05-01T09:00:00+08:00"))
        XCTAssertEqual(cycle.total.amount, dec("0.72"))
        XCTAssertEqual(cycle.byFeature, ["image-text-matching": dec("0.6"), "text-generation": dec("0.12")])
    }

    func testInternationalUSSiliconValleyComesTo0145USD() throws {
        let bill = try price([seedJob], card: "intl-us-silicon-valley")
        XCTAssertEqual(bill.currency, "USD")
        XCTAssertEqual(bill.total.amount, dec("0.145"))
        XCTAssertEqual(bill.jobs[0].items.map(\.cost), [dec("0.12"), dec("0.025")])
        XCTAssertEqual(try jsonObject(bill)["total"] as? String, "0.145")
    }

    func testSingaporeMatchesUSAndMainlandIsCheaper() throws {
        XCTAssertEqual(try price([seedJob], card: "intl-singapore").total.amount, dec("0.145"))
        // 2 × 0.04 + 0.017
        XCTAssertEqual(try price([seedJob], card: "intl-cn-mainland").total.amount, dec("0.097"))
    }

    func testJSONShapeHasSpecKeysAndMoneyStrings() throws {
        let object = try jsonObject(try price([seedJob]))
        XCTAssertEqual(Set(object.keys), ["currency", "total", "rateCard", "rounding", "jobs", "cycles", "warnings"])
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

    func testBillRoundTripsThroughJSON() throws {
        let bill = try price([seedJob])
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(bill)
        let decoded = try JSONDecoder().decode(Bill.self, from: data)
        XCTAssertEqual(decoded.total, bill.total)
        XCTAssertEqual(decoded.jobs[0].items[0].explain, bill.jobs[0].items[0].explain)
        XCTAssertEqual(decoded.jobs[0].finishedAt, bill.jobs[0].finishedAt)
        XCTAssertEqual(try encoder.encode(decoded), data)
    }

    func testMoneyStringsKeepAtLeastTwoDecimals() {
        XCTAssertEqual(MoneyText.string(dec("0.6")), "0.60")
        XCTAssertEqual(MoneyText.string(dec("12")), "12.00")
        XCTAssertEqual(MoneyText.string(dec("0.0651")), "0.0651")
        XCTAssertEqual(MoneyText.string(dec("0.024738")), "0.024738")
        XCTAssertEqual(MoneyText.string(0), "0.00")
        XCTAssertEqual(MoneyText.string(dec("1234567.5")), "1234567.50")
    }
}

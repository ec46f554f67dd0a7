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
        XCTAssertEqual(MoneyText.string(bill.total), "0.145")
    }

    func testSingaporeMatchesUSAndMainlandIsCheaper() throws {
        XCTAssertEqual(try price([seedJob], card: "intl-singapore").total.amount, dec("0.145"))
        // 2 × 0.04 + 0.017
        XCTAssertEqual(try price([seedJob], card: "intl-cn-mainland").total.amount, dec("0.097"))
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

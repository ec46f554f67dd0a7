import Billing
import Foundation
import Quantities
import XCTest

/// Job costs are Money: a bill collected from past jobs adds them up as Money, so amounts priced in two currencies
/// are refused, never silently added.
final class MoneyCollectingTests: XCTestCase {
    private let hour = Date(timeIntervalSince1970: 1_700_002_800)  // top of an hour

    private func job(_ id: String, _ amount: String, _ currency: String, cycle: Date? = nil) -> PricedJob {
        PricedJob(
            id: id, feature: .imageTextMatching, status: .succeeded, cost: Money(dec(amount), currency), items: [],
            diagnostics: [], finishedAt: cycle, cycleStart: cycle, reason: nil)
    }

    func testJobsInOneCurrencyAddUpAsMoney() throws {
        let bill = try Bill(
            collecting: [
                job("a", "0.72", "CNY", cycle: hour), job("b", "0.3", "CNY", cycle: hour),
                job("c", "1.5", "CNY"),
            ],
            currency: "CNY", rateCard: "cn", rounding: "as recorded")
        XCTAssertEqual(bill.total, Money(dec("2.52"), "CNY"))
        XCTAssertEqual(bill.cycles.map(\.total), [Money(dec("1.02"), "CNY")])
    }

    func testJobsInTwoCurrenciesAreNotAddedUp() {
        // Both in the same hour, and one outside any cycle: neither the cycle nor the bill total may add them.
        for jobs in [
            [job("a", "0.72", "CNY", cycle: hour), job("b", "0.145", "USD", cycle: hour)],
            [job("a", "0.72", "CNY"), job("b", "0.145", "USD")],
        ] {
            XCTAssertThrowsError(try Bill(collecting: jobs, currency: "CNY", rateCard: "cn+intl-singapore", rounding: "as recorded")) {
                XCTAssertEqual($0 as? CurrencyMismatch, CurrencyMismatch(currencies: ["CNY", "USD"]))
            }
        }
        XCTAssertThrowsError(
            try Bill(
                collecting: [job("b", "0.145", "USD")], currency: "CNY", rateCard: "cn",
                rounding: "as recorded"), "a job in another currency than the bill's")
    }

    func testAnUnknownCostIsNoAmountInAnyCurrency() throws {
        var unknown = job("u", "0", "CNY")
        unknown.cost = nil
        unknown.unknown = .unbounded(field: "outputs", detail: "not known before the job runs")
        let bill = try Bill(collecting: [job("a", "0.72", "CNY"), unknown], currency: "CNY", rateCard: "cn", rounding: "as recorded")
        XCTAssertEqual(bill.total, Money(dec("0.72"), "CNY"))
        XCTAssertNil(bill.jobs[1].cost, "unknown is never zero")
        XCTAssertNil(bill.jobs[1].knownCost)
    }

    /// Ledger rows written before amounts were Money carry no currency in the job: the decoder is told it.
    func testAJobWithoutCurrencyReadsTheDecodersCurrency() throws {
        let row = Data(
            """
            {"id":"old","feature":"image-text-matching","status":"succeeded","cost":"0.60","costRange":{"low":"0.30","high":"0.60"},
             "items":[],"warnings":["an old note"],"finishedAt":null,"cycleStart":null,"reason":null}
            """.utf8)
        let decoder = JSONDecoder()
        decoder.userInfo[Bill.currencyKey] = "USD"
        let decoded = try decoder.decode(PricedJob.self, from: row)
        XCTAssertEqual(decoded.cost, Money(dec("0.6"), "USD"))
        XCTAssertEqual(decoded.costLow, Money(dec("0.3"), "USD"))

        // Inside a bill, the bill names the currency.
        let document = Data(
            """
            {"currency":"CNY","total":"0.72","rateCard":"cn","rounding":"per-task","jobs":[{"id":"seed",
             "feature":"image-text-matching","status":"succeeded","cost":"0.72","items":[],"finishedAt":null,
             "cycleStart":null,"reason":null,"warnings":[]}],"cycles":[],"warnings":[]}
            """.utf8)
        let bill = try JSONDecoder().decode(Bill.self, from: document)
        XCTAssertEqual(bill.jobs.first?.cost, Money(dec("0.72"), "CNY"))
    }
}

import Foundation
import Quantities
import XCTest

final class QuantityTypesTests: XCTestCase {
    private func d(_ text: String) -> Decimal { Decimal(string: text)! }

    func testSecondsAddExactlyAndBecomeMinutesOnlyOnRequest() {
        let total = [Seconds(d("90")), Seconds(d("23")), Seconds(d("0.1")), Seconds(d("0.2"))].sum()
        XCTAssertEqual(total, Seconds(d("113.3")), "0.1 + 0.2 is exactly 0.3 in seconds")
        XCTAssertEqual(Seconds(d("90")).minutes, d("1.5"))
        XCTAssertEqual(Seconds(d("30")) * 3, Seconds(d("90")))
        XCTAssertLessThan(Seconds(d("59.98")), Seconds(d("60.02")))
        XCTAssertEqual([Seconds]().sum(), .zero)
    }

    func testSecondsEncodeAsTheBareNumberTheyReplace() throws {
        let encoded = String(decoding: try JSONEncoder().encode([Seconds(d("59.98"))]), as: UTF8.self)
        XCTAssertEqual(encoded, "[59.98]")
        XCTAssertEqual(try JSONDecoder().decode([Seconds].self, from: Data("[113.5]".utf8)), [Seconds(d("113.5"))])
    }

    func testMoneyAddsOnlyWithinOneCurrency() {
        XCTAssertEqual(Money(d("0.60"), "CNY").adding(Money(d("0.12"), "CNY")), Money(d("0.72"), "CNY"))
        XCTAssertNil(Money(1, "CNY").adding(Money(1, "USD")), "no exchange rate in a bill")
        XCTAssertEqual(try Money.sum([Money(d("0.3"), "USD"), Money(d("0.15"), "USD")], currency: "USD").get(), Money(d("0.45"), "USD"))
        switch Money.sum([Money(1, "CNY"), Money(1, "USD")], currency: "CNY") {
        case .success(let total): XCTFail("summed across currencies: \(total)")
        case .failure(let mismatch): XCTAssertEqual(mismatch.currencies, ["CNY", "USD"])
        }
    }
}

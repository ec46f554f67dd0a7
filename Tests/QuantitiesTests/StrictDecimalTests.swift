import Foundation
import XCTest
@testable import Quantities

/// Issue 11: one strict parser; every text that the old prefix parsers half-read is refused whole.
final class StrictDecimalTests: XCTestCase {
    func testPlainNumbersAreExact() {
        XCTAssertEqual(StrictDecimal.value("14.9"), Decimal(string: "14.9"))
        XCTAssertEqual(StrictDecimal.value("  90 "), 90)
        XCTAssertEqual(StrictDecimal.value("+2.5"), Decimal(string: "2.5"))
        XCTAssertEqual(StrictDecimal.value("-0.5"), Decimal(string: "-0.5"))
        XCTAssertEqual(StrictDecimal.value(".5"), Decimal(string: "0.5"))
        XCTAssertEqual(StrictDecimal.value("5."), 5)
        XCTAssertEqual(StrictDecimal.value("1e3"), 1000)
        XCTAssertEqual(StrictDecimal.value("1.5E-2"), Decimal(string: "0.015"))
        XCTAssertEqual(StrictDecimal.value("0.000000000000000000000000000000000000000000001"), Decimal(string: "1e-45"))
    }

    func testTrailingTextAndNonNumbersAreRefused() {
        for text in [
            "1-2", "1.2.3", "12abc", "NaN", "nan", "inf", "-inf", "Infinity", "0x10", "1e", "e5", ".", "-",
            "1 2", "1,5", "١٢", "--1", "1e+", "½",
        ] {
            guard case .failure(.notDecimal) = StrictDecimal.parse(text) else {
                return XCTFail("\(text) should be refused as not a decimal, got \(StrictDecimal.parse(text))")
            }
        }
        XCTAssertEqual(StrictDecimal.parse("   "), .failure(.empty))
    }

    func testValuesDecimalCannotHoldAreRefusedNotRounded() {
        for text in ["1e400", "1e128", "1e-400", "1e99999", "123456789012345678901234567890123456789"] {
            guard case .failure(.outOfRange) = StrictDecimal.parse(text) else {
                return XCTFail("\(text) should be out of range, got \(StrictDecimal.parse(text))")
            }
        }
        XCTAssertEqual(StrictDecimal.value("1e127"), Decimal(string: "1e127"))
        XCTAssertEqual(StrictDecimal.value("1000000000000000000000000000000000000000000000"), Decimal(string: "1e45"))
    }

    func testMessagesNameTheText() {
        XCTAssertEqual(
            StrictDecimal.Problem.notDecimal("1-2").description,
            "expected a plain decimal number such as 12 or 2.5, found \"1-2\"")
    }
}

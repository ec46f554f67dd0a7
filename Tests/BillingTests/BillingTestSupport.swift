import Billing
import Quantities
import Foundation
import TestSupport
import XCTest

/// Decimal from a literal string, so test figures are exact.
func dec(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> Decimal {
    guard let value = Decimal(string: text) else {
        XCTFail("bad decimal literal \(text)", file: file, line: line)
        return 0
    }
    return value
}

/// An ISO 8601 instant.
func instant(_ text: String) -> Date {
    let formatter = ISO8601DateFormatter()
    return formatter.date(from: text) ?? Date(timeIntervalSince1970: 0)
}

func media(
    _ path: String, _ seconds: String, _ width: Int? = nil, _ height: Int? = nil, codec: String? = nil,
    alternatives: [String: String] = [:]
) -> MeasuredMedia {
    MeasuredMedia(
        path: path, seconds: Seconds(dec(seconds)), width: width, height: height, codec: codec,
        alternativeSeconds: alternatives.mapValues { Seconds(dec($0)) }
    )
}

func card(_ id: String) throws -> RateCard { try RateCardLoader.bundled(id) }

func price(_ jobs: [BillableJob], card id: String = "cn", options: PricingOptions = PricingOptions()) throws -> Bill {
    Pricer(card: try card(id), options: options).price(jobs)
}

func priceOne(_ job: BillableJob, card id: String = "cn", options: PricingOptions = PricingOptions()) throws -> PricedJob {
    let bill = try price([job], card: id, options: options)
    return bill.jobs[0]
}

extension SeededGenerator {
    /// Milliseconds-exact seconds in [0, maxSeconds].
    mutating func seconds(upTo maxSeconds: Int) -> Decimal {
        Decimal(Int.random(in: 0...(maxSeconds * 1000), using: &self)) / 1000
    }
}

import Foundation
import Ledger
import XCTest

@testable import ClipMeterKit

/// `bill --summary` through the writers every output uses: the bytes the command printed when it built them
/// by hand.
final class CycleTotalsRendererTests: XCTestCase {
    private let zone = TimeZone(identifier: "Asia/Shanghai")!

    private func report() throws -> CycleTotalsReport {
        let start = RenderFixtures.instant("2026-11-20T00:00:00Z")
        return try CycleTotalsReport(
            cycles: [
                CycleTotal(start: start, currency: "CNY", jobs: 3, total: "0.8068"),
                CycleTotal(start: nil, currency: "CNY", jobs: 12, total: "0.5"),
            ], timeZone: zone)
    }

    func testJSONIsOneSpacedLine() throws {
        XCTAssertEqual(
            CycleTotalsRenderer.render(try report(), format: "json"),
            #"{"currency": "CNY", "total": "1.3068", "cycles": [{"start": "2026-11-20T08:00:00+08:00", "end": "2026-11-20T09:00:00+08:00", "jobs": 3, "total": "0.8068"}, {"start": null, "end": null, "jobs": 12, "total": "0.5"}]}"#
        )
        let empty = try CycleTotalsReport(cycles: [], timeZone: zone)
        XCTAssertEqual(CycleTotalsRenderer.json(empty), #"{"currency": "", "total": "0.00", "cycles": []}"#)
    }

    func testCSVAndTable() throws {
        XCTAssertEqual(
            CycleTotalsRenderer.render(try report(), format: "csv"),
            """
            cycle_start,cycle_end,jobs,total,currency
            2026-11-20T08:00:00+08:00,2026-11-20T09:00:00+08:00,3,0.8068,CNY
            ,,12,0.5,CNY
            """)
        XCTAssertEqual(
            CycleTotalsRenderer.render(try report(), format: "table"),
            """
            CYCLE START                 JOBS  TOTAL
            2026-11-20T08:00:00+08:00      3  0.8068
            (no finish time)              12  0.5
            Total 1.3068 CNY in 15 job(s), 1 cycle(s)
            """)
    }

    func testTwoCurrenciesAreNoOneTotal() {
        XCTAssertThrowsError(
            try CycleTotalsReport(
                cycles: [
                    CycleTotal(start: nil, currency: "CNY", jobs: 1, total: "1"),
                    CycleTotal(start: nil, currency: "USD", jobs: 1, total: "1"),
                ], timeZone: zone)
        ) { error in
            XCTAssertEqual("\(error)", "the ledger holds jobs priced in CNY and USD; bill one currency at a time")
        }
    }
}

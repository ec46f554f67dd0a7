import Foundation
import XCTest
@testable import Billing

/// Issue 12 defect 11: billing hours that never overlap, and dates that always read back.
final class CycleAndDateEdgeTests: XCTestCase {
    func testHourlyCyclesNeverOverlapAcrossHalfHourDSTShifts() throws {
        let zone = try XCTUnwrap(TimeZone(identifier: "Australia/Lord_Howe"))
        // Lord_Howe leaves DST on 2026-04-05 (02:00 +11:00 → 01:30 +10:30) and enters it on 2026-10-04.
        for (from, to) in [("2026-04-04T12:00:00Z", "2026-04-05T00:00:00Z"), ("2026-10-03T12:00:00Z", "2026-10-04T00:00:00Z")] {
            var instant = try XCTUnwrap(ISO8601DateFormatter().date(from: from))
            let end = try XCTUnwrap(ISO8601DateFormatter().date(from: to))
            var cycles: [DateInterval] = []
            while instant < end {
                let cycle = BillingCycle.hour(containing: instant, in: zone)
                XCTAssertTrue(cycle.contains(instant) && instant < cycle.end, "\(instant) outside \(cycle)")
                XCTAssertEqual(cycle.duration, 3600)
                if cycles.last != cycle { cycles.append(cycle) }
                instant += 300
            }
            for (a, b) in zip(cycles, cycles.dropFirst()) {
                XCTAssertEqual(a.end, b.start, "cycles \(a) and \(b) overlap or leave a gap")
            }
        }
    }

    func testWholeHourZonesKeepTheirLocalHours() throws {
        let shanghai = try XCTUnwrap(TimeZone(identifier: "Asia/Shanghai"))
        let instant = try XCTUnwrap(ISO8601DateFormatter().date(from: "2024-05-01T00:30:00Z"))
        XCTAssertEqual(
            DateText.string(BillingCycle.hour(containing: instant, in: shanghai).start, in: shanghai),
            "2024-05-01T08:00:00+08:00")
        let berlin = try XCTUnwrap(TimeZone(identifier: "Europe/Berlin"))
        let summer = try XCTUnwrap(ISO8601DateFormatter().date(from: "2024-07-01T10:20:00Z"))
        XCTAssertEqual(
            DateText.string(BillingCycle.hour(containing: summer, in: berlin).start, in: berlin),
            "2024-07-01T12:00:00+02:00")
    }

    func testTheLastSecondOfYear9999ReadsBack() throws {
        let last = try XCTUnwrap(DateText.parse("9999-12-31T23:59:59Z"))
        for zone in ["Asia/Shanghai", "Pacific/Kiritimati", "UTC", "America/New_York"] {
            let text = DateText.string(last, in: try XCTUnwrap(TimeZone(identifier: zone)))
            XCTAssertFalse(text.hasPrefix("10000"), "\(zone): \(text)")
            XCTAssertEqual(DateText.parse(text), last, "\(zone): \(text)")
        }
        let shanghai = try XCTUnwrap(TimeZone(identifier: "Asia/Shanghai"))
        let ordinary = try XCTUnwrap(DateText.parse("2026-11-20T00:40:00Z"))
        XCTAssertEqual(DateText.string(ordinary, in: shanghai), "2026-11-20T08:40:00+08:00")
    }
}

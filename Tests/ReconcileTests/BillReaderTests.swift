import Billing
import Foundation
import XCTest
@testable import Reconcile

/// Every bill format is told from its content and read into the same rows; what is not a bill says so.
final class BillReaderTests: XCTestCase {
    private let zone = Fixtures.shanghai

    private func totals(_ reading: BillReading) -> (usage: Decimal, gross: Decimal, rows: Int) {
        (reading.rows.compactMap(\.usage).reduce(0, +), reading.rows.compactMap(\.gross).reduce(0, +), reading.rows.count)
    }

    func testEveryFormatOfOneBillHoldsTheSameUsageAndMoney() throws {
        let hourly = try Fixtures.read("statuses-itemized.csv")
        XCTAssertEqual(hourly.rows.count, 8)
        XCTAssertTrue(hourly.rows.allSatisfy { $0.period.granularity == .hour && $0.source == .itemizedCSV })
        XCTAssertEqual(totals(hourly).gross, Decimal(string: "12.29"))
        XCTAssertEqual(totals(hourly).usage, Decimal(string: "14.5"))
        for name in [
            "statuses-itemized-zh.csv", "statuses-describe-daily.json", "statuses-describe-monthly.json", "statuses-query-monthly.json",
        ] {
            let reading = try Fixtures.read(name)
            XCTAssertTrue(reading.errors.isEmpty, "\(name): \(reading.errors)")
            XCTAssertEqual(totals(reading).gross, totals(hourly).gross, name)
            XCTAssertEqual(totals(reading).usage, totals(hourly).usage, name)
        }
        let daily = try Fixtures.read("statuses-describe-daily.json")
        XCTAssertEqual(daily.rows.count, 6, "one row per day and billing item, over three pages")
        XCTAssertTrue(daily.rows.allSatisfy { $0.period.granularity == .day && $0.source == .describeInstanceBill })
        XCTAssertEqual(Set(daily.rows.map(\.location)).count, 6)
        XCTAssertTrue(daily.rows.contains { $0.location.hasPrefix("statuses-describe-daily.json page 3") })
        let query = try Fixtures.read("statuses-query-monthly.json")
        XCTAssertTrue(
            query.rows.allSatisfy { $0.period.granularity == .month && $0.source == .queryInstanceBill && $0.billingItemCode == nil })
    }

    func testChineseHeadersWithABOMReadAsTheEnglishOnes() throws {
        let english = try Fixtures.read("statuses-itemized.csv").rows
        let chinese = try Fixtures.read("statuses-itemized-zh.csv").rows
        XCTAssertTrue(try Fixtures.data("statuses-itemized-zh.csv").starts(with: [0xEF, 0xBB, 0xBF]))
        XCTAssertEqual(english.count, chinese.count)
        for (a, b) in zip(english, chinese) {
            XCTAssertEqual(a.period, b.period)
            XCTAssertEqual(a.billingItem, b.billingItem)
            XCTAssertEqual(a.usage, b.usage)
            XCTAssertEqual(a.usageUnit, b.usageUnit)
            XCTAssertEqual(a.listPrice, b.listPrice)
            XCTAssertEqual(a.gross, b.gross)
            XCTAssertEqual(a.currency, "CNY")
            XCTAssertEqual(a.deductions.resourcePackage, b.deductions.resourcePackage)
        }
        // Only the Chinese export carries 应付金额 and 计费项Code.
        XCTAssertNil(english[0].payable)
        XCTAssertEqual(chinese[4].payable, 0)
        XCTAssertEqual(chinese[0].billingItemCode, "H264.HD")
    }

    func testACSVWithUnknownHeadersNamesThem() throws {
        XCTAssertThrowsError(try Fixtures.read("bad-unknown-headers.csv")) { error in
            guard case ReconcileError.missingColumns(_, let missing, let unrecognised)? = error as? ReconcileError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(unrecognised, ["Bill Period", "Service", "Amount"])
            XCTAssertTrue(missing.contains { $0.hasPrefix("Billing Item") })
            XCTAssertTrue(missing.contains { $0.hasPrefix("Pretax Gross Amount") })
            XCTAssertTrue("\(error)".contains("columns not recognised: Bill Period, Service, Amount"))
        }
        let extra =
            "Usage Start Time,Usage End Time,Billing Item,Usage,Usage Unit,Pretax Gross Amount,Currency,Shoe Size\n"
            + "2026-10-15 08:00:00,2026-10-15 09:00:00,普通转码 H264.HD,1.5,Minute,0.10,CNY,42\n"
        let reading = try BillFile.read(Data(extra.utf8), file: "extra.csv", zone: zone)
        XCTAssertEqual(reading.rows.count, 1)
        XCTAssertEqual(reading.warnings, ["extra.csv: columns not recognised, not read: Shoe Size"])
    }

    func testWhatIsNoBillIsRefusedWithItsReason() throws {
        func refusal(_ data: Data) -> String {
            do {
                _ = try BillFile.read(data, file: "x", zone: zone)
                return "read"
            } catch let error as ReconcileError {
                return error.code + ": " + error.description
            } catch {
                return "\(error)"
            }
        }
        XCTAssertTrue(
            refusal(try Fixtures.data("bad-not-a-bill.json")).hasPrefix(
                "not-a-bill: x: not a bill ClipMeter reads (a JSON object with keys"))
        XCTAssertTrue(refusal(Data()).contains("an empty file"))
        XCTAssertTrue(refusal(Data([0x00, 0xFF, 0xFE, 0x12])).contains("binary data"))
        XCTAssertTrue(refusal(Data("hello, world\nthis is not a bill\n".utf8)).contains("names no bill column"))
        XCTAssertTrue(refusal(Data("{\"Data\": [1, 2]}".utf8)).contains("no Time and Duration"))
        XCTAssertTrue(refusal(Data("[]".utf8)).contains("an empty JSON list"))
        XCTAssertTrue(refusal(Data("{\"Items\": ".utf8)).contains("JSON that does not parse"))
        let api = refusal(try Fixtures.data("bad-api-error.json"))
        XCTAssertTrue(api.hasPrefix("api-error"), api)
        XCTAssertTrue(api.contains("InvalidParameter: The specified BillingCycle is invalid."), api)
    }

    func testARowThatCannotBeReadIsAnErrorAndTheOthersAreRead() throws {
        let text =
            "Usage Start Time,Billing Item,Usage,Usage Unit,Pretax Gross Amount\n"
            + "2026-10-15 08:00:00,普通转码 H264.HD,1.5,Minute,0.10\n"
            + "2026-10-15 09:00:00,普通转码 H264.HD,one and a half,Minute,0.10\n"
            + "2026-13-15 10:00:00,普通转码 H264.HD,1,Minute,0.07\n"
            + "2026-10-15 11:00:00,普通转码 H264.HD,1,Minute,\"1,234.50\"\n"
        let reading = try BillFile.read(Data(text.utf8), file: "b.csv", zone: zone)
        XCTAssertEqual(reading.rows.count, 2)
        XCTAssertEqual(reading.rows[1].gross, Decimal(string: "1234.5"))
        XCTAssertEqual(reading.errors.map(\.location), ["b.csv row 3", "b.csv row 4"])
        XCTAssertTrue(reading.errors[0].description.contains("Usage: expected a plain decimal number"))
        XCTAssertTrue(reading.errors[1].description.contains("2026-13-15 10:00:00 is not a date and time"))
        XCTAssertTrue(reading.warnings.contains { $0.contains("no Currency column") })
    }

    func testABillingDateOrCycleThatIsNoDateNamesItsColumn() throws {
        let csv =
            "Billing Date,Billing Cycle,Billing Item,Usage,Usage Unit,Pretax Gross Amount\n"
            + "2026-10-15,2026-10,普通转码 H264.HD,1,Minute,0.07\n"
            + "2026-10-32,2026-10,普通转码 H264.HD,1,Minute,0.07\n"
            + ",2026-Oct,普通转码 H264.HD,1,Minute,0.07\n"
            + ",2026-10,普通转码 H264.HD,1,Minute,0.07\n"
        let reading = try BillFile.read(Data(csv.utf8), file: "d.csv", zone: zone)
        XCTAssertEqual(reading.rows.count, 2, "a row with a good date or only a good cycle is read")
        XCTAssertEqual(reading.errors.map(\.location), ["d.csv row 3", "d.csv row 4"])
        XCTAssertTrue(reading.errors[0].description.contains("Billing Date 2026-10-32 is not YYYY-MM-DD"), "\(reading.errors[0])")
        XCTAssertTrue(reading.errors[1].description.contains("Billing Cycle 2026-Oct is not YYYY-MM"), "\(reading.errors[1])")
    }

    func testMetersAreHourlyOrDailyByTheirTimes() throws {
        let hourly = try Fixtures.read("statuses-meter-convert.json")
        XCTAssertEqual(hourly.rows.map(\.billingItemCode), ["H265.SD", "H264.HD", "H264.4K"])
        XCTAssertTrue(hourly.rows.allSatisfy { $0.period.granularity == .hour && $0.source == .mediaConvertMeter && $0.gross == nil })
        // Two days at midnight in Shanghai, a day apart: a daily meter.
        let midnight = Int(DateText.parseForTest("2026-10-15T00:00:00+08:00").timeIntervalSince1970)
        let daily =
            "{\"RequestId\": \"r\", \"Data\": [{\"Time\": \(midnight), \"Duration\": 12, \"Profile\": \"HD\"}, {\"Time\": \(midnight + 86400), \"Duration\": 3, \"Profile\": \"HD\"}]}"
        let rows = try BillFile.read(Data(daily.utf8), file: "m.json", zone: zone).rows
        XCTAssertEqual(rows.map(\.period.granularity), [.day, .day])
        XCTAssertEqual(rows.map(\.source), [.editMeter, .editMeter])
        XCTAssertEqual(ItemMap.bundled.key(for: rows[0]), ItemKey(feature: .videoEditing, tier: "HD"))
    }

    func testUsageUnitsConvertExactly() {
        XCTAssertEqual(UsageUnit.parse("秒")?.convert(750), Decimal(string: "12.5"))
        XCTAssertEqual(UsageUnit.parse("Second")?.convert(600), 10)
        XCTAssertEqual(UsageUnit.parse("小时")?.convert(2), 120)
        XCTAssertEqual(UsageUnit.parse("千Token")?.kind, .thousandTokens)
        XCTAssertEqual(UsageUnit.parse("Token")?.convert(3000), 3)
        XCTAssertEqual(UsageUnit.parse("万Token")?.convert(1), 10)
        XCTAssertEqual(UsageUnit.ofPrice("元/秒")?.convertPrice(Decimal(string: "0.005")!), Decimal(string: "0.3"))
        XCTAssertEqual(UsageUnit.ofPrice("CNY/Minute")?.convertPrice(2), 2)
        XCTAssertNil(UsageUnit.parse("GB"))
    }

    func testTimesWithAnOffsetAreReadByArithmeticAsTheFormatterReadsThem() {
        for text in [
            "2026-11-20T08:40:00+08:00", "2026-10-15T15:59:50+08:00", "2024-02-29T23:59:59Z", "1999-12-31T16:00:00-08:00",
            "2026-03-01T00:00:00+05:30",
        ] {
            XCTAssertEqual(BillDates.withOffset(text), DateText.parse(text), text)
        }
        XCTAssertNil(BillDates.withOffset("2026-11-20T08:40:00.5+08:00"))
        XCTAssertNil(BillDates.withOffset("2026-13-20T08:40:00+08:00"))
        XCTAssertEqual(BillDates.instant("2026-11-20T08:40:00.250+08:00", zone: zone), DateText.parse("2026-11-20T08:40:00.250+08:00"))
        XCTAssertEqual(BillDates.instant("2026-11-20 08:40", zone: zone), DateText.parse("2026-11-20T08:40:00+08:00"))
    }

    func testMPSItemsAreKnownByCodeAndName() {
        let period = Period.containing(Fixtures.october15("08:00:00"), .hour, in: zone)
        func key(code: String?, name: String?) -> ItemKey? {
            ItemMap.bundled.key(for: BillRow(location: "x", source: .itemizedCSV, period: period, billingItemCode: code, billingItem: name))
        }
        XCTAssertEqual(key(code: "H264.HD", name: nil), ItemKey(feature: .mpsTranscode, codec: "h264", tier: "HD"))
        XCTAssertEqual(key(code: nil, name: "普通转码 H265.4K"), ItemKey(feature: .mpsTranscode, codec: "h265", tier: "4K"))
        XCTAssertEqual(key(code: "H265_8K", name: nil), ItemKey(feature: .mpsTranscode, codec: "h265", tier: "8K"))
        XCTAssertNil(key(code: "ims_batch_itm_common", name: "智能生产 图文匹配（通用场景）"))
    }
}

extension DateText {
    static func parseForTest(_ text: String) -> Date { parse(text)! }
}

import Billing
@testable import ClipMeterKit
import Foundation
import XCTest

/// The FOCUS export against FOCUS 1.2: the columns it must have, periods on every row, ASCII strings, decimal
/// quantities, FOCUS's own service lists, the configured account, and jobs it cannot place in an hour.
final class FOCUSRendererTests: XCTestCase {
    private func table(_ report: BillReport) -> (header: [String], rows: [[String: String]]) {
        let rows = RenderFixtures.csvRows(BillRenderer.focus(report))
        let header = rows[0]
        return (header, rows.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) })
    }

    /// Columns FOCUS 1.2 says MUST be present whatever the provider supports.
    static let mandatory = [
        "BilledCost", "BillingAccountId", "BillingAccountName", "BillingCurrency", "BillingPeriodEnd", "BillingPeriodStart",
        "ChargeCategory", "ChargeClass", "ChargeDescription", "ChargePeriodEnd", "ChargePeriodStart", "ContractedCost",
        "EffectiveCost", "InvoiceIssuerName", "ListCost", "PricingQuantity", "PricingUnit", "ProviderName",
        "PublisherName", "ServiceCategory", "ServiceName",
    ]
    /// Columns FOCUS 1.2 recommends.
    static let recommended = ["ChargeFrequency", "InvoiceId", "ServiceSubcategory"]
    /// The FOCUS 1.0 columns the export wrote before, which FOCUS 1.0 readers look for.
    static let focus10 = [
        "ListUnitPrice", "ContractedUnitPrice", "PricingCategory", "ConsumedQuantity", "ConsumedUnit", "RegionId",
        "RegionName", "ResourceId", "ResourceName", "ResourceType", "SkuId", "SkuPriceId",
    ]
    /// FOCUS 1.2's ServiceSubcategory values under the Media category.
    static let mediaSubcategories: Set = ["Content Creation", "Gaming", "Media Streaming", "Mixed Reality", "Other (Media)"]

    /// A report holding Chinese and accented ids and file names, MPS and IMS jobs, and the seed's arithmetic.
    private func unicodeReport() throws -> BillReport {
        let transcode = BillableJob(
            id: "转码-1", feature: .mpsTranscode, finishedAt: RenderFixtures.instant("2024-05-01T09:50:00+08:00"),
            outputs: [RenderFixtures.file("渲染 é.mp4", "30", 1920, 1080, codec: "h264")])
        return BillReport(
            bill: try RenderFixtures.bill([RenderFixtures.seedJob, transcode, RenderFixtures.editJob]), title: "t",
            region: "cn-上海")
    }

    func testHeaderHasTheFOCUS12MandatoryAndRecommendedColumnsAndKeepsTheFOCUS10Ones() throws {
        let (header, _) = table(try RenderFixtures.mixedReport())
        for column in Self.mandatory + Self.recommended + Self.focus10 { XCTAssertTrue(header.contains(column), column) }
        XCTAssertEqual(Set(header).count, header.count, "no duplicate columns")
        let custom = header.filter { !Set(Self.mandatory + Self.recommended + Self.focus10).contains($0) }
        XCTAssertEqual(custom, ["x_JobId", "x_Feature", "x_JobStatus", "x_RateCard", "x_Rounding", "x_File", "x_Warnings"])
        XCTAssertEqual(BillRenderer.focusVersion, "1.2")
    }

    func testEveryRowHasAnHourlyChargePeriodInsideItsMonthlyBillingPeriod() throws {
        let report = try RenderFixtures.mixedReport()
        let (_, rows) = table(report)
        XCTAssertEqual(rows.count, report.bill.jobs.reduce(0) { $0 + $1.items.count })
        for row in rows {
            let times = ["ChargePeriodStart", "ChargePeriodEnd", "BillingPeriodStart", "BillingPeriodEnd"].map { column -> Date? in
                let text = row[column] ?? ""
                XCTAssertTrue(text.hasSuffix("Z"), "\(column) in UTC: \(text)")
                return DateText.parse(text)
            }
            guard let chargeStart = times[0], let chargeEnd = times[1], let billingStart = times[2], let billingEnd = times[3] else {
                return XCTFail("a period is missing or unreadable: \(row)")
            }
            XCTAssertEqual(chargeEnd.timeIntervalSince(chargeStart), 3600)
            XCTAssertTrue(billingStart <= chargeStart && chargeEnd <= billingEnd, "\(row)")
        }
        let seed = try XCTUnwrap(rows.first { $0["x_JobId"] == "seed" })
        // 08:00–09:00 +08:00 is 00:00–01:00 UTC; May in Shanghai starts at 16:00 UTC the day before.
        XCTAssertEqual(seed["ChargePeriodStart"], "2024-05-01T00:00:00Z")
        XCTAssertEqual(seed["ChargePeriodEnd"], "2024-05-01T01:00:00Z")
        XCTAssertEqual(seed["BillingPeriodStart"], "2024-04-30T16:00:00Z")
        XCTAssertEqual(seed["BillingPeriodEnd"], "2024-05-31T16:00:00Z")
    }

    func testFOCUSStringColumnsAreASCIIWhileTheXColumnsKeepTheOriginalText() throws {
        let (header, rows) = table(try unicodeReport())
        let focusColumns = header.filter { !$0.hasPrefix("x_") }
        for row in rows {
            for column in focusColumns {
                XCTAssertTrue(row[column, default: ""].unicodeScalars.allSatisfy(\.isASCII), "\(column): \(row[column, default: ""])")
            }
        }
        let transcode = try XCTUnwrap(rows.first { $0["x_JobId"] == "转码-1" })
        XCTAssertEqual(transcode["x_File"], "渲染 é.mp4", "ClipMeter's own columns keep the real name")
        XCTAssertEqual(
            transcode["ResourceId"], "%E8%BD%AC%E7%A0%81-1/%E6%B8%B2%E6%9F%93 %C3%A9.mp4", "ids percent-encoded, so they stay distinct")
        XCTAssertEqual(transcode["ResourceName"], "%E6%B8%B2%E6%9F%93 e.mp4", "names lose accents, the rest is percent-encoded")
        XCTAssertEqual(transcode["RegionId"], "cn-%E4%B8%8A%E6%B5%B7")
        XCTAssertEqual(transcode["SkuPriceId"], "cn:mps-transcode h264 HD 1920x1080", "× is spelled x")
        XCTAssertEqual(transcode["ChargeDescription"], "mps-transcode h264 HD 1920x1080: 0.5 x 0.0651 CNY per minute = 0.03255 CNY")

        let seed = try XCTUnwrap(rows.first { $0["x_JobId"] == "seed" })
        XCTAssertEqual(
            seed["ChargeDescription"], "image-text-matching: 2 x 0.30 CNY per minute = 0.60 CNY",
            "the arrow-and-times arithmetic stays in --explain and JSON")
        let tokens = try XCTUnwrap(rows.first { $0["SkuId"] == "text-generation" })
        XCTAssertEqual(tokens["ChargeDescription"], "text-generation: 1 x 0.12 CNY per 1000 tokens = 0.12 CNY")
    }

    func testASCIISpellingOfTypographyAccentsAndOtherScripts() {
        XCTAssertEqual(FOCUSText.ascii("plain, \"quoted\" = 1"), "plain, \"quoted\" = 1", "ASCII is left as it is")
        XCTAssertEqual(FOCUSText.ascii("1.88 min → 2 min × 0.3 – ≥ 1…"), "1.88 min -> 2 min x 0.3 - >= 1...")
        XCTAssertEqual(FOCUSText.ascii("Crème brûlée，公测"), "Creme brulee,%E5%85%AC%E6%B5%8B", "full-width comma folds to ASCII")
        XCTAssertEqual(FOCUSText.ascii("é→", readable: false), "%C3%A9%E2%86%92", "identifiers are only encoded")
        XCTAssertEqual(FOCUSText.ascii("🎬"), "%F0%9F%8E%AC")
        XCTAssertNotEqual(FOCUSText.ascii("中", readable: false), FOCUSText.ascii("文", readable: false))
    }

    func testQuantitiesAreWrittenAsDecimalsAndMoneyWithItsCents() throws {
        let (_, rows) = table(try unicodeReport())
        XCTAssertFalse(rows.isEmpty)
        for row in rows {
            for column in [
                "PricingQuantity", "ConsumedQuantity", "BilledCost", "EffectiveCost", "ListCost", "ContractedCost",
                "ListUnitPrice", "ContractedUnitPrice",
            ] {
                let text = row[column, default: ""]
                XCTAssertTrue(text.contains(".") && Decimal(string: text) != nil, "\(column) is a decimal: \(text)")
            }
        }
        let seed = try XCTUnwrap(rows.first { $0["SkuId"] == "image-text-matching" })
        XCTAssertEqual(seed["PricingQuantity"], "2.0")
        XCTAssertEqual(seed["ConsumedQuantity"], "113.0")
        XCTAssertEqual(seed["ListUnitPrice"], "0.30")
        let transcode = try XCTUnwrap(rows.first { $0["x_JobId"] == "转码-1" })
        XCTAssertEqual(transcode["PricingQuantity"], "0.5")
        XCTAssertEqual(FOCUSText.decimal(Decimal(string: "-3")!), "-3.0")
        XCTAssertEqual(FOCUSText.decimal(Decimal(string: "0.000001")!), "0.000001")
    }

    func testServicesComeFromFOCUSCategoryAndSubcategoryLists() throws {
        let (_, rows) = table(try unicodeReport())
        for row in rows {
            XCTAssertEqual(row["ServiceCategory"], "Media")
            XCTAssertTrue(Self.mediaSubcategories.contains(row["ServiceSubcategory", default: ""]), "\(row)")
        }
        let services = Dictionary(grouping: rows, by: { $0["ServiceName", default: ""] }).mapValues {
            Set($0.map { $0["ServiceSubcategory", default: ""] })
        }
        XCTAssertEqual(
            services, ["Intelligent Media Services": ["Content Creation"], "ApsaraVideo Media Processing": ["Media Streaming"]],
            "one subcategory per service")
        XCTAssertTrue(rows.allSatisfy { $0["ProviderName"] == "Alibaba Cloud" && $0["ChargeCategory"] == "Usage" })
    }

    func testBillingAccountIsTheConfiguredOneAndTheDefaultSaysItIsNotAlibabas() throws {
        var report = try RenderFixtures.mixedReport()
        let defaulted = table(report).rows
        XCTAssertFalse(defaulted.isEmpty)
        XCTAssertTrue(defaulted.allSatisfy { $0["BillingAccountId"] == "clipmeter-unassigned" })
        XCTAssertTrue(defaulted.allSatisfy { $0["BillingAccountName"]?.contains("not an Alibaba Cloud account") == true })

        report.billingAccount = BillingAccount(id: "acs:ram::1234567890123456:root", name: "Media team")
        let configured = table(report).rows
        XCTAssertTrue(
            configured.allSatisfy { $0["BillingAccountId"] == "acs:ram::1234567890123456:root" && $0["BillingAccountName"] == "Media team" }
        )
        XCTAssertEqual(BillingAccount(id: "42").name, "42", "the name defaults to the id")
        XCTAssertTrue(configured.allSatisfy { $0["InvoiceId"] == "" }, "ClipMeter's figures are on no invoice")
    }

    func testAccountTextFOCUSCannotCarryIsNamed() {
        XCTAssertNil(BillingAccount.problem(with: "acs:ram::1234567890123456:root"))
        XCTAssertNotNil(BillingAccount.problem(with: ""))
        XCTAssertNotNil(BillingAccount.problem(with: "媒体团队"))
        XCTAssertNotNil(BillingAccount.problem(with: "a\tb"))
        XCTAssertNotNil(BillingAccount.problem(with: "a\nb"))
        XCTAssertNotNil(BillingAccount.problem(with: String(repeating: "a", count: 257)))
        XCTAssertNil(BillingAccount.problem(with: String(repeating: "a", count: 256)))
    }

    func testBilledCostSumsExactlyToTheBillTotal() throws {
        let report = try RenderFixtures.mixedReport()
        let (_, rows) = table(report)
        let billed = rows.reduce(Decimal(0)) { $0 + (Decimal(string: $1["BilledCost"] ?? "") ?? -1_000_000) }
        XCTAssertEqual(billed, report.bill.total.amount)
        XCTAssertEqual(MoneyText.string(billed), "1.101375", "0.72 + 0.081375 + 0.30, no float noise")
        XCTAssertTrue(rows.allSatisfy { $0["BilledCost"] == $0["EffectiveCost"] && $0["BillingCurrency"] == "CNY" })
        let edit = try XCTUnwrap(rows.first { $0["x_JobId"] == "edit-1" })
        XCTAssertEqual(edit["ResourceId"], "edit-1/renders/final cut.mp4")
        XCTAssertEqual(edit["RegionId"], "cn-shanghai")
    }

    func testAJobWithoutAFinishTimeHasNoRowAndTheExportReportsIt() throws {
        let undated = BillableJob(id: "undated", feature: .imageTextMatching, inputs: [RenderFixtures.file("a.mp4", "30")])
        let report = BillReport(bill: try RenderFixtures.bill([undated, RenderFixtures.editJob]), title: "t")
        let (_, rows) = table(report)
        XCTAssertEqual(rows.map { $0["x_JobId"] }, ["edit-1"], "no row without a charge period")

        let exported = report.focusExport()
        XCTAssertEqual(exported.failures.count, 1)
        let failure = try XCTUnwrap(exported.failures.first)
        XCTAssertEqual(failure.code, .noChargePeriod)
        XCTAssertEqual("\(failure.code)", "no-charge-period")
        XCTAssertEqual(failure.path, "undated")
        XCTAssertTrue(failure.message.contains("1 line item(s), 0.30 CNY"), failure.message)
        XCTAssertEqual(exported.bill, report.bill, "the bill itself, and so every other format, is unchanged")
    }

    func testADatedReportNeedsNoFailuresAndAnUnknownCostIsNotReportedTwice() throws {
        let report = try RenderFixtures.mixedReport()
        XCTAssertEqual(report.focusExport().failures, report.failures)
        let unpriced = BillableJob(
            id: "av1-undated", feature: .mpsTranscode,
            outputs: [RenderFixtures.file("o.webm", "30", 1280, 720, codec: "av1")])
        let unknown = BillReport(bill: try RenderFixtures.bill([unpriced]), title: "t")
        XCTAssertEqual(unknown.bill.jobs.first?.unknown?.code, "no-price", "card cn has no av1 transcoding price")
        XCTAssertEqual(table(unknown).rows.count, 0)
        XCTAssertEqual(unknown.focusExport().failures.count, 0, "its unknown cost is already the scan's failure")
    }
}

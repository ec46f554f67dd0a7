import Billing
import Quantities
import Foundation
import XCTest

/// Edge cases of the IMS rules (seed 000): whole-minute rounding, the 1-minute and 1,000-token minimums,
/// zero usage, failed and preview-only tasks, highlight extraction's input-only basis.
final class BoundaryTests: XCTestCase {
    private func matching(_ seconds: String, feature: FeatureID = .imageTextMatching) throws -> PricedJob {
        try priceOne(BillableJob(id: "j", feature: feature, inputs: [media("in.mp4", seconds)]))
    }

    func testDurationBoundariesRoundUpToWholeMinutes() throws {
        // (seconds, billed minutes) at 0.3 CNY/min.
        let table: [(String, Decimal, String)] = [
            ("0", 0, "0.00"),
            ("0.001", 1, "0.30"),
            ("59.999", 1, "0.30"),
            ("60", 1, "0.30"),
            ("60.001", 2, "0.60"),
            ("119.5", 2, "0.60"),
            ("120", 2, "0.60"),
            ("3600", 60, "18.00"),
        ]
        for (seconds, minutes, cost) in table {
            let job = try matching(seconds)
            XCTAssertEqual(job.items.first?.billedQuantity, minutes, "\(seconds) s")
            XCTAssertEqual(job.cost.map(MoneyText.string), cost, "\(seconds) s")
        }
    }

    func testZeroSecondsCostsNothingAndSaysWhy() throws {
        let job = try matching("0")
        XCTAssertEqual(job.cost?.amount, 0)
        XCTAssertNil(job.reason)
        XCTAssertEqual(job.diagnostics, [.zeroDuration(feature: "image-text-matching")])
        XCTAssertTrue(job.items[0].explain.contains("nothing billed"), job.items[0].explain)
    }

    func testMinimumAndExactExplanations() throws {
        XCTAssertEqual(try matching("0.001").items[0].explain, "0.001 s / 60 = 0.00002 min → rounded up to 1 min × 0.3 CNY/min = 0.30 CNY")
        XCTAssertEqual(try matching("60").items[0].explain, "60 s / 60 = 1 min × 0.3 CNY/min = 0.30 CNY")
        XCTAssertEqual(
            try matching("60.001").items[0].explain,
            "60.001 s / 60 = 1.00002 min → rounded up to 2 min × 0.3 CNY/min = 0.60 CNY; trimming 0.001 s would bill 1 min instead of 2"
        )
        XCTAssertEqual(
            try matching("60.0004").items[0].explain,
            "60.0004 s / 60 = 1.00001 min → rounded up to 2 min × 0.3 CNY/min = 0.60 CNY; trimming 0.0004 s would bill 1 min instead of 2"
        )
        XCTAssertEqual(
            try matching("59.999").items[0].explain, "59.999 s / 60 = 0.99998 min → rounded up to 1 min × 0.3 CNY/min = 0.30 CNY")
        // More than 2 s over the minute: no trim hint.
        XCTAssertFalse(try matching("119.5").items[0].explain.contains("trimming"))
        XCTAssertFalse(try matching("62.5").items[0].explain.contains("trimming"))
        XCTAssertTrue(try matching("61.5").items[0].explain.hasSuffix("trimming 1.5 s would bill 1 min instead of 2"))
    }

    func testTokenBoundaries() throws {
        let table: [(Int?, Decimal?, String)] = [
            (nil, nil, "0.00"), (0, nil, "0.00"), (1, 1, "0.12"), (999, 1, "0.12"), (1000, 1, "0.12"), (1001, 2, "0.24"),
            (250_000, 250, "30.00"),
        ]
        for (tokens, thousands, cost) in table {
            let job = try priceOne(BillableJob(id: "t", feature: .textGeneration, tokens: tokens))
            XCTAssertEqual(job.items.first?.billedQuantity, thousands, "\(String(describing: tokens)) tokens")
            XCTAssertEqual(job.cost.map(MoneyText.string), cost, "\(String(describing: tokens)) tokens")
            if thousands == nil { XCTAssertTrue(job.items.isEmpty, "no line for zero tokens") }
        }
        let exact = try priceOne(BillableJob(id: "t", feature: .textGeneration, tokens: 1000))
        XCTAssertEqual(exact.items[0].explain, "1,000 tokens = 1 × 0.12 CNY per 1,000 tokens = 0.12 CNY")
        let over = try priceOne(BillableJob(id: "t", feature: .textGeneration, tokens: 1001))
        XCTAssertEqual(over.items[0].explain, "1,001 tokens → rounded up to 2,000 tokens = 2 × 0.12 CNY per 1,000 tokens = 0.24 CNY")
    }

    func testFailedJobsAppearAtZeroWithTheirReason() throws {
        let bill = try price([
            BillableJob(
                id: "bad", feature: .highlightMashup, status: .failed, failureReason: "InvalidParameter: no clips",
                finishedAt: instant("2024-05-01T08:10:00+08:00"), inputs: [media("in.mp4", "600")],
                outputs: [media("out.mp4", "60")], tokens: 5000
            ),
            BillableJob(id: "bad2", feature: .mpsTranscode, status: .failed, outputs: [media("o.mp4", "60", 1920, 1080, codec: "h264")]),
        ])
        XCTAssertEqual(bill.total.amount, 0)
        XCTAssertEqual(bill.jobs.map(\.reason), ["InvalidParameter: no clips", "failed"])
        XCTAssertTrue(bill.jobs.allSatisfy { $0.items.isEmpty && $0.cost?.amount == 0 && $0.status == .failed })
        XCTAssertEqual(bill.cycles.first?.jobIDs, ["bad"], "a failed job still belongs to the hour it finished in")
        XCTAssertEqual(bill.warnings, [], "no unverified-price warning for a job that is not charged")
        XCTAssertTrue(bill.explainLines().contains("  failed: InvalidParameter: no clips"))
    }

    func testPreviewOnlyUsesTheTimelineLengthAsOutput() throws {
        let job = try priceOne(
            BillableJob(
                id: "p", feature: .imageTextMatchingMovie, inputs: [media("a.mp4", "50"), media("b.mp4", "40")],
                outputs: [media("ignored.mp4", "600")], previewOnly: true, timelineSeconds: Seconds(dec("31"))
            ))
        // 90 + 31 = 121 s → 3 min × 1 CNY.
        XCTAssertEqual(job.cost?.amount, 3)
        XCTAssertEqual(job.items[0].measured, 121)
        XCTAssertEqual(
            job.items[0].explain,
            "(90 s (2 inputs) + 31 s (timeline)) / 60 = 2.02 min → rounded up to 3 min × 1 CNY/min = 3.00 CNY; trimming 1 s would bill 2 min instead of 3"
        )
    }

    func testPreviewOnlyWithoutTimelineLengthIsUnknownNotInputsOnly() throws {
        let job = try priceOne(BillableJob(id: "p", feature: .imageTextMatching, inputs: [media("a.mp4", "30")], previewOnly: true))
        XCTAssertNil(job.cost, "the output side is unknown: inputs alone would under-bill")
        XCTAssertEqual(job.unknown?.code, "nothing-measured")
    }

    func testScriptToVideoPreviewOnlyIsFreeAndRenderedIsVideoEditing() throws {
        let preview = try priceOne(
            BillableJob(
                id: "s", feature: .scriptToVideo, outputs: [media("o.mp4", "90", 1920, 1080, codec: "h264")],
                previewOnly: true, timelineSeconds: Seconds(dec("90"))
            ))
        XCTAssertEqual(preview.cost?.amount, 0)
        XCTAssertNil(preview.reason)
        XCTAssertEqual(preview.items.count, 1)
        XCTAssertTrue(preview.items[0].explain.hasPrefix("preview-only: free"), preview.items[0].explain)
        XCTAssertEqual(preview.diagnostics, [], "a free preview uses no unverified price")

        // Rendered: 90 s HD H.264 output as basic video editing, 1.5 min × 0.0651.
        let rendered = try priceOne(
            BillableJob(
                id: "s", feature: .scriptToVideo, outputs: [media("o.mp4", "90", 1920, 1080, codec: "h264")]
            ))
        XCTAssertEqual(rendered.cost?.amount, dec("0.09765"))
        XCTAssertEqual(rendered.items[0].component, "script-to-video as video-editing basic h264 HD 1920×1080: o.mp4")
        XCTAssertTrue(
            rendered.diagnostics.contains {
                if case .unverifiedPrice(let item, _, _, _, _, _, _) = $0 { return item.hasPrefix("video-editing") } else { return false }
            }, "\(rendered.diagnostics)")
    }

    func testScriptToVideoWithTokensStillPaysForTokens() throws {
        let job = try priceOne(BillableJob(id: "s", feature: .scriptToVideo, tokens: 1500, previewOnly: true, timelineSeconds: 30))
        XCTAssertEqual(job.cost?.amount, dec("0.24"))
    }

    func testHighlightExtractionBillsInputOnly() throws {
        let job = try priceOne(
            BillableJob(
                id: "h", feature: .highlightExtraction, inputs: [media("match.mp4", "150")],
                outputs: [media("clip1.mp4", "500"), media("clip2.mp4", "500")]
            ))
        // 150 s → 3 min × 2 CNY.
        XCTAssertEqual(job.cost?.amount, 6)
        XCTAssertEqual(job.items[0].measured, 150)
        XCTAssertTrue(job.items[0].explain.contains("outputs not billed"), job.items[0].explain)
    }

    func testEveryDurationFeatureUsesItsOwnPrice() throws {
        let expected: [FeatureID: String] = [
            .imageTextMatching: "0.60", .imageTextMatchingMovie: "2.00", .sportsHighlights: "2.00",
            .highlightMashup: "4.00", .highlightExtraction: "4.00",  // 90 s input only → 2 min × 2
        ]
        for (feature, cost) in expected {
            let job = try priceOne(BillableJob(id: "f", feature: feature, inputs: [media("in.mp4", "90")], outputs: [media("o.mp4", "23")]))
            XCTAssertEqual(job.cost.map(MoneyText.string), cost, feature.rawValue)
        }
    }

    func testAFeatureTheCardLacksIsReportedNotPricedAtZeroSilently() throws {
        var lacking = try card("cn")
        lacking.features[FeatureID.highlightMashup.rawValue] = nil
        let bill = Pricer(card: lacking).price([
            BillableJob(id: "u", feature: .highlightMashup, inputs: [media("in.mp4", "60")], tokens: 900)
        ])
        let job = bill.jobs[0]
        XCTAssertNil(job.cost, "the feature has no price, so the job's cost is unknown")
        XCTAssertEqual(job.items.first { $0.feature == .textGeneration }?.cost, dec("0.12"), "the token line is still priced")
        XCTAssertEqual(job.reason, "no price: card cn has no price for highlight-mashup")
        XCTAssertEqual(bill.warnings.first?.jobID, "u")
        XCTAssertTrue(bill.warnings.contains { if case .noPrice = $0.warning { return true } else { return false } }, "\(bill.warnings)")
    }

    func testSportsHighlightsHasNoUSDPrice() throws {
        let bill = try price(
            [BillableJob(id: "s", feature: .sportsHighlights, inputs: [media("in.mp4", "90")], outputs: [media("o.mp4", "23")])],
            card: "intl-singapore"
        )
        XCTAssertEqual(bill.total.amount, 0)
        XCTAssertNil(bill.jobs[0].cost)
        XCTAssertEqual(
            bill.jobs[0].reason, "no price: sports-highlights: sports highlights runs only in China (Shanghai) and has no USD price")
        XCTAssertFalse(bill.warnings.isEmpty)
    }

    func testIMSFeatureOnRegionWithoutUSDPrice() throws {
        let job = try priceOne(
            BillableJob(id: "x", feature: .imageTextMatching, inputs: [media("in.mp4", "90")], tokens: 10),
            card: "intl-frankfurt"
        )
        XCTAssertNil(job.cost)
        XCTAssertTrue(job.reason?.contains("Germany (Frankfurt)") ?? false, job.reason ?? "nil")
        XCTAssertTrue(job.reason?.contains("text-generation") ?? false, "the token line is unpriced too: \(job.reason ?? "nil")")
    }
}

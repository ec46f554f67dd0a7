import Billing
@testable import ClipMeterKit
import XCTest

/// The lower modules describe; only the edge names a flag. These pin both halves: no Billing word names a flag,
/// and the advice a user needs still reaches every output.
final class WordingTests: XCTestCase {
    private let everyWarning: [PricingWarning] = [
        .boundary(
            file: "a.mp4", unit: .minute, policy: "container", billed: 1, measured: 59.98,
            alternativePolicy: "longest-stream", alternativeBilled: 2, alternativeMeasured: 60.02),
        .unverifiedPrice(
            item: "video-editing", price: 0.0651, currency: "CNY", unit: .minute, card: "cn",
            priceDate: "2021-06", source: "https://example.invalid/price"),
        .unverifiedRounding(feature: "mps-transcode", rule: "half up", note: nil, source: nil),
        .noPrice("card intl-singapore has no price for sports-highlights"),
        .zeroDuration(feature: "image-text-matching"),
        .codecUnknown(file: "o.mp4"),
        .outputsStandInForTimeline,
        .batchInputs(billed: 1, alternative: 2, currency: "CNY", reading: .perBatch),
        .rangeInverted(low: 2, high: 1),
        .job("carried"),
    ]

    func testBillingWordsNameNoFlag() {
        for warning in everyWarning {
            XCTAssertFalse(warning.description.contains("--"), "\(warning)")
        }
        let unknowns: [UnknownCost] = [
            .noPrice("x"), .unknownResolution(file: "o.mp4"),
            .unbounded(field: "MaxDuration", detail: "AI-driven"), .nothingMeasured("no media"),
        ]
        for unknown in unknowns { XCTAssertFalse(unknown.message.contains("--"), unknown.message) }
    }

    func testTheEdgeAddsTheAdviceByCase() {
        XCTAssertTrue(Wording.text(everyWarning[1]).hasSuffix("or pass --rates FILE"), Wording.text(everyWarning[1]))
        XCTAssertTrue(Wording.text(everyWarning[7]).hasSuffix("(--batch-inputs per-output)"), Wording.text(everyWarning[7]))
        let other = PricingWarning.batchInputs(billed: 2, alternative: 1, currency: "CNY", reading: .perOutput)
        XCTAssertTrue(Wording.text(other).hasSuffix("(--batch-inputs per-batch)"), Wording.text(other))
        XCTAssertEqual(Wording.text(everyWarning[0]), everyWarning[0].description, "a boundary needs no flag")
        XCTAssertEqual(Wording.text(BillWarning(job: "j", everyWarning[4])), "j: " + everyWarning[4].description)
        XCTAssertEqual(
            Wording.text(BillWarning(job: "j", everyWarning[1])), Wording.text(everyWarning[1]),
            "a card's warning is the card's, not the job's")
    }

    func testAnUnknownResolutionReasonAdvisesTheFlagInEveryFormat() throws {
        let job = BillableJob(id: "r", feature: .videoEditing, outputs: [RenderFixtures.file("planned.mp4", "60", codec: "h264")])
        let bill = try RenderFixtures.bill([job])
        let priced = try XCTUnwrap(bill.jobs.first)
        XCTAssertEqual(priced.unknown, .unknownResolution(file: "planned.mp4"))
        XCTAssertFalse(priced.reason?.contains("--") ?? true, "the stored reason names no flag")
        let report = BillReport(bill: bill, title: "t")
        XCTAssertTrue(BillRenderer.table(report, explain: false).contains("(--output-resolution WxH)"))
        XCTAssertTrue(BillRenderer.json(report).contains("(--output-resolution WxH)"))
    }

    func testReportNotesAreListedAfterTheBillsWarnings() throws {
        var report = BillReport(bill: try RenderFixtures.bill([RenderFixtures.seedJob]), title: "t")
        report.notes = [.unassignedMedia(count: 5, examples: ["a.mp4", "b.mp4", "c.mp4"])]
        let lines = Wording.warningLines(report)
        XCTAssertEqual(
            lines.last,
            "5 media file(s) belong to no job (a.mp4, b.mp4, c.mp4, …): pass --feature to bill each as a job, or describe them in a clipmeter.yaml"
        )
        XCTAssertTrue(BillRenderer.table(report, explain: false).contains("Warnings (\(lines.count)):"))
    }

    func testJobNotesAreWordedHereWithTheirFlags() {
        XCTAssertEqual(
            Wording.text(
                JobNote.featureOverride(
                    feature: "highlight-mashup", implied: "image-text-matching",
                    impliedBy: "SubmitBatchMediaProducingJob")),
            "feature highlight-mashup from --feature overrides image-text-matching, which SubmitBatchMediaProducingJob implies")
        XCTAssertEqual(
            Wording.text(JobNote.plannedOutputs(count: 10, least: 0, most: 30, basis: .stated("FixedDuration 30 s"))),
            "10 planned outputs of 0–30 s each: FixedDuration 30 s")
        XCTAssertEqual(
            Wording.text(
                JobNote.plannedOutputs(count: 1, least: nil, most: 20, basis: .timeline(seconds: 23, capField: "MaxDuration", cap: 20))),
            "1 planned output of 20 s each: the timeline's length 23 s, capped by MaxDuration 20 s")
        XCTAssertEqual(
            Wording.text(JobNote.PlannedBasis.timeline(seconds: 23, capField: "MaxDuration", cap: 30)), "the timeline's length 23 s",
            "a cap longer than the timeline is not said")
        XCTAssertEqual(
            Wording.text(JobNote.PlannedBasis.capOnly(field: "MaxDuration", cap: 30, timelineUnknown: nil)),
            "at most MaxDuration 30 s (the timeline's length is unknown)")
        XCTAssertEqual(
            Wording.text(JobNote.PlannedBasis.capOnly(field: "MaxDuration", cap: 30, timelineUnknown: [])),
            "at most MaxDuration 30 s (timeline length unknown: no reason given)")
        XCTAssertEqual(
            Wording.text(JobNote.nonMediaLeftOut(count: 5, examples: ["a.txt", "b.txt", "c.txt"])),
            "left out 5 non-media file(s): a.txt, b.txt, c.txt, …")
    }
}

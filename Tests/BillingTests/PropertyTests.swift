import Billing
import Quantities
import Foundation
import TestSupport
import XCTest

/// Properties over many generated jobs (seeded, so failures reproduce): more usage never costs less, and summing
/// per hourly cycle never costs more than rounding each task.
final class PropertyTests: XCTestCase {
    private let durationFeatures = [
        FeatureID.imageTextMatching, FeatureID.imageTextMatchingMovie, FeatureID.sportsHighlights, FeatureID.highlightMashup,
        FeatureID.highlightExtraction,
    ]
    private let sizes: [(Int, Int)] = [(640, 360), (720, 1280), (1920, 1080), (2560, 1440), (3840, 2160)]

    func testMoreSecondsNeverCostLess() throws {
        let cn = try card("cn")
        let pricer = Pricer(card: cn)
        var rng = SeededGenerator(seed: 20_240_501)
        for round in 0..<400 {
            let base = rng.seconds(upTo: 400)
            let extra = rng.seconds(upTo: 5)
            let outputBase = rng.seconds(upTo: 200)
            let feature = durationFeatures[round % durationFeatures.count]
            let (width, height) = sizes[Int.random(in: 0..<sizes.count, using: &rng)]
            let codec = Bool.random(using: &rng) ? "h264" : "hevc"
            func jobs(_ add: Decimal) -> [BillableJob] {
                [
                    BillableJob(
                        id: "ims", feature: feature, inputs: [MeasuredMedia(path: "in", seconds: Seconds(base + add))],
                        outputs: [MeasuredMedia(path: "out", seconds: Seconds(outputBase))]),
                    BillableJob(
                        id: "mps", feature: .mpsTranscode,
                        outputs: [MeasuredMedia(path: "o", seconds: Seconds(base + add), width: width, height: height, codec: codec)]),
                    BillableJob(
                        id: "edit", feature: .videoEditing,
                        outputs: [MeasuredMedia(path: "o", seconds: Seconds(base + add), width: width, height: height, codec: codec)]),
                ]
            }
            let before = pricer.price(jobs(0)).jobs
            let after = pricer.price(jobs(extra)).jobs
            for (a, b) in zip(before, after) {
                XCTAssertGreaterThanOrEqual(
                    try XCTUnwrap(b.cost?.amount), try XCTUnwrap(a.cost?.amount), "\(a.id) \(feature): \(base) s + \(extra) s")
            }
        }
    }

    func testMoreTokensNeverCostLess() throws {
        let pricer = Pricer(card: try card("intl-singapore"))
        var rng = SeededGenerator(seed: 7)
        for _ in 0..<300 {
            let tokens = Int.random(in: 0...20_000, using: &rng)
            let more = tokens + Int.random(in: 0...1_500, using: &rng)
            let a = pricer.price([BillableJob(id: "t", feature: .textGeneration, tokens: tokens)]).total.amount
            let b = pricer.price([BillableJob(id: "t", feature: .textGeneration, tokens: more)]).total.amount
            XCTAssertGreaterThanOrEqual(b, a, "\(tokens) → \(more) tokens")
        }
    }

    func testPerCycleNeverExceedsPerTask() throws {
        let cn = try card("cn")
        let perTask = Pricer(card: cn)
        let perCycle = Pricer(card: cn, options: PricingOptions(rounding: .perCycle))
        var rng = SeededGenerator(seed: 42)
        let start = instant("2024-05-01T07:00:00+08:00")
        let features = durationFeatures + [FeatureID.textGeneration, .mpsTranscode, .videoEditing, .scriptToVideo]
        var sawSaving = false
        for _ in 0..<60 {
            var jobs: [BillableJob] = []
            for index in 0..<Int.random(in: 1...25, using: &rng) {
                let feature = features[Int.random(in: 0..<features.count, using: &rng)]
                let (width, height) = sizes[Int.random(in: 0..<sizes.count, using: &rng)]
                let finished: Date? =
                    Int.random(in: 0..<10, using: &rng) == 0
                    ? nil : start.addingTimeInterval(Double(Int.random(in: 0..<(3 * 3600), using: &rng)))
                jobs.append(
                    BillableJob(
                        id: "j\(index)", feature: feature,
                        status: Int.random(in: 0..<8, using: &rng) == 0 ? .failed : .succeeded,
                        finishedAt: finished,
                        inputs: [MeasuredMedia(path: "in", seconds: Seconds(rng.seconds(upTo: 180)))],
                        outputs: [
                            MeasuredMedia(
                                path: "out", seconds: Seconds(rng.seconds(upTo: 120)), width: width, height: height, codec: "h264")
                        ],
                        tokens: Bool.random(using: &rng) ? Int.random(in: 0...3_000, using: &rng) : nil
                    ))
            }
            let taskBill = perTask.price(jobs)
            let cycleBill = perCycle.price(jobs)
            XCTAssertLessThanOrEqual(cycleBill.total.amount, taskBill.total.amount)
            XCTAssertEqual(
                cycleBill.jobs.reduce(Decimal(0)) { $0 + ($1.knownCost?.amount ?? 0) }, cycleBill.total.amount,
                "job costs add up to the bill")
            XCTAssertEqual(
                cycleBill.cycles.reduce(Decimal(0)) { $0 + $1.total.amount }
                    + cycleBill.jobs.filter { $0.cycleStart == nil }.reduce(Decimal(0)) { $0 + ($1.knownCost?.amount ?? 0) },
                cycleBill.total.amount, "cycle totals plus uncycled jobs add up to the bill"
            )
            for (a, b) in zip(taskBill.cycles, cycleBill.cycles) {
                XCTAssertEqual(a.start, b.start)
                XCTAssertLessThanOrEqual(b.total.amount, a.total.amount, "cycle \(a.start)")
            }
            if cycleBill.total.amount < taskBill.total.amount { sawSaving = true }
        }
        XCTAssertTrue(sawSaving, "per-cycle rounding should save something on random batches")
    }

    /// A job whose outputs are only bounded costs a range: low ≤ high whatever the bounds, the high end equals the
    /// job priced at its upper bounds, the low end the job priced at its lower bounds, and a bound that is exact
    /// (low = high) is no range at all.
    func testBoundedOutputsGiveLowNotAboveHigh() throws {
        let cn = try card("cn")
        var rng = SeededGenerator(seed: 2026)
        let features = durationFeatures + [FeatureID.videoEditing, .mpsTranscode, .scriptToVideo]
        for round in 0..<300 {
            let feature = features[round % features.count]
            let (width, height) = sizes[Int.random(in: 0..<sizes.count, using: &rng)]
            let count = Int.random(in: 1...5, using: &rng)
            let high = rng.seconds(upTo: 200)
            let low = min(high, rng.seconds(upTo: 200))
            let options = PricingOptions(batchInputs: Bool.random(using: &rng) ? .perBatch : .perOutput)
            let pricer = Pricer(card: cn, options: options)
            func job(_ outputs: (Int) -> MeasuredMedia) -> BillableJob {
                var job = BillableJob(
                    id: "j", feature: feature, inputs: [MeasuredMedia(path: "in", seconds: Seconds(rng.seconds(upTo: 90)))],
                    outputs: (1...count).map(outputs))
                job.isBatch = true
                return job
            }
            var bounded = job {
                MeasuredMedia(path: "o\($0)", seconds: Seconds(high), width: width, height: height, lowSeconds: Seconds(low))
            }
            let input = bounded.inputs
            var atHigh = job { MeasuredMedia(path: "o\($0)", seconds: Seconds(high), width: width, height: height) }
            var atLow = job { MeasuredMedia(path: "o\($0)", seconds: Seconds(low), width: width, height: height) }
            atHigh.inputs = input
            atLow.inputs = input
            bounded.inputs = input
            let priced = try XCTUnwrap(pricer.price([bounded]).jobs.first)
            let highCost = try XCTUnwrap(pricer.price([atHigh]).jobs.first?.cost?.amount)
            let lowCost = try XCTUnwrap(pricer.price([atLow]).jobs.first?.cost?.amount)
            XCTAssertEqual(priced.cost?.amount, max(highCost, lowCost), "\(feature) \(low)–\(high) s × \(count)")
            XCTAssertLessThanOrEqual(priced.costLow?.amount ?? highCost, try XCTUnwrap(priced.cost?.amount))
            if lowCost == highCost {
                XCTAssertNil(priced.costLow, "an exact figure is no range")
            } else {
                XCTAssertEqual(priced.costLow?.amount, lowCost)
            }
        }
    }

    /// A batch's two readings: per output never bills less than per batch (the inputs are counted more often).
    func testInputsPerOutputNeverBillLessThanPerBatch() throws {
        let cn = try card("cn")
        var rng = SeededGenerator(seed: 8)
        for round in 0..<200 {
            let feature = durationFeatures[round % durationFeatures.count]
            var job = BillableJob(
                id: "b", feature: feature, inputs: [MeasuredMedia(path: "in", seconds: Seconds(rng.seconds(upTo: 300)))],
                outputs: (1...Int.random(in: 2...6, using: &rng)).map {
                    MeasuredMedia(path: "o\($0)", seconds: Seconds(rng.seconds(upTo: 60)))
                })
            job.isBatch = true
            let batch = try XCTUnwrap(Pricer(card: cn).price([job]).jobs.first)
            let perOutput = try XCTUnwrap(Pricer(card: cn, options: PricingOptions(batchInputs: .perOutput)).price([job]).jobs.first)
            XCTAssertGreaterThanOrEqual(try XCTUnwrap(perOutput.cost?.amount), try XCTUnwrap(batch.cost?.amount))
            if perOutput.cost != batch.cost {
                XCTAssertTrue(
                    batch.diagnostics.contains { if case .batchInputs = $0 { return true } else { return false } },
                    "the other reading is shown")
            }
        }
    }
}

import Billing
import Foundation
import XCTest

/// Hourly billing cycles, per-cycle rounding, boundary warnings between duration policies, unverified warnings.
final class CycleTests: XCTestCase {
    private func itm(_ id: String, _ at: String, input: String, output: String = "0", tokens: Int? = nil) -> BillableJob {
        BillableJob(
            id: id, feature: .imageTextMatching, finishedAt: instant(at), inputs: [media("\(id)-in.mp4", input)],
            outputs: [media("\(id)-out.mp4", output)], tokens: tokens
        )
    }

    func testJobsGroupIntoHalfOpenHourlyCycles() throws {
        let bill = try price([
            itm("a", "2024-05-01T08:00:00+08:00", input: "30"),
            itm("b", "2024-05-01T08:59:59+08:00", input: "30"),
            itm("c", "2024-05-01T09:00:00+08:00", input: "30"),
            BillableJob(id: "d", feature: .imageTextMatching, inputs: [media("d.mp4", "30")]),
        ])
        XCTAssertEqual(bill.cycles.map(\.jobIDs), [["a", "b"], ["c"]])
        XCTAssertEqual(bill.cycles.map(\.total.amount), [dec("0.6"), dec("0.3")])
        XCTAssertEqual(bill.total.amount, dec("1.2"), "a job without finishedAt is in the total but in no cycle")
        XCTAssertNil(bill.jobs[3].cycleStart)
        XCTAssertEqual(bill.jobs[1].cycleStart, instant("2024-05-01T08:00:00+08:00"))
    }

    func testShanghaiAndUTCPrintTheSameHourWithTheirOffsets() throws {
        let jobs = [itm("a", "2024-05-01T00:30:00Z", input: "30")]
        let shanghai = try price(jobs)
        let utc = try price(jobs, options: PricingOptions(timeZone: TimeZone(identifier: "UTC")!))
        let sCycle = try XCTUnwrap(shanghai.cycles.first)
        let uCycle = try XCTUnwrap(utc.cycles.first)
        XCTAssertEqual(DateText.string(sCycle.start, in: sCycle.timeZone), "2024-05-01T08:00:00+08:00")
        XCTAssertEqual(DateText.string(sCycle.end, in: sCycle.timeZone), "2024-05-01T09:00:00+08:00")
        XCTAssertEqual(sCycle.timeZone.identifier, "Asia/Shanghai")
        XCTAssertEqual(DateText.string(uCycle.start, in: uCycle.timeZone), "2024-05-01T00:00:00Z")
        XCTAssertTrue(["UTC", "GMT"].contains(uCycle.timeZone.identifier), "\(uCycle)")
        let sJob = try XCTUnwrap(shanghai.jobs.first)
        XCTAssertEqual(sJob.finishedAt.map { DateText.string($0, in: sJob.timeZone) }, "2024-05-01T08:30:00+08:00")
    }

    func testHalfHourZoneMovesTheCycleBoundary() throws {
        // 08:20 and 08:40 UTC share a UTC (and Shanghai) hour but straddle 14:00 in Kolkata (UTC+5:30).
        let jobs = [itm("a", "2024-05-01T08:20:00Z", input: "30"), itm("b", "2024-05-01T08:40:00Z", input: "30")]
        XCTAssertEqual(try price(jobs).cycles.map(\.jobIDs), [["a", "b"]])
        XCTAssertEqual(try price(jobs, options: PricingOptions(timeZone: TimeZone(identifier: "UTC")!)).cycles.count, 1)
        let kolkata = try price(jobs, options: PricingOptions(timeZone: TimeZone(identifier: "Asia/Kolkata")!))
        XCTAssertEqual(kolkata.cycles.map(\.jobIDs), [["a"], ["b"]])
        XCTAssertEqual(kolkata.cycles[1].start, instant("2024-05-01T14:00:00+05:30"))
    }

    func testPerCycleSumsSecondsBeforeRounding() throws {
        let jobs = [
            itm("a", "2024-05-01T08:05:00+08:00", input: "40"),
            itm("b", "2024-05-01T08:10:00+08:00", input: "40"),
            itm("c", "2024-05-01T08:15:00+08:00", input: "40"),
            itm("d", "2024-05-01T09:15:00+08:00", input: "40"),
        ]
        let perTask = try price(jobs)
        XCTAssertEqual(perTask.total.amount, dec("1.2"))  // 4 × 1 min × 0.3

        let perCycle = try price(jobs, options: PricingOptions(rounding: .perCycle))
        XCTAssertEqual(perCycle.rounding, "per-cycle")
        // 08:00 cycle: 120 s → exactly 2 min (no spurious third minute from 40/60 sums); 09:00 cycle: 1 min.
        XCTAssertEqual(perCycle.cycles.map(\.total.amount), [dec("0.6"), dec("0.3")])
        XCTAssertEqual(perCycle.total.amount, dec("0.9"))
        XCTAssertEqual(perCycle.jobs.map { $0.items[0].billedQuantity }, [1, 1, 0, 1], "each job pays what it adds to the cycle")
        XCTAssertEqual(perCycle.jobs.reduce(Decimal(0)) { $0 + ($1.knownCost?.amount ?? 0) }, perCycle.total.amount)
        XCTAssertTrue(
            perCycle.jobs[2].items[0].explain.hasSuffix(
                "cycle 2024-05-01 08:00–09:00 so far (3 jobs): 120 s / 60 = 2 min; this job adds 0 min × 0.3 CNY/min = 0.00 CNY"),
            perCycle.jobs[2].items[0].explain
        )
    }

    func testPerCycleTokensAggregateAcrossFeatures() throws {
        let jobs = [
            itm("a", "2024-05-01T08:05:00+08:00", input: "30", tokens: 400),
            BillableJob(id: "t", feature: .textGeneration, finishedAt: instant("2024-05-01T08:20:00+08:00"), tokens: 500),
        ]
        XCTAssertEqual(try price(jobs).total.amount, dec("0.54"))  // 0.3 + 0.12 + 0.12
        let perCycle = try price(jobs, options: PricingOptions(rounding: .perCycle))
        XCTAssertEqual(perCycle.total.amount, dec("0.42"))  // 0.3 + 900 tokens → 0.12
        XCTAssertEqual(perCycle.cycles[0].byFeature["text-generation"], dec("0.12"))
        XCTAssertEqual(
            perCycle.jobs[1].items[0].explain,
            "500 tokens; cycle 2024-05-01 08:00–09:00 so far (2 jobs): 900 tokens → rounded up to 1,000 tokens; this job adds 0 × 0.12 CNY per 1,000 tokens = 0.00 CNY"
        )
    }

    func testPerCycleLeavesMPSPerFile() throws {
        let jobs = (0..<3).map { index in
            BillableJob(
                id: "m\(index)", feature: .mpsTranscode, finishedAt: instant("2024-05-01T08:0\(index):00+08:00"),
                outputs: [media("o\(index).mp4", "60.3", 1920, 1080, codec: "h264")]
            )
        }
        XCTAssertEqual(try price(jobs, options: PricingOptions(rounding: .perCycle)).total, try price(jobs).total)
    }

    func testBoundaryWarningNamesBothPoliciesAndFigures() throws {
        let job = BillableJob(
            id: "b", feature: .imageTextMatching,
            inputs: [media("in.mp4", "59.98", alternatives: ["longest-stream": "60.02", "video": "59.96"])]
        )
        let priced = try priceOne(job)
        XCTAssertEqual(priced.cost?.amount, dec("0.3"))
        XCTAssertEqual(
            priced.diagnostics.filter(\.isBoundary).map(\.description),
            ["boundary: billed 1 min under container (59.98 s) but 2 min under longest-stream (60.02 s)"]
        )
        // The same figures under a different primary policy.
        let other = try priceOne(
            BillableJob(id: "b", feature: .imageTextMatching, inputs: [media("in.mp4", "60.02", alternatives: ["container": "59.98"])]),
            options: PricingOptions(durationPolicy: "longest-stream")
        )
        XCTAssertEqual(
            other.diagnostics.map(\.description),
            ["boundary: billed 2 min under longest-stream (60.02 s) but 1 min under container (59.98 s)"])
        XCTAssertTrue(other.items[0].explain.contains("trimming 0.02 s would bill 1 min instead of 2"), other.items[0].explain)
    }

    func testBoundaryUsesTheWholeTaskSum() throws {
        // 30 + 29.99 = 59.99 s; the output's audio runs to 30.02 s → 60.01 s.
        let job = BillableJob(
            id: "b", feature: .highlightMashup, inputs: [media("in.mp4", "30")],
            outputs: [media("out.mp4", "29.99", alternatives: ["longest-stream": "30.02"])]
        )
        XCTAssertEqual(
            try priceOne(job).diagnostics.map(\.description),
            ["boundary: billed 1 min under container (59.99 s) but 2 min under longest-stream (60.02 s)"]
        )
        var safe = job
        safe.outputs = [media("out.mp4", "10", alternatives: ["longest-stream": "10.05"])]
        XCTAssertEqual(try priceOne(safe).diagnostics, [], "no warning when both policies bill the same minutes")
    }

    func testUnverifiedWarningsAreDedupedInTheBill() throws {
        let jobs = (0..<3).map { index in
            BillableJob(id: "v\(index)", feature: .videoEditing, outputs: [media("o\(index).mp4", "60", 1920, 1080, codec: "h264")])
        }
        let bill = try price(jobs)
        XCTAssertEqual(
            bill.warnings.filter { if case .card(.unverifiedPrice) = $0 { return true } else { return false } }.count, 1, "\(bill.warnings)"
        )
        XCTAssertEqual(
            bill.warnings.filter { if case .card(.unverifiedRounding) = $0 { return true } else { return false } }.count, 1,
            "\(bill.warnings)")
        XCTAssertEqual(bill.warnings.count, 2, "card warnings are listed once, not once per job")
        XCTAssertTrue(
            bill.jobs.allSatisfy {
                $0.diagnostics.contains {
                    if case .unverifiedPrice(let item, _, _, _, _, _, _) = $0 {
                        return item.hasPrefix("video-editing basic h264 HD")
                    } else {
                        return false
                    }
                }
            })
        XCTAssertTrue(bill.warnings[0].description.contains("check the live price page"), bill.warnings[0].description)
        XCTAssertFalse(bill.warnings[0].description.contains("--"), "Billing names no flag: \(bill.warnings[0])")
    }

    func testExplainLinesListCyclesAndBillTotal() throws {
        let lines = try price([
            itm("a", "2024-05-01T08:05:00+08:00", input: "90", output: "23", tokens: 900),
            itm("b", "2024-05-01T09:05:00+08:00", input: "30"),
        ]).explainLines()
        XCTAssertTrue(lines.contains("a (image-text-matching): 0.72 CNY"), "\(lines)")
        XCTAssertTrue(lines.contains { $0.hasPrefix("Cycle 2024-05-01 08:00–09:00 (Asia/Shanghai): 0.72 CNY") }, "\(lines)")
        XCTAssertEqual(lines.last, "Bill total 0.72 + 0.30 = 1.02 CNY (cn, per-task)")
    }
}

import Foundation
import Ledger
import XCTest

/// Scale figures for issue 10 (a benchmark, not a timed test): N writers recording 100,000 jobs into one ledger.
/// Runs only under scripts/bench-ledger, which sets `CLIPMETER_BENCH_LEDGER` (a postgres:// URL or a file path),
/// `CLIPMETER_BENCH_WRITERS`, `CLIPMETER_BENCH_JOBS` and `CLIPMETER_BENCH_PAYLOAD` (one real priced job's JSON).
final class LedgerScaleBenchmark: XCTestCase {
    func testRecordJobsWithConcurrentWriters() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let location = environment["CLIPMETER_BENCH_LEDGER"] else {
            throw XCTSkip("a benchmark: run scripts/bench-ledger")
        }
        let writers = Int(environment["CLIPMETER_BENCH_WRITERS"] ?? "") ?? 1
        let total = Int(environment["CLIPMETER_BENCH_JOBS"] ?? "") ?? 100_000
        let schema = environment["CLIPMETER_BENCH_SCHEMA"]
        let template = try String(contentsOfFile: environment["CLIPMETER_BENCH_PAYLOAD"] ?? "", encoding: .utf8)
        let templateID = environment["CLIPMETER_BENCH_PAYLOAD_ID"] ?? "seed-example"
        _ = try Ledger(location: location, schema: schema)
        let base = Date(timeIntervalSince1970: 1_790_000_000).timeIntervalSince1970.rounded(.down)
        let hourBase = (base / 3600).rounded(.down) * 3600
        let failures = BenchFailures()
        let started = Date()
        DispatchQueue.concurrentPerform(iterations: writers) { writer in
            do {
                let ledger = try Ledger(location: location, schema: schema)
                var index = writer
                var batch: [JobRecord] = []
                while index < total {
                    let id = "bench-\(index)"
                    // 720 hourly cycles (30 days), jobs spread evenly across them.
                    let hour = hourBase + Double(index % 720) * 3600
                    batch.append(
                        JobRecord(
                            id: id, feature: "image-text-matching", status: "succeeded", cost: "0.72", currency: "CNY",
                            rateCard: "cn", finishedAt: Date(timeIntervalSince1970: hour + Double(index % 3000)),
                            cycleStart: Date(timeIntervalSince1970: hour),
                            payload: Data(template.replacingOccurrences(of: "\"\(templateID)\"", with: "\"\(id)\"").utf8)))
                    if batch.count == 1000 {  // JobHistory.batchSize: one transaction per 1,000 jobs, as scan does
                        try ledger.recordJobs(batch)
                        batch.removeAll(keepingCapacity: true)
                    }
                    index += writers
                }
                try ledger.recordJobs(batch)
            } catch {
                failures.append("\(error)")
            }
        }
        let seconds = Date().timeIntervalSince(started)
        XCTAssertEqual(failures.all, [])
        let counts = try Ledger(location: location, schema: schema).counts()
        XCTAssertEqual(counts.jobs, total)
        print(
            String(
                format: "BENCH writers=%d jobs=%d seconds=%.2f jobs_per_second=%.0f", writers, total, seconds,
                Double(total) / seconds))
    }
}

private final class BenchFailures: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func append(_ text: String) { lock.lock(); list.append(text); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return list }
}

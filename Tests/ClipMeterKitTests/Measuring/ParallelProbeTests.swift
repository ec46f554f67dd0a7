import ClipMeterKit
import Dispatch
import Foundation
import XCTest

/// Probes block (on a socket, on a server that stalls): their workers must not be the threads that other work
/// they wait for needs, so more workers are never slower and nothing times out waiting for a thread.
final class ParallelProbeTests: XCTestCase {
    /// A stand-in for a blocking probe that needs Dispatch meanwhile (a library's callback queue): 20 ms of work
    /// done on Dispatch, waited for by the worker.
    private static func waitForDispatch(_ item: Int) -> Int {
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(20)) { done.signal() }
        done.wait()
        return item * 2
    }

    private func timed(jobs: Int, ordered: Bool, items: [Int]) -> (TimeInterval, [(Int, Int)]) {
        var delivered: [(Int, Int)] = []
        let started = Date()
        ParallelProbe(jobs: jobs, ordered: ordered).run(items, work: Self.waitForDispatch) { index, output in
            delivered.append((index, output))
        }
        return (Date().timeIntervalSince(started), delivered)
    }

    func testMoreWorkersAreFasterWhenEveryWorkerWaitsOnDispatch() {
        let items = Array(0..<64)
        let (one, _) = timed(jobs: 1, ordered: false, items: items)
        for jobs in [16, 64] {
            let (many, delivered) = timed(jobs: jobs, ordered: false, items: items)
            XCTAssertEqual(delivered.map(\.0).sorted(), items, "every item once")
            XCTAssertTrue(delivered.allSatisfy { $0.1 == $0.0 * 2 })
            // 64 × 20 ms is 1.3 s on one worker; 16 workers need about 0.1 s. Starved workers took seconds.
            XCTAssertLessThan(many, one / 3, "\(jobs) workers: \(many) s, one worker: \(one) s")
        }
    }

    func testAnyJobCountIsBoundedNeverATrap() {
        for jobs in [Int.min, -1, 0, Int.max, 1 << 62] {
            let probe = ParallelProbe(jobs: jobs, ordered: true)
            XCTAssertTrue((1...ParallelProbe.maximumJobs).contains(probe.jobs), "\(jobs)")
            var seen: [Int] = []
            probe.run([1, 2, 3], work: { $0 }) { _, output in seen.append(output) }
            XCTAssertEqual(seen, [1, 2, 3], "\(jobs)")
        }
    }

    func testOrderedDeliveryKeepsInputOrderWithManyWorkers() {
        let items = Array(0..<300)
        let (_, delivered) = timed(jobs: 32, ordered: true, items: items)
        XCTAssertEqual(delivered.map(\.0), items)
        XCTAssertEqual(delivered.map(\.1), items.map { $0 * 2 })
    }
}

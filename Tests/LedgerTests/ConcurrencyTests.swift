import Foundation
import XCTest
import Ledger

/// Two runs on one ledger at once (as two `clipmeter scan` processes would) must both succeed.
final class ConcurrencyTests: LedgerTestCase {
    func testTwoLedgersWritingOneFileAtOnceBothSucceed() throws {
        let file = path("shared/ledger.sqlite")
        let writers = 2, batches = 50, batchSize = 100
        let failures = Failures()
        let start = DispatchSemaphore(value: 0)
        let group = DispatchGroup()

        for writer in 0..<writers {
            group.enter()
            let thread = Thread { [self] in
                defer { group.leave() }
                start.wait()
                do {
                    // Both open a ledger that does not exist yet, so creating and migrating it races too.
                    let ledger = try Ledger(path: file)
                    for batch in 0..<batches {
                        try ledger.recordJobs((0..<batchSize).map { job("w\(writer)-b\(batch)-\($0)") })
                        let key = MeasurementKey(
                            path: "w\(writer)/\(batch)", size: 1, modifiedAtNanos: 1, changedAtNanos: 7, inode: 42, mode: "auto")
                        try ledger.storeMeasurements([(key: key, facts: Data("f".utf8))])
                    }
                } catch {
                    failures.append("writer \(writer): \(error)")
                }
            }
            thread.start()
        }
        for _ in 0..<writers { start.signal() }
        XCTAssertEqual(group.wait(timeout: .now() + 120), .success, "writers did not finish")

        XCTAssertEqual(failures.all, [])
        let counts = try Ledger(path: file).counts()
        XCTAssertEqual(counts.jobs, writers * batches * batchSize)
        XCTAssertEqual(counts.measurements, writers * batches)
    }

    /// Six openers of one fresh file at once, twenty times: whoever loses the race to create the schema finds the
    /// winner still applying a later migration and must wait for it, not fail on a column the winner just added.
    func testManyOpenersOfAFreshLedgerAllGetAFullyMigratedFile() throws {
        for round in 0..<20 {
            let file = path("fresh-\(round)/ledger.sqlite")
            let openers = 6
            let failures = Failures()
            let start = DispatchSemaphore(value: 0)
            let group = DispatchGroup()
            for opener in 0..<openers {
                group.enter()
                Thread {
                    defer { group.leave() }
                    start.wait()
                    do { _ = try Ledger(path: file) } catch { failures.append("round \(round) opener \(opener): \(error)") }
                }.start()
            }
            for _ in 0..<openers { start.signal() }
            XCTAssertEqual(group.wait(timeout: .now() + 60), .success, "openers did not finish")
            XCTAssertEqual(failures.all, [])
        }
    }
}

/// Error messages collected from several threads.
private final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [String] = []

    func append(_ message: String) {
        lock.lock(); defer { lock.unlock() }
        messages.append(message)
    }

    var all: [String] {
        lock.lock(); defer { lock.unlock() }
        return messages
    }
}

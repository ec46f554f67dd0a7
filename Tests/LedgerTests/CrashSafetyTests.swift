import Foundation
import XCTest
import Ledger

/// A run killed at any point must leave whole batches only, and a ledger that opens and takes new writes.
///
/// The writer must be a separate process so SIGKILL can stop it mid-transaction. The test re-runs its own test binary
/// on this very test method with `childEnvironmentKey` set; in that role the method writes batches until killed.
final class CrashSafetyTests: LedgerTestCase {
    private static let childEnvironmentKey = "CLIPMETER_LEDGER_CRASH_WRITER"
    private static let batchSize = 500

    func testKilledWriterLeavesOnlyWholeBatches() throws {
        if let file = ProcessInfo.processInfo.environment[Self.childEnvironmentKey] {
            try writeUntilKilled(file)
        }
        #if os(Linux)
            let file = path("ledger.sqlite")
            var rounds: [Int] = []
            for round in 0..<3 {
                try killWriter(file, round: round)
                let ledger = try Ledger(path: file)
                let counts = try ledger.counts()
                XCTAssertEqual(counts.jobs % Self.batchSize, 0, "round \(round): a partial batch survived the kill")
                XCTAssertEqual(counts.measurements % Self.batchSize, 0, "round \(round): a partial batch survived the kill")
                XCTAssertEqual(try ledger.jobs(from: nil, to: nil).count, counts.jobs)
                rounds.append(counts.jobs)
            }
            print("jobs committed after each killed round: \(rounds)")
            XCTAssertGreaterThan(rounds.first ?? 0, 0, "the writer committed nothing before it was killed")
            XCTAssertEqual(rounds, rounds.sorted(), "committed batches must never disappear")

            let ledger = try Ledger(path: file)
            try ledger.recordJobs([job("after-the-crash")])
            XCTAssertEqual(try ledger.counts().jobs, (rounds.last ?? 0) + 1)
        #else
            throw XCTSkip("re-running the test binary as a child process is only set up for Linux")
        #endif
    }

    /// Starts a writer process, waits until it has committed a few batches, then kills it with SIGKILL.
    private func killWriter(_ file: String, round: Int) throws {
        let marker = file + ".committed-\(round)"
        let child = Process()
        child.executableURL = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        child.arguments = ["LedgerTests.CrashSafetyTests/testKilledWriterLeavesOnlyWholeBatches"]
        var environment = ProcessInfo.processInfo.environment
        environment[Self.childEnvironmentKey] = file
        environment["CLIPMETER_LEDGER_CRASH_ROUND"] = String(round)
        child.environment = environment
        child.standardOutput = FileHandle.nullDevice
        child.standardError = FileHandle.nullDevice
        try child.run()

        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: marker) && child.isRunning && Date() < deadline {
            usleep(10_000)
        }
        XCTAssertTrue(child.isRunning, "the writer stopped on its own")
        usleep(UInt32.random(in: 0...150_000))
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        XCTAssertEqual(child.terminationReason, .uncaughtSignal)
    }

    /// The child's role: record large batches of jobs and measurements forever, dropping a marker after a few.
    private func writeUntilKilled(_ file: String) throws -> Never {
        let round = ProcessInfo.processInfo.environment["CLIPMETER_LEDGER_CRASH_ROUND"] ?? "0"
        let ledger = try Ledger(path: file)
        var batch = 0
        while true {
            let prefix = "r\(round)-b\(batch)"
            try ledger.recordJobs((0..<Self.batchSize).map { job("\(prefix)-\($0)", payloadSize: 2_000) })
            try ledger.storeMeasurements(
                (0..<Self.batchSize).map {
                    (
                        key: MeasurementKey(
                            path: "\(prefix)/\($0)", size: 1, modifiedAtNanos: 1, changedAtNanos: 7, inode: 42, mode: "auto"),
                        facts: Data(repeating: 7, count: 1_000)
                    )
                })
            batch += 1
            if batch == 3 {
                _ = FileManager.default.createFile(atPath: file + ".committed-\(round)", contents: nil)
            }
        }
    }
}

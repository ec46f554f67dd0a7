import Foundation
import Ledger
import XCTest

/// A scan's stored output: whole or absent, in order, replaced per key, and bounded in number.
final class ReplayStoreTests: LedgerTestCase {
    private func output(_ name: String, bytes count: Int) throws -> (URL, Data) {
        // Blocks of differing bytes, so chunks read back out of order would not compare equal.
        var data = Data(capacity: count)
        var block = 0
        while data.count < count {
            data.append(Data(repeating: UInt8(block % 251), count: min(10_000, count - data.count)))
            block += 1
        }
        let url = folder.appendingPathComponent(name)
        try data.write(to: url)
        return (url, data)
    }

    private func readBack(_ ledger: Ledger, _ key: String) throws -> (Data, Bool) {
        var data = Data()
        let complete = try ledger.replayOutput(forKey: key) { data.append($0) }
        return (data, complete)
    }

    func testOutputLargerThanOneChunkRoundTripsInOrder() throws {
        let ledger = try Ledger(path: path("ledger.sqlite"))
        let (url, data) = try output("out", bytes: 2_500_000)
        let state = Data("f /tree/a.mp4 1 2 3\n".utf8)
        try ledger.storeReplay(
            forKey: "scan a", treeState: state, exitStatus: 1, stderr: "clipmeter: 1 failed\n",
            outputFile: url, recordedAt: Date(timeIntervalSince1970: 1_700_000_000))

        let stored = try XCTUnwrap(try ledger.replay(forKey: "scan a"))
        XCTAssertEqual(stored.treeState, state)
        XCTAssertEqual(stored.exitStatus, 1)
        XCTAssertEqual(stored.stderr, "clipmeter: 1 failed\n")
        XCTAssertEqual(stored.outputBytes, 2_500_000)
        XCTAssertEqual(stored.recordedAt, Date(timeIntervalSince1970: 1_700_000_000))
        let (back, complete) = try readBack(ledger, "scan a")
        XCTAssertTrue(complete)
        XCTAssertEqual(back, data)
    }

    func testEmptyOutputAndUnknownKeys() throws {
        let ledger = try Ledger(path: path("ledger.sqlite"))
        let (url, _) = try output("empty", bytes: 0)
        try ledger.storeReplay(forKey: "k", treeState: Data(), exitStatus: 0, stderr: "", outputFile: url)
        XCTAssertEqual(try ledger.replay(forKey: "k")?.outputBytes, 0)
        XCTAssertEqual(try readBack(ledger, "k").1, true)
        XCTAssertNil(try ledger.replay(forKey: "other"))
        XCTAssertEqual(try readBack(ledger, "other").1, false, "nothing stored is never a complete replay")
    }

    func testStoringAgainReplacesEveryChunkOfTheOldOutput() throws {
        let ledger = try Ledger(path: path("ledger.sqlite"))
        let (big, _) = try output("big", bytes: 3_000_000)
        let (small, smallData) = try output("small", bytes: 10)
        try ledger.storeReplay(forKey: "k", treeState: Data("1".utf8), exitStatus: 0, stderr: "", outputFile: big)
        try ledger.storeReplay(forKey: "k", treeState: Data("2".utf8), exitStatus: 3, stderr: "over", outputFile: small)

        XCTAssertEqual(try ledger.replay(forKey: "k")?.treeState, Data("2".utf8))
        XCTAssertEqual(try ledger.replay(forKey: "k")?.exitStatus, 3)
        XCTAssertEqual(try readBack(ledger, "k").0, smallData)
    }

    func testOnlyTheNewestReplaysAreKept() throws {
        let ledger = try Ledger(path: path("ledger.sqlite"))
        let (url, _) = try output("out", bytes: 100)
        let count = Ledger.replaysKept + 3
        for i in 0..<count {
            try ledger.storeReplay(
                forKey: "k\(i)", treeState: Data(), exitStatus: 0, stderr: "", outputFile: url,
                recordedAt: Date(timeIntervalSince1970: 1_700_000_000 + Double(i)))
        }
        for i in 0..<count {
            let kept = try ledger.replay(forKey: "k\(i)") != nil
            XCTAssertEqual(kept, i >= count - Ledger.replaysKept, "k\(i)")
            XCTAssertEqual(try readBack(ledger, "k\(i)").0.isEmpty, !kept)
        }
    }

    func testReplaysSurviveReopeningAndCanBeForgotten() throws {
        let file = path("ledger.sqlite")
        let (url, data) = try output("out", bytes: 5000)
        try Ledger(path: file).storeReplay(forKey: "k", treeState: Data("s".utf8), exitStatus: 0, stderr: "", outputFile: url)

        let reopened = try Ledger(path: file)
        XCTAssertEqual(try readBack(reopened, "k").0, data)
        try reopened.forgetReplays()
        XCTAssertNil(try reopened.replay(forKey: "k"))
    }

    func testAMissingOutputFileIsAnIOErrorNamingTheLedger() throws {
        let file = path("ledger.sqlite")
        let ledger = try Ledger(path: file)
        let error = ledgerError {
            try ledger.storeReplay(
                forKey: "k", treeState: Data(), exitStatus: 0, stderr: "",
                outputFile: URL(fileURLWithPath: self.path("no-such-output")))
        }
        guard case .io(let named, _)? = error else { return XCTFail("expected an io error, got \(String(describing: error))") }
        XCTAssertEqual(named, file)
        XCTAssertNil(try ledger.replay(forKey: "k"))
    }
}

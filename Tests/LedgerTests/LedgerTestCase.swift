import Foundation
import XCTest
import Ledger

/// Base class giving each test its own temporary folder for real SQLite files, removed afterwards.
class LedgerTestCase: XCTestCase {
    private(set) var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("LedgerTests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let folder {
            try? FileManager.default.removeItem(at: folder)
        }
    }

    /// A path inside the test's folder.
    func path(_ name: String) -> String {
        folder.appendingPathComponent(name).path
    }

    /// A job with plausible values; dates are whole milliseconds so a round trip compares equal.
    func job(
        _ id: String, finishedAt: Date? = Date(timeIntervalSince1970: 1_700_000_000.123), cost: String = "0.72",
        recordedAt: Date = Date(timeIntervalSince1970: 1_700_000_100.456), payloadSize: Int = 0
    ) -> JobRecord {
        let payload =
            payloadSize > 0
            ? Data(repeating: UInt8(ascii: "x"), count: payloadSize)
            : Data("{\"id\":\"\(id)\",\"cost\":\"\(cost)\"}".utf8)
        return JobRecord(
            id: id, feature: "image-text-matching", status: "succeeded", cost: cost, currency: "CNY",
            rateCard: "cn", finishedAt: finishedAt,
            cycleStart: finishedAt.map { Date(timeIntervalSince1970: ($0.timeIntervalSince1970 / 3600).rounded(.down) * 3600) },
            payload: payload, recordedAt: recordedAt)
    }

    /// Asserts that `body` throws a `LedgerError` and returns it for closer checks.
    func ledgerError(
        file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void
    ) -> LedgerError? {
        do {
            try body()
            XCTFail("expected a LedgerError, nothing was thrown", file: file, line: line)
        } catch let error as LedgerError {
            return error
        } catch {
            XCTFail("expected a LedgerError, got \(error)", file: file, line: line)
        }
        return nil
    }

    /// The file's bytes, to prove a refused file was left exactly as it was.
    func bytes(_ path: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: path))
    }
}

import Foundation
import GRDB
import XCTest
import Ledger

/// Ledgers written before jobs were keyed by identity hold rows under ids relative to the scanned folder. Those
/// rows keep their meaning (they are still billed), and the first scan that records the same job under its key
/// replaces the old row, so an upgraded ledger counts each job once.
final class JobKeyMigrationSQLiteTests: LedgerTestCase {
    func testAnOldRowIsReplacedByTheSameJobRecordedUnderItsKey() throws {
        let file = path("ledger.sqlite")
        try Ledger(path: file).recordJobs([job("job1"), job("job2")])
        // What a ledger from before the migration holds: every row unkeyed.
        let queue = try DatabaseQueue(path: file)
        try queue.write { try $0.execute(sql: "UPDATE job SET keyed = 0") }
        try queue.close()

        var keyed = job("/data/tree/job1")
        keyed.legacyID = "job1"
        try Ledger(path: file).recordJobs([keyed])
        XCTAssertEqual(
            try Ledger(path: file).jobs(from: nil, to: nil).map(\.id).sorted(), ["/data/tree/job1", "job2"],
            "job1 once, under its key; job2 still billed as before")

        // A keyed row is never deleted by a legacy id: another tree's job of that name stays.
        var other = job("/data/other/job1")
        other.legacyID = "job1"
        try Ledger(path: file).recordJobs([other])
        XCTAssertEqual(
            try Ledger(path: file).jobs(from: nil, to: nil).map(\.id).sorted(),
            ["/data/other/job1", "/data/tree/job1", "job2"])
    }

    /// Keys compare as bytes: `café` in NFC and in NFD are two rows, in one batch and across batches.
    func testCanonicallyEqualKeysAreTwoRows() throws {
        let ledger = try Ledger(path: path("ledger.sqlite"))
        try ledger.recordJobs([job("caf\u{E9}"), job("cafe\u{301}", cost: "8.00")])
        XCTAssertEqual(try ledger.jobs(from: nil, to: nil).count, 2)
        XCTAssertEqual(try LedgerMerge.jobs(from: [ledger, ledger], from: nil, to: nil).count, 2)
    }
}

final class JobKeyMigrationPostgresTests: PostgresLedgerTestCase {
    func testAnOldRowIsReplacedByTheSameJobRecordedUnderItsKey() throws {
        try open().recordJobs([job("job1"), job("job2")])
        try PSQL.run(url, "UPDATE \(schema).job SET keyed = false")
        var keyed = job("/data/tree/job1")
        keyed.legacyID = "job1"
        try open().recordJobs([keyed])
        XCTAssertEqual(try open().jobs(from: nil, to: nil).map(\.id).sorted(), ["/data/tree/job1", "job2"])
    }

    func testCanonicallyEqualKeysAreTwoRows() throws {
        try open().recordJobs([job("caf\u{E9}"), job("cafe\u{301}", cost: "8.00")])
        XCTAssertEqual(try open().jobs(from: nil, to: nil).count, 2)
    }
}

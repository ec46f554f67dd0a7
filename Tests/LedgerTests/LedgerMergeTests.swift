import Foundation
import XCTest
import Ledger

final class LedgerMergeTests: LedgerTestCase {
    private let hour10 = Date(timeIntervalSince1970: 1_700_002_800)
    private let earlier = Date(timeIntervalSince1970: 1_700_100_000)
    private let later = Date(timeIntervalSince1970: 1_700_200_000)

    func testSharedIDsAppearOnceWithTheNewestRecording() throws {
        let first = try Ledger(path: path("a.sqlite"))
        let second = try Ledger(path: path("b.sqlite"))
        try first.recordJobs([
            job("shared", finishedAt: hour10, cost: "0.60", recordedAt: later),
            job("only-a", finishedAt: hour10.addingTimeInterval(10)),
            job("other", finishedAt: hour10, cost: "9", recordedAt: earlier),
        ])
        try second.recordJobs([
            job("shared", finishedAt: hour10, cost: "0.30", recordedAt: earlier),
            job("other", finishedAt: hour10, cost: "1", recordedAt: later),
            job("only-b", finishedAt: hour10.addingTimeInterval(20)),
        ])

        let merged = try LedgerMerge.jobs(from: [first, second], from: nil, to: nil)

        XCTAssertEqual(merged.map(\.id), ["other", "shared", "only-a", "only-b"])
        XCTAssertEqual(merged.map(\.cost), ["1", "0.60", "0.72", "0.72"])
    }

    func testStaleCopyOutsideTheWindowIsNotResurrected() throws {
        let first = try Ledger(path: path("a.sqlite"))
        let second = try Ledger(path: path("b.sqlite"))
        try first.recordJobs([job("moved", finishedAt: hour10, recordedAt: earlier)])
        try second.recordJobs([job("moved", finishedAt: hour10.addingTimeInterval(7_200), recordedAt: later)])

        let hour11 = hour10.addingTimeInterval(3_600)
        XCTAssertEqual(try LedgerMerge.jobs(from: [first, second], from: hour10, to: hour11), [])
        XCTAssertEqual(
            try LedgerMerge.jobs(from: [first, second], from: hour11, to: nil).map(\.finishedAt),
            [hour10.addingTimeInterval(7_200)])
    }

    func testOneLedgerMergesToItsOwnListing() throws {
        let ledger = try Ledger(path: path("a.sqlite"))
        try ledger.recordJobs([job("z", finishedAt: nil), job("y", finishedAt: hour10), job("x", finishedAt: hour10)])

        XCTAssertEqual(try LedgerMerge.jobs(from: [ledger], from: nil, to: nil), try ledger.jobs(from: nil, to: nil))
        XCTAssertEqual(try LedgerMerge.jobs(from: [], from: nil, to: nil), [])
    }
}

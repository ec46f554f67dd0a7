import Foundation
import XCTest
import Ledger

final class JobStoreTests: LedgerTestCase {
    private let hour10 = Date(timeIntervalSince1970: 1_700_002_800)  // a whole hour in UTC

    func testEveryFieldRoundTrips() throws {
        let ledger = try Ledger(path: path("ledger.sqlite"))
        let finished = job("job-1")
        let undated = JobRecord(
            id: "ジョブ-2", feature: "text-generation", status: "failed", cost: "0", currency: "USD",
            rateCard: "intl-singapore", finishedAt: nil, cycleStart: nil, payload: Data(),
            recordedAt: Date(timeIntervalSince1970: 1_700_000_000.999))
        try ledger.recordJobs([finished, undated])

        XCTAssertEqual(try ledger.jobs(from: nil, to: nil), [finished, undated])
    }

    func testRecordingTheSameIDAgainReplacesTheRow() throws {
        let ledger = try Ledger(path: path("ledger.sqlite"))
        try ledger.recordJobs([job("job-1", cost: "0.60"), job("job-2")])
        let repriced = job("job-1", finishedAt: hour10, cost: "0.72", recordedAt: hour10.addingTimeInterval(60))
        try ledger.recordJobs([repriced])

        XCTAssertEqual(try ledger.counts().jobs, 2, "a re-priced job must never be counted twice")
        XCTAssertEqual(try ledger.jobs(withIDs: ["job-1"]), [repriced])
    }

    func testRecordingAnUnchangedJobAgainKeepsItsFirstRecording() throws {
        let ledger = try Ledger(path: path("ledger.sqlite"))
        let first = job("job-1", recordedAt: hour10)
        try ledger.recordJobs([first])
        try ledger.recordJobs([job("job-1", recordedAt: hour10.addingTimeInterval(3600))])

        XCTAssertEqual(try ledger.jobs(withIDs: ["job-1"]), [first], "nothing changed, so nothing was rewritten")
    }

    func testDuplicateIDsWithinOneBatchKeepTheLast() throws {
        let ledger = try Ledger(path: path("ledger.sqlite"))
        try ledger.recordJobs([job("job-1", cost: "1"), job("job-1", cost: "2")])

        XCTAssertEqual(try ledger.jobs(from: nil, to: nil).map(\.cost), ["2"])
    }

    func testWindowIsHalfOpenAndUndatedJobsOnlyAppearUnbounded() throws {
        let ledger = try Ledger(path: path("ledger.sqlite"))
        let at1000 = job("a", finishedAt: hour10)
        let at1030 = job("b", finishedAt: hour10.addingTimeInterval(1_800))
        let at1100 = job("c", finishedAt: hour10.addingTimeInterval(3_600))
        let at1200 = job("d", finishedAt: hour10.addingTimeInterval(7_200))
        let undated = job("e", finishedAt: nil)
        try ledger.recordJobs([undated, at1200, at1100, at1030, at1000])
        let hour11 = hour10.addingTimeInterval(3_600)

        XCTAssertEqual(try ledger.jobs(from: hour10, to: hour11).map(\.id), ["a", "b"])
        XCTAssertEqual(try ledger.jobs(from: hour11, to: nil).map(\.id), ["c", "d"])
        XCTAssertEqual(try ledger.jobs(from: nil, to: hour11).map(\.id), ["a", "b"])
        XCTAssertEqual(try ledger.jobs(from: nil, to: nil).map(\.id), ["a", "b", "c", "d", "e"])
        XCTAssertEqual(try ledger.jobs(from: hour11, to: hour11).map(\.id), [])
    }

    func testSameFinishTimeSortsByIDInByteOrder() throws {
        let ledger = try Ledger(path: path("ledger.sqlite"))
        try ledger.recordJobs(["b", "a", "B", "é", "a2"].map { job($0, finishedAt: hour10) })

        XCTAssertEqual(try ledger.jobs(from: nil, to: nil).map(\.id), ["B", "a", "a2", "b", "é"])
    }

    func testJobFinishingJustBeforeTheHourStaysInThatHour() throws {
        let ledger = try Ledger(path: path("ledger.sqlite"))
        try ledger.recordJobs([job("late", finishedAt: hour10.addingTimeInterval(-0.0004))])

        XCTAssertEqual(try ledger.jobs(from: hour10.addingTimeInterval(-3_600), to: hour10).map(\.id), ["late"])
        XCTAssertEqual(try ledger.jobs(from: hour10, to: nil).map(\.id), [])
    }

    func testCountsJobsAndMeasurementsSeparately() throws {
        let ledger = try Ledger(path: path("ledger.sqlite"))
        try ledger.recordJobs([job("1"), job("2"), job("3")])
        try ledger.storeMeasurements([
            (
                key: MeasurementKey(path: "a", size: 1, modifiedAtNanos: 1, changedAtNanos: 7, inode: 42, mode: "auto"),
                facts: Data("a".utf8)
            ),
            (
                key: MeasurementKey(path: "b", size: 1, modifiedAtNanos: 1, changedAtNanos: 7, inode: 42, mode: "auto"),
                facts: Data("b".utf8)
            ),
        ])

        let counts = try ledger.counts()
        XCTAssertEqual(counts.jobs, 3)
        XCTAssertEqual(counts.measurements, 2)
    }

    func testJobsByIDSkipsUnknownIDs() throws {
        let ledger = try Ledger(path: path("ledger.sqlite"))
        try ledger.recordJobs([job("1"), job("2")])

        XCTAssertEqual(Set(try ledger.jobs(withIDs: ["2", "missing", "2"]).map(\.id)), ["2"])
        XCTAssertEqual(try ledger.jobs(withIDs: []), [])
    }

    func testTwentyThousandJobsInOneBatch() throws {
        let ledger = try Ledger(path: path("ledger.sqlite"))
        let records = (0..<20_000).map { job("job-\($0)", finishedAt: hour10.addingTimeInterval(Double($0))) }
        let started = Date()
        try ledger.recordJobs(records)
        print("recorded 20000 jobs in \(Date().timeIntervalSince(started)) s")

        XCTAssertEqual(try ledger.counts().jobs, 20_000)
        let all = try ledger.jobs(from: nil, to: nil)
        XCTAssertEqual(all.count, 20_000)
        XCTAssertEqual(all.last, records.last)
    }
}

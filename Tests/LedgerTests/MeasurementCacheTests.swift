import Foundation
import XCTest
import Ledger

final class MeasurementCacheTests: LedgerTestCase {
    private let key = MeasurementKey(
        path: "/media/a.mp4", size: 1_234, modifiedAtNanos: 1_700_000_000_123_456_789, changedAtNanos: 7, inode: 42, mode: "auto")

    func testExactKeyHitsAndAnyDifferenceMisses() throws {
        let ledger = try Ledger(path: path("ledger.sqlite"))
        let facts = Data("{\"duration\":\"90\"}".utf8)
        try ledger.storeMeasurements([(key: key, facts: facts)])

        var otherSize = key; otherSize.size += 1
        var otherTime = key; otherTime.modifiedAtNanos += 1
        var otherMode = key; otherMode.mode = "exact"
        var otherPath = key; otherPath.path = "/media/b.mp4"
        var otherChange = key; otherChange.changedAtNanos += 1
        var otherInode = key; otherInode.inode = UInt64.max
        let found = try ledger.measurements(for: [key, otherSize, otherTime, otherMode, otherPath, otherChange, otherInode])

        XCTAssertEqual(found, [key: facts])
    }

    /// A file rewritten with its old size and mtime put back keeps neither its ctime nor (when replaced) its inode.
    func testRewriteWithTheOldSizeAndModificationTimeMissesTheCache() throws {
        let ledger = try Ledger(path: path("ledger.sqlite"))
        try ledger.storeMeasurements([(key: key, facts: Data("30 s".utf8))])
        var rewritten = key
        rewritten.changedAtNanos += 5_000_000_000
        var replaced = key
        replaced.inode += 1
        XCTAssertEqual(try ledger.measurements(for: [rewritten]), [:])
        XCTAssertEqual(try ledger.measurements(for: [replaced]), [:])
        var highInode = key
        highInode.inode = UInt64(Int64.max) + 12
        try ledger.storeMeasurements([(key: highInode, facts: Data("150 s".utf8))])
        XCTAssertEqual(try ledger.measurements(for: [highInode]), [highInode: Data("150 s".utf8)], "inodes above Int64.max round-trip")
    }

    func testNewerEntryReplacesTheOldOneForTheSamePathAndMode() throws {
        let ledger = try Ledger(path: path("ledger.sqlite"))
        var changed = key
        changed.size = 5_678
        changed.modifiedAtNanos += 1_000_000_000
        var otherMode = key
        otherMode.mode = "fast"

        try ledger.storeMeasurements([(key: key, facts: Data("old".utf8))])
        try ledger.storeMeasurements([(key: changed, facts: Data("new".utf8)), (key: otherMode, facts: Data("fast".utf8))])

        XCTAssertEqual(try ledger.counts().measurements, 2, "one row per (path, mode), however often the file changes")
        XCTAssertEqual(
            try ledger.measurements(for: [key, changed, otherMode]),
            [changed: Data("new".utf8), otherMode: Data("fast".utf8)])
    }

    func testLastEntryWinsWithinOneBatch() throws {
        let ledger = try Ledger(path: path("ledger.sqlite"))
        var later = key
        later.modifiedAtNanos += 1
        try ledger.storeMeasurements([(key: key, facts: Data("first".utf8)), (key: later, facts: Data("second".utf8))])

        XCTAssertEqual(try ledger.counts().measurements, 1)
        XCTAssertEqual(try ledger.measurements(for: [key, later]), [later: Data("second".utf8)])
    }

    func testMeasurementsSurviveReopening() throws {
        let file = path("ledger.sqlite")
        try Ledger(path: file).storeMeasurements([(key: key, facts: Data([0, 1, 2, 255]))])

        let reopened = try Ledger(path: file)
        XCTAssertEqual(try reopened.measurements(for: [key]), [key: Data([0, 1, 2, 255])])
    }

    func testEmptyRequestsNeedNoQuery() throws {
        let ledger = try Ledger(path: path("ledger.sqlite"))
        try ledger.storeMeasurements([])
        XCTAssertEqual(try ledger.measurements(for: []), [:])
        XCTAssertEqual(try ledger.counts().measurements, 0)
    }

    func testTwentyThousandMeasurementsInOneBatchAndOneLookup() throws {
        let ledger = try Ledger(path: path("ledger.sqlite"))
        let keys = (0..<20_000).map {
            MeasurementKey(
                path: "/media/clip-\($0).mp4", size: Int64($0), modifiedAtNanos: Int64($0) * 1_000, changedAtNanos: 7, inode: 42,
                mode: "auto")
        }
        let started = Date()
        try ledger.storeMeasurements(keys.map { (key: $0, facts: Data("{\"size\":\($0.size)}".utf8)) })
        let stored = Date()
        let misses = (0..<100).map {
            MeasurementKey(path: "/media/clip-\($0).mp4", size: Int64($0), modifiedAtNanos: -1, changedAtNanos: 7, inode: 42, mode: "auto")
        }
        let found = try ledger.measurements(for: keys + misses)
        let looked = Date()
        print(
            "stored 20000 measurements in \(stored.timeIntervalSince(started)) s, "
                + "looked up 20100 in \(looked.timeIntervalSince(stored)) s")

        XCTAssertEqual(found.count, 20_000)
        XCTAssertEqual(found[keys[12_345]], Data("{\"size\":12345}".utf8))
        XCTAssertEqual(try ledger.counts().measurements, 20_000)
    }
}

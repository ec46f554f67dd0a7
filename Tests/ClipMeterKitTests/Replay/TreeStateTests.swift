@testable import ClipMeterKit
import Foundation
import TestSupport
import XCTest

/// The state a replay is keyed on must change with every change a scan could see, and only then.
final class TreeStateTests: XCTestCase {
    private var tree: URL!
    private let fm = FileManager.default

    override func setUpWithError() throws {
        tree = try TestMedia.temporaryDirectory("tree-state")
        try fm.createDirectory(at: tree.appendingPathComponent("job/inputs"), withIntermediateDirectories: true)
        try Data("input".utf8).write(to: tree.appendingPathComponent("job/inputs/a.mp4"))
        try Data("manifest".utf8).write(to: tree.appendingPathComponent("clipmeter.yaml"))
    }

    override func tearDownWithError() throws { try? fm.removeItem(at: tree) }

    private func state(excluding: Set<String> = [], files: [String] = []) throws -> Data {
        try XCTUnwrap(TreeState.capture(folders: [tree.path], files: files, excluding: excluding)).bytes
    }

    private func file(_ name: String) -> String { tree.appendingPathComponent(name).path }

    func testAnUntouchedTreeHasTheSameState() throws {
        XCTAssertEqual(try state(), try state())
    }

    func testRewritingAFileWithTheSameSizeAndModificationTimeStillChangesTheState() throws {
        let path = file("job/inputs/a.mp4")
        let mtime = try XCTUnwrap(try fm.attributesOfItem(atPath: path)[.modificationDate] as? Date)
        let before = try state()
        usleep(20_000)
        try Data("INPUT".utf8).write(to: URL(fileURLWithPath: path))
        try fm.setAttributes([.modificationDate: mtime], ofItemAtPath: path)
        XCTAssertNotEqual(try state(), before, "the change time moves even when size and mtime are put back")
    }

    func testAddingRemovingAndRenamingChangeTheState() throws {
        let before = try state()
        try Data("b".utf8).write(to: URL(fileURLWithPath: file("job/inputs/b.mp4")))
        let added = try state()
        XCTAssertNotEqual(added, before)
        try fm.moveItem(atPath: file("job/inputs/b.mp4"), toPath: file("job/inputs/c.mp4"))
        let renamed = try state()
        XCTAssertNotEqual(renamed, added)
        try fm.removeItem(atPath: file("job/inputs/c.mp4"))
        XCTAssertNotEqual(try state(), renamed)
    }

    func testHiddenFilesCountButExcludedPathsDoNot() throws {
        let ledger = file(".clipmeter/ledger.sqlite")
        try fm.createDirectory(atPath: file(".clipmeter"), withIntermediateDirectories: true)
        try Data("v1".utf8).write(to: URL(fileURLWithPath: ledger))
        let excluded: Set<String> = [ledger, ledger + "-wal"]
        let before = try state(excluding: excluded)
        try Data("v2 and longer".utf8).write(to: URL(fileURLWithPath: ledger))
        try Data("log".utf8).write(to: URL(fileURLWithPath: ledger + "-wal"))
        XCTAssertEqual(try state(excluding: excluded), before, "the ledger's own writes never invalidate a replay")
        try Data("x".utf8).write(to: URL(fileURLWithPath: file(".hidden.job.json")))
        XCTAssertNotEqual(try state(excluding: excluded), before)
    }

    func testNamedFilesOutsideTheFoldersAreWatched() throws {
        let outside = try TestMedia.temporaryDirectory("rates")
        defer { try? fm.removeItem(at: outside) }
        let card = outside.appendingPathComponent("card.yaml").path
        try Data("prices: 1".utf8).write(to: URL(fileURLWithPath: card))
        let before = try state(files: [card])
        usleep(20_000)
        try Data("prices: 2".utf8).write(to: URL(fileURLWithPath: card))
        XCTAssertNotEqual(try state(files: [card]), before)
        try fm.removeItem(atPath: card)
        XCTAssertNotEqual(try state(files: [card]), before, "a missing named file is a state of its own")
    }

    func testAFileSymlinkFollowsItsTarget() throws {
        let outside = try TestMedia.temporaryDirectory("target")
        defer { try? fm.removeItem(at: outside) }
        let target = outside.appendingPathComponent("clip.mp4").path
        try Data("one".utf8).write(to: URL(fileURLWithPath: target))
        try fm.createSymbolicLink(atPath: file("job/inputs/link.mp4"), withDestinationPath: target)
        let before = try state()
        usleep(20_000)
        try Data("two!".utf8).write(to: URL(fileURLWithPath: target))
        XCTAssertNotEqual(try state(), before)
    }

    func testAJustWrittenTreeIsNotSettled() throws {
        let captured = try XCTUnwrap(TreeState.capture(folders: [tree.path], files: [], excluding: []))
        XCTAssertFalse(captured.isSettled(margin: 2), "written in setUp, a moment ago")
        XCTAssertGreaterThan(captured.newestTimestamp, captured.capturedAt - 60)
        XCTAssertTrue(TreeState(bytes: Data(), capturedAt: 100, newestTimestamp: 97.9).isSettled(margin: 2))
        XCTAssertFalse(TreeState(bytes: Data(), capturedAt: 100, newestTimestamp: 98).isSettled(margin: 2))
    }

    func testASymlinkedFolderMeansNoStateAtAll() throws {
        let outside = try TestMedia.temporaryDirectory("linked")
        defer { try? fm.removeItem(at: outside) }
        try fm.createSymbolicLink(atPath: file("job/outputs"), withDestinationPath: outside.path)
        XCTAssertNil(TreeState.capture(folders: [tree.path], files: [], excluding: []))
    }
}

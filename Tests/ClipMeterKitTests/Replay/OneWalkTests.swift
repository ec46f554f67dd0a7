import Billing
import Foundation
import MediaProbe
import XCTest
@testable import ClipMeterKit

/// Issue 11: a scan walks its tree once, and the listing that keys the replay is the one the scan reads.
final class OneWalkTests: XCTestCase {
    private func request(_ tree: JobsTempTree) throws -> ScanRequest {
        let resolver = PathResolver(roots: [tree.root], mediaRoot: nil, ossMappings: [], mediaMap: [:])
        return ScanRequest(
            directory: tree.root, feature: "video-editing", shard: nil, resolver: resolver,
            probe: ProbeOptions(), jobs: 1, settings: BillingSettings(card: try RateCardLoader.bundled("cn")))
    }

    /// Every job id the scan produced, billed or failed.
    private func jobIDs(_ outcome: ScanOutcome) -> Set<String> {
        Set(outcome.report.bill.jobs.map(\.id) + outcome.report.failures.compactMap(\.jobID))
    }

    /// Every folder of the tree, hidden ones included, as absolute paths.
    private func folders(_ tree: JobsTempTree) -> Set<String> {
        var result: Set<String> = [tree.root]
        let walker = FileManager.default.enumerator(atPath: tree.root)
        while let relative = walker?.nextObject() as? String {
            if PathText.kind(tree.path(relative)) == .directory && !PathText.isSymlink(tree.path(relative)) {
                result.insert(tree.path(relative))
            }
        }
        return result
    }

    private func tree() throws -> JobsTempTree {
        let tree = try JobsTempTree()
        try tree.write("clipmeter.yaml", "id: described\nfeature: video-editing\noutputs: [\"renders/final.mp4\"]\n")
        try tree.write("renders/final.mp4")
        try tree.write("campaign/inputs/a.mp4")
        try tree.write("campaign/outputs/cut/b.mp4")
        try tree.write("campaign/outputs/notes.md", "a note")
        try tree.write("saved/response.json", "{\"not\": \"a response\"}")
        try tree.write("loose/deeper/c.mov")
        try tree.write(".hidden/d.mp4")
        try tree.symlink("loose/latest", to: "deeper")
        return tree
    }

    func testAScanListsEachFolderOnceForReplayStateJobsAndLooseFiles() throws {
        let tree = try tree()
        let request = try request(tree)
        var outcome: ScanOutcome?
        var state: TreeState?
        let listed = try ListingLog.recording {
            let listing = ScanSession.listing(of: tree.root, resolver: request.resolver, forReplay: true)
            state = TreeState.capture(listing: listing, files: [], excluding: [])
            outcome = try ScanSession.run(request, listing: listing, ledger: nil)
        }
        // A symlinked folder means no replay state (and the listing never enters it): drop it and compare too.
        XCTAssertNil(state)
        XCTAssertEqual(listed.filter { $0.value != 1 }, [:], "folders listed more than once")
        XCTAssertEqual(Set(listed.keys), folders(tree), "every folder is listed, hidden ones for the replay state")
        XCTAssertEqual(jobIDs(try XCTUnwrap(outcome)), ["described", "campaign", "loose/deeper/c.mov"])

        try FileManager.default.removeItem(atPath: tree.path("loose/latest"))
        let again = try ListingLog.recording {
            let listing = ScanSession.listing(of: tree.root, resolver: request.resolver, forReplay: true)
            XCTAssertNotNil(TreeState.capture(listing: listing, files: [], excluding: []))
            _ = try ScanSession.run(request, listing: listing, ledger: nil)
        }
        XCTAssertEqual(again, Dictionary(uniqueKeysWithValues: folders(tree).map { ($0, 1) }))
    }

    func testAFileAddedBetweenListingAndReadingIsNeitherBilledNorReplayedStale() throws {
        let tree = try tree()
        try FileManager.default.removeItem(atPath: tree.path("loose/latest"))
        let request = try request(tree)
        let listing = ScanSession.listing(of: tree.root, resolver: request.resolver, forReplay: true)
        let stored = try XCTUnwrap(TreeState.capture(listing: listing, files: [], excluding: []))

        // Written after the walk, before anything was read: this scan's bill does not know the file...
        try tree.write("loose/late.mp4")
        let outcome = try ScanSession.run(request, listing: listing, ledger: nil)
        XCTAssertFalse(jobIDs(outcome).contains("loose/late.mp4"))

        // ...and the state stored with that bill no longer matches the tree, so the next scan is a full one
        // that bills it, instead of a replay of the bill that left it out.
        let next = ScanSession.listing(of: tree.root, resolver: request.resolver, forReplay: true)
        XCTAssertNotEqual(try XCTUnwrap(TreeState.capture(listing: next, files: [], excluding: [])).bytes, stored.bytes)
        XCTAssertTrue(jobIDs(try ScanSession.run(request, listing: next, ledger: nil)).contains("loose/late.mp4"))
    }

    func testTheListingRecordsWhatTheOldWalksSaw() throws {
        let tree = try tree()
        let listing = TreeListing(roots: [tree.root])
        let loose = try XCTUnwrap(listing.folder(tree.path("loose")))
        XCTAssertEqual(loose.entries.map(\.name), ["deeper", "latest"])
        let link = loose.entries[1]
        XCTAssertEqual(link.facts?.isSymlink, true)
        XCTAssertEqual(link.target?.isFolder, true)
        XCTAssertEqual(link.linkText, "deeper")
        XCTAssertNil(listing.folder(tree.path("loose/latest")), "a symlinked folder is never entered")
        XCTAssertNotNil(listing.folder(tree.path(".hidden")))
        XCTAssertNil(TreeListing(roots: [tree.root], includingHidden: false).folder(tree.path(".hidden")))
    }
}

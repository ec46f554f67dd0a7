import Foundation
@testable import MediaProbe
import TestSupport
import XCTest

/// A listed file or folder replaced by a symbolic link to outside the scanned roots between the listing and the
/// open must not be read. The swap is made here before the open, which is what a winning race looks like.
final class SwappedLinkTests: XCTestCase {
    private var root: URL!
    private var outside: String!

    override func setUpWithError() throws {
        let base = try TestMedia.temporaryDirectory("clipmeter-swap")
        root = base.appendingPathComponent("root")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("day"), withIntermediateDirectories: true)
        let away = base.appendingPathComponent("outside")
        try FileManager.default.createDirectory(at: away, withIntermediateDirectories: true)
        outside = try TestMedia.make(
            "secret.ts", in: away,
            ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=3.5", "-c:a", "aac"])
    }

    private var refusing: MediaProber {
        var options = ProbeOptions()
        options.refusesLinks = true
        return MediaProber(options: options)
    }

    func testAFileSwappedForALinkIsRefusedNotRead() throws {
        let listed = root.appendingPathComponent("day/clip.ts").path
        try FileManager.default.createSymbolicLink(atPath: listed, withDestinationPath: outside)
        let outcome = refusing.probe(listed)
        XCTAssertNil(outcome.facts, "the file outside the roots was measured")
        XCTAssertEqual(outcome.error?.code, .unsupported)
        XCTAssertTrue(outcome.error?.message.contains("symbolic link") == true, "\(String(describing: outcome.error))")
    }

    func testAFolderSwappedForALinkIsRefusedNotCrossed() throws {
        let day = root.appendingPathComponent("day").path
        try FileManager.default.removeItem(atPath: day)
        try FileManager.default.createSymbolicLink(atPath: day, withDestinationPath: (outside as NSString).deletingLastPathComponent)
        let outcome = refusing.probe(day + "/secret.ts")
        XCTAssertNil(outcome.facts, "a folder link was crossed to the file outside")
        XCTAssertTrue(outcome.error?.message.contains("symbolic link") == true, "\(String(describing: outcome.error))")
    }

    func testLinkFreeOpenReadsPlainPathsAndRefusesEveryLink() throws {
        let plain = LinkFreeOpen.open(outside, flags: O_RDONLY | O_CLOEXEC)
        XCTAssertGreaterThanOrEqual(plain, 0, String(cString: strerror(errno)))
        close(plain)
        let link = root.appendingPathComponent("link.ts").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: outside)
        XCTAssertEqual(LinkFreeOpen.open(link, flags: O_RDONLY | O_CLOEXEC), -1)
        XCTAssertEqual(errno, ELOOP)
    }

    /// `probe` on a link the user named still follows it: only paths a caller resolved itself refuse links.
    func testAUserNamedLinkIsStillMeasuredByDefault() throws {
        let link = root.appendingPathComponent("named.ts").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: outside)
        XCTAssertNotNil(MediaProber().probe(link).facts)
        XCTAssertNotNil(refusing.probe(outside).facts, "a real path without links is measured")
    }
}

import Foundation
import TestSupport
import XCTest

/// Errors a user can act on name what is wrong: a FIFO is not "not found", and a folder that cannot be listed
/// is reported, never skipped (its files would silently drop out of the bill).
final class PreciseErrorCodeTests: XCTestCase {
    func testAFIFOGivenAsInputIsUnsupportedNotNotFound() throws {
        let dir = try TestMedia.temporaryDirectory("fifo-input")
        let fifo = dir.appendingPathComponent("clip.mp4").path
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        let result = try CLI.run(["estimate", "--feature", "highlight-extraction", "--input", fifo, "--format", "json"])
        XCTAssertEqual(result.status, 1)
        let error = try XCTUnwrap((try result.json() as? [String: Any])?.objects("errors").first?["error"] as? [String: Any])
        XCTAssertEqual(error.string("code"), "unsupported")
        XCTAssertTrue(error.string("message")?.contains("FIFO") ?? false, "\(error)")
    }

    func testAFolderThatCannotBeListedIsPermissionDenied() throws {
        let dir = try TestMedia.temporaryDirectory("locked-folder")
        let locked = dir.appendingPathComponent("locked").path
        try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: "\(CLI.samples)/timelines/clip-10s.mp4", toPath: locked + "/clip.mp4")
        XCTAssertEqual(chmod(locked, 0), 0)
        defer { chmod(locked, 0o755) }
        var arguments = [TestMedia.clipmeterExecutable, "probe", "--format", "json", dir.path]
        if geteuid() == 0 {
            // Root reads every folder: drop to nobody, as a user of a shared machine would be.
            try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"), "needs setpriv to drop root")
            chmod(dir.path, 0o755)
            arguments = ["--reuid=65534", "--regid=65534", "--clear-groups"] + arguments
        }
        let result =
            geteuid() == 0
            ? try TestMedia.run("/usr/bin/setpriv", arguments)
            : try TestMedia.run(arguments[0], Array(arguments.dropFirst()))
        XCTAssertEqual(result.status, 1, result.stderr)
        let records = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(records.count, 1)
        XCTAssertEqual(records.first?.string("path"), locked)
        XCTAssertEqual((records.first?["error"] as? [String: Any])?.string("code"), "permission-denied")
    }
}

/// `estimate --ledger`: the measurements are shared with scans, but a pre-flight estimate is no charge.
final class EstimateLedgerTests: XCTestCase {
    func testEstimateUsesTheLedgerButRecordsNoCharge() throws {
        let dir = try TestMedia.temporaryDirectory("estimate-ledger")
        let ledger = dir.appendingPathComponent("ledger.sqlite").path
        let args = [
            "estimate", "--feature", "image-text-matching", "--input", "media-samples/seed-example/inputs/input-90s.mp4",
            "--output-duration", "23", "--ledger", ledger, "--format", "json",
        ]
        for _ in 0..<2 {
            let result = try CLI.run(args)
            XCTAssertEqual(result.status, 0, result.stderr)
            XCTAssertEqual((try result.json() as? [String: Any])?.string("total"), "0.60")
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: ledger))
        let bill = try CLI.run(["bill", "--ledger", ledger, "--format", "json"])
        XCTAssertEqual(bill.status, 0, bill.stderr)
        XCTAssertEqual((try bill.json() as? [String: Any])?.objects("jobs").count, 0, "an estimate is not a charge")
    }
}

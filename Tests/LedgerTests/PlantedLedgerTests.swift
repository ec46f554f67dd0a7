import Foundation
@testable import Ledger
import XCTest

/// A ledger someone else could have written is neither read nor written, and no link is followed to create one.
final class PlantedLedgerTests: LedgerTestCase {
    private func assertUntrusted(_ location: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try Ledger(path: location), file: file, line: line) { error in
            guard case .untrusted(_, let message)? = error as? LedgerError else {
                return XCTFail("expected .untrusted, got \(error)", file: file, line: line)
            }
            XCTAssertTrue(message.contains(expected), message, file: file, line: line)
        }
    }

    func testAFolderOrFileOfAnotherUserIsRefused() throws {
        try XCTSkipUnless(geteuid() == 0, "needs root to make files owned by another user")
        let folder = path("scanned/.clipmeter")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        XCTAssertEqual(chown(folder, 65534, 65534), 0)
        assertUntrusted(folder + "/ledger.sqlite", "belongs to user 65534")
        XCTAssertEqual(chown(folder, 0, 0), 0)
        _ = try Ledger(path: folder + "/ledger.sqlite")
        XCTAssertEqual(chown(folder + "/ledger.sqlite", 65534, 65534), 0)
        assertUntrusted(folder + "/ledger.sqlite", "ledger.sqlite belongs to user 65534")
    }

    func testWritableByOthersIsRefusedUnlessTheFolderIsSticky() throws {
        let folder = path("shared")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        XCTAssertEqual(chmod(folder, 0o777), 0)
        assertUntrusted(folder + "/ledger.sqlite", "may be written by anyone")
        XCTAssertEqual(chmod(folder, 0o1777), 0, "sticky, as /tmp is: others cannot replace the file")
        _ = try Ledger(path: folder + "/ledger.sqlite")
        XCTAssertEqual(chmod(folder + "/ledger.sqlite", 0o664), 0)
        assertUntrusted(folder + "/ledger.sqlite", "its group")
    }

    func testDanglingLinksAreNeverFollowedToCreateAFile() throws {
        let target = path("elsewhere/created.sqlite")
        try FileManager.default.createDirectory(atPath: path("elsewhere"), withIntermediateDirectories: true)
        for name in ["ledger.sqlite", "ledger.sqlite-wal", "ledger.sqlite-shm", "ledger.sqlite-journal"] {
            let folder = path("ledger-\(name)")
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: folder + "/" + name, withDestinationPath: target)
            assertUntrusted(folder + "/ledger.sqlite", "symbolic link to nothing")
            XCTAssertFalse(FileManager.default.fileExists(atPath: target), "\(name) was followed")
        }
    }

    /// The user's own link to an existing ledger keeps working.
    func testTheUsersOwnLinkToALedgerStillOpens() throws {
        let real = path("real/ledger.sqlite")
        try Ledger(path: real).recordJobs([job("kept")])
        try FileManager.default.createSymbolicLink(atPath: path("link.sqlite"), withDestinationPath: real)
        XCTAssertEqual(try Ledger(path: path("link.sqlite")).jobs(from: nil, to: nil).map(\.id), ["kept"])
    }

    func testMistypedDatabaseURLsAreRefusedWithoutThePassword() {
        for url in [
            "postgres://cm:Hunter2@[::1:55441/billing", "postgres:/cm:Hunter2@db/x", "postgresql:cm:Hunter2@db",
            "Postgres:db?password=Hunter2", "postgresql:/x?sslmode=require&PASSWORD=Hunter2",
        ] {
            XCTAssertTrue(Ledger.startsLikeDatabaseURL(url), url)
            XCTAssertThrowsError(try Ledger(location: url)) { error in
                guard case .malformedURL(let shown, _)? = error as? LedgerError else {
                    return XCTFail("expected .malformedURL, got \(error)")
                }
                XCTAssertFalse("\(error)".contains("Hunter2"), "\(error)")
                XCTAssertFalse(shown.contains("Hunter2"), shown)
            }
        }
        XCTAssertFalse(Ledger.startsLikeDatabaseURL("./postgres:x.sqlite"))
        XCTAssertFalse(Ledger.startsLikeDatabaseURL("postgres.sqlite"))
    }
}

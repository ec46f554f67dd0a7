@testable import Billing
import Foundation
import XCTest

/// The rate cards compiled into the binary must be exactly the JSON files a reviewer reads and edits.
final class BundledRateCardDataTests: XCTestCase {
    private var cardFolder: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/Billing/RateCards")
    }

    func testEmbeddedTextEqualsEveryCardFile() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: cardFolder.path).filter { $0.hasSuffix(".json") }
        let ids = Set(files.map { String($0.dropLast(5)) })
        XCTAssertEqual(ids, Set(BundledRateCardData.json.keys), "Package.swift's bundledRateCards lists every card file")
        XCTAssertEqual(ids, Set(RateCardLoader.bundledIDs), "every bundled id has a card file and vice versa")
        for id in ids.sorted() {
            let onDisk = try Data(contentsOf: cardFolder.appendingPathComponent("\(id).json"))
            XCTAssertEqual(Data(BundledRateCardData.json[id] ?? []), onDisk, "\(id).json differs from the embedded copy")
        }
    }

    func testEveryBundledCardLoadsWithoutAResourceBundle() throws {
        for id in RateCardLoader.bundledIDs {
            let card = try RateCardLoader.bundled(id)
            XCTAssertFalse(card.features.isEmpty, id)
        }
        XCTAssertThrowsError(try RateCardLoader.bundled("intl-mars")) { error in
            XCTAssertTrue("\(error)".contains("no bundled rate card"), "\(error)")
        }
    }
}

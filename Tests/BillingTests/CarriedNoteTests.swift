import Foundation
import XCTest

@testable import Billing

/// A job's note is carried typed and stored as the words the ledger has always held.
final class CarriedNoteTests: XCTestCase {
    private struct Note: NoteContent {
        var file: String
        var description: String { "\(file) is a note" }
    }

    func testATypedNoteIsStoredAsItsWordsAndReadBackAsThem() throws {
        let warning = PricingWarning.job(CarriedNote(Note(file: "a.mp4")))
        let data = try JSONEncoder().encode(warning)
        XCTAssertEqual(String(decoding: data, as: UTF8.self), #"{"job":{"_0":"a.mp4 is a note"}}"#)
        let read = try JSONDecoder().decode(PricingWarning.self, from: data)
        XCTAssertEqual(read, .job(CarriedNote(recorded: "a.mp4 is a note")))
        XCTAssertEqual(read.description, warning.description)
    }

    func testTypedNotesAreEqualByValueAndNeverEqualToWords() {
        XCTAssertEqual(CarriedNote(Note(file: "a")), CarriedNote(Note(file: "a")))
        XCTAssertNotEqual(CarriedNote(Note(file: "a")), CarriedNote(Note(file: "b")))
        XCTAssertNotEqual(CarriedNote(Note(file: "a")), CarriedNote(recorded: "a is a note"))
        XCTAssertEqual(Set([CarriedNote(Note(file: "a")), CarriedNote(Note(file: "a"))]).count, 1)
    }
}

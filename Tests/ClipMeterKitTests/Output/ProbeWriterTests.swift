import Foundation
import MediaProbe
import XCTest

@testable import ClipMeterKit

/// `probe`'s documents as they stream: a JSON array, CSV with its header, a table with its count of files.
final class ProbeWriterTests: XCTestCase {
    private func written(_ format: ProbeWriter.Format, paths: [String]) -> String {
        var text = ""
        var writer = ProbeWriter(format: format, policy: .container, out: { text += $0 })
        writer.begin()
        var failures = 0
        for path in paths {
            let outcome = MediaProber().probe(path)
            if outcome.error != nil { failures += 1 }
            writer.add(outcome)
        }
        writer.finish(failures: failures)
        return text
    }

    func testNoFilesIsAnEmptyArray() {
        XCTAssertEqual(written(.json, paths: []), "[]\n")
        XCTAssertEqual(written(.ndjson, paths: []), "")
        XCTAssertEqual(written(.csv, paths: []), ProbeReport.csvHeader + "\n")
    }

    func testAMissingFileIsOneRecordInEachFormat() throws {
        let path = "/nonexistent/clipmeter-\(UUID().uuidString).mp4"
        let json = written(.json, paths: [path, path])
        XCTAssertTrue(json.hasPrefix("[\n  {\"path\":"), json)
        XCTAssertTrue(json.hasSuffix("}\n]\n"), json)
        let array = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        XCTAssertEqual(array.count, 2)
        XCTAssertEqual((array[0]["error"] as? [String: Any])?["code"] as? String, "not-found")

        let csv = written(.csv, paths: [path]).split(separator: "\n")
        XCTAssertEqual(csv.count, 2)
        XCTAssertTrue(csv[1].contains(",not-found,"), String(csv[1]))

        let table = written(.table, paths: [path])
        XCTAssertTrue(table.hasPrefix("PATH"), table)
        XCTAssertTrue(table.hasSuffix("1 file(s), 0 measured, 1 failed\n"), table)
    }
}

import Foundation
import XCTest
@testable import Timeline

/// Issue 12 defect 9: a negative time or a non-positive speed would shorten the bill; the clip is rejected with a
/// warning naming it and the length is unknown (nil), never a smaller number.
final class HostileClipTests: XCTestCase {
    func testNegativeTimesAndNonPositiveSpeedsMakeTheLengthUnknown() throws {
        let fields = [
            #""Duration": -30"#, #""TimelineIn": -20, "TimelineOut": 5"#, #""TimelineOut": -5"#,
            #""In": -10, "Out": 5"#, #""Out": -5"#, #""Out": 10, "Speed": 0"#, #""Out": 10, "Speed": -2"#,
            #""Duration": 1e30"#, #""TimelineIn": 0, "TimelineOut": 1e30"#,
        ]
        for field in fields {
            let json = """
                {"VideoTracks": [{"VideoTrackClips": [
                    {"MediaURL": "a.mp4", "Out": 30},
                    {"MediaURL": "b.mp4", \(field)}]}]}
                """
            let (result, _) = try lengthOf(json, sources: ["a.mp4": 60, "b.mp4": 60])
            XCTAssertNil(result.duration, "\(field) must not yield a length")
            XCTAssertTrue(
                result.warnings.contains {
                    guard case .clip(let position, .endUnknown(let why)) = $0, position.clipIndex == 1 else { return false }
                    switch why {
                    case .negativeField, .fieldOverAYear, .speedNotPositive: return true
                    default: return false
                    }
                },
                "\(field): \(result.warnings)")
        }
    }

    func testNumericStringsAreParsedStrictly() {
        for text in ["1-2", "1.2.3", "NaN", "inf", "1e400"] {
            let json = #"{"VideoTracks": [{"VideoTrackClips": [{"MediaURL": "a.mp4", "Out": "\#(text)"}]}]}"#
            XCTAssertThrowsError(try parse(json), text) {
                XCTAssertTrue("\($0)".contains("Out"), "\($0)")
            }
        }
    }
}

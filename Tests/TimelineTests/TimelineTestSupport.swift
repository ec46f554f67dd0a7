import Foundation
import XCTest
@testable import Timeline

/// A resolver over known source lengths (keyed by MediaURL or MediaId) that records what it was asked.
final class FakeMedia {
    let lengths: [String: Decimal]
    private(set) var asked: [ClipMediaReference] = []

    init(_ lengths: [String: Decimal]) { self.lengths = lengths }

    func resolve(_ reference: ClipMediaReference) -> SourceLength {
        asked.append(reference)
        let key = reference.mediaURL ?? reference.mediaId ?? ""
        if let seconds = lengths[key] { return .seconds(seconds) }
        return .unresolved("no local file for \(key)")
    }
}

/// Exact decimal from text, so expectations are not written through Double.
func dec(_ text: String) -> Decimal { Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))! }

func parse(_ json: String) throws -> IMSTimeline {
    try TimelineParser.parse(Data(json.utf8), source: "test.json")
}

/// Parses and measures a timeline against known source lengths.
func lengthOf(
    _ json: String, sources: [String: Decimal] = [:], options: TimelineOptions = TimelineOptions()
) throws -> (TimelineLength, FakeMedia) {
    let timeline = try TimelineParser.parse(Data(json.utf8), source: "test.json")
    let media = FakeMedia(sources)
    let result = TimelineCalculator.length(of: timeline, options: options, resolve: media.resolve)
    return (result, media)
}

extension TimelineLength {
    func track(_ kind: String, _ index: Int = 0) -> TrackLength? {
        tracks.first { $0.kind == kind && $0.index == index }
    }

    /// True when a warning's words hold every fragment (the words name no flag; `Wording` adds those).
    func hasWarning(_ fragments: String...) -> Bool {
        warnings.contains { warning in fragments.allSatisfy { warning.description.contains($0) } }
    }
}

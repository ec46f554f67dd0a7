import Foundation
import Quantities

/// Why a Timeline could not be read, naming the file and the problem (and the JSON path of a bad field).
public struct TimelineError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong, in terms a user can act on.
    public enum Problem: Sendable, Equatable {
        /// The bytes are not JSON at all (or not UTF-8).
        case notJSON(String)
        /// Valid JSON, but not an object with track lists.
        case notAnObject
        /// Neither `VideoTracks` nor `AudioTracks` holds a clip: IMS rejects such a timeline.
        case noVideoOrAudioTracks
        /// A field has the wrong type, e.g. `"Out": "five"` or `"VideoTracks": {}`.
        case badField(path: String, expected: String)
        /// A number too large or too precise to hold exactly, such as `1e300` (the decoder calls it invalid JSON).
        case numberOutOfRange(String)
        /// More tracks and clips than `TimelineParser.maxItems`: refused before any is decoded.
        case tooManyItems(count: Int, limit: Int)
        /// More JSON objects than `TimelineParser.maxObjects` (counted up to the first one over): refused unparsed.
        case tooManyObjects(count: Int, limit: Int)
    }

    /// The file (or other source) the timeline came from.
    public var source: String
    /// What is wrong with it.
    public var problem: Problem

    /// An error about `source`.
    public init(source: String, problem: Problem) {
        self.source = source
        self.problem = problem
    }

    public var description: String {
        switch problem {
        case .notJSON(let detail):
            return "\(source): not a valid JSON timeline (\(detail))"
        case .notAnObject:
            return "\(source): not an IMS timeline: expected a JSON object with VideoTracks or AudioTracks"
        case .noVideoOrAudioTracks:
            return "\(source): the timeline has no video or audio tracks with clips (IMS requires at least one)"
        case .badField(let path, let expected):
            return "\(source): bad field \(path): \(expected)"
        case .numberOutOfRange(let number):
            return
                "\(source): the number \(number) is out of range (at most 38 significant digits and an exponent that keeps it exact); the JSON itself is valid"
        case .tooManyObjects(_, let limit):
            return
                "\(source): the timeline holds more than \(limit) JSON objects (clips, effects and their settings), more than ClipMeter reads; it is not priced (split it, or check where it came from)"
        case .tooManyItems(let count, let limit):
            return
                "\(source): the timeline holds \(count) tracks and clips, more than the \(limit) ClipMeter reads; it is not priced (split it, or check where it came from)"
        }
    }
}

/// Reads IMS Timeline JSON into an `IMSTimeline`, turning every decoding failure into a `TimelineError`.
public enum TimelineParser {
    /// Parses Timeline JSON; `source` (the file path) is named in every error.
    public static func parse(_ data: Data, source: String) throws -> IMSTimeline {
        // Counted on the bytes first: parsing a million clips alone took gigabytes.
        if let count = objectCountOverLimit(data) {
            throw TimelineError(source: source, problem: .tooManyObjects(count: count, limit: maxObjects))
        }
        // Decide "not JSON" first, so that a syntax error is never reported as a bad field.
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw TimelineError(source: source, problem: .notJSON(syntaxDetail(error)))
        }
        guard let fields = object as? [String: Any] else { throw TimelineError(source: source, problem: .notAnObject) }
        let items = itemCount(fields)
        guard items <= maxItems else {
            throw TimelineError(source: source, problem: .tooManyItems(count: items, limit: maxItems))
        }

        let timeline: IMSTimeline
        do {
            timeline = try JSONDecoder().decode(IMSTimeline.self, from: data)
        } catch let error as DecodingError {
            if let number = JSONNumbers.firstOutOfRange(in: data) {
                throw TimelineError(source: source, problem: .numberOutOfRange(number))
            }
            throw TimelineError(source: source, problem: badField(error))
        }
        let hasClips = (timeline.videoTracks + timeline.audioTracks).contains { !$0.clips.isEmpty }
        guard hasClips else { throw TimelineError(source: source, problem: .noVideoOrAudioTracks) }
        return timeline
    }

    /// Most tracks and clips one timeline may hold, all kinds together. Real timelines hold hundreds; a document
    /// of a million clips fits under the 64 MB manifest cap but took 95 s and 3 GB to decode and lay out, and
    /// 100,000 clips still took 27 s and 350 MB. 20,000 take a few seconds.
    public static let maxItems = 20_000
    /// Most JSON objects (each clip, effect and setting is one) the document may hold before it is parsed.
    public static let maxObjects = 200_000

    /// The number of objects counted when it passes `maxObjects` (the scan stops there), else nil: a linear pass
    /// over the bytes that skips strings, so no parser allocates anything for a document that is too large.
    static func objectCountOverLimit(_ data: Data) -> Int? {
        var objects = 0
        var inString = false
        var escaped = false
        for byte in data {
            if inString {
                if escaped { escaped = false } else if byte == 0x5C { escaped = true } else if byte == 0x22 { inString = false }
            } else if byte == 0x22 {
                inString = true
            } else if byte == 0x7B {
                objects += 1
                if objects > maxObjects { return objects }
            }
        }
        return nil
    }

    /// Tracks plus the clips in them, counted on the parsed JSON before the typed decoding allocates each clip.
    private static func itemCount(_ fields: [String: Any]) -> Int {
        var count = 0
        for kind in TrackKind.allCases {
            guard let tracks = fields[kind.tracksKey] as? [Any] else { continue }
            count += tracks.count
            for case let track as [String: Any] in tracks {
                count += (track[kind.clipsKey] as? [Any])?.count ?? 0
            }
        }
        return count
    }

    /// Parses a timeline held as a JSON string, as IMS API responses carry it (`"Timeline": "{...}"`).
    public static func parse(jsonString: String, source: String) throws -> IMSTimeline {
        try parse(Data(jsonString.utf8), source: source)
    }

    private static func syntaxDetail(_ error: Error) -> String {
        let nsError = error as NSError
        if let detail = nsError.userInfo[NSDebugDescriptionErrorKey] as? String { return detail }
        return nsError.localizedDescription
    }

    private static func badField(_ error: DecodingError) -> TimelineError.Problem {
        switch error {
        case .typeMismatch(let type, let context):
            return .badField(path: jsonPath(context.codingPath), expected: expectation(type, context))
        case .valueNotFound(let type, let context):
            return .badField(path: jsonPath(context.codingPath), expected: expectation(type, context))
        case .keyNotFound(let key, let context):
            return .badField(path: jsonPath(context.codingPath + [key]), expected: "missing")
        case .dataCorrupted(let context):
            return .badField(path: jsonPath(context.codingPath), expected: context.debugDescription)
        @unknown default:
            return .badField(path: "$", expected: "\(error)")
        }
    }

    /// What the field should have held, from the error's types: the timeline's own field readers attach a
    /// `FieldExpectation`; otherwise the type the decoder wanted says whether a list or an object was due.
    private static func expectation(_ type: Any.Type, _ context: DecodingError.Context) -> String {
        if let expected = context.underlyingError as? FieldExpectation { return expected.description }
        if type is any JSONList.Type { return "expected a list" }
        if type is any JSONObject.Type { return "expected an object" }
        return "expected \(type)"
    }

    /// `VideoTracks[0].VideoTrackClips[2].Out`: where the user must look.
    static func jsonPath(_ path: [CodingKey]) -> String {
        var text = ""
        for key in path {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text.isEmpty ? "$" : text
    }
}

/// What a field of a timeline should have held, attached as the `underlyingError` of the `DecodingError` the
/// timeline's field readers throw, so the parser reports it without reading the error's debug text.
struct FieldExpectation: Error, CustomStringConvertible {
    let description: String
}

/// The types a timeline decodes from a JSON array.
protocol JSONList {}
extension Array: JSONList {}

/// The types a timeline decodes from a JSON object.
protocol JSONObject {}
extension Dictionary: JSONObject {}
extension IMSTrack: JSONObject {}
extension IMSClip: JSONObject {}
extension IMSEffect: JSONObject {}

import Foundation
import MediaProbe
import Timeline

/// A parsed timeline together with where each referenced clip's media lives, so its sources can be measured
/// with every other file of the run before the length is computed.
public struct PreparedTimeline: Sendable {
    /// The parsed timeline.
    public var timeline: IMSTimeline
    /// File or description the timeline came from, for messages.
    public var source: String
    /// Each clip that needs its source's length, with the local file it resolved to or why it did not.
    var clips: [(reference: ClipMediaReference, media: MediaReference)]

    /// Local files to measure before `length(...)`.
    public var localPaths: [String] { clips.compactMap(\.media.localPath) }
}

/// Connects the pure `Timeline` arithmetic to real files: resolves each clip's `MediaURL`/`MediaId` through
/// the `PathResolver` (roots, `--media-root`, `--oss-map`, `--media-map`) and measures it with `MediaProbe`.
public enum TimelineMeasurer {
    /// Reads and parses a Timeline JSON file and resolves its clip media relative to the file's folder.
    /// Throws `TimelineError` (not JSON, no tracks, bad field) or a read error naming the file.
    public static func prepare(path: String, resolver: PathResolver) throws -> PreparedTimeline {
        let data: Data
        do {
            data = try RegularFile.read(path, maxBytes: resolver.readLimits.maxBytes)
        } catch let error as FileReadError {
            throw TimelineError(source: path, problem: .notJSON(error.message))
        }
        let timeline = try TimelineParser.parse(data, source: path)
        return prepare(timeline, source: path, baseDirectory: (path as NSString).deletingLastPathComponent, resolver: resolver)
    }

    /// Parses a timeline held as JSON text (an IMS response's `Timeline`, an inline manifest timeline).
    public static func prepare(
        jsonString: String, source: String, baseDirectory: String,
        resolver: PathResolver
    ) throws -> PreparedTimeline {
        let timeline = try TimelineParser.parse(jsonString: jsonString, source: source)
        return prepare(timeline, source: source, baseDirectory: baseDirectory, resolver: resolver)
    }

    /// Resolves the media of a parsed timeline.
    public static func prepare(
        _ timeline: IMSTimeline, source: String, baseDirectory: String,
        resolver: PathResolver
    ) -> PreparedTimeline {
        let base = baseDirectory.isEmpty ? "." : baseDirectory
        var clips: [(ClipMediaReference, MediaReference)] = []
        for reference in timeline.referencedMedia() {
            clips.append((reference, resolve(reference, resolver: resolver, baseDirectory: base)))
        }
        return PreparedTimeline(timeline: timeline, source: source, clips: clips)
    }

    /// Computes the length once the clip files have been measured by `measurer`; a clip whose file could not
    /// be measured is unresolved with the probe's reason (the length becomes unknown, never 0).
    public static func length(
        of prepared: PreparedTimeline, measurer: MediaMeasurer, policy: DurationPolicy,
        options: TimelineOptions
    ) -> TimelineLength {
        var answers: [ClipMediaReference: SourceLength] = [:]
        for (reference, media) in prepared.clips {
            answers[reference] = sourceLength(media, measurer: measurer, policy: policy)
        }
        return TimelineCalculator.length(of: prepared.timeline, options: options) { reference in
            answers[reference] ?? .unresolved("clip media was not looked up")
        }
    }

    // MARK: - Helpers

    private static func resolve(
        _ reference: ClipMediaReference, resolver: PathResolver,
        baseDirectory: String
    ) -> MediaReference {
        // A MediaId the user mapped wins over a URL that may not be synced.
        var candidates: [String] = []
        if let id = reference.mediaId, resolver.mediaMap[id] != nil { candidates.append(id) }
        if let url = reference.mediaURL, !url.isEmpty { candidates.append(url) }
        if let id = reference.mediaId, !candidates.contains(id) { candidates.append(id) }
        var first: MediaReference?
        for text in candidates {
            let resolved = resolver.resolve(text, relativeTo: baseDirectory)
            if let hit = resolved.first(where: { $0.localPath != nil }) { return hit }
            if let refused = resolved.first(where: \.escapesRoots) { return refused }
            first = first ?? resolved.first
        }
        return first ?? MediaReference(original: "(clip)", problem: "the clip names no MediaURL or MediaId")
    }

    private static func sourceLength(_ media: MediaReference, measurer: MediaMeasurer, policy: DurationPolicy) -> SourceLength {
        guard let path = media.localPath else {
            return .unresolved("\(media.original): \(Wording.problem(of: media) ?? "not found")")
        }
        switch measurer.outcome(for: path) {
        case .success(let measurement)?:
            if let seconds = measurement.seconds(policy: policy) ?? measurement.seconds(policy: .container) {
                return .seconds(seconds)
            }
            return .unresolved("\(media.original): no duration")
        case .failure(let error)?:
            return .unresolved("\(media.original): \(error.code.rawValue): \(Wording.text(error))")
        case nil:
            return .unresolved("\(media.original): not measured")
        }
    }
}

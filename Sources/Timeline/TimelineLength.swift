import Foundation
import Quantities

// MARK: - What the caller supplies

/// What a clip points at, so the caller can measure it (local path, `--media-root`, `--oss-map`, `--media-map`).
public struct ClipMediaReference: Sendable, Hashable {
    /// `MediaURL`/`MediaUrl` as written in the timeline.
    public var mediaURL: String?
    /// `MediaId` as written in the timeline.
    public var mediaId: String?
    /// `video`, `audio`, `image`, `subtitle` or `effect`.
    public var trackKind: String
    /// Track index within its kind, from 0.
    public var trackIndex: Int
    /// Clip index within its track, from 0.
    public var clipIndex: Int
    /// True when the clip's length cannot be known without the source; false when the source only checks that
    /// the clip does not run past its content (its own `Out` already gives a length).
    public var isRequired: Bool

    /// A reference; `isRequired` defaults to true.
    public init(
        mediaURL: String?, mediaId: String?, trackKind: String, trackIndex: Int, clipIndex: Int,
        isRequired: Bool = true
    ) {
        self.mediaURL = mediaURL
        self.mediaId = mediaId
        self.trackKind = trackKind
        self.trackIndex = trackIndex
        self.clipIndex = clipIndex
        self.isRequired = isRequired
    }
}

/// The measured length of a clip's source, or why it could not be measured.
public enum SourceLength: Sendable, Equatable {
    case seconds(Decimal)
    /// The reason, e.g. "MediaId 7980… has no --media-map entry" or "not-found: /media/a.mp4".
    case unresolved(String)
}

/// Choices the user makes where the timeline alone cannot decide a length.
public struct TimelineOptions: Sendable {
    /// `--assume-tts-seconds`: the length taken for each `AI_TTS` / `AI_Avatar` clip (otherwise unknown).
    public var assumeTTSSeconds: Decimal?
    /// `--default-image-seconds`: the length of an image clip with neither `Duration` nor timeline times
    /// (otherwise 0, with a warning).
    public var defaultImageSeconds: Decimal?
    /// `OutputMediaConfig.MaxDuration` (or a batch job's `OutputConfig.MaxDuration`): caps the output length.
    public var maxDuration: Decimal?

    /// Defaults: no assumptions, no cap.
    public init(assumeTTSSeconds: Decimal? = nil, defaultImageSeconds: Decimal? = nil, maxDuration: Decimal? = nil) {
        self.assumeTTSSeconds = assumeTTSSeconds
        self.defaultImageSeconds = defaultImageSeconds
        self.maxDuration = maxDuration
    }
}

// MARK: - The result

/// The output length of a timeline with its per-track breakdown; `timeline --format json` prints this.
///
/// JSON: `{duration, tracks: [{kind, index, duration, clips: [{start, end, source, warnings}]}], warnings}`,
/// seconds as JSON numbers rounded to 6 decimals, `null` where unknown (the reason is in `warnings`).
public struct TimelineLength: Codable, Sendable {
    /// The output's length in seconds; nil when it cannot be known (the reason is in `warnings`).
    public var duration: Decimal?
    /// Every track of every kind, in the order video, audio, image, subtitle, effect.
    public var tracks: [TrackLength]
    /// Every assumption and unknown, each naming the track and clip it concerns.
    public var warnings: [String]

    /// A result built in code.
    public init(duration: Decimal?, tracks: [TrackLength], warnings: [String]) {
        self.duration = duration
        self.tracks = tracks
        self.warnings = warnings
    }

    enum CodingKeys: String, CodingKey { case duration, tracks, warnings }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeSeconds(duration, forKey: .duration)
        try c.encode(tracks, forKey: .tracks)
        try c.encode(warnings, forKey: .warnings)
    }

    /// The `timeline --format json` document: pretty-printed, keys sorted, slashes in URLs left alone.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}

/// One track's length (its largest clip end) and where each clip sits.
public struct TrackLength: Codable, Sendable {
    /// `video`, `audio`, `subtitle`, `effect` or `image`.
    public var kind: String
    /// Index within its kind, from 0.
    public var index: Int
    /// Nil when a clip's end is unknown.
    public var duration: Decimal?
    /// Its clips in array order.
    public var clips: [ClipSpan]

    /// A track result built in code.
    public init(kind: String, index: Int, duration: Decimal?, clips: [ClipSpan]) {
        self.kind = kind
        self.index = index
        self.duration = duration
        self.clips = clips
    }

    enum CodingKeys: String, CodingKey { case kind, index, duration, clips }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(index, forKey: .index)
        try c.encodeSeconds(duration, forKey: .duration)
        try c.encode(clips, forKey: .clips)
    }
}

/// Where one clip sits on the output timeline, what it shows, and what was assumed about it.
public struct ClipSpan: Codable, Sendable {
    /// Where the clip starts on the output; nil when unknown.
    public var start: Decimal?
    /// Where it ends; nil when unknown.
    public var end: Decimal?
    /// `MediaURL`, else `MediaId`, else `FileURL`, else the clip or effect type (`Text`, `AI_TTS`, ...).
    public var source: String?
    /// What was assumed or unknown about this clip.
    public var warnings: [String]

    /// A clip span built in code.
    public init(start: Decimal?, end: Decimal?, source: String?, warnings: [String]) {
        self.start = start
        self.end = end
        self.source = source
        self.warnings = warnings
    }

    enum CodingKeys: String, CodingKey { case start, end, source, warnings }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeSeconds(start, forKey: .start)
        try c.encodeSeconds(end, forKey: .end)
        if let source { try c.encode(source, forKey: .source) } else { try c.encodeNil(forKey: .source) }
        try c.encode(warnings, forKey: .warnings)
    }
}

// MARK: - Seconds in JSON and in messages

/// How seconds are written: exact decimals rounded once, never through `Double`.
public enum SecondsFormat {
    /// Rounds to `places` decimals (half away from zero), the form used in JSON.
    public static func rounded(_ value: Decimal, places: Int = 6) -> Decimal {
        DecimalRounding.rounded(value, places: places)
    }

    /// "14.9", "3.3333": for warnings and tables.
    public static func text(_ value: Decimal, places: Int = 4) -> String {
        "\(rounded(value, places: places))"
    }
}

extension KeyedEncodingContainer {
    /// Writes seconds as a JSON number (Foundation encodes `Decimal` from its decimal digits) or `null`.
    mutating func encodeSeconds(_ value: Decimal?, forKey key: Key) throws {
        if let value {
            try encode(SecondsFormat.rounded(value), forKey: key)
        } else {
            try encodeNil(forKey: key)
        }
    }
}

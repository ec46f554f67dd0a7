import Foundation
import Quantities

// MARK: - What the caller supplies

/// What a clip points at, so the caller can find and measure it (a local path, or however the caller maps URLs and IDs).
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
    public var isRequired = true
}

/// The measured length of a clip's source, or why it could not be measured.
public enum SourceLength: Sendable, Equatable {
    case seconds(Decimal)
    /// The reason in the caller's words, e.g. that a MediaId has no local mapping, or "not-found: /media/a.mp4".
    case unresolved(String)
}

/// Choices the user makes where the timeline alone cannot decide a length.
public struct TimelineOptions: Sendable {
    /// The length taken for each `AI_TTS` / `AI_Avatar` clip (otherwise unknown).
    public var assumeTTSSeconds: Decimal?
    /// The length of an image clip with neither `Duration` nor timeline times
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

/// The output length of a timeline with its per-track breakdown; the CLI's `timeline` command prints this as JSON.
///
/// JSON: `{duration, tracks: [{kind, index, duration, clips: [{start, end, source, warnings}]}], warnings}`,
/// seconds as JSON numbers rounded to 6 decimals, `null` where unknown (the reason is in `warnings`). Warnings
/// are encoded as their typed cases, except in `jsonData(naming:)`, the document a user reads, where they are
/// words.
public struct TimelineLength: Codable, Sendable {
    /// The output's length in seconds; nil when it cannot be known (the reason is in `warnings`).
    public var duration: Decimal?
    /// Every track of every kind, in the order video, audio, image, subtitle, effect.
    public var tracks: [TrackLength]
    /// Every assumption and unknown, each naming the track and clip it concerns.
    public var warnings: [TimelineWarning]

    enum CodingKeys: String, CodingKey { case duration, tracks, warnings }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeSeconds(duration, forKey: .duration)
        try c.encode(tracks, forKey: .tracks)
        if let words = encoder.userInfo[WarningWords.key] as? WarningWords {
            try c.encode(warnings.map { $0.text(naming: words.names) }, forKey: .warnings)
        } else {
            try c.encode(warnings, forKey: .warnings)
        }
    }

    /// The JSON document a user reads: pretty-printed, keys sorted, slashes in URLs left alone, warnings
    /// in words, each setting that decides named as `names` says (the CLI's flags).
    public func jsonData(naming names: @escaping @Sendable (TimelineSetting) -> String? = { _ in nil }) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.userInfo[WarningWords.key] = WarningWords(names: names)
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
    public var warnings: [ClipNote]

    enum CodingKeys: String, CodingKey { case start, end, source, warnings }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeSeconds(start, forKey: .start)
        try c.encodeSeconds(end, forKey: .end)
        if let source { try c.encode(source, forKey: .source) } else { try c.encodeNil(forKey: .source) }
        if let words = encoder.userInfo[WarningWords.key] as? WarningWords {
            try c.encode(warnings.map { $0.text(naming: words.names) }, forKey: .warnings)
        } else {
            try c.encode(warnings, forKey: .warnings)
        }
    }
}

/// Asks an encoder for warnings in words rather than as cases, and says how settings are named in them.
struct WarningWords: Sendable {
    static let key = CodingUserInfoKey(rawValue: "clipmeter.timeline.warning-words")!
    let names: @Sendable (TimelineSetting) -> String?
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

import Foundation
import Quantities

// MARK: - Track kinds

/// Which list of the Timeline a track came from; the JSON report names tracks by this and their index.
public enum TrackKind: String, Sendable, Codable, CaseIterable {
    case video, audio, image, subtitle, effect

    /// The Timeline key listing the tracks of this kind.
    var tracksKey: String {
        switch self {
        case .video: return "VideoTracks"
        case .audio: return "AudioTracks"
        case .image: return "ImageTracks"
        case .subtitle: return "SubtitleTracks"
        case .effect: return "EffectTracks"
        }
    }

    /// The key under which IMS lists the clips of a track of this kind.
    var clipsKey: String {
        switch self {
        case .video: return "VideoTrackClips"
        case .audio: return "AudioTrackClips"
        case .image: return "ImageTrackClips"
        case .subtitle: return "SubtitleTrackClips"
        case .effect: return "EffectTrackItems"
        }
    }
}

// MARK: - Timeline

/// Decoded IMS Timeline (VideoTracks, AudioTracks, ImageTracks (deprecated), SubtitleTracks, EffectTracks).
///
/// Unknown fields are ignored because web-SDK timelines carry many (`Version`, `AspectRatio`, per-clip `Id`...);
/// both `MediaURL` and `MediaUrl` are accepted because real timelines use both; numbers may arrive as JSON numbers
/// or numeric strings, and are kept as exact `Decimal` seconds.
public struct IMSTimeline: Decodable, Sendable {
    /// `VideoTracks`, bottom layer first.
    public var videoTracks: [IMSTrack]
    /// `AudioTracks`, mixed together.
    public var audioTracks: [IMSTrack]
    /// Deprecated by IMS (merged into video tracks) but still accepted.
    public var imageTracks: [IMSTrack]
    /// `SubtitleTracks`: never lengthen the output.
    public var subtitleTracks: [IMSTrack]
    /// `EffectTracks`: never lengthen the output.
    public var effectTracks: [IMSTrack]

    /// Builds a timeline in code (tests, generated timelines); kinds and indices are set from the list each track is in.
    public init(
        videoTracks: [IMSTrack] = [], audioTracks: [IMSTrack] = [], imageTracks: [IMSTrack] = [],
        subtitleTracks: [IMSTrack] = [], effectTracks: [IMSTrack] = []
    ) {
        self.videoTracks = Self.numbered(videoTracks, .video)
        self.audioTracks = Self.numbered(audioTracks, .audio)
        self.imageTracks = Self.numbered(imageTracks, .image)
        self.subtitleTracks = Self.numbered(subtitleTracks, .subtitle)
        self.effectTracks = Self.numbered(effectTracks, .effect)
    }

    enum CodingKeys: String, CodingKey {
        case videoTracks = "VideoTracks", audioTracks = "AudioTracks", imageTracks = "ImageTracks"
        case subtitleTracks = "SubtitleTracks", effectTracks = "EffectTracks"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            videoTracks: try c.decodeIfPresent([IMSTrack].self, forKey: .videoTracks) ?? [],
            audioTracks: try c.decodeIfPresent([IMSTrack].self, forKey: .audioTracks) ?? [],
            imageTracks: try c.decodeIfPresent([IMSTrack].self, forKey: .imageTracks) ?? [],
            subtitleTracks: try c.decodeIfPresent([IMSTrack].self, forKey: .subtitleTracks) ?? [],
            effectTracks: try c.decodeIfPresent([IMSTrack].self, forKey: .effectTracks) ?? []
        )
    }

    /// Every track in report order: video, audio, image, subtitle, effect.
    public var allTracks: [IMSTrack] {
        videoTracks + audioTracks + imageTracks + subtitleTracks + effectTracks
    }

    /// The media whose length the calculator will ask for, so the caller can measure them first (in parallel).
    ///
    /// Only clips whose placement depends on their source are listed: a clip whose span its own fields fix
    /// (an audio clip with `Out`, an image, a clip aligned through `ReferenceClipId`, a synthesized clip) is not.
    /// Video clips with an explicit `Out` are listed with `isRequired == false`: the measurement only checks that
    /// the clip does not run past its source.
    public func referencedMedia() -> [ClipMediaReference] {
        var result: [ClipMediaReference] = []
        let clipIds = clipIdLocations
        for track in allTracks {
            for (clipIndex, clip) in track.clips.enumerated() {
                let plan = ClipPlan(clip: clip, track: track, clipIds: clipIds)
                guard plan.sourceNeed != .none, clip.mediaURL != nil || clip.mediaId != nil else { continue }
                result.append(
                    ClipMediaReference(
                        mediaURL: clip.mediaURL, mediaId: clip.mediaId, trackKind: track.kind.rawValue,
                        trackIndex: track.index, clipIndex: clipIndex, isRequired: plan.sourceNeed == .required
                    ))
            }
        }
        return result
    }

    private static func numbered(_ tracks: [IMSTrack], _ kind: TrackKind) -> [IMSTrack] {
        tracks.enumerated().map { index, track in
            var track = track
            track.kind = kind
            track.index = index
            return track
        }
    }
}

// MARK: - Track

/// One track of any kind; `clips` holds its `VideoTrackClips`, `AudioTrackClips`, `ImageTrackClips`,
/// `SubtitleTrackClips` or `EffectTrackItems`.
public struct IMSTrack: Decodable, Sendable {
    /// Set from the list the track was found in.
    public var kind: TrackKind
    /// Position in that list, from 0.
    public var index: Int
    /// Track `Type` (a video track with `Type: "Effect"` holds effect items).
    public var type: String?
    /// `MainTrack`: the output lasts as long as this track (the first main track counts).
    public var isMainTrack: Bool
    /// `TrackShortenMode` (`AutoSpeed`: sped up to the main track's length).
    public var shortenMode: String?
    /// `TrackExpandMode` (`AutoSpeed`: slowed down to the main track's length).
    public var expandMode: String?
    /// The track's clips in array order, which is their order on the timeline.
    public var clips: [IMSClip]

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        type = try c.flexibleString("Type")
        isMainTrack = try c.flexibleBool("MainTrack") ?? false
        shortenMode = try c.flexibleString("TrackShortenMode")
        expandMode = try c.flexibleString("TrackExpandMode")
        // A track lists its clips under the key of its kind; accept any, since web-SDK timelines merge kinds.
        var clips: [IMSClip] = []
        for kind in TrackKind.allCases {
            if let found = try c.decodeIfPresent([IMSClip].self, forKey: AnyKey(kind.clipsKey)) {
                clips = found
                break
            }
        }
        self.clips = clips
        kind = .video
        index = 0
    }

    /// A track whose clips all follow the speed of the main track (`AutoSpeed` in either mode).
    public var adaptsToMainTrack: Bool {
        shortenMode?.caseInsensitiveCompare("AutoSpeed") == .orderedSame
            || expandMode?.caseInsensitiveCompare("AutoSpeed") == .orderedSame
    }
}

// MARK: - Clip

/// One clip (or effect item) with the fields that decide where it sits and how long it lasts; seconds are exact.
public struct IMSClip: Decodable, Sendable {
    /// `MediaURL` or `MediaUrl`.
    public var mediaURL: String?
    /// `MediaId` of a media asset in the IMS library; the caller maps it to a file.
    public var mediaId: String?
    /// `Type`: `Video` (default), `Image`, `GlobalImage`, `AI_Avatar`, `AI_TTS`, `Text`, `Subtitle`, effect types...
    public var type: String?
    /// `SubType` (an effect's name, e.g. a transition style).
    public var subType: String?
    /// `In`: where the clip starts in its source (default 0).
    public var inPoint: Decimal?
    /// `Out`: where the clip ends in its source (default: the source's end).
    public var outPoint: Decimal?
    /// `MaxOut`: `Out` is at most this when `Out` is not set.
    public var maxOut: Decimal?
    /// `Duration`: the length of an image clip or an effect item.
    public var duration: Decimal?
    /// `TimelineIn`: where the clip starts on the output (default: where the previous clip ended).
    public var timelineIn: Decimal?
    /// `TimelineOut`: where the clip ends on the output; truncates, never stretches.
    public var timelineOut: Decimal?
    /// `Speed` (0.1–100, default 1): the clip lasts `(Out − In) / Speed`.
    public var speed: Decimal?
    /// `ClipId`: the name other tracks' clips align to.
    public var clipId: String?
    /// `ReferenceClipId`: take the span of the clip with this `ClipId` on another track.
    public var referenceClipId: String?
    /// `LoopMode` of an audio clip.
    public var loopMode: Bool
    /// `FileURL` of a subtitle file clip.
    public var fileURL: String?
    /// `Effects` attached to the clip (transitions, filters, FreezeFrame...).
    public var effects: [IMSEffect]

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        mediaURL = try c.flexibleString("MediaURL") ?? c.flexibleString("MediaUrl")
        mediaId = try c.flexibleString("MediaId")
        type = try c.flexibleString("Type")
        subType = try c.flexibleString("SubType")
        inPoint = try c.seconds("In")
        outPoint = try c.seconds("Out")
        maxOut = try c.seconds("MaxOut")
        duration = try c.seconds("Duration")
        timelineIn = try c.seconds("TimelineIn")
        timelineOut = try c.seconds("TimelineOut")
        speed = try c.seconds("Speed")
        clipId = try c.flexibleString("ClipId")
        referenceClipId = try c.flexibleString("ReferenceClipId")
        loopMode = try c.flexibleBool("LoopMode") ?? false
        fileURL = try c.flexibleString("FileURL") ?? c.flexibleString("FileUrl")
        effects = try c.decodeIfPresent([IMSEffect].self, forKey: AnyKey("Effects")) ?? []
    }
}

/// An effect attached to a clip: a `Transition` with its `Duration` shortens the track; others are listed.
public struct IMSEffect: Decodable, Sendable {
    /// `Type`: `Transition`, `DLTransition`, `VFX`, `Filter`...
    public var type: String?
    /// `SubType`: the effect's style.
    public var subType: String?
    /// `Duration`: a transition's overlap (default 1 s).
    public var duration: Decimal?
    /// `TimelineIn` of the effect within the clip.
    public var timelineIn: Decimal?
    /// `TimelineOut` of the effect within the clip.
    public var timelineOut: Decimal?

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        type = try c.flexibleString("Type")
        subType = try c.flexibleString("SubType")
        duration = try c.seconds("Duration")
        timelineIn = try c.seconds("TimelineIn")
        timelineOut = try c.seconds("TimelineOut")
    }

    /// `Type: "Transition"` (not `DLTransition`, which keeps both clips' lengths).
    public var isTransition: Bool { type?.caseInsensitiveCompare("Transition") == .orderedSame }

    /// A freeze-frame effect, which probably lengthens its clip by its `Duration` (only observed, so warned about).
    public var isFreezeFrame: Bool {
        let name = ((type ?? "") + " " + (subType ?? "")).lowercased()
        return name.contains("freezeframe") || name.contains("freeze_frame") || name.contains("freeze frame")
    }
}

// MARK: - Lenient decoding

/// A coding key for any field name, so one container can try `MediaURL` and `MediaUrl`.
struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension KeyedDecodingContainer where Key == AnyKey {
    /// Seconds as a JSON number or a numeric string (`"5"`, `"2.5"`); an empty string or null is absent.
    func seconds(_ name: String) throws -> Decimal? {
        let key = AnyKey(name)
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        if let text = try? decode(String.self, forKey: key) {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { return nil }
            guard let value = StrictDecimal.value(trimmed) else {
                throw Self.mismatch(Decimal.self, key, "expected a number of seconds, found \"\(text)\"", in: codingPath)
            }
            return value
        }
        do {
            return try decode(Decimal.self, forKey: key)
        } catch DecodingError.typeMismatch(_, _) {
            throw Self.mismatch(Decimal.self, key, "expected a number of seconds", in: codingPath)
        }
    }

    /// A string field; a number is accepted and written out (IDs sometimes arrive as numbers).
    func flexibleString(_ name: String) throws -> String? {
        let key = AnyKey(name)
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        if let text = try? decode(String.self, forKey: key) { return text }
        if let number = try? decode(Decimal.self, forKey: key) { return "\(number)" }
        throw Self.mismatch(String.self, key, "expected a string", in: codingPath)
    }

    /// A boolean field; `"true"`/`"false"` strings are accepted.
    func flexibleBool(_ name: String) throws -> Bool? {
        let key = AnyKey(name)
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        if let flag = try? decode(Bool.self, forKey: key) { return flag }
        if let text = try? decode(String.self, forKey: key) {
            switch text.lowercased() {
            case "true": return true
            case "false", "": return false
            default: break
            }
        }
        throw Self.mismatch(Bool.self, key, "expected true or false", in: codingPath)
    }

    /// A type mismatch at `key` that carries what was expected as a typed `FieldExpectation`.
    private static func mismatch(_ type: Any.Type, _ key: AnyKey, _ expected: String, in path: [CodingKey]) -> DecodingError {
        .typeMismatch(
            type,
            DecodingError.Context(
                codingPath: path + [key], debugDescription: expected,
                underlyingError: FieldExpectation(description: expected)))
    }
}

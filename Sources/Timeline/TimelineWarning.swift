import Foundation

// MARK: - Where

/// Where a clip sits in a timeline: its track's kind and index, and its index within the track.
public struct ClipPosition: Codable, Hashable, Sendable, CustomStringConvertible {
    public var track: TrackPosition
    /// Index within its track, from 0.
    public var clipIndex: Int

    /// "video track 0, clip 2".
    public var description: String { "\(track), clip \(clipIndex)" }
}

/// One track of a timeline: its kind and its index within that kind.
public struct TrackPosition: Codable, Hashable, Sendable, CustomStringConvertible {
    public var kind: TrackKind
    /// Index within its kind, from 0.
    public var index: Int

    /// "video track 0".
    public var description: String { "\(kind.rawValue) track \(index)" }
}

/// A clip named by its `ClipId`, with where that clip is.
public struct ClipReference: Codable, Hashable, Sendable, CustomStringConvertible {
    public var clipId: String
    public var position: ClipPosition

    /// `ClipId "intro" (video track 0, clip 2)`.
    public var description: String { "ClipId \"\(clipId)\" (\(position))" }
}

/// A choice the user makes where the timeline alone cannot decide a length (`TimelineOptions`). The timeline's
/// words say which setting decides; the CLI and the renderers give its flag's name.
public enum TimelineSetting: Sendable, Hashable {
    /// `TimelineOptions.defaultImageSeconds`.
    case defaultImageSeconds
    /// `TimelineOptions.assumeTTSSeconds`.
    case assumeTTSSeconds
}

/// How a renderer names a setting (a command-line flag); nil leaves the setting unnamed.
public typealias SettingNames = (TimelineSetting) -> String?

// MARK: - Warnings

/// Every assumption the length arithmetic made and every unknown it met, as a typed case naming the clip or
/// track it concerns: callers decide by case, and the words are made in one place (`text(naming:)`), with the
/// flag that would change the answer supplied by the caller, never chosen here.
public enum TimelineWarning: Codable, Hashable, Sendable, CustomStringConvertible {
    /// Something about one clip.
    case clip(ClipPosition, ClipNote)
    /// Several tracks set `MainTrack`; the first counts.
    case severalMainTracks(counted: TrackPosition, others: [TrackPosition])
    /// The main track's end is unknown, so the output's length is.
    case mainTrackUnknown(TrackPosition, cause: UnknownEnd)
    /// Without a main track, the video (or, with no video, the audio) decides, and its end is unknown.
    case outputUnknown(decidedByVideo: Bool, cause: UnknownEnd)
    /// An `AutoSpeed` track is sped up or slowed down to the main track's length.
    case autoSpeed(TrackPosition, from: Decimal, to: Decimal)
    /// No clip lengthens the output.
    case nothingLengthens
    /// The output runs past `MaxDuration` and is capped.
    case cappedAtMaxDuration(length: Decimal, cap: Decimal)
    /// The length is unknown, but `MaxDuration` bounds it.
    case atMostMaxDuration(Decimal)
    /// Without a main track, an audio track running past the video's end is cut there.
    case cutAtVideoEnd(TrackPosition, length: Decimal, videoEnd: Decimal)
    /// A batch output lasts as long as its global voice-over, whose length is not known (`reason`).
    case voiceOverUnknown(reason: String)
    /// A batch job has no global voice-over, `FixedDuration` or `SingleShotDuration` with media groups.
    case noBatchLengthBasis
    /// A batch output's length from `basis` is capped at `MaxDuration`.
    case batchCapped(basis: String, length: Decimal, cap: Decimal)

    public var description: String { text(naming: { _ in nil }) }

    /// The words, naming each setting that decides as `names` says (the CLI passes its flags).
    public func text(naming names: SettingNames) -> String {
        let s = SecondsFormat.text
        switch self {
        case let .clip(position, note):
            return "\(position): \(note.text(naming: names))"
        case let .severalMainTracks(counted, others):
            return "\(others.map(\.description).joined(separator: ", ")) also set MainTrack; the first main track (\(counted)) counts"
        case let .mainTrackUnknown(track, cause):
            return "duration unknown: the main track (\(track)) has an unknown end: \(cause.text(naming: names))"
        case let .outputUnknown(decidedByVideo, cause):
            return "duration unknown: \(decidedByVideo ? "the video" : "the audio") has an unknown end: \(cause.text(naming: names))"
        case let .autoSpeed(track, from, to):
            return "\(track) (AutoSpeed) is \(from > to ? "sped up" : "slowed down") from \(s(from, 4)) s to the main track's \(s(to, 4)) s"
        case .nothingLengthens:
            return "no clip lengthens the output; counted as 0 s"
        case let .cappedAtMaxDuration(length, cap):
            return "the timeline runs \(s(length, 4)) s; capped at MaxDuration \(s(cap, 4)) s"
        case .atMostMaxDuration(let cap):
            return "at most MaxDuration \(s(cap, 4)) s"
        case let .cutAtVideoEnd(track, length, videoEnd):
            return "\(track) runs \(s(length, 4)) s, past the video's end (\(s(videoEnd, 4)) s); with no main track it is cut there [open]"
        case .voiceOverUnknown(let reason):
            return "output length unknown: it is the global voice-over's, which is not known (\(reason))"
        case .noBatchLengthBasis:
            return "output length unknown: no global voice-over, FixedDuration or SingleShotDuration with media groups"
        case let .batchCapped(basis, length, cap):
            return "\(basis) gives \(s(length, 4)) s; capped at MaxDuration \(s(cap, 4)) s"
        }
    }

    /// The clip this warning concerns, nil for the timeline-wide ones.
    public var position: ClipPosition? {
        if case .clip(let position, _) = self { return position }
        return nil
    }
}

/// Which clip's end is unknown and why, or that a whole track's is.
public enum UnknownEnd: Codable, Hashable, Sendable, CustomStringConvertible {
    case clip(ClipPosition, UnknownLength)
    case track(TrackPosition)

    public var description: String { text(naming: { _ in nil }) }

    public func text(naming names: SettingNames) -> String {
        switch self {
        case let .clip(position, why): return "\(position): \(why.text(naming: names))"
        case .track(let track): return "\(track) is unknown"
        }
    }
}

/// Something about one clip: a default applied, a field read another way, or why its end is unknown.
public indirect enum ClipNote: Codable, Hashable, Sendable, CustomStringConvertible {
    /// A FreezeFrame effect probably lengthens the clip (by its `Duration` when given); not counted.
    case freezeFrame(duration: Decimal?)
    /// No `Type`: taken for an image from the file name.
    case imageTypeInferred
    /// `ReferenceClipId` names no clip on a video or audio track: placed as if it had none.
    case referenceUnmatched(clipId: String)
    /// `ReferenceClipId` names a clip on the same track: IMS aligns only across tracks, so it is ignored.
    case referenceOnSameTrack(ClipReference)
    /// Aligned through `ReferenceClipId`: the previous clip's transition overlaps nothing.
    case transitionSkippedByReference
    /// Has its own `TimelineIn`: the previous clip's transition overlaps nothing.
    case transitionSkippedByTimelineIn
    /// The previous clip's transition is longer than that clip; the overlap is limited to its length.
    case transitionLongerThanClip(overlap: Decimal)
    /// A transition on a track's last clip overlaps nothing.
    case transitionOnLastClip
    /// `TimelineOut` is before the clip's start: counted as 0 s.
    case timelineOutBeforeStart(timelineOut: Decimal, start: Decimal)
    /// An image without `Duration` or timeline times took the default image length.
    case defaultImageLength(Decimal)
    /// An image without `Duration` or timeline times, and no default image length: counted as 0 s.
    case imageCountedAsZero
    /// `TimelineOut` is past the clip's content: it ends at `end` (TimelineOut truncates, never stretches).
    case timelineOutPastContent(timelineOut: Decimal, end: Decimal)
    /// The length is unknown (`why`); assumed to last to its `TimelineOut`.
    case assumedToTimelineOut(UnknownLength, timelineOut: Decimal)
    /// A synthesized clip (`AI_TTS`, `AI_Avatar`) took the assumed synthesized length.
    case assumedSynthesizedLength(type: String, seconds: Decimal)
    /// `Speed` is not positive: 1 used.
    case speedNotPositive(Decimal)
    /// `Speed` is outside IMS's 0.1–100.
    case speedOutsideRange(Decimal)
    /// `In` is negative: 0 used.
    case negativeIn(Decimal)
    /// `Out` is past the end of the source: the clip stops there.
    case outPastSource(out: Decimal, source: Decimal)
    /// The source is not known (`why`): assumed to hold In–Out.
    case assumedHoldsInOut(UnknownLength)
    /// `Duration` is longer than the source allows: it ends after `available` seconds.
    case durationPastSource(duration: Decimal, available: Decimal)
    /// The source is not known (`why`): assumed to hold its `Duration`.
    case assumedHoldsDuration(UnknownLength)
    /// `In` is not before `Out`: counted as 0 s.
    case inNotBeforeOut(in: Decimal, out: Decimal)
    /// `TimelineOut` past the video's end, with no main track: the video's end used [open].
    case timelineOutPastVideoEnd(timelineOut: Decimal, videoEnd: Decimal)
    /// The clip's end is unknown.
    case endUnknown(UnknownLength)

    public var description: String { text(naming: { _ in nil }) }

    /// The words, naming each setting that decides as `names` says.
    public func text(naming names: SettingNames) -> String {
        let s = { (value: Decimal) in SecondsFormat.text(value) }
        switch self {
        case .freezeFrame(let duration):
            return
                "FreezeFrame effect probably lengthens the clip\(duration.map { " by its Duration of \(s($0)) s" } ?? ""); not counted [observed only]"
        case .imageTypeInferred:
            return "no Type given; taken for an Image from the file name"
        case .referenceUnmatched(let id):
            return "ReferenceClipId \"\(id)\" matches no ClipId on a video or audio track; placed as if it had none"
        case .referenceOnSameTrack(let target):
            return
                "ReferenceClipId \"\(target.clipId)\" is on the same track (\(target.position)); IMS aligns only across tracks, so it is ignored"
        case .transitionSkippedByReference:
            return "aligned through ReferenceClipId, so the previous clip's transition overlaps nothing"
        case .transitionSkippedByTimelineIn:
            return "has its own TimelineIn, so the previous clip's transition overlaps nothing"
        case .transitionLongerThanClip(let overlap):
            return "the previous clip's transition (\(s(overlap)) s) is longer than that clip; overlap limited to its length"
        case .transitionOnLastClip:
            return "Transition on the last clip of the track has no following clip; nothing overlaps [open]"
        case let .timelineOutBeforeStart(timelineOut, start):
            return "TimelineOut \(s(timelineOut)) is before its start \(s(start)); counted as 0 s"
        case .defaultImageLength(let seconds):
            let from = names(.defaultImageSeconds).map { "from \($0)" } ?? "the default image length"
            return "image with neither Duration nor TimelineIn/TimelineOut: \(s(seconds)) s \(from)"
        case .imageCountedAsZero:
            let hint = names(.defaultImageSeconds).map { " (set \($0))" } ?? ""
            return "image with neither Duration nor TimelineIn/TimelineOut: counted as 0 s [open]\(hint)"
        case let .timelineOutPastContent(timelineOut, end):
            return "TimelineOut \(s(timelineOut)) is past the clip's content; it ends at \(s(end)) (TimelineOut truncates, never stretches)"
        case let .assumedToTimelineOut(why, timelineOut):
            return "\(why.text(naming: names)); assumed it lasts to its TimelineOut \(s(timelineOut))"
        case let .assumedSynthesizedLength(type, seconds):
            let hint = names(.assumeTTSSeconds).map { " (\($0))" } ?? ""
            return "\(type) clip: assumed \(s(seconds)) s of synthesized media\(hint)"
        case .speedNotPositive(let speed):
            return "Speed \(s(speed)) is not positive; used 1"
        case .speedOutsideRange(let speed):
            return "Speed \(s(speed)) is outside IMS's 0.1–100"
        case .negativeIn(let inPoint):
            return "In \(s(inPoint)) is negative; used 0"
        case let .outPastSource(out, source):
            return "Out \(s(out)) is past the end of its \(s(source)) s source; the clip stops there"
        case .assumedHoldsInOut(let why):
            return "\(why.text(naming: names)); assumed it holds In–Out"
        case let .durationPastSource(duration, available):
            return "Duration \(s(duration)) is longer than its source allows; it ends after \(s(available)) s"
        case .assumedHoldsDuration(let why):
            return "\(why.text(naming: names)); assumed it holds its Duration"
        case let .inNotBeforeOut(inPoint, out):
            return "In \(s(inPoint)) is not before Out \(s(out)); counted as 0 s"
        case let .timelineOutPastVideoEnd(timelineOut, videoEnd):
            return "TimelineOut \(s(timelineOut)) is past the video's end (\(s(videoEnd)) s); used the video's end [open]"
        case .endUnknown(let why):
            return "end unknown: \(why.text(naming: names))"
        }
    }
}

/// Why a clip's length or end is unknown: the timeline reports nil for it, never 0.
public enum UnknownLength: Codable, Hashable, Sendable, CustomStringConvertible {
    /// An `AI_TTS`/`AI_Avatar` clip: known only after synthesis (unless a length is assumed).
    case awaitsSynthesis(type: String)
    /// The clip has neither `MediaURL` nor `MediaId`.
    case noMedia
    /// The clip's source could not be measured; `reason` is the caller's (`SourceLength.unresolved`).
    case sourceNotMeasured(reason: String)
    /// Nothing in the clip gives a length.
    case noLength
    /// The clip's end is unknown (no more specific reason).
    case noEnd
    /// A time field is negative: the clip is rejected.
    case negativeField(name: String, value: Decimal)
    /// A time field is more than a year: the clip is rejected.
    case fieldOverAYear(name: String, value: Decimal)
    /// `Speed` is not positive: the clip is rejected.
    case speedNotPositive(Decimal)
    /// The clip starts after the clip at `clipIndex`, whose end is unknown.
    case startsAfterUnknown(clipIndex: Int)
    /// `ReferenceClipId` names a clip whose track was not found.
    case referenceNotFound(ClipReference)
    /// The `ReferenceClipId` chain through this clip is circular.
    case circularReference(ClipReference)
    /// Aligned to a clip whose end is unknown.
    case alignedToUnknown(ClipReference)
    /// An overlay lasting to the end of the output, which is unknown.
    case lastsToUnknownOutputEnd

    public var description: String { text(naming: { _ in nil }) }

    /// The words, naming each setting that decides as `names` says.
    public func text(naming names: SettingNames) -> String {
        switch self {
        case .awaitsSynthesis(let type):
            let hint = names(.assumeTTSSeconds).map { " (set \($0))" } ?? ""
            return "\(type) clip: its length is known only after synthesis\(hint)"
        case .noMedia:
            return "the clip has neither MediaURL nor MediaId"
        case .sourceNotMeasured(let reason):
            return "source not measured (\(reason))"
        case .noLength:
            return "its length is unknown"
        case .noEnd:
            return "its end is unknown"
        case let .negativeField(name, value):
            return "\(name) \(SecondsFormat.text(value)) is negative; the clip is rejected and its length unknown"
        case let .fieldOverAYear(name, value):
            return "\(name) \(value) s is more than a year; the clip is rejected and its length unknown"
        case .speedNotPositive(let speed):
            return "Speed \(SecondsFormat.text(speed)) is not positive; the clip is rejected and its length unknown"
        case .startsAfterUnknown(let index):
            return "starts after clip \(index), whose end is unknown"
        case .referenceNotFound(let target):
            return "\(target) not found"
        case .circularReference(let target):
            return "ReferenceClipId chain through \(target) is circular"
        case .alignedToUnknown(let target):
            return "aligned to \(target), whose end is unknown"
        case .lastsToUnknownOutputEnd:
            return "lasts to the end of the output, which is unknown"
        }
    }
}

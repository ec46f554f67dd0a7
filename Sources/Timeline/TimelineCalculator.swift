import Foundation

/// Computes how long an IMS Timeline renders, per TIMELINE.md, in exact decimal seconds.
///
/// Every `[open]` default it applies and every unknown it meets becomes a warning naming the track and clip,
/// so a user sees what was assumed; an unknown length is reported as nil, never as 0.
public enum TimelineCalculator {
    /// The output length with a per-track, per-clip breakdown.
    ///
    /// `resolve` is asked only for clips whose placement depends on their source (see `referencedMedia()`),
    /// at most once per clip; measure those first and answer from a cache.
    public static func length(
        of timeline: IMSTimeline, options: TimelineOptions = TimelineOptions(),
        resolve: (ClipMediaReference) -> SourceLength
    ) -> TimelineLength {
        withoutActuallyEscaping(resolve) { resolve in
            var engine = Engine(timeline: timeline, options: options, resolve: resolve)
            return engine.run()
        }
    }
}

// MARK: - Engine

/// One clip after placement.
private struct Placed {
    var start: Decimal?
    var end: Decimal?
    var warnings: [String] = []
    /// Why `end` is nil when this clip is where the unknown starts (nil for clips that merely follow one).
    var unknownReason: String?
    /// Why `end` is nil, for a clip that follows or aligns to an unknown one.
    var inheritedReason: String?
    /// False for overlays (GlobalImage, subtitles, effects): they follow the video.
    var lengthens: Bool
    var explicitTimelineOut: Bool
    /// An overlay without an end of its own: it lasts to the end of the output.
    var followsOutput = false

    var reason: String? { unknownReason ?? inheritedReason }
}

private struct Engine {
    let timeline: IMSTimeline
    let options: TimelineOptions
    let resolve: (ClipMediaReference) -> SourceLength
    let tracks: [IMSTrack]
    let clipIds: [String: ClipLocation]
    var placed: [Int: [Placed]] = [:]
    var inProgress: Set<Int> = []
    var notes: [String] = []

    init(timeline: IMSTimeline, options: TimelineOptions, resolve: @escaping (ClipMediaReference) -> SourceLength) {
        self.timeline = timeline
        self.options = options
        self.resolve = resolve
        self.tracks = timeline.allTracks
        self.clipIds = timeline.clipIdLocations
    }

    mutating func run() -> TimelineLength {
        for trackNumber in tracks.indices { place(trackNumber) }
        var durations = tracks.indices.map { trackDuration($0) }
        let output = outputLength(durations)
        fillOverlays(output: output, durations: &durations)
        return report(output: output, durations: durations)
    }

    // MARK: Placement

    private func location(_ trackNumber: Int, _ clipIndex: Int) -> String {
        "\(tracks[trackNumber].kind.rawValue) track \(tracks[trackNumber].index), clip \(clipIndex)"
    }

    private func trackNumber(of location: ClipLocation) -> Int? {
        tracks.firstIndex { $0.kind == location.kind && $0.index == location.trackIndex }
    }

    /// Places one track's clips in order; recurses into tracks that its `ReferenceClipId`s point at.
    mutating func place(_ trackNumber: Int) {
        guard placed[trackNumber] == nil else { return }
        inProgress.insert(trackNumber)
        placed[trackNumber] = []
        defer { inProgress.remove(trackNumber) }

        let track = tracks[trackNumber]
        let lastLengthening = track.clips.lastIndex {
            ClipPlan(clip: $0, track: track, clipIds: clipIds).role != .overlay
        }
        var cursor: Decimal? = 0
        var cursorReason: String?
        var previousStart: Decimal? = 0
        var pendingOverlap: Decimal?

        for (clipIndex, clip) in track.clips.enumerated() {
            let plan = ClipPlan(clip: clip, track: track, clipIds: clipIds)
            if plan.role == .overlay {
                let start = clip.timelineIn ?? 0
                let end = clip.timelineOut ?? clip.duration.map { start + $0 }
                placed[trackNumber]!.append(Placed(
                    start: start, end: end, lengthens: false, explicitTimelineOut: clip.timelineOut != nil,
                    followsOutput: end == nil
                ))
                continue
            }

            if let problem = Self.rejectedField(clip) {
                // A negative time would shorten the bill; no reading of it is safe, so the length is unknown.
                let start = clip.timelineIn.flatMap { $0 >= 0 ? $0 : nil } ?? cursor
                placed[trackNumber]!.append(Placed(start: start, end: nil, unknownReason: problem, lengthens: true,
                                                   explicitTimelineOut: false))
                pendingOverlap = nil
                cursor = nil
                cursorReason = "starts after clip \(clipIndex), whose end is unknown"
                previousStart = start
                continue
            }

            var warnings: [String] = []
            for effect in clip.effects where effect.isFreezeFrame {
                let seconds = effect.duration.map { " by its Duration of \(SecondsFormat.text($0)) s" } ?? ""
                warnings.append("FreezeFrame effect probably lengthens the clip\(seconds); not counted [observed only]")
            }
            if plan.imageInferredFromName {
                warnings.append("no Type given; taken for an Image from the file name")
            }
            if let reference = clip.referenceClipId, !plan.usesReference,
               clip.timelineIn == nil || clip.timelineOut == nil {
                warnings.append(referenceProblem(reference))
            }

            var result: Placed
            if plan.usesReference, let reference = clip.referenceClipId {
                result = aligned(to: reference, from: trackNumber)
                if pendingOverlap != nil {
                    warnings.append("aligned through ReferenceClipId, so the previous clip's transition overlaps nothing")
                }
            } else {
                var start = clip.timelineIn ?? cursor
                if clip.timelineIn == nil, let overlap = pendingOverlap, let cursorValue = cursor {
                    let earliest = previousStart ?? cursorValue
                    start = max(earliest, cursorValue - overlap)
                    if cursorValue - overlap < earliest {
                        warnings.append("the previous clip's transition (\(SecondsFormat.text(overlap)) s) is longer than that clip; overlap limited to its length")
                    }
                } else if clip.timelineIn != nil, pendingOverlap != nil {
                    warnings.append("has its own TimelineIn, so the previous clip's transition overlaps nothing")
                }
                result = placeOwn(clip, plan: plan, start: start, trackNumber: trackNumber, clipIndex: clipIndex,
                                  warnings: &warnings)
                if start == nil, result.end == nil, result.unknownReason == nil {
                    result.inheritedReason = cursorReason
                }
            }
            result.warnings.insert(contentsOf: warnings, at: 0)

            pendingOverlap = nil
            if let transition = clip.effects.first(where: \.isTransition) {
                if clipIndex == lastLengthening {
                    result.warnings.append("Transition on the last clip of the track has no following clip; nothing overlaps [open]")
                } else {
                    pendingOverlap = transition.duration ?? 1
                }
            }
            cursor = result.end
            cursorReason = result.end == nil
                ? "starts after clip \(clipIndex), whose end is unknown" : nil
            previousStart = result.start
            placed[trackNumber]!.append(result)
        }
    }

    /// One year: no timeline position, clip length or speed factor beyond this is a real edit.
    static let maximumSeconds: Decimal = 31_536_000

    /// The first field of a clip that no timeline may hold: a negative or absurdly large time (`1e30` would
    /// print a 28-digit bill), or a speed that is not positive.
    static func rejectedField(_ clip: IMSClip) -> String? {
        let times: [(String, Decimal?)] = [("TimelineIn", clip.timelineIn), ("TimelineOut", clip.timelineOut),
                                           ("Duration", clip.duration), ("In", clip.inPoint), ("Out", clip.outPoint)]
        for (name, value) in times {
            if let value, value < 0 {
                return "\(name) \(SecondsFormat.text(value)) is negative; the clip is rejected and its length unknown"
            }
            if let value, value > maximumSeconds {
                return "\(name) \(value) s is more than a year; the clip is rejected and its length unknown"
            }
        }
        if let speed = clip.speed, speed <= 0 {
            return "Speed \(SecondsFormat.text(speed)) is not positive; the clip is rejected and its length unknown"
        }
        return nil
    }

    private func referenceProblem(_ reference: String) -> String {
        guard let target = clipIds[reference] else {
            return "ReferenceClipId \"\(reference)\" matches no ClipId on a video or audio track; placed as if it had none"
        }
        let where_ = "\(target.kind.rawValue) track \(target.trackIndex), clip \(target.clipIndex)"
        return "ReferenceClipId \"\(reference)\" is on the same track (\(where_)); IMS aligns only across tracks, so it is ignored"
    }

    /// A clip with `ReferenceClipId` takes the span of the referenced clip (IMS changes its speed to fit).
    private mutating func aligned(to reference: String, from trackNumber: Int) -> Placed {
        let target = clipIds[reference]!
        let name = "ClipId \"\(reference)\" (\(target.kind.rawValue) track \(target.trackIndex), clip \(target.clipIndex))"
        guard let targetTrack = self.trackNumber(of: target) else {
            return Placed(unknownReason: "\(name) not found", lengthens: true, explicitTimelineOut: false)
        }
        if placed[targetTrack] == nil { place(targetTrack) }
        let targetClips = placed[targetTrack] ?? []
        guard target.clipIndex < targetClips.count else {
            return Placed(
                unknownReason: "ReferenceClipId chain through \(name) is circular", lengthens: true,
                explicitTimelineOut: false
            )
        }
        let span = targetClips[target.clipIndex]
        var result = Placed(start: span.start, end: span.end, lengthens: true, explicitTimelineOut: false)
        if span.end == nil {
            result.inheritedReason = "aligned to \(name), whose end is unknown"
        }
        return result
    }

    /// Places a clip from its own fields: start, length from In/Out/Speed/Duration/source, TimelineOut.
    private mutating func placeOwn(
        _ clip: IMSClip, plan: ClipPlan, start: Decimal?, trackNumber: Int, clipIndex: Int,
        warnings: inout [String]
    ) -> Placed {
        var (length, lengthReason) = clipLength(clip, plan: plan, trackNumber: trackNumber, clipIndex: clipIndex,
                                                warnings: &warnings)
        var result = Placed(start: start, end: nil, lengthens: true, explicitTimelineOut: clip.timelineOut != nil)

        if plan.role == .image, length == nil {
            if let timelineOut = clip.timelineOut {
                result.end = start.map { max($0, timelineOut) } ?? timelineOut
                if let start, timelineOut < start {
                    warnings.append("TimelineOut \(SecondsFormat.text(timelineOut)) is before its start \(SecondsFormat.text(start)); counted as 0 s")
                }
                return result
            }
            if let fallback = options.defaultImageSeconds {
                length = fallback
                warnings.append("image with neither Duration nor TimelineIn/TimelineOut: \(SecondsFormat.text(fallback)) s from --default-image-seconds")
            } else {
                length = 0
                warnings.append("image with neither Duration nor TimelineIn/TimelineOut: counted as 0 s [open] (set --default-image-seconds)")
            }
        }

        if let timelineOut = clip.timelineOut {
            if let length, let start {
                let natural = start + length
                if natural < timelineOut {
                    result.end = natural
                    warnings.append("TimelineOut \(SecondsFormat.text(timelineOut)) is past the clip's content; it ends at \(SecondsFormat.text(natural)) (TimelineOut truncates, never stretches)")
                } else {
                    result.end = timelineOut
                }
            } else if length == nil {
                result.end = timelineOut
                let why = lengthReason ?? "its length is unknown"
                warnings.append("\(why); assumed it lasts to its TimelineOut \(SecondsFormat.text(timelineOut))")
            }
            if let start, let end = result.end, end < start {
                warnings.append("TimelineOut \(SecondsFormat.text(timelineOut)) is before its start \(SecondsFormat.text(start)); counted as 0 s")
                result.end = start
            }
        } else if let length, let start {
            result.end = start + length
        } else if length == nil {
            result.unknownReason = lengthReason ?? "its length is unknown"
        }
        return result
    }

    /// The clip's length on the timeline from its fields and, where needed, its source.
    private mutating func clipLength(
        _ clip: IMSClip, plan: ClipPlan, trackNumber: Int, clipIndex: Int, warnings: inout [String]
    ) -> (Decimal?, String?) {
        if plan.role == .image { return (clip.duration, nil) }

        var speed = clip.speed ?? 1
        if speed <= 0 {
            warnings.append("Speed \(SecondsFormat.text(speed)) is not positive; used 1")
            speed = 1
        } else if speed < Decimal(sign: .plus, exponent: -1, significand: 1) || speed > 100 {
            warnings.append("Speed \(SecondsFormat.text(speed)) is outside IMS's 0.1–100")
        }
        var inPoint = clip.inPoint ?? 0
        if inPoint < 0 {
            warnings.append("In \(SecondsFormat.text(inPoint)) is negative; used 0")
            inPoint = 0
        }

        // The source: measured, assumed (synthesized speech/avatars), or missing with a reason.
        var source: Decimal?
        var sourceReason: String?
        if plan.role == .synthetic {
            let type = clip.type ?? "AI_TTS"
            if let assumed = options.assumeTTSSeconds {
                source = assumed
                warnings.append("\(type) clip: assumed \(SecondsFormat.text(assumed)) s of synthesized media (--assume-tts-seconds)")
            } else {
                sourceReason = "\(type) clip: its length is known only after synthesis (set --assume-tts-seconds)"
            }
        } else if plan.sourceNeed != .none {
            if clip.mediaURL == nil, clip.mediaId == nil {
                sourceReason = "the clip has neither MediaURL nor MediaId"
            } else {
                let track = tracks[trackNumber]
                let reference = ClipMediaReference(
                    mediaURL: clip.mediaURL, mediaId: clip.mediaId, trackKind: track.kind.rawValue,
                    trackIndex: track.index, clipIndex: clipIndex, isRequired: plan.sourceNeed == .required
                )
                switch resolve(reference) {
                case .seconds(let seconds): source = seconds
                case .unresolved(let reason): sourceReason = "source not measured (\(reason))"
                }
            }
        }
        let clampsToSource = plan.isVisual || plan.role == .synthetic

        if let outPoint = clip.outPoint {
            var end = outPoint
            if clampsToSource, let source, source < outPoint {
                end = source
                warnings.append("Out \(SecondsFormat.text(outPoint)) is past the end of its \(SecondsFormat.text(source)) s source; the clip stops there")
            } else if clampsToSource, source == nil, let sourceReason {
                warnings.append("\(sourceReason); assumed it holds In–Out")
            }
            return (span(from: inPoint, to: end, speed: speed, warnings: &warnings), nil)
        }
        if let duration = clip.duration {
            if clampsToSource, let source {
                let available = max(0, source - inPoint) / speed
                if available < duration {
                    warnings.append("Duration \(SecondsFormat.text(duration)) is longer than its source allows; it ends after \(SecondsFormat.text(available)) s")
                    return (available, nil)
                }
            } else if clampsToSource, let sourceReason {
                warnings.append("\(sourceReason); assumed it holds its Duration")
            }
            return (duration, nil)
        }
        guard let source else { return (nil, sourceReason ?? "its length is unknown") }
        var end = source
        if let maxOut = clip.maxOut { end = min(maxOut, source) }
        return (span(from: inPoint, to: end, speed: speed, warnings: &warnings), nil)
    }

    private func span(from inPoint: Decimal, to outPoint: Decimal, speed: Decimal, warnings: inout [String]) -> Decimal {
        guard outPoint >= inPoint else {
            warnings.append("In \(SecondsFormat.text(inPoint)) is not before Out \(SecondsFormat.text(outPoint)); counted as 0 s")
            return 0
        }
        return (outPoint - inPoint) / speed
    }

    // MARK: Lengths

    /// The track's largest clip end among clips that lengthen it; nil when one is unknown.
    private func trackDuration(_ trackNumber: Int) -> Decimal? {
        var longest: Decimal = 0
        for clip in placed[trackNumber] ?? [] where clip.lengthens {
            guard let end = clip.end else { return nil }
            longest = max(longest, end)
        }
        return longest
    }

    private func trackName(_ trackNumber: Int) -> String {
        "\(tracks[trackNumber].kind.rawValue) track \(tracks[trackNumber].index)"
    }

    /// Why the track's length is unknown: its first clip without an end.
    private func unknownReason(_ trackNumber: Int) -> String {
        for (index, clip) in (placed[trackNumber] ?? []).enumerated() where clip.lengthens && clip.end == nil {
            return "\(location(trackNumber, index)): \(clip.reason ?? "its end is unknown")"
        }
        return "\(trackName(trackNumber)) is unknown"
    }

    private func hasLengtheningClips(_ trackNumber: Int) -> Bool {
        (placed[trackNumber] ?? []).contains(where: \.lengthens)
    }

    /// Main track, else end of the video, else the audio; then the MaxDuration cap.
    private mutating func outputLength(_ durations: [Decimal?]) -> Decimal? {
        var output: Decimal?
        let mainTracks = tracks.indices.filter {
            tracks[$0].isMainTrack && (tracks[$0].kind == .video || tracks[$0].kind == .audio)
        }
        if let main = mainTracks.first {
            if mainTracks.count > 1 {
                let others = mainTracks.dropFirst().map(trackName).joined(separator: ", ")
                notes.append("\(others) also set MainTrack; the first main track (\(trackName(main))) counts")
            }
            output = durations[main]
            if output == nil {
                notes.append("duration unknown: the main track (\(trackName(main))) has an unknown end: \(unknownReason(main))")
            }
            for number in tracks.indices where number != main && tracks[number].adaptsToMainTrack {
                guard let output, let own = durations[number], own != output, hasLengtheningClips(number) else { continue }
                let verb = own > output ? "sped up" : "slowed down"
                notes.append("\(trackName(number)) (AutoSpeed) is \(verb) from \(SecondsFormat.text(own)) s to the main track's \(SecondsFormat.text(output)) s")
            }
        } else {
            let visual = tracks.indices.filter {
                (tracks[$0].kind == .video || tracks[$0].kind == .image) && hasLengtheningClips($0)
            }
            let audio = tracks.indices.filter { tracks[$0].kind == .audio && hasLengtheningClips($0) }
            let deciding = visual.isEmpty ? audio : visual
            if deciding.isEmpty {
                output = 0
                notes.append("no clip lengthens the output; counted as 0 s")
            } else if let unknown = deciding.first(where: { durations[$0] == nil }) {
                output = nil
                let what = visual.isEmpty ? "the audio" : "the video"
                notes.append("duration unknown: \(what) has an unknown end: \(unknownReason(unknown))")
            } else {
                output = deciding.compactMap { durations[$0] }.max()
                if let videoEnd = output, !visual.isEmpty {
                    cutNonVideo(at: videoEnd, audio: audio, durations: durations)
                }
            }
        }

        if let cap = options.maxDuration {
            if let value = output, value > cap {
                notes.append("the timeline runs \(SecondsFormat.text(value)) s; capped at MaxDuration \(SecondsFormat.text(cap)) s")
                output = cap
            } else if output == nil {
                notes.append("at most MaxDuration \(SecondsFormat.text(cap)) s")
            }
        }
        return output
    }

    /// Without a main track the video decides: audio past its end is cut, and an explicit TimelineOut past it
    /// is read as the video's end [open].
    private mutating func cutNonVideo(at videoEnd: Decimal, audio: [Int], durations: [Decimal?]) {
        for number in tracks.indices {
            let isVisual = tracks[number].kind == .video || tracks[number].kind == .image
            for index in (placed[number] ?? []).indices {
                let clip = placed[number]![index]
                guard clip.explicitTimelineOut, !(isVisual && clip.lengthens), let end = clip.end, end > videoEnd
                else { continue }
                placed[number]![index].end = videoEnd
                placed[number]![index].warnings.append("TimelineOut \(SecondsFormat.text(end)) is past the video's end (\(SecondsFormat.text(videoEnd)) s); used the video's end [open]")
            }
        }
        for number in audio {
            guard let own = durations[number], own > videoEnd else { continue }
            notes.append("\(trackName(number)) runs \(SecondsFormat.text(own)) s, past the video's end (\(SecondsFormat.text(videoEnd)) s); with no main track it is cut there [open]")
        }
    }

    /// Overlays without their own end last to the end of the output; overlay-only tracks report their extent.
    private mutating func fillOverlays(output: Decimal?, durations: inout [Decimal?]) {
        for number in tracks.indices {
            for index in (placed[number] ?? []).indices where placed[number]![index].followsOutput {
                placed[number]![index].end = output
                if output == nil {
                    placed[number]![index].inheritedReason = "lasts to the end of the output, which is unknown"
                }
            }
            if !hasLengtheningClips(number), let clips = placed[number], !clips.isEmpty {
                durations[number] = clips.allSatisfy { $0.end != nil } ? clips.compactMap(\.end).max() : nil
            }
        }
    }

    // MARK: Report

    private func report(output: Decimal?, durations: [Decimal?]) -> TimelineLength {
        var warnings: [String] = []
        var trackLengths: [TrackLength] = []
        for number in tracks.indices {
            let track = tracks[number]
            var spans: [ClipSpan] = []
            for (index, clip) in (placed[number] ?? []).enumerated() {
                var clipWarnings = clip.warnings
                if clip.end == nil, let reason = clip.unknownReason {
                    clipWarnings.append("end unknown: \(reason)")
                }
                warnings += clipWarnings.map { "\(location(number, index)): \($0)" }
                // A clip that only follows an unknown one says why on its own line, not again at the top.
                if clip.end == nil, clip.unknownReason == nil, let reason = clip.inheritedReason {
                    clipWarnings.append("end unknown: \(reason)")
                }
                spans.append(ClipSpan(
                    start: clip.start, end: clip.end, source: Self.source(of: track.clips[index]), warnings: clipWarnings
                ))
            }
            trackLengths.append(TrackLength(
                kind: track.kind.rawValue, index: track.index, duration: durations[number], clips: spans
            ))
        }
        return TimelineLength(duration: output, tracks: trackLengths, warnings: warnings + notes)
    }

    private static func source(of clip: IMSClip) -> String? {
        clip.mediaURL ?? clip.mediaId ?? clip.fileURL ?? clip.type ?? clip.subType
    }
}

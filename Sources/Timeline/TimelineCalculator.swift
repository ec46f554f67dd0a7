import Foundation

/// Computes how long an IMS Timeline renders, per docs/contract.md (Timelines), in exact decimal seconds.
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
    var warnings: [ClipNote] = []
    /// Why `end` is nil when this clip is where the unknown starts (nil for clips that merely follow one).
    var unknownReason: UnknownLength?
    /// Why `end` is nil, for a clip that follows or aligns to an unknown one.
    var inheritedReason: UnknownLength?
    /// False for overlays (GlobalImage, subtitles, effects): they follow the video.
    var lengthens: Bool
    var explicitTimelineOut: Bool
    /// An overlay without an end of its own: it lasts to the end of the output.
    var followsOutput = false

    var reason: UnknownLength? { unknownReason ?? inheritedReason }
}

private struct Engine {
    let timeline: IMSTimeline
    let options: TimelineOptions
    let resolve: (ClipMediaReference) -> SourceLength
    let tracks: [IMSTrack]
    let clipIds: [String: ClipLocation]
    var placed: [Int: [Placed]] = [:]
    var inProgress: Set<Int> = []
    var notes: [TimelineWarning] = []

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

    private func location(_ trackNumber: Int, _ clipIndex: Int) -> ClipPosition {
        ClipPosition(track: trackName(trackNumber), clipIndex: clipIndex)
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
        var cursorReason: UnknownLength?
        var previousStart: Decimal? = 0
        var pendingOverlap: Decimal?

        for (clipIndex, clip) in track.clips.enumerated() {
            let plan = ClipPlan(clip: clip, track: track, clipIds: clipIds)
            if plan.role == .overlay {
                let start = clip.timelineIn ?? 0
                let end = clip.timelineOut ?? clip.duration.map { start + $0 }
                placed[trackNumber]!.append(
                    Placed(
                        start: start, end: end, lengthens: false, explicitTimelineOut: clip.timelineOut != nil,
                        followsOutput: end == nil
                    ))
                continue
            }

            if let problem = Self.rejectedField(clip) {
                // A negative time would shorten the bill; no reading of it is safe, so the length is unknown.
                let start = clip.timelineIn.flatMap { $0 >= 0 ? $0 : nil } ?? cursor
                placed[trackNumber]!.append(
                    Placed(
                        start: start, end: nil, unknownReason: problem, lengthens: true,
                        explicitTimelineOut: false))
                pendingOverlap = nil
                cursor = nil
                cursorReason = .startsAfterUnknown(clipIndex: clipIndex)
                previousStart = start
                continue
            }

            var warnings: [ClipNote] = []
            for effect in clip.effects where effect.isFreezeFrame {
                warnings.append(.freezeFrame(duration: effect.duration))
            }
            if plan.imageInferredFromName {
                warnings.append(.imageTypeInferred)
            }
            if let reference = clip.referenceClipId, !plan.usesReference,
                clip.timelineIn == nil || clip.timelineOut == nil
            {
                warnings.append(referenceProblem(reference))
            }

            var result: Placed
            if plan.usesReference, let reference = clip.referenceClipId {
                result = aligned(to: reference, from: trackNumber)
                if pendingOverlap != nil {
                    warnings.append(.transitionSkippedByReference)
                }
            } else {
                var start = clip.timelineIn ?? cursor
                if clip.timelineIn == nil, let overlap = pendingOverlap, let cursorValue = cursor {
                    let earliest = previousStart ?? cursorValue
                    start = max(earliest, cursorValue - overlap)
                    if cursorValue - overlap < earliest {
                        warnings.append(.transitionLongerThanClip(overlap: overlap))
                    }
                } else if clip.timelineIn != nil, pendingOverlap != nil {
                    warnings.append(.transitionSkippedByTimelineIn)
                }
                result = placeOwn(
                    clip, plan: plan, start: start, trackNumber: trackNumber, clipIndex: clipIndex,
                    warnings: &warnings)
                if start == nil, result.end == nil, result.unknownReason == nil {
                    result.inheritedReason = cursorReason
                }
            }
            result.warnings.insert(contentsOf: warnings, at: 0)

            pendingOverlap = nil
            if let transition = clip.effects.first(where: \.isTransition) {
                if clipIndex == lastLengthening {
                    result.warnings.append(.transitionOnLastClip)
                } else {
                    pendingOverlap = transition.duration ?? 1
                }
            }
            cursor = result.end
            cursorReason = result.end == nil ? .startsAfterUnknown(clipIndex: clipIndex) : nil
            previousStart = result.start
            placed[trackNumber]!.append(result)
        }
    }

    /// One year: no timeline position, clip length or speed factor beyond this is a real edit.
    static let maximumSeconds: Decimal = 31_536_000

    /// The first field of a clip that no timeline may hold: a negative or absurdly large time (`1e30` would
    /// print a 28-digit bill), or a speed that is not positive.
    static func rejectedField(_ clip: IMSClip) -> UnknownLength? {
        let times: [(String, Decimal?)] = [
            ("TimelineIn", clip.timelineIn), ("TimelineOut", clip.timelineOut),
            ("Duration", clip.duration), ("In", clip.inPoint), ("Out", clip.outPoint),
        ]
        for (name, value) in times {
            if let value, value < 0 { return .negativeField(name: name, value: value) }
            if let value, value > maximumSeconds { return .fieldOverAYear(name: name, value: value) }
        }
        if let speed = clip.speed, speed <= 0 { return .speedNotPositive(speed) }
        return nil
    }

    private func referenceProblem(_ reference: String) -> ClipNote {
        guard let target = clipIds[reference] else { return .referenceUnmatched(clipId: reference) }
        return .referenceOnSameTrack(Self.clipReference(reference, target))
    }

    private static func clipReference(_ clipId: String, _ target: ClipLocation) -> ClipReference {
        ClipReference(
            clipId: clipId,
            position: ClipPosition(
                track: TrackPosition(kind: target.kind, index: target.trackIndex),
                clipIndex: target.clipIndex))
    }

    /// A clip with `ReferenceClipId` takes the span of the referenced clip (IMS changes its speed to fit).
    private mutating func aligned(to reference: String, from trackNumber: Int) -> Placed {
        let target = clipIds[reference]!
        let name = Self.clipReference(reference, target)
        guard let targetTrack = self.trackNumber(of: target) else {
            return Placed(unknownReason: .referenceNotFound(name), lengthens: true, explicitTimelineOut: false)
        }
        if placed[targetTrack] == nil { place(targetTrack) }
        let targetClips = placed[targetTrack] ?? []
        guard target.clipIndex < targetClips.count else {
            return Placed(
                unknownReason: .circularReference(name), lengthens: true,
                explicitTimelineOut: false
            )
        }
        let span = targetClips[target.clipIndex]
        var result = Placed(start: span.start, end: span.end, lengthens: true, explicitTimelineOut: false)
        if span.end == nil {
            result.inheritedReason = .alignedToUnknown(name)
        }
        return result
    }

    /// Places a clip from its own fields: start, length from In/Out/Speed/Duration/source, TimelineOut.
    private mutating func placeOwn(
        _ clip: IMSClip, plan: ClipPlan, start: Decimal?, trackNumber: Int, clipIndex: Int,
        warnings: inout [ClipNote]
    ) -> Placed {
        var (length, lengthReason) = clipLength(
            clip, plan: plan, trackNumber: trackNumber, clipIndex: clipIndex,
            warnings: &warnings)
        var result = Placed(start: start, end: nil, lengthens: true, explicitTimelineOut: clip.timelineOut != nil)

        if plan.role == .image, length == nil {
            if let timelineOut = clip.timelineOut {
                result.end = start.map { max($0, timelineOut) } ?? timelineOut
                if let start, timelineOut < start {
                    warnings.append(.timelineOutBeforeStart(timelineOut: timelineOut, start: start))
                }
                return result
            }
            if let fallback = options.defaultImageSeconds {
                length = fallback
                warnings.append(.defaultImageLength(fallback))
            } else {
                length = 0
                warnings.append(.imageCountedAsZero)
            }
        }

        if let timelineOut = clip.timelineOut {
            if let length, let start {
                let natural = start + length
                if natural < timelineOut {
                    result.end = natural
                    warnings.append(.timelineOutPastContent(timelineOut: timelineOut, end: natural))
                } else {
                    result.end = timelineOut
                }
            } else if length == nil {
                result.end = timelineOut
                warnings.append(.assumedToTimelineOut(lengthReason ?? .noLength, timelineOut: timelineOut))
            }
            if let start, let end = result.end, end < start {
                warnings.append(.timelineOutBeforeStart(timelineOut: timelineOut, start: start))
                result.end = start
            }
        } else if let length, let start {
            result.end = start + length
        } else if length == nil {
            result.unknownReason = lengthReason ?? .noLength
        }
        return result
    }

    /// The clip's length on the timeline from its fields and, where needed, its source.
    private mutating func clipLength(
        _ clip: IMSClip, plan: ClipPlan, trackNumber: Int, clipIndex: Int, warnings: inout [ClipNote]
    ) -> (Decimal?, UnknownLength?) {
        if plan.role == .image { return (clip.duration, nil) }

        var speed = clip.speed ?? 1
        if speed <= 0 {
            warnings.append(.speedNotPositive(speed))
            speed = 1
        } else if speed < Decimal(sign: .plus, exponent: -1, significand: 1) || speed > 100 {
            warnings.append(.speedOutsideRange(speed))
        }
        var inPoint = clip.inPoint ?? 0
        if inPoint < 0 {
            warnings.append(.negativeIn(inPoint))
            inPoint = 0
        }

        // The source: measured, assumed (synthesized speech/avatars), or missing with a reason.
        var source: Decimal?
        var sourceReason: UnknownLength?
        if plan.role == .synthetic {
            let type = clip.type ?? "AI_TTS"
            if let assumed = options.assumeTTSSeconds {
                source = assumed
                warnings.append(.assumedSynthesizedLength(type: type, seconds: assumed))
            } else {
                sourceReason = .awaitsSynthesis(type: type)
            }
        } else if plan.sourceNeed != .none {
            if clip.mediaURL == nil, clip.mediaId == nil {
                sourceReason = .noMedia
            } else {
                let track = tracks[trackNumber]
                let reference = ClipMediaReference(
                    mediaURL: clip.mediaURL, mediaId: clip.mediaId, trackKind: track.kind.rawValue,
                    trackIndex: track.index, clipIndex: clipIndex, isRequired: plan.sourceNeed == .required
                )
                switch resolve(reference) {
                case .seconds(let seconds): source = seconds
                case .unresolved(let reason): sourceReason = .sourceNotMeasured(reason: reason)
                }
            }
        }
        let clampsToSource = plan.isVisual || plan.role == .synthetic

        if let outPoint = clip.outPoint {
            var end = outPoint
            if clampsToSource, let source, source < outPoint {
                end = source
                warnings.append(.outPastSource(out: outPoint, source: source))
            } else if clampsToSource, source == nil, let sourceReason {
                warnings.append(.assumedHoldsInOut(sourceReason))
            }
            return (span(from: inPoint, to: end, speed: speed, warnings: &warnings), nil)
        }
        if let duration = clip.duration {
            if clampsToSource, let source {
                let available = max(0, source - inPoint) / speed
                if available < duration {
                    warnings.append(.durationPastSource(duration: duration, available: available))
                    return (available, nil)
                }
            } else if clampsToSource, let sourceReason {
                warnings.append(.assumedHoldsDuration(sourceReason))
            }
            return (duration, nil)
        }
        guard let source else { return (nil, sourceReason ?? .noLength) }
        var end = source
        if let maxOut = clip.maxOut { end = min(maxOut, source) }
        return (span(from: inPoint, to: end, speed: speed, warnings: &warnings), nil)
    }

    private func span(from inPoint: Decimal, to outPoint: Decimal, speed: Decimal, warnings: inout [ClipNote]) -> Decimal {
        guard outPoint >= inPoint else {
            warnings.append(.inNotBeforeOut(in: inPoint, out: outPoint))
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

    private func trackName(_ trackNumber: Int) -> TrackPosition {
        TrackPosition(kind: tracks[trackNumber].kind, index: tracks[trackNumber].index)
    }

    /// Why the track's length is unknown: its first clip without an end.
    private func unknownReason(_ trackNumber: Int) -> UnknownEnd {
        for (index, clip) in (placed[trackNumber] ?? []).enumerated() where clip.lengthens && clip.end == nil {
            return .clip(location(trackNumber, index), clip.reason ?? .noEnd)
        }
        return .track(trackName(trackNumber))
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
                notes.append(.severalMainTracks(counted: trackName(main), others: mainTracks.dropFirst().map(trackName)))
            }
            output = durations[main]
            if output == nil {
                notes.append(.mainTrackUnknown(trackName(main), cause: unknownReason(main)))
            }
            for number in tracks.indices where number != main && tracks[number].adaptsToMainTrack {
                guard let output, let own = durations[number], own != output, hasLengtheningClips(number) else { continue }
                notes.append(.autoSpeed(trackName(number), from: own, to: output))
            }
        } else {
            let visual = tracks.indices.filter {
                (tracks[$0].kind == .video || tracks[$0].kind == .image) && hasLengtheningClips($0)
            }
            let audio = tracks.indices.filter { tracks[$0].kind == .audio && hasLengtheningClips($0) }
            let deciding = visual.isEmpty ? audio : visual
            if deciding.isEmpty {
                output = 0
                notes.append(.nothingLengthens)
            } else if let unknown = deciding.first(where: { durations[$0] == nil }) {
                output = nil
                notes.append(.outputUnknown(decidedByVideo: !visual.isEmpty, cause: unknownReason(unknown)))
            } else {
                output = deciding.compactMap { durations[$0] }.max()
                if let videoEnd = output, !visual.isEmpty {
                    cutNonVideo(at: videoEnd, audio: audio, durations: durations)
                }
            }
        }

        if let cap = options.maxDuration {
            if let value = output, value > cap {
                notes.append(.cappedAtMaxDuration(length: value, cap: cap))
                output = cap
            } else if output == nil {
                notes.append(.atMostMaxDuration(cap))
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
                placed[number]![index].warnings.append(.timelineOutPastVideoEnd(timelineOut: end, videoEnd: videoEnd))
            }
        }
        for number in audio {
            guard let own = durations[number], own > videoEnd else { continue }
            notes.append(.cutAtVideoEnd(trackName(number), length: own, videoEnd: videoEnd))
        }
    }

    /// Overlays without their own end last to the end of the output; overlay-only tracks report their extent.
    private mutating func fillOverlays(output: Decimal?, durations: inout [Decimal?]) {
        for number in tracks.indices {
            for index in (placed[number] ?? []).indices where placed[number]![index].followsOutput {
                placed[number]![index].end = output
                if output == nil {
                    placed[number]![index].inheritedReason = .lastsToUnknownOutputEnd
                }
            }
            if !hasLengtheningClips(number), let clips = placed[number], !clips.isEmpty {
                durations[number] = clips.allSatisfy { $0.end != nil } ? clips.compactMap(\.end).max() : nil
            }
        }
    }

    // MARK: Report

    private func report(output: Decimal?, durations: [Decimal?]) -> TimelineLength {
        var warnings: [TimelineWarning] = []
        var trackLengths: [TrackLength] = []
        for number in tracks.indices {
            let track = tracks[number]
            var spans: [ClipSpan] = []
            for (index, clip) in (placed[number] ?? []).enumerated() {
                var clipWarnings = clip.warnings
                if clip.end == nil, let reason = clip.unknownReason {
                    clipWarnings.append(.endUnknown(reason))
                }
                warnings += clipWarnings.map { .clip(location(number, index), $0) }
                // A clip that only follows an unknown one says why on its own line, not again at the top.
                if clip.end == nil, clip.unknownReason == nil, let reason = clip.inheritedReason {
                    clipWarnings.append(.endUnknown(reason))
                }
                spans.append(
                    ClipSpan(
                        start: clip.start, end: clip.end, source: Self.source(of: track.clips[index]), warnings: clipWarnings
                    ))
            }
            trackLengths.append(
                TrackLength(
                    kind: track.kind.rawValue, index: track.index, duration: durations[number], clips: spans
                ))
        }
        return TimelineLength(duration: output, tracks: trackLengths, warnings: warnings + notes)
    }

    private static func source(of clip: IMSClip) -> String? {
        clip.mediaURL ?? clip.mediaId ?? clip.fileURL ?? clip.type ?? clip.subType
    }
}

import Foundation

/// What a clip is for the length arithmetic, decided from its own fields and its track alone, so that
/// `referencedMedia()` and the calculator agree on which clips need a measured source.
struct ClipPlan {
    enum Role {
        /// A video or audio file: its length comes from `In`/`Out`/`Speed` and the source.
        case media
        /// A still image: `Duration`, else its timeline times.
        case image
        /// `AI_TTS` / `AI_Avatar`: known only after synthesis.
        case synthetic
        /// Follows the video, never lengthens the output: `GlobalImage`, subtitles, text, effect items.
        case overlay
    }

    enum SourceNeed {
        /// The clip's own fields fix its length (or it has no source).
        case none
        /// Its `Out` gives a length; the source only checks it does not run past the content.
        case check
        /// No length without the source.
        case required
    }

    let role: Role
    /// On a video or image track: a visual clip never runs past its source content.
    let isVisual: Bool
    /// `ReferenceClipId` applies: it names a clip on another track and the clip lacks TimelineIn+TimelineOut.
    let usesReference: Bool
    let sourceNeed: SourceNeed
    /// The clip's type was missing and it was taken for an image from its file name.
    let imageInferredFromName: Bool

    private static let overlayTypes: Set<String> = [
        "globalimage", "subtitle", "text", "effect", "effects", "vfx", "filter",
    ]
    private static let imageExtensions: Set<String> = ["jpg", "jpeg", "png", "gif", "bmp", "webp", "heic"]

    init(clip: IMSClip, track: IMSTrack, clipIds: [String: ClipLocation] = [:]) {
        let type = clip.type?.lowercased() ?? ""
        let trackType = track.type?.lowercased() ?? ""
        var inferred = false
        switch track.kind {
        case .subtitle, .effect:
            role = .overlay
        case .video, .audio, .image:
            if trackType == "effect" || trackType == "effects" || Self.overlayTypes.contains(type) {
                role = .overlay
            } else if type == "image" || (track.kind == .image && type.isEmpty) {
                role = .image
            } else if type == "ai_tts" || type == "ai_avatar" {
                role = .synthetic
            } else if type.isEmpty, track.kind == .video, Self.looksLikeImage(clip.mediaURL) {
                role = .image
                inferred = true
            } else {
                role = .media
            }
        }
        imageInferredFromName = inferred
        isVisual = track.kind == .video || track.kind == .image

        let explicitSpan = clip.timelineIn != nil && clip.timelineOut != nil
        if role != .overlay, !explicitSpan, let reference = clip.referenceClipId, let target = clipIds[reference] {
            usesReference = !(target.kind == track.kind && target.trackIndex == track.index)
        } else {
            usesReference = false
        }

        if role != .media || usesReference {
            sourceNeed = .none
        } else if clip.outPoint != nil || clip.duration != nil {
            sourceNeed = isVisual ? .check : .none
        } else if clip.timelineOut != nil {
            sourceNeed = .check
        } else {
            sourceNeed = .required
        }
    }

    private static func looksLikeImage(_ url: String?) -> Bool {
        guard let url else { return false }
        let path = url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
        guard let dot = path.lastIndex(of: ".") else { return false }
        return imageExtensions.contains(path[path.index(after: dot)...].lowercased())
    }
}

/// Where a `ClipId` is defined.
struct ClipLocation: Hashable {
    let kind: TrackKind
    let trackIndex: Int
    let clipIndex: Int
}

extension IMSTimeline {
    /// The first clip carrying each `ClipId` (on video and audio tracks, where IMS allows them).
    var clipIdLocations: [String: ClipLocation] {
        var result: [String: ClipLocation] = [:]
        for track in allTracks where track.kind == .video || track.kind == .audio {
            for (index, clip) in track.clips.enumerated() {
                if let id = clip.clipId, result[id] == nil {
                    result[id] = ClipLocation(kind: track.kind, trackIndex: track.index, clipIndex: index)
                }
            }
        }
        return result
    }
}

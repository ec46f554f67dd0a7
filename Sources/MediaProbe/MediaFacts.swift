import Foundation

/// How hard the prober works for a duration (`--mode`, docs/contract.md).
public enum ProbeMode: String, Codable, CaseIterable, Sendable {
    /// Headers only: cheap, but a figure libavformat estimated from the bit rate stays an estimate.
    case fast
    /// Stream durations always from timestamps (container index or packet scan).
    case exact
    /// Header when libavformat read it from timestamps, `exact` otherwise.
    case auto
}

/// Which duration is *the* duration of a file for billing (`--duration-policy`, docs/contract.md).
public enum DurationPolicy: String, Codable, CaseIterable, Sendable {
    case container
    case longestStream = "longest-stream"
    case video
}

/// Where the stream durations of a file came from.
public enum DurationSource: String, Codable, Sendable {
    /// The container header (libavformat's own figure, no timestamps read by us).
    case header
    /// The container's sample index: first and last timestamps read around it, nothing in between.
    case index
    /// The first packets and, after a seek near the end, the last ones: the packet-scan answer without
    /// reading the middle (Matroska/WebM, FLV, AVI).
    case tail
    /// A scan of every packet's timestamps.
    case packets
}

/// A time span kept as integer ticks of a rational time base, so no precision is lost before billing rounds.
public struct MediaTime: Codable, Hashable, Sendable, Comparable {
    public var ticks: Int64
    public var timeBaseNum: Int32
    public var timeBaseDen: Int32

    /// Exact seconds as a Decimal (38 significant digits; ticks × num / den).
    public var seconds: Decimal {
        guard timeBaseDen != 0 else { return 0 }
        return Decimal(ticks) * Decimal(Int(timeBaseNum)) / Decimal(Int(timeBaseDen))
    }

    public static func < (lhs: MediaTime, rhs: MediaTime) -> Bool { lhs.seconds < rhs.seconds }
}

/// The kind of an elementary stream, named as docs/contract.md names them.
public enum StreamType: String, Codable, Sendable {
    case video, audio, subtitle, data
}

/// Everything ClipMeter knows about one stream, copied out of FFmpeg before its context is closed.
public struct StreamFacts: Codable, Sendable, Hashable {
    public var index: Int
    public var type: StreamType
    public var codec: String
    /// Duration in seconds (nil when neither the header nor timestamps give one).
    public var duration: Decimal?
    /// The same duration as integer ticks in the stream's time base.
    public var durationTicks: MediaTime?
    /// First presentation timestamp in seconds, as the container states it.
    public var startTime: Decimal?
    public var width: Int?
    public var height: Int?
    /// Display rotation in degrees (counter-clockwise, as the display matrix says), nil when none.
    public var rotation: Double?
    /// Average frame rate as a rational string ("25/1", "30000/1001"), nil for non-video.
    public var frameRate: String?
    public var sampleRate: Int?
    public var channels: Int?
    /// True for cover art and thumbnails: they are not content and never set a duration.
    public var isAttachedPicture: Bool

    public init(index: Int, type: StreamType, codec: String) {
        self.index = index
        self.type = type
        self.codec = codec
        self.isAttachedPicture = false
    }

    /// Width and height as a viewer sees them (swapped for 90°/270° rotation).
    public var displaySize: (width: Int, height: Int)? {
        guard let w = width, let h = height else { return nil }
        if let r = rotation, Int(abs(r.rounded())) % 180 == 90 { return (h, w) }
        return (w, h)
    }
}

/// What one probe of one file found.
public struct MediaFacts: Codable, Sendable {
    public var path: String
    public var size: Int64
    /// Modification time in nanoseconds since 1970, used by the ledger's cache key.
    public var modifiedAtNanos: Int64
    public var container: String
    public var containerLongName: String?
    public var startTime: Decimal?
    /// The container duration as a player shows it; replaced by the timestamp span when libavformat only guessed it.
    public var containerDuration: Decimal?
    /// How libavformat obtained its container duration: `timestamps`, `stream`, `bitrate` or `none`.
    public var containerDurationMethod: String
    public var durationSource: DurationSource
    public var mode: ProbeMode
    public var streams: [StreamFacts]
    /// What the probe noticed (bit-rate estimates, guessed last-packet durations, a cut-short file), by case.
    public var warnings: [ProbeWarning]
    /// Bytes libavformat read to measure the file (nil for URLs and for facts cached before it was counted):
    /// shows whether a duration cost the header and tail or the whole file.
    public var bytesRead: Int64?
    /// Whether the stream facts came from the header alone or from decoding the first frames (nil for facts
    /// cached before this was recorded).
    public var streamInfo: StreamInfoUse?

    public init(path: String, size: Int64, modifiedAtNanos: Int64, container: String, mode: ProbeMode) {
        self.path = path
        self.size = size
        self.modifiedAtNanos = modifiedAtNanos
        self.container = container
        self.containerDurationMethod = "none"
        self.durationSource = .header
        self.mode = mode
        self.streams = []
        self.warnings = []
    }

    /// Content streams: cover art and thumbnails never count toward a duration.
    public var contentStreams: [StreamFacts] { streams.filter { !$0.isAttachedPicture } }

    /// True when the file has at least one real video stream.
    public var hasVideo: Bool { contentStreams.contains { $0.type == .video } }

    /// The billing duration under a policy; nil when the file has no figure for it.
    public func duration(policy: DurationPolicy) -> Decimal? {
        switch policy {
        case .container:
            return containerDuration ?? contentStreams.compactMap(\.duration).max()
        case .longestStream:
            return contentStreams.compactMap(\.duration).max() ?? containerDuration
        case .video:
            let video = contentStreams.filter { $0.type == .video }.compactMap(\.duration).max()
            return video ?? (hasVideo ? containerDuration : nil)
        }
    }

    /// The largest video stream's display size (for resolution tiers).
    public var videoDisplaySize: (width: Int, height: Int)? {
        contentStreams.filter { $0.type == .video }.compactMap(\.displaySize).max { $0.width * $0.height < $1.width * $1.height }
    }

    /// Codec of the main video stream, nil for audio-only files.
    public var videoCodec: String? { contentStreams.first { $0.type == .video }?.codec }
}

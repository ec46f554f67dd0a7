import Foundation
import Quantities

/// Something a probe noticed about a file that a reader of its duration should know, as a typed case:
/// callers decide by case (is this a bit-rate estimate? a cut-short file?), never by searching the words.
///
/// The words live in `description` alone, as GRDB's `DatabaseError` keeps its code apart from its message, and
/// they name no command-line flag: what to type about it is the CLI's and the renderers' business.
public enum ProbeWarning: Codable, Hashable, Sendable, CustomStringConvertible {
    /// Headers only (`fast` mode): libavformat estimated the duration from the bit rate, so it is not exact.
    case estimatedFromBitrate
    /// The header's figure was a bit-rate estimate; the measured timestamp span replaced it.
    case bitrateEstimateReplaced(header: Decimal, measured: Decimal)
    /// FFmpeg's own log said it estimated a duration from the bit rate, and no measurement replaced it.
    case ffmpegEstimatedFromBitrate(message: String)
    /// Neither the header nor the timestamps give a duration.
    case noDuration
    /// The file refers to other files (a playlist inside a container); they were not opened.
    case refusedOpens(count: Int)
    /// The end of the file could not be read on its own, so every packet was read; `reason` says why.
    case fullScan(reason: String)
    /// An MPEG-TS file whose size falls inside a transport packet: it was cut short.
    case truncatedTransportPacket(bytesIntoPacket: Int64)
    /// A stream's last packet is incomplete (the demuxer flagged it corrupt): the file was cut short.
    case truncatedPacket(stream: Int)
    /// An MPEG-TS file ends inside a PES packet of this PID, at a transport-packet boundary: it was cut short.
    /// `declared`: the PES packet's declared length (nil when left open); `held`: the bytes of it in the file.
    case truncatedPES(pid: Int, declared: Int?, held: Int?)
    /// A raw elementary stream without timestamps: its duration was counted from its frames or packets.
    case frameCount(stream: Int, codec: String, basis: FrameCountBasis)
    /// A stream's last packet has no duration; a guessed one was added.
    case guessedLastPacket(stream: Int, seconds: Decimal)
    /// Reading stopped before the end of the file (`notes` say where and why); durations cover the readable part.
    case truncated(notes: [String])
    /// The header's duration (the container's when `stream` is nil, else that stream's) disagrees with what
    /// the file's samples or packets hold; the held figure replaced it.
    case headerDisagrees(stream: Int?, header: Decimal, measured: Decimal)
    /// The timestamps jump in the middle of the file (recordings joined, a restarted clock): each jump, and the
    /// duration is the sum of the continuous segments.
    case discontinuity(jumps: [ClockJump])
    /// A warning FFmpeg logged while reading the file, as it said it (`demuxer: text`).
    case ffmpegLog(String)
    /// A warning recorded in words by an older ClipMeter (a cached measurement); kept as written.
    case recorded(String)

    /// True for the cases saying the duration is, or was, a bit-rate estimate: a file gets one of them at most.
    public var isBitrateEstimate: Bool {
        switch self {
        case .estimatedFromBitrate, .bitrateEstimateReplaced, .ffmpegEstimatedFromBitrate: return true
        default: return false
        }
    }

    public var description: String {
        switch self {
        case .estimatedFromBitrate:
            return "estimated-from-bitrate: libavformat estimated this duration from the bit rate; it is not exact"
        case let .bitrateEstimateReplaced(header, measured):
            return
                "estimated-from-bitrate: the header's \(DurationCheck.seconds(header)) s was a bit-rate estimate; replaced by the measured \(DurationCheck.seconds(measured)) s"
        case .ffmpegEstimatedFromBitrate(let message):
            return "estimated-from-bitrate: FFmpeg: \(message)"
        case .noDuration:
            return "no-duration: neither the header nor the timestamps give a duration"
        case .refusedOpens(let count):
            return "refused-open: the file refers to \(count) other file(s); they were not read, and only what this file holds is measured"
        case .fullScan(let reason):
            return "full-scan: the end of the file could not be read on its own (\(reason)); every packet was read instead"
        case .truncatedTransportPacket(let bytes):
            return
                "truncated: the file ends \(bytes) bytes into a transport-stream packet: it was cut short (an interrupted copy or sync?), and its duration covers the surviving part only"
        case .truncatedPacket(let stream):
            return
                "truncated: stream \(stream)'s last packet is incomplete (the demuxer flagged it corrupt): the file was cut short, and its duration covers the surviving part only"
        case let .truncatedPES(pid, declared, held):
            let how =
                declared.map { "holds \(held ?? 0) of its \($0) bytes" }
                ?? "its last transport packet is full, where a finished one ends in stuffing"
            return
                "truncated: the file ends inside a PES packet of PID \(pid) (\(how)): it was cut short at a transport-packet boundary, and its duration covers the surviving part only"
        case let .frameCount(stream, codec, basis):
            return "frame-count: stream \(stream) (\(codec)) is a raw elementary stream without timestamps; its duration is \(basis)"
        case let .guessedLastPacket(stream, seconds):
            return
                "guessed-last-packet: stream \(stream)'s last packet has no duration; added a guessed \(DurationCheck.seconds(seconds)) s"
        case .truncated(let notes):
            return "truncated: " + notes.joined(separator: "; ") + "; durations cover the readable part only"
        case let .headerDisagrees(stream, header, measured):
            let whose = stream.map { "stream \($0)'s header" } ?? "the container header"
            return
                "header-mismatch: \(whose) claims \(DurationCheck.seconds(header)) s but the file holds \(DurationCheck.seconds(measured)) s; the held \(DurationCheck.seconds(measured)) s is used"
        case .discontinuity(let jumps):
            let list = jumps.prefix(10).map(\.description).joined(separator: "; ")
            let more = jumps.count > 10 ? "; and \(jumps.count - 10) more" : ""
            return
                "discontinuity: the clock jumps \(jumps.count) time(s) (\(list)\(more)); the duration is the sum of the \(jumps.count + 1) continuous segments"
        case .ffmpegLog(let line):
            return "ffmpeg: \(line)"
        case .recorded(let text):
            return text
        }
    }
}

/// How the duration of a stream without timestamps was counted.
public enum FrameCountBasis: Codable, Hashable, Sendable, CustomStringConvertible {
    /// `frames` × 1/(`rateNum`/`rateDen`) s, the stream's own frame rate.
    case frameRate(frames: Int, rateNum: Int32, rateDen: Int32)
    /// The sum of its `packets` packets' durations.
    case packetDurations(packets: Int)

    public var description: String {
        switch self {
        case let .frameRate(frames, num, den):
            return "\(frames) frames × 1/\(den == 1 ? "\(num)" : "(\(num)/\(den))") s, the stream's own frame rate"
        case .packetDurations(let packets):
            return "the sum of its \(packets) packets' durations"
        }
    }
}

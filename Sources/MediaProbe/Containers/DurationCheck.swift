import Foundation
import Quantities

/// A container header's duration is a claim the file may not keep: an `mvhd` of 2^32-1 ticks over 20 s of
/// samples, an `mdhd` of one tick over 600 s, a transport stream whose clock jumps ten hours between two
/// recordings. These checks use only what the probe already has (the sample index libavformat built while
/// opening, the file's size, the timestamps a scan read), so the ordinary path costs nothing more.
enum DurationCheck {
    /// How far a header's figure may stray from what the file holds and still stand: half a second, or
    /// 0.1 % of a long file (a last frame, audio priming, a rounded header field).
    static func disagree(_ header: Decimal, _ held: Decimal) -> Bool {
        let tolerance = max(Decimal(string: "0.5")!, max(abs(header), abs(held)) / 1000)
        return abs(header - held) > tolerance
    }

    /// A looser bound for figures estimated from the index alone (its last sample's length is a guess): only
    /// a disagreement this large sends the file to be measured. In floating point: a screen, not a bill.
    static func indexContradicts(_ header: Double, _ estimate: Double) -> Bool {
        abs(header - estimate) > max(2, max(abs(header), abs(estimate)) / 50)
    }

    /// The fewest bytes a second of audio or video takes in a container, with a wide margin: an MPEG-TS
    /// stream must carry a clock reference at least every 100 ms (10 packets of 188 bytes a second), so one
    /// packet a second is already far below any real one; elsewhere the thinnest codecs (codec2 at 700 bit/s)
    /// still need over 80 bytes a second, and 16 is allowed.
    static func minimumBytesPerSecond(container: String) -> Decimal {
        ContainerFamily(demuxer: container) == .transportStream ? 188 : 16
    }

    /// True when `size` bytes cannot hold `seconds` of media (an unknown size holds anything).
    static func cannotCarry(seconds: Decimal, size: Int64, container: String) -> Bool {
        size > 0 && seconds > Decimal(size) / minimumBytesPerSecond(container: container)
    }

    /// True when the header's figures cannot be taken without reading timestamps: a sample table (`spans`,
    /// from `MOVSampleIndex.spans`, MOV/MP4 only) contradicts them, or the file's bytes cannot carry them.
    static func contradicted(_ facts: MediaFacts, spans: [Int: Double]) -> Bool {
        let double = { (value: Decimal) in NSDecimalNumber(decimal: value).doubleValue }
        for stream in facts.contentStreams {
            if let held = spans[stream.index], let claim = stream.duration, indexContradicts(double(claim), held) { return true }
        }
        if let claim = facts.containerDuration, let held = spans.values.max(), indexContradicts(double(claim), held) {
            return true
        }
        let claims = [facts.containerDuration].compactMap { $0 } + facts.contentStreams.compactMap(\.duration)
        return claims.max().map { cannotCarry(seconds: $0, size: facts.size, container: facts.container) } ?? false
    }

    /// Seconds as warnings print them: to the microsecond.
    static func seconds(_ value: Decimal) -> String { "\(DecimalRounding.rounded(value, places: 6))" }
}

/// Where a stream's clock jumps in the middle of a file (two recordings concatenated, a restarted encoder): the
/// time before the jump and the time after, in seconds of the stream's own clock.
public struct ClockJump: Codable, Hashable, Sendable, CustomStringConvertible {
    public var from: Decimal
    public var to: Decimal

    public var description: String {
        let step = to - from
        return "\(DurationCheck.seconds(from)) s → \(DurationCheck.seconds(to)) s (\(step >= 0 ? "+" : "")\(DurationCheck.seconds(step)) s)"
    }
}

/// When a stream's decoding clock is taken to have jumped rather than run on: forward by more than a
/// gap any live stream leaves, or backward at all (beyond a second of slack). Sparse streams (subtitles,
/// data) may stay silent for minutes, so only a far larger gap counts for them.
struct DiscontinuityBound {
    var forward: Int64
    var backward: Int64

    init?(stream: StreamHeader) {
        guard stream.timeBase.isValid else { return nil }
        let perSecond = Int64(stream.timeBase.den) / Int64(stream.timeBase.num)
        guard perSecond > 0 else { return nil }
        let forwardSeconds: Int64 = (stream.type == .audio || stream.type == .video) ? Self.forwardSeconds : 600
        forward = forwardSeconds * perSecond
        backward = perSecond
    }

    /// The gap in seconds beyond which an audio or video clock has jumped.
    static let forwardSeconds: Int64 = 10
}

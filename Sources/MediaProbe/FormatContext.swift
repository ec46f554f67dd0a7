internal import CFFmpeg
internal import CFFmpegShim
import Foundation

/// What FFmpeg is given to read: a regular file ClipMeter has already opened and vetted, or a URL
/// (only with `--allow-network`).
enum ProbeSource {
    case file(OpenedFile)
    case url(String)
    /// An object read in place by checked HTTP range requests (`ObjectInput`): FFmpeg opens nothing by name.
    case object(ObjectInput)
}

/// Sole owner of one AVFormatContext and of the state its callbacks read: opened in `init`, closed only in
/// `deinit`. Everything it hands out is a Swift value copied from FFmpeg; no FFmpeg pointer leaves it.
///
/// Confinement (docs/security.md): FFmpeg reads a local file only through a custom AVIOContext over the descriptor
/// FileCheck opened, so it never resolves the path itself (no `file:` URL parsing, no race between the
/// check and the open). Every open a demuxer asks for by name goes through an `io_open` guard that refuses
/// it; only a network URL's own first open is let through. The demuxer is vetted against
/// `DemuxerPolicy` before any demuxer code runs, and the whitelist is also handed to FFmpeg so nested
/// contexts inherit it.
final class FormatContext {
    private let context: UnsafeMutablePointer<AVFormatContext>
    private let io: OpaquePointer
    private let packet: UnsafeMutablePointer<AVPacket>
    /// The object's reads, when the source is one; kept alive as long as the context that reads through it.
    private let object: ObjectInput?
    /// The container-level facts, copied once the stream info is read.
    let header: ContainerHeader
    /// One entry per stream libavformat found while opening, in index order.
    let streams: [StreamHeader]
    /// Whether the stream facts came from the header alone or from decoding the first frames.
    private(set) var streamInfoUsed: StreamInfoUse = .decoded

    /// Opens `source` with the deadline already armed, so even a stuck open gives up.
    init(
        source: ProbeSource, timeLimit: TimeInterval, allowNetwork: Bool,
        demuxers: DemuxerPolicy = .selfContained, streamInfo: StreamInfoPolicy = .whenNeeded
    ) throws(OpenFailure) {
        let name: String
        let descriptor: Int32
        switch source {
        case .file(let file):
            descriptor = file.descriptor
            // Only a name for FFmpeg's messages and its extension-based format scoring: nothing opens it.
            name = "file:" + file.path
        case .url(let url):
            descriptor = -1
            name = url
        case .object(let input):
            descriptor = -1
            name = input.name
        }
        let object: ObjectInput?
        if case .object(let input) = source { object = input } else { object = nil }
        let isObject = object != nil
        let deadline = cff_monotonic_ns() &+ Self.nanoseconds(timeLimit)
        guard let io = cff_probe_io_create(deadline, descriptor, descriptor < 0 && !isObject ? name : nil) else {
            throw OpenFailure(code: cff_averror(ENOMEM), step: "allocate a format context")
        }
        guard let packet = av_packet_alloc() else {
            cff_probe_io_free(io)
            throw OpenFailure(code: cff_averror(ENOMEM), step: "allocate a packet")
        }
        func fail(_ failure: OpenFailure) -> OpenFailure {
            var failure = failure
            failure.refusedOpens = Int(cff_probe_io_refused_opens(io))
            failure.bytesRead = cff_probe_io_bytes_read(io)
            var p: UnsafeMutablePointer<AVPacket>? = packet
            av_packet_free(&p)
            cff_probe_io_free(io)
            return failure
        }
        guard let ctx = avformat_alloc_context() else {
            throw fail(OpenFailure(code: cff_averror(ENOMEM), step: "allocate a format context"))
        }
        let attached = cff_probe_io_attach(io, ctx)
        if attached < 0 {
            avformat_free_context(ctx)
            throw fail(OpenFailure(code: attached, step: "open"))
        }
        if let object {
            // Read only through the checked range reader; the guard refuses every open by name.
            ctx.pointee.pb = object.context
            ctx.pointee.flags |= AVFMT_FLAG_CUSTOM_IO
        }
        var format: UnsafePointer<AVInputFormat>? = nil
        var probeScore: Int32?
        if descriptor >= 0 {
            let score = cff_probe_io_probe_format(io, ctx, name, &format)
            let formatName = cString(format?.pointee.name) ?? ""
            if score < 0 || !demuxers.allows(formatName) {
                avformat_free_context(ctx)
                throw fail(
                    OpenFailure(
                        code: score < 0 ? score : cff_averror(EINVAL), step: "open",
                        refusedFormat: score < 0 ? nil : formatName))
            }
            probeScore = score
        }
        var options: OpaquePointer? = nil
        // A local file or an object is read through its own AVIOContext, so FFmpeg needs no protocol at all: an
        // empty list ("none" names no protocol) also stops demuxers that open by URL without io_open (DASH in 5.1).
        av_dict_set(
            &options, "protocol_whitelist",
            descriptor >= 0 || isObject ? "none" : allowNetwork ? "http,https,tcp,tls,crypto" : "file", 0)
        av_dict_set(&options, "format_whitelist", demuxers.whitelist, 0)
        // MOV/MP4 data references name other files; the guard would refuse them anyway, this keeps the
        // demuxer from asking.
        av_dict_set(&options, "enable_drefs", "0", 0)
        av_dict_set(&options, "use_absolute_path", "0", 0)
        var ctxOptional: UnsafeMutablePointer<AVFormatContext>? = ctx
        let rc = avformat_open_input(&ctxOptional, name, format, &options)
        av_dict_free(&options)
        guard rc >= 0, let opened = ctxOptional else {
            // avformat_open_input frees the context on failure; the custom AVIOContext stays ours to free.
            let refused = rc == cff_averror(EINVAL) && format == nil ? "a format outside the whitelist" : nil
            throw fail(OpenFailure(code: rc, step: "open", refusedFormat: refused, probeScore: probeScore))
        }
        if streamInfo == .whenNeeded, HeaderCompleteness.answersEverything(opened) {
            // The sample table and sample descriptions already state every fact ClipMeter reports: decoding the
            // first frames (most of a small file's probe time) would only say it again.
            HeaderCompleteness.settleTimings(opened)
            streamInfoUsed = .header
        } else {
            let info = avformat_find_stream_info(opened, nil)
            if info < 0 {
                var p: UnsafeMutablePointer<AVFormatContext>? = opened
                avformat_close_input(&p)
                throw fail(OpenFailure(code: info, step: "read stream info", probeScore: probeScore))
            }
            streamInfoUsed = .decoded
        }
        // Stored properties are set only after the last throw: once all are set, a throw would run
        // `deinit` and close the context a second time.
        context = opened
        self.object = object
        self.io = io
        self.packet = packet
        header = ContainerHeader(opened.pointee)
        streams = (0..<Int(opened.pointee.nb_streams)).compactMap { index in
            opened.pointee.streams?[index].map { StreamHeader($0, index: index) }
        }
    }

    deinit {
        var p: UnsafeMutablePointer<AVFormatContext>? = context
        avformat_close_input(&p)
        var pk: UnsafeMutablePointer<AVPacket>? = packet
        av_packet_free(&pk)
        cff_probe_io_free(io)
    }

    /// A time limit in nanoseconds, clamped so that no limit (infinite, NaN, huge) can overflow the clock.
    private static func nanoseconds(_ seconds: TimeInterval) -> Int64 {
        guard seconds.isFinite else { return seconds > 0 ? Int64.max / 2 : 0 }
        return Int64(min(max(seconds, 0), 1e9) * 1e9)
    }

    /// True once the per-file time limit has passed.
    var timedOut: Bool { cff_probe_io_timed_out(io) != 0 }

    /// Bytes FFmpeg has read from the file so far: through the descriptor, over HTTP for a URL, or every body
    /// byte an object's range requests received (its egress).
    var bytesRead: Int64 {
        if let object { return object.reader.bytesReceived }
        return max(cff_probe_io_bytes_read(io), cff_context_bytes_read(context))
    }

    /// Opens a demuxer asked for and the guard refused (a reference movie, a playlist entry).
    var refusedOpens: Int { Int(cff_probe_io_refused_opens(io)) }

    // MARK: - Packets

    /// Reads the next packet's timing, keeping nothing of the packet itself.
    func readPacket() -> PacketRead {
        while true {
            let rc = av_read_frame(context, packet)
            if rc == cff_averror(EAGAIN) {
                if timedOut { return .timedOut }
                continue
            }
            if rc == cff_averror_eof() { return .endOfFile }
            if rc < 0 { return rc == cff_averror_exit() || timedOut ? .timedOut : .failed(rc) }
            defer { av_packet_unref(packet) }
            let p = packet.pointee
            return .packet(
                PacketInfo(
                    streamIndex: Int(p.stream_index),
                    pts: p.pts == cff_nopts_value() ? nil : p.pts,
                    dts: p.dts == cff_nopts_value() ? nil : p.dts,
                    duration: p.duration,
                    isDiscard: cff_pkt_is_discard(packet) != 0,
                    isCorrupt: cff_pkt_is_corrupt(packet) != 0))
        }
    }

    /// Seeks to the last keyframe at or before `microseconds` (AV_TIME_BASE units); false when the demuxer
    /// cannot seek.
    func seek(toMicroseconds microseconds: Int64) -> Bool {
        av_seek_frame(context, -1, max(microseconds, 0), AVSEEK_FLAG_BACKWARD) >= 0
    }

    /// Seeks to a byte offset; the demuxer resynchronises on its next packet header. For containers without
    /// an index, where a timestamp seek would read everything before the target.
    func seek(toByte offset: Int64) -> Bool {
        av_seek_frame(context, -1, max(offset, 0), AVSEEK_FLAG_BYTE) >= 0
    }

    /// Reads `count` bytes at `offset` straight from the input, beside the demuxer, and puts the read position
    /// back where the demuxer left it: for structure the demuxer does not expose (FLV's PreviousTagSize
    /// chain). Counted in `bytesRead`. Nil when the input cannot seek there or ends first.
    func readBytes(at offset: Int64, count: Int) -> [UInt8]? {
        guard let pb = context.pointee.pb, count > 0, offset >= 0 else { return nil }
        let resume = avio_tell(pb)
        defer { _ = avio_seek(pb, resume, SEEK_SET) }
        guard avio_seek(pb, offset, SEEK_SET) == offset else { return nil }
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let n = bytes.withUnsafeMutableBufferPointer { buffer in
                avio_read(pb, buffer.baseAddress! + filled, Int32(min(count - filled, 1 << 24)))
            }
            if n <= 0 { break }
            filled += Int(n)
        }
        return filled == count ? bytes : nil
    }

    /// Back to the first packet, for a full scan after a shortcut gave up.
    func rewind() {
        if av_seek_frame(context, -1, Int64.min, AVSEEK_FLAG_BACKWARD) < 0 {
            avformat_seek_file(context, -1, Int64.min, 0, 0, 0)
        }
    }
}

// MARK: - Values copied out of FFmpeg

/// A rational number as FFmpeg keeps time bases and frame rates.
struct Rational: Hashable {
    var num: Int32
    var den: Int32

    var isValid: Bool { num > 0 && den > 0 }

    /// `value` in this time base expressed in `other`, rounded to nearest as FFmpeg does.
    func rescale(_ value: Int64, to other: Rational) -> Int64 {
        av_rescale_q(value, AVRational(num: num, den: den), AVRational(num: other.num, den: other.den))
    }

    /// `ticks` of this time base as exact seconds.
    func time(_ ticks: Int64) -> MediaTime { MediaTime(ticks: ticks, timeBaseNum: num, timeBaseDen: den) }
}

/// When to let libavformat decode the first frames of each stream (`avformat_find_stream_info`) to learn codec
/// parameters.
public enum StreamInfoPolicy: String, Sendable, Hashable, Codable {
    /// Only where the header leaves a reported parameter unknown (the default).
    case whenNeeded
    /// Always, as ffprobe does: the reference the header path is checked against.
    case always
}

/// Which way a file's stream facts were read, as its record says.
public enum StreamInfoUse: String, Sendable, Hashable, Codable {
    /// From the container header alone (MP4/MOV sample descriptions and tables).
    case header
    /// From decoding the first frames (`avformat_find_stream_info`).
    case decoded
}

/// How libavformat obtained the container duration.
enum DurationEstimation {
    case timestamps, stream, bitrate
}

/// The container-level header facts.
struct ContainerHeader {
    var formatName: String
    var formatLongName: String?
    /// Start time in AV_TIME_BASE units, nil when unknown.
    var startTime: Int64?
    /// Duration in AV_TIME_BASE units, nil when unknown or not positive.
    var duration: Int64?
    var estimation: DurationEstimation

    fileprivate init(_ ctx: AVFormatContext) {
        formatName = cString(ctx.iformat?.pointee.name) ?? "unknown"
        formatLongName = cString(ctx.iformat?.pointee.long_name)
        startTime = ctx.start_time == cff_nopts_value() ? nil : ctx.start_time
        duration = ctx.duration == cff_nopts_value() || ctx.duration <= 0 ? nil : ctx.duration
        switch ctx.duration_estimation_method {
        case AVFMT_DURATION_FROM_PTS: estimation = .timestamps
        case AVFMT_DURATION_FROM_STREAM: estimation = .stream
        default: estimation = .bitrate
        }
    }

    /// AV_TIME_BASE, the unit of `startTime` and `duration`.
    static let timeBase = Rational(num: 1, den: Int32(cff_time_base()))
}

/// One stream's header facts.
struct StreamHeader {
    var index: Int
    var type: StreamType
    var codec: String
    var isAttachedPicture: Bool
    var timeBase: Rational
    var duration: Int64?
    var startTime: Int64?
    /// Frames the header claims (0 when it does not say).
    var frameCount: Int64
    var width: Int?
    var height: Int?
    var rotation: Double?
    var averageFrameRate: Rational
    var realFrameRate: Rational
    var sampleRate: Int?
    var channels: Int?
    /// Bits of the demuxer's timestamp counter (33 for MPEG-TS), 0 when it never wraps.
    var ptsWrapBits: Int32
    /// Where the last index entry ends (byte offset + size), nil without an index.
    var lastIndexEnd: Int64?
    /// The index entries not flagged discard (MOV/MP4: the sample table with edit lists), nil without an index.
    var indexSpan: IndexSpan?

    fileprivate init(_ st: UnsafeMutablePointer<AVStream>, index: Int) {
        let s = st.pointee
        self.index = index
        timeBase = Rational(num: s.time_base.num, den: s.time_base.den)
        isAttachedPicture = (s.disposition & AV_DISPOSITION_ATTACHED_PIC) != 0
        duration = s.duration == cff_nopts_value() || s.duration <= 0 ? nil : s.duration
        startTime = s.start_time == cff_nopts_value() ? nil : s.start_time
        frameCount = s.nb_frames
        averageFrameRate = Rational(num: s.avg_frame_rate.num, den: s.avg_frame_rate.den)
        realFrameRate = Rational(num: s.r_frame_rate.num, den: s.r_frame_rate.den)
        ptsWrapBits = s.pts_wrap_bits
        let end = cff_stream_last_index_end(st)
        lastIndexEnd = end >= 0 ? end : nil
        var first: Int64 = 0
        var last: Int64 = 0
        let samples = cff_stream_index_span(st, &first, &last)
        indexSpan = samples > 0 ? IndexSpan(first: first, last: last, samples: samples) : nil
        guard let par = s.codecpar else {
            type = .data
            codec = "unknown"
            return
        }
        switch par.pointee.codec_type {
        case AVMEDIA_TYPE_VIDEO: type = .video
        case AVMEDIA_TYPE_AUDIO: type = .audio
        case AVMEDIA_TYPE_SUBTITLE: type = .subtitle
        default: type = .data
        }
        codec = cString(avcodec_get_name(par.pointee.codec_id)) ?? "unknown"
        if type == .video {
            width = par.pointee.width > 0 ? Int(par.pointee.width) : nil
            height = par.pointee.height > 0 ? Int(par.pointee.height) : nil
            let degrees = cff_stream_rotation(st)
            rotation = degrees.isNaN ? nil : degrees
        }
        if type == .audio {
            sampleRate = par.pointee.sample_rate > 0 ? Int(par.pointee.sample_rate) : nil
            let count = cff_channels(par)
            channels = count > 0 ? Int(count) : nil
        }
    }
}

/// The first and last timestamps of a stream's index, in its time base, and how many entries it has.
struct IndexSpan {
    var first: Int64
    var last: Int64
    var samples: Int64
}

/// The timing of one packet.
struct PacketInfo {
    var streamIndex: Int
    var pts: Int64?
    var dts: Int64?
    /// In the stream's time base; 0 or less when the demuxer did not know it.
    var duration: Int64
    var isDiscard: Bool
    var isCorrupt: Bool
}

/// What one read gave.
enum PacketRead {
    case packet(PacketInfo)
    case endOfFile
    case timedOut
    case failed(Int32)
}

/// An FFmpeg failure while opening: the return code, which step failed, and whether confinement said no.
struct OpenFailure: Error {
    var code: Int32
    var step: String
    /// The demuxer libavformat picked and `DemuxerPolicy` refused.
    var refusedFormat: String?
    /// libavformat's confidence in the demuxer it picked (AVPROBE_SCORE_*); nil when it did not probe.
    var probeScore: Int32?
    /// Opens of other files the io_open guard refused before the failure.
    var refusedOpens = 0
    var bytesRead: Int64 = 0
}

// MARK: - Demuxers

import CFFmpeg
import Foundation

/// Per-stream presentation span found by reading packet timestamps.
struct StreamSpan {
    var first: Int64?
    var end: Int64?
    /// True when the packet that sets `end` carried no duration, so its length had to be guessed.
    var endGuessed = false
    var guessTicks: Int64 = 0
    var packets = 0
    var lastDuration: Int64 = 0

    var ticks: Int64? {
        guard let first, let end else { return nil }
        return end - first
    }
}

/// Reads packet timestamps: the whole file (`fullScan`) or, for containers whose index already holds every
/// timestamp, only the head and the tail (`headAndTailScan`). Both compute, per stream, min(pts) to
/// max(pts + duration) over packets not flagged discard, in integer ticks of the stream time base.
struct TimestampScanner {
    let context: FormatContext

    enum ScanFailure: Error {
        case timedOut
        case readError(Int32, packets: Int)
    }

    /// Result of a scan: spans per stream index, plus notes on what was odd.
    struct Outcome {
        var spans: [Int: StreamSpan]
        var notes: [String]
        var endedEarly: Bool
    }

    // MARK: - Full scan

    func fullScan() throws(ScanFailure) -> Outcome {
        var spans: [Int: StreamSpan] = [:]
        var notes: [String] = []
        var endedEarly = false
        var wrapOffset: [Int: Int64] = [:]
        var lastRaw: [Int: Int64] = [:]
        guard let packet = av_packet_alloc() else { throw .readError(cff_averror(ENOMEM), packets: 0) }
        var packetRef: UnsafeMutablePointer<AVPacket>? = packet
        defer { av_packet_free(&packetRef) }
        var total = 0
        while true {
            let rc = av_read_frame(context.pointer, packet)
            if rc == cff_averror_eof() { break }
            if rc == cff_averror(EAGAIN) { continue }
            if rc < 0 {
                if rc == cff_averror_exit() || context.timedOut { throw .timedOut }
                endedEarly = true
                notes.append("reading stopped after \(total) packets: \(ffmpegErrorString(rc))")
                break
            }
            total += 1
            let index = Int(packet.pointee.stream_index)
            if let stream = context.stream(index) {
                // Undo a timestamp wrap the demuxer did not correct (MPEG-TS's 33-bit counter).
                var pts = packet.pointee.pts != cff_nopts_value() ? packet.pointee.pts : packet.pointee.dts
                if pts != cff_nopts_value() {
                    let bits = stream.pointee.pts_wrap_bits
                    if bits > 0 && bits < 63 {
                        let period = Int64(1) << Int64(bits)
                        if let previous = lastRaw[index], previous - pts > period / 2 {
                            wrapOffset[index, default: 0] += period
                        }
                        lastRaw[index] = pts
                        pts += wrapOffset[index, default: 0]
                    }
                }
                accumulate(&spans[index, default: StreamSpan()], pts: pts, packet: packet, stream: stream)
            }
            av_packet_unref(packet)
        }
        return Outcome(spans: spans, notes: notes, endedEarly: endedEarly)
    }

    // MARK: - Head and tail

    /// Reads the first packets until no later packet can start earlier, then seeks near the end and reads to
    /// EOF. Exact for indexed containers (MP4/MOV) whose timestamps never go backwards by more than the
    /// reorder delay; returns nil when the shortcut cannot be trusted, so the caller scans everything.
    func headAndTailScan(tailStartSeconds: Double) throws(ScanFailure) -> Outcome? {
        guard let packet = av_packet_alloc() else { return nil }
        var packetRef: UnsafeMutablePointer<AVPacket>? = packet
        defer { av_packet_free(&packetRef) }

        var head: [Int: StreamSpan] = [:]
        var settled = Set<Int>()
        let contentStreams = Set((0..<context.streamCount).filter { index in
            guard let st = context.stream(index) else { return false }
            return (st.pointee.disposition & AV_DISPOSITION_ATTACHED_PIC) == 0
        })
        var count = 0
        while settled.count < contentStreams.count {
            let rc = av_read_frame(context.pointer, packet)
            if rc == cff_averror(EAGAIN) { continue }
            if rc < 0 {
                if rc == cff_averror_exit() || context.timedOut { throw .timedOut }
                return nil
            }
            count += 1
            defer { av_packet_unref(packet) }
            if count > 20_000 { return nil }
            let index = Int(packet.pointee.stream_index)
            guard contentStreams.contains(index), let stream = context.stream(index) else { continue }
            let pts = packet.pointee.pts != cff_nopts_value() ? packet.pointee.pts : packet.pointee.dts
            accumulate(&head[index, default: StreamSpan()], pts: pts, packet: packet, stream: stream)
            // Every later packet has dts ≥ this dts and pts ≥ its dts: once dts passes the minimum, it is final.
            if let first = head[index]?.first, packet.pointee.dts != cff_nopts_value(), packet.pointee.dts > first {
                settled.insert(index)
            }
        }

        let target = Int64(tailStartSeconds * Double(cff_time_base()))
        if av_seek_frame(context.pointer, -1, max(target, 0), AVSEEK_FLAG_BACKWARD) < 0 { return nil }
        var tail: [Int: StreamSpan] = [:]
        while true {
            let rc = av_read_frame(context.pointer, packet)
            if rc == cff_averror_eof() { break }
            if rc == cff_averror(EAGAIN) { continue }
            if rc < 0 {
                if rc == cff_averror_exit() || context.timedOut { throw .timedOut }
                return nil
            }
            let index = Int(packet.pointee.stream_index)
            if contentStreams.contains(index), let stream = context.stream(index) {
                let pts = packet.pointee.pts != cff_nopts_value() ? packet.pointee.pts : packet.pointee.dts
                accumulate(&tail[index, default: StreamSpan()], pts: pts, packet: packet, stream: stream)
            }
            av_packet_unref(packet)
        }
        var spans: [Int: StreamSpan] = [:]
        for index in contentStreams {
            guard var span = head[index], let tailSpan = tail[index], tailSpan.end != nil else { return nil }
            span.end = max(span.end ?? Int64.min, tailSpan.end!)
            span.endGuessed = tailSpan.end! >= (span.end ?? 0) ? tailSpan.endGuessed : span.endGuessed
            span.guessTicks = tailSpan.guessTicks
            spans[index] = span
        }
        return Outcome(spans: spans, notes: [], endedEarly: false)
    }

    // MARK: - Accumulation

    private func accumulate(_ span: inout StreamSpan, pts: Int64, packet: UnsafeMutablePointer<AVPacket>,
                            stream: UnsafeMutablePointer<AVStream>) {
        guard pts != cff_nopts_value(), cff_pkt_is_discard(packet) == 0 else { return }
        span.packets += 1
        var duration = packet.pointee.duration
        var guessed = false
        if duration <= 0 {
            duration = guessDuration(stream: stream, previous: span.lastDuration)
            guessed = duration > 0
        } else {
            span.lastDuration = duration
        }
        span.first = min(span.first ?? pts, pts)
        let end = pts + max(duration, 0)
        if span.end == nil || end >= span.end! {
            if end > (span.end ?? Int64.min) || !guessed { span.endGuessed = guessed; span.guessTicks = guessed ? duration : 0 }
            span.end = end
        }
    }

    /// A packet without a duration lasts, by guess, as long as the previous one, or one frame at the
    /// stream's average frame rate.
    private func guessDuration(stream: UnsafeMutablePointer<AVStream>, previous: Int64) -> Int64 {
        if previous > 0 { return previous }
        let rate = stream.pointee.avg_frame_rate
        let tb = stream.pointee.time_base
        guard rate.num > 0, rate.den > 0, tb.num > 0, tb.den > 0 else { return 0 }
        return av_rescale_q(1, AVRational(num: rate.den, den: rate.num), tb)
    }
}

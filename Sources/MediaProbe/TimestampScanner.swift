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
    /// True when the last packet read was flagged corrupt (an MPEG-TS PES packet cut short).
    var lastCorrupt = false
    /// Packets with neither pts nor dts (raw elementary streams), and the sum of their durations.
    var untimedPackets = 0
    var untimedTicks: Int64 = 0

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
        /// Where the clock jumped (`DiscontinuityBound`), as the audio or video stream with the most jumps saw
        /// them; each stream's span is the sum of its continuous segments.
        var jumps: [ClockJump] = []
    }

    // MARK: - Full scan

    func fullScan() throws(ScanFailure) -> Outcome {
        var spans: [Int: StreamSpan] = [:]
        var notes: [String] = []
        var endedEarly = false
        var wrapOffset: [Int: Int64] = [:]
        var lastRaw: [Int: Int64] = [:]
        var clocks = context.streams.map { DiscontinuityBound(stream: $0).map(ContinuousClock.init) }
        var total = 0
        reading: while true {
            switch context.readPacket() {
            case .endOfFile:
                break reading
            case .timedOut:
                throw .timedOut
            case .failed(let code):
                endedEarly = true
                notes.append("reading stopped after \(total) packets: \(ffmpegErrorString(code))")
                break reading
            case .packet(let packet):
                total += 1
                let index = packet.streamIndex
                guard index >= 0, index < context.streams.count else { continue }
                let stream = context.streams[index]
                // Undo a timestamp wrap the demuxer did not correct (MPEG-TS's 33-bit counter).
                guard var pts = packet.pts ?? packet.dts else {
                    // A raw elementary stream has frames but no clock: count them, as a packet scan does.
                    if !packet.isDiscard {
                        var span = spans[index, default: StreamSpan()]
                        span.untimedPackets += 1
                        span.untimedTicks += packet.duration > 0 ? packet.duration : guessDuration(stream: stream, previous: 0)
                        span.lastCorrupt = packet.isCorrupt
                        spans[index] = span
                    }
                    continue
                }
                let bits = stream.ptsWrapBits
                if bits > 0 && bits < 63 {
                    let period = Int64(1) << Int64(bits)
                    if let previous = lastRaw[index], previous - pts > period / 2 {
                        wrapOffset[index, default: 0] += period
                    }
                    lastRaw[index] = pts
                    pts += wrapOffset[index, default: 0]
                }
                // A clock that jumps (two recordings in one file) is glued where it jumped: the stream's span is
                // then the sum of its continuous segments.
                if !packet.isDiscard, clocks[index] != nil {
                    let dts = packet.dts.map { $0 &+ wrapOffset[index, default: 0] } ?? pts
                    pts = pts &+ clocks[index]!.glue(dts: dts, duration: packet.duration)
                }
                accumulate(&spans[index, default: StreamSpan()], pts: pts, packet: packet, stream: stream)
            }
        }
        return Outcome(spans: spans, notes: notes, endedEarly: endedEarly, jumps: reportedJumps(clocks))
    }

    /// The jumps one audio or video stream saw, the one that saw most (the first such stream on a tie).
    private func reportedJumps(_ clocks: [ContinuousClock?]) -> [ClockJump] {
        var best: (index: Int, clock: ContinuousClock)?
        for (index, clock) in clocks.enumerated() {
            guard let clock, !clock.jumps.isEmpty else { continue }
            let type = context.streams[index].type
            guard type == .audio || type == .video else { continue }
            if clock.jumps.count > best?.clock.jumps.count ?? 0 { best = (index, clock) }
        }
        guard let best else { return [] }
        let stream = context.streams[best.index]
        // Shown on the stream's own counter: a jump libavformat took for a wrap reads as the jump it was.
        let bits = stream.ptsWrapBits
        let shown = { (ticks: Int64) in bits > 0 && bits < 63 ? ticks & ((Int64(1) << Int64(bits)) - 1) : ticks }
        return best.clock.jumps.map {
            ClockJump(from: stream.timeBase.time(shown($0.from)).seconds, to: stream.timeBase.time(shown($0.to)).seconds)
        }
    }

    /// One stream's decoding clock, read packet by packet: where it jumps beyond `bound`, the offset that
    /// makes it run on from where it was.
    struct ContinuousClock {
        let bound: DiscontinuityBound
        /// Where the next packet's dts is expected, on the glued clock.
        var next: Int64?
        var offset: Int64 = 0
        /// Each jump, in the stream's own ticks: the expected dts and the one found.
        var jumps: [(from: Int64, to: Int64)] = []

        init(bound: DiscontinuityBound) { self.bound = bound }

        /// The offset to add to this packet's timestamps. Wrapping arithmetic: a damaged file's timestamps near
        /// the ends of Int64 give a meaningless figure (caught by the size check), never a trap.
        mutating func glue(dts: Int64, duration: Int64) -> Int64 {
            if let next {
                let gap = dts &+ offset &- next
                if gap > bound.forward || gap < -bound.backward {
                    jumps.append((from: next &- offset, to: dts))
                    offset = offset &- gap
                }
            }
            next = dts &+ offset &+ max(duration, 0)
            return offset
        }
    }

    // MARK: - Head and tail

    /// What the head-and-tail shortcut found: spans, or why they cannot be trusted.
    enum ShortcutResult {
        case measured(Outcome)
        case untrusted(String)
    }

    /// Reads the first packets until no later packet can start earlier, then seeks near the end and reads to
    /// EOF. Gives the packet-scan answer when every stream's last packets lie after the seek point and
    /// timestamps never go backwards there (beyond reordering); anything else is reported as untrusted so the
    /// caller scans everything.
    /// Where the tail starts: a timestamp (through the container's index) or a byte offset.
    enum TailStart {
        case seconds(Double)
        case byte(Int64)
        /// FLV: the tag chain walked back from the end, reading at most this many bytes (`flvTagChainScan`).
        case flvTagChain(maxBytes: Int64)
    }

    /// `fileSize`, for a byte-seek tail: checks that the span is the file's, not a clock that restarted
    /// in the unread middle (see the end of this function).
    func headAndTailScan(from start: TailStart, fileSize: Int64? = nil) throws(ScanFailure) -> ShortcutResult {
        if case .flvTagChain(let maxBytes) = start {
            guard let fileSize else { return .untrusted("the file's size is unknown") }
            return try flvTagChainScan(maxBytes: maxBytes, fileSize: fileSize)
        }
        var head: [Int: StreamSpan] = [:]
        var settled = Set<Int>()
        let contentStreams = Set(context.streams.filter { !$0.isAttachedPicture }.map(\.index))
        var count = 0
        while settled.count < contentStreams.count {
            let packet: PacketInfo
            switch context.readPacket() {
            case .packet(let p): packet = p
            case .timedOut: throw .timedOut
            case .endOfFile, .failed: return .untrusted("the file ended before every stream's first packets were read")
            }
            count += 1
            if count > 20_000 { return .untrusted("a stream has no packets in the first 20,000") }
            let index = packet.streamIndex
            guard contentStreams.contains(index), let pts = packet.pts ?? packet.dts else { continue }
            accumulate(&head[index, default: StreamSpan()], pts: pts, packet: packet, stream: context.streams[index])
            // Every later packet has dts ≥ this dts and pts ≥ its dts: once dts passes the minimum, it is final.
            if let first = head[index]?.first, let dts = packet.dts, dts > first {
                settled.insert(index)
            }
        }

        let bytesBeforeTail = context.bytesRead
        let seeked: Bool
        switch start {
        case .seconds(let seconds):
            // From the header's duration and start, which a file can set near 2^63: never an overflow trap.
            let micros = seconds * Double(ContainerHeader.timeBase.den)
            seeked = micros.isFinite && abs(micros) < 9e18 && context.seek(toMicroseconds: Int64(micros))
        case .byte(let offset): seeked = context.seek(toByte: offset)
        case .flvTagChain: seeked = false
        }
        if !seeked { return .untrusted("the demuxer cannot seek in it") }
        var tail: [Int: StreamSpan] = [:]
        var lastDTS: [Int: Int64] = [:]
        // Once per stream, not per packet: this loop reads every packet of the tail.
        let bounds = context.streams.map(DiscontinuityBound.init(stream:))
        reading: while true {
            switch context.readPacket() {
            case .endOfFile: break reading
            case .timedOut: throw .timedOut
            case .failed(let code): return .untrusted("reading the tail failed: \(ffmpegErrorString(code))")
            case .packet(let packet):
                let index = packet.streamIndex
                guard contentStreams.contains(index) else { continue }
                if let dts = packet.dts {
                    if let previous = lastDTS[index] {
                        if dts < previous {
                            return .untrusted("stream \(index)'s timestamps go backwards near the end (a discontinuity)")
                        }
                        if let bound = bounds[index], dts - previous > bound.forward {
                            return .untrusted("stream \(index)'s timestamps jump forward near the end (a discontinuity)")
                        }
                    }
                    lastDTS[index] = dts
                }
                if let pts = packet.pts ?? packet.dts {
                    accumulate(&tail[index, default: StreamSpan()], pts: pts, packet: packet, stream: context.streams[index])
                }
            }
        }
        var spans: [Int: StreamSpan] = [:]
        var spanSeconds = 0.0
        var tailSeconds = 0.0
        for index in contentStreams {
            guard var span = head[index] else { return .untrusted("stream \(index) has no timed packet at the start") }
            guard let tailSpan = tail[index], let tailEnd = tailSpan.end else {
                return .untrusted("stream \(index) has no timed packet in the last part of the file")
            }
            if let first = span.first, tailEnd <= first {
                return .untrusted("stream \(index)'s timestamps at the end are before those at the start (they wrap or restart)")
            }
            let tb = context.streams[index].timeBase
            if tb.isValid, let first = span.first, let tailFirst = tailSpan.first {
                let seconds = { (ticks: Int64) in Double(ticks) * Double(tb.num) / Double(tb.den) }
                spanSeconds = max(spanSeconds, seconds(tailEnd - first))
                tailSeconds = max(tailSeconds, seconds(tailEnd - tailFirst))
            }
            span.end = max(span.end ?? Int64.min, tailEnd)
            span.endGuessed = tailEnd >= (span.end ?? 0) ? tailSpan.endGuessed : span.endGuessed
            span.guessTicks = tailSpan.guessTicks
            span.lastCorrupt = tailSpan.lastCorrupt
            spans[index] = span
        }
        // A clock that restarts (a splice, an encoder restart) in the part never read leaves head and tail
        // looking sane but the span wrong: too short (the average bit rate far above that of the end), or,
        // where libavformat took the restart for a 33-bit wrap, 26 hours too long (far below).
        if let fileSize, tailSeconds >= 1, spanSeconds > 0 {
            let tailRate = Double(context.bytesRead - bytesBeforeTail) / tailSeconds
            let averageRate = Double(fileSize) / spanSeconds
            if averageRate > tailRate * 2.5 || averageRate * 2.5 < tailRate {
                return .untrusted(
                    String(
                        format:
                            "its span of %.0f s does not fit its size (%.2f× the bit rate of its end): the clock probably restarts or jumps in the middle",
                        spanSeconds, averageRate / tailRate))
            }
        }
        return .measured(Outcome(spans: spans, notes: [], endedEarly: false))
    }

    // MARK: - FLV tag chain

    /// FLV: each stream's end from the tag chain (`FLVTail`), read beside the demuxer before it returns any
    /// packet; then the first packets through the demuxer, for each stream's first pts and its steady packet
    /// duration, which the last packet is given (what libavformat's packet scan reports for it: FLV tags
    /// carry no duration, so it derives one from the codec, the same for every packet of a stream).
    /// `.untrusted` leaves the demuxer at the first tag, ready for a full scan (a timestamp rewind cannot
    /// reach it: FLV has no index before the first keyframe's).
    func flvTagChainScan(maxBytes: Int64, fileSize: Int64) throws(ScanFailure) -> ShortcutResult {
        let content = context.streams.filter { !$0.isAttachedPicture }
        var tagType: [Int: UInt8] = [:]
        for stream in content {
            guard stream.timeBase == Rational(num: 1, den: 1000) else {
                return .untrusted("stream \(stream.index)'s time base is not FLV's millisecond")
            }
            switch stream.type {
            case .audio where !tagType.values.contains(FLVTail.audioTag): tagType[stream.index] = FLVTail.audioTag
            case .video where !tagType.values.contains(FLVTail.videoTag): tagType[stream.index] = FLVTail.videoTag
            default: return .untrusted("stream \(stream.index) is not the file's one audio or one video stream")
            }
        }
        guard !tagType.isEmpty else { return .untrusted("no audio or video stream") }
        // The header: "FLV", version, flags, then DataOffset; PreviousTagSize0 (4 bytes) precedes the first tag.
        guard let header = context.readBytes(at: 0, count: 9), header.starts(with: [0x46, 0x4C, 0x56]) else {
            return .untrusted("no FLV header")
        }
        let firstTag = header[5..<9].reduce(Int64(0)) { $0 << 8 | Int64($1) } + 4
        var bytes: [UInt8] = []
        var chunk: Int64 = 262_144
        var ends: [UInt8: FLVTail.StreamEnd] = [:]
        var walkedFrom = fileSize
        walking: while true {
            let want = min(Int64(bytes.count) + chunk, maxBytes, fileSize)
            let more = want - Int64(bytes.count)
            guard more > 0, let read = context.readBytes(at: fileSize - want, count: Int(more)) else {
                return .untrusted("the last bytes of the file could not be read")
            }
            bytes = read + bytes
            switch FLVTail.walk(bytes, fileSize: fileSize, firstTagOffset: firstTag) {
            case .untrusted(let reason):
                return .untrusted(reason)
            case .tags(let found, let reached, let reachedStart):
                ends = found
                walkedFrom = reached
                if reachedStart || FLVTail.covers(found, types: Set(tagType.values)) { break walking }
            }
            if want >= min(maxBytes, fileSize) { break }
            chunk *= 2
        }
        for (index, type) in tagType.sorted(by: { $0.key < $1.key }) where ends[type] == nil {
            return .untrusted("stream \(index) has no packet in the last \(fileSize - walkedFrom) bytes")
        }

        // The head, through the demuxer: every stream's first pts, and the duration its packets settle on.
        func untrustedAfterHead(_ reason: String) -> ShortcutResult {
            _ = context.seek(toByte: 0)  // clamped to the first tag
            return .untrusted(reason)
        }
        let steadyCount = 8
        var head: [Int: StreamSpan] = [:]
        var durations: [Int: [Int64]] = [:]
        var settled = Set<Int>()
        var count = 0
        while !tagType.keys.allSatisfy({ settled.contains($0) && durations[$0, default: []].count >= steadyCount }) {
            let packet: PacketInfo
            switch context.readPacket() {
            case .packet(let p): packet = p
            case .timedOut: throw .timedOut
            case .endOfFile, .failed: return untrustedAfterHead("the file ended before every stream's first packets were read")
            }
            count += 1
            if count > 20_000 { return untrustedAfterHead("a stream has too few packets in the first 20,000") }
            let index = packet.streamIndex
            guard tagType[index] != nil, !packet.isDiscard, let pts = packet.pts ?? packet.dts else { continue }
            accumulate(&head[index, default: StreamSpan()], pts: pts, packet: packet, stream: context.streams[index])
            durations[index, default: []].append(packet.duration)
            if let first = head[index]?.first, let dts = packet.dts, dts > first { settled.insert(index) }
        }

        var spans: [Int: StreamSpan] = [:]
        var spanSeconds = 0.0
        var tailSeconds = 0.0
        for (index, type) in tagType {
            guard var span = head[index], let first = span.first, let end = ends[type] else {
                return untrustedAfterHead("stream \(index) has no timed packet at the start")
            }
            let recent = durations[index, default: []].suffix(steadyCount)
            guard let steady = recent.first, steady > 0 else {
                return untrustedAfterHead("stream \(index)'s packets carry no duration, so its last packet's is unknown")
            }
            guard recent.allSatisfy({ $0 == steady }) else {
                return untrustedAfterHead(
                    "stream \(index)'s packet durations vary (\(recent.map(String.init).joined(separator: ", ")) ms), so its last packet's is unknown"
                )
            }
            let tailEnd = end.maxPTS + steady
            if tailEnd <= first {
                return untrustedAfterHead("stream \(index)'s timestamps at the end are before those at the start (they wrap or restart)")
            }
            span.end = max(span.end ?? Int64.min, tailEnd)
            span.endGuessed = false
            span.guessTicks = 0
            span.lastCorrupt = false
            spans[index] = span
            spanSeconds = max(spanSeconds, Double(tailEnd - first) / 1000)
            tailSeconds = max(tailSeconds, Double(end.lastDTS - end.earliestDTS) / 1000)
        }
        // As for a byte-seek tail: a clock that restarts or jumps in the unread middle shows as a span that
        // does not fit the file's size at the bit rate of its end.
        if tailSeconds >= 1, spanSeconds > 0 {
            let tailRate = Double(fileSize - walkedFrom) / tailSeconds
            let averageRate = Double(fileSize) / spanSeconds
            if averageRate > tailRate * 2.5 || averageRate * 2.5 < tailRate {
                return untrustedAfterHead(
                    String(
                        format:
                            "its span of %.0f s does not fit its size (%.2f× the bit rate of its end): the clock probably restarts or jumps in the middle",
                        spanSeconds, averageRate / tailRate))
            }
        }
        return .measured(Outcome(spans: spans, notes: [], endedEarly: false))
    }

    // MARK: - Accumulation

    private func accumulate(_ span: inout StreamSpan, pts: Int64, packet: PacketInfo, stream: StreamHeader) {
        guard !packet.isDiscard else { return }
        span.packets += 1
        span.lastCorrupt = packet.isCorrupt
        var duration = packet.duration
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
    private func guessDuration(stream: StreamHeader, previous: Int64) -> Int64 {
        if previous > 0 { return previous }
        let rate = stream.averageFrameRate
        guard rate.isValid, stream.timeBase.isValid else { return 0 }
        return Rational(num: rate.den, den: rate.num).rescale(1, to: stream.timeBase)
    }
}

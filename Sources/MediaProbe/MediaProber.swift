import CFFmpeg
import Foundation

/// Settings for one probe run.
public struct ProbeOptions: Sendable, Hashable {
    public var mode: ProbeMode
    /// Per-file time limit; FFmpeg's interrupt callback gives up once it passes.
    public var timeLimit: TimeInterval
    /// Allow network protocols (http, https, tcp, tls). Off: FFmpeg may open local files only.
    public var allowNetwork: Bool

    public init(mode: ProbeMode = .auto, timeLimit: TimeInterval = 30, allowNetwork: Bool = false) {
        self.mode = mode
        self.timeLimit = timeLimit
        self.allowNetwork = allowNetwork
    }
}

/// Measures media files with libavformat. Stateless and thread-safe: probe many files in parallel.
public struct MediaProber: Sendable {
    public var options: ProbeOptions

    public init(options: ProbeOptions = ProbeOptions()) {
        self.options = options
    }

    /// Probes one file. Never throws and never crashes on bad input: failures come back as `.failure`.
    public func probe(_ path: String) -> ProbeOutcome {
        let collector = LogCollector()
        let result = FFmpegLog.collecting(into: collector) { () -> Result<MediaFacts, ProbeError> in
            do throws(ProbeError) {
                return .success(try measure(path, log: collector))
            } catch {
                return .failure(error)
            }
        }
        return ProbeOutcome(path: path, result: result)
    }

    // MARK: - Steps

    private func measure(_ path: String, log: LogCollector) throws(ProbeError) -> MediaFacts {
        let isURL = path.contains("://")
        if isURL && !options.allowNetwork {
            throw ProbeError(path: path, code: .unsupported, operation: "open",
                             message: "network URLs are not opened unless --allow-network is given (only local files by default)")
        }
        let file = isURL ? FileCheck.Checked(size: 0, modifiedAtNanos: 0, magic: Data()) : try FileCheck.check(path)
        let context: FormatContext
        do {
            context = try FormatContext(path: path, timeLimit: options.timeLimit, allowNetwork: options.allowNetwork)
        } catch {
            throw classify(error, path: path, log: log, magic: file.magic)
        }
        var facts = MediaFacts(path: path, size: file.size, modifiedAtNanos: file.modifiedAtNanos,
                               container: cString(context.pointer.pointee.iformat?.pointee.name) ?? "unknown",
                               mode: options.mode)
        facts.containerLongName = cString(context.pointer.pointee.iformat?.pointee.long_name)
        readHeader(context, into: &facts)
        try checkIndexAgainstFileSize(context, facts: facts)

        let method = context.pointer.pointee.duration_estimation_method
        let headerTrusted = (method == AVFMT_DURATION_FROM_PTS || method == AVFMT_DURATION_FROM_STREAM)
            && facts.containerDuration != nil
            && facts.contentStreams.allSatisfy { $0.duration != nil }
        switch options.mode {
        case .fast:
            facts.durationSource = .header
            if method == AVFMT_DURATION_FROM_BITRATE {
                facts.warnings.append("estimated-from-bitrate: libavformat estimated this duration from the bit rate; it is not exact (use --mode exact)")
            }
        case .auto where headerTrusted:
            facts.durationSource = .header
        case .auto, .exact:
            try scanTimestamps(context, into: &facts, headerTrusted: headerTrusted)
        }
        if facts.containerDuration == nil && facts.contentStreams.allSatisfy({ $0.duration == nil }) {
            facts.warnings.append("no-duration: neither the header nor the timestamps give a duration")
        }
        let bitrateNoted = facts.warnings.contains { $0.hasPrefix("estimated-from-bitrate") }
        facts.warnings.append(contentsOf: ffmpegWarnings(log).filter { !(bitrateNoted && $0.hasPrefix("estimated-from-bitrate")) })
        return facts
    }

    private func readHeader(_ context: FormatContext, into facts: inout MediaFacts) {
        let ctx = context.pointer.pointee
        if ctx.start_time != cff_nopts_value() {
            facts.startTime = MediaTime(ticks: ctx.start_time, timeBaseNum: 1, timeBaseDen: cff_time_base()).seconds
        }
        let method = ctx.duration_estimation_method
        facts.containerDurationMethod = method == AVFMT_DURATION_FROM_PTS ? "timestamps"
            : method == AVFMT_DURATION_FROM_STREAM ? "stream" : "bitrate"
        if ctx.duration != cff_nopts_value() && ctx.duration > 0 {
            facts.containerDuration = MediaTime(ticks: ctx.duration, timeBaseNum: 1, timeBaseDen: cff_time_base()).seconds
        } else {
            facts.containerDurationMethod = "none"
        }
        for index in 0..<context.streamCount {
            guard let st = context.stream(index) else { continue }
            facts.streams.append(streamFacts(st, index: index))
        }
    }

    private func streamFacts(_ st: UnsafeMutablePointer<AVStream>, index: Int) -> StreamFacts {
        let s = st.pointee
        guard let par = s.codecpar?.pointee else { return StreamFacts(index: index, type: .data, codec: "unknown") }
        let type: StreamType
        switch par.codec_type {
        case AVMEDIA_TYPE_VIDEO: type = .video
        case AVMEDIA_TYPE_AUDIO: type = .audio
        case AVMEDIA_TYPE_SUBTITLE: type = .subtitle
        default: type = .data
        }
        var facts = StreamFacts(index: index, type: type, codec: cString(avcodec_get_name(par.codec_id)) ?? "unknown")
        facts.isAttachedPicture = (s.disposition & AV_DISPOSITION_ATTACHED_PIC) != 0
        let tb = s.time_base
        if s.duration != cff_nopts_value() && s.duration > 0 && tb.den > 0 {
            let time = MediaTime(ticks: s.duration, timeBaseNum: tb.num, timeBaseDen: tb.den)
            facts.durationTicks = time
            facts.duration = time.seconds
        }
        if s.start_time != cff_nopts_value() && tb.den > 0 {
            facts.startTime = MediaTime(ticks: s.start_time, timeBaseNum: tb.num, timeBaseDen: tb.den).seconds
        }
        switch type {
        case .video:
            if par.width > 0 { facts.width = Int(par.width) }
            if par.height > 0 { facts.height = Int(par.height) }
            let rotation = cff_stream_rotation(st)
            if !rotation.isNaN { facts.rotation = (rotation * 100).rounded() / 100 + 0 }
            let rate = s.avg_frame_rate.num > 0 && s.avg_frame_rate.den > 0 ? s.avg_frame_rate : s.r_frame_rate
            if rate.num > 0 && rate.den > 0 { facts.frameRate = "\(rate.num)/\(rate.den)" }
        case .audio:
            if par.sample_rate > 0 { facts.sampleRate = Int(par.sample_rate) }
            let channels = cff_channels(s.codecpar)
            if channels > 0 { facts.channels = Int(channels) }
        default:
            break
        }
        return facts
    }

    /// A MOV/MP4 whose sample index points past the end of the file lost its tail: its header duration is a
    /// promise the data cannot keep.
    private func checkIndexAgainstFileSize(_ context: FormatContext, facts: MediaFacts) throws(ProbeError) {
        guard facts.container.contains("mov") else { return }
        for index in 0..<context.streamCount {
            guard let st = context.stream(index) else { continue }
            let count = avformat_index_get_entries_count(st)
            guard count > 0, let last = avformat_index_get_entry(st, count - 1) else { continue }
            let end = last.pointee.pos + Int64(last.pointee.size)
            if end > facts.size {
                throw ProbeError(path: facts.path, code: .truncated, operation: "check the sample index",
                                 message: "the file is cut short: its index needs \(end) bytes but the file has \(facts.size)")
            }
        }
    }

    /// Replaces header stream durations with timestamp-derived ones.
    private func scanTimestamps(_ context: FormatContext, into facts: inout MediaFacts, headerTrusted: Bool) throws(ProbeError) {
        let scanner = TimestampScanner(context: context)
        var outcome: TimestampScanner.Outcome?
        var source = DurationSource.packets
        do throws(TimestampScanner.ScanFailure) {
            // The index shortcut is worth it only where the index holds every timestamp and the file is long.
            if facts.container.contains("mov"), let header = facts.containerDuration, header > 30 {
                let tailStart = NSDecimalNumber(decimal: header).doubleValue - 10 + NSDecimalNumber(decimal: facts.startTime ?? 0).doubleValue
                if let shortcut = try scanner.headAndTailScan(tailStartSeconds: tailStart) {
                    outcome = shortcut
                    source = .index
                } else if av_seek_frame(context.pointer, -1, Int64.min, AVSEEK_FLAG_BACKWARD) < 0 {
                    avformat_seek_file(context.pointer, -1, Int64.min, 0, 0, 0)
                }
            }
            if outcome == nil {
                outcome = try scanner.fullScan()
                source = .packets
            }
        } catch {
            switch error {
            case .timedOut:
                throw ProbeError(path: facts.path, code: .timeout, operation: "scan packets",
                                 message: "gave up after the per-file time limit of \(Int(options.timeLimit)) s")
            case .readError(let code, let packets):
                throw ProbeError(path: facts.path, code: .io, operation: "scan packets",
                                 message: "\(ffmpegErrorString(code)) after \(packets) packets")
            }
        }
        guard let outcome else { return }
        facts.durationSource = source
        var spanStart: Decimal?
        var spanEnd: Decimal?
        for i in facts.streams.indices {
            let index = facts.streams[i].index
            guard let span = outcome.spans[index], let ticks = span.ticks,
                  let st = context.stream(index) else { continue }
            let tb = st.pointee.time_base
            let time = MediaTime(ticks: ticks, timeBaseNum: tb.num, timeBaseDen: tb.den)
            facts.streams[i].durationTicks = time
            facts.streams[i].duration = time.seconds
            if span.endGuessed {
                let guess = MediaTime(ticks: span.guessTicks, timeBaseNum: tb.num, timeBaseDen: tb.den).seconds
                facts.warnings.append("guessed-last-packet: stream \(index)'s last packet has no duration; added a guessed \(format(guess)) s")
            }
            if !facts.streams[i].isAttachedPicture, let first = span.first {
                let start = MediaTime(ticks: first, timeBaseNum: tb.num, timeBaseDen: tb.den).seconds
                spanStart = min(spanStart ?? start, start)
                spanEnd = max(spanEnd ?? (start + time.seconds), start + time.seconds)
            }
        }
        if outcome.endedEarly {
            facts.warnings.append("truncated: " + outcome.notes.joined(separator: "; ") + "; durations cover the readable part only")
        }
        // The header's container figure stands when libavformat took it from timestamps or the streams;
        // a bit-rate guess or a missing figure gives way to the measured span.
        if !headerTrusted || facts.containerDurationMethod == "bitrate" || facts.containerDurationMethod == "none"
            || facts.containerDuration == nil, let spanStart, let spanEnd {
            if facts.containerDurationMethod == "bitrate" {
                facts.warnings.append("estimated-from-bitrate: the header's \(format(facts.containerDuration ?? 0)) s was a bit-rate estimate; replaced by the measured \(format(spanEnd - spanStart)) s")
            }
            facts.containerDuration = spanEnd - spanStart
        }
    }

    // MARK: - Errors and warnings

    private func classify(_ failure: OpenFailure, path: String, log: LogCollector, magic: Data) -> ProbeError {
        let code = failure.code
        let said = log.lastError.map(Self.splitContext)
        let reason = said.map { "\(ffmpegErrorString(code)): \($0.text)" } ?? ffmpegErrorString(code)
        func error(_ kind: ProbeErrorCode, _ message: String) -> ProbeError {
            ProbeError(path: path, code: kind, operation: failure.step, message: message)
        }
        if code == cff_averror_exit() { return error(.timeout, "gave up after the per-file time limit of \(Int(options.timeLimit)) s") }
        if code == cff_averror(ENOENT) { return error(.notFound, "no such file") }
        if code == cff_averror(EACCES) || code == cff_averror(EPERM) { return error(.permissionDenied, "permission denied") }
        if code == cff_averror(EIO) { return error(.io, reason) }
        if code == cff_averror_protocol_not_found() { return error(.unsupported, "protocol not allowed (only local files unless --allow-network): \(reason)") }
        if failure.step == "read stream info" && !FileCheck.looksLikeContainer(magic) {
            // Random bytes can pass FFmpeg's format probe at a low score (often as MPEG-TS) and only fail here.
            return error(.notMedia, "not a media file FFmpeg can read (no stream could be read): \(reason)")
        }
        if code == cff_averror(ENOSYS) || code == cff_averror_eof() && !FileCheck.looksLikeContainer(magic) {
            return error(.unsupported, reason)
        }
        if FileCheck.looksLikeContainer(magic) {
            return error(.truncated, "the file looks like media but is cut short or damaged: \(reason)")
        }
        if code == cff_averror_invaliddata() || code == cff_averror_demuxer_not_found() {
            return error(.notMedia, "not a media file FFmpeg can read: \(reason)")
        }
        if code == cff_averror(EINVAL), let demuxer = said?.demuxer {
            // A demuxer took the file and then met nonsense: damaged media, not a failing disk.
            return error(.truncated, "the file starts like \(demuxer) but is damaged or cut short: \(reason)")
        }
        return error(.io, reason)
    }

    /// Splits FFmpeg's "[mp3 @ 0x55d0c…] message" into the component name and the message, so reasons
    /// carry no heap addresses and can say which demuxer gave up.
    static func splitContext(_ line: String) -> (demuxer: String?, text: String) {
        guard line.hasPrefix("["), let close = line.firstIndex(of: "]"),
              let at = line[..<close].range(of: " @ ") else { return (nil, line) }
        let name = String(line[line.index(after: line.startIndex)..<at.lowerBound])
        let text = line[line.index(after: close)...].trimmingCharacters(in: .whitespaces)
        return (name.isEmpty ? nil : name, text.isEmpty ? line : text)
    }

    private func ffmpegWarnings(_ log: LogCollector) -> [String] {
        var seen = Set<String>()
        var out: [String] = []
        for line in log.lines where line.level <= AV_LOG_WARNING {
            let said = Self.splitContext(line.text)
            let plain = said.demuxer.map { "\($0): \(said.text)" } ?? said.text
            let text = plain.lowercased().contains("estimating duration from bitrate")
                ? "estimated-from-bitrate: FFmpeg: \(plain)" : "ffmpeg: \(plain)"
            if seen.insert(text).inserted && out.count < 10 { out.append(text) }
        }
        return out
    }

    private func format(_ value: Decimal) -> String {
        var v = value
        var rounded = Decimal()
        NSDecimalRound(&rounded, &v, 6, .plain)
        return "\(rounded)"
    }
}

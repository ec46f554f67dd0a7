internal import CFFmpeg
internal import CFFmpegShim
import Foundation
import Quantities
import OSSAccess

/// Settings for one probe run.
public struct ProbeOptions: Sendable, Hashable {
    public var mode: ProbeMode
    /// Per-file time limit; FFmpeg's interrupt callback gives up once it passes.
    public var timeLimit: TimeInterval
    /// Allow network protocols (http, https, tcp, tls). Off: FFmpeg may open local files only.
    public var allowNetwork: Bool
    /// Where OSS objects are read in place (an `-internal` endpoint, a gateway, a test
    /// server). Giving one is consent to read OSS objects over the network, as `allowNetwork` is.
    public var ossEndpoint: String?
    /// OSS objects measured at once: reading them waits on the network, not on the cores.
    public var remoteJobs: Int
    /// When to decode the first frames to learn codec parameters; the header answers for MP4/MOV.
    public var streamInfo: StreamInfoPolicy = .whenNeeded

    public init(
        mode: ProbeMode = .auto, timeLimit: TimeInterval = 30, allowNetwork: Bool = false,
        ossEndpoint: String? = nil, remoteJobs: Int = 16
    ) {
        self.mode = mode
        self.timeLimit = timeLimit
        self.allowNetwork = allowNetwork
        self.ossEndpoint = ossEndpoint
        self.remoteJobs = max(1, remoteJobs)
    }

    /// The local paths given are real paths (links resolved and checked by the caller): a symbolic link found on
    /// one at open time means the tree changed since, and the file is refused instead of followed.
    public var refusesLinks = false

    /// True when an OSS URL no local mapping resolves may be read in place.
    public var readsObjectsInPlace: Bool { allowNetwork || ossEndpoint != nil }
}

/// Measures media files with libavformat. Stateless and thread-safe: probe many files in parallel.
public struct MediaProber: Sendable {
    public var options: ProbeOptions

    public init(options: ProbeOptions = ProbeOptions()) {
        self.options = options
    }

    /// Probes one file. Never throws and never crashes on bad input: failures come back as `.failure`.
    public func probe(_ path: String) -> ProbeOutcome {
        if readsInPlace(path) { return probeObject(path, identity: nil) }
        let collector = LogCollector()
        let result = FFmpegLog.collecting(into: collector) { () -> Result<MediaFacts, ProbeError> in
            do throws(ProbeError) {
                return .success(try measure(path, log: collector))
            } catch {
                return .failure(error)
            }
        }
        // A signed link someone pasted keeps its signature out of the output even when it is not read.
        let shown = OSSObjectURL(url: path) != nil ? Self.displayName(path) : path
        return ProbeOutcome(
            path: shown,
            result: result.mapError { error in
                var error = error
                error.path = shown
                return error
            })
    }

    // MARK: - Steps

    private func measure(_ path: String, log: LogCollector) throws(ProbeError) -> MediaFacts {
        let isURL = path.contains("://")
        if isURL && !options.allowNetwork, let object = OSSObjectURL(url: path) {
            throw ProbeError(
                path: object.ossURL, code: .unsupported, operation: "open",
                message: "OSS objects are read in place only with consent to use the network",
                remedy: .readObjectInPlace(ossURL: object.ossURL))
        }
        if isURL && !options.allowNetwork {
            throw ProbeError(
                path: path, code: .unsupported, operation: "open",
                message: "network URLs are not opened without consent to use the network (only local files by default)",
                remedy: .allowNetwork)
        }
        let file: OpenedFile? = isURL ? nil : try FileCheck.open(path, refusingLinks: options.refusesLinks)
        let context: FormatContext
        do {
            context = try FormatContext(
                source: file.map(ProbeSource.file) ?? .url(path),
                timeLimit: options.timeLimit, allowNetwork: options.allowNetwork,
                streamInfo: options.streamInfo)
        } catch {
            throw classify(error, path: path, log: log, magic: file?.magic ?? Data())
        }
        var facts = MediaFacts(
            path: path, size: file?.size ?? 0, modifiedAtNanos: file?.modifiedAtNanos ?? 0,
            container: context.header.formatName, mode: options.mode)
        try measure(context, into: &facts, log: log)
        if file != nil { facts.bytesRead = context.bytesRead }
        return facts
    }

    /// Everything after the open, the same for a local file and an object read in place.
    func measure(_ context: FormatContext, into facts: inout MediaFacts, log: LogCollector) throws(ProbeError) {
        facts.containerLongName = context.header.formatLongName
        facts.streamInfo = context.streamInfoUsed
        readHeader(context, into: &facts)
        let family = ContainerFamily(demuxer: facts.container)
        if family == .mov { try MOVSampleIndex.checkFitsFile(context.streams, facts: facts) }
        try checkHoldsMedia(facts)
        if family == .transportStream, let note = TransportStreamCut.packetCut(size: facts.size) {
            facts.warnings.append(note)
        }

        let estimation = context.header.estimation
        let headerTrusted =
            (estimation == .timestamps || estimation == .stream)
            && facts.containerDuration != nil
            && facts.contentStreams.allSatisfy { $0.duration != nil }
        // The header is checked against what is already at hand: MOV/MP4's sample tables, the file's size.
        let sampleSpans = family == .mov ? MOVSampleIndex.spans(context.streams) : [:]
        let contradicted = DurationCheck.contradicted(facts, spans: sampleSpans)
        // MPEG-TS: libavformat's figure comes from the first and last PES packets' timestamps alone (the last
        // one's length left out, a jump in the middle unseen), so `auto` measures it as `exact` does.
        switch options.mode {
        case .fast where !contradicted:
            facts.durationSource = .header
            if estimation == .bitrate {
                facts.warnings.append(.estimatedFromBitrate)
            }
        case .auto where headerTrusted && !contradicted && family != .transportStream:
            facts.durationSource = .header
        case .fast, .auto, .exact:
            // A contradicted header's length is no guide to where the tail is: the sample tables are.
            let planned = contradicted ? sampleSpans.values.max().map { Decimal($0) } ?? facts.containerDuration : facts.containerDuration
            try scanTimestamps(context, into: &facts, headerTrusted: headerTrusted && !contradicted, plannedDuration: planned)
        }
        try checkSpanFitsSize(facts)
        if family == .transportStream { facts.warnings += TransportStreamCut.pesCuts(context, size: facts.size) }
        if facts.containerDuration == nil && facts.contentStreams.allSatisfy({ $0.duration == nil }) {
            facts.warnings.append(.noDuration)
        }
        if context.refusedOpens > 0 {
            facts.warnings.append(.refusedOpens(count: context.refusedOpens))
        }
        // FFmpeg's own "estimating duration from bitrate" line says again what a warning above already says.
        let bitrateNoted = facts.warnings.contains(where: \.isBitrateEstimate)
        facts.warnings.append(contentsOf: ffmpegWarnings(log).filter { !(bitrateNoted && $0.isBitrateEstimate) })
    }

    private func readHeader(_ context: FormatContext, into facts: inout MediaFacts) {
        let header = context.header
        let tb = ContainerHeader.timeBase
        if let start = header.startTime { facts.startTime = tb.time(start).seconds }
        switch header.estimation {
        case .timestamps: facts.containerDurationMethod = "timestamps"
        case .stream: facts.containerDurationMethod = "stream"
        case .bitrate: facts.containerDurationMethod = "bitrate"
        }
        if let duration = header.duration {
            facts.containerDuration = tb.time(duration).seconds
        } else {
            facts.containerDurationMethod = "none"
        }
        facts.streams = context.streams.map(streamFacts)
    }

    private func streamFacts(_ s: StreamHeader) -> StreamFacts {
        var facts = StreamFacts(index: s.index, type: s.type, codec: s.codec)
        facts.isAttachedPicture = s.isAttachedPicture
        // Cover art is one still picture: the "duration" demuxers give it is the audio's, and no length of its own.
        if let duration = s.duration, s.timeBase.den > 0, !s.isAttachedPicture {
            let time = s.timeBase.time(duration)
            facts.durationTicks = time
            facts.duration = time.seconds
        }
        if let start = s.startTime, s.timeBase.den > 0 {
            facts.startTime = s.timeBase.time(start).seconds
        }
        facts.width = s.width
        facts.height = s.height
        if let rotation = s.rotation { facts.rotation = (rotation * 100).rounded() / 100 + 0 }
        if s.type == .video {
            let rate = s.averageFrameRate.isValid ? s.averageFrameRate : s.realFrameRate
            if rate.isValid { facts.frameRate = "\(rate.num)/\(rate.den)" }
        }
        facts.sampleRate = s.sampleRate
        facts.channels = s.channels
        return facts
    }

    /// The limit as a user wrote it; never traps on a NaN or an infinite limit a caller let through.
    var timeLimitText: String {
        let t = options.timeLimit
        guard t.isFinite, t >= 0, t < 1e15 else { return "\(t) s" }
        return t == t.rounded() ? "\(Int(t)) s" : "\(t) s"
    }

    /// A header's duration is a claim; without an audio or video stream nothing backs it. A partially synced
    /// M4A keeps its `moov` (727 s) after its tracks are gone, and must never bill those 727 s.
    private func checkHoldsMedia(_ facts: MediaFacts) throws(ProbeError) {
        let media = facts.contentStreams.filter { $0.type == .audio || $0.type == .video }
        guard media.isEmpty else { return }
        if facts.contentStreams.isEmpty, let claim = facts.containerDuration, claim > 0 {
            throw ProbeError(
                path: facts.path, code: .truncated, operation: "read stream info",
                message:
                    "the header claims \(DurationCheck.seconds(claim)) s of media but the file holds no audio or video stream (cut out, or not fully synced yet)"
            )
        }
        let what =
            facts.streams.isEmpty
            ? "no stream at all"
            : "only " + Set(facts.streams.map { $0.isAttachedPicture ? "cover art" : $0.type.rawValue }).sorted().joined(separator: " and ")
        throw ProbeError(
            path: facts.path, code: .notMedia, operation: "read stream info",
            message: "holds no audio or video stream (\(what)): nothing in it can be billed by duration")
    }

    /// No duration is billed that the file's bytes cannot carry (`DurationCheck.minimumBytesPerSecond`).
    private func checkSpanFitsSize(_ facts: MediaFacts) throws(ProbeError) {
        let figures = [facts.containerDuration].compactMap { $0 } + facts.contentStreams.compactMap(\.duration)
        guard let longest = figures.max(),
            DurationCheck.cannotCarry(seconds: longest, size: facts.size, container: facts.container)
        else { return }
        let least = DurationCheck.minimumBytesPerSecond(container: facts.container)
        throw ProbeError(
            path: facts.path, code: .truncated, operation: "check the duration against the size",
            message:
                "its timestamps span \(DurationCheck.seconds(longest)) s, more than its \(facts.size) bytes can hold (every second of media takes at least \(least) bytes): the file is damaged or its clock jumps where it could not be followed"
        )
    }

    /// Replaces header stream durations with timestamp-derived ones, and a container figure the timestamps
    /// contradict with the span they give.
    private func scanTimestamps(
        _ context: FormatContext, into facts: inout MediaFacts, headerTrusted: Bool,
        plannedDuration: Decimal?
    ) throws(ProbeError) {
        let scanner = TimestampScanner(context: context)
        var outcome: TimestampScanner.Outcome?
        var source = DurationSource.packets
        do throws(TimestampScanner.ScanFailure) {
            // The shortcut is worth it only on long files, and safe only where a timestamp seek lands where
            // it should (an index, or cluster/tag timestamps) and every packet carries its own timestamp.
            if let (shortcut, tailStart) = TailShortcut.plan(
                container: facts.container, duration: plannedDuration,
                start: facts.startTime, size: facts.size)
            {
                // A byte seek lands anywhere in the file's clock: the result is checked against the file's size.
                var fileSize: Int64?
                var repositions = false
                switch tailStart {
                case .byte: fileSize = facts.size
                case .flvTagChain: fileSize = facts.size; repositions = true
                case .seconds: break
                }
                switch try scanner.headAndTailScan(from: tailStart, fileSize: fileSize) {
                case .measured(let measured):
                    outcome = measured
                    source = shortcut
                case .untrusted(let reason):
                    // The FLV tag-chain scan leaves the demuxer at the first packet itself.
                    if !repositions { context.rewind() }
                    facts.warnings.append(.fullScan(reason: reason))
                }
            }
            if outcome == nil {
                outcome = try scanner.fullScan()
                source = .packets
            }
        } catch {
            switch error {
            case .timedOut:
                throw ProbeError(
                    path: facts.path, code: .timeout, operation: "scan packets",
                    message: "gave up after the per-file time limit of \(timeLimitText)")
            case .readError(let code, let packets):
                throw ProbeError(
                    path: facts.path, code: .io, operation: "scan packets",
                    message: "\(ffmpegErrorString(code)) after \(packets) packets")
            }
        }
        guard let outcome else { return }
        facts.durationSource = source
        let claims = Dictionary(facts.streams.map { ($0.index, $0.duration) }, uniquingKeysWith: { first, _ in first })
        var spanStart: Decimal?
        var spanEnd: Decimal?
        for i in facts.streams.indices {
            let index = facts.streams[i].index
            guard let span = outcome.spans[index], index < context.streams.count,
                !facts.streams[i].isAttachedPicture
            else { continue }
            let stream = context.streams[index]
            let tb = stream.timeBase
            if span.lastCorrupt {
                facts.warnings.append(.truncatedPacket(stream: index))
            }
            var ticks: Int64
            if let timed = span.ticks {
                ticks = timed
            } else if span.untimedPackets > 0, span.untimedTicks > 0 {
                ticks = span.untimedTicks
                let rate = stream.averageFrameRate.isValid ? stream.averageFrameRate : stream.realFrameRate
                let basis: FrameCountBasis =
                    rate.isValid
                    ? .frameRate(frames: span.untimedPackets, rateNum: rate.num, rateDen: rate.den)
                    : .packetDurations(packets: span.untimedPackets)
                facts.warnings.append(.frameCount(stream: index, codec: stream.codec, basis: basis))
            } else {
                continue
            }
            let time = tb.time(ticks)
            facts.streams[i].durationTicks = time
            facts.streams[i].duration = time.seconds
            if let claim = claims[index] ?? nil, DurationCheck.disagree(claim, time.seconds) {
                facts.warnings.append(.headerDisagrees(stream: index, header: claim, measured: time.seconds))
            }
            if span.endGuessed {
                let guess = tb.time(span.guessTicks).seconds
                facts.warnings.append(.guessedLastPacket(stream: index, seconds: guess))
            }
            if let first = span.first ?? (span.untimedPackets > 0 ? 0 : nil) {
                let start = tb.time(first).seconds
                spanStart = min(spanStart ?? start, start)
                spanEnd = max(spanEnd ?? (start + time.seconds), start + time.seconds)
            }
        }
        if outcome.endedEarly {
            facts.warnings.append(.truncated(notes: outcome.notes))
        }
        if !outcome.jumps.isEmpty {
            facts.warnings.append(.discontinuity(jumps: outcome.jumps))
        }
        guard let spanStart, let spanEnd else { return }
        // An MP4/MOV presents from movie time 0: an empty edit that delays every track is part of what plays.
        let measured = spanEnd - (ContainerFamily(demuxer: facts.container) == .mov ? min(spanStart, 0) : spanStart)
        // The header's container figure stands when libavformat took it from timestamps or the streams and
        // the timestamps confirm it; a bit-rate guess, a missing figure or a contradicted one gives way to
        // the measured span.
        let method = facts.containerDurationMethod
        guard let claim = facts.containerDuration, method != "bitrate", method != "none" else {
            if method == "bitrate" {
                facts.warnings.append(.bitrateEstimateReplaced(header: facts.containerDuration ?? 0, measured: measured))
            }
            facts.containerDuration = measured
            return
        }
        if DurationCheck.disagree(claim, measured) {
            // One warning for the file: its streams' claims fell with the container's.
            facts.warnings.removeAll { if case .headerDisagrees(.some, _, _) = $0 { true } else { false } }
            facts.warnings.append(.headerDisagrees(stream: nil, header: claim, measured: measured))
            facts.containerDuration = measured
        } else if !headerTrusted {
            facts.containerDuration = measured
        }
    }

    // MARK: - Errors and warnings

    func classify(_ failure: OpenFailure, path: String, log: LogCollector, magic: Data) -> ProbeError {
        let code = failure.code
        let said = log.lastError.map(Self.splitContext)
        let reason = said.map { "\(ffmpegErrorString(code)): \($0.text)" } ?? ffmpegErrorString(code)
        func error(_ kind: ProbeErrorCode, _ message: String, remedy: ProbeRemedy? = nil) -> ProbeError {
            ProbeError(path: path, code: kind, operation: failure.step, message: message, remedy: remedy)
        }
        if code == cff_averror_exit() { return error(.timeout, "gave up after the per-file time limit of \(timeLimitText)") }
        if let format = failure.refusedFormat {
            return refusal(format) { error($0, $1) }
        }
        if PlaylistText.startsLikePlaylist(magic) {
            // Not a guard (the demuxer whitelist and the io_open guard are): only a clearer reason for a
            // playlist FFmpeg did not even recognise as one.
            return error(
                .unsupported,
                "looks like a playlist (HLS or ffconcat): it names other files, which ClipMeter never opens; measure the media files themselves"
            )
        }
        if let score = failure.probeScore, score <= AVPROBE_SCORE_EXTENSION, code != cff_averror(EIO) {
            // Only the file name suggested the format; nothing in the bytes did.
            return error(
                .notMedia, "not a media file: nothing in it is a format FFmpeg recognises (only its name suggested one): \(reason)")
        }
        if failure.refusedOpens > 0 {
            return error(
                .unsupported,
                "the file refers to other files, which are never opened: ClipMeter measures one self-contained file at a time; measure the media files themselves"
            )
        }
        if code == cff_averror(ENOENT) { return error(.notFound, "no such file") }
        if code == cff_averror(EACCES) || code == cff_averror(EPERM) { return error(.permissionDenied, "permission denied") }
        if code == cff_averror(EIO) { return error(.io, reason) }
        if code == cff_averror_protocol_not_found() {
            return error(
                .unsupported, "protocol not allowed (only local files without consent to use the network): \(reason)",
                remedy: .allowNetwork)
        }
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

    /// Why a demuxer was not allowed to run. Playlists and manifests are `unsupported` (they are real, but
    /// they name other files); text that FFmpeg would read as subtitles is `not-media`.
    private func refusal(_ format: String, error: (ProbeErrorCode, String) -> ProbeError) -> ProbeError {
        let names = Set(format.split(separator: ",").map(String.init))
        if !names.isDisjoint(with: DemuxerPolicy.referencing) {
            return error(
                .unsupported,
                "is a \(format) playlist, manifest or sequence: it names other files, which ClipMeter never opens (they could be outside the scanned folders); measure the media files themselves"
            )
        }
        if !names.isDisjoint(with: MediaSniffer.textFormats) {
            return error(.notMedia, "not a media file: FFmpeg reads it only as \(format) text")
        }
        return error(.unsupported, "FFmpeg reads it as \(format), a format ClipMeter does not measure (only self-contained media files)")
    }

    /// Splits FFmpeg's "[mp3 @ 0x55d0c…] message" into the component name and the message, so reasons
    /// carry no heap addresses and can say which demuxer gave up.
    static func splitContext(_ line: String) -> (demuxer: String?, text: String) {
        guard line.hasPrefix("["), let close = line.firstIndex(of: "]"),
            let at = line[..<close].range(of: " @ ")
        else { return (nil, line) }
        let name = String(line[line.index(after: line.startIndex)..<at.lowerBound])
        let text = line[line.index(after: close)...].trimmingCharacters(in: .whitespaces)
        return (name.isEmpty ? nil : name, text.isEmpty ? line : text)
    }

    /// FFmpeg's warnings on this file, each once, at most 10. FFmpeg says what it did only in words, so its
    /// bit-rate estimate is recognised by its words here, at the C boundary, and nowhere after.
    private func ffmpegWarnings(_ log: LogCollector) -> [ProbeWarning] {
        var seen = Set<ProbeWarning>()
        var out: [ProbeWarning] = []
        for line in log.lines where line.level <= AV_LOG_WARNING {
            let said = Self.splitContext(line.text)
            let plain = said.demuxer.map { "\($0): \(said.text)" } ?? said.text
            let warning: ProbeWarning =
                plain.lowercased().contains("estimating duration from bitrate")
                ? .ffmpegEstimatedFromBitrate(message: plain) : .ffmpegLog(plain)
            if seen.insert(warning).inserted && out.count < 10 { out.append(warning) }
        }
        return out
    }
}

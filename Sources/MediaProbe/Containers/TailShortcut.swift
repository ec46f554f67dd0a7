import Foundation

/// Which containers may take their exact duration from the head and the tail, and what that is called.
enum TailShortcut {
    /// The shortcut for a file, or nil where a full scan is the only safe (or the cheaper) way.
    static func plan(container: String, duration: Decimal?, start: Decimal?, size: Int64 = 0)
        -> (DurationSource, TimestampScanner.TailStart)?
    {
        let family = ContainerFamily(demuxer: container)
        // Short files are cheap to scan whole.
        guard let duration, duration > 30 else { return nil }
        let seconds = NSDecimalNumber(decimal: duration).doubleValue
        let tail = TimestampScanner.TailStart.seconds(seconds - 10 + NSDecimalNumber(decimal: start ?? 0).doubleValue)
        // MP4/MOV: the sample index holds every timestamp.
        if family == .mov { return (.index, tail) }
        // Matroska/WebM (Cues) and AVI (idx1): a timestamp seek goes through the index; every packet is timed.
        if family == .timestampIndexed { return (.tail, tail) }
        // MPEG-TS: no index, but every PES packet carries its timestamps and the demuxer finds the next sync
        // byte after a byte seek. The last ~15 s at the average bit rate (256 KB to 24 MB) hold every stream's last
        // packets unless a stream fell silent long before the end, which the scan then reports as untrusted.
        if family == .transportStream, size > 0 {
            let window = Int64(min(max(Double(size) / seconds * 15, 262_144), 24_000_000))
            if size > window * 2 { return (.tail, .byte(size - window)) }
        }
        // FLV: no index, so a timestamp seek reads everything before the target, and libavformat 5.1's FLV
        // demuxer does not resynchronise after a byte seek. Its own tag chain is read back from the end
        // instead (every tag is followed by its size), a few seconds' worth, at most 8 MB.
        if family == .flv, size > 0 {
            let window = Int64(min(max(Double(size) / seconds * 15, 262_144), 24_000_000))
            if size > window * 2 { return (.tail, .flvTagChain(maxBytes: min(window, 8_000_000))) }
        }
        // Scanned in full: Ogg (granule end-trimming), MP3 (frames carry no timestamp at all).
        return nil
    }
}

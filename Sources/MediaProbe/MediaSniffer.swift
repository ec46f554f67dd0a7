internal import CFFmpeg
import Foundation

/// Decides by content, not by name, whether a file is media: libavformat's own format probe on the first
/// kilobytes, the same test avformat_open_input runs, without opening a demuxer.
public enum MediaSniffer {
    /// Formats that match plain text; a document that happens to parse as subtitles is not a video.
    static let textFormats: Set<String> = [
        "tty", "srt", "ass", "webvtt", "subviewer", "subviewer1",
        "microdvd", "mpl2", "jacosub", "realtext", "sami", "stl", "vplayer", "pjs", "lrc", "scc", "mcc",
    ]

    /// True when libavformat recognises the first bytes of `path` as a media container.
    public static func looksLikeMedia(_ path: String) -> Bool {
        // FileCheck, not FileHandle: a FIFO named clip.mp4 would block a plain open forever.
        guard let file = try? FileCheck.open(path) else { return false }
        defer { close(file.descriptor) }
        var head = [UInt8](repeating: 0, count: 4096)
        let count = pread(file.descriptor, &head, head.count, 0)
        guard count > 0 else { return false }
        head.removeSubrange(count...)
        var buffer = head
        let size = buffer.count
        buffer.append(contentsOf: [UInt8](repeating: 0, count: Int(AVPROBE_PADDING_SIZE)))
        var score: Int32 = 0
        let format: UnsafePointer<AVInputFormat>? = buffer.withUnsafeMutableBufferPointer { bytes in
            path.withCString { name in
                var data = AVProbeData(filename: name, buf: bytes.baseAddress, buf_size: Int32(size), mime_type: nil)
                return av_probe_input_format3(&data, 1, &score)
            }
        }
        guard let format, score >= AVPROBE_SCORE_RETRY, let name = cString(format.pointee.name) else { return false }
        return !textFormats.contains(name)
    }
}

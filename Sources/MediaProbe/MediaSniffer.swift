import CFFmpeg
import Foundation

/// Decides by content, not by name, whether a file is media: libavformat's own format probe on the first
/// kilobytes, the same test avformat_open_input runs, without opening a demuxer.
public enum MediaSniffer {
    /// Formats that match plain text; a document that happens to parse as subtitles is not a video.
    private static let textFormats: Set<String> = ["tty", "srt", "ass", "webvtt", "subviewer", "subviewer1",
        "microdvd", "mpl2", "jacosub", "realtext", "sami", "stl", "vplayer", "pjs", "lrc", "scc", "mcc"]

    /// True when libavformat recognises the first bytes of `path` as a media container.
    public static func looksLikeMedia(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        guard let head = try? handle.read(upToCount: 4096), !head.isEmpty else { return false }
        var buffer = [UInt8](head)
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

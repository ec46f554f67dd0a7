internal import CFFmpeg
import Foundation

/// The FFmpeg libraries this process runs with (not the headers it was built against): what `clipmeter --version`,
/// the benchmark output and bug reports name, since durations can differ between FFmpeg releases.
public enum LibraryVersions {
    /// `libavformat 59.27.100, libavcodec 59.37.100, libavutil 57.28.100`.
    public static var summary: String {
        [("libavformat", avformat_version()), ("libavcodec", avcodec_version()), ("libavutil", avutil_version())]
            .map { "\($0.0) \(dotted($0.1))" }.joined(separator: ", ")
    }

    /// FFmpeg packs a version as major << 16 | minor << 8 | micro.
    static func dotted(_ version: UInt32) -> String {
        "\(version >> 16).\((version >> 8) & 0xFF).\(version & 0xFF)"
    }
}

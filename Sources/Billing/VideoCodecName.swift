import Foundation

/// The one reading of a video codec's name into the name price lists use (`h264`, `h265`, `av1`, `vp9`, …),
/// whoever wrote it: IMS and MPS configurations (`H.264`, `H.265`, `HEVC`, `AV1`), FFmpeg's stream codecs
/// (`h264`, `hevc`), sample-entry tags (`avc1`, `hvc1`, `hev1`, `av01`, `vp09`) and encoder names (`libx264`,
/// `x265`, `hevc_nvenc`, `libsvtav1`, `libvpx-vp9`). Case, dots, dashes, underscores, slashes and spaces do not
/// matter. A name it does not know comes back lowercased and trimmed, so a message can show it as written.
public enum VideoCodecName {
    /// The price-list name of `codec`, nil when `codec` is nil or blank.
    public static func normalized(_ codec: String?) -> String? {
        guard let written = codec?.trimmingCharacters(in: .whitespacesAndNewlines).lowercased(), !written.isEmpty else {
            return nil
        }
        let bare = String(written.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) })
        let stem = bare.hasPrefix("lib") ? String(bare.dropFirst(3)) : bare
        for (name, spellings) in families where spellings.contains(where: { stem.hasPrefix($0) }) {
            return name
        }
        return written
    }

    /// Each price-list name with the stems that spell it (a stem matches a name that starts with it, so
    /// hardware encoders such as `h264_nvenc` or `hevc_qsv` are read too).
    private static let families: [(String, [String])] = [
        ("h264", ["h264", "avc", "x264", "openh264", "mpeg4avc", "mpeg4part10"]),
        ("h265", ["h265", "hevc", "hvc1", "hev1", "x265", "kvazaar"]),
        ("av1", ["av1", "av01", "aomav1", "svtav1", "rav1e", "dav1d"]),
        ("vp9", ["vp9", "vp09", "vpxvp9"]),
        ("vp8", ["vp8", "vp08", "vpx"]),
    ]
}

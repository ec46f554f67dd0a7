import Foundation

/// Text playlists (HLS, ffconcat) name other files; they are recognised by their first line, after an ID3 tag or
/// a byte-order mark, before any demuxer runs.
enum PlaylistText {
    static func startsLikePlaylist(_ magic: Data) -> Bool {
        var bytes = [UInt8](magic)
        if bytes.count >= 10, bytes[0] == 0x49, bytes[1] == 0x44, bytes[2] == 0x33 {
            let size = bytes[6...9].reduce(0) { ($0 << 7) | Int($1 & 0x7F) }
            bytes = Array(bytes.dropFirst(min(bytes.count, 10 + size)))
        }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        let text = String(decoding: bytes.drop { $0 == 0x20 || (0x09...0x0D).contains($0) }, as: UTF8.self)
        return text.hasPrefix("#EXTM3U") || text.hasPrefix("ffconcat")
    }
}

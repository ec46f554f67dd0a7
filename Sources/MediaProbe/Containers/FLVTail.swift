import Foundation

/// The end of an FLV file read from its own structure, not through the demuxer (libavformat 5.1's FLV demuxer
/// does not resynchronise after a byte seek). Every tag is followed by a 4-byte PreviousTagSize, so from the
/// file's end the tags can be walked back one by one: type (8 audio, 9 video), 24-bit timestamp plus 8-bit
/// extension (the packet's dts, in ms), and for H.264/MPEG-4 video the composition time offset (pts − dts).
/// Only tags the demuxer turns into packets count: sequence headers, end-of-sequence markers, empty tags and
/// video info/command frames are skipped as libavformat 5.1 skips them.
enum FLVTail {
    static let audioTag: UInt8 = 8
    static let videoTag: UInt8 = 9
    static let scriptTag: UInt8 = 18

    /// What the tags of one type (8 or 9) near the end say, in ms.
    struct StreamEnd: Equatable {
        /// The dts of the last packet tag (the tag nearest the end).
        var lastDTS: Int64
        /// The earliest dts among the packet tags walked.
        var earliestDTS: Int64
        /// max(dts + composition offset) over the packet tags walked: the latest pts.
        var maxPTS: Int64
        var packets: Int
        /// The largest |composition offset| seen: how far pts strays from dts (B-frame reordering).
        var maxReorder: Int64
    }

    /// The outcome of one walk over `bytes`, the last `bytes.count` bytes of the file.
    enum Walk: Equatable {
        /// Tags walked back to `reachedOffset` (absolute): per tag type, what was found.
        case tags([UInt8: StreamEnd], reachedOffset: Int64, reachedStart: Bool)
        case untrusted(String)
    }

    /// Walks the tag chain back from the end of `bytes`, which end at the file's end (`fileSize`). Stops at
    /// the first tag that begins before the bytes given (more bytes may be read and the walk done again),
    /// or at the file's first tag (`firstTagOffset`).
    static func walk(_ bytes: [UInt8], fileSize: Int64, firstTagOffset: Int64) -> Walk {
        let base = fileSize - Int64(bytes.count)
        var ends: [UInt8: StreamEnd] = [:]
        var pos = bytes.count
        func be(_ at: Int, _ count: Int) -> Int64 {
            var v: Int64 = 0
            for i in at..<(at + count) { v = v << 8 | Int64(bytes[i]) }
            return v
        }
        while true {
            let absolute = base + Int64(pos)
            // PreviousTagSize0 sits just before the first tag: the whole file has been walked.
            if absolute <= firstTagOffset {
                return absolute == firstTagOffset
                    ? .tags(ends, reachedOffset: absolute, reachedStart: true)
                    : .untrusted("the tag chain does not lead back to the file's first tag (byte \(absolute))")
            }
            guard pos >= 4 else { return .tags(ends, reachedOffset: absolute, reachedStart: false) }
            let previous = be(pos - 4, 4)
            let tagAt = absolute - 4 - previous
            if previous < 11 || tagAt < firstTagOffset {
                return .untrusted(
                    "the PreviousTagSize at byte \(absolute - 4) (\(previous)) points outside the tags: the file is cut short or damaged there"
                )
            }
            let start = pos - 4 - Int(previous)
            guard start >= 0 else { return .tags(ends, reachedOffset: absolute, reachedStart: false) }
            let type = bytes[start] & 0x1F
            let dataSize = be(start + 1, 3)
            guard dataSize + 11 == previous else {
                return .untrusted(
                    "the PreviousTagSize at byte \(absolute - 4) (\(previous)) does not match the tag it follows (\(dataSize + 11) bytes): the file is cut short or damaged there"
                )
            }
            guard be(start + 8, 3) == 0, [audioTag, videoTag, scriptTag].contains(type) else {
                return .untrusted("no valid tag header at byte \(tagAt)")
            }
            let dts = be(start + 4, 3) | Int64(bytes[start + 7]) << 24
            let body = start + 11
            var cts: Int64 = 0
            var isPacket = false
            switch type {
            case audioTag where dataSize >= 1:
                // AAC: a packet-type byte; 0 is the AudioSpecificConfig (extradata, not a packet).
                if bytes[body] >> 4 == 10 {
                    isPacket = dataSize >= 3 && bytes[body + 1] != 0
                } else {
                    isPacket = dataSize >= 2
                }
            case videoTag where dataSize >= 1:
                let frameType = bytes[body] >> 4
                let codec = bytes[body] & 0x0F
                if frameType == 5 { break }  // video info/command frame: skipped by the demuxer
                switch codec {
                case 7, 9:  // H.264, MPEG-4 part 2: packet type and a signed 24-bit composition offset
                    guard dataSize >= 5 else { break }
                    let packetType = bytes[body + 1]
                    if packetType == 0 {
                        if codec == 9 { return .untrusted("an MPEG-4 sequence header near the end (at byte \(tagAt))") }
                        break
                    }
                    cts = be(body + 2, 3)
                    if cts >= 0x80_0000 { cts -= 0x100_0000 }
                    if cts < 0 {
                        return .untrusted(
                            "a negative composition offset near the end (at byte \(tagAt)): the demuxer distrusts those timestamps")
                    }
                    if cts > 15 * 60 * 1000 { return .untrusted("an invalid composition offset near the end (at byte \(tagAt))") }
                    isPacket = dataSize >= 6
                case 2, 3, 4, 5, 6, 8:
                    isPacket = dataSize >= 2
                default:
                    return .untrusted("video codec id \(codec) near the end, which libavformat 5.1 does not read")
                }
            default:
                break
            }
            if isPacket {
                if var end = ends[type] {
                    // Walking backwards, each stream's dts may only stay or fall.
                    if dts > end.earliestDTS {
                        return .untrusted(
                            "\(type == audioTag ? "audio" : "video") timestamps are not monotonic near the end (\(dts) ms at byte \(tagAt), then \(end.earliestDTS) ms)"
                        )
                    }
                    end.earliestDTS = dts
                    end.maxPTS = max(end.maxPTS, dts + cts)
                    end.packets += 1
                    end.maxReorder = max(end.maxReorder, abs(cts))
                    ends[type] = end
                } else {
                    ends[type] = StreamEnd(lastDTS: dts, earliestDTS: dts, maxPTS: dts + cts, packets: 1, maxReorder: abs(cts))
                }
            }
            pos = start
        }
    }

    /// True once the walk reaches far enough back for every wanted tag type that no packet before it can end
    /// later: three seconds of that stream's packets, plus the largest reordering seen.
    static func covers(_ ends: [UInt8: StreamEnd], types: Set<UInt8>) -> Bool {
        types.allSatisfy { type in
            guard let end = ends[type], end.packets >= 2 else { return false }
            return end.lastDTS - end.earliestDTS >= 3000 + 2 * end.maxReorder
        }
    }
}

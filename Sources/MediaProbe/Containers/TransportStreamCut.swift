import Foundation

/// An MPEG-TS file cut at a transport-packet boundary still has a size that is a multiple of 188, so the
/// size alone does not give it away; the last PES packet of each audio or video stream does. Read from the
/// file's last bytes, beside the demuxer.
enum TransportStreamCut {
    /// The bytes read from the end of the file: enough for every stream's last packets, few enough for an
    /// object read over the network.
    static let window = 188 * 348

    /// One elementary stream whose last PES packet the file's end cuts.
    struct Cut: Equatable {
        var pid: Int
        /// The PES packet's length as its header declares it (header included), nil when left open (0).
        var declared: Int?
        /// The bytes of it the file holds, when its start lies in the window.
        var held: Int?
    }

    /// The streams whose last PES packet is cut, in `bytes`, the last bytes of a file of 188-byte packets
    /// (`bytes.count` a multiple of 188). A PES packet with a declared length is cut when fewer bytes follow
    /// its header; one left open (video, as most muxers write it) is cut when its last transport packet is
    /// full of payload, since a muxer pads the last packet of every PES packet with adaptation-field stuffing
    /// unless the payload fills it exactly.
    static func cuts(in bytes: [UInt8]) -> [Cut] {
        guard bytes.count >= 188, bytes.count % 188 == 0 else { return [] }
        struct Open { var declared: Int?; var held: Int; var lastFull: Bool }
        var open: [Int: Open] = [:]
        var elementary = Set<Int>()
        for start in stride(from: 0, to: bytes.count, by: 188) {
            guard bytes[start] == 0x47 else { return [] }
            let pid = Int(bytes[start + 1] & 0x1F) << 8 | Int(bytes[start + 2])
            let unitStart = bytes[start + 1] & 0x40 != 0
            let control = (bytes[start + 3] >> 4) & 0x3
            guard control & 0x1 != 0 else { continue }  // no payload
            var payload = start + 4
            if control & 0x2 != 0 { payload += 1 + Int(bytes[start + 4]) }
            guard payload < start + 188 else { continue }
            let full = control == 0x1
            if unitStart {
                let p = payload
                guard p + 6 <= start + 188, bytes[p] == 0, bytes[p + 1] == 0, bytes[p + 2] == 1 else {
                    open[pid] = nil  // a section (PAT, PMT, …), not a PES packet
                    continue
                }
                let streamID = bytes[p + 3]
                // Audio (0xC0–0xDF), video (0xE0–0xEF), private stream 1 (AC-3, DTS…), extended (0xFD).
                guard (0xC0...0xEF).contains(streamID) || streamID == 0xBD || streamID == 0xFD else {
                    open[pid] = nil
                    continue
                }
                elementary.insert(pid)
                let length = Int(bytes[p + 4]) << 8 | Int(bytes[p + 5])
                open[pid] = Open(declared: length > 0 ? length + 6 : nil, held: start + 188 - p, lastFull: full)
            } else if elementary.contains(pid), var pes = open[pid] {
                pes.held += start + 188 - payload
                pes.lastFull = full
                open[pid] = pes
            }
        }
        return open.sorted { $0.key < $1.key }.compactMap { pid, pes in
            if let declared = pes.declared {
                return pes.held < declared ? Cut(pid: pid, declared: declared, held: pes.held) : nil
            }
            return pes.lastFull ? Cut(pid: pid, declared: nil, held: pes.held) : nil
        }
    }
}

extension TransportStreamCut {
    /// MPEG-TS has no index and no trailer, so a transfer cut mid-way leaves a file that still opens and
    /// measures; its size gives the cut away when it falls inside a transport packet.
    static func packetCut(size: Int64) -> ProbeWarning? {
        guard size > 0 else { return nil }
        // 188-byte packets, 192 with an M2TS timecode, 204 with Reed-Solomon parity.
        if [188, 192, 204].contains(where: { size % Int64($0) == 0 }) { return nil }
        return .truncatedTransportPacket(bytesIntoPacket: size % 188)
    }

    /// The cuts in a whole-packet file's last bytes, as warnings (read beside the demuxer, which stays put).
    static func pesCuts(_ context: FormatContext, size: Int64) -> [ProbeWarning] {
        guard size > 0, size % 188 == 0 else { return [] }
        let count = Int(min(size, Int64(window)))
        guard let tail = context.readBytes(at: size - Int64(count), count: count) else { return [] }
        return cuts(in: tail).map { .truncatedPES(pid: $0.pid, declared: $0.declared, held: $0.held) }
    }
}

import CDigests

/// SHA-256 and HMAC over byte arrays, for signing OSS requests and bounding long job keys.
///
/// The digests live apart from the FFmpeg shim so that the modules that hash say so in their dependencies; see
/// docs/development.md for why they are libavutil's rather than a crypto package's.
public enum Digest {
    /// The hash an HMAC is built on.
    public enum Hash: Sendable {
        case sha1, sha256
    }

    /// SHA-256 of `bytes` (32 bytes).
    public static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        let status = bytes.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { cdg_sha256(input.baseAddress, input.count, $0.baseAddress) }
        }
        // Only an allocation failure makes libavutil refuse; a process out of memory cannot sign or key anything.
        precondition(status == 0, "SHA-256: out of memory")
        return out
    }

    /// HMAC of `message` under `key` (20 bytes for SHA-1, 32 for SHA-256).
    public static func hmac(_ hash: Hash, key: [UInt8], message: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        let length = key.withUnsafeBufferPointer { k in
            message.withUnsafeBufferPointer { m in
                out.withUnsafeMutableBufferPointer { o in
                    cdg_hmac(hash == .sha256 ? 1 : 0, k.baseAddress, UInt32(k.count), m.baseAddress, UInt32(m.count), o.baseAddress)
                }
            }
        }
        precondition(length > 0, "HMAC: out of memory")
        return Array(out.prefix(Int(length)))
    }

    /// Lower-case hexadecimal, two digits a byte.
    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

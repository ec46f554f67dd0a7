/// File names as the file system holds them: bytes, not always UTF-8.
///
/// A name from a Windows archive (GBK, Latin-1) is not valid UTF-8, and Swift's `String` holds only valid Unicode:
/// decoded the usual way, every bad byte becomes U+FFFD, two different files get one name, and neither can be
/// opened by it. Here each byte that is not part of valid UTF-8 becomes one scalar of Supplementary Private Use
/// Area-B, U+10FF80…U+10FFFF (byte 0x80 + n → U+10FF80 + n), which no file name written as text uses; `bytes`
/// turns those back into the byte itself, so the name round-trips exactly and every system call that goes through
/// `withCString` opens the right file. Outputs show such a byte as `\xNN` (`display`).
public enum FileName {
    /// The first scalar standing for a raw byte (0x80).
    private static let base: UInt32 = 0x10FF00

    /// True when `scalar` stands for a raw byte.
    public static func isByteEscape(_ scalar: Unicode.Scalar) -> Bool { scalar.value >= base + 0x80 && scalar.value <= base + 0xFF }

    /// The name of `bytes`: their UTF-8 text, with each byte that is not valid UTF-8 kept as its escape scalar.
    public static func text(fromBytes bytes: [UInt8]) -> String {
        if let valid = String(validating: bytes, as: UTF8.self) { return valid }
        var scalars = String.UnicodeScalarView()
        var index = 0
        while index < bytes.count {
            let length = validSequenceLength(bytes, at: index)
            if length > 0 {
                scalars.append(contentsOf: String(decoding: bytes[index..<index + length], as: UTF8.self).unicodeScalars)
                index += length
            } else {
                scalars.append(Unicode.Scalar(base + UInt32(bytes[index]))!)
                index += 1
            }
        }
        return String(scalars)
    }

    /// The bytes `text` names on the file system.
    public static func bytes(_ text: String) -> [UInt8] {
        guard text.unicodeScalars.contains(where: isByteEscape) else { return Array(text.utf8) }
        var out: [UInt8] = []
        for scalar in text.unicodeScalars {
            if isByteEscape(scalar) { out.append(UInt8(scalar.value - base)) } else { out += Array(String(scalar).utf8) }
        }
        return out
    }

    /// Calls `body` with the NUL-terminated bytes of `path`, for a system call.
    public static func withCString<R>(_ path: String, _ body: (UnsafePointer<CChar>) throws -> R) rethrows -> R {
        guard path.unicodeScalars.contains(where: isByteEscape) else { return try path.withCString(body) }
        let raw = bytes(path).map { CChar(bitPattern: $0) } + [0]
        return try raw.withUnsafeBufferPointer { try body($0.baseAddress!) }
    }

    /// `text` for people: each raw byte shown as `\xNN`.
    public static func display(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isByteEscape) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if isByteEscape(scalar) {
                let hex = String(scalar.value - base, radix: 16, uppercase: true)
                out += "\\x" + (hex.count == 1 ? "0" : "") + hex
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Length of the valid UTF-8 sequence starting at `index`, 0 when the byte there starts none.
    private static func validSequenceLength(_ bytes: [UInt8], at index: Int) -> Int {
        let lead = bytes[index]
        let length: Int
        switch lead {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF4: length = 4
        default: return 0
        }
        guard index + length <= bytes.count else { return 0 }
        return String(validating: bytes[index..<index + length], as: UTF8.self) == nil ? 0 : length
    }
}

import Foundation
import MediaProbe

/// Text from outside ClipMeter (file names, job and manifest ids, manifest fields, messages quoting them) made
/// safe to show on a terminal: the one escaping every table and every stderr line goes through.
///
/// A file name holding `ESC [1A ESC [2K` would move the cursor up and erase the error line above it; an OSC
/// sequence can retitle the window or, on some terminals, write the clipboard; a right-to-left override makes
/// `gpj.exe` read as `exe.jpg`. So every C0 control, DEL, every C1 control (a terminal may take U+009B as CSI)
/// and the bidirectional embeddings, overrides and isolates are shown as visible escapes (`\e`, `\n`, `\t`,
/// `\x7F`, `\u{202E}`) that keep the text readable and tell the user the name really holds them. Everything
/// else, accents and CJK included, is shown as it is.
public enum TerminalText {
    /// `text` on one line, every dangerous scalar shown as an escape.
    public static func line(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isDangerous) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard isDangerous(scalar) else {
                out.append(scalar)
                continue
            }
            out.append(contentsOf: escape(scalar).unicodeScalars)
        }
        return String(out)
    }

    /// `text` whose line breaks are meant (a multi-line message): each line made safe by `line(_:)`.
    public static func lines(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line(String($0)) }.joined(separator: "\n")
    }

    /// Whether a scalar can steer a terminal or reorder the text around it.
    static func isDangerous(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F: return true
        default: return FileName.isByteEscape(scalar)
        }
    }

    private static func escape(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\u{1B}": return "\\e"
        case "\n": return "\\n"
        case "\r": return "\\r"
        case "\t": return "\\t"
        case let byte where FileName.isByteEscape(byte):
            // A byte of a file name that is not UTF-8.
            return FileName.display(String(byte))
        default:
            let hex = String(scalar.value, radix: 16, uppercase: true)
            return scalar.value <= 0xFF ? "\\x" + (hex.count == 1 ? "0" + hex : hex) : "\\u{\(hex)}"
        }
    }
}

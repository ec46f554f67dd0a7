import Foundation
import MediaProbe
import Quantities

/// A JSON document with ordered keys and exact numbers, so output is stable byte for byte and a Decimal
/// never passes through Double on its way out.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number already written as JSON text (from `number(_:)`).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])
    /// A value already written as JSON text (encoded once, reused many times).
    case raw(String)

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool { lhs.rendered() == rhs.rendered() }

    /// A decimal as a JSON number, rounded to `scale` places for display (no binary float noise).
    public static func number(_ value: Decimal, scale: Int = 6) -> JSONValue {
        .number(DecimalText.plain(value, scale: scale))
    }

    public static func number(_ value: Int) -> JSONValue { .number(String(value)) }
    public static func number(_ value: Int64) -> JSONValue { .number(String(value)) }

    /// Optional helpers: nil becomes JSON null.
    public static func string(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }
    public static func number(_ value: Decimal?, scale: Int = 6) -> JSONValue { value.map { .number($0, scale: scale) } ?? .null }
    public static func number(_ value: Int?) -> JSONValue { value.map { .number($0) } ?? .null }

    /// How a document is laid out: on one line, tight (NDJSON) or with a space after each `,` and `:`
    /// (`bill --summary`), or pretty-printed with a two-space indent.
    public enum Layout: Sendable {
        case compact, spaced, pretty
    }

    /// Renders compact (one line, for NDJSON) or pretty (two-space indent).
    public func rendered(pretty: Bool = false) -> String {
        rendered(pretty: pretty, indent: 0)
    }

    /// Renders as if nested `indent` levels deep, so a large document can be written piece by piece.
    public func rendered(pretty: Bool, indent: Int) -> String {
        rendered(layout: pretty ? .pretty : .compact, indent: indent)
    }

    /// Renders in `layout`, as if nested `indent` levels deep.
    public func rendered(layout: Layout, indent: Int = 0) -> String {
        var out = ""
        write(into: &out, layout: layout, indent: indent)
        return out
    }

    private func write(into out: inout String, layout: Layout, indent: Int) {
        let pretty = layout == .pretty
        let comma = layout == .spaced ? ", " : ","
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += n
        case .raw(let text): out += text
        case .string(let s): JSONValue.escape(s, into: &out)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += comma }
                if pretty { out += "\n" + String(repeating: "  ", count: indent + 1) }
                item.write(into: &out, layout: layout, indent: indent + 1)
            }
            if pretty { out += "\n" + String(repeating: "  ", count: indent) }
            out += "]"
        case .object(let members):
            if members.isEmpty { out += "{}"; return }
            out += "{"
            for (i, (key, value)) in members.enumerated() {
                if i > 0 { out += comma }
                if pretty { out += "\n" + String(repeating: "  ", count: indent + 1) }
                JSONValue.escape(key, into: &out)
                out += layout == .compact ? ":" : ": "
                value.write(into: &out, layout: layout, indent: indent + 1)
            }
            if pretty { out += "\n" + String(repeating: "  ", count: indent) }
            out += "}"
        }
    }

    private static func escape(_ s: String, into out: inout String) {
        out += "\""
        // Most strings need no escaping: append them whole.
        // 0x7F is DEL; 0xC2 and 0xE2 lead the UTF-8 of C1 controls and of the bidirectional controls, which
        // are written as \u escapes too so JSON shown on a terminal cannot steer it (see TerminalText).
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0x7F || $0 == 0xC2 || $0 == 0xE2 || $0 == 0xF4 }) {
            out += s
            out += "\""
            return
        }
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            // A byte of a file name that is not UTF-8: `\xNN` as text, as every output shows it.
            case let c where FileName.isByteEscape(c): out += FileName.display(String(c)).replacingOccurrences(of: "\\", with: "\\\\")
            case let c where c.value < 0x20 || TerminalText.isDangerous(c): out += String(format: "\\u%04x", c.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}

/// Decimal → plain text without exponent or float noise.
enum DecimalText {
    /// Rounds half-up to `scale` places and drops trailing zeros ("60", "59.98", "0.021333").
    public static func plain(_ value: Decimal, scale: Int = 6) -> String {
        let rounded = DecimalRounding.rounded(value, places: scale)
        var text = NSDecimalNumber(decimal: rounded).stringValue
        if text.contains("e") || text.contains("E") { text = "\(rounded)" }
        return text
    }

    /// Fixed number of places ("0.60"), for money columns.
    public static func fixed(_ value: Decimal, places: Int) -> String {
        let rounded = DecimalRounding.rounded(value, places: places)
        var text = plain(rounded, scale: places)
        guard places > 0 else { return text }
        if !text.contains(".") { text += "." }
        let decimals = text.split(separator: ".", omittingEmptySubsequences: false).last?.count ?? 0
        if decimals < places { text += String(repeating: "0", count: places - decimals) }
        return text
    }
}

import Foundation

// MARK: - Encodable → JSONValue

extension JSONValue {
    /// The JSON a type's own `encode(to:)` writes, as a `JSONValue` with numbers kept as the encoder wrote them,
    /// so renderers can add keys and fix key order without a Decimal ever passing through Double.
    public static func encoding<T: Encodable>(_ value: T) throws -> JSONValue {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try parse(encoder.encode(value))
    }

    /// Parses JSON text; numbers stay text (`.number("0.1")`), object keys keep their order.
    public static func parse(_ data: Data) throws -> JSONValue {
        var parser = JSONTextParser(bytes: Array(data))
        let value = try parser.value()
        parser.skipWhitespace()
        guard parser.atEnd else { throw parser.error("trailing characters") }
        return value
    }

    /// The member named `key` of an object, nil for other values.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }

    /// An object with its members put in `order`; members not named there follow in their existing order.
    /// Other values are returned unchanged.
    public func ordered(_ order: [String]) -> JSONValue {
        guard case .object(let members) = self else { return self }
        let rank = Dictionary(order.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        let sorted = members.enumerated().sorted { lhs, rhs in
            let l = rank[lhs.element.0] ?? order.count + lhs.offset
            let r = rank[rhs.element.0] ?? order.count + rhs.offset
            return l < r
        }
        return .object(sorted.map(\.element))
    }

    /// An array with `transform` applied to each element; other values are returned unchanged.
    func mapElements(_ transform: (JSONValue) -> JSONValue) -> JSONValue {
        guard case .array(let items) = self else { return self }
        return .array(items.map(transform))
    }

    /// An object with the member `key` replaced by `transform` of it (absent members stay absent).
    func updating(_ key: String, _ transform: (JSONValue) -> JSONValue) -> JSONValue {
        guard case .object(let members) = self else { return self }
        return .object(members.map { $0.0 == key ? ($0.0, transform($0.1)) : $0 })
    }
}

/// Why JSON text could not be read (only Foundation's own encoder output is parsed, so this means a bug).
public struct JSONTextError: Error, CustomStringConvertible {
    /// Byte offset of the problem.
    public var offset: Int
    /// What was expected.
    public var reason: String
    /// "invalid JSON at byte N: reason".
    public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

// MARK: - Parser

/// A small recursive-descent JSON reader over UTF-8 bytes.
private struct JSONTextParser {
    let bytes: [UInt8]
    var index = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index >= bytes.count }

    func error(_ reason: String) -> JSONTextError { JSONTextError(offset: index, reason: reason) }

    mutating func skipWhitespace() {
        while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
    }

    mutating func value() throws -> JSONValue {
        skipWhitespace()
        guard index < bytes.count else { throw error("unexpected end") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: return .number(try number())
        }
    }

    private mutating func literal(_ word: String) throws {
        let expected = Array(word.utf8)
        guard index + expected.count <= bytes.count, Array(bytes[index..<index + expected.count]) == expected else {
            throw error("expected \(word)")
        }
        index += expected.count
    }

    private mutating func expect(_ byte: Character) throws {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == byte.asciiValue else { throw error("expected \(byte)") }
        index += 1
    }

    private mutating func peek(_ byte: Character) -> Bool {
        skipWhitespace()
        return index < bytes.count && bytes[index] == byte.asciiValue
    }

    private mutating func object() throws -> JSONValue {
        try expect("{")
        var members: [(String, JSONValue)] = []
        if peek("}") { index += 1; return .object(members) }
        while true {
            skipWhitespace()
            let key = try string()
            try expect(":")
            members.append((key, try value()))
            if peek(",") { index += 1; continue }
            try expect("}")
            return .object(members)
        }
    }

    private mutating func array() throws -> JSONValue {
        try expect("[")
        var items: [JSONValue] = []
        if peek("]") { index += 1; return .array(items) }
        while true {
            items.append(try value())
            if peek(",") { index += 1; continue }
            try expect("]")
            return .array(items)
        }
    }

    private mutating func number() throws -> String {
        let start = index
        let allowed = Set("+-0123456789.eE".utf8)
        while index < bytes.count, allowed.contains(bytes[index]) { index += 1 }
        guard index > start, let text = String(bytes: bytes[start..<index], encoding: .utf8) else {
            throw error("expected a value")
        }
        return text
    }

    private mutating func string() throws -> String {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a string") }
        index += 1
        var raw: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: raw, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { throw error("unfinished escape") }
                let escaped = bytes[index]
                index += 1
                switch escaped {
                case UInt8(ascii: "n"): raw.append(0x0A)
                case UInt8(ascii: "r"): raw.append(0x0D)
                case UInt8(ascii: "t"): raw.append(0x09)
                case UInt8(ascii: "b"): raw.append(0x08)
                case UInt8(ascii: "f"): raw.append(0x0C)
                case UInt8(ascii: "u"): raw.append(contentsOf: Array(String(try unicodeEscape()).utf8))
                default: raw.append(escaped)  // \" \\ \/
                }
            default:
                raw.append(byte)
            }
        }
        throw error("unterminated string")
    }

    /// Reads the four hex digits after `\u` (and a following low surrogate when the first is a high one).
    private mutating func unicodeEscape() throws -> Character {
        let first = try hex4()
        if (0xD800..<0xDC00).contains(first), index + 6 <= bytes.count,
           bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
            index += 2
            let second = try hex4()
            let combined = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            return Character(Unicode.Scalar(combined) ?? "\u{FFFD}")
        }
        return Character(Unicode.Scalar(first) ?? "\u{FFFD}")
    }

    private mutating func hex4() throws -> UInt32 {
        guard index + 4 <= bytes.count, let text = String(bytes: bytes[index..<index + 4], encoding: .ascii),
              let value = UInt32(text, radix: 16) else { throw error("bad \\u escape") }
        index += 4
        return value
    }
}

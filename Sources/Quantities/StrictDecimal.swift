import Foundation

/// The one parser for decimal numbers that users write: in flags, manifests, timelines and rate cards.
///
/// `Decimal(string:)` reads the longest numeric prefix (`1-2` → 1, `1.2.3` → 1.2) and `Double` accepts `inf` and
/// `nan`; a bill built on either silently prices something other than what was written. This parser takes the
/// whole text or nothing, and says why not.
public enum StrictDecimal {
    /// Why a text is not a number, phrased for the user (callers add the field or flag name).
    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        /// Empty or blank text.
        case empty
        /// Not plain decimal notation: trailing text, a second point, `inf`, `NaN`, hex.
        case notDecimal(String)
        /// Beyond what `Decimal` holds exactly (about ±1e127, 38 significant digits).
        case outOfRange(String)

        public var description: String {
            switch self {
            case .empty: return "expected a number, found nothing"
            case .notDecimal(let text): return "expected a plain decimal number such as 12 or 2.5, found \"\(text)\""
            case .outOfRange(let text): return "\(text) is too large or too precise to be held exactly"
            }
        }
    }

    /// Most significant digits a `Decimal` keeps; longer literals would be rounded without a word.
    static let maximumDigits = 38

    /// Parses `[+-]digits[.digits][e[+-]digits]` (also `.5` and `5.`), surrounding spaces ignored.
    public static func parse(_ raw: String) -> Result<Decimal, Problem> {
        let text = raw.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return .failure(.empty) }
        let bytes = Array(text.utf8)
        var index = 0
        func digits() -> Int {
            let start = index
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
            return index - start
        }
        if bytes[index] == 0x2B || bytes[index] == 0x2D { index += 1 }
        var mantissaDigits = digits()
        if index < bytes.count, bytes[index] == 0x2E {
            index += 1
            mantissaDigits += digits()
        }
        guard mantissaDigits > 0 else { return .failure(.notDecimal(raw)) }
        if index < bytes.count, bytes[index] == 0x65 || bytes[index] == 0x45 {
            index += 1
            if index < bytes.count, bytes[index] == 0x2B || bytes[index] == 0x2D { index += 1 }
            let exponentDigits = digits()
            guard exponentDigits > 0 else { return .failure(.notDecimal(raw)) }
            guard exponentDigits <= 4 else { return .failure(.outOfRange(raw)) }
        }
        guard index == bytes.count else { return .failure(.notDecimal(raw)) }
        guard significantDigits(bytes) <= maximumDigits else { return .failure(.outOfRange(raw)) }
        let unsigned = bytes.first == 0x2B ? String(text.dropFirst()) : text
        guard let value = Decimal(string: unsigned, locale: Locale(identifier: "en_US_POSIX")), !value.isNaN else {
            return .failure(.outOfRange(raw))
        }
        return .success(value)
    }

    /// Digits of the mantissa between the first and last non-zero one (`0.00120` and `1200` have two).
    private static func significantDigits(_ bytes: [UInt8]) -> Int {
        let mantissa = bytes.prefix { $0 != 0x65 && $0 != 0x45 }.filter { $0 >= 0x30 && $0 <= 0x39 }
        let noLeading = mantissa.drop { $0 == 0x30 }
        var count = noLeading.count
        for byte in noLeading.reversed() {
            guard byte == 0x30 else { break }
            count -= 1
        }
        return count
    }

    /// The value, or nil when the text is not a number.
    public static func value(_ text: String) -> Decimal? {
        try? parse(text).get()
    }
}

/// Numbers in a JSON document that no exact type here can hold.
public enum JSONNumbers {
    /// The first number literal of `json` (outside strings) that `StrictDecimal` finds too large or too precise,
    /// such as `1e300`: a decoder reports it as "not valid JSON", which sends the user looking for a syntax error.
    public static func firstOutOfRange(in json: Data) -> String? {
        var inString = false
        var escaped = false
        var literal: [UInt8] = []
        func finish() -> String? {
            defer { literal.removeAll(keepingCapacity: true) }
            guard !literal.isEmpty, let text = String(bytes: literal, encoding: .utf8),
                case .failure(.outOfRange) = StrictDecimal.parse(text)
            else { return nil }
            return text.count > 40 ? text.prefix(40) + "…" : text
        }
        for byte in json {
            if inString {
                if escaped { escaped = false } else if byte == 0x5C { escaped = true } else if byte == 0x22 { inString = false }
                continue
            }
            switch byte {
            case 0x30...0x39, 0x2D, 0x2B, 0x2E, 0x65, 0x45:
                literal.append(byte)
            default:
                if let found = finish() { return found }
                if byte == 0x22 { inString = true }
            }
        }
        return finish()
    }
}

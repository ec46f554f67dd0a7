import Foundation
import Quantities
import Yams

/// A parsed JSON or YAML document, kept exact: numbers are `Decimal` parsed from their digits (a `Double`
/// would turn an IMS `Duration` of 14.9 into 14.900000000000002), and YAML scalars keep their text so a
/// quoted `"123"` stays a string.
enum SourceValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Decimal)
    case string(String)
    case list([SourceValue])
    case map([String: SourceValue])

    // MARK: - Parsing

    /// Parses JSON with exact decimals.
    static func json(_ data: Data) throws -> SourceValue {
        try JSONDecoder().decode(SourceValue.self, from: data)
    }

    /// Parses the first YAML document (JSON is accepted too, as YAML flow style).
    ///
    /// Yams shares an aliased node instead of copying it, so composing is cheap; the expansion happens here,
    /// and stops after `maxNodes` nodes: a nine-level alias bomb is a few hundred bytes of text that would
    /// otherwise grow into hundreds of millions of values. Plain scalars under a key in `textKeys` keep the
    /// text as written (`id: 001` is the id "001", not the number 1; `id: yes` is "yes").
    static func yaml(
        _ text: String, maxNodes: Int = ReadLimits.standard.maxNodes,
        textKeys: Set<String> = []
    ) throws -> SourceValue {
        guard let node = try Yams.compose(yaml: text) else { return .null }
        var budget = NodeBudget(remaining: maxNodes, limit: maxNodes)
        return try SourceValue(node: node, budget: &budget, textKeys: textKeys, asText: false)
    }

    /// Counts the values built from one YAML document.
    private struct NodeBudget {
        var remaining: Int
        let limit: Int

        mutating func spend() throws {
            remaining -= 1
            guard remaining >= 0 else {
                throw SourceValueError(
                    message: "the document expands to more than \(limit) values (YAML aliases"
                        + " repeated inside each other, an \"alias bomb\"?); it is not read")
            }
        }
    }

    private init(node: Node, budget: inout NodeBudget, textKeys: Set<String>, asText: Bool) throws {
        try budget.spend()
        switch node {
        case .scalar(let scalar):
            let plain = scalar.style == .plain || scalar.style == .any
            let value = SourceValue.scalar(scalar.string, plain: plain)
            self = asText && value.isNumberOrBool ? .string(scalar.string) : value
        case .sequence(let sequence):
            var items: [SourceValue] = []
            for item in sequence { items.append(try SourceValue(node: item, budget: &budget, textKeys: textKeys, asText: false)) }
            self = .list(items)
        case .mapping(let mapping):
            var result: [String: SourceValue] = [:]
            for (key, value) in mapping {
                guard case .scalar(let keyScalar) = key else {
                    throw SourceValueError(message: "a mapping key is not a plain value")
                }
                result[keyScalar.string] = try SourceValue(
                    node: value, budget: &budget, textKeys: textKeys,
                    asText: textKeys.contains(ManifestLoader.canonical(keyScalar.string)))
            }
            self = .map(result)
        case .alias:
            throw SourceValueError(message: "YAML aliases are not supported here")
        }
    }

    private var isNumberOrBool: Bool {
        switch self {
        case .number, .bool: return true
        default: return false
        }
    }

    /// A YAML scalar by its text: plain `null`/`~`/empty is null, plain `true`/`false` a bool, plain digits a
    /// number; anything quoted is a string.
    private static func scalar(_ text: String, plain: Bool) -> SourceValue {
        guard plain else { return .string(text) }
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default: break
        }
        if let number = exactNumber(text) { return .number(number) }
        return .string(text)
    }

    /// A whole decimal literal, through the one strict parser (`Decimal(string:)` would read "12abc" as 12).
    static func exactNumber(_ text: String) -> Decimal? {
        StrictDecimal.value(text)
    }

    // MARK: - Access

    /// The value under `key` when this is a map.
    subscript(key: String) -> SourceValue? {
        if case .map(let map) = self { return map[key] }
        return nil
    }

    var mapValue: [String: SourceValue]? {
        if case .map(let map) = self { return map }
        return nil
    }

    var stringValue: String? {
        if case .string(let string) = self { return string }
        return nil
    }

    /// A short name of the kind of value, for "expected a number, found a list" messages.
    var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .list: return "a list"
        case .map: return "a mapping"
        }
    }

    // MARK: - Writing

    /// Compact JSON text of this value (keys sorted), used to hand an inline timeline on as JSON; written by
    /// `JSONValue`, the one JSON escaper.
    func jsonText() -> String {
        json.rendered()
    }

    private var json: JSONValue {
        switch self {
        case .null: return .null
        case .bool(let value): return .bool(value)
        case .number(let value): return .number("\(value)")
        case .string(let value): return .string(value)
        case .list(let values): return .array(values.map(\.json))
        case .map(let map): return .object(map.keys.sorted().map { ($0, map[$0]?.json ?? .null) })
        }
    }
}

extension SourceValue: Decodable {
    init(from decoder: Decoder) throws {
        if let container = try? decoder.container(keyedBy: AnyKey.self) {
            var result: [String: SourceValue] = [:]
            for key in container.allKeys {
                result[key.stringValue] = try container.decode(SourceValue.self, forKey: key)
            }
            self = .map(result)
            return
        }
        if var container = try? decoder.unkeyedContainer() {
            var result: [SourceValue] = []
            while !container.isAtEnd { result.append(try container.decode(SourceValue.self)) }
            self = .list(result)
            return
        }
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Decimal.self) {
            self = .number(value)
        } else {
            self = .string(try container.decode(String.self))
        }
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

/// A structural problem found while converting a YAML tree; wrapped into `ManifestError` by callers.
struct SourceValueError: Error {
    var message: String
}

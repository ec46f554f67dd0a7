import Foundation
import Yams

/// A rate card that cannot be used, naming the file and the field so the user can fix it.
public struct RateCardError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The card's file name (or bundled id).
    public var file: String
    /// Dotted path to the offending field, e.g. `features.image-text-matching.price`; empty for the whole file.
    public var field: String
    /// What is wrong with it.
    public var message: String

    /// "card.yaml: features.image-text-matching.price: negative price -0.3".
    public var description: String {
        field.isEmpty ? "\(file): \(message)" : "\(file): \(field): \(message)"
    }
}

/// The bundled rate cards and the loader for custom ones (`--rates FILE`).
public enum RateCardLoader {
    /// Regions of the international site that have a bundled `intl-REGION` card (docs/contract.md, Billing).
    public static let internationalRegions: [String] = [
        "cn-mainland", "hongkong", "us-silicon-valley", "frankfurt", "london", "singapore", "japan", "indonesia", "riyadh",
    ]

    /// Ids of every bundled card: `cn` first, then `intl-REGION` in the documented order.
    public static let bundledIDs: [String] = ["cn"] + internationalRegions.map { "intl-\($0)" }

    /// The bundled card with this id (`cn`, `intl-singapore`, …).
    ///
    /// The cards are compiled into the binary at build time (`BundledRateCardData`), not read from a resource folder.
    public static func bundled(_ id: String) throws -> RateCard {
        guard bundledIDs.contains(id), let text = BundledRateCardData.json[id] else {
            throw RateCardError(
                file: id, field: "",
                message: "no bundled rate card \"\(id)\" (bundled: \(bundledIDs.joined(separator: ", ")))"
            )
        }
        return try load(data: Data(text), name: "\(id).json")
    }

    /// Parses and validates a card from JSON or YAML bytes; `name` (usually the file name) appears in errors.
    /// JSON is recognised by a leading `{`; anything else is read as YAML.
    public static func load(data: Data, name: String) throws -> RateCard {
        guard let text = String(data: data, encoding: .utf8) else {
            throw RateCardError(file: name, field: "", message: "not UTF-8 text")
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty {
            throw RateCardError(file: name, field: "", message: "empty rate card")
        }
        let card: RateCard
        do {
            if trimmed.hasPrefix("{") {
                do {
                    card = try JSONDecoder().decode(RateCard.self, from: data)
                } catch let DecodingError.dataCorrupted(context) where context.codingPath.isEmpty {
                    // Not JSON syntax: a YAML flow mapping (`{id: x, ...}`) also starts with "{".
                    guard let yaml = try? YAMLDecoder().decode(RateCard.self, from: text) else {
                        throw DecodingError.dataCorrupted(context)
                    }
                    card = yaml
                }
            } else {
                card = try YAMLDecoder().decode(RateCard.self, from: text)
            }
        } catch let error as DecodingError {
            throw describe(error, file: name, syntax: trimmed.hasPrefix("{") ? "JSON" : "YAML")
        } catch let error as YamlError {
            throw RateCardError(file: name, field: "", message: "malformed YAML: " + Excerpt.bounded("\(error)"))
        } catch {
            let syntax = trimmed.hasPrefix("{") ? "malformed JSON" : "malformed YAML"
            throw RateCardError(file: name, field: "", message: "\(syntax): " + Excerpt.bounded(error.localizedDescription))
        }
        try validate(card, file: name)
        return card
    }

    // MARK: - Validation

    /// Checks what decoding cannot: known feature ids, present and non-negative prices, consistent references.
    public static func validate(_ card: RateCard, file: String) throws {
        func fail(_ field: String, _ message: String) -> RateCardError {
            RateCardError(file: file, field: field, message: message)
        }
        if card.currency.trimmingCharacters(in: .whitespaces).isEmpty { throw fail("currency", "missing currency") }
        if card.features.isEmpty { throw fail("features", "no features") }
        for (index, tier) in card.tiers.enumerated() where tier.longSide <= 0 || tier.shortSide <= 0 || tier.shortSide > tier.longSide {
            throw fail("tiers[\(index)]", "tier \(tier.name) needs 0 < shortSide ≤ longSide (got \(tier.longSide)×\(tier.shortSide))")
        }
        let tierNames = Set(card.tiers.map(\.name))

        for id in card.features.keys.sorted() {
            guard let rate = card.features[id] else { continue }
            let path = "features.\(id)"
            guard FeatureID(rawValue: id) != nil else {
                throw fail(path, "unknown feature id \"\(id)\" (known: \(FeatureID.known))")
            }
            if rate.rounding.decimals < 0 || rate.rounding.decimals > 6 {
                throw fail("\(path).rounding.decimals", "decimals must be 0…6 (got \(rate.rounding.decimals))")
            }
            if let minimum = rate.rounding.minimum, minimum < 0 {
                throw fail("\(path).rounding.minimum", "negative minimum \(NumberText.plain(minimum))")
            }
            try checkPrice(rate.price, "\(path).price", fail)
            try checkTable(rate.prices, "\(path).prices", tierNames, fail)
            for (edition, table) in (rate.editions ?? [:]).sorted(by: { $0.key < $1.key }) {
                try checkTable(table, "\(path).editions.\(edition)", tierNames, fail)
            }
            if rate.unavailable != nil { continue }

            switch rate.basis {
            case .tokens, .inputPlusOutputSeconds, .inputSeconds:
                if rate.price == nil { throw fail("\(path).price", "missing price (or set \"unavailable\" with the reason)") }
            case .outputFiles:
                let hasTable =
                    [rate.prices].compactMap { $0 }.contains { !$0.codecPrices.isEmpty || $0.audioPrice != nil }
                    || !(rate.editions ?? [:]).isEmpty
                if rate.price == nil, !hasTable {
                    throw fail("\(path).price", "missing price: give price, prices or editions (or set \"unavailable\")")
                }
                if let defaultEdition = rate.defaultEdition, rate.editions?[defaultEdition] == nil {
                    throw fail("\(path).defaultEdition", "edition \"\(defaultEdition)\" is not listed under editions")
                }
            case .asFeature:
                guard let target = rate.billedAs else { throw fail("\(path).billedAs", "missing billedAs for basis as-feature") }
                guard FeatureID(rawValue: target) != nil else {
                    throw fail("\(path).billedAs", "unknown feature id \"\(target)\"")
                }
                if target == id { throw fail("\(path).billedAs", "a feature cannot be billed as itself") }
                if let next = card.features[target], next.basis == .asFeature {
                    throw fail("\(path).billedAs", "\"\(target)\" is itself billed as another feature")
                }
            }
        }
    }

    private static func checkPrice(_ price: Decimal?, _ path: String, _ fail: (String, String) -> RateCardError) throws {
        if let price, price < 0 { throw fail(path, "negative price \(NumberText.plain(price))") }
    }

    private static func checkTable(
        _ table: PriceTable?, _ path: String, _ tiers: Set<String>, _ fail: (String, String) -> RateCardError
    ) throws {
        guard let table else { return }
        try checkPrice(table.audioPrice, "\(path).audioPrice", fail)
        for (codec, byTier) in table.codecPrices.sorted(by: { $0.key < $1.key }) {
            for (tier, price) in byTier.sorted(by: { $0.key < $1.key }) {
                let cell = "\(path).codecPrices.\(codec).\(tier)"
                guard tiers.contains(tier) else {
                    throw fail(cell, "unknown tier \"\(tier)\" (tiers: \(tiers.sorted().joined(separator: ", ")))")
                }
                try checkPrice(price, cell, fail)
            }
        }
    }

    /// Turns a Codable error into one naming the field path.
    static func describe(_ error: DecodingError, file: String, syntax: String) -> RateCardError {
        func path(_ keys: [CodingKey]) -> String {
            keys.reduce(into: "") { text, key in
                if let index = key.intValue {
                    text += "[\(index)]"
                } else {
                    text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
                }
            }
        }
        switch error {
        case let .keyNotFound(key, context):
            let field = path(context.codingPath + [key])
            let what = key.stringValue == "price" ? "missing price" : "missing field \"\(key.stringValue)\""
            return RateCardError(file: file, field: field, message: what)
        case let .typeMismatch(type, context):
            return RateCardError(file: file, field: path(context.codingPath), message: "wrong type, expected \(readable(type))")
        case let .valueNotFound(type, context):
            return RateCardError(file: file, field: path(context.codingPath), message: "missing value, expected \(readable(type))")
        case let .dataCorrupted(context):
            if context.codingPath.isEmpty {
                if let yaml = context.underlyingError as? YamlError {
                    return RateCardError(file: file, field: "", message: "malformed YAML: " + Excerpt.bounded("\(yaml)"))
                }
                var detail = context.debugDescription
                if let underlying = context.underlyingError as NSError?,
                    let debug = underlying.userInfo[NSDebugDescriptionErrorKey] as? String
                {
                    detail += " " + debug
                }
                return RateCardError(file: file, field: "", message: "malformed \(syntax): " + Excerpt.bounded(detail))
            }
            return RateCardError(file: file, field: path(context.codingPath), message: context.debugDescription)
        @unknown default:
            return RateCardError(file: file, field: "", message: "\(error)")
        }
    }

    /// The shape a decoder expected, by type: a card's author reads "a number", not a Swift type name.
    private static func readable(_ type: Any.Type) -> String {
        switch type {
        case is DecodedAsNumber.Type: return "a number"
        case is DecodedAsObject.Type: return "an object (key: value fields)"
        case is DecodedAsList.Type: return "a list"
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        default: return String(describing: type)
        }
    }
}

/// Types a card field decodes as a number.
protocol DecodedAsNumber {}
/// Types a card field decodes as an object of named fields.
protocol DecodedAsObject {}
/// Types a card field decodes as a list.
protocol DecodedAsList {}

extension Decimal: DecodedAsNumber {}
extension FlexibleDecimal: DecodedAsNumber {}
extension Dictionary: DecodedAsObject {}
extension PriceTable: DecodedAsObject {}
extension FeatureRate: DecodedAsObject {}
extension Array: DecodedAsList {}
extension Node.Mapping: DecodedAsObject {}

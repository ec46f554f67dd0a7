import Billing
import Foundation
import Yams

/// What a billing item is in ClipMeter's terms: a feature, and for per-file features the edition, codec and tier.
/// A nil part matches any value, so `video-editing` alone covers every output of every tier.
public struct ItemKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The feature the item charges.
    public var feature: FeatureID
    /// `basic`, `professional`: video-editing editions.
    public var edition: String?
    /// `h264`, `h265`, or `audio` for audio-only outputs.
    public var codec: String?
    /// Resolution tier name (`HD`, `4K`).
    public var tier: String?

    public init(feature: FeatureID, edition: String? = nil, codec: String? = nil, tier: String? = nil) {
        self.feature = feature
        self.edition = edition
        self.codec = codec
        self.tier = tier
    }

    /// True when every part this key names is the same in `other` (nil parts match anything).
    public func covers(_ other: ItemKey) -> Bool {
        feature == other.feature && (edition == nil || edition == other.edition) && (codec == nil || codec == other.codec)
            && (tier == nil || tier == other.tier)
    }

    /// "mps-transcode h264 HD", "video-editing basic h265 4K", "text-generation".
    public var description: String { ([feature.rawValue] + [edition, codec, tier].compactMap { $0 }).joined(separator: " ") }

    public static func < (lhs: ItemKey, rhs: ItemKey) -> Bool { lhs.description < rhs.description }
}

/// Names Alibaba's billing items as ClipMeter features: the user's map (`--item-map`) first, then the bundled
/// default, which knows the MPS transcoding items by their published codes and names.
public struct ItemMap: Sendable {
    /// One entry of an item map file.
    public struct Entry: Sendable, Equatable {
        /// `BillingItemCode` to match (exact, case-insensitive).
        public var billingItemCode: String?
        /// `BillingItem` name to match (exact), used for rows without a code.
        public var billingItem: String?
        /// What the item is.
        public var key: ItemKey

        public init(billingItemCode: String? = nil, billingItem: String? = nil, key: ItemKey) {
            self.billingItemCode = billingItemCode
            self.billingItem = billingItem
            self.key = key
        }
    }

    /// The user's entries, in file order.
    public var entries: [Entry]

    /// A map with `entries` on top of the bundled default.
    public init(entries: [Entry] = []) { self.entries = entries }

    /// The bundled default alone: MPS transcoding codes `H264.HD` … `H265.4K` (and names such as `普通转码 H264.HD`).
    public static let bundled = ItemMap()

    /// The tiers MPS item codes name (`H265_8K` is read as tier `8K`, which no bundled card prices).
    static let mpsPattern = try! NSRegularExpression(
        pattern: "\\b(H\\.?26[45]|HEVC|AVC)[._ -]?(LD|SD|HD|2K|4K|8K)\\b", options: [.caseInsensitive])

    /// The key of `row`, or nil when neither the user's map nor the bundled default knows its item.
    public func key(for row: BillRow) -> ItemKey? {
        if let code = row.billingItemCode?.lowercased(), !code.isEmpty,
            let entry = entries.first(where: { $0.billingItemCode?.lowercased() == code })
        {
            return entry.key
        }
        if let name = row.billingItem, !name.isEmpty, let entry = entries.first(where: { $0.billingItem == name }) {
            return entry.key
        }
        for text in [row.billingItemCode, row.billingItem].compactMap({ $0 }) {
            if let key = Self.mpsKey(text) {
                // Video editing's meter names profiles as MPS does: the feature comes from the meter, the tier from the name.
                return row.source == .editMeter ? ItemKey(feature: .videoEditing, codec: key.codec, tier: key.tier) : key
            }
        }
        if row.source == .editMeter, let profile = row.billingItem?.uppercased(), ["LD", "SD", "HD", "2K", "4K", "8K"].contains(profile) {
            return ItemKey(feature: .videoEditing, tier: profile)
        }
        return nil
    }

    /// `H264.HD`, `H265_8K`, `普通转码 H264.HD` → mps-transcode with that codec and tier.
    static func mpsKey(_ text: String) -> ItemKey? {
        let range = NSRange(text.startIndex..., in: text)
        guard let match = mpsPattern.firstMatch(in: text, range: range), let codecRange = Range(match.range(at: 1), in: text),
            let tierRange = Range(match.range(at: 2), in: text)
        else { return nil }
        let codec = text[codecRange].uppercased().replacingOccurrences(of: ".", with: "")
        return ItemKey(
            feature: .mpsTranscode, codec: codec == "H265" || codec == "HEVC" ? "h265" : "h264",
            tier: text[tierRange].uppercased())
    }

    // MARK: Loading

    /// The fields an entry may have.
    static let fields: Set<String> = ["billingItemCode", "billingItem", "feature", "edition", "codec", "tier"]

    /// Reads an item map (JSON or YAML, `{items: [{billingItemCode?, billingItem?, feature, edition?, codec?, tier?}]}`).
    /// The YAML is walked as composed, scalars only below each entry, so aliases repeated inside each other never expand.
    public static func load(_ data: Data, file: String) throws -> ItemMap {
        guard let text = String(data: data, encoding: .utf8) else { throw ReconcileError.badItemMap(file: file, reason: "not UTF-8 text") }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw ReconcileError.badItemMap(file: file, reason: "not JSON or YAML (\(error))")
        }
        let shape = "expected {items: [{billingItemCode?, billingItem?, feature, edition?, codec?, tier?}]}"
        guard let root, case .mapping(let top) = root, let itemsNode = top["items"], case .sequence(let list) = itemsNode else {
            throw ReconcileError.badItemMap(file: file, reason: "no \"items\" list; \(shape)")
        }
        var entries: [Entry] = []
        for (index, node) in list.enumerated() {
            let place = "items[\(index)]"
            guard case .mapping(let mapping) = node else {
                throw ReconcileError.badItemMap(file: file, reason: "\(place) is not a mapping; \(shape)")
            }
            var values: [String: String] = [:]
            for (keyNode, valueNode) in mapping {
                guard case .scalar(let key) = keyNode, case .scalar(let value) = valueNode else {
                    throw ReconcileError.badItemMap(file: file, reason: "\(place) holds something other than plain values; \(shape)")
                }
                guard fields.contains(key.string) else {
                    throw ReconcileError.badItemMap(
                        file: file, reason: "\(place).\(key.string) is not a field (fields: \(fields.sorted().joined(separator: ", ")))")
                }
                values[key.string] = value.string.trimmingCharacters(in: .whitespaces)
            }
            guard let featureText = values["feature"] else {
                throw ReconcileError.badItemMap(file: file, reason: "\(place) has no feature")
            }
            guard let feature = FeatureID(rawValue: featureText) else {
                throw ReconcileError.badItemMap(
                    file: file, reason: "\(place).feature \"\(featureText)\" is not a feature (known: \(FeatureID.known))")
            }
            let code = values["billingItemCode"].flatMap { $0.isEmpty ? nil : $0 }
            let name = values["billingItem"].flatMap { $0.isEmpty ? nil : $0 }
            guard code != nil || name != nil else {
                throw ReconcileError.badItemMap(file: file, reason: "\(place) names neither billingItemCode nor billingItem")
            }
            var codec = values["codec"].flatMap { $0.isEmpty ? nil : $0.lowercased() }
            if let given = codec, given != "audio" { codec = Pricer.priceCodec(given) }
            entries.append(
                Entry(
                    billingItemCode: code, billingItem: name,
                    key: ItemKey(
                        feature: feature, edition: values["edition"].flatMap { $0.isEmpty ? nil : $0 }, codec: codec,
                        tier: values["tier"].flatMap { $0.isEmpty ? nil : $0.uppercased() })))
        }
        return ItemMap(entries: entries)
    }
}

// MARK: - Prices on the card

/// A card's price for an item, and the features whose price a bill row's list price matches.
public enum CardPrices {
    /// The price per ClipMeter unit of `key` on `card`; nil when the card has none or the key is too vague to say.
    public static func price(of key: ItemKey, on card: RateCard) -> Decimal? {
        guard var rate = card.features[key.feature.rawValue] else { return nil }
        if rate.basis == .asFeature, let target = rate.billedAs, let billed = card.features[target] { rate = billed }
        let tables = rate.editions.map { editions in key.edition.flatMap { editions[$0] } ?? rate.defaultEdition.flatMap { editions[$0] } }
        let table = tables ?? rate.prices
        if table == nil || ((table?.codecPrices.isEmpty ?? true) && table?.audioPrice == nil) { return rate.price }
        if key.codec == "audio" { return table?.audioPrice ?? rate.price }
        guard let codec = key.codec, let tier = key.tier else { return nil }
        return table?.codecPrices[codec]?[tier]
    }

    /// The unit the card bills `feature` in.
    public static func unit(of feature: FeatureID, on card: RateCard) -> UsageUnit.Kind? {
        guard var rate = card.features[feature.rawValue] else { return nil }
        if rate.basis == .asFeature, let target = rate.billedAs, let billed = card.features[target] { rate = billed }
        return rate.unit == .thousandTokens ? .thousandTokens : .minutes
    }

    /// Every item on `card` billed in `unit` at exactly `price`: what an unmapped row probably is.
    public static func candidates(price: Decimal, unit: UsageUnit.Kind, on card: RateCard) -> [ItemKey] {
        var found: [ItemKey] = []
        for name in card.features.keys.sorted() {
            guard let feature = FeatureID(rawValue: name), let rate = card.features[name], rate.basis != .asFeature,
                self.unit(of: feature, on: card) == unit
            else { continue }
            if let flat = rate.price, flat == price { found.append(ItemKey(feature: feature)) }
            var tables: [(String?, PriceTable)] = rate.prices.map { [(nil, $0)] } ?? []
            tables += (rate.editions ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            for (edition, table) in tables {
                if table.audioPrice == price { found.append(ItemKey(feature: feature, edition: edition, codec: "audio")) }
                for codec in table.codecPrices.keys.sorted() {
                    for (tier, value) in (table.codecPrices[codec] ?? [:]).sorted(by: { $0.key < $1.key }) where value == price {
                        found.append(ItemKey(feature: feature, edition: edition, codec: codec, tier: tier))
                    }
                }
            }
        }
        return found
    }
}

import Foundation

extension RateCard {
    /// Column titles of `tableRows()`.
    public static let tableHeader = ["feature", "variant", "price", "unit", "rounding", "status"]

    /// The card as rows for `clipmeter rates`: one row per price (per edition, codec and tier for per-file
    /// features), prices in plain notation with the currency, and a status column that says "unverified" or
    /// "no price: why" so a reader sees at a glance which figures to double-check.
    public func tableRows() -> [[String]] {
        var rows: [[String]] = []
        for id in featureIDs {
            guard let rate = features[id] else { continue }
            let unit = "\(currency)/\(rate.unit.label)"
            let rounding = rate.rounding.summary(unit: rate.unit)
            let status = rate.verified ? "verified" : "unverified" + (rate.priceDate.map { " (\($0))" } ?? "")
            if let unavailable = rate.unavailable {
                rows.append([id, "", "—", unit, rounding, "no price: \(unavailable)"])
                continue
            }
            switch rate.basis {
            case .asFeature:
                var text = "as \(rate.billedAs ?? "?")"
                if rate.previewOnly == .free { text += "; preview-only free" }
                rows.append([id, "", text, "", "", status])
            case .tokens, .inputPlusOutputSeconds, .inputSeconds:
                var variant = rate.basis.rawValue
                if rate.previewOnly == .timelineAsOutput { variant += "; preview-only: timeline as output" }
                rows.append([id, variant, price(rate.price), unit, rounding, status])
            case .outputFiles:
                if let flat = rate.price, rate.prices == nil, rate.editions == nil {
                    rows.append([id, "any output", price(flat), unit, rounding, status])
                }
                var tables: [(String?, PriceTable)] = []
                if let table = rate.prices { tables.append((nil, table)) }
                for edition in (rate.editions ?? [:]).keys.sorted() {
                    if let table = rate.editions?[edition] { tables.append((edition, table)) }
                }
                for (edition, table) in tables {
                    let prefix = edition.map { "\($0) " } ?? ""
                    for codec in table.codecPrices.keys.sorted() {
                        for tier in tiers.map(\.name) {
                            guard let value = table.codecPrices[codec]?[tier] else { continue }
                            rows.append([id, "\(prefix)\(codec) \(tier)", price(value), unit, rounding, status])
                        }
                    }
                    if let audio = table.audioPrice {
                        rows.append([id, "\(prefix)audio", price(audio), unit, rounding, status])
                    }
                }
            }
        }
        return rows
    }

    /// Tier boxes as rows ("HD", "1920", "1080") for the rates table's footer.
    public func tierRows() -> [[String]] {
        tiers.map { [$0.name, String($0.longSide), String($0.shortSide)] }
    }

    private func price(_ value: Decimal?) -> String {
        value.map { NumberText.plain($0) } ?? "—"
    }
}

import Billing
import Foundation

/// Prints a rate card (`rates`): a table of every price, tier and rounding rule with their sources, or the card's
/// own JSON.
public enum RateCardRenderer {
    /// The card's name, sources, prices, resolution tiers and notes.
    public static func table(_ card: RateCard) -> String {
        var lines = ["\(card.name) (\(card.id)), \(card.currency), prices read on \(card.readOn)"]
        lines += card.sources.map { "source: \($0)" }
        lines += ["", TextTable.render(header: RateCard.tableHeader, rows: card.tableRows())]
        if !card.tiers.isEmpty {
            lines += [
                "", "Resolution tiers (an output belongs to the first tier whose long and short side it fits):",
                TextTable.render(header: ["tier", "long side ≤", "short side ≤"], rows: card.tierRows()),
            ]
        }
        lines += card.notes.map { "note: \($0)" }
        return lines.joined(separator: "\n")
    }

    /// The card as the bundled JSON cards are written: pretty-printed, keys sorted.
    public static func json(_ card: RateCard) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(card), as: UTF8.self)
    }
}

import ArgumentParser
import Billing
import ClipMeterKit
import Foundation

/// `clipmeter rates`: the rate card in use, so a user can see every price, tier and rounding rule that applies.
struct RatesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rates",
        abstract: "Print the rate card in use: prices, resolution tiers, rounding rules and their sources.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json }

    @OptionGroup var rateOptions: RateOptions

    @Option(help: "table (default) or json.")
    var format: Format = .table

    func run() throws {
        let card = try rateOptions.card()
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            Terminal.out(String(decoding: try encoder.encode(card), as: UTF8.self))
        case .table:
            Terminal.out("\(card.name) (\(card.id)), \(card.currency), prices read on \(card.readOn)")
            for source in card.sources { Terminal.out("source: \(source)") }
            Terminal.out("")
            Terminal.out(TextTable.render(header: RateCard.tableHeader, rows: card.tableRows()))
            if !card.tiers.isEmpty {
                Terminal.out("")
                Terminal.out("Resolution tiers (an output belongs to the first tier whose long and short side it fits):")
                Terminal.out(TextTable.render(header: ["tier", "long side ≤", "short side ≤"], rows: card.tierRows()))
            }
            for note in card.notes { Terminal.out("note: \(note)") }
        }
    }
}

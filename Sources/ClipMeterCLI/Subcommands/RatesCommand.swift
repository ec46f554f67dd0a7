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
        Terminal.out(format == .json ? try RateCardRenderer.json(card) : RateCardRenderer.table(card))
    }
}

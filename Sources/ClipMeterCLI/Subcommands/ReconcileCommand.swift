import ArgumentParser
import Billing
import ClipMeterKit
import Foundation
import Reconcile

/// `clipmeter reconcile`: Alibaba's bill beside what ClipMeter priced, per period and billing item.
struct ReconcileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Compare Alibaba's bill with what ClipMeter priced, per period and billing item, and say what differs and why.",
        discussion: """
            Bill files: saved BssOpenApi DescribeInstanceBill / QueryInstanceBill responses, the itemized bill CSV, or ICE \
            DescribeMeterImsEditUsage / DescribeMeterImsMediaConvertUsage responses (told apart by their content). \
            Exit codes: 0 everything matches (or a plan paid), 4 differences found, 1 some file or row could not be read, 2 usage error.
            Example: clipmeter reconcile --bill bill.csv --ledger .clipmeter/ledger.sqlite --from 2026-11-01 --to 2026-12-01
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json, csv, html }

    @Option(help: "A saved bill file (repeatable).")
    var bill: [String] = []
    @Option(help: "Ledger file or postgres:// URL holding ClipMeter's priced jobs (repeatable).")
    var ledger: [String] = []
    @OptionGroup var schema: LedgerSchemaOption
    @Argument(help: "Saved `scan` or `estimate --format json` results, instead of or beside ledgers.")
    var results: [String] = []
    @Option(help: "Only periods and jobs at or after this time (ISO 8601; without an offset read in --timezone).")
    var from: String?
    @Option(help: "Only periods and jobs before this time.")
    var to: String?
    @Option(
        name: .customLong("item-map"),
        help: "JSON or YAML naming billing items: {items: [{billingItemCode?, billingItem?, feature, edition?, codec?, tier?}]}.")
    var itemMap: String?
    @OptionGroup var rateOptions: RateOptions
    @Option(help: "The bill's time zone (default Asia/Shanghai).")
    var timezone: String = "Asia/Shanghai"
    @Option(help: "table (default), json, csv or html.")
    var format: Format = .table

    func validate() throws {
        if TimeZone(identifier: timezone) == nil { throw ValidationError("--timezone \(timezone) is not a known time zone") }
        if bill.isEmpty {
            throw ValidationError("pass at least one --bill FILE (a saved bill response, the itemized bill CSV or a meter response)")
        }
    }

    func run() throws {
        let zone = TimeZone(identifier: timezone) ?? PricingOptions.shanghai
        let inputs = ReconcileInputs(
            bills: bill, ledgers: ledger, ledgerSchema: schema.ledgerSchema, results: results, itemMap: itemMap,
            timeZone: zone)
        let card = try rateOptions.card()
        let period = try PeriodFlags(from: from, to: to, timeZone: zone)
        let report = try inputs.report(card: card, from: period.from, to: period.to)
        ReconcileOutput.print(report, format: format.rawValue)
        for error in report.errors { Terminal.err("clipmeter: \(error)") }
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }
}

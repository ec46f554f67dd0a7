import ArgumentParser
import Billing
import ClipMeterKit
import Foundation

/// `clipmeter bill`: past hourly cycles from one or more ledgers, each job counted once.
struct BillCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bill",
        abstract: "Print the hourly billing cycles recorded in ledgers (merged without double counting).",
        discussion: "Example: clipmeter bill --ledger a.sqlite --ledger b.sqlite --from 2026-11-20T00:00 --to 2026-11-21T00:00")

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json, csv, focus, html }

    @Option(help: "Ledger file or postgres:// URL (repeatable; default $CLIPMETER_LEDGER, else .clipmeter/ledger.sqlite here).")
    var ledger: [String] = []
    @OptionGroup var schema: LedgerSchemaOption
    @Option(help: "Only jobs that finished at or after this time (ISO 8601; without an offset read in --timezone).")
    var from: String?
    @Option(help: "Only jobs that finished before this time.")
    var to: String?
    @Option(help: "Billing time zone for printing cycles and reading times without an offset (default Asia/Shanghai).")
    var timezone: String = "Asia/Shanghai"
    @Flag(help: "Print each job's arithmetic after the table.")
    var explain = false
    @Flag(help: "Print only the hourly cycles' totals, summed by the ledger's database without loading the jobs (one ledger).")
    var summary = false
    @Option(help: "table (default), json, csv, focus (FinOps FOCUS 1.2 CSV) or html.")
    var format: Format = .table
    @OptionGroup var account: BillingAccountOptions

    func validate() throws {
        if TimeZone(identifier: timezone) == nil { throw ValidationError("--timezone \(timezone) is not a known time zone") }
    }

    func run() throws {
        let zone = TimeZone(identifier: timezone) ?? PricingOptions.shanghai
        let billingAccount = format == .focus ? try account.account() : .unassigned
        let period = try PeriodFlags(from: from, to: to, timeZone: zone)
        // Reading history must never create an empty ledger where the user mistyped a path.
        let ledgers = try LedgerChoice.openForReading(
            ledger.isEmpty ? [LedgerChoice.location(nil) ?? ".clipmeter/ledger.sqlite"] : ledger, schema: schema.ledgerSchema,
            missing: "no such file (scan a folder first, or pass --ledger)")
        let reading: BillSession.Reading
        do {
            reading = try BillSession.read(
                ledgers, from: period.from, to: period.to, timeZone: zone, summary: summary, billingAccount: billingAccount)
        } catch { throw UsageError(LedgerChoice.message(for: error)) }
        switch reading {
        case .cycleTotals(let totals):
            Terminal.out(CycleTotalsRenderer.render(totals, format: format.rawValue))
        case .bill(let report):
            guard let output = BillFormat(rawValue: format.rawValue) else { return }
            let shown = output.shown(report)
            output.print(shown, explain: explain)
            // A bill read from ledgers has no failures of its own; a FOCUS export may leave jobs out, and says so.
            let status = BillOutcome.status(shown, maxCost: nil, err: Terminal.err)
            if status != 0 { throw ExitCode(status) }
        }
    }
}

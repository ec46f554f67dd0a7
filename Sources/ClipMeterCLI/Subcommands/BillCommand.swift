import ArgumentParser
import Billing
import ClipMeterKit
import Foundation
import Ledger

/// `clipmeter bill`: past hourly cycles from one or more ledgers, each job counted once.
struct BillCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bill",
        abstract: "Print the hourly billing cycles recorded in ledgers (merged without double counting).",
        discussion: "Example: clipmeter bill --ledger a.sqlite --ledger b.sqlite --from 2026-11-20T00:00 --to 2026-11-21T00:00")

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json, csv, focus, html }

    @Option(help: "Ledger file or postgres:// URL (repeatable; default $CLIPMETER_LEDGER, else .clipmeter/ledger.sqlite here).")
    var ledger: [String] = []
    @Option(name: .customLong("ledger-schema"), help: "PostgreSQL schema of the ledger (default $CLIPMETER_LEDGER_SCHEMA, else clipmeter).")
    var ledgerSchema: String?
    @Option(help: "Only jobs that finished at or after this time (ISO 8601; without an offset read in --timezone).")
    var from: String?
    @Option(help: "Only jobs that finished before this time.")
    var to: String?
    @Option(help: "Billing time zone for printing cycles and reading times without an offset (default Asia/Shanghai).")
    var timezone: String = "Asia/Shanghai"
    @Flag(help: "Print each job's arithmetic after the table.")
    var explain = false
    @Option(help: "table (default), json, csv, focus or html.")
    var format: Format = .table

    func validate() throws {
        if TimeZone(identifier: timezone) == nil { throw ValidationError("--timezone \(timezone) is not a known time zone") }
    }

    func run() throws {
        let zone = TimeZone(identifier: timezone) ?? PricingOptions.shanghai
        let start = try time(from, "--from", zone)
        let end = try time(to, "--to", zone)
        if let start, let end, end <= start { throw UsageError("--to must be later than --from") }
        let paths = ledger.isEmpty ? [LedgerChoice.location(nil) ?? ".clipmeter/ledger.sqlite"] : ledger
        var ledgers: [Ledger] = []
        for path in paths {
            // Reading history must never create an empty ledger where the user mistyped a path.
            if !Ledger.isDatabaseURL(path) && !PathKind.isRegularFile(path) {
                throw UsageError("ledger \(path): no such file (scan a folder first, or pass --ledger)")
            }
            // Read-only: an archived ledger on a read-only disk must bill, and reading must never migrate a file.
            ledgers.append(try LedgerChoice.open(path, schema: LedgerChoice.schema(ledgerSchema), access: .readOnly))
        }
        let bill: Bill
        do { bill = try JobHistory.bill(from: ledgers, from: start, to: end, timeZone: zone) } catch { throw UsageError("\(error)") }
        let report = BillReport(bill: bill, title: "ledger " + ledgers.map(\.path).joined(separator: ", "))
        BillFormat(rawValue: format.rawValue)?.print(report, explain: explain)
    }

    private func time(_ text: String?, _ flag: String, _ zone: TimeZone) throws -> Date? {
        guard let text else { return nil }
        guard let date = JobTime.parse(text, timeZone: zone) else {
            throw UsageError("\(flag) \(text): expected ISO 8601, e.g. 2026-11-20T08:00:00+08:00")
        }
        return date
    }
}

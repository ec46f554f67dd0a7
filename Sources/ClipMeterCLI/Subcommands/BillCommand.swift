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
        let start = try time(from, "--from", zone)
        let end = try time(to, "--to", zone)
        if let start, let end, end <= start { throw UsageError("--to must be later than --from") }
        let paths = ledger.isEmpty ? [LedgerChoice.location(nil) ?? ".clipmeter/ledger.sqlite"] : ledger
        var ledgers: [Ledger] = []
        for path in paths {
            // Reading history must never create an empty ledger where the user mistyped a path.
            // A mistyped database URL is reported by the ledger, without its password.
            if !Ledger.isDatabaseURL(path) && !Ledger.startsLikeDatabaseURL(path) && !PathKind.isRegularFile(path) {
                throw UsageError("ledger \(path): no such file (scan a folder first, or pass --ledger)")
            }
            // Read-only: an archived ledger on a read-only disk must bill, and reading must never migrate a file.
            ledgers.append(try LedgerChoice.open(path, schema: LedgerChoice.schema(ledgerSchema), access: .readOnly))
        }
        if summary {
            guard ledgers.count == 1, let only = ledgers.first else {
                throw UsageError("--summary reads one ledger (a job recorded in two ledgers cannot be counted once without loading it)")
            }
            return try printSummary(only, from: start, to: end, zone: zone)
        }
        let recorded: JobHistory.RecordedBill
        do { recorded = try JobHistory.recorded(from: ledgers, from: start, to: end, timeZone: zone) } catch {
            throw UsageError(LedgerChoice.message(for: error))
        }
        var report = BillReport(
            bill: recorded.bill, title: "ledger " + ledgers.map(\.path).joined(separator: ", "),
            producedBy: recorded.producedBy)
        report.billingAccount = billingAccount
        guard let output = BillFormat(rawValue: format.rawValue) else { return }
        report = output.shown(report)
        output.print(report, explain: explain)
        // A bill read from ledgers has no failures of its own; a FOCUS export may leave jobs out, and says so.
        let status = BillOutcome.status(report, maxCost: nil, err: Terminal.err)
        if status != 0 { throw ExitCode(status) }
    }

    /// The cycles as the database sums them: memory holds one row per cycle, never the jobs.
    private func printSummary(_ ledger: Ledger, from start: Date?, to end: Date?, zone: TimeZone) throws {
        let totals: [CycleTotal]
        do { totals = try ledger.cycleTotals(from: start, to: end) } catch { throw UsageError(LedgerChoice.message(for: error)) }
        let currencies = Set(totals.map(\.currency))
        guard currencies.count <= 1 else {
            throw UsageError(
                "the ledger holds jobs priced in \(currencies.sorted().joined(separator: " and ")); bill one currency at a time")
        }
        let currency = currencies.first ?? ""
        let grand = totals.reduce(Decimal(0)) { $0 + (Decimal(string: $1.total, locale: Locale(identifier: "en_US_POSIX")) ?? 0) }
        func when(_ date: Date?) -> String { date.map { DateText.string($0, in: zone) } ?? "" }
        switch format {
        case .json:
            let cycles = totals.map { cycle in
                "{\"start\": \(cycle.start.map { "\"\(when($0))\"" } ?? "null"), \"end\": \(cycle.start.map { "\"\(when($0.addingTimeInterval(3600)))\"" } ?? "null"), \"jobs\": \(cycle.jobs), \"total\": \"\(cycle.total)\"}"
            }
            print(
                "{\"currency\": \"\(currency)\", \"total\": \"\(MoneyText.string(grand))\", \"cycles\": [\(cycles.joined(separator: ", "))]}"
            )
        case .csv:
            print("cycle_start,cycle_end,jobs,total,currency")
            for cycle in totals {
                print("\(when(cycle.start)),\(when(cycle.start?.addingTimeInterval(3600))),\(cycle.jobs),\(cycle.total),\(currency)")
            }
        default:
            print("CYCLE START                 JOBS  TOTAL")
            for cycle in totals {
                let label = cycle.start == nil ? "(no finish time)" : when(cycle.start)
                print(label.padding(toLength: 27, withPad: " ", startingAt: 0) + String(cycle.jobs).leftPadded(5) + "  " + cycle.total)
            }
            print(
                "Total \(MoneyText.string(grand)) \(currency) in \(totals.reduce(0) { $0 + $1.jobs }) job(s), \(totals.filter { $0.start != nil }.count) cycle(s)"
            )
        }
    }

    private func time(_ text: String?, _ flag: String, _ zone: TimeZone) throws -> Date? {
        guard let text else { return nil }
        guard let date = JobTime.parse(text, timeZone: zone) else {
            throw UsageError("\(flag) \(text): expected ISO 8601, e.g. 2026-11-20T08:00:00+08:00")
        }
        return date
    }
}

private extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}

import ArgumentParser
import Billing
import ClipMeterKit
import Foundation

/// Budget check and exit status shared by `estimate` and `scan`: printed first, judged after.
enum BillOutcome {
    /// Parses `--max-cost`; a bad amount is a usage error.
    static func budget(_ text: String?) throws -> Decimal? {
        try nonNegativeDecimal(text, "--max-cost")
    }

    /// Reports failures and the budget on stderr and throws the SPEC §7 exit code: 3 when the total is over
    /// `--max-cost` (the known part alone already breaks the budget), else 1 when anything failed.
    static func finish(_ report: BillReport, maxCost: Decimal?) throws {
        let bill = report.bill
        if !report.failures.isEmpty {
            Terminal.err("clipmeter: \(report.failures.count) file(s) or job(s) could not be measured or priced; they are not in the total:")
            for failure in report.failures.prefix(20) {
                Terminal.err("  \(failure.path)\(failure.jobID.map { " [\($0)]" } ?? ""): \(failure.code): \(failure.message)")
            }
            if report.failures.count > 20 { Terminal.err("  … and \(report.failures.count - 20) more (see the JSON or CSV output)") }
        }
        if let maxCost, bill.total > maxCost {
            Terminal.err("clipmeter: total \(MoneyText.string(bill.total)) \(bill.currency) exceeds --max-cost \(MoneyText.string(maxCost)) \(bill.currency)")
            throw ExitCode(ExitStatus.overBudget)
        }
        if !report.failures.isEmpty { throw ExitCode(ExitStatus.inputFailed) }
    }
}

/// `--max-cost` and `--explain`, shared by the commands that price.
struct BudgetOptions: ParsableArguments {
    @Option(name: .customLong("max-cost"), help: "Exit 3 when the total exceeds this amount (in the card's currency).")
    var maxCost: String?
    @Flag(help: "Print each line's arithmetic, as the billing document's worked example does (on stderr for formats other than table).")
    var explain = false
}

/// Every way a bill can be printed; each command offers its own subset.
enum BillFormat: String {
    case table, json, ndjson, csv, focus, html

    /// Prints `report` to stdout; with `explain`, the arithmetic follows the table (or goes to stderr).
    func print(_ report: BillReport, explain: Bool) {
        switch self {
        case .table: Terminal.out(BillRenderer.table(report, explain: explain))
        case .json:
            BillRenderer.json(report) { fputs($0, stdout) }
            fputs("\n", stdout)
        case .ndjson:
            for job in report.bill.jobs { Terminal.out(BillRenderer.ndjsonJob(job)) }
            Terminal.out(BillRenderer.ndjsonSummary(report))
        case .csv: Terminal.out(BillRenderer.csv(report))
        case .focus: Terminal.out(BillRenderer.focus(report))
        case .html: Terminal.out(BillRenderer.html(report))
        }
        if explain && self != .table {
            for line in report.bill.explainLines() { Terminal.err(line) }
        }
    }
}

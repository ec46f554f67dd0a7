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

    /// Reports failures and the budget on stderr and throws the exit code (docs/contract.md, Command line): 3 when the total is over
    /// `--max-cost` (the known part alone already breaks the budget), else 1 when anything failed.
    static func finish(_ report: BillReport, maxCost: Decimal?) throws {
        let code = status(report, maxCost: maxCost, err: Terminal.err)
        if code != 0 { throw ExitCode(code) }
    }

    /// Reports failures and the budget through `err` and returns the exit status `finish` would throw.
    static func status(_ report: BillReport, maxCost: Decimal?, err: (String) -> Void) -> Int32 {
        let bill = report.bill
        let unexported = report.allFailures.filter { $0.code == .noChargePeriod }
        let failures = report.allFailures.filter { $0.code != .noChargePeriod }
        func list(_ failures: [BillReport.Failure], more: String) {
            for failure in failures.prefix(20) {
                err("  \(failure.path)\(failure.jobID.map { " [\($0)]" } ?? ""): \(failure.code): \(Wording.message(failure))")
            }
            if failures.count > 20 { err("  … and \(failures.count - 20) more \(more)") }
        }
        if !failures.isEmpty {
            err("clipmeter: \(failures.count) file(s) or job(s) could not be measured or priced; they are not in the total:")
            list(failures, more: "(see the JSON or CSV output)")
        }
        if !unexported.isEmpty {
            err("clipmeter: \(unexported.count) priced job(s) have no finish time, so no charge period; the FOCUS export leaves them out:")
            list(unexported, more: "(the JSON or CSV output lists every job)")
        }
        if let maxCost, bill.total.amount > maxCost {  // --max-cost is in the card's currency
            err(
                "clipmeter: total \(MoneyText.string(bill.total)) \(bill.currency) exceeds --max-cost \(MoneyText.string(maxCost)) \(bill.currency)"
            )
            return ExitStatus.overBudget
        }
        return report.allFailures.isEmpty ? 0 : ExitStatus.inputFailed
    }
}

/// `--max-cost` and `--explain`, shared by the commands that price.
struct BudgetOptions: ParsableArguments {
    @Option(name: .customLong("max-cost"), help: "Exit 3 when the total exceeds this amount (in the card's currency).")
    var maxCost: String?
    @Flag(help: "Print each line's arithmetic, as the billing document's worked example does (on stderr for formats other than table).")
    var explain = false
}

extension BillFormat {
    /// Prints `report` as this format shows it through `out` and `err`, and judges it: the exit status
    /// `BillOutcome.status` gives.
    func render(_ report: BillReport, explain: Bool, maxCost: Decimal?, out: (String) -> Void, err: (String) -> Void) -> Int32 {
        let report = shown(report)
        print(report, explain: explain, out: out, err: err)
        return BillOutcome.status(report, maxCost: maxCost, err: err)
    }

    /// Prints `report` to stdout; with `explain`, the arithmetic follows the table (or goes to stderr).
    func print(_ report: BillReport, explain: Bool) {
        print(report, explain: explain, out: { fputs($0, stdout) }, err: Terminal.err)
    }
}

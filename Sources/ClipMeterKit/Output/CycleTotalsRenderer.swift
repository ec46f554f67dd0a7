import Billing
import Foundation
import Ledger

/// Prints a `CycleTotalsReport` (`bill --summary`) as a table, one JSON line or CSV, through the writers the full
/// bill uses (`JSONValue`, `CSV`). Results carry no trailing newline: the caller prints them with one.
public enum CycleTotalsRenderer {
    /// `format` is `json` or `csv`; any other format is the table.
    public static func render(_ report: CycleTotalsReport, format: String) -> String {
        switch format {
        case "json": return json(report)
        case "csv": return csv(report)
        default: return table(report)
        }
    }

    /// `{"currency": …, "total": …, "cycles": [{"start", "end", "jobs", "total"}]}` on one line.
    public static func json(_ report: CycleTotalsReport) -> String {
        func date(_ value: Date?) -> JSONValue { value.map { .string(report.text($0)) } ?? .null }
        let cycles: [JSONValue] = report.cycles.map { cycle in
            .object([
                ("start", date(cycle.start)), ("end", date(CycleTotalsReport.end(of: cycle.start))),
                ("jobs", .number(cycle.jobs)), ("total", .string(cycle.total)),
            ])
        }
        let document: JSONValue = .object([
            ("currency", .string(report.currency)), ("total", .string(MoneyText.string(report.total))), ("cycles", .array(cycles)),
        ])
        return document.rendered(layout: .spaced)
    }

    /// A header and one row per cycle: cycle_start, cycle_end, jobs, total, currency.
    public static func csv(_ report: CycleTotalsReport) -> String {
        let rows = report.cycles.map { cycle in
            [
                report.text(cycle.start), report.text(CycleTotalsReport.end(of: cycle.start)), String(cycle.jobs), cycle.total,
                report.currency,
            ]
        }
        return CSV.document([["cycle_start", "cycle_end", "jobs", "total", "currency"]] + rows)
    }

    /// One line per cycle (start, jobs, total), then the grand total with its job and cycle counts.
    public static func table(_ report: CycleTotalsReport) -> String {
        var lines = ["CYCLE START                 JOBS  TOTAL"]
        for cycle in report.cycles {
            let label = cycle.start == nil ? "(no finish time)" : report.text(cycle.start)
            let jobs = String(cycle.jobs)
            lines.append(
                label.padding(toLength: 27, withPad: " ", startingAt: 0) + String(repeating: " ", count: max(0, 5 - jobs.count)) + jobs
                    + "  " + cycle.total)
        }
        lines.append(
            "Total \(MoneyText.string(report.total)) \(report.currency) in \(report.jobs) job(s), \(report.datedCycles) cycle(s)")
        return lines.joined(separator: "\n")
    }
}

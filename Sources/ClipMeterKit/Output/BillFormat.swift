import Foundation

/// Every way a bill can be printed, each through its `BillRenderer` view; each command offers its own subset.
public enum BillFormat: String, Sendable {
    case table, json, ndjson, csv, focus, html
    /// `scan --summary`: one line of counts and totals (`BillRenderer.summaryLine`).
    case summary

    /// The report as this format shows and judges it: a FOCUS export adds a failure for each job it cannot list
    /// (no finish time, so no charge period), other formats show every job.
    public func shown(_ report: BillReport) -> BillReport {
        self == .focus ? report.focusExport() : report
    }

    /// Prints through `out` (raw text, newlines included) and `err` (one line per call).
    public func print(_ report: BillReport, explain: Bool, out: (String) -> Void, err: (String) -> Void) {
        func line(_ text: String) { out(text); out("\n") }
        switch self {
        case .table: line(BillRenderer.table(report, explain: explain))
        case .json:
            BillRenderer.json(report, write: out)
            out("\n")
        case .ndjson:
            for job in report.bill.jobs { line(BillRenderer.ndjsonJob(job)) }
            line(BillRenderer.ndjsonSummary(report))
        case .csv: line(BillRenderer.csv(report))
        case .focus: line(BillRenderer.focus(report))
        case .html: line(BillRenderer.html(report))
        case .summary: line(BillRenderer.summaryLine(report))
        }
        if explain && self != .table {
            for text in report.bill.explainLines() { err(text) }
        }
    }
}

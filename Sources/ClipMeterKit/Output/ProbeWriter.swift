import Foundation
import MediaProbe

/// Writes `probe`'s output as the outcomes arrive, one document per format through the writers every output
/// uses: a JSON array of `JSONValue` objects, NDJSON lines, CSV rows (`CSV`) or, at the end, a `TextTable`.
/// `out` receives raw text, newlines included.
public struct ProbeWriter {
    /// The formats `probe` prints.
    public enum Format: String, CaseIterable, Sendable {
        case table, json, ndjson, csv
    }

    public let format: Format
    private let report: ProbeReport
    private let out: (String) -> Void
    private let flush: () -> Void
    private var rows: [[String]] = []
    private var written = 0

    /// `flush` is called after each NDJSON line, so a reader of the stream sees every file as it is measured.
    public init(format: Format, policy: DurationPolicy, out: @escaping (String) -> Void, flush: @escaping () -> Void = {}) {
        self.format = format
        report = ProbeReport(policy: policy)
        self.out = out
        self.flush = flush
    }

    /// Whether outcomes must arrive in the order the files were found (every format but NDJSON).
    public var keepsOrder: Bool { format != .ndjson }

    /// What comes before the first outcome: the JSON array's bracket, the CSV header.
    public func begin() {
        switch format {
        case .json: out("[")
        case .csv: out(ProbeReport.csvHeader + "\n")
        case .ndjson, .table: break
        }
    }

    /// One file's outcome: written at once, or kept for the table.
    public mutating func add(_ outcome: ProbeOutcome) {
        switch format {
        case .json: out((written == 0 ? "\n  " : ",\n  ") + report.json(outcome).rendered())
        case .ndjson:
            out(report.json(outcome).rendered() + "\n")
            flush()
        case .csv: out(report.csv(outcome) + "\n")
        case .table: rows.append(report.tableRow(outcome))
        }
        written += 1
    }

    /// What comes after the last outcome: the array's end, or the table and its count of files.
    public func finish(failures: Int) {
        switch format {
        case .json: out(written == 0 ? "]\n" : "\n]\n")
        case .table:
            out(TextTable.render(header: ProbeReport.tableHeader, rows: rows) + "\n")
            out("\(written) file(s), \(written - failures) measured, \(failures) failed\n")
        case .ndjson, .csv: break
        }
    }
}

import Billing
import Foundation

/// Turns a priced `BillReport` into what `estimate`, `scan` and `bill` print: a terminal table, the JSON of docs/contract.md,
/// NDJSON, CSV, FinOps FOCUS CSV and a self-contained HTML page. Every format is a view of the same `Bill`;
/// money is printed from its `Decimal` and never passes through floating point.
/// Results carry no trailing newline: the caller prints them with one.
public enum BillRenderer {
    // MARK: - Table

    /// Human table: one row per job (ID, FEATURE, STATUS, COST, NOTES), then per-cycle rows "[start, end) zone  total",
    /// the total line with currency, rate card and rounding, then warnings and failures. With explain: true, after
    /// the table print `bill.explainLines()`.
    public static func table(_ report: BillReport, explain: Bool) -> String {
        let bill = report.bill
        var blocks: [String] = []

        if bill.jobs.isEmpty {
            blocks.append("No jobs.")
        } else {
            let costs = rightAligned(bill.jobs.map(costCell), header: "COST")
            let rows = bill.jobs.enumerated().map { index, job in
                [oneLine(job.id), oneLine(job.feature.rawValue), job.status.rawValue, costs.cells[index], oneLine(notes(for: job))]
            }
            blocks.append(TextTable.render(header: ["ID", "FEATURE", "STATUS", costs.header, "NOTES"], rows: rows))
        }

        let cycleRows = cycleSummaries(bill)
        if !cycleRows.isEmpty {
            let totals = rightAligned(cycleRows.map(\.total), header: "TOTAL")
            let rows = cycleRows.enumerated().map { index, row in [row.label, totals.cells[index]] }
            blocks.append(TextTable.render(header: ["CYCLE", totals.header], rows: rows))
        }

        let range = bill.totalLow.map { "  range \(MoneyText.string($0))–\(MoneyText.string(bill.total))" } ?? ""
        let unknown = report.unknownCosts
        let left = unknown == 0 ? "" : "  (\(unknown) unknown cost\(unknown == 1 ? "" : "s") not included)"
        blocks.append(
            "TOTAL \(MoneyText.string(bill.total)) \(bill.currency)\(range)  (rate card \(bill.rateCard), rounding \(bill.rounding))\(left)"
        )

        blocks += plannedAndPendingBlocks(report)

        let warnings = Wording.warningLines(report)
        if !warnings.isEmpty {
            blocks.append((["Warnings (\(warnings.count)):"] + warnings.map { "  - " + oneLine($0) }).joined(separator: "\n"))
        }
        if !report.failures.isEmpty {
            let lines = report.failures.map(failureLine)
            blocks.append((["Failures (\(report.failures.count)):"] + lines).joined(separator: "\n"))
        }
        if explain {
            blocks.append((["Explanation:"] + bill.explainLines()).joined(separator: "\n"))
        }
        // Ids, paths, rate card names and messages all come from outside: the whole table is made terminal-safe.
        return TerminalText.lines(blocks.joined(separator: "\n\n"))
    }

    /// One failure as the table lists it: path, job, code and message on one line.
    static func failureLine(_ failure: BillReport.Failure) -> String {
        "  - " + oneLine(failure.path) + (failure.jobID.map { " [job \(oneLine($0))]" } ?? "") + ": "
            + failure.code.description + ": " + oneLine(Wording.message(failure))
    }

    /// A scan's plans (request bodies, priced apart) and unfinished jobs, after the bill they are not part of.
    static func plannedAndPendingBlocks(_ report: BillReport) -> [String] {
        var blocks: [String] = []
        if let planned = report.planned, !planned.bill.jobs.isEmpty || !planned.failures.isEmpty {
            let bill = planned.bill
            var lines = [
                "Planned, not billed (\(bill.jobs.count + planned.failures.filter { $0.code == .invalidJob }.count) request bod\(bill.jobs.count == 1 ? "y" : "ies") not yet run; not in TOTAL, cycles or the ledger):"
            ]
            if !bill.jobs.isEmpty {
                let costs = rightAligned(bill.jobs.map(costCell), header: "COST")
                let rows = bill.jobs.enumerated().map { index, job in
                    let ran = job.key.flatMap { planned.billedAs[ByteKey($0)] }.map { "billed as job \($0), from its response" }
                    // A plan has not finished, so it is in no cycle: saying so on every row would be noise.
                    let noted = notes(for: job).replacingOccurrences(of: "no finish time, in no cycle", with: "")
                        .split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                    return [
                        oneLine(job.id), oneLine(job.feature.rawValue), costs.cells[index],
                        oneLine(([ran].compactMap { $0 } + noted).joined(separator: "; ")),
                    ]
                }
                lines.append(TextTable.render(header: ["ID", "FEATURE", costs.header, "NOTES"], rows: rows))
            }
            let range = bill.totalLow.map { "  range \(MoneyText.string($0))–\(MoneyText.string(bill.total))" } ?? ""
            lines.append("PLANNED \(MoneyText.string(bill.total)) \(bill.currency)\(range)")
            lines += planned.failures.map(failureLine)
            blocks.append(lines.joined(separator: "\n"))
        }
        if !report.pending.isEmpty {
            let lines = report.pending.map { "  - \(oneLine($0.id)): \(oneLine($0.status)) (\(oneLine($0.source)))" }
            blocks.append(
                (["Pending, not billed (\(report.pending.count) job(s) not finished when saved):"] + lines).joined(separator: "\n"))
        }
        return blocks
    }

    /// The NOTES cell: the failure or no-price reason, and how many warnings the job carries.
    static func notes(for job: PricedJob) -> String {
        var parts: [String] = []
        if let reason = Wording.reason(of: job) { parts.append(job.status == .failed ? "failed: \(reason)" : reason) }
        if job.cycleStart == nil { parts.append("no finish time, in no cycle") }
        // A no-price reason is also one of the job's warnings: count only what the reason does not already say.
        let warnings = Wording.warningsBesideReason(of: job)
        let boundary = warnings.filter(\.isBoundary).count
        if boundary > 0 { parts.append(boundary == 1 ? "boundary warning" : "\(boundary) boundary warnings") }
        let other = warnings.count - boundary
        if other > 0 { parts.append(other == 1 ? "1 warning" : "\(other) warnings") }
        return parts.joined(separator: "; ")
    }

    /// Pads money cells on the left so decimals line up under a right-aligned header.
    private static func rightAligned(_ cells: [String], header: String) -> (header: String, cells: [String]) {
        let width = max(header.count, cells.map(\.count).max() ?? 0)
        func pad(_ text: String) -> String { String(repeating: " ", count: width - text.count) + text }
        return (pad(header), cells.map(pad))
    }

    /// A cell on one line, safe for a terminal: newlines and escape sequences in hostile names are shown escaped
    /// (`TerminalText`, the one escaping every table and stderr line uses).
    static func oneLine(_ text: String) -> String { TerminalText.line(text) }

    // MARK: - Cycles

    /// One printable cycle row: "[start, end) zone" and its total; jobs without a finish time get a last row of
    /// their own so the rows always add up to the bill total.
    struct CycleSummary {
        var label: String
        var total: String
        var amount: Decimal
        var cycle: BillingCycle?
    }

    static func cycleSummaries(_ bill: Bill) -> [CycleSummary] {
        var rows = bill.cycles.map { cycle in
            CycleSummary(
                label:
                    "[\(ReportDate.iso(cycle.start, in: cycle.timeZone)), \(ReportDate.iso(cycle.end, in: cycle.timeZone))) \(cycle.timeZone.identifier)",
                total: MoneyText.string(cycle.total), amount: cycle.total.amount, cycle: cycle
            )
        }
        let undated = bill.jobs.filter { $0.cycleStart == nil && $0.knownCost != nil }
        if !undated.isEmpty {
            let amount = undated.reduce(Decimal(0)) { $0 + ($1.knownCost?.amount ?? 0) }
            let label = undated.count == 1 ? "no finish time (1 job)" : "no finish time (\(undated.count) jobs)"
            rows.append(CycleSummary(label: label, total: MoneyText.string(amount), amount: amount, cycle: nil))
        }
        return rows
    }

    // MARK: - JSON

    /// the JSON of docs/contract.md: {currency, total, rateCard, rounding, jobs, cycles, warnings} exactly as Bill encodes them, plus
    /// "errors": [{path, jobId, error: {code, message}}] (always present, [] when none), "totalComplete" and
    /// "unknownCosts" (whether `total` leaves costs out, and how many), and for a bill read back
    /// from ledgers each job's "producedBy" (the ClipMeter and libraries that priced it, null when unknown). Pretty-printed, keys in a
    /// stable order (the documented order at the top, each job, item and cycle in a fixed order). Money stays strings.
    public static func json(_ report: BillReport) -> String {
        var out = ""
        json(report) { out += $0 }
        return out
    }

    /// The same document written piece by piece, one job at a time, so a bill of 20,000 jobs never exists
    /// as one tree or one string in memory.
    public static func json(_ report: BillReport, write: (String) -> Void) {
        let bill = report.bill
        var head = "{"
        var scalars: [(String, JSONValue)] = [
            ("currency", .string(bill.currency)), ("total", .string(MoneyText.string(bill.total))),
        ]
        scalars += totalRange(bill)
        scalars += [("rateCard", .string(bill.rateCard)), ("rounding", .string(bill.rounding))] + report.completenessJSON
        for (key, value) in scalars {
            head += "\n  " + JSONValue.string(key).rendered() + ": " + value.rendered() + ","
        }
        write(head + "\n  \"jobs\": [")
        for (index, job) in bill.jobs.enumerated() {
            var value = PricedJobJSON.shown(job)
            if let producers = report.producedBy, case .object(let members) = value {
                // A recorded job says what priced it: null when it was recorded before ledgers kept that.
                value = .object(members + [("producedBy", producers[job.key ?? job.id].map { .string($0) } ?? .null)])
            }
            write((index == 0 ? "\n    " : ",\n    ") + value.rendered(pretty: true, indent: 2))
        }
        write(bill.jobs.isEmpty ? "]," : "\n  ],")
        var tail: [(String, JSONValue)] = [
            ("cycles", .array(bill.cycles.map(cycleJSON))),
            ("warnings", .array(Wording.warningLines(report).map { .string($0) })),
            ("errors", errors(report.failures)),
        ]
        if let planned = report.planned { tail += [("planned", plannedJSON(planned)), ("pending", pendingJSON(report.pending))] }
        for (index, (key, value)) in tail.enumerated() {
            write(
                "\n  " + JSONValue.string(key).rendered() + ": " + value.rendered(pretty: true, indent: 1)
                    + (index == tail.count - 1 ? "" : ","))
        }
        write("\n}")
    }

    /// A scan's plans: `{total, totalRange?, jobs, errors}`, each job as the bill's jobs are, plus `billedAs` (the
    /// job that ran from it, when a response beside it says so).
    static func plannedJSON(_ planned: BillReport.PlannedSection) -> JSONValue {
        let bill = planned.bill
        var members: [(String, JSONValue)] = [("total", .string(MoneyText.string(bill.total)))]
        members += totalRange(bill)
        members += BillReport.completenessJSON(of: bill, failures: planned.failures)
        let jobs: [JSONValue] = bill.jobs.map { job in
            guard case .object(let fields) = PricedJobJSON.shown(job) else { return PricedJobJSON.shown(job) }
            return .object(fields + [("billedAs", job.key.flatMap { planned.billedAs[ByteKey($0)] }.map { .string($0) } ?? .null)])
        }
        members += [("jobs", .array(jobs)), ("errors", errors(planned.failures))]
        return .object(members)
    }

    /// A scan's unfinished jobs: `[{id, status, source}]`.
    static func pendingJSON(_ pending: [BillReport.PendingJob]) -> JSONValue {
        .array(pending.map { .object([("id", .string($0.id)), ("status", .string($0.status)), ("source", .string($0.source))]) })
    }

    /// One line per priced job (the PricedJob JSON object, compact), for streaming.
    public static func ndjsonJob(_ job: PricedJob) -> String {
        PricedJobJSON.shown(job).rendered()
    }

    /// A job's COST cell: "0.72", "0.60–0.90" for a range, "unknown" when it cannot be known.
    public static func costCell(_ job: PricedJob) -> String {
        guard job.unknown == nil, let cost = job.cost else { return "unknown" }
        if let low = job.costLow { return "\(MoneyText.string(low))–\(MoneyText.string(cost))" }
        return MoneyText.string(cost)
    }

    /// The last NDJSON line: {"type":"summary", currency, total, totalRange?, rateCard, rounding, totalComplete,
    /// unknownCosts, cycles, warnings, errors}.
    public static func ndjsonSummary(_ report: BillReport) -> String {
        let bill = report.bill
        var members = summaryHead(bill)
        members +=
            [("rateCard", .string(bill.rateCard)), ("rounding", .string(bill.rounding))] + report.completenessJSON + [
                ("cycles", .array(bill.cycles.map(cycleJSON))),
                ("warnings", .array(Wording.warningLines(report).map { .string($0) })),
                ("errors", errors(report.failures)),
            ]
        if let planned = report.planned { members += [("planned", plannedJSON(planned)), ("pending", pendingJSON(report.pending))] }
        return JSONValue.object(members).rendered()
    }

    /// One short JSON line for a log that must stay small whatever the number of jobs: {"type":"summary",
    /// currency, total, totalRange?, rateCard, jobs, cycles, firstCycleStart, lastCycleEnd, warnings, failures}
    /// with counts, not lists (the failures themselves go to stderr; the full bill is in the ledger).
    public static func summaryLine(_ report: BillReport) -> String {
        let bill = report.bill
        var members = summaryHead(bill)
        let first = bill.cycles.min { $0.start < $1.start }
        let last = bill.cycles.max { $0.end < $1.end }
        members += [
            ("rateCard", .string(bill.rateCard)), ("jobs", .number(String(bill.jobs.count))),
            ("cycles", .number(String(bill.cycles.count))),
            ("firstCycleStart", first.map { .string(DateText.string($0.start, in: $0.timeZone)) } ?? .null),
            ("lastCycleEnd", last.map { .string(DateText.string($0.end, in: $0.timeZone)) } ?? .null),
            ("warnings", .number(String(Wording.warningLines(report).count))),
            ("failures", .number(String(report.failures.count))),
        ]
        return JSONValue.object(members).rendered()
    }

    /// `totalRange: {low, high}` when the bill's total is a range, nothing when it is exact.
    static func totalRange(_ bill: Bill) -> [(String, JSONValue)] {
        guard let low = bill.totalLow else { return [] }
        return [("totalRange", .object([("low", .string(MoneyText.string(low))), ("high", .string(MoneyText.string(bill.total)))]))]
    }

    /// The members both summaries open with: type, currency, total and, when the cost is a range, totalRange.
    private static func summaryHead(_ bill: Bill) -> [(String, JSONValue)] {
        let members: [(String, JSONValue)] = [
            ("type", .string("summary")), ("currency", .string(bill.currency)),
            ("total", .string(MoneyText.string(bill.total))),
        ]
        return members + totalRange(bill)
    }

    /// One hourly cycle: `[start, end)` with the zone's offset, the zone, its total and its cost per feature.
    static func cycleJSON(_ cycle: BillingCycle) -> JSONValue {
        let zone = cycle.timeZone
        return .object([
            ("start", .string(DateText.string(cycle.start, in: zone))), ("end", .string(DateText.string(cycle.end, in: zone))),
            ("timeZone", .string(zone.identifier)), ("total", .string(MoneyText.string(cycle.total))),
            ("byFeature", .object(cycle.byFeature.keys.sorted().map { ($0, .string(MoneyText.string(cycle.byFeature[$0] ?? 0))) })),
            ("jobs", .array(cycle.jobIDs.map { .string($0) })),
        ])
    }

    /// `[{path, jobId, error: {code, message}}]`, the shape `probe` uses for a file's error.
    static func errors(_ failures: [BillReport.Failure]) -> JSONValue {
        .array(
            failures.map { failure in
                .object([
                    ("path", .string(failure.path)),
                    ("jobId", .string(failure.jobID)),
                    ("error", .object([("code", .string(failure.code.description)), ("message", .string(Wording.message(failure)))])),
                ])
            })
    }

    // MARK: - Shared

    /// The bill's time zone: its cycles', else its jobs', else Alibaba's default.
    static func zone(of bill: Bill) -> TimeZone {
        bill.cycles.first?.timeZone ?? bill.jobs.first?.timeZone ?? PricingOptions.shanghai
    }
}

// MARK: - Dates

/// Instants as ISO 8601 text, in a billing zone ("2024-05-01T08:00:00+08:00") or in UTC ("2024-05-01T00:00:00Z").
enum ReportDate {
    /// With the zone's offset (fractional seconds only when there are any), as Bill's JSON writes dates.
    static func iso(_ date: Date, in zone: TimeZone) -> String {
        DateText.string(date, in: zone)
    }

    /// In UTC with a `Z` suffix, as FOCUS wants.
    static func utc(_ date: Date) -> String {
        iso(date, in: TimeZone(secondsFromGMT: 0) ?? .current)
    }
}

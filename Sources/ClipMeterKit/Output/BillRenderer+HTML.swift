import Billing
import Foundation

extension BillRenderer {
    // MARK: - HTML

    /// One self-contained HTML page (inline CSS and SVG, no scripts, no network): title and generation time, the
    /// total, a bar chart of cost per hourly cycle, cost per feature, the jobs with every line item's arithmetic,
    /// boundary warnings highlighted apart from other warnings, and the failures. Every string taken from the
    /// report is escaped: job ids and file names are untrusted.
    public static func html(_ report: BillReport) -> String {
        let page = HTMLPage(report: report)
        return page.render()
    }

    /// The opening every ClipMeter page shares, up to the brand line of its header, so that the bill and the
    /// reconciliation keep one document head. `title` must be escaped already; `css` is the page's own style sheet.
    public static func htmlPageStart(title: String, css: String, brand: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="ClipMeter">
        <title>\(title)</title>
        <style>\(css)</style>
        </head>
        <body>
        <main>
        <header>
        <p class="brand">\(brand)</p>
        """
    }

    /// `&`, `<`, `>`, `"` and `'` as character references, safe in element text and in quoted attribute values.
    public static func htmlEscape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}

// MARK: - Page

/// Builds the HTML page section by section; `e(_:)` escapes every value that comes from the report.
private struct HTMLPage {
    let report: BillReport
    let bill: Bill
    let zone: TimeZone
    let currency: String

    init(report: BillReport) {
        self.report = report
        bill = report.bill
        zone = BillRenderer.zone(of: report.bill)
        currency = report.bill.currency
    }

    private func e(_ text: String) -> String { BillRenderer.htmlEscape(text) }
    private func money(_ amount: Decimal) -> String { MoneyText.string(amount) }

    /// Boundary warnings by kind, worded as the bill's warning list words them ("JOB: boundary: …").
    private var boundaryWarnings: [String] {
        bill.warnings.filter(\.warning.isBoundary).map(Wording.text)
    }
    private var otherWarnings: [String] {
        bill.warnings.filter { !$0.warning.isBoundary }.map(Wording.text) + report.notes.map(Wording.text)
    }

    func render() -> String {
        // Whole seconds: a page header has no use for the clock's milliseconds.
        let generated = ReportDate.iso(Date(timeIntervalSince1970: report.generatedAt.timeIntervalSince1970.rounded(.down)), in: zone)
        return """
            \(BillRenderer.htmlPageStart(title: "\(e(report.title)) — ClipMeter bill", css: HTMLPage.css, brand: "ClipMeter bill"))
            <h1>\(e(report.title))</h1>
            <p class="meta">Generated <time datetime="\(e(generated))">\(e(generated))</time> · rate card <b>\(e(bill.rateCard))</b> · rounding <b>\(e(bill.rounding))</b>\(report.region.map { " · region <b>\(e($0))</b>" } ?? "") · cycles in \(e(zone.identifier))</p>
            </header>
            \(summaryCards())
            \(cycleChart())
            \(featureSection())
            \(warningSection())
            \(jobsSection())
            \(failuresSection())
            <footer>Money is exact to the rate card (\(e(bill.rateCard)), never rounded through floating point. Each hourly cycle is [start, end) in \(e(zone.identifier)).</footer>
            </main>
            </body>
            </html>
            """
    }

    // MARK: Summary

    private func summaryCards() -> String {
        let failed = bill.jobs.filter { $0.status == .failed }.count
        let unpriced = bill.jobs.filter { $0.unknown != nil }.count
        var jobNotes: [String] = []
        if failed > 0 { jobNotes.append("\(failed) failed") }
        if unpriced > 0 { jobNotes.append("\(unpriced) without a price") }
        let boundary = boundaryWarnings.count
        return """
            <section class="cards" aria-label="Summary">
            <div class="card total"><span class="label">Total</span><span class="value" id="total">\(e(money(bill.total.amount))) <small>\(e(currency))</small></span></div>
            <div class="card"><span class="label">Jobs</span><span class="value">\(bill.jobs.count)</span><span class="sub">\(e(jobNotes.joined(separator: ", ")))</span></div>
            <div class="card"><span class="label">Hourly cycles</span><span class="value">\(bill.cycles.count)</span></div>
            <div class="card\(boundary > 0 ? " attention" : "")"><span class="label">Warnings</span><span class="value">\(boundaryWarnings.count + otherWarnings.count)</span><span class="sub">\(boundary > 0 ? "\(boundary) on a billing boundary" : "")</span></div>
            <div class="card\(report.failures.isEmpty ? "" : " bad")"><span class="label">Failures</span><span class="value">\(report.failures.count)</span></div>
            </section>
            """
    }

    // MARK: Cycle chart

    private func cycleChart() -> String {
        let undated = bill.jobs.filter { $0.cycleStart == nil && $0.knownCost != nil }
        var note = ""
        if !undated.isEmpty {
            let amount = undated.reduce(Decimal(0)) { $0 + ($1.knownCost?.amount ?? 0) }
            note =
                "<p class=\"note\">\(undated.count == 1 ? "1 job has" : "\(undated.count) jobs have") no finish time and \(undated.count == 1 ? "is" : "are") in no cycle: \(e(money(amount))) \(e(currency)).</p>"
        }
        guard !bill.cycles.isEmpty else {
            return "<section id=\"cycles\"><h2>Cost per hourly cycle</h2><p class=\"empty\">No billing cycles.</p>\(note)</section>"
        }
        return """
            <section id="cycles">
            <h2>Cost per hourly cycle <span class="unit">\(e(currency)), \(e(zone.identifier))</span></h2>
            \(cycleSVG())
            \(note)
            </section>
            """
    }

    /// Bars scaled to a round axis top at or above the largest cycle; Double is used for pixel geometry only, every
    /// label is Decimal text.
    private func cycleSVG() -> String {
        let cycles = bill.cycles
        let width = 1040.0, height = 300.0
        let left = 64.0, right = 16.0, top = 28.0, bottom = 52.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let step = axisStep(for: cycles.map(\.total.amount).max() ?? 0)
        let axisTop = step * 4
        let maxPixels = pixels(axisTop)
        let slot = plotWidth / Double(cycles.count)
        let barWidth = min(slot * 0.72, 72)
        let labelEvery = max(1, Int((64 / slot).rounded(.up)))
        let showValues = slot >= 44

        var parts: [String] = []
        parts.append(
            "<svg class=\"chart\" viewBox=\"0 0 \(fmt(width)) \(fmt(height))\" width=\"100%\" role=\"img\" aria-label=\"Cost per hourly cycle\">"
        )
        // Four gridlines at round amounts, the top one at or above the largest cycle.
        for tick in 0...4 {
            let y = top + plotHeight - plotHeight * Double(tick) / 4
            let value = step * Decimal(tick)
            parts.append("<line class=\"grid\" x1=\"\(fmt(left))\" y1=\"\(fmt(y))\" x2=\"\(fmt(width - right))\" y2=\"\(fmt(y))\"/>")
            parts.append(
                "<text class=\"axis\" x=\"\(fmt(left - 8))\" y=\"\(fmt(y + 4))\" text-anchor=\"end\">\(e(NumberText.plain(value)))</text>")
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        for (index, cycle) in cycles.enumerated() {
            let barHeight = maxPixels > 0 ? max(pixels(cycle.total.amount) / maxPixels * plotHeight, cycle.total.amount > 0 ? 1 : 0) : 0
            let x = left + slot * Double(index) + (slot - barWidth) / 2
            let y = top + plotHeight - barHeight
            let range = "[\(ReportDate.iso(cycle.start, in: cycle.timeZone)), \(ReportDate.iso(cycle.end, in: cycle.timeZone)))"
            let tooltip =
                "\(range): \(money(cycle.total.amount)) \(currency), \(cycle.jobIDs.count) job\(cycle.jobIDs.count == 1 ? "" : "s")"
            parts.append(
                "<rect class=\"bar\" x=\"\(fmt(x))\" y=\"\(fmt(y))\" width=\"\(fmt(barWidth))\" height=\"\(fmt(barHeight))\" rx=\"3\"><title>\(e(tooltip))</title></rect>"
            )
            let center = x + barWidth / 2
            if showValues {
                parts.append(
                    "<text class=\"value\" x=\"\(fmt(center))\" y=\"\(fmt(y - 6))\" text-anchor=\"middle\">\(e(money(cycle.total.amount)))</text>"
                )
            }
            if index % labelEvery == 0 {
                let clock = calendar.dateComponents([.month, .day, .hour, .minute], from: cycle.start)
                let hour = pad(clock.hour ?? 0) + ":" + pad(clock.minute ?? 0)
                let day = pad(clock.month ?? 0) + "-" + pad(clock.day ?? 0)
                let base = top + plotHeight
                parts.append("<text class=\"axis\" x=\"\(fmt(center))\" y=\"\(fmt(base + 18))\" text-anchor=\"middle\">\(e(hour))</text>")
                parts.append(
                    "<text class=\"axis day\" x=\"\(fmt(center))\" y=\"\(fmt(base + 34))\" text-anchor=\"middle\">\(e(day))</text>")
            }
        }
        parts.append(
            "<line class=\"baseline\" x1=\"\(fmt(left))\" y1=\"\(fmt(top + plotHeight))\" x2=\"\(fmt(width - right))\" y2=\"\(fmt(top + plotHeight))\"/>"
        )
        parts.append("</svg>")
        return parts.joined(separator: "\n")
    }

    /// The gridline spacing: the smallest round multiple (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8) of a power of ten whose
    /// four steps reach `largest`,
    /// worked out in Decimal so the axis labels are exact round amounts.
    private func axisStep(for largest: Decimal) -> Decimal {
        guard largest > 0 else { return 1 }
        let quarter = largest / 4
        var power = Decimal(1)
        while power * 10 < quarter { power *= 10 }
        while power > quarter { power /= 10 }
        let multiples = ["1", "1.5", "2", "2.5", "3", "4", "5", "6", "8"].compactMap { Decimal(string: $0) }
        for multiple in multiples where multiple * power >= quarter {
            return multiple * power
        }
        return power * 10
    }

    /// A money amount as a Double, for bar lengths only.
    private func pixels(_ amount: Decimal) -> Double { NSDecimalNumber(decimal: amount).doubleValue }
    private func fmt(_ value: Double) -> String { String(format: "%.1f", value) }
    /// "2024-05-01 08:30:00" in the job's zone (the header names the zone; the full ISO text is in `datetime`).
    private func shortDate(_ date: Date, in zone: TimeZone) -> String {
        let iso = ReportDate.iso(date, in: zone)
        return String(iso.prefix(19)).replacingOccurrences(of: "T", with: " ")
    }

    private func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    // MARK: Features

    private func featureSection() -> String {
        var totals: [FeatureID: Decimal] = [:]
        for job in bill.jobs {
            for item in job.items { totals[item.feature, default: 0] += item.cost }
        }
        guard !totals.isEmpty else {
            return "<section id=\"features\"><h2>Cost per feature</h2><p class=\"empty\">Nothing was charged.</p></section>"
        }
        let rows = totals.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.rawValue < $1.key.rawValue }
        let maxPixels = pixels(rows.first?.value ?? 0)
        let body = rows.map { feature, cost -> String in
            let share = bill.total.amount > 0 ? DecimalText.fixed(cost / bill.total.amount * 100, places: 1) + " %" : "—"
            let percent = maxPixels > 0 ? pixels(cost) / maxPixels * 100 : 0
            return """
                <tr><td class="id">\(e(feature.rawValue))</td><td>\(e(BillRenderer.serviceName(forFeature: feature)))</td><td class="num">\(e(money(cost)))</td><td class="num muted">\(e(share))</td><td class="meter"><span style="width: \(String(format: "%.1f", percent))%"></span></td></tr>
                """
        }
        return """
            <section id="features">
            <h2>Cost per feature <span class="unit">\(e(currency))</span></h2>
            <table class="features">
            <thead><tr><th>Feature</th><th>Service</th><th class="num">Cost</th><th class="num">Share</th><th class="meter-head"></th></tr></thead>
            <tbody>
            \(body.joined(separator: "\n"))
            </tbody>
            </table>
            </section>
            """
    }

    // MARK: Warnings

    private func warningSection() -> String {
        guard !bill.warnings.isEmpty || !report.notes.isEmpty else { return "" }
        var html = "<section id=\"warnings\"><h2>Warnings</h2>"
        if !boundaryWarnings.isEmpty {
            html +=
                "<div class=\"boundary-warnings\"><h3>On a billing boundary</h3><p>Another duration policy would bill these files a different number of minutes: check them before trusting the figure.</p><ul>"
            html += boundaryWarnings.map { "<li class=\"warning boundary\">\(e($0))</li>" }.joined()
            html += "</ul></div>"
        }
        if !otherWarnings.isEmpty {
            html += "<ul class=\"warnings\">" + otherWarnings.map { "<li class=\"warning\">\(e($0))</li>" }.joined() + "</ul>"
        }
        return html + "</section>"
    }

    // MARK: Jobs

    private func jobsSection() -> String {
        guard !bill.jobs.isEmpty else {
            return "<section id=\"jobs\"><h2>Jobs</h2><p class=\"empty\">No jobs were billed.</p></section>"
        }
        let rows = bill.jobs.map(jobRow).joined(separator: "\n")
        return """
            <section id="jobs">
            <h2>Jobs <span class="unit">\(bill.jobs.count)</span></h2>
            <table class="jobs">
            <thead><tr><th>Job</th><th>Feature</th><th>Status</th><th>Finished</th><th class="num">Cost (\(e(currency)))</th><th>Line items</th></tr></thead>
            <tbody>
            \(rows)
            </tbody>
            <tfoot><tr><th colspan="4">Total</th><th class="num">\(e(money(bill.total.amount)))</th><th></th></tr></tfoot>
            </table>
            </section>
            """
    }

    private func jobRow(_ job: PricedJob) -> String {
        let unpriced = job.unknown != nil
        let badge = job.status == .failed ? "failed" : (job.unknown.map { $0.code.replacingOccurrences(of: "-", with: " ") } ?? "succeeded")
        let badgeClass = job.status == .failed ? "bad" : (unpriced ? "warn" : "good")
        let finished =
            job.finishedAt.map { date in
                "<time datetime=\"\(e(ReportDate.iso(date, in: job.timeZone)))\">\(e(shortDate(date, in: job.timeZone)))</time>"
            } ?? "—"
        var details: [String] = []
        if let reason = Wording.reason(of: job) { details.append("<p class=\"reason\">\(e(reason))</p>") }
        if !job.items.isEmpty {
            let items = job.items.map { item in
                "<li><span class=\"cost\">\(e(money(item.cost)))</span><span class=\"component\">\(e(item.component))</span><br><span class=\"explain\">\(e(item.explain))</span></li>"
            }
            details.append("<ul class=\"items\">\(items.joined())</ul>")
        }
        // Boundary warnings stay in sight; the rest (long unverified-price notes, also listed above) fold away.
        // A no-price warning repeats the reason already shown.
        let warnings = Wording.warningsBesideReason(of: job)
        let boundary = warnings.filter(\.isBoundary).map(Wording.text)
        let other = warnings.filter { !$0.isBoundary }.map(Wording.text)
        if !boundary.isEmpty {
            details.append("<ul class=\"job-warnings\">\(boundary.map { "<li class=\"warning boundary\">\(e($0))</li>" }.joined())</ul>")
        }
        if !other.isEmpty {
            let summary = other.count == 1 ? "1 warning" : "\(other.count) warnings"
            details.append(
                "<details class=\"job-warnings\"><summary>\(summary)</summary><ul class=\"job-warnings\">\(other.map { "<li class=\"warning\">\(e($0))</li>" }.joined())</ul></details>"
            )
        }
        return """
            <tr class="job \(badgeClass)"><td class="id">\(e(job.id))</td><td class="feature">\(e(job.feature.rawValue))</td><td><span class="badge \(badgeClass)">\(badge)</span></td><td class="date">\(finished)</td><td class="num cost">\(e(BillRenderer.costCell(job)))</td><td class="details">\(details.joined())</td></tr>
            """
    }

    // MARK: Failures

    private func failuresSection() -> String {
        guard !report.failures.isEmpty else { return "" }
        let rows = report.failures.map { failure in
            "<tr><td class=\"id\">\(e(failure.path))</td><td class=\"id\">\(e(failure.jobID ?? "—"))</td><td><span class=\"badge bad\">\(e(failure.code.description))</span></td><td>\(e(Wording.message(failure)))</td></tr>"
        }
        return """
            <section id="failures">
            <h2>Failures <span class="unit">\(report.failures.count)</span></h2>
            <p>These could not be measured or priced; they are not in the total.</p>
            <table class="failures">
            <thead><tr><th>Path</th><th>Job</th><th>Code</th><th>Message</th></tr></thead>
            <tbody>
            \(rows.joined(separator: "\n"))
            </tbody>
            </table>
            </section>
            """
    }

    // MARK: Style

    static let css = """

        :root { --fg: #1f2328; --muted: #59636e; --border: #d1d9e0; --panel: #ffffff; --page: #f6f8fa; --accent: #2f6feb;
          --good: #1a7f37; --good-bg: #dafbe1; --bad: #cf222e; --bad-bg: #ffebe9; --warn: #9a6700; --warn-bg: #fff8c5; }
        * { box-sizing: border-box; }
        body { margin: 0; background: var(--page); color: var(--fg); font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto,
          "Helvetica Neue", "Noto Sans", "Liberation Sans", Arial, sans-serif; }
        main { max-width: 1180px; margin: 0 auto; padding: 28px 24px 40px; }
        header h1 { margin: 0 0 4px; font-size: 26px; font-weight: 650; word-break: break-word; }
        .brand { margin: 0; color: var(--accent); font-weight: 600; font-size: 12px; letter-spacing: .08em; text-transform: uppercase; }
        .meta, .note, .muted, footer { color: var(--muted); }
        .meta { margin: 0 0 20px; }
        section { background: var(--panel); border: 1px solid var(--border); border-radius: 10px; padding: 16px 20px; margin: 0 0 18px; }
        section.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 12px; background: none; border: 0; padding: 0; }
        .card { background: var(--panel); border: 1px solid var(--border); border-radius: 10px; padding: 12px 16px; display: flex; flex-direction: column; }
        .card .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .05em; }
        .card .value { font-size: 24px; font-weight: 650; font-variant-numeric: tabular-nums; }
        .card .sub { color: var(--muted); font-size: 12px; min-height: 18px; }
        .card.total { border-color: var(--accent); grid-column: span 2; }
        .card.total .value { font-size: 30px; color: var(--accent); }
        .card.total small { font-size: 15px; color: var(--muted); font-weight: 500; }
        .card.attention { background: var(--warn-bg); border-color: #d4a72c; }
        .card.bad { background: var(--bad-bg); border-color: #ff8182; }
        h2 { font-size: 17px; margin: 0 0 12px; font-weight: 620; }
        h2 .unit { color: var(--muted); font-weight: 400; font-size: 13px; margin-left: 6px; }
        h3 { font-size: 14px; margin: 0 0 4px; }
        .empty { color: var(--muted); font-style: italic; margin: 0; }
        svg.chart { display: block; max-width: 100%; height: auto; font-family: inherit; }
        svg .bar { fill: var(--accent); }
        svg .bar:hover { fill: #1f4fb8; }
        svg .grid { stroke: #e6eaef; stroke-width: 1; }
        svg .baseline { stroke: #8c959f; stroke-width: 1; }
        svg text { font-size: 12px; fill: var(--muted); font-variant-numeric: tabular-nums; }
        svg text.value { fill: var(--fg); font-weight: 600; }
        svg text.day { font-size: 11px; }
        table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
        th, td { text-align: left; vertical-align: top; padding: 8px 10px; border-bottom: 1px solid #e6eaef; }
        thead th { font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; border-bottom: 1px solid var(--border); white-space: nowrap; }
        tfoot th { border-bottom: 0; font-size: 15px; }
        tbody tr:hover { background: #f6f8fa; }
        .num { text-align: right; white-space: nowrap; }
        .id, .date, .component { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 12.5px; overflow-wrap: anywhere; }
        table.jobs td.id { min-width: 9em; }
        table.jobs td.details { width: 42%; }
        .date, td.feature { white-space: nowrap; word-break: normal; }
        td.cost { font-weight: 600; }
        .badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 600; white-space: nowrap; }
        .badge.good { background: var(--good-bg); color: var(--good); }
        .badge.bad { background: var(--bad-bg); color: var(--bad); }
        .badge.warn { background: var(--warn-bg); color: var(--warn); }
        td.meter { width: 34%; }
        td.meter span { display: block; height: 10px; margin-top: 6px; border-radius: 5px; background: var(--accent); min-width: 2px; }
        ul { margin: 0; padding-left: 18px; }
        ul.items { list-style: none; padding: 0; }
        ul.items li + li { margin-top: 6px; }
        .items .cost { float: right; font-weight: 600; margin-left: 12px; }
        .explain { color: var(--muted); }
        .reason { margin: 0 0 6px; color: var(--bad); }
        tr.warn .reason { color: var(--warn); }
        ul.job-warnings { margin-top: 6px; padding: 0; list-style: none; }
        details.job-warnings { margin-top: 6px; }
        details.job-warnings summary { cursor: pointer; color: var(--warn); font-size: 12.5px; }
        ul.job-warnings li { color: var(--warn); font-size: 13px; }
        li.warning { margin: 2px 0; }
        .boundary-warnings { background: var(--warn-bg); border: 1px solid #d4a72c; border-left: 5px solid #bf8700; border-radius: 8px; padding: 10px 14px; margin-bottom: 10px; }
        .boundary-warnings p { margin: 0 0 6px; color: var(--warn); }
        li.boundary { font-weight: 600; }
        ul.job-warnings li.boundary { background: var(--warn-bg); border-left: 3px solid #bf8700; padding: 2px 6px; color: #7d4e00; }
        footer { font-size: 12px; margin-top: 8px; }

        """
}

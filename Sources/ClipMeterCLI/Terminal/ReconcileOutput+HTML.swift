import Billing
import ClipMeterKit
import Foundation
import Reconcile

extension ReconcileOutput {
    /// One self-contained page (inline CSS and SVG, no script, no network) in the bill report's look: totals, a chart
    /// of the bill's gross against ClipMeter's cost per period, the rows grouped by status, what was not read.
    /// Every text from a bill file is escaped.
    static func html(_ report: ReconcileReport) -> String {
        func e(_ text: String) -> String { BillRenderer.htmlEscape(text) }
        func money(_ value: Decimal?) -> String { value.map { MoneyText.string($0) } ?? "—" }
        let zone = report.timeZone
        let difference = report.billTotal - report.clipmeterTotal
        let differing = report.rows.filter { !$0.status.agrees }.count
        var parts: [String] = []
        parts.append(
            """
            \(BillRenderer.htmlPageStart(title: "Reconciliation — ClipMeter", css: css, brand: "ClipMeter reconciliation"))
            <h1>Alibaba's bill beside ClipMeter</h1>
            <p class="meta">Rate card <b>\(e(report.rateCard))</b> · periods in \(e(zone.identifier)) · amounts in \(e(report.currency)), gross before discounts and deductions</p>
            </header>
            <section class="cards" aria-label="Summary">
            <div class="card"><span class="label">Bill (gross)</span><span class="value" id="bill-total">\(e(money(report.billTotal)))</span></div>
            <div class="card"><span class="label">ClipMeter</span><span class="value" id="clipmeter-total">\(e(money(report.clipmeterTotal)))</span></div>
            <div class="card\(difference == 0 ? "" : " attention")"><span class="label">Difference</span><span class="value">\(e(money(difference)))</span></div>
            <div class="card\(differing == 0 ? "" : " attention")"><span class="label">Rows that differ</span><span class="value">\(differing) / \(report.rows.count)</span></div>
            <div class="card\(report.errors.isEmpty ? "" : " bad")"><span class="label">Not read</span><span class="value">\(report.errors.count)</span></div>
            </section>
            """)
        parts.append(chart(report))
        for (status, rows) in report.byStatus {
            let tone = status.agrees ? "good" : status == .notFinal || status == .cycleShift ? "warn" : "bad"
            var section =
                "<section><h2><span class=\"badge \(tone)\">\(e(status.rawValue))</span> \(rows.count) row\(rows.count == 1 ? "" : "s")"
                + "<span class=\"unit\">\(e(status.advice))</span></h2>\n<table><thead><tr><th>Period</th><th>Billing item</th><th>Feature</th>"
                + "<th class=\"num\">Bill usage</th><th class=\"num\">ClipMeter usage</th><th class=\"num\">Bill gross</th><th class=\"num\">Payable</th>"
                + "<th class=\"num\">ClipMeter cost</th><th class=\"num\">Difference</th></tr></thead><tbody>\n"
            for row in rows {
                let ourUnit = row.clipmeter.map { $0.unit == .minutes ? " min" : " ×1000 tokens" } ?? ""
                section +=
                    "<tr><td class=\"date\">\(e(row.period.label(in: zone)))</td><td class=\"id\">\(e(item(row)))</td><td class=\"id\">\(e(feature(row)))</td>"
                    + "<td class=\"num\">\(e(number(row.bill?.usage)))\(e(row.bill?.usageUnit.map { " " + $0 } ?? ""))</td>"
                    + "<td class=\"num\">\(e(number(row.clipmeter?.usage)))\(e(ourUnit))</td><td class=\"num\">\(e(money(row.bill?.gross)))</td>"
                    + "<td class=\"num\">\(e(money(row.bill?.payable)))</td><td class=\"num\">\(e(money(row.clipmeter?.cost)))</td>"
                    + "<td class=\"num cost\">\(e(money(row.difference)))</td></tr>\n"
                    + "<tr class=\"reason-row\"><td></td><td colspan=\"8\" class=\"explain\">\(e(row.reason))</td></tr>\n"
            }
            parts.append(section + "</tbody></table></section>")
        }
        if !report.warnings.isEmpty {
            parts.append("<section><h2>Warnings</h2><ul>" + report.warnings.map { "<li>\(e($0))</li>" }.joined() + "</ul></section>")
        }
        if !report.errors.isEmpty {
            parts.append(
                "<section><h2>Not read</h2><ul>"
                    + report.errors.map { "<li class=\"bad\"><b>\(e($0.code))</b> \(e($0.description))</li>" }.joined()
                    + "</ul></section>")
        }
        parts.append(
            "<footer>Rows are compared per period, currency and billing item: usage first, then the list price against the card, then the gross amount. Money is exact, never rounded through floating point.</footer>\n</main>\n</body>\n</html>"
        )
        return parts.joined(separator: "\n")
    }

    /// Grouped bars per period: the bill's gross beside ClipMeter's cost.
    private static func chart(_ report: ReconcileReport) -> String {
        var totals: [Period: (bill: Decimal, ours: Decimal)] = [:]
        for row in report.rows {
            var sums = totals[row.period] ?? (0, 0)
            sums.bill += row.bill?.gross ?? 0
            sums.ours += row.clipmeter?.cost ?? 0
            totals[row.period] = sums
        }
        let periods = totals.keys.sorted()
        guard !periods.isEmpty else {
            return "<section><h2>Bill and ClipMeter per period</h2><p class=\"empty\">Nothing to chart.</p></section>"
        }
        let largest = totals.values.map { max($0.bill, $0.ours) }.max() ?? 0
        let scale = largest > 0 ? NSDecimalNumber(decimal: largest).doubleValue : 1
        // Room on the left and below for the slanted period labels ("2026-11-20 08:00" is the longest).
        let slot = 44.0, barWidth = 16.0, plot = 180.0, top = 20.0, left = 110.0
        let width = max(320, left + 10 + Double(periods.count) * slot), height = top + plot + 95
        func f(_ value: Double) -> String { String(format: "%.1f", value) }
        var svg =
            "<svg class=\"chart\" viewBox=\"0 0 \(f(width)) \(f(height))\" width=\"100%\" role=\"img\" aria-label=\"Bill and ClipMeter per period\">"
        svg += "<line class=\"axis\" x1=\"\(f(left - 10))\" y1=\"\(f(top + plot))\" x2=\"\(f(width - 10))\" y2=\"\(f(top + plot))\"/>"
        svg +=
            "<text x=\"\(f(left - 14))\" y=\"\(f(top + 4))\" text-anchor=\"end\">\(BillRenderer.htmlEscape(MoneyText.string(largest)))</text>"
        for (index, period) in periods.enumerated() {
            let sums = totals[period] ?? (0, 0)
            let x = left + Double(index) * slot
            for (offset, value, kind) in [(0.0, sums.bill, "bill"), (barWidth + 2, sums.ours, "ours")] {
                let h = plot * NSDecimalNumber(decimal: value).doubleValue / scale
                svg +=
                    "<rect class=\"bar \(kind)\" x=\"\(f(x + offset))\" y=\"\(f(top + plot - h))\" width=\"\(f(barWidth))\" height=\"\(f(max(h, 0)))\">"
                    + "<title>\(kind == "bill" ? "bill" : "ClipMeter") \(BillRenderer.htmlEscape(MoneyText.string(value)))</title></rect>"
            }
            svg +=
                "<text class=\"day\" x=\"\(f(x + barWidth))\" y=\"\(f(top + plot + 14))\" text-anchor=\"end\" transform=\"rotate(-40 \(f(x + barWidth)) \(f(top + plot + 14)))\">"
                + "\(BillRenderer.htmlEscape(period.label(in: report.timeZone)))</text>"
        }
        svg += "</svg>"
        return "<section><h2>Bill and ClipMeter per period<span class=\"unit\">\(BillRenderer.htmlEscape(report.currency)) · "
            + "<span class=\"key bill\"></span> bill gross · <span class=\"key ours\"></span> ClipMeter</span></h2>\(svg)</section>"
    }

    private static func number(_ value: Decimal?) -> String { value.map { NumberText.plain($0) } ?? "—" }
    private static func item(_ row: ReconciledRow) -> String {
        row.billingItemCode.map { code in row.billingItem.map { $0 == code ? code : "\($0) (\(code))" } ?? code } ?? row.billingItem
            ?? "(not on the bill)"
    }
    private static func feature(_ row: ReconciledRow) -> String { row.key?.description ?? "unmapped" }

    /// The bill report's palette and layout, reduced to what this page uses.
    private static let css = """
        :root { --fg: #1f2328; --muted: #59636e; --border: #d1d9e0; --panel: #fff; --page: #f6f8fa; --accent: #2f6feb; --other: #8250df;
          --good: #1a7f37; --good-bg: #dafbe1; --bad: #cf222e; --bad-bg: #ffebe9; --warn: #9a6700; --warn-bg: #fff8c5; }
        body { margin: 0; background: var(--page); color: var(--fg); font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
        main { max-width: 1180px; margin: 0 auto; padding: 24px 16px 40px; }
        header h1 { margin: 0 0 4px; font-size: 26px; font-weight: 650; }
        .brand { margin: 0; color: var(--accent); font-weight: 600; font-size: 12px; letter-spacing: .08em; text-transform: uppercase; }
        .meta, .muted, footer, .explain { color: var(--muted); }
        section { background: var(--panel); border: 1px solid var(--border); border-radius: 10px; padding: 16px 20px; margin: 0 0 18px; overflow-x: auto; }
        section.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 12px; background: none; border: 0; padding: 0; }
        .card { background: var(--panel); border: 1px solid var(--border); border-radius: 10px; padding: 12px 16px; display: flex; flex-direction: column; }
        .card .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .05em; }
        .card .value { font-size: 24px; font-weight: 650; font-variant-numeric: tabular-nums; }
        .card.attention { background: var(--warn-bg); border-color: #d4a72c; }
        .card.bad { background: var(--bad-bg); border-color: #ff8182; }
        h2 { font-size: 17px; margin: 0 0 12px; font-weight: 620; }
        h2 .unit { color: var(--muted); font-weight: 400; font-size: 13px; margin-left: 8px; }
        svg.chart { display: block; max-width: 100%; height: auto; }
        svg .bar.bill, .key.bill { fill: var(--accent); background: var(--accent); }
        svg .bar.ours, .key.ours { fill: var(--other); background: var(--other); }
        .key { display: inline-block; width: 10px; height: 10px; border-radius: 2px; }
        svg .axis { stroke: var(--border); }
        svg text { font-size: 11px; fill: var(--muted); }
        table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
        th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--border); vertical-align: top; }
        tr.reason-row td { border-bottom: 1px solid var(--border); padding-top: 0; }
        thead th { font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; white-space: nowrap; }
        .num { text-align: right; white-space: nowrap; }
        .id, .date { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; overflow-wrap: anywhere; }
        td.cost { font-weight: 600; }
        .badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 600; }
        .badge.good { background: var(--good-bg); color: var(--good); }
        .badge.bad { background: var(--bad-bg); color: var(--bad); }
        .badge.warn { background: var(--warn-bg); color: var(--warn); }
        li.bad { color: var(--bad); }
        """
}

import Billing
import ClipMeterKit
import Foundation
import Reconcile

/// The views of a `ReconcileReport`: a table grouped by status, JSON, CSV and a self-contained HTML page.
enum ReconcileOutput {
    static func print(_ report: ReconcileReport, format: String) {
        let text: String
        switch format {
        case "json": text = json(report).rendered(pretty: true)
        case "csv": text = csv(report)
        case "html": text = html(report)
        default: text = table(report)
        }
        fputs(text + "\n", stdout)
    }

    // MARK: - Shared cells

    private static func money(_ value: Decimal?) -> String { value.map { MoneyText.string($0) } ?? "" }
    private static func number(_ value: Decimal?) -> String { value.map { NumberText.plain($0) } ?? "" }
    private static func item(_ row: ReconciledRow) -> String {
        row.billingItemCode.map { code in row.billingItem.map { $0 == code ? code : "\($0) (\(code))" } ?? code }
            ?? row.billingItem ?? "(none on the bill)"
    }
    private static func feature(_ row: ReconciledRow) -> String {
        row.key?.description
            ?? (row.proposed.isEmpty ? "unmapped" : "unmapped (" + row.proposed.map(\.description).joined(separator: " or ") + "?)")
    }
    private static func span(_ report: ReconcileReport) -> String {
        guard let from = report.from, let to = report.to else { return "no rows" }
        return "[\(DateText.string(from, in: report.timeZone)), \(DateText.string(to, in: report.timeZone)))"
    }

    // MARK: - Table

    static func table(_ report: ReconcileReport) -> String {
        var blocks: [String] = []
        if report.rows.isEmpty { blocks.append("No bill rows and no ClipMeter charges to compare.") }
        for (status, rows) in report.byStatus {
            var lines = ["\(status.rawValue.uppercased()) (\(rows.count)): \(status.advice)"]
            let cells = rows.map { row in
                [
                    "  " + row.period.label(in: report.timeZone), TerminalText.line(item(row)), feature(row),
                    number(row.bill?.usage) + (row.bill?.usageUnit.map { " " + $0 } ?? ""),
                    number(row.clipmeter?.usage) + (row.clipmeter.map { " " + ($0.unit == .minutes ? "min" : "×1000 tokens") } ?? ""),
                    money(row.bill?.gross), money(row.clipmeter?.cost), money(row.difference),
                ]
            }
            let rendered = TextTable.render(
                header: [
                    "  PERIOD", "BILLING ITEM", "FEATURE", "BILL USAGE", "CLIPMETER USAGE", "BILL GROSS",
                    "CLIPMETER COST", "DIFFERENCE",
                ], rows: cells
            ).split(separator: "\n").map(String.init)
            lines.append(rendered[0])
            for (index, row) in rows.enumerated() {
                lines.append(rendered[index + 1])
                lines.append("      " + TerminalText.line(row.reason))
            }
            blocks.append(lines.joined(separator: "\n"))
        }
        let difference = report.billTotal - report.clipmeterTotal
        blocks.append(
            "TOTAL bill \(money(report.billTotal)) \(report.currency), ClipMeter \(money(report.clipmeterTotal)) \(report.currency), "
                + "difference \(money(difference)) (gross amounts before discounts and deductions; rate card \(report.rateCard); periods \(span(report)) in \(report.timeZone.identifier))"
        )
        if !report.warnings.isEmpty {
            blocks.append(
                (["Warnings (\(report.warnings.count)):"] + report.warnings.map { "  - " + TerminalText.line($0) }).joined(
                    separator: "\n"))
        }
        if !report.errors.isEmpty {
            blocks.append(
                (["Not read (\(report.errors.count)):"] + report.errors.map { "  - " + TerminalText.line($0.description) }).joined(
                    separator: "\n"))
        }
        return blocks.joined(separator: "\n\n")
    }

    // MARK: - JSON

    static func json(_ report: ReconcileReport) -> JSONValue {
        let zone = report.timeZone
        func date(_ value: Date?) -> JSONValue { value.map { .string(DateText.string($0, in: zone)) } ?? .null }
        func amount(_ value: Decimal?) -> JSONValue { value.map { .string(MoneyText.string($0)) } ?? .null }
        func quantity(_ value: Decimal?) -> JSONValue { value.map { .number(NumberText.plain($0)) } ?? .null }
        let rows: [JSONValue] = report.rows.map { row in
            let bill: JSONValue =
                row.bill.map { bill in
                    let d = bill.deductions
                    return .object([
                        ("usage", quantity(bill.usage)), ("usageUnit", .string(bill.usageUnit)), ("listPrice", amount(bill.listPrice)),
                        ("listPriceUnit", .string(bill.listPriceUnit)), ("gross", amount(bill.gross)), ("payable", amount(bill.payable)),
                        (
                            "deducted",
                            .object([
                                ("resourcePackage", .string(d.resourcePackage)), ("coupons", amount(d.coupons)),
                                ("cashCoupons", amount(d.cashCoupons)),
                                ("prepaidCard", amount(d.prepaidCard)), ("invoiceDiscount", amount(d.invoiceDiscount)),
                                ("money", amount(d.money)),
                            ])
                        ),
                        ("sources", .array(bill.sources.map { .string($0.rawValue) })),
                        ("rows", .array(bill.locations.map { .string($0) })),
                    ])
                } ?? .null
            let clipmeter: JSONValue =
                row.clipmeter.map { ours in
                    .object([
                        ("usage", quantity(ours.usage)), ("usagePerCycle", quantity(ours.usagePerCycle)),
                        ("unit", .string(ours.unit.rawValue)),
                        ("cost", amount(ours.cost)), ("jobs", .array(ours.jobs.map { .string($0) })),
                    ])
                } ?? .null
            return .object([
                (
                    "period",
                    .object([
                        ("start", date(row.period.start)), ("end", date(row.period.end)),
                        ("granularity", .string(row.period.granularity.rawValue)), ("label", .string(row.period.label(in: zone))),
                    ])
                ),
                ("billingItemCode", .string(row.billingItemCode)), ("billingItem", .string(row.billingItem)),
                ("feature", .string(row.key?.feature.rawValue)), ("item", .string(row.key?.description)),
                ("proposedFeatures", .array(row.proposed.map { .string($0.description) })),
                ("status", .string(row.status.rawValue)), ("bill", bill), ("clipmeter", clipmeter),
                ("difference", amount(row.difference)), ("usageDifference", quantity(row.usageDifference)),
                ("rounding", .string(row.roundingAgreement)), ("reason", .string(row.reason)),
            ])
        }
        return .object([
            ("currency", .string(report.currency)),
            ("period", .object([("start", date(report.from)), ("end", date(report.to)), ("timeZone", .string(zone.identifier))])),
            ("rateCard", .string(report.rateCard)),
            ("rows", .array(rows)),
            (
                "totals",
                .object([
                    ("bill", amount(report.billTotal)), ("clipmeter", amount(report.clipmeterTotal)),
                    ("difference", amount(report.billTotal - report.clipmeterTotal)),
                ])
            ),
            (
                "errors",
                .array(
                    report.errors.map {
                        .object([
                            ("location", .string($0.location)), ("code", .string($0.code)),
                            ("message", .string($0.description)),
                        ])
                    })
            ),
            ("warnings", .array(report.warnings.map { .string($0) })),
        ])
    }

    // MARK: - CSV

    static func csv(_ report: ReconcileReport) -> String {
        var lines = [
            "period_start,period_end,granularity,billing_item_code,billing_item,feature,status,bill_usage,bill_usage_unit,"
                + "list_price,list_price_unit,gross,payable,deducted_money,deducted_by_resource_package,clipmeter_usage,clipmeter_usage_per_cycle,"
                + "clipmeter_unit,clipmeter_cost,jobs,difference,currency,reason"
        ]
        for row in report.rows {
            let cells: [String] = [
                DateText.string(row.period.start, in: report.timeZone), DateText.string(row.period.end, in: report.timeZone),
                row.period.granularity.rawValue, row.billingItemCode ?? "", row.billingItem ?? "", row.key?.description ?? "",
                row.status.rawValue, number(row.bill?.usage), row.bill?.usageUnit ?? "", number(row.bill?.listPrice),
                row.bill?.listPriceUnit ?? "", money(row.bill?.gross), money(row.bill?.payable), money(row.bill?.deductions.money),
                row.bill?.deductions.resourcePackage ?? "", number(row.clipmeter?.usage), number(row.clipmeter?.usagePerCycle),
                row.clipmeter?.unit.rawValue ?? "", money(row.clipmeter?.cost), (row.clipmeter?.jobs ?? []).joined(separator: " "),
                money(row.difference), report.currency, row.reason,
            ]
            lines.append(CSV.row(cells, neutralizingFormulas: false))
        }
        return lines.joined(separator: "\n")
    }
}

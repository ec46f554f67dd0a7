import Billing
import Foundation
import Quantities

extension BillRenderer {
    // MARK: - CSV

    /// Columns of `csv(_:)`, in order.
    public static let csvColumns = [
        "jobId", "feature", "status", "finishedAt", "cycleStart", "component", "quantity", "unit", "billedQuantity",
        "unitPrice", "cost", "currency", "explain", "file",
    ]

    /// CSV: header + one row per line item: jobId, feature, status, finishedAt, cycleStart, component, quantity, unit,
    /// billedQuantity, unitPrice, cost, currency, explain, file. Failed/zero jobs with no items still get one row
    /// (component empty, cost 0, the reason in explain). Each report failure (a file that could not be measured, a
    /// job that could not be read) follows as a row with status `error`, cost 0 and "code: message" in explain, so
    /// the CSV shows what the exit code reports. RFC 4180 quoting via CSV.field; dates carry the billing zone's offset.
    public static func csv(_ report: BillReport) -> String {
        let bill = report.bill
        var rows: [[String]] = [csvColumns]
        for job in bill.jobs {
            let finished = job.finishedAt.map { ReportDate.iso($0, in: job.timeZone) } ?? ""
            let cycle = job.cycleStart.map { ReportDate.iso($0, in: job.timeZone) } ?? ""
            let head = [job.id, job.feature.rawValue, job.status.rawValue, finished, cycle]
            if job.items.isEmpty || job.unknown != nil {
                // No charge to itemise, or a cost that cannot be known: one row, its cost empty when unknown.
                let cost = job.unknown == nil ? MoneyText.string(job.cost?.amount ?? 0) : ""
                rows.append(head + ["", "", "", "", "", cost, bill.currency, Wording.reason(of: job) ?? "", ""])
                continue
            }
            for item in job.items {
                rows.append(head + [
                    item.component, DecimalText.plain(item.quantity), item.unit.rawValue, NumberText.plain(item.billedQuantity),
                    item.unitPrice.map(MoneyText.string) ?? "", MoneyText.string(item.cost), bill.currency, item.explain,
                    item.file ?? "",
                ])
            }
        }
        for failure in report.failures {
            rows.append([
                failure.jobID ?? "", "", "error", "", "", "", "", "", "", "", MoneyText.string(0), bill.currency,
                "\(failure.code): \(Wording.message(failure))", failure.path,
            ])
        }
        return rows.map { $0.map(CSV.field).joined(separator: ",") }.joined(separator: "\n")
    }

    // MARK: - FOCUS

    /// Columns of `focus(_:)`, in order: FinOps FOCUS 1.0 columns, then ClipMeter's own (`x_` prefix, as FOCUS
    /// asks of custom columns).
    public static let focusColumns = [
        "BilledCost", "EffectiveCost", "ListCost", "ContractedCost", "ListUnitPrice", "ContractedUnitPrice",
        "PricingQuantity", "PricingUnit", "PricingCategory", "ConsumedQuantity", "ConsumedUnit",
        "ChargePeriodStart", "ChargePeriodEnd", "BillingPeriodStart", "BillingPeriodEnd", "BillingCurrency",
        "ChargeCategory", "ChargeClass", "ChargeDescription", "ChargeFrequency",
        "ServiceName", "ServiceCategory", "ProviderName", "PublisherName", "InvoiceIssuerName",
        "RegionId", "RegionName", "ResourceId", "ResourceName", "ResourceType", "SkuId", "SkuPriceId",
        "x_JobId", "x_Feature", "x_JobStatus", "x_RateCard", "x_Rounding", "x_File", "x_Warnings",
    ]

    /// FinOps FOCUS 1.0 CSV, one row per line item (jobs without items charge nothing and have no row; a job whose
    /// cost is unknown is no charge and has none either).
    /// ChargePeriodStart/End are the item's hourly cycle `[start, end)` in UTC (`…Z`), empty when the job has no
    /// finish time; BillingPeriodStart/End the calendar month holding that cycle in the billing zone. BilledCost,
    /// EffectiveCost, ListCost and ContractedCost are the item's exact cost (list prices are what ClipMeter knows),
    /// so BilledCost sums to the bill total. ListUnitPrice is empty when the card has no price.
    public static func focus(_ report: BillReport) -> String {
        let bill = report.bill
        var rows: [[String]] = [focusColumns]
        for job in bill.jobs where job.unknown == nil {
            let period = job.cycleStart.map { start in
                (start: start, end: start.addingTimeInterval(3600), month: billingMonth(containing: start, in: job.timeZone))
            }
            let service = serviceName(forFeature: job.feature)
            for item in job.items {
                let cost = MoneyText.string(item.cost)
                let price = item.unitPrice.map(MoneyText.string) ?? ""
                let resourceID = item.file.map { "\(job.id)/\($0)" } ?? job.id
                let row: [String: String] = [
                    "BilledCost": cost, "EffectiveCost": cost, "ListCost": cost, "ContractedCost": cost,
                    "ListUnitPrice": price, "ContractedUnitPrice": price,
                    "PricingQuantity": NumberText.plain(item.billedQuantity), "PricingUnit": focusUnit(item.unit),
                    "PricingCategory": "Standard",
                    "ConsumedQuantity": NumberText.plain(item.measured), "ConsumedUnit": focusUnit(item.measuredUnit),
                    "ChargePeriodStart": period.map { ReportDate.utc($0.start) } ?? "",
                    "ChargePeriodEnd": period.map { ReportDate.utc($0.end) } ?? "",
                    "BillingPeriodStart": period.map { ReportDate.utc($0.month.start) } ?? "",
                    "BillingPeriodEnd": period.map { ReportDate.utc($0.month.end) } ?? "",
                    "BillingCurrency": bill.currency,
                    "ChargeCategory": "Usage", "ChargeClass": "", "ChargeDescription": item.explain,
                    "ChargeFrequency": "Usage-Based",
                    "ServiceName": service, "ServiceCategory": "Media",
                    "ProviderName": "Alibaba Cloud", "PublisherName": "Alibaba Cloud", "InvoiceIssuerName": "Alibaba Cloud",
                    "RegionId": report.region ?? "", "RegionName": report.region ?? "",
                    "ResourceId": resourceID, "ResourceName": item.file ?? job.id,
                    "ResourceType": item.file == nil ? "Media Job" : "Media Job Output",
                    "SkuId": item.feature.rawValue, "SkuPriceId": "\(bill.rateCard):\(priceComponent(item))",
                    "x_JobId": job.id, "x_Feature": job.feature.rawValue, "x_JobStatus": job.status.rawValue,
                    "x_RateCard": bill.rateCard, "x_Rounding": bill.rounding, "x_File": item.file ?? "",
                    "x_Warnings": Wording.warnings(of: job).joined(separator: " | "),
                ]
                rows.append(focusColumns.map { row[$0] ?? "" })
            }
        }
        return rows.map { $0.map(CSV.field).joined(separator: ",") }.joined(separator: "\n")
    }

    /// The component without its file name ("mps-transcode h264 HD: a.mp4" → "mps-transcode h264 HD"): the price
    /// it was charged at, shared by every file of that tier.
    private static func priceComponent(_ item: LineItem) -> String {
        guard let file = item.file, item.component.hasSuffix(": " + file) else { return item.component }
        return String(item.component.dropLast(file.count + 2))
    }

    /// "Intelligent Media Services" for IMS features (production, editing, tokens), "ApsaraVideo Media Processing"
    /// for `mps-*`.
    public static func serviceName(forFeature feature: FeatureID) -> String {
        feature.isMediaProcessing ? "ApsaraVideo Media Processing" : "Intelligent Media Services"
    }

    /// Billing units as FOCUS readers expect to see them spelled.
    private static func focusUnit(_ unit: BillingUnit) -> String {
        switch unit {
        case .minute: return "Minutes"
        case .thousandTokens: return "1000 Tokens"
        }
    }

    private static func focusUnit(_ unit: MeasuredUnit) -> String {
        switch unit {
        case .seconds: return "Seconds"
        case .tokens: return "Tokens"
        }
    }

    /// The calendar month holding `date` in the billing zone: Alibaba Cloud invoices monthly.
    private static func billingMonth(containing date: Date, in zone: TimeZone) -> (start: Date, end: Date) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        guard let interval = calendar.dateInterval(of: .month, for: date) else { return (date, date) }
        return (interval.start, interval.end)
    }
}

// MARK: - Formula injection

extension CSV {
    /// Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection"); tab and CR as well,
    /// since some spreadsheets drop them and then see the `=` behind.
    static let formulaTriggers: Set<Character> = ["=", "+", "-", "@", "\t", "\r"]

    /// The quoted, neutralised field for text a spreadsheet would run as a formula: a job id, file or message
    /// of `=HYPERLINK(…)` gets a `'` in front, inside the quotes. Nil when the text is safe as it is; numbers
    /// (`-0.5`, `+3`) stay numbers.
    static func formulaSafe(_ value: String) -> String? {
        guard let first = value.first, formulaTriggers.contains(first), StrictDecimal.value(value) == nil else {
            return nil
        }
        return "\"'" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

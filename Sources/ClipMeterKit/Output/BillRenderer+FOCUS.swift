import Billing
import Foundation

// MARK: - FOCUS export

extension BillRenderer {
    /// The FinOps FOCUS version `focus(_:)` writes.
    public static let focusVersion = "1.2"

    /// Columns of `focus(_:)`, in order: FOCUS 1.2 columns (every FOCUS 1.0 column among them), then ClipMeter's
    /// own, prefixed `x_` as FOCUS asks of custom columns.
    public static let focusColumns = [
        "BillingAccountId", "BillingAccountName", "InvoiceId",
        "BilledCost", "EffectiveCost", "ListCost", "ContractedCost", "ListUnitPrice", "ContractedUnitPrice",
        "PricingQuantity", "PricingUnit", "PricingCategory", "ConsumedQuantity", "ConsumedUnit",
        "ChargePeriodStart", "ChargePeriodEnd", "BillingPeriodStart", "BillingPeriodEnd", "BillingCurrency",
        "ChargeCategory", "ChargeClass", "ChargeDescription", "ChargeFrequency",
        "ServiceName", "ServiceCategory", "ServiceSubcategory", "ProviderName", "PublisherName", "InvoiceIssuerName",
        "RegionId", "RegionName", "ResourceId", "ResourceName", "ResourceType", "SkuId", "SkuPriceId",
        "x_JobId", "x_Feature", "x_JobStatus", "x_RateCard", "x_Rounding", "x_File", "x_Warnings",
    ]

    /// FinOps FOCUS 1.2 CSV, one row per line item of each job with a known cost and a finish time. A job whose
    /// cost is unknown is no charge; a job without a finish time has no charge period, so it has no row either
    /// (`BillReport.focusExport()` turns those into failures, so the exit status says the export is short).
    ///
    /// ChargePeriodStart/End are the item's hourly cycle `[start, end)` in UTC (`…Z`); BillingPeriodStart/End the
    /// calendar month holding that cycle in the billing zone. BilledCost, EffectiveCost, ListCost and
    /// ContractedCost are the item's exact cost (list prices are what ClipMeter knows), so BilledCost sums to the
    /// total of the exported jobs. Quantities are written as decimals (`2.0`), FOCUS string columns in ASCII
    /// (`FOCUSText`); the `x_` columns keep ClipMeter's own text. InvoiceId is empty: ClipMeter's figures are
    /// not on any invoice.
    public static func focus(_ report: BillReport) -> String {
        let bill = report.bill
        let account = report.billingAccount
        let region = report.region ?? ""
        var rows: [[String]] = [focusColumns]
        for job in bill.jobs where job.unknown == nil {
            guard let start = job.cycleStart else { continue }
            let month = billingMonth(containing: start, in: job.timeZone)
            let service = FOCUSService(feature: job.feature)
            let warnings = Wording.warnings(of: job).joined(separator: " | ")
            for item in job.items {
                let cost = MoneyText.string(item.cost)
                let price = item.unitPrice.map(MoneyText.string) ?? ""
                let row: [String: String] = [
                    "BillingAccountId": FOCUSText.ascii(account.id, readable: false),
                    "BillingAccountName": FOCUSText.ascii(account.name),
                    "InvoiceId": "",
                    "BilledCost": cost, "EffectiveCost": cost, "ListCost": cost, "ContractedCost": cost,
                    "ListUnitPrice": price, "ContractedUnitPrice": price,
                    "PricingQuantity": FOCUSText.decimal(item.billedQuantity), "PricingUnit": focusUnit(item.unit),
                    "PricingCategory": "Standard",
                    "ConsumedQuantity": FOCUSText.decimal(item.measured), "ConsumedUnit": focusUnit(item.measuredUnit),
                    "ChargePeriodStart": ReportDate.utc(start),
                    "ChargePeriodEnd": ReportDate.utc(start.addingTimeInterval(3600)),
                    "BillingPeriodStart": ReportDate.utc(month.start),
                    "BillingPeriodEnd": ReportDate.utc(month.end),
                    "BillingCurrency": bill.currency,
                    "ChargeCategory": "Usage", "ChargeClass": "",
                    "ChargeDescription": FOCUSText.ascii(chargeDescription(item, currency: bill.currency)),
                    "ChargeFrequency": "Usage-Based",
                    "ServiceName": service.name, "ServiceCategory": FOCUSService.category,
                    "ServiceSubcategory": service.subcategory,
                    "ProviderName": "Alibaba Cloud", "PublisherName": "Alibaba Cloud", "InvoiceIssuerName": "Alibaba Cloud",
                    "RegionId": FOCUSText.ascii(region, readable: false), "RegionName": FOCUSText.ascii(region),
                    "ResourceId": FOCUSText.ascii(item.file.map { "\(job.id)/\($0)" } ?? job.id, readable: false),
                    "ResourceName": FOCUSText.ascii(item.file ?? job.id),
                    "ResourceType": item.file == nil ? "Media Job" : "Media Job Output",
                    "SkuId": item.feature.rawValue,
                    "SkuPriceId": FOCUSText.ascii("\(bill.rateCard):\(priceComponent(item))"),
                    "x_JobId": job.id, "x_Feature": job.feature.rawValue, "x_JobStatus": job.status.rawValue,
                    "x_RateCard": bill.rateCard, "x_Rounding": bill.rounding, "x_File": item.file ?? "",
                    "x_Warnings": warnings,
                ]
                rows.append(focusColumns.map { row[$0] ?? "" })
            }
        }
        return CSV.document(rows)
    }

    /// The charge in one line, without the arithmetic behind the billed quantity (that is `--explain`'s and the
    /// JSON's): "video-editing basic h264 HD 1920×1080: 1 x 0.0651 CNY per minute = 0.0651 CNY".
    static func chargeDescription(_ item: LineItem, currency: String) -> String {
        let what = priceComponent(item)
        let cost = "\(MoneyText.string(item.cost)) \(currency)"
        guard let price = item.unitPrice else { return "\(what): \(cost)" }
        let per = item.unit == .minute ? "minute" : "1000 tokens"
        return "\(what): \(NumberText.plain(item.billedQuantity)) x \(MoneyText.string(price)) \(currency) per \(per) = \(cost)"
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
        FOCUSService(feature: feature).name
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

// MARK: - Service classification

/// The Alibaba Cloud service that bills a feature, with its place in FOCUS's own ServiceCategory and
/// ServiceSubcategory lists (one subcategory per service, as FOCUS recommends).
struct FOCUSService {
    /// ServiceName.
    let name: String
    /// ServiceSubcategory: a value FOCUS 1.2 lists under `category`.
    let subcategory: String
    /// ServiceCategory of every service ClipMeter prices.
    static let category = "Media"

    init(feature: FeatureID) {
        if feature.isMediaProcessing {
            // Transcoding and remuxing prepare video for delivery to viewers.
            name = "ApsaraVideo Media Processing"
            subcategory = "Media Streaming"
        } else {
            // Producing, editing and composing videos (and the text generation that scripts them).
            name = "Intelligent Media Services"
            subcategory = "Content Creation"
        }
    }
}

// MARK: - Billing account

/// Whose charges a FOCUS export lists: FOCUS requires BillingAccountId and BillingAccountName on every row, and
/// ClipMeter cannot know the Alibaba Cloud account it estimates for, so it comes from configuration.
public struct BillingAccount: Sendable, Equatable {
    /// BillingAccountId: the account's identifier (an Alibaba Cloud account ID when the user gives one).
    public var id: String
    /// BillingAccountName: the account's display name.
    public var name: String

    /// An account; `name` defaults to the id.
    public init(id: String, name: String? = nil) {
        self.id = id
        self.name = name ?? id
    }

    /// The account written when none is configured: plainly not an Alibaba Cloud account, so nobody mistakes an
    /// estimate for a provider's bill.
    public static let unassigned = BillingAccount(
        id: "clipmeter-unassigned", name: "ClipMeter estimate - not an Alibaba Cloud account (set --billing-account)")

    /// Why `text` cannot be a FOCUS account field, or nil when it can: non-empty printable ASCII (FOCUS string
    /// columns are ASCII), at most 256 characters.
    public static func problem(with text: String) -> String? {
        if text.isEmpty { return "must not be empty" }
        if text.unicodeScalars.count > 256 { return "is longer than 256 characters" }
        guard text.unicodeScalars.allSatisfy({ (0x20...0x7E).contains($0.value) }) else {
            return "must be printable ASCII (FOCUS string columns are ASCII)"
        }
        return nil
    }
}

// MARK: - Undated charges

extension BillReport {
    /// The report a FOCUS export should be judged by: each job that would have rows but has no finish time (so no
    /// charge period, which every FOCUS row needs) becomes a failure naming it and what it leaves out, so the
    /// export is never silently short and the exit status says so. Other formats show such jobs as they are.
    public func focusExport() -> BillReport {
        var report = self
        for job in bill.jobs where job.unknown == nil && job.cycleStart == nil && !job.items.isEmpty {
            let cost = job.items.reduce(Decimal(0)) { $0 + $1.cost }
            report.failures.append(
                Failure(
                    path: job.id, jobID: nil, code: .noChargePeriod,
                    message:
                        "\(job.items.count) line item(s), \(MoneyText.string(cost)) \(bill.currency), not exported: give the job a finish time (finishedAt in its manifest) to bill it in an hour"
                ))
        }
        return report
    }
}

// MARK: - Text

/// Values as FOCUS columns must be written: strings in ASCII, quantities as decimals.
enum FOCUSText {
    /// Typographic characters in ClipMeter's own words, spelled in ASCII.
    private static let spellings: [Character: String] = [
        "→": "->", "×": "x", "–": "-", "—": "-", "≥": ">=", "≤": "<=", "…": "...", "≈": "~", "·": "-",
        "‘": "'", "’": "'", "“": "\"", "”": "\"", "\u{00A0}": " ",
    ]

    /// `text` in ASCII; ASCII text is returned unchanged. `readable` (names, descriptions) spells typographic
    /// characters in ASCII (`→` as `->`, `×` as `x`) and drops accents (`é` as `e`); whatever remains outside ASCII
    /// (Chinese text, emoji) is written as its UTF-8 bytes in percent encoding (`中` as `%E4%B8%AD`), as URLs
    /// write it. Identifiers (`readable: false`) are only percent-encoded, so distinct names stay distinct.
    static func ascii(_ text: String, readable: Bool = true) -> String {
        guard !text.unicodeScalars.allSatisfy(\.isASCII) else { return text }
        var out = ""
        for character in text {
            if character.isASCII {
                out.append(character)
            } else if readable, let spelled = spellings[character] {
                out += spelled
            } else if readable,
                case let folded = String(character).folding(options: [.diacriticInsensitive, .widthInsensitive], locale: nil),
                folded.unicodeScalars.allSatisfy(\.isASCII)
            {
                out += folded
            } else {
                for byte in String(character).utf8 {
                    out += byte < 0x80 ? String(UnicodeScalar(byte)) : "%" + String(byte, radix: 16, uppercase: true)
                }
            }
        }
        return out
    }

    /// A quantity as a decimal number, never as an integer: `2` → "2.0", `14.92` → "14.92".
    static func decimal(_ value: Decimal) -> String {
        let text = NumberText.plain(value)
        return text.contains(".") ? text : text + ".0"
    }
}

import Foundation
import Quantities

// MARK: - Line item

/// One priced component of a job, carrying its own arithmetic (quantity → billed quantity × unit price = cost).
public struct LineItem: Decodable, Sendable, Equatable {
    /// What is charged, e.g. `image-text-matching`, `text-generation`, `mps-transcode h264 HD: out.mp4`.
    public var component: String
    /// Measured quantity in `unit` before rounding (113 s → 1.883… min; 900 tokens → 0.9 × 1,000 tokens).
    public var quantity: Decimal
    /// Billing unit: `minute` or `1000-tokens`.
    public var unit: BillingUnit
    /// Quantity after the card's rounding rule (and, per cycle, this job's share of the cycle's rounded sum).
    public var billedQuantity: Decimal
    /// Price per unit; nil when the card has no price for this component.
    public var unitPrice: Decimal?
    /// billedQuantity × unitPrice (0 when unpriced).
    public var cost: Decimal
    /// The arithmetic in words, as the seed's worked example writes it.
    public var explain: String
    /// Feature the cost is reported under in cycle totals (the job's feature, or `text-generation` for tokens).
    public var feature: FeatureID
    /// Measured amount in its natural unit before conversion (seconds or tokens), exact.
    public var measured: Decimal
    /// Natural unit of `measured`: `s` or `tokens`.
    public var measuredUnit: MeasuredUnit
    /// The output file this item prices, for per-file features.
    public var file: String?

    enum CodingKeys: String, CodingKey {
        case component, quantity, unit, billedQuantity, unitPrice, cost, explain, feature, measured, measuredUnit, file
    }
}

// In an extension so that the struct keeps its synthesized memberwise initializer.
extension LineItem {
    /// Reads a line item as ClipMeterKit's `PricedJobJSON` writes it (in either of its forms): money as strings,
    /// quantities as exact numbers.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        component = try c.decode(String.self, forKey: .component)
        quantity = try c.decode(FlexibleDecimal.self, forKey: .quantity).value
        unit = try c.decode(BillingUnit.self, forKey: .unit)
        billedQuantity = try c.decode(FlexibleDecimal.self, forKey: .billedQuantity).value
        unitPrice = try c.decodeIfPresent(FlexibleDecimal.self, forKey: .unitPrice)?.value
        cost = try c.decode(FlexibleDecimal.self, forKey: .cost).value
        explain = try c.decode(String.self, forKey: .explain)
        guard let feature = try c.decodeIfPresent(FeatureID.self, forKey: .feature) ?? FeatureID(rawValue: component) else {
            throw DecodingError.dataCorruptedError(forKey: .feature, in: c, debugDescription: "line item \(component) names no feature")
        }
        self.feature = feature
        measured = try c.decodeIfPresent(FlexibleDecimal.self, forKey: .measured)?.value ?? quantity
        measuredUnit = try c.decodeIfPresent(MeasuredUnit.self, forKey: .measuredUnit) ?? unit.measured
        if let exact = try c.decodeIfPresent(FlexibleDecimal.self, forKey: .measured)?.value {
            quantity = exact / unit.measuredPerUnit
        }
        file = try c.decodeIfPresent(String.self, forKey: .file)
    }
}

// MARK: - Priced job

/// A job with its cost, line items, warnings and the cycle it was billed in.
public struct PricedJob: Decodable, Sendable, Equatable {
    /// The job's id.
    public var id: String
    /// The job's key in ledgers (which job it is wherever it was described from); nil when it is the id.
    public var key: String?
    /// The job's feature.
    public var feature: FeatureID
    /// Succeeded or failed.
    public var status: JobStatus
    /// Sum of the line items' costs (the high end of a range), in the card's currency; nil when the cost cannot be
    /// known (`unknown`).
    public var cost: Money?
    /// The low end when the job's outputs are bounded but not known (a pre-flight estimate); nil when exact.
    public var costLow: Money?
    /// Why the cost cannot be known; such a job is out of every total and reported as an error.
    public var unknown: UnknownCost?
    /// Priced components (at the high end of a range).
    public var items: [LineItem]
    /// The same components at the low end of a range; empty when the cost is exact.
    public var lowItems: [LineItem] = []
    /// Unverified prices, missing prices, boundary warnings and warnings carried from the job, by kind.
    public var diagnostics: [PricingWarning]

    /// When the job finished.
    public var finishedAt: Date?
    /// Start of the hourly cycle the job belongs to; nil when `finishedAt` is unknown.
    public var cycleStart: Date?
    /// Failure reason for failed jobs, or "no price: …" when (part of) the job could not be priced.
    public var reason: String?
    /// Zone used to print the dates.
    public var timeZone: TimeZone

    /// Creates a priced job.
    public init(
        id: String, feature: FeatureID, status: JobStatus, cost: Money?, items: [LineItem], diagnostics: [PricingWarning],
        finishedAt: Date?, cycleStart: Date?, reason: String?, timeZone: TimeZone = PricingOptions.shanghai,
        costLow: Money? = nil, unknown: UnknownCost? = nil, lowItems: [LineItem] = []
    ) {
        self.id = id
        self.feature = feature
        self.status = status
        self.cost = cost
        self.costLow = costLow
        self.unknown = unknown
        self.lowItems = lowItems
        self.items = items
        self.diagnostics = diagnostics
        self.finishedAt = finishedAt
        self.cycleStart = cycleStart
        self.reason = reason
        self.timeZone = timeZone
    }

    enum CodingKeys: String, CodingKey {
        case id, key, feature, status, cost, costRange, items, lowItems, diagnostics, warnings, finishedAt, cycleStart, reason
    }

    enum RangeKeys: String, CodingKey { case low, high }

    /// The cost when it is known, the range's high end included: what totals and budgets add up.
    public var knownCost: Money? { unknown == nil ? cost : nil }

    /// Reads the ledger's form of a job (ClipMeterKit's `PricedJobJSON.LedgerForm`: money as a string, dates ISO 8601
    /// with the billing zone's offset, warnings by kind; the JSON bill a user reads shows them in words). The amounts are in `decoder.userInfo[Bill.currencyKey]` (the ledger row's
    /// currency); without it they carry an empty currency, which `Bill.init(from:)` fills in with the bill's.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let currency = decoder.userInfo[Bill.currencyKey] as? String ?? ""
        id = try c.decode(String.self, forKey: .id)
        key = try c.decodeIfPresent(String.self, forKey: .key)
        feature = try c.decode(FeatureID.self, forKey: .feature)
        status = try c.decode(JobStatus.self, forKey: .status)
        cost = try c.decodeIfPresent(FlexibleDecimal.self, forKey: .cost).map { Money($0.value, currency) }
        if c.contains(.costRange) {
            let range = try c.nestedContainer(keyedBy: RangeKeys.self, forKey: .costRange)
            costLow = Money(try range.decode(FlexibleDecimal.self, forKey: .low).value, currency)
        }
        items = try c.decodeIfPresent([LineItem].self, forKey: .items) ?? []
        lowItems = try c.decodeIfPresent([LineItem].self, forKey: .lowItems) ?? []
        // Typed since ledger schema 3; older ledgers stored the warnings' words, which read back as job notes.
        diagnostics =
            try c.decodeIfPresent([PricingWarning].self, forKey: .diagnostics)
            ?? (c.decodeIfPresent([String].self, forKey: .warnings) ?? []).map { .job(CarriedNote(recorded: $0)) }
        finishedAt = try Self.date(c, .finishedAt)
        cycleStart = try Self.date(c, .cycleStart)
        reason = try c.decodeIfPresent(String.self, forKey: .reason)
        timeZone = PricingOptions.shanghai
    }

    static func date<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> Date? {
        guard let text = try c.decodeIfPresent(String.self, forKey: key) else { return nil }
        guard let date = DateText.parse(text) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "not an ISO 8601 date: \(text)")
        }
        return date
    }
}

// MARK: - Billing cycle

/// One hourly billing cycle `[start, end)` in the billing time zone, with its total.
public struct BillingCycle: Decodable, Sendable, Equatable {
    /// Inclusive start (top of an hour in the billing zone).
    public var start: Date
    /// Exclusive end.
    public var end: Date
    /// Sum of the cycle's job costs.
    public var total: Money
    /// Cost per feature (token charges under `text-generation`).
    public var byFeature: [String: Decimal]
    /// Ids of the jobs billed in this cycle, in billing order.
    public var jobIDs: [String]
    /// Zone used to print the dates.
    public var timeZone: TimeZone

    /// Creates a cycle.
    public init(
        start: Date, end: Date, total: Money, byFeature: [String: Decimal], jobIDs: [String] = [],
        timeZone: TimeZone = PricingOptions.shanghai
    ) {
        self.start = start
        self.end = end
        self.total = total
        self.byFeature = byFeature
        self.jobIDs = jobIDs
        self.timeZone = timeZone
    }

    enum CodingKeys: String, CodingKey { case start, end, timeZone, total, currency, byFeature, jobs }

    /// Reads a cycle as the JSON bill shows it: money as strings, dates with the zone's offset, the zone's identifier.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard let start = try PricedJob.date(c, .start), let end = try PricedJob.date(c, .end) else {
            throw DecodingError.dataCorruptedError(forKey: .start, in: c, debugDescription: "cycle without start or end")
        }
        self.start = start
        self.end = end
        timeZone =
            try c.decodeIfPresent(String.self, forKey: .timeZone).flatMap(TimeZone.init(identifier:))
            ?? PricingOptions.shanghai
        total = Money(
            try c.decode(FlexibleDecimal.self, forKey: .total).value,
            try c.decodeIfPresent(String.self, forKey: .currency) ?? decoder.userInfo[Bill.currencyKey] as? String ?? "")
        byFeature = try (c.decodeIfPresent([String: FlexibleDecimal].self, forKey: .byFeature) ?? [:]).mapValues(\.value)
        jobIDs = try c.decodeIfPresent([String].self, forKey: .jobs) ?? []
    }
}

// MARK: - Bill

/// The canonical result of pricing: table, JSON, CSV and FOCUS renderers all read this.
public struct Bill: Decodable, Sendable, Equatable {
    /// The card's currency, which every amount of the bill is in.
    public var currency: String { total.currency }
    /// Sum of the known job costs (the high end of each range); jobs whose cost is unknown are not in it.
    public var total: Money
    /// Sum of the low ends, when at least one job is a range; nil when every cost is exact.
    public var totalLow: Money?
    /// Id of the card used.
    public var rateCard: String
    /// `per-task` or `per-cycle`.
    public var rounding: String
    /// Every job, failed ones included.
    public var jobs: [PricedJob]
    /// Hourly cycles with at least one job, oldest first.
    public var cycles: [BillingCycle]
    /// Every job warning, deduplicated; a card's warnings once for the whole bill.
    public var warnings: [BillWarning]

    /// Creates a bill.
    public init(
        total: Money, rateCard: String, rounding: String, jobs: [PricedJob], cycles: [BillingCycle],
        warnings: [BillWarning], totalLow: Money? = nil
    ) {
        self.total = total
        self.totalLow = totalLow
        self.rateCard = rateCard
        self.rounding = rounding
        self.jobs = jobs
        self.cycles = cycles
        self.warnings = warnings
    }

    enum CodingKeys: String, CodingKey { case currency, total, totalRange, rateCard, rounding, jobs, cycles, warnings }

    /// `userInfo` key for the currency of amounts decoded outside a bill that names it.
    public static let currencyKey = CodingUserInfoKey(rawValue: "clipmeter.currency")!

    /// Reads a bill with the keys of docs/contract.md (plus `totalRange` when a job is a range); money as a string.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let currency = try c.decode(String.self, forKey: .currency)
        total = Money(try c.decode(FlexibleDecimal.self, forKey: .total).value, currency)
        if c.contains(.totalRange) {
            totalLow = Money(
                try c.nestedContainer(keyedBy: PricedJob.RangeKeys.self, forKey: .totalRange)
                    .decode(FlexibleDecimal.self, forKey: .low).value, currency)
        }
        rateCard = try c.decode(String.self, forKey: .rateCard)
        rounding = try c.decode(String.self, forKey: .rounding)
        jobs = try c.decode([PricedJob].self, forKey: .jobs)
        cycles = try c.decodeIfPresent([BillingCycle].self, forKey: .cycles) ?? []
        for index in cycles.indices where cycles[index].total.currency.isEmpty { cycles[index].total.currency = currency }
        for index in jobs.indices {
            if jobs[index].cost?.currency.isEmpty == true { jobs[index].cost?.currency = currency }
            if jobs[index].costLow?.currency.isEmpty == true { jobs[index].costLow?.currency = currency }
        }
        warnings = try c.decodeIfPresent([BillWarning].self, forKey: .warnings) ?? []
        if let zone = cycles.first?.timeZone {
            for index in jobs.indices { jobs[index].timeZone = zone }
        }
    }

    // MARK: Explanation

    /// The bill's arithmetic in words, one job after another, as the seed's worked example writes it:
    /// "(90 s + 23 s) / 60 = 1.88 min → rounded up to 2 min × 0.3 CNY/min = 0.60 CNY", then "Total 0.60 + 0.12 = 0.72 CNY".
    public func explainLines() -> [String] {
        var lines: [String] = []
        for job in jobs {
            var header = "\(job.id) (\(job.feature)"
            if job.status == .failed { header += ", failed" }
            header += "): \(Self.costText(job, currency: currency))"
            lines.append(header)
            if let reason = job.reason { lines.append("  \(job.status == .failed ? "failed: " : "")\(reason)") }
            if job.lowItems.isEmpty {
                lines += Self.itemLines(job.items, total: job.cost, currency: currency, indent: "  ")
            } else {
                // A range: the arithmetic of each bound, low first.
                lines.append("  low bound:")
                lines += Self.itemLines(job.lowItems, total: job.costLow, currency: currency, indent: "    ")
                lines.append("  high bound:")
                lines += Self.itemLines(job.items, total: job.cost, currency: currency, indent: "    ")
            }
            for warning in job.diagnostics { lines.append("  warning: \(warning)") }
        }
        for cycle in cycles {
            let range = DateText.hourRange(cycle.start, cycle.end, in: cycle.timeZone)
            let parts = cycle.byFeature.keys.sorted().map { "\($0) \(MoneyText.string(cycle.byFeature[$0] ?? 0))" }
            lines.append(
                "Cycle \(range) (\(cycle.timeZone.identifier)): \(MoneyText.string(cycle.total)) \(currency) — \(parts.joined(separator: ", "))"
            )
        }
        if jobs.count > 1 {
            let parts = jobs.compactMap(\.knownCost).filter { $0.amount != 0 }.map(MoneyText.string)
            let sum = parts.count > 1 ? parts.joined(separator: " + ") + " = " : ""
            let range = totalLow.map { " (range \(MoneyText.string($0))–\(MoneyText.string(total)))" } ?? ""
            lines.append("Bill total \(sum)\(MoneyText.string(total)) \(currency)\(range) (\(rateCard), \(rounding))")
        }
        let unknown = jobs.filter { $0.unknown != nil }
        if !unknown.isEmpty {
            lines.append("Not in the total (cost unknown): " + unknown.map(\.id).joined(separator: ", "))
        }
        return lines
    }

    /// "0.72 CNY", "0.60–0.90 CNY" for a range, "unknown (unbounded)" when it cannot be known.
    public static func costText(_ job: PricedJob, currency: String) -> String {
        if let unknown = job.unknown { return "unknown (\(unknown.code))" }
        guard let cost = job.cost else { return "unknown" }
        if let low = job.costLow { return "\(MoneyText.string(low))–\(MoneyText.string(cost)) \(currency)" }
        return "\(MoneyText.string(cost)) \(currency)"
    }

    private static func itemLines(_ items: [LineItem], total: Money?, currency: String, indent: String) -> [String] {
        var lines = items.map { "\(indent)\($0.component): \($0.explain)" }
        let charged = items.filter { $0.unitPrice != nil }
        guard let total else { return lines }
        if charged.count > 1 {
            let parts = charged.map { MoneyText.string($0.cost) }.joined(separator: " + ")
            lines.append("\(indent)Total \(parts) = \(MoneyText.string(total)) \(currency)")
        } else if charged.count == 1 {
            lines.append("\(indent)Total \(MoneyText.string(total)) \(currency)")
        }
        return lines
    }
}

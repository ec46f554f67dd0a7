import Billing
import Foundation

/// What a reconciled row found; every status comes with its reason in words.
public enum RowStatus: String, Sendable, CaseIterable, Comparable {
    case usageDiffers = "usage-differs"
    case priceDiffers = "price-differs"
    case amountDiffers = "amount-differs"
    case billOnly = "bill-only"
    case clipmeterOnly = "clipmeter-only"
    case cycleShift = "cycle-shift"
    case unmappedItem = "unmapped-item"
    case notFinal = "not-final"
    case coveredByPlan = "covered-by-plan"
    case match

    /// Match and covered-by-plan need nothing from the user; every other status is a difference (exit 4).
    public var agrees: Bool { self == .match || self == .coveredByPlan }

    /// What the status asks the user to do, in one line (the table's group heading and the docs say the same).
    public var advice: String {
        switch self {
        case .match: return "nothing to do"
        case .coveredByPlan: return "usage agrees and a plan, quota or resource package paid: nothing to do"
        case .usageDiffers: return "the billed minutes or tokens are not what the media holds: look for a missing or duplicated task"
        case .priceDiffers: return "the rate card is stale: check the current price and update the card (--rates)"
        case .amountDiffers: return "usage and price agree but the money does not: check the rounding reading and the row's adjustments"
        case .billOnly: return "charged with no ClipMeter job: scan the job's folder or ledger, or ask Alibaba about a double charge"
        case .clipmeterOnly: return "ClipMeter priced jobs the bill does not charge: check account, region and that the bill is complete"
        case .cycleShift: return "the same usage fell into the neighbouring period: nothing is lost, the task finished near the boundary"
        case .unmappedItem: return "name this billing item in an --item-map file (the proposed feature is a guess from its price)"
        case .notFinal: return "the bill is not final yet: run again after it is"
        }
    }

    public static func < (lhs: RowStatus, rhs: RowStatus) -> Bool {
        (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
    }
}

/// The bill's side of a row: sums over the bill rows of one period and billing item.
public struct BillFigures: Sendable, Equatable {
    /// Usage as the bill writes it, in `usageUnit`.
    public var usage: Decimal?
    /// The bill's usage unit as written.
    public var usageUnit: String?
    /// The same usage in ClipMeter's unit (minutes or thousands of tokens); nil when the unit is not understood.
    public var usageInClipMeterUnit: Decimal?
    /// `ListPrice` as written (nil when the rows disagree or have none).
    public var listPrice: Decimal?
    /// `ListPriceUnit` as written.
    public var listPriceUnit: String?
    /// The list price per ClipMeter unit.
    public var listPricePerUnit: Decimal?
    /// Sum of `PretaxGrossAmount`; nil for meters.
    public var gross: Decimal?
    /// Sum of `PretaxAmount`; nil when a row does not say.
    public var payable: Decimal?
    /// What was deducted, apart.
    public var deductions: Deductions
    /// The rows summed, by place.
    public var locations: [String]
    /// The documents they came from.
    public var sources: [BillSource]
}

/// ClipMeter's side of a row.
public struct ClipMeterFigures: Sendable, Equatable {
    /// Billed quantity with each task rounded on its own.
    public var usage: Decimal
    /// Billed quantity with each hourly cycle's sum rounded once; nil when the card has no rule for the item.
    public var usagePerCycle: Decimal?
    /// `minute` or `1000-tokens`.
    public var unit: UsageUnit.Kind
    /// Cost as priced and recorded.
    public var cost: Decimal
    /// The same cost summed hour by hour, each hour rounded half up to cents, as hourly bills add up.
    public var costInHourlyCents: Decimal
    /// Job ids, sorted.
    public var jobs: [String]
    /// Output files priced (per-file items), which widen the usage tolerance by 0.01 min each.
    public var files: Int
}

/// One compared (period, currency, billing item).
public struct ReconciledRow: Sendable, Equatable {
    /// The period compared.
    public var period: Period
    /// The bill's item codes in this row (usually one).
    public var billingItemCode: String?
    /// The bill's item names.
    public var billingItem: String?
    /// The item in ClipMeter's terms; nil for an unmapped item.
    public var key: ItemKey?
    /// What was found.
    public var status: RowStatus
    /// The bill's figures; nil for clipmeter-only rows.
    public var bill: BillFigures?
    /// ClipMeter's figures; nil for bill-only and unmapped rows.
    public var clipmeter: ClipMeterFigures?
    /// Bill gross minus ClipMeter cost (bill-only: the gross; clipmeter-only: minus the cost); nil for meters.
    public var difference: Decimal?
    /// Bill usage minus ClipMeter's per-task usage, in ClipMeter's unit.
    public var usageDifference: Decimal?
    /// Which of ClipMeter's readings the bill's usage agrees with: `per-task`, `per-cycle`, `both` or nil.
    public var roundingAgreement: String?
    /// For an unmapped item: what its list price and unit suggest.
    public var proposed: [ItemKey]
    /// The finding in words, with what to do.
    public var reason: String
}

/// The whole comparison: rows, totals, and what could not be read.
public struct ReconcileReport: Sendable {
    /// The currency every amount is in.
    public var currency: String
    /// The span compared.
    public var from: Date?
    /// End of the span (exclusive).
    public var to: Date?
    /// The bill's time zone.
    public var timeZone: TimeZone
    /// The card prices were compared against.
    public var rateCard: String
    /// Rows, grouped by status then sorted by period and item.
    public var rows: [ReconciledRow]
    /// Files and rows that could not be read.
    public var errors: [ReconcileError]
    /// Remarks that change no figure.
    public var warnings: [String]

    /// Sum of the rows' gross amounts.
    public var billTotal: Decimal { rows.compactMap { $0.bill?.gross }.reduce(0, +) }
    /// Sum of ClipMeter's costs in the rows that carry money (a meter's rows count minutes only, so they are left out).
    public var clipmeterTotal: Decimal {
        rows.filter { $0.bill == nil || $0.bill?.gross != nil }.compactMap { $0.clipmeter?.cost }.reduce(0, +)
    }

    /// 1 when something could not be read, else 4 when any row differs, else 0.
    public var exitCode: Int32 {
        if !errors.isEmpty { return 1 }
        return rows.allSatisfy(\.status.agrees) ? 0 : 4
    }

    /// Rows per status, in the order the table prints them.
    public var byStatus: [(RowStatus, [ReconciledRow])] {
        RowStatus.allCases.compactMap { status in
            let rows = self.rows.filter { $0.status == status }
            return rows.isEmpty ? nil : (status, rows)
        }
    }
}

import Foundation
import Quantities

// MARK: - Periods

/// How long one bill row's period lasts: the itemized CSV and the meters are hourly, `DescribeInstanceBill` DAILY is
/// daily, everything else monthly.
public enum Granularity: String, Sendable, Comparable, CaseIterable {
    case hour, day, month

    private var order: Int {
        switch self {
        case .hour: return 0
        case .day: return 1
        case .month: return 2
        }
    }

    public static func < (lhs: Granularity, rhs: Granularity) -> Bool { lhs.order < rhs.order }

    var component: Calendar.Component {
        switch self {
        case .hour: return .hour
        case .day: return .day
        case .month: return .month
        }
    }
}

/// One billing period `[start, end)` in the bill's time zone.
public struct Period: Hashable, Sendable, Comparable {
    /// First instant of the period.
    public var start: Date
    /// First instant after it.
    public var end: Date
    /// Hour, day or month.
    public var granularity: Granularity

    /// The period of `granularity` that holds `date`, in `zone`.
    public static func containing(_ date: Date, _ granularity: Granularity, in zone: TimeZone) -> Period {
        if granularity == .hour {
            // Local hours: the wall clock is the instant plus the zone's offset at that instant.
            let offset = Double(zone.secondsFromGMT(for: date))
            let start = ((date.timeIntervalSince1970 + offset) / 3600).rounded(.down) * 3600 - offset
            return Period(start: Date(timeIntervalSince1970: start), end: Date(timeIntervalSince1970: start + 3600), granularity: .hour)
        }
        let calendar = Calendar.billing(zone)
        let interval =
            calendar.dateInterval(of: granularity.component, for: date)
            ?? DateInterval(start: date, duration: granularity == .hour ? 3600 : 86400)
        return Period(start: interval.start, end: interval.end, granularity: granularity)
    }

    /// The period of the same length right before this one.
    public func previous(in zone: TimeZone) -> Period { Period.containing(start.addingTimeInterval(-1), granularity, in: zone) }

    /// The period of the same length right after this one.
    public func next(in zone: TimeZone) -> Period { Period.containing(end, granularity, in: zone) }

    /// "2026-11-20 08:00", "2026-11-20" or "2026-11": how a bill names it.
    public func label(in zone: TimeZone) -> String {
        let c = Calendar.billing(zone).dateComponents([.year, .month, .day, .hour], from: start)
        let day = String(format: "%04d-%02d", c.year ?? 0, c.month ?? 0)
        switch granularity {
        case .month: return day
        case .day: return day + String(format: "-%02d", c.day ?? 0)
        case .hour: return day + String(format: "-%02d %02d:00", c.day ?? 0, c.hour ?? 0)
        }
    }

    public static func < (lhs: Period, rhs: Period) -> Bool {
        lhs.start == rhs.start ? lhs.end < rhs.end : lhs.start < rhs.start
    }

    /// True when the two periods share an instant.
    func overlaps(_ other: Period) -> Bool { start < other.end && other.start < end }
}

extension Calendar {
    /// A Gregorian calendar in the billing zone (made once per zone: making one is most of a date's arithmetic).
    static func billing(_ zone: TimeZone) -> Calendar { CalendarCache.shared.calendar(zone) }
}

private final class CalendarCache: @unchecked Sendable {
    static let shared = CalendarCache()
    private let lock = NSLock()
    private var calendars: [String: Calendar] = [:]

    func calendar(_ zone: TimeZone) -> Calendar {
        lock.lock()
        defer { lock.unlock() }
        if let known = calendars[zone.identifier] { return known }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        calendars[zone.identifier] = calendar
        return calendar
    }
}

// MARK: - Bill rows

/// Which of Alibaba's documents a row was read from.
public enum BillSource: String, Sendable {
    case describeInstanceBill = "DescribeInstanceBill"
    case queryInstanceBill = "QueryInstanceBill"
    case itemizedCSV = "itemized bill CSV"
    case editMeter = "DescribeMeterImsEditUsage"
    case mediaConvertMeter = "DescribeMeterImsMediaConvertUsage"

    /// The meters count minutes and carry no money.
    public var isMeter: Bool { self == .editMeter || self == .mediaConvertMeter }
}

/// What plans, coupons and resource packages took off a row, kept apart from the comparison.
public struct Deductions: Sendable, Equatable {
    /// `DeductedByResourcePackage` as written: whether it holds usage or money is not documented.
    public var resourcePackage: String?
    /// `DeductedByCoupons`.
    public var coupons: Decimal?
    /// `DeductedByCashCoupons`.
    public var cashCoupons: Decimal?
    /// `DeductedByPrepaidCard`.
    public var prepaidCard: Decimal?
    /// `InvoiceDiscount`.
    public var invoiceDiscount: Decimal?

    public init(
        resourcePackage: String? = nil, coupons: Decimal? = nil, cashCoupons: Decimal? = nil,
        prepaidCard: Decimal? = nil, invoiceDiscount: Decimal? = nil
    ) {
        self.resourcePackage = resourcePackage
        self.coupons = coupons
        self.cashCoupons = cashCoupons
        self.prepaidCard = prepaidCard
        self.invoiceDiscount = invoiceDiscount
    }

    /// Money taken off by coupons, cash coupons, prepaid cards and discounts (the resource package is not money
    /// for sure, so it is not in this sum).
    public var money: Decimal { [coupons, cashCoupons, prepaidCard, invoiceDiscount].compactMap { $0 }.reduce(0, +) }

    /// True when a resource package deducted something other than zero.
    public var byResourcePackage: Bool {
        guard let text = resourcePackage?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return false }
        if case .success(let value) = StrictDecimal.parse(text) { return value != 0 }
        return true
    }

    mutating func add(_ other: Deductions) {
        func sum(_ a: Decimal?, _ b: Decimal?) -> Decimal? { a == nil && b == nil ? nil : (a ?? 0) + (b ?? 0) }
        coupons = sum(coupons, other.coupons)
        cashCoupons = sum(cashCoupons, other.cashCoupons)
        prepaidCard = sum(prepaidCard, other.prepaidCard)
        invoiceDiscount = sum(invoiceDiscount, other.invoiceDiscount)
        let packages = [resourcePackage, other.resourcePackage].compactMap { $0 }.filter { !$0.isEmpty }
        if packages.count == 2,
            case .success(let a) = StrictDecimal.parse(packages[0]), case .success(let b) = StrictDecimal.parse(packages[1])
        {
            resourcePackage = (a + b).description
        } else if !packages.isEmpty {
            resourcePackage = packages.joined(separator: " + ")
        }
    }
}

/// One row of Alibaba's bill (or of a meter), read into the fields reconciling compares.
public struct BillRow: Sendable, Equatable {
    /// Where it came from: "bill.json page 2 row 3", "bill.csv line 14".
    public var location: String
    /// Which document it is.
    public var source: BillSource
    /// The period it covers.
    public var period: Period
    /// `ProductCode` (`ice`, `mts`, …), when the document has one.
    public var productCode: String?
    /// `BillingItemCode`, when the document has one.
    public var billingItemCode: String?
    /// `BillingItem` (its name), or the meter's profile.
    public var billingItem: String?
    /// `InstanceID`.
    public var instanceID: String?
    /// `Usage` in `usageUnit`.
    public var usage: Decimal?
    /// `UsageUnit` as written (`Minute`, `分钟`, `千Token`, …).
    public var usageUnit: String?
    /// `ListPrice`.
    public var listPrice: Decimal?
    /// `ListPriceUnit` as written (`元/分钟`, `CNY/Minute`).
    public var listPriceUnit: String?
    /// `PretaxGrossAmount`: the list-price charge before discounts and deductions; nil for meters.
    public var gross: Decimal?
    /// `PretaxAmount`: what is payable after deductions; nil when the document does not say.
    public var payable: Decimal?
    /// Deductions, shown apart.
    public var deductions = Deductions()
    /// `Currency`; nil when the document does not name one (meters, older CSV files).
    public var currency: String?

    /// How the row names its billing item: the code where it has one, else the name.
    public var itemLabel: String {
        switch (billingItemCode, billingItem) {
        case (let code?, let name?) where !code.isEmpty && !name.isEmpty && code != name: return "\(name) (\(code))"
        case (let code?, _) where !code.isEmpty: return code
        case (_, let name?) where !name.isEmpty: return name
        default: return "(no billing item)"
        }
    }
}

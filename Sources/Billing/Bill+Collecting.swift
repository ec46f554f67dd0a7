import Foundation
import Quantities

extension Bill {
    /// A bill rebuilt from jobs priced earlier (the ledger's history, or several ledgers merged): each job
    /// keeps the cost it was priced at, and the hourly cycles are regrouped from the jobs' `cycleStart`.
    ///
    /// Jobs are not re-priced: a past cycle's bill must not change because a rate card changed since.
    ///
    /// Costs are summed as Money: a job priced in another currency than `currency` is refused, never added.
    public init(
        collecting jobs: [PricedJob], currency: String, rateCard: String, rounding: String,
        timeZone: TimeZone = PricingOptions.shanghai
    ) throws(CurrencyMismatch) {
        var cycles: [Date: BillingCycle] = [:]
        var warnings: [BillWarning] = []
        var seen = Set<BillWarning>()
        var zoned: [PricedJob] = []
        for var job in jobs {
            job.timeZone = timeZone
            zoned.append(job)
            for warning in job.diagnostics {
                let entry = BillWarning(job: job.id, warning)
                if seen.insert(entry).inserted { warnings.append(entry) }
            }
            guard let start = job.cycleStart, let cost = job.knownCost else { continue }
            let empty = BillingCycle(
                start: start, end: start.addingTimeInterval(3600), total: .zero(currency),
                byFeature: [:], timeZone: timeZone)
            guard let cycleTotal = cycles[start, default: empty].total.adding(cost) else {
                throw CurrencyMismatch(currencies: [currency, cost.currency])
            }
            cycles[start, default: empty].total = cycleTotal
            for item in job.items { cycles[start, default: empty].byFeature[item.feature.rawValue, default: 0] += item.cost }
            cycles[start, default: empty].jobIDs.append(job.id)
        }
        let total = try Money.sum(zoned.compactMap(\.knownCost), currency: currency).get()
        self.init(
            total: total, rateCard: rateCard,
            rounding: rounding, jobs: zoned, cycles: cycles.values.sorted { $0.start < $1.start },
            warnings: warnings)
    }
}

extension BillingCycle {
    /// The billing hour `[start, start + 1 h)` holding `date`: an absolute hour, aligned to the zone's standard
    /// offset.
    ///
    /// The calendar's local hour is not a partition of time where a daylight-saving shift is not a whole hour:
    /// Australia/Lord_Howe moves by 30 minutes, so 01:30–02:30 standard time and 02:00–03:00 daylight time
    /// overlap, and one job could be counted in two cycles. Standard offsets only change by law, never twice a
    /// year, so aligning to them gives hours that never overlap and match the local clock outside such zones'
    /// summers (and in every zone whose shifts are whole hours).
    public static func hour(containing date: Date, in zone: TimeZone) -> DateInterval {
        let standardOffset = Double(zone.secondsFromGMT(for: date)) - zone.daylightSavingTimeOffset(for: date)
        let local = date.timeIntervalSince1970 + standardOffset
        let start = (local / 3600).rounded(.down) * 3600 - standardOffset
        return DateInterval(start: Date(timeIntervalSince1970: start), duration: 3600)
    }
}

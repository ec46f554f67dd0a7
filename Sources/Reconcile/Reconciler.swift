import Billing
import Foundation
import Quantities

/// Compares Alibaba's bill rows with ClipMeter's charges per (period, currency, billing item): usage first, then the
/// list price against the card, then the gross amount against ClipMeter's cost. Pure: no files, no clock of its own.
public struct Reconciler: Sendable {
    /// The card list prices are compared against (and whose rounding rules give the per-cycle reading).
    public var card: RateCard
    /// Names billing items.
    public var itemMap: ItemMap
    /// The bill's time zone.
    public var timeZone: TimeZone
    /// Only rows and jobs in [from, to) when set.
    public var from: Date?
    /// End of the span (exclusive).
    public var to: Date?
    /// The time a bill's finality is judged at.
    public var now: Date

    /// Products whose rows are compared when their item is not in the map: IMS (`ice`) and MPS (`mts`).
    static let mediaProducts: Set<String> = ["ice", "ims", "mts", "mps"]

    public init(card: RateCard, itemMap: ItemMap = .bundled, timeZone: TimeZone, from: Date? = nil, to: Date? = nil, now: Date = Date()) {
        self.card = card
        self.itemMap = itemMap
        self.timeZone = timeZone
        self.from = from
        self.to = to
        self.now = now
    }

    // MARK: - Entry point

    /// The report of `reading` against `clipmeter`. Throws `mixedCurrencies` when amounts in two currencies would meet.
    public func reconcile(_ reading: BillReading, _ clipmeter: ClipMeterSide) throws -> ReconcileReport {
        var errors = reading.errors + clipmeter.errors
        var warnings = reading.warnings + clipmeter.warnings
        let rows = selectRows(reading.rows, errors: &errors, warnings: &warnings)

        let billCurrencies = Set(rows.compactMap(\.currency)).sorted()
        if billCurrencies.count > 1 { throw ReconcileError.mixedCurrencies(currencies: billCurrencies, where: "the bill's rows") }
        let currency = billCurrencies.first ?? card.currency
        if currency != card.currency {
            throw ReconcileError.mixedCurrencies(currencies: [currency, card.currency], where: "the bill and rate card \(card.id)")
        }
        let others = clipmeter.currencies.subtracting([currency]).sorted()
        if !others.isEmpty {
            throw ReconcileError.mixedCurrencies(currencies: [currency] + others, where: "the bill and ClipMeter's jobs")
        }

        let charges = clipmeter.charges.filter { inRange($0.finishedAt) }
        var groups = billGroups(rows)
        var assigned = Array(repeating: false, count: charges.count)
        // Each charge goes to the most specific bill group of its period whose item covers it.
        var members: [[Int]] = Array(repeating: [], count: groups.count)
        // Groups by their period, so each charge looks only at the groups of the periods that hold it.
        var byPeriod: [Period: [Int]] = [:]
        for (position, group) in groups.enumerated() where group.key != nil { byPeriod[group.period, default: []].append(position) }
        let granularities = Set(groups.map(\.period.granularity))
        for (index, charge) in charges.enumerated() {
            var best: Int?
            for granularity in granularities {
                for position in byPeriod[Period.containing(charge.finishedAt, granularity, in: timeZone)] ?? [] {
                    guard let key = groups[position].key, key.covers(charge.key) else { continue }
                    if best == nil || specificity(key) > specificity(groups[best!].key!) { best = position }
                }
            }
            if let best {
                members[best].append(index)
                assigned[index] = true
            }
        }
        var result: [ReconciledRow] = []
        for (position, group) in groups.enumerated() {
            result.append(compare(group, members[position].map { charges[$0] }))
        }
        groups.removeAll()

        // ClipMeter's charges the bill says nothing about, at the bill's finest period, within what the bill covers.
        let granularity = rows.map(\.period.granularity).min() ?? .hour
        let coverage = (from ?? rows.map(\.period.start).min(), to ?? rows.map(\.period.end).max())
        // A meter counts one kind of work: what it does not count is not missing from it.
        let metered: Set<FeatureID>? =
            rows.allSatisfy(\.source.isMeter) && !rows.isEmpty
            ? Set(rows.map { $0.source == .editMeter ? FeatureID.videoEditing : .mpsTranscode }) : nil
        var lonely: [String: (Period, ItemKey, [ClipMeterCharge])] = [:]
        var outside = 0
        var unmetered = 0
        for (index, charge) in charges.enumerated() where !assigned[index] {
            if let metered, !metered.contains(charge.key.feature) { unmetered += 1; continue }
            if let start = coverage.0, charge.finishedAt < start { outside += 1; continue }
            if let end = coverage.1, charge.finishedAt >= end { outside += 1; continue }
            let period = Period.containing(charge.finishedAt, granularity, in: timeZone)
            let id = "\(period.start.timeIntervalSince1970)|\(charge.key)"
            lonely[id, default: (period, charge.key, [])].2.append(charge)
        }
        if outside > 0 { warnings.append("\(outside) ClipMeter line(s) fall outside the period the bill covers and are not compared") }
        if unmetered > 0 { warnings.append("\(unmetered) ClipMeter line(s) are of features the meter does not count and are not compared") }
        for (period, key, list) in lonely.values {
            result.append(clipmeterOnly(period, key, list))
        }
        pairCycleShifts(&result)
        markNotFinal(&result)
        result.sort {
            ($0.status, $0.period, $0.key?.description ?? $0.billingItem ?? "") < (
                $1.status, $1.period, $1.key?.description ?? $1.billingItem ?? ""
            )
        }
        return ReconcileReport(
            currency: currency, from: coverage.0, to: coverage.1, timeZone: timeZone, rateCard: card.id,
            rows: result, errors: errors, warnings: warnings)
    }

    private func inRange(_ date: Date) -> Bool {
        if let from, date < from { return false }
        if let to, date >= to { return false }
        return true
    }

    private func specificity(_ key: ItemKey) -> Int { [key.edition, key.codec, key.tier].compactMap { $0 }.count }

    // MARK: - Bill rows

    /// Rows of IMS and MPS (or mapped) within the span, each once: a row whose item, instance and period another row
    /// already covers is an `overlapping` error and is left out.
    private func selectRows(_ rows: [BillRow], errors: inout [ReconcileError], warnings: inout [String]) -> [BillRow] {
        var otherProducts: [String: Int] = [:]
        var outside = 0
        // Per item: the rows kept, by source; and each source's (instance, period) pairs, for duplicates within it.
        var accepted: [String: [BillSource: [BillRow]]] = [:]
        var seen: [String: String] = [:]
        var kept: [BillRow] = []
        for row in rows {
            let key = itemMap.key(for: row)
            if key == nil, let product = row.productCode?.lowercased(), !Self.mediaProducts.contains(product) {
                otherProducts[product, default: 0] += 1
                continue
            }
            if let from, row.period.start < from { outside += 1; continue }
            if let to, row.period.start >= to { outside += 1; continue }
            // Unmapped rows are known by name first: the English CSV has no item code, the API pages have both.
            let identity = key?.description ?? row.billingItem ?? row.itemLabel
            let what = "\(row.itemLabel) for \(row.period.label(in: timeZone))\(row.instanceID.map { " (instance \($0))" } ?? "")"
            let within =
                "\(identity)|\(row.source.rawValue)|\(row.instanceID ?? "")|\(row.period.start.timeIntervalSince1970)|\(row.period.granularity)"
            if let first = seen[within] {
                errors.append(.overlapping(location: row.location, first: first, what: what))
                continue
            }
            // Two documents (the hourly CSV and the daily pages, say) covering one item and period are one bill twice.
            let others = (accepted[identity] ?? [:]).filter { $0.key != row.source }.values.joined()
            if let earlier = others.first(where: { $0.period.overlaps(row.period) }) {
                errors.append(.overlapping(location: row.location, first: earlier.location, what: what))
                continue
            }
            seen[within] = row.location
            accepted[identity, default: [:]][row.source, default: []].append(row)
            kept.append(row)
        }
        if !otherProducts.isEmpty {
            let list = otherProducts.keys.sorted().map { "\($0) (\(otherProducts[$0] ?? 0))" }.joined(separator: ", ")
            warnings.append("rows of other products are not compared: \(list)")
        }
        if outside > 0 { warnings.append("\(outside) bill row(s) outside --from/--to are not compared") }
        return kept
    }

    /// Bill rows summed per (period, currency, item): the item's key when mapped, else its code or name.
    struct Group {
        var period: Period
        var key: ItemKey?
        var rows: [BillRow]
    }

    private func billGroups(_ rows: [BillRow]) -> [Group] {
        var order: [String] = []
        var groups: [String: Group] = [:]
        for row in rows {
            let key = itemMap.key(for: row)
            let id = "\(row.period.start.timeIntervalSince1970)|\(row.period.granularity)|\(key?.description ?? "?" + row.itemLabel)"
            if groups[id] == nil {
                order.append(id)
                groups[id] = Group(period: row.period, key: key, rows: [])
            }
            groups[id]?.rows.append(row)
        }
        return order.compactMap { groups[$0] }
    }

    private func figures(_ rows: [BillRow]) -> BillFigures {
        func sum(_ values: [Decimal?]) -> Decimal? { values.contains { $0 == nil } ? nil : values.compactMap { $0 }.reduce(0, +) }
        let units = Set(rows.compactMap(\.usageUnit))
        let usage = sum(rows.map(\.usage))
        var converted: Decimal? = 0
        for row in rows {
            guard let value = row.usage, let unit = UsageUnit.parse(row.usageUnit ?? (row.source.isMeter ? "Minute" : nil)) else {
                converted = nil
                break
            }
            converted = converted.map { $0 + unit.convert(value) }
        }
        let prices = Set(rows.compactMap(\.listPrice))
        let priceUnits = Set(rows.compactMap(\.listPriceUnit))
        let listPrice = prices.count == 1 ? prices.first : nil
        let priceUnit = priceUnits.count <= 1 ? priceUnits.first : nil
        var perUnit: Decimal?
        if let listPrice, let unit = UsageUnit.ofPrice(priceUnit ?? rows.first?.usageUnit) { perUnit = unit.convertPrice(listPrice) }
        var deductions = Deductions()
        for row in rows { deductions.add(row.deductions) }
        let meters = rows.allSatisfy(\.source.isMeter)
        return BillFigures(
            usage: usage, usageUnit: units.count == 1 ? units.first : units.sorted().joined(separator: "+"),
            usageInClipMeterUnit: converted, listPrice: listPrice,
            listPriceUnit: priceUnit, listPricePerUnit: perUnit, gross: meters ? nil : sum(rows.map(\.gross)),
            payable: meters ? nil : sum(rows.map(\.payable)), deductions: deductions, locations: rows.map(\.location),
            sources: Array(Set(rows.map(\.source))).sorted { $0.rawValue < $1.rawValue })
    }

    // MARK: - ClipMeter figures

    private func figures(_ charges: [ClipMeterCharge], unit: UsageUnit.Kind) -> ClipMeterFigures {
        let perTask = charges.map(\.billedQuantity).reduce(0, +)
        var cycles: [String: (ItemKey, Decimal)] = [:]
        for charge in charges {
            let hour = Period.containing(charge.finishedAt, .hour, in: timeZone).start.timeIntervalSince1970
            let id = "\(hour)|\(charge.key)"
            cycles[id, default: (charge.key, 0)].1 += charge.measured
        }
        var perCycle: Decimal? = 0
        for (key, measured) in cycles.values {
            guard var rate = card.features[key.feature.rawValue] else { perCycle = nil; break }
            if rate.basis == .asFeature, let target = rate.billedAs, let billed = card.features[target] { rate = billed }
            let perUnit: Decimal = rate.unit == .thousandTokens ? 1000 : 60
            perCycle = perCycle.map { $0 + rate.rounding.billed(measured / perUnit) }
        }
        // Alibaba bills each hour on its own, in cents: the cost as such hourly bills would add up.
        var hourly: [TimeInterval: Decimal] = [:]
        for charge in charges {
            hourly[Period.containing(charge.finishedAt, .hour, in: timeZone).start.timeIntervalSince1970, default: 0] += charge.cost
        }
        let asBilled = hourly.values.map { DecimalRounding.rounded($0, places: 2) }.reduce(0, +)
        return ClipMeterFigures(
            usage: perTask, usagePerCycle: perCycle, unit: unit, cost: charges.map(\.cost).reduce(0, +),
            costInHourlyCents: asBilled, jobs: Array(Set(charges.map(\.jobID))).sorted(),
            files: charges.filter(\.perFile).count)
    }

    // MARK: - Comparison

    private func compare(_ group: Group, _ charges: [ClipMeterCharge]) -> ReconciledRow {
        let bill = figures(group.rows)
        let codes = Array(Set(group.rows.compactMap(\.billingItemCode))).sorted().joined(separator: ", ")
        let names = Array(Set(group.rows.compactMap(\.billingItem))).sorted().joined(separator: ", ")
        var row = ReconciledRow(
            period: group.period, billingItemCode: codes.isEmpty ? nil : codes, billingItem: names.isEmpty ? nil : names,
            key: group.key, status: .match, bill: bill, clipmeter: nil, difference: bill.gross,
            usageDifference: bill.usageInClipMeterUnit, roundingAgreement: nil, proposed: [], reason: "")
        let currency = card.currency
        guard let key = group.key else {
            row.status = .unmappedItem
            (row.reason, row.proposed) = unmapped(group.rows[0], bill)
            return row
        }
        let unit = CardPrices.unit(of: key.feature, on: card) ?? (key.feature == .textGeneration ? .thousandTokens : .minutes)
        let unitWord = unit == .minutes ? "min" : "× 1,000 tokens"
        guard !charges.isEmpty else {
            let nothing = (bill.usage ?? 0) == 0 && (bill.gross ?? 0) == 0
            row.status = nothing ? .match : .billOnly
            row.reason =
                nothing
                ? "nothing used and nothing charged; nothing measured either"
                : "charged \(money(bill.gross)) \(currency) for \(number(bill.usage)) \(bill.usageUnit ?? "") with no ClipMeter job in this period: "
                    + "a job missing from the ledgers or scans given, or a task Alibaba billed twice; scan or pass the ledger that holds it"
            return row
        }
        let ours = figures(charges, unit: unit)
        row.clipmeter = ours
        row.difference = bill.gross.map { $0 - ours.cost }
        guard let billed = bill.usageInClipMeterUnit else {
            row.status = .usageDiffers
            row.reason =
                "the bill's usage \(number(bill.usage)) \(bill.usageUnit ?? "(no unit)") is not in a unit ClipMeter converts (minutes, seconds, hours, tokens); usage cannot be compared"
            return row
        }
        row.usageDifference = billed - ours.usage
        // Whole minutes and 1,000-token items must agree exactly; per-file items may differ by 0.01 min per file.
        let tolerance = Decimal(ours.files) / 100
        let task = abs(billed - ours.usage) <= tolerance
        let cycle = ours.usagePerCycle.map { abs(billed - $0) <= tolerance } ?? false
        row.roundingAgreement = task && cycle ? "both" : task ? "per-task" : cycle ? "per-cycle" : nil
        let cycleText = ours.usagePerCycle.map { $0 == ours.usage ? "" : " (\(number($0)) per cycle)" } ?? ""
        let usageWords =
            "the bill's \(number(billed)) \(unitWord) agrees with ClipMeter's "
            + (row.roundingAgreement == "per-cycle"
                ? "per-cycle rounding (\(number(ours.usagePerCycle)) \(unitWord); \(number(ours.usage)) per task)"
                : "per-task rounding\(row.roundingAgreement == "both" ? " (and per-cycle)" : "")")
        guard task || cycle else {
            row.status = .usageDiffers
            let delta = billed - ours.usage
            row.reason =
                "the bill counts \(number(billed)) \(unitWord), ClipMeter \(number(ours.usage)) per task\(cycleText) over \(ours.jobs.count) job(s): "
                + "\(number(abs(delta))) \(unitWord) \(delta > 0 ? "more" : "fewer") on the bill; look for a task ClipMeter did not see, one Alibaba billed twice, "
                + "or a duration policy that differs (--duration-policy)"
            return row
        }
        guard let gross = bill.gross else {
            row.status = .match
            row.reason = usageWords + " (a meter: usage only, no money)"
            return row
        }
        let cardPrice = CardPrices.price(of: key, on: card)
        var priceWords = ""
        var priceDiffers = false
        if let listed = bill.listPricePerUnit, let cardPrice, listed != cardPrice {
            priceDiffers = true
            let delta = listed - cardPrice
            let share = cardPrice == 0 ? "" : " (\(delta > 0 ? "+" : "")\(NumberText.display(delta / cardPrice * 100, decimals: 2))%)"
            priceWords =
                "the list price is \(NumberText.plain(listed)) \(currency)/\(unitWord) where card \(card.id) says \(NumberText.plain(cardPrice)): "
                + "the card is stale by \(delta > 0 ? "+" : "")\(NumberText.plain(delta)) \(currency)/\(unitWord)\(share)"
        } else if bill.listPricePerUnit == nil {
            priceWords = "the bill gives no list price to check"
        } else if cardPrice == nil {
            priceWords = "card \(card.id) has no price for \(key) to check the list price against"
        }
        let payable = bill.payable
        let planPaid =
            (payable == 0 && (billed > 0) && (gross == 0 || bill.deductions.byResourcePackage || bill.deductions.money > 0))
            || (payable == nil && bill.deductions.byResourcePackage)
        if planPaid {
            row.status = .coveredByPlan
            row.reason =
                usageWords + "; payable \(money(payable)) \(currency): paid by "
                + (bill.deductions.byResourcePackage
                    ? "a resource package (\(bill.deductions.resourcePackage ?? ""))"
                    : gross == 0 ? "the plan's quota" : "coupons or a prepaid card")
                + (priceDiffers ? "; note: " + priceWords : "")
            return row
        }
        if priceDiffers {
            row.status = .priceDiffers
            row.reason = "usage agrees, but " + priceWords + "; check the current price page and update the card (--rates)"
            return row
        }
        let delta = gross - ours.cost
        // A cent per bill row: each row (an instance's hour, say) is rounded on its own.
        let cent = Decimal(string: "0.01")! * Decimal(max(1, group.rows.count))
        if abs(delta) > cent && abs(gross - ours.costInHourlyCents) > cent {
            row.status = .amountDiffers
            var why = "check the row's adjustments"
            if row.roundingAgreement == "per-cycle" { why = "the bill rounds per hourly cycle: price with --rounding per-cycle" }
            row.reason =
                usageWords + ", but the gross \(money(gross)) differs from ClipMeter's \(money(ours.cost)) by "
                + "\(delta > 0 ? "+" : "")\(money(delta)) \(currency); \(why)"
            return row
        }
        row.status = .match
        let same =
            gross == ours.cost
            ? "="
            : abs(delta) <= cent
                ? "agrees within \(MoneyText.string(cent)) (a cent per bill row) with"
                : "agrees, hour by hour in cents, with"
        row.reason =
            usageWords + "; gross \(money(gross)) \(same) ClipMeter's \(money(ours.cost)) \(currency)"
            + (priceWords.isEmpty ? "; list price agrees with card \(card.id)" : "; " + priceWords)
        return row
    }

    /// Why a row is unmapped, and the card's items its list price and unit suggest.
    private func unmapped(_ sample: BillRow, _ bill: BillFigures) -> (String, [ItemKey]) {
        let name = sample.itemLabel
        var proposal = "no price to guess from"
        var found: [ItemKey] = []
        if let price = bill.listPricePerUnit, let unit = UsageUnit.ofPrice(bill.listPriceUnit ?? bill.usageUnit) {
            found = CardPrices.candidates(price: price, unit: unit.kind, on: card)
            let unitWord = unit.kind == .minutes ? "minute" : "1,000 tokens"
            if found.isEmpty {
                proposal = "no item on card \(card.id) costs \(NumberText.plain(price)) \(card.currency) per \(unitWord)"
            } else {
                proposal =
                    "its list price \(NumberText.plain(price)) \(card.currency) per \(unitWord) matches "
                    + found.prefix(4).map { "\($0)" }.joined(separator: " or ") + " on card \(card.id)"
            }
        } else if let unit = UsageUnit.parse(bill.usageUnit) {
            proposal = "its usage is in \(unit.kind == .minutes ? "minutes" : "tokens") (no list price to narrow it)"
        }
        guard sample.billingItemCode?.isEmpty == false || sample.billingItem?.isEmpty == false else {
            return (
                "the row names no billing item (an instance view): save DescribeInstanceBill with IsBillingItem=true, or the itemized bill",
                []
            )
        }
        let field = sample.billingItemCode.map { "billingItemCode: \"\($0)\"" } ?? "billingItem: \"\(sample.billingItem ?? "")\""
        return ("billing item \(name) is not in the item map; \(proposal): add {\(field), feature: …} to an --item-map file", found)
    }

    private func clipmeterOnly(_ period: Period, _ key: ItemKey, _ charges: [ClipMeterCharge]) -> ReconciledRow {
        let unit = CardPrices.unit(of: key.feature, on: card) ?? .minutes
        let ours = figures(charges, unit: unit)
        let unitWord = unit == .minutes ? "min" : "× 1,000 tokens"
        return ReconciledRow(
            period: period, billingItemCode: nil, billingItem: nil, key: key, status: .clipmeterOnly, bill: nil, clipmeter: ours,
            difference: -ours.cost, usageDifference: -ours.usage, roundingAgreement: nil, proposed: [],
            reason:
                "ClipMeter priced \(ours.jobs.count) job(s) (\(number(ours.usage)) \(unitWord), \(money(ours.cost)) \(card.currency)) that the bill "
                + "does not charge in this period: check the account and region they ran in, that the bill file is complete, "
                + "and that its billing item is in the item map")
    }

    // MARK: - Cycle shifts and finality

    /// A usage difference in one period answered by the opposite difference in the period next to it is one task
    /// that finished near the boundary: both rows become `cycle-shift`.
    private func pairCycleShifts(_ rows: inout [ReconciledRow]) {
        let candidates: Set<RowStatus> = [.usageDiffers, .billOnly, .clipmeterOnly]
        func delta(_ row: ReconciledRow) -> Decimal? {
            guard candidates.contains(row.status) else { return nil }
            if row.status == .billOnly { return row.bill?.usageInClipMeterUnit }
            return row.usageDifference
        }
        var index: [String: [Int]] = [:]
        for i in rows.indices where delta(rows[i]) != nil {
            index[
                "\(rows[i].key?.description ?? "")|\(rows[i].period.start.timeIntervalSince1970)|\(rows[i].period.granularity)", default: []
            ].append(i)
        }
        for i in rows.indices {
            guard let mine = delta(rows[i]), mine != 0, let key = rows[i].key, candidates.contains(rows[i].status) else { continue }
            let neighbours = [rows[i].period.next(in: timeZone), rows[i].period.previous(in: timeZone)].flatMap { period in
                index["\(key)|\(period.start.timeIntervalSince1970)|\(period.granularity)"] ?? []
            }
            for j in neighbours where j != i {
                guard let theirs = delta(rows[j]), rows[j].key == key else { continue }
                let files = (rows[i].clipmeter?.files ?? 0) + (rows[j].clipmeter?.files ?? 0)
                guard abs(mine + theirs) <= Decimal(files) / 100 else { continue }
                let billedIn = mine > 0 ? rows[i].period : rows[j].period
                let ourIn = mine > 0 ? rows[j].period : rows[i].period
                let words =
                    "\(number(abs(mine))) \(key.feature == .textGeneration ? "× 1,000 tokens" : "min") of \(key) are billed in "
                    + "\(billedIn.label(in: timeZone)) where ClipMeter puts them in \(ourIn.label(in: timeZone)) (a task that finished near the "
                    + "boundary; Alibaba's hour for a task is not documented): over both periods usage agrees, nothing is lost"
                rows[i].status = .cycleShift
                rows[j].status = .cycleShift
                rows[i].reason = words
                rows[j].reason = words
                break
            }
        }
    }

    /// A month's bill is final after 12:00 on the 3rd of the next month, and data younger than 24 h may still change.
    private func markNotFinal(_ rows: inout [ReconciledRow]) {
        let calendar = Calendar.billing(timeZone)
        for index in rows.indices where rows[index].status != .unmappedItem {
            let period = rows[index].period
            let month = Period.containing(period.start, .month, in: timeZone)
            let final = calendar.date(byAdding: DateComponents(day: 2, hour: 12), to: month.end) ?? month.end
            let young = now < period.end.addingTimeInterval(24 * 3600)
            guard now < final || young else { continue }
            let so = rows[index].status
            rows[index].status = .notFinal
            rows[index].reason =
                "not final: \(young ? "data younger than 24 h may still arrive; " : "")the bill for \(month.label(in: timeZone)) "
                + "is final after \(DateText.string(final, in: timeZone)); so far \(so.rawValue): \(rows[index].reason). Run again then"
        }
    }

    // MARK: - Words

    private func money(_ value: Decimal?) -> String { value.map { MoneyText.string($0) } ?? "—" }
    private func number(_ value: Decimal?) -> String { value.map { NumberText.plain($0) } ?? "—" }
}

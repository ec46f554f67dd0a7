import Foundation
import Quantities

/// Prices billable jobs with one rate card: line items per job, hourly cycles, warnings. Pure arithmetic.
public struct Pricer: Sendable {
    /// The card whose prices and rounding rules apply.
    public let card: RateCard
    /// Rounding scope, billing time zone and duration policy name.
    public let options: PricingOptions

    /// Creates a pricer.
    public init(card: RateCard, options: PricingOptions = PricingOptions()) {
        self.card = card
        self.options = options
    }

    /// Prices every job (failed ones at 0 with their reason) and groups them into hourly cycles.
    ///
    /// Per-cycle rounding sums each priced component's measured amount over the jobs of an hour (ordered by
    /// `finishedAt`, then input order) and rounds the running sum; each job is billed the increase it causes,
    /// so job costs still add up to the cycle and bill totals. Only rules that round up (or not at all) are
    /// aggregated: rounding half up is not subadditive, and MPS states its rule per output file anyway.
    public func price(_ jobs: [BillableJob]) -> Bill {
        // Warnings repeat across jobs (an unverified price on every output): one stored copy each keeps a bill
        // of 20,000 jobs small.
        var interned: [PricingWarning: PricingWarning] = [:]
        func intern(_ warning: PricingWarning) -> PricingWarning {
            if let stored = interned[warning] { return stored }
            interned[warning] = warning
            return warning
        }
        var drafts = jobs.enumerated().map { index, job in
            var draft = draft(job, index: index)
            draft.warnings = draft.warnings.map(intern)
            return draft
        }
        if options.rounding == .perCycle { aggregatePerCycle(&drafts) }

        var pricedJobs: [PricedJob] = []
        // Sized once: the priced jobs are alive at a scan's memory peak, and doubling leaves up to half unused.
        pricedJobs.reserveCapacity(drafts.count)
        var cycles: [Date: BillingCycle] = [:]
        var billWarnings: [BillWarning] = []
        var seenWarnings = Set<BillWarning>()
        // Every amount of the bill is in the card's currency: totals are summed as Money all the same.
        var total = Money.zero(card.currency)
        var totalLow = Money.zero(card.currency)
        var anyRange = false
        for draft in drafts {
            let job = draft.job
            let items = draft.charges.map(\.item)
            let unknown = job.unknownCost ?? draft.unknowns.first
            let high = items.reduce(Decimal(0)) { $0 + $1.cost }
            // The low end of a bounded job: the same job with every bounded figure at its least, priced per task.
            var low: (cost: Decimal, items: [LineItem])?
            if unknown == nil, job.status == .succeeded, let lowJob = Self.lowVariant(job) {
                let items = self.draft(lowJob, index: draft.index).charges.map(\.item)
                let cost = items.reduce(Decimal(0)) { $0 + $1.cost }
                if cost != high { low = (cost, items) }
            }
            var warnings = unique(job.warnings.map(PricingWarning.job) + draft.warnings).map(intern)
            if let low, low.cost > high { warnings.append(.rangeInverted(low: low.cost, high: high)) }
            let cost: Money? = unknown == nil ? Money(max(high, low?.cost ?? high), card.currency) : nil
            var priced = PricedJob(
                id: job.id, feature: job.feature, status: job.status, cost: cost, items: items, diagnostics: warnings,
                finishedAt: job.finishedAt, cycleStart: draft.cycle?.start, reason: draft.reason(unknown: unknown),
                timeZone: options.timeZone, costLow: low.map { Money(min($0.cost, high), card.currency) }, unknown: unknown,
                lowItems: low?.items ?? []
            )
            priced.key = job.key
            pricedJobs.append(priced)
            if let cost {
                total.add(cost)
                totalLow.add(priced.costLow ?? cost)
                anyRange = anyRange || priced.costLow != nil
            }
            for warning in warnings {
                let entry = BillWarning(job: job.id, warning)
                if seenWarnings.insert(entry).inserted { billWarnings.append(entry) }
            }
            if let interval = draft.cycle, let cost {
                // Mutated in place: a copy taken out and stored back would copy `jobIDs` for every job.
                let empty = BillingCycle(
                    start: interval.start, end: interval.end, total: .zero(card.currency),
                    byFeature: [:], timeZone: options.timeZone)
                cycles[interval.start, default: empty].total.add(cost)
                for item in items { cycles[interval.start, default: empty].byFeature[item.feature.rawValue, default: 0] += item.cost }
                cycles[interval.start, default: empty].jobIDs.append(job.id)
            }
        }
        return Bill(
            total: total, rateCard: card.id, rounding: options.rounding.rawValue,
            jobs: pricedJobs, cycles: cycles.values.sorted { $0.start < $1.start }, warnings: billWarnings,
            totalLow: anyRange ? totalLow : nil
        )
    }

    /// The job with every bounded figure at its least, or nil when nothing about it is bounded.
    static func lowVariant(_ job: BillableJob) -> BillableJob? {
        let bounded = (job.inputs + job.outputs).contains { $0.lowSeconds != nil } || job.timelineLowSeconds != nil
        guard bounded else { return nil }
        var low = job
        func least(_ media: MeasuredMedia) -> MeasuredMedia {
            var copy = media
            if let seconds = media.lowSeconds {
                // Still marked bounded (low = high), so its arithmetic offers no trimming hint.
                copy.seconds = seconds
                copy.alternativeSeconds = [:]
            }
            return copy
        }
        low.inputs = job.inputs.map(least)
        low.outputs = job.outputs.map(least)
        if let seconds = job.timelineLowSeconds {
            low.timelineSeconds = seconds
            low.timelineLowSeconds = nil
        }
        return low
    }

    /// The hourly cycle `[start, end)` in the billing zone that contains `date`.
    public func cycle(containing date: Date) -> DateInterval {
        BillingCycle.hour(containing: date, in: options.timeZone)
    }

    // MARK: - Per job

    /// A job on its way to being priced.
    struct Draft {
        var job: BillableJob
        var index: Int
        var cycle: DateInterval?
        var charges: [Charge] = []
        var warnings: [PricingWarning] = []
        /// Why the cost cannot be known, in the order found; the first one is the job's error.
        var unknowns: [UnknownCost] = []
        /// Remarks for the main charge's explanation (not warnings).
        var notes: [String] = []

        /// The failure reason, or every reason the cost is unknown ("no price: a; b" when all are prices).
        func reason(unknown: UnknownCost?) -> String? {
            if job.status == .failed { return job.failureReason ?? "failed" }
            let all = unique((unknown.map { [$0] } ?? []) + unknowns)
            guard !all.isEmpty else { return nil }
            let prices = all.compactMap { if case .noPrice(let why) = $0 { return why } else { return nil } }
            if prices.count == all.count { return "no price: " + unique(prices).joined(separator: "; ") }
            return unique(all.map { $0.message }).joined(separator: "; ")
        }
    }

    func draft(_ job: BillableJob, index: Int) -> Draft {
        var draft = Draft(job: job, index: index, cycle: job.finishedAt.map(cycle(containing:)))
        guard job.status == .succeeded else { return draft }
        if let rule = job.notBilled {
            draft.charges.append(notBilledCharge(job, rule: rule))
            return draft
        }

        switch card.features[job.feature.rawValue] {
        case nil:
            draft.noPrice("card \(card.id) has no price for \(job.feature)")
        case let rate? where rate.unavailable != nil:
            draft.noPrice("\(job.feature): \(rate.unavailable ?? "")")
        case let rate?:
            priceFeature(rate, &draft)
        }

        if job.feature != .textGeneration, let tokens = job.tokens, tokens > 0 {
            priceTokens(tokens, &draft)
        }
        return draft
    }

    private func priceFeature(_ rate: FeatureRate, _ draft: inout Draft) {
        let job = draft.job
        switch rate.basis {
        case .tokens:
            if let tokens = job.tokens, tokens > 0 { priceTokens(tokens, &draft) }
        case .inputPlusOutputSeconds, .inputSeconds:
            if job.previewOnly, rate.previewOnly == .free {
                draft.charges.append(freePreview(job, feature: job.feature))
                return
            }
            priceDuration(rate, &draft)
        case .outputFiles:
            if job.previewOnly, rate.previewOnly == .free {
                draft.charges.append(freePreview(job, feature: job.feature))
                return
            }
            priceOutputFiles(rate, rateID: job.feature.rawValue, &draft)
        case .asFeature:
            if job.previewOnly, rate.previewOnly == .free {
                draft.charges.append(freePreview(job, feature: job.feature))
                return
            }
            let target = rate.billedAs ?? ""
            guard let targetRate = card.features[target] else {
                draft.noPrice("\(job.feature) is billed as \(target), and card \(card.id) has no price for \(target)")
                return
            }
            if let unavailable = targetRate.unavailable {
                draft.noPrice("\(job.feature) is billed as \(target): \(unavailable)")
                return
            }
            priceOutputFiles(targetRate, rateID: target, &draft)
        }
    }

    // MARK: Tokens

    private func priceTokens(_ tokens: Int, _ draft: inout Draft) {
        let feature = FeatureID.textGeneration
        guard let rate = card.features[feature.rawValue] else {
            draft.noPrice("card \(card.id) has no price for \(feature) (\(NumberText.grouped(String(tokens))) tokens)")
            draft.charges.append(
                Charge(
                    component: feature.rawValue, feature: feature, rateID: feature.rawValue, priceKey: feature.rawValue,
                    measured: Decimal(tokens), measuredUnit: .tokens, terms: [], unit: .thousandTokens, rule: RoundingRule(),
                    unitPrice: nil,
                    noPrice: "card \(card.id) has no price for \(feature)"
                ).priced(currency: card.currency))
            return
        }
        if let unavailable = rate.unavailable {
            draft.noPrice("\(feature): \(unavailable)")
        }
        var charge = Charge(
            component: feature.rawValue, feature: feature, rateID: feature.rawValue, priceKey: feature.rawValue,
            measured: Decimal(tokens), measuredUnit: .tokens, terms: [], unit: rate.unit, rule: rate.rounding,
            unitPrice: rate.unavailable == nil ? rate.price : nil, noPrice: rate.unavailable
        )
        charge = charge.priced(currency: card.currency)
        draft.warnings += unverifiedWarnings(rate, rateID: feature.rawValue, label: nil, charge: charge)
        draft.charges.append(charge)
    }

    // MARK: Duration features (IMS)

    private func priceDuration(_ rate: FeatureRate, _ draft: inout Draft) {
        let job = draft.job
        let inputs = Term(label: job.inputs.count > 1 ? "\(job.inputs.count) inputs" : nil, media: job.inputs)
        var outputs: [MeasuredMedia] = []
        var timeline: Seconds?

        if rate.basis == .inputPlusOutputSeconds {
            if job.previewOnly, rate.previewOnly == .timelineAsOutput {
                if let seconds = job.timelineSeconds {
                    timeline = seconds
                } else if !job.outputs.isEmpty {
                    draft.warnings.append(.outputsStandInForTimeline)
                    outputs = job.outputs
                } else {
                    draft.unknowns.append(.nothingMeasured("preview-only job without a timeline length or an output duration"))
                }
            } else {
                outputs = job.outputs
            }
        } else if !job.outputs.isEmpty {
            draft.notes.append("outputs not billed: \(job.feature) bills input duration only")
        }
        if job.inputs.isEmpty && outputs.isEmpty && timeline == nil {
            draft.unknowns.append(.nothingMeasured("no media measured for \(job.feature)"))
        }

        // A batch: its inputs once against all its outputs (one task), or once per output (a task each).
        let perOutput = job.isBatch && outputs.count > 1 && options.batchInputs == .perOutput
        let charges =
            perOutput
            ? outputs.enumerated().map { index, output in
                durationCharge(
                    rate, job: job, terms: [inputs, Term(label: "output \(index + 1)", media: [output])],
                    component: "\(job.feature) (output \(index + 1) of \(outputs.count))", notes: draft.notes)
            }
            : [
                durationCharge(
                    rate, job: job, terms: durationTerms(inputs, outputs: outputs, timeline: timeline),
                    component: job.feature.rawValue, notes: draft.notes)
            ]
        if job.isBatch && outputs.count > 1 && job.unknownCost == nil {
            let alternative =
                perOutput
                ? durationCharge(
                    rate, job: job, terms: durationTerms(inputs, outputs: outputs, timeline: nil),
                    component: job.feature.rawValue, notes: []
                ).item.cost
                : outputs.reduce(Decimal(0)) { sum, output in
                    sum
                        + durationCharge(
                            rate, job: job, terms: [inputs, Term(label: nil, media: [output])],
                            component: job.feature.rawValue, notes: []
                        ).item.cost
                }
            let billed = charges.reduce(Decimal(0)) { $0 + $1.item.cost }
            if alternative != billed {
                draft.warnings.append(
                    .batchInputs(
                        billed: billed, alternative: alternative, currency: card.currency,
                        reading: options.batchInputs))
            }
        }
        for charge in charges {
            if charge.measured == 0, !(job.inputs.isEmpty && outputs.isEmpty && timeline == nil) {
                draft.warnings.append(.zeroDuration(feature: job.feature.rawValue))
            }
            draft.warnings += boundaryWarnings(charge, policies: Set(charge.terms.flatMap(\.policies)), file: nil)
            draft.warnings += unverifiedWarnings(rate, rateID: job.feature.rawValue, label: nil, charge: charge)
            draft.charges.append(charge)
        }
    }

    private func durationTerms(_ inputs: Term, outputs: [MeasuredMedia], timeline: Seconds?) -> [Term] {
        var terms: [Term] = inputs.media.isEmpty ? [] : [inputs]
        if let timeline { terms.append(Term(label: "timeline", fixed: timeline)) }
        if !outputs.isEmpty { terms.append(Term(label: outputs.count > 1 ? "\(outputs.count) outputs" : nil, media: outputs)) }
        return terms
    }

    private func durationCharge(
        _ rate: FeatureRate, job: BillableJob, terms: [Term], component: String,
        notes: [String]
    ) -> Charge {
        let seconds = terms.map { $0.seconds(policy: nil) }.sum()
        var charge = Charge(
            component: component, feature: job.feature, rateID: job.feature.rawValue, priceKey: job.feature.rawValue,
            measured: seconds.value,
            measuredUnit: .seconds, terms: terms, unit: rate.unit, rule: rate.rounding, unitPrice: rate.price, noPrice: nil
        )
        charge.explainSuffix = notes
        return charge.priced(currency: card.currency)
    }

    // MARK: Per output file (video editing, MPS)

    private func priceOutputFiles(_ rate: FeatureRate, rateID: String, _ draft: inout Draft) {
        let job = draft.job
        if job.outputs.isEmpty {
            draft.unknowns.append(.nothingMeasured("no output files for \(job.feature)"))
            return
        }
        var table: PriceTable? = rate.prices
        var editionLabel: String?
        if let editions = rate.editions, !editions.isEmpty {
            let edition = job.edition ?? rate.defaultEdition ?? "basic"
            editionLabel = edition
            table = editions[edition]
            if table == nil {
                draft.noPrice(
                    "\(rateID) has no \"\(edition)\" edition on card \(card.id) (editions: \(editions.keys.sorted().joined(separator: ", ")))"
                )
            }
        }
        let via = rateID == job.feature.rawValue ? "" : " as \(rateID)"
        for output in job.outputs {
            var labelParts = [editionLabel].compactMap { $0 }
            var dimensions: String?
            var price: Decimal?
            var noPrice: String?
            var unknownResolution = false
            if table == nil, editionLabel != nil {
                noPrice = "no \(editionLabel ?? "") edition price"
            } else if let flat = rate.price, table == nil || ((table?.codecPrices.isEmpty ?? true) && table?.audioPrice == nil) {
                price = flat
            } else if output.isAudioOnly {
                labelParts.append("audio")
                price = table?.audioPrice ?? rate.price
                if price == nil { noPrice = "card \(card.id) has no audio-only price for \(rateID)" }
            } else {
                let codec = Self.priceCodec(output.codec ?? job.outputCodec)
                if output.codec == nil, job.outputCodec == nil {
                    draft.warnings.append(.codecUnknown(file: output.path))
                }
                labelParts.append(codec)
                if let width = output.width, let height = output.height {
                    if let tier = ResolutionTier.classify(width: width, height: height, in: card.tiers) {
                        labelParts.append(tier.name)
                        if let byTier = table?.codecPrices[codec] {
                            price = byTier[tier.name]
                            if price == nil {
                                noPrice = "card \(card.id) has no \(codec) \(tier.name) price for \(rateID)"
                            }
                        } else {
                            let known = (table?.codecPrices.keys.sorted() ?? []).joined(separator: ", ")
                            noPrice =
                                "card \(card.id) has no \(codec) price for \(rateID) (priced codecs: \(known.isEmpty ? "none" : known))"
                        }
                    } else {
                        let largest = card.tiers.last.map { " \($0.name) (\($0.longSide)×\($0.shortSide))" } ?? ""
                        noPrice = "\(width)×\(height) is larger than the largest tier\(largest)"
                    }
                    dimensions = "\(width)×\(height)"
                } else {
                    noPrice = "resolution of \(output.path) unknown; pass the output resolution"
                    unknownResolution = true
                }
            }
            let label = labelParts.joined(separator: " ")
            let shown = (labelParts + [dimensions].compactMap { $0 }).joined(separator: " ")
            var charge = Charge(
                component: "\(job.feature)\(via)\(shown.isEmpty ? "" : " " + shown): \(output.path)",
                feature: job.feature, rateID: rateID, priceKey: "\(rateID)|\(label)", measured: output.seconds.value,
                measuredUnit: .seconds, terms: [Term(label: nil, media: [output])], unit: rate.unit, rule: rate.rounding,
                unitPrice: noPrice == nil ? price : nil, noPrice: noPrice
            )
            charge.file = output.path
            charge = charge.priced(currency: card.currency)
            if unknownResolution {
                draft.unknowns.append(.unknownResolution(file: output.path))
                draft.warnings.append(.noPrice("\(output.path): \(noPrice ?? "")"))
            } else if let noPrice {
                draft.noPrice("\(output.path): \(noPrice)")
            }
            draft.warnings += boundaryWarnings(charge, policies: Set(output.alternativeSeconds.keys), file: output.path)
            draft.warnings += unverifiedWarnings(rate, rateID: rateID, label: label, charge: charge)
            draft.charges.append(charge)
        }
    }

    /// The codec a price list uses for `codec` however it is spelled (`VideoCodecName`); unset is h264.
    public static func priceCodec(_ codec: String?) -> String {
        VideoCodecName.normalized(codec) ?? "h264"
    }

    private func freePreview(_ job: BillableJob, feature: FeatureID) -> Charge {
        freeCharge(feature: feature, kind: "preview-only", key: "preview", seconds: job.timelineSeconds ?? .zero, rule: nil)
    }

    /// A job a documented rule makes free (e.g. a feature in public preview): 0, with the rule as its arithmetic.
    private func notBilledCharge(_ job: BillableJob, rule: String) -> Charge {
        freeCharge(feature: job.feature, kind: "not billed", key: "not-billed", seconds: .zero, rule: "not billed: \(rule)")
    }

    /// A charge of 0 by a rule; `rule` nil explains it as the preview-only rule.
    private func freeCharge(feature: FeatureID, kind: String, key: String, seconds: Seconds, rule: String?) -> Charge {
        var charge = Charge(
            component: "\(feature) (\(kind))", feature: feature, rateID: feature.rawValue, priceKey: "\(feature)|\(key)",
            measured: seconds.value, measuredUnit: .seconds, terms: [], unit: .minute, rule: RoundingRule(), unitPrice: 0, noPrice: nil
        )
        charge.free = true
        charge.freeRule = rule
        return charge.priced(currency: card.currency)
    }

    // MARK: Warnings

    private func unverifiedWarnings(_ rate: FeatureRate, rateID: String, label: String?, charge: Charge) -> [PricingWarning] {
        guard let price = charge.unitPrice, !charge.free else { return [] }
        var warnings: [PricingWarning] = []
        let source = rate.source ?? card.sources.first
        if !rate.verified {
            let what = [rateID, label].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
            warnings.append(
                .unverifiedPrice(
                    item: what, price: price, currency: card.currency, unit: rate.unit, card: card.id,
                    priceDate: rate.priceDate, source: source))
        }
        if !rate.rounding.verified {
            warnings.append(
                .unverifiedRounding(
                    feature: rateID, rule: rate.rounding.summary(unit: rate.unit, flagUnverified: false),
                    note: rate.rounding.note, source: source))
        }
        return warnings
    }

    private func boundaryWarnings(_ charge: Charge, policies: Set<String>, file: String?) -> [PricingWarning] {
        var warnings: [PricingWarning] = []
        for policy in policies.sorted() where policy != options.durationPolicy {
            let alternative = charge.terms.map { $0.seconds(policy: policy) }.sum().value
            let billed = charge.rule.billed(alternative / charge.unit.measuredPerUnit)
            let current = charge.perTaskBilled
            guard billed != current else { continue }
            warnings.append(
                .boundary(
                    file: file, unit: charge.unit, policy: options.durationPolicy, billed: current,
                    measured: charge.measured, alternativePolicy: policy, alternativeBilled: billed,
                    alternativeMeasured: alternative))
        }
        return warnings
    }

    // MARK: - Per-cycle aggregation

    private func aggregatePerCycle(_ drafts: inout [Draft]) {
        struct Key: Hashable { var cycle: Date; var priceKey: String; var unitPrice: Decimal }
        var groups: [Key: [(draft: Int, charge: Int)]] = [:]
        for (d, draft) in drafts.enumerated() {
            // A job whose cost is unknown is in no total, so it takes no share of a cycle's sum either.
            guard let cycle = draft.cycle, draft.job.unknownCost == nil, draft.unknowns.isEmpty else { continue }
            for (c, charge) in draft.charges.enumerated() {
                guard let price = charge.unitPrice, !charge.free, charge.rule.aggregatesSafely else { continue }
                groups[Key(cycle: cycle.start, priceKey: charge.priceKey, unitPrice: price), default: []].append((d, c))
            }
        }
        for (key, members) in groups {
            let ordered = members.sorted { a, b in
                let ta = drafts[a.draft].job.finishedAt ?? .distantPast, tb = drafts[b.draft].job.finishedAt ?? .distantPast
                return (ta, a.draft, a.charge) < (tb, b.draft, b.charge)
            }
            var runningMeasured: Decimal = 0
            var runningBilled: Decimal = 0
            var runningTerms: [String] = []
            let interval = drafts[ordered[0].draft].cycle ?? DateInterval(start: key.cycle, duration: 3600)
            let range = DateText.hourRange(interval.start, interval.end, in: options.timeZone)
            for member in ordered {
                var charge = drafts[member.draft].charges[member.charge]
                runningMeasured += charge.measured
                runningTerms.append(charge.measuredText)
                let billedSoFar = charge.rule.billed(runningMeasured / charge.unit.measuredPerUnit)
                let share = billedSoFar - runningBilled
                runningBilled = billedSoFar
                charge.cycleShare = CycleShare(
                    share: share, runningMeasured: runningMeasured, runningBilled: billedSoFar,
                    jobsSoFar: runningTerms.count, range: range
                )
                drafts[member.draft].charges[member.charge] = charge.priced(currency: card.currency)
            }
        }
    }
}

// MARK: - Charges

/// One addend of a duration sum: a group of media (inputs, outputs) or a fixed figure (timeline length).
struct Term {
    var label: String?
    var media: [MeasuredMedia] = []
    var fixed: Seconds?

    init(label: String?, media: [MeasuredMedia]) {
        self.label = label
        self.media = media
    }

    init(label: String?, fixed: Seconds) {
        self.label = label
        self.fixed = fixed
    }

    /// Seconds under the given policy (nil = the primary policy); media without that policy's figure keep theirs.
    func seconds(policy: String?) -> Seconds {
        if let fixed { return fixed }
        return media.map { item in policy.flatMap { item.alternativeSeconds[$0] } ?? item.seconds }.sum()
    }

    var policies: [String] { media.flatMap { $0.alternativeSeconds.keys } }

    /// True when a figure is a bound of an output not rendered yet, not a measurement.
    var isBound: Bool { media.contains { $0.lowSeconds != nil } }

    var text: String {
        let seconds = NumberText.seconds(seconds(policy: nil).value)
        return label.map { "\(seconds) (\($0))" } ?? seconds
    }
}

/// This job's part of a cycle's rounded sum.
struct CycleShare {
    var share: Decimal
    var runningMeasured: Decimal
    var runningBilled: Decimal
    var jobsSoFar: Int
    var range: String
}

/// A component being priced: measured amount, rule and price; `priced` turns it into a line item.
struct Charge {
    var component: String
    var feature: FeatureID
    var rateID: String
    var priceKey: String
    var measured: Decimal
    var measuredUnit: MeasuredUnit
    var terms: [Term]
    var unit: BillingUnit
    var rule: RoundingRule
    var unitPrice: Decimal?
    var noPrice: String?
    var file: String?
    var free = false
    /// The rule a free charge's explanation names (default: the preview-only rule).
    var freeRule: String?
    var explainSuffix: [String] = []
    var cycleShare: CycleShare?
    var item = LineItem(
        component: "", quantity: 0, unit: .minute, billedQuantity: 0, unitPrice: nil, cost: 0, explain: "", feature: .textGeneration,
        measured: 0, measuredUnit: .seconds
    )

    init(
        component: String, feature: FeatureID, rateID: String, priceKey: String, measured: Decimal, measuredUnit: MeasuredUnit,
        terms: [Term], unit: BillingUnit, rule: RoundingRule, unitPrice: Decimal?, noPrice: String?
    ) {
        self.component = component
        self.feature = feature
        self.rateID = rateID
        self.priceKey = priceKey
        self.measured = measured
        self.measuredUnit = measuredUnit
        self.terms = terms
        self.unit = unit
        self.rule = rule
        self.unitPrice = unitPrice
        self.noPrice = noPrice
    }

    var quantity: Decimal { measured / unit.measuredPerUnit }

    /// Billed quantity when this component is rounded on its own.
    var perTaskBilled: Decimal { free ? 0 : rule.billed(quantity) }

    /// "(90 s + 23 s)", "113 s", "900 tokens".
    var measuredText: String {
        if measuredUnit == .tokens { return "\(NumberText.display(measured)) tokens" }
        if terms.count > 1 { return "(" + terms.map(\.text).joined(separator: " + ") + ")" }
        if let term = terms.first { return term.text }
        return NumberText.seconds(measured)
    }

    /// Fills `item` with billed quantity, cost and the explanation.
    func priced(currency: String) -> Charge {
        var copy = self
        let billed = cycleShare?.share ?? perTaskBilled
        let cost = unitPrice.map { billed * $0 } ?? 0
        copy.item = LineItem(
            component: component, quantity: quantity, unit: unit, billedQuantity: billed, unitPrice: unitPrice,
            cost: cost, explain: explain(billed: billed, cost: cost, currency: currency), feature: feature,
            measured: measured, measuredUnit: measuredUnit, file: file
        )
        return copy
    }

    private func explain(billed: Decimal, cost: Decimal, currency: String) -> String {
        if free {
            return freeRule ?? "preview-only: free (rendering this timeline later is billed as video editing)"
        }
        var text: String
        if let share = cycleShare {
            // Per cycle: this job's figure, then the cycle's running sum and its rounding, then this job's share.
            let running =
                measuredUnit == .tokens
                ? tokenArithmetic(measured: share.runningMeasured)
                : durationArithmetic(measured: share.runningMeasured)
            let jobs = "\(share.jobsSoFar) job\(share.jobsSoFar == 1 ? "" : "s")"
            let own = share.jobsSoFar == 1 ? "" : "\(measuredText); "
            text = "\(own)cycle \(share.range) so far (\(jobs)): \(running); this job adds \(NumberText.plain(share.share))"
            text += measuredUnit == .tokens ? "" : " \(unit.label)"
        } else if measuredUnit == .tokens {
            text = tokenArithmetic(measured: measured)
            if noPrice == nil, unitPrice != nil { text += " = \(NumberText.plain(billed))" }
        } else {
            text = durationArithmetic(measured: measured)
        }
        if let noPrice {
            return text + "; no price: \(noPrice)"
        }
        guard let price = unitPrice else { return text }
        let priceText =
            measuredUnit == .tokens
            ? "\(NumberText.plain(price)) \(currency) per \(unit.label)"
            : "\(NumberText.plain(price)) \(currency)/\(unit.label)"
        text += " × \(priceText) = \(MoneyText.string(cost)) \(currency)"
        if cycleShare == nil, let hint = trimHint() { text += "; \(hint)" }
        for suffix in explainSuffix { text += " (\(suffix))" }
        return text
    }

    /// Display of a quantity in billing units: two more decimals than the rule keeps ("1.88 min", "0.3917 min"),
    /// and more where fewer would hide why it rounds the way it does (60.001 s is "1.00002 min", not "1 min").
    private func quantityText(_ value: Decimal) -> String {
        let billed = rule.billed(value)
        var places = rule.decimals + 2
        var shown = NumberText.rounded(value, places)
        while places < 10, shown != value, rule.billed(shown) != billed || shown == billed || shown == 0 {
            places += 1
            shown = NumberText.rounded(value, places)
        }
        return NumberText.grouped(NumberText.plain(shown))
    }

    /// "(90 s + 23 s) / 60 = 1.88 min → rounded up to 2 min" for this charge's own figure or a cycle's running sum.
    private func durationArithmetic(measured: Decimal) -> String {
        let quantity = measured / unit.measuredPerUnit
        let billed = rule.billed(quantity)
        let head = measured == self.measured ? measuredText : NumberText.seconds(measured)
        if measured <= 0, billed == 0 {
            return "\(head) = 0 \(unit.label): no usage, nothing billed (the minimum applies only above 0 s)"
        }
        let text = "\(head) / \(NumberText.plain(unit.measuredPerUnit)) = \(quantityText(quantity)) \(unit.label)"
        return text + roundingStep(quantity: quantity, billed: billed, label: { "\(NumberText.plain($0)) \(unit.label)" })
    }

    /// "900 tokens → rounded up to 1,000 tokens".
    private func tokenArithmetic(measured: Decimal) -> String {
        let quantity = measured / unit.measuredPerUnit
        let billed = rule.billed(quantity)
        let head = "\(NumberText.display(measured)) tokens"
        return head
            + roundingStep(
                quantity: quantity, billed: billed,
                label: {
                    "\(NumberText.display($0 * unit.measuredPerUnit)) tokens"
                })
    }

    /// " → rounded up to 2 min", " → at least 1 min", or "" when the quantity is already billable as is.
    private func roundingStep(quantity: Decimal, billed: Decimal, label: (Decimal) -> String) -> String {
        if billed == quantity { return "" }
        if let minimum = rule.minimum, billed == minimum, rule.roundedIgnoringMinimum(quantity) < minimum {
            return " → at least \(label(billed))"
        }
        switch rule.mode {
        case .up: return " → rounded up to \(label(billed))"
        case .halfUp: return " → rounded half up to \(label(billed))"
        case .none: return ""
        }
    }

    /// "trimming 0.02 s would bill 1 min instead of 2" when a billed whole unit hangs on under 2 seconds.
    private func trimHint() -> String? {
        guard measuredUnit == .seconds, rule.mode == .up, rule.decimals == 0, unit == .minute,
            !terms.contains(where: \.isBound)
        else { return nil }
        let billed = perTaskBilled
        let lower = billed - 1
        guard lower >= 1, lower >= (rule.minimum ?? 0) else { return nil }
        let excess = measured - lower * unit.measuredPerUnit
        guard excess > 0, excess < 2 else { return nil }
        return
            "trimming \(NumberText.seconds(excess)) would bill \(NumberText.plain(lower)) \(unit.label) instead of \(NumberText.plain(billed))"
    }
}

extension Pricer.Draft {
    mutating func noPrice(_ why: String) {
        unknowns.append(.noPrice(why))
        warnings.append(.noPrice(why))
    }
}

/// Order-preserving de-duplication.
func unique<T: Hashable>(_ values: [T]) -> [T] {
    var seen = Set<T>()
    return values.filter { seen.insert($0).inserted }
}

extension Money {
    /// `other` added in place, for sums whose amounts all come from one card (so from one currency): a currency
    /// mismatch here is a programming error, not data to report.
    mutating func add(_ other: Money) {
        guard let sum = adding(other) else { preconditionFailure("\(other) added to \(self): one card prices in one currency") }
        self = sum
    }
}

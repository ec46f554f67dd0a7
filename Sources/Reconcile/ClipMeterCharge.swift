import Billing
import Foundation
import Quantities

/// One priced line of one ClipMeter job, in the terms a bill row is compared in.
public struct ClipMeterCharge: Sendable, Equatable {
    /// The job it belongs to.
    public var jobID: String
    /// When the job finished (decides the period).
    public var finishedAt: Date
    /// What billing item it is.
    public var key: ItemKey
    /// Minutes or thousands of tokens.
    public var unit: UsageUnit.Kind
    /// The measured amount before rounding, in seconds or tokens.
    public var measured: Decimal
    /// The quantity billed for this line on its own (per-task rounding), in `unit`.
    public var billedQuantity: Decimal
    /// The price it was priced at when recorded.
    public var unitPrice: Decimal?
    /// Its cost when recorded.
    public var cost: Decimal
    /// True for a per-output-file line (video editing, MPS), whose usage may differ by 0.01 min per file.
    public var perFile: Bool
    /// The currency it was priced in.
    public var currency: String
}

/// ClipMeter's side of a reconciliation: charges read from ledgers (as priced jobs) or from saved scan/estimate JSON.
public struct ClipMeterSide: Sendable {
    /// Every charge, each job once.
    public var charges: [ClipMeterCharge] = []
    /// Jobs left out and why (failed jobs, planned jobs, unknown costs), for the report's warnings.
    public var warnings: [String] = []
    /// Files that could not be used.
    public var errors: [ReconcileError] = []
    private var seen: [String: String] = [:]

    public init() {}

    /// Adds the priced jobs of a bill read back from ledgers (`from` names it in messages).
    public mutating func add(_ jobs: [PricedJob], currency: String, from source: String, card: RateCard) {
        var skipped = 0
        for job in jobs {
            guard job.status == .succeeded, job.knownCost != nil, job.costLow == nil, let finished = job.finishedAt else {
                if job.status == .succeeded { skipped += 1 }
                continue
            }
            if let first = seen[job.id] {
                if first != source { warnings.append("job \(job.id) is in \(first) and \(source); counted once") }
                continue
            }
            seen[job.id] = source
            for item in job.items where item.unitPrice != nil && (item.cost != 0 || item.billedQuantity != 0) {
                charges.append(Self.charge(jobID: job.id, finishedAt: finished, item: Line(item), currency: currency, card: card))
            }
        }
        if skipped > 0 {
            warnings.append("\(source): \(skipped) job(s) without a known cost or finish time (ranges, unpriced, undated) are not compared")
        }
    }

    /// Adds the jobs of a saved `scan` or `estimate --format json` result.
    public mutating func addSavedResult(_ data: Data, file: String, card: RateCard) {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let jobs = object["jobs"] as? [Any] else {
            errors.append(
                .badClipMeterFile(
                    file: file,
                    reason: "not a saved scan or estimate JSON result (expected {currency, jobs: [...]}: run clipmeter scan --format json)")
            )
            return
        }
        let currency = JSONText.string(object["currency"]) ?? card.currency
        var skipped = 0
        for (index, entry) in jobs.enumerated() {
            guard let job = entry as? [String: Any], let id = JSONText.string(job["id"]) else {
                errors.append(.badClipMeterFile(file: "\(file) jobs[\(index)]", reason: "a job without an id"))
                continue
            }
            guard JSONText.string(job["status"]) == "succeeded" else { continue }
            guard job["costRange"] == nil, JSONText.decimal(job["cost"] as Any) != nil,
                let finishedText = JSONText.string(job["finishedAt"]),
                let finished = BillDates.withOffset(finishedText) ?? DateText.parse(finishedText)
            else {
                skipped += 1
                continue
            }
            if let first = seen[id] {
                if first != file { warnings.append("job \(id) is in \(first) and \(file); counted once") }
                continue
            }
            seen[id] = file
            for (number, raw) in ((job["items"] as? [Any]) ?? []).enumerated() {
                guard let item = raw as? [String: Any], let line = Line(item) else {
                    errors.append(
                        .badClipMeterFile(
                            file: "\(file) job \(id) items[\(number)]",
                            reason: "an item without component, unit, billedQuantity, cost and feature"))
                    continue
                }
                guard line.unitPrice != nil, line.cost != 0 || line.billedQuantity != 0 else { continue }
                charges.append(Self.charge(jobID: id, finishedAt: finished, item: line, currency: currency, card: card))
            }
        }
        if skipped > 0 {
            warnings.append(
                "\(file): \(skipped) job(s) without a known cost or finish time (planned ranges, unpriced, undated) are not compared")
        }
    }

    /// The currencies the charges are in.
    public var currencies: Set<String> { Set(charges.map(\.currency)) }

    // MARK: Lines

    /// The fields of a line item both sources carry.
    struct Line {
        var component: String
        var file: String?
        var unit: BillingUnit
        var billedQuantity: Decimal
        var unitPrice: Decimal?
        var cost: Decimal
        var feature: FeatureID
        var measured: Decimal

        init(_ item: LineItem) {
            component = item.component
            file = item.file
            unit = item.unit
            billedQuantity = item.billedQuantity
            unitPrice = item.unitPrice
            cost = item.cost
            feature = item.feature
            measured = item.measured
        }

        init?(_ item: [String: Any]) {
            guard let component = JSONText.string(item["component"]), let unitText = JSONText.string(item["unit"]),
                let unit = BillingUnit(rawValue: unitText), let billed = JSONText.decimal(item["billedQuantity"] as Any),
                let cost = JSONText.decimal(item["cost"] as Any), let featureText = JSONText.string(item["feature"]),
                let feature = FeatureID(rawValue: featureText)
            else { return nil }
            self.component = component
            file = JSONText.string(item["file"])
            self.unit = unit
            billedQuantity = billed
            unitPrice = item["unitPrice"].flatMap { JSONText.decimal($0) }
            self.cost = cost
            self.feature = feature
            measured =
                item["measured"].flatMap { JSONText.decimal($0) }
                ?? (JSONText.decimal(item["quantity"] as Any) ?? 0) * (unit == .thousandTokens ? 1000 : 60)
        }
    }

    static func charge(jobID: String, finishedAt: Date, item: Line, currency: String, card: RateCard) -> ClipMeterCharge {
        ClipMeterCharge(
            jobID: jobID, finishedAt: finishedAt, key: key(of: item, card: card),
            unit: item.unit == .thousandTokens ? .thousandTokens : .minutes, measured: item.measured,
            billedQuantity: item.billedQuantity, unitPrice: item.unitPrice, cost: item.cost, perFile: item.file != nil,
            currency: currency)
    }

    /// The billing item of a line: its feature (tokens under `text-generation`), and for a per-file line the edition,
    /// codec and tier its component names ("video-editing basic h264 HD 1920×1080: out.mp4"; "script-to-video as
    /// video-editing …" is billed as video editing).
    static func key(of item: Line, card: RateCard) -> ItemKey {
        guard let file = item.file else { return ItemKey(feature: item.feature) }
        var head = item.component
        if head.hasSuffix(": " + file) { head = String(head.dropLast(file.count + 2)) }
        var words = head.split(separator: " ").map(String.init)
        var feature = item.feature
        if !words.isEmpty { words.removeFirst() }
        if words.count >= 2, words[0] == "as" {
            feature = FeatureID(rawValue: words[1]) ?? feature
            words.removeFirst(2)
        }
        var key = ItemKey(feature: feature)
        let editions = Set(card.features[feature.rawValue]?.editions?.keys.map { $0 } ?? []).union(["basic", "professional"])
        let tiers = Set(card.tiers.map(\.name) + ["LD", "SD", "HD", "2K", "4K", "8K"])
        for word in words {
            if key.edition == nil, key.codec == nil, editions.contains(word), feature == .videoEditing {
                key.edition = word
            } else if key.codec == nil, word == "audio" || word.hasPrefix("h26") || word == "av1" || word == "vp9" {
                key.codec = word
            } else if key.tier == nil, tiers.contains(word) {
                key.tier = word
            }
        }
        return key
    }
}

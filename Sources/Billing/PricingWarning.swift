import Foundation

/// Something a priced job's reader should know, as a typed case: renderers classify by case (a boundary warning
/// is highlighted, an unverified price is listed once per bill), never by searching the words. The words live in
/// `description` alone, as GRDB's `DatabaseError` keeps its code apart from its message.
public indirect enum PricingWarning: Codable, Hashable, Sendable, CustomStringConvertible {
    /// Another duration policy would bill a different quantity (docs/contract.md: a 59.98 s picture under 60.02 s audio).
    case boundary(
        file: String?, unit: BillingUnit, policy: String, billed: Decimal, measured: Decimal,
        alternativePolicy: String, alternativeBilled: Decimal, alternativeMeasured: Decimal)
    /// A price the card marks unverified was used.
    case unverifiedPrice(
        item: String, price: Decimal, currency: String, unit: BillingUnit, card: String,
        priceDate: String?, source: String?)
    /// A rounding rule the card marks unverified was used.
    case unverifiedRounding(feature: String, rule: String, note: String?, source: String?)
    /// A part of the job has no price (the job's cost is then unknown).
    case noPrice(String)
    /// A duration feature measured 0 s: nothing is billed.
    case zeroDuration(feature: String)
    /// An output's codec is unknown and priced as H.264.
    case codecUnknown(file: String)
    /// A preview-only job without a timeline length: its outputs' duration stands in.
    case outputsStandInForTimeline
    /// The other reading of a batch's inputs bills differently (`BatchInputs`).
    case batchInputs(billed: Decimal, alternative: Decimal, currency: String, reading: BatchInputs)
    /// The low end of a range priced above the high end (a rounding rule that is not monotonic).
    case rangeInverted(low: Decimal, high: Decimal)
    /// A note carried from where the job came from (a manifest, a response, a measurement), as that layer typed it.
    case job(CarriedNote)

    /// True for the warnings a duration policy's rounding boundary raises.
    public var isBoundary: Bool {
        if case .boundary = self { return true }
        return false
    }

    /// True for warnings about the rate card itself, listed once per bill rather than once per job.
    public var concernsTheCard: Bool {
        switch self {
        case .unverifiedPrice, .unverifiedRounding: return true
        default: return false
        }
    }

    public var description: String {
        switch self {
        case let .boundary(file, unit, policy, billed, measured, alternativePolicy, alternativeBilled, alternativeMeasured):
            let what = file.map { "\($0) " } ?? ""
            return "boundary: \(what)billed \(NumberText.plain(billed)) \(unit.label) under \(policy) (\(NumberText.seconds(measured))) "
                + "but \(NumberText.plain(alternativeBilled)) \(unit.label) under \(alternativePolicy) (\(NumberText.seconds(alternativeMeasured)))"
        case let .unverifiedPrice(item, price, currency, unit, card, priceDate, source):
            let date = priceDate.map { ", price from \($0)" } ?? ""
            return "unverified price: \(item) at \(NumberText.plain(price)) \(currency)/\(unit.label) on card \(card)"
                + " is not confirmed on a current price page\(date); \(Self.check(source))"
        case let .unverifiedRounding(feature, rule, note, source):
            return "unverified rounding: \(feature) rounds \(rule)\(note.map { " (\($0))" } ?? ""); \(Self.check(source))"
        case .noPrice(let why):
            return "no price: \(why)"
        case .zeroDuration(let feature):
            return "zero duration: nothing billed for \(feature); check that the media were measured"
        case .codecUnknown(let file):
            return "\(file): output codec unknown, priced as h264"
        case .outputsStandInForTimeline:
            return "preview-only job without a timeline length: the outputs' duration stands in for it"
        case let .batchInputs(billed, alternative, currency, reading):
            let (this, other) = reading == .perBatch ? ("once per batch", "once per output") : ("once per output", "once per batch")
            return "batch inputs: \(MoneyText.string(billed)) \(currency) with the inputs counted \(this); "
                + "\(MoneyText.string(alternative)) \(currency) counted \(other)"
        case let .rangeInverted(low, high):
            return
                "range: the low bound prices higher than the high bound (\(MoneyText.string(low)) > \(MoneyText.string(high))); the higher figure is used"
        case .job(let note):
            return note.description
        }
    }

    private static func check(_ source: String?) -> String {
        "check the live price page" + (source.map { " (source: \($0))" } ?? "")
    }
}

/// A warning in the bill's list: about the rate card (listed once, whichever jobs used it) or about one job.
public enum BillWarning: Codable, Hashable, Sendable, CustomStringConvertible {
    case card(PricingWarning)
    case job(id: String, PricingWarning)

    /// The bill's entry for a job's warning: card warnings lose the job, so a bill lists each once.
    public init(job id: String, _ warning: PricingWarning) {
        self = warning.concernsTheCard ? .card(warning) : .job(id: id, warning)
    }

    /// The warning itself, whoever it concerns.
    public var warning: PricingWarning {
        switch self {
        case .card(let warning), .job(_, let warning): return warning
        }
    }

    /// The job it concerns; nil for a card warning.
    public var jobID: String? {
        if case .job(let id, _) = self { return id }
        return nil
    }

    public var description: String {
        jobID.map { "\($0): \(warning)" } ?? warning.description
    }
}

import Billing
import Foundation

/// The one JSON encoding of a priced job and its line items, built straight from their fields (`JSONEncoder`
/// was a fifth of a 2,000-job re-scan and most of the cost of recording a large bill). It has two forms that
/// differ by design and share every member:
/// - the JSON bill's (`shown`): every job has a key, the reason and warnings are in words (`Wording`), an item
///   names its file right after its component;
/// - the ledger's (`LedgerForm`), which `PricedJob.init(from:)` reads back: the key only when it is not the id,
///   warnings typed by kind, the reason as priced, an item's file last.
public enum PricedJobJSON {
    /// What differs between the two forms: the warnings (and the reason) in words, or typed for reading back.
    enum Form {
        case shown
        case stored(diagnostics: [JSONValue])
    }

    /// A priced job as the JSON bill (and each NDJSON line) shows it.
    public static func shown(_ job: PricedJob) -> JSONValue { json(job, .shown) }

    /// The job in `form`: the members are written here once and each form orders them.
    static func json(_ job: PricedJob, _ form: Form) -> JSONValue {
        let zone = job.timeZone
        func date(_ value: Date?) -> JSONValue { value.map { .string(DateText.string($0, in: zone)) } ?? .null }
        var head: [(String, JSONValue)] = [("id", .string(job.id))]
        switch form {
        case .shown: head.append(("key", .string(job.key ?? job.id)))
        case .stored: if let key = job.key { head.append(("key", .string(key))) }
        }
        head += [
            ("feature", .string(job.feature.rawValue)), ("status", .string(job.status.rawValue)),
            ("cost", job.cost.map { .string(MoneyText.string($0)) } ?? .null),
        ]
        if let low = job.costLow, let high = job.cost {
            head.append(("costRange", .object([("low", .string(MoneyText.string(low))), ("high", .string(MoneyText.string(high)))])))
        }
        var items: [(String, JSONValue)] = [("items", .array(job.items.map { item($0, form) }))]
        if !job.lowItems.isEmpty { items.append(("lowItems", .array(job.lowItems.map { item($0, form) }))) }
        let dates = [("finishedAt", date(job.finishedAt)), ("cycleStart", date(job.cycleStart))]
        switch form {
        case .shown:
            let words: [(String, JSONValue)] = [
                ("reason", Wording.reason(of: job).map { .string($0) } ?? .null),
                ("warnings", .array(Wording.warnings(of: job).map { .string($0) })),
            ]
            return .object(head + dates + words + items)
        case .stored(let diagnostics):
            return .object(head + items + [("diagnostics", .array(diagnostics))] + dates + [("reason", .string(job.reason))])
        }
    }

    /// One line item: money as strings, quantities as exact numbers (the quantity to 6 places: it is `measured`
    /// over the unit, from which reading back derives it again).
    static func item(_ item: LineItem, _ form: Form) -> JSONValue {
        let file: [(String, JSONValue)] = item.file.map { [("file", .string($0))] } ?? []
        let amounts: [(String, JSONValue)] = [
            ("quantity", .number(NumberText.rounded(item.quantity, 6).description)), ("unit", .string(item.unit.rawValue)),
            ("billedQuantity", .number(item.billedQuantity.description)),
            ("unitPrice", item.unitPrice.map { .string(MoneyText.string($0)) } ?? .null),
            ("cost", .string(MoneyText.string(item.cost))), ("explain", .string(item.explain)),
            ("feature", .string(item.feature.rawValue)), ("measured", .number(item.measured.description)),
            ("measuredUnit", .string(item.measuredUnit.rawValue)),
        ]
        let component = ("component", JSONValue.string(item.component))
        switch form {
        case .shown: return .object([component] + file + amounts)
        case .stored: return .object([component] + amounts + file)
        }
    }

    /// The ledger's form of priced jobs. Each distinct warning is encoded once and reused (they repeat across
    /// jobs: the same unverified price on every output).
    struct LedgerForm {
        private var encodedWarnings: [PricingWarning: JSONValue] = [:]
        private let encoder = JSONEncoder()

        mutating func json(_ job: PricedJob) -> JSONValue {
            PricedJobJSON.json(job, .stored(diagnostics: job.diagnostics.map { warning(for: $0) }))
        }

        private mutating func warning(for warning: PricingWarning) -> JSONValue {
            if let known = encodedWarnings[warning] { return known }
            let text = (try? encoder.encode(warning)).flatMap { String(data: $0, encoding: .utf8) }
            // Encoding a warning cannot fail (strings and numbers only); if it ever did, its words survive as a job note.
            let value: JSONValue = text.map { .raw($0) } ?? .object([("job", .object([("_0", .string(warning.description))]))])
            encodedWarnings[warning] = value
            return value
        }
    }
}

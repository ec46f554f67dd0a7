import Foundation
import Quantities

// MARK: - Rate card

/// A price list: what each feature costs, how its quantity is rounded and where each figure comes from.
/// Prices and rounding rules are data so that a new Alibaba price or rule is a card change, not a code change.
public struct RateCard: Codable, Sendable, Equatable {
    /// Short id used by `--region` and shown in bills (`cn`, `intl-singapore`, or the custom card's own id).
    public var id: String
    /// Human name of the card.
    public var name: String
    /// ISO 4217 currency of every price on the card (`CNY`, `USD`).
    public var currency: String
    /// Alibaba region the prices apply to, when the card is region-specific.
    public var region: String?
    /// Pages the prices were read from.
    public var sources: [String]
    /// Date (ISO 8601, `YYYY-MM-DD`) the prices were read.
    public var readOn: String
    /// Resolution tiers, smallest first; an output belongs to the first tier it fits (docs/contract.md, Billing).
    public var tiers: [ResolutionTier]
    /// Price entry per feature id (see `FeatureID`).
    public var features: [String: FeatureRate]
    /// Free-text remarks printed with the card.
    public var notes: [String]

    enum CodingKeys: String, CodingKey {
        case id, name, currency, region, sources, readOn, tiers, features, notes
    }

    /// Decodes a card; `tiers` and `notes` may be left out (standard tiers, no notes).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? id
        currency = try c.decode(String.self, forKey: .currency)
        region = try c.decodeIfPresent(String.self, forKey: .region)
        if let many = try? c.decode([String].self, forKey: .sources) {
            sources = many
        } else {
            sources = try c.decodeIfPresent(String.self, forKey: .sources).map { [$0] } ?? []
        }
        readOn = try c.decodeIfPresent(String.self, forKey: .readOn) ?? "unknown"
        tiers = try c.decodeIfPresent([ResolutionTier].self, forKey: .tiers) ?? ResolutionTier.standard
        features = try c.decode([String: FeatureRate].self, forKey: .features)
        notes = try c.decodeIfPresent([String].self, forKey: .notes) ?? []
    }

    /// Feature ids present on the card, in the order of `FeatureID.allCases` (unknown ones last).
    public var featureIDs: [String] {
        let known = FeatureID.allCases.map(\.rawValue).filter { features[$0] != nil }
        return known + features.keys.filter { FeatureID(rawValue: $0) == nil }.sorted()
    }
}

// MARK: - Words from a card's closed sets

/// A word a rate card must take from a closed set (a basis, a unit, a rounding mode): an unknown one is an error
/// that names the field and lists the valid words, so a typo in a card is fixed from the message alone.
public protocol CardWord: RawRepresentable, CaseIterable, Decodable, Sendable where RawValue == String {
    /// What the word is, as the error says it ("unit", "rounding mode").
    static var cardField: String { get }
}

extension CardWord {
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        let raw = try c.decode(String.self)
        guard let value = Self(rawValue: raw) else {
            let valid = Self.allCases.map(\.rawValue).joined(separator: ", ")
            throw DecodingError.dataCorruptedError(
                in: c, debugDescription: "unknown \(Self.cardField) \"\(raw)\" (expected one of: \(valid))")
        }
        self = value
    }
}

// MARK: - Features

/// Every feature id ClipMeter knows how to bill (docs/contract.md, Billing).
public enum FeatureID: String, Codable, Sendable, CaseIterable, CustomStringConvertible {
    case textGeneration = "text-generation"
    case scriptToVideo = "script-to-video"
    case imageTextMatching = "image-text-matching"
    case imageTextMatchingMovie = "image-text-matching-movie"
    case sportsHighlights = "sports-highlights"
    case highlightMashup = "highlight-mashup"
    case highlightExtraction = "highlight-extraction"
    case videoEditing = "video-editing"
    case mpsTranscode = "mps-transcode"
    case mpsRemux = "mps-remux"

    /// Billed by ApsaraVideo Media Processing rather than Intelligent Media Services.
    public var isMediaProcessing: Bool { self == .mpsTranscode || self == .mpsRemux }

    /// The id as rate cards, manifests and bills write it (`image-text-matching`).
    public var description: String { rawValue }

    /// Every id, for messages that list what is known.
    public static var known: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// What quantity a feature is billed on.
public enum BillingBasis: String, CardWord, Encodable, Sendable, CaseIterable {
    /// Tokens consumed (text generation).
    case tokens
    /// Input plus output seconds of the task (image-text matching and friends).
    case inputPlusOutputSeconds = "input-plus-output-seconds"
    /// Input seconds only (highlight extraction).
    case inputSeconds = "input-seconds"
    /// Each output file's seconds, priced by its codec and resolution tier (video editing, MPS).
    case outputFiles = "output-files"
    /// Priced as another feature (`billedAs`), e.g. script-to-video as video editing.
    case asFeature = "as-feature"

    /// How a rate card names this word in an error.

    public static let cardField = "basis"
}

/// The natural unit a component is measured in before conversion to its billing unit.
public enum MeasuredUnit: String, Codable, Sendable, CaseIterable {
    case seconds = "s"
    case tokens
}

/// The unit a quantity is billed in; converts the measured amount (seconds or tokens) into it.
public enum BillingUnit: String, CardWord, Encodable, Sendable, CaseIterable {
    case minute
    case thousandTokens = "1000-tokens"

    /// What is measured to bill in this unit.
    public var measured: MeasuredUnit { self == .thousandTokens ? .tokens : .seconds }

    /// How many measured units (seconds, tokens) make one billing unit.
    var measuredPerUnit: Decimal {
        switch self {
        case .minute: return 60
        case .thousandTokens: return 1000
        }
    }

    /// Short label for explanations and tables.
    public var label: String {
        switch self {
        case .minute: return "min"
        case .thousandTokens: return "1,000 tokens"
        }
    }

    /// How a rate card names this word in an error.

    public static let cardField = "unit"
}

/// What a preview-only task (`GeneratePreviewOnly`) is billed on.
public enum PreviewOnlyRule: String, CardWord, Encodable, Sendable, CaseIterable {
    /// Nothing is charged (script-to-video).
    case free
    /// The timeline's total length stands in for the output duration (image-text matching and friends).
    case timelineAsOutput = "timeline-as-output"

    /// How a rate card names this word in an error.

    public static let cardField = "previewOnly rule"
}

/// Prices of one edition (or of a feature without editions) by codec and tier, plus the audio-only price.
public struct PriceTable: Codable, Sendable, Equatable {
    /// Codec (`h264`, `h265`) → tier name → price per unit.
    public var codecPrices: [String: [String: Decimal]]
    /// Price per unit for audio-only outputs.
    public var audioPrice: Decimal?

    enum CodingKeys: String, CodingKey { case codecPrices, audioPrice }

    /// Decodes prices written as strings (preferred, exact) or numbers.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let raw = try c.decodeIfPresent([String: [String: FlexibleDecimal]].self, forKey: .codecPrices) ?? [:]
        // A card may spell its codecs as IMS does (`H.265`, `HEVC`): they are read by the same normaliser as
        // the outputs' codecs, so the prices are found.
        var prices: [String: [String: Decimal]] = [:]
        var spelled: [String: String] = [:]
        for (written, byTier) in raw.sorted(by: { $0.key < $1.key }) {
            let codec = VideoCodecName.normalized(written) ?? written
            if let other = spelled[codec] {
                throw DecodingError.dataCorruptedError(
                    forKey: .codecPrices, in: c,
                    debugDescription: "\"\(other)\" and \"\(written)\" both name the codec \(codec)")
            }
            spelled[codec] = written
            prices[codec] = byTier.mapValues(\.value)
        }
        codecPrices = prices
        audioPrice = try c.decodeIfPresent(FlexibleDecimal.self, forKey: .audioPrice)?.value
    }

    /// Encodes prices as strings so they stay exact.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        if !codecPrices.isEmpty {
            try c.encode(codecPrices.mapValues { $0.mapValues { MoneyText.plain($0) } }, forKey: .codecPrices)
        }
        try c.encodeIfPresent(audioPrice.map(MoneyText.plain), forKey: .audioPrice)
    }
}

/// One feature's entry on a rate card: basis, unit, price(s), rounding and provenance.
public struct FeatureRate: Codable, Sendable, Equatable {
    /// Human name, e.g. "Image-text matching (common scenarios)".
    public var name: String?
    /// What quantity is billed.
    public var basis: BillingBasis
    /// For `as-feature`: the feature whose prices and rounding apply.
    public var billedAs: String?
    /// Unit the price is per.
    public var unit: BillingUnit
    /// Flat price per unit (IMS features; MPS remux).
    public var price: Decimal?
    /// Prices by codec and tier (video editing, MPS transcoding) when the feature has no editions.
    public var prices: PriceTable?
    /// Prices per edition (video editing: `basic`, `professional`).
    public var editions: [String: PriceTable]?
    /// Edition used when the job names none.
    public var defaultEdition: String?
    /// How the quantity is rounded.
    public var rounding: RoundingRule
    /// How preview-only tasks are billed; nil means the feature ignores the flag.
    public var previewOnly: PreviewOnlyRule?
    /// False when the price could not be confirmed on a current price page; results using it carry a warning.
    public var verified: Bool
    /// When set, the card deliberately has no price for this feature and this says why.
    public var unavailable: String?
    /// Page the price was read from.
    public var source: String?
    /// Date or period the price is from, when it differs from the card's `readOn`.
    public var priceDate: String?
    /// Free-text remark.
    public var note: String?

    enum CodingKeys: String, CodingKey {
        case name, basis, billedAs, unit, price, prices, editions, defaultEdition, rounding, previewOnly, verified
        case unavailable, source, priceDate, note
    }

    /// Decodes an entry; `unit` defaults from the basis, `rounding` to whole minutes up, `verified` to true.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeIfPresent(String.self, forKey: .name)
        basis = try c.decode(BillingBasis.self, forKey: .basis)
        billedAs = try c.decodeIfPresent(String.self, forKey: .billedAs)
        unit = try c.decodeIfPresent(BillingUnit.self, forKey: .unit) ?? (basis == .tokens ? .thousandTokens : .minute)
        price = try c.decodeIfPresent(FlexibleDecimal.self, forKey: .price)?.value
        prices = try c.decodeIfPresent(PriceTable.self, forKey: .prices)
        editions = try c.decodeIfPresent([String: PriceTable].self, forKey: .editions)
        defaultEdition = try c.decodeIfPresent(String.self, forKey: .defaultEdition)
        rounding = try c.decodeIfPresent(RoundingRule.self, forKey: .rounding) ?? RoundingRule()
        previewOnly = try c.decodeIfPresent(PreviewOnlyRule.self, forKey: .previewOnly)
        verified = try c.decodeIfPresent(Bool.self, forKey: .verified) ?? true
        unavailable = try c.decodeIfPresent(String.self, forKey: .unavailable)
        source = try c.decodeIfPresent(String.self, forKey: .source)
        priceDate = try c.decodeIfPresent(String.self, forKey: .priceDate)
        note = try c.decodeIfPresent(String.self, forKey: .note)
    }

    /// Encodes the entry with prices as exact strings.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(name, forKey: .name)
        try c.encode(basis, forKey: .basis)
        try c.encodeIfPresent(billedAs, forKey: .billedAs)
        try c.encode(unit, forKey: .unit)
        try c.encodeIfPresent(price.map(MoneyText.plain), forKey: .price)
        try c.encodeIfPresent(prices, forKey: .prices)
        try c.encodeIfPresent(editions, forKey: .editions)
        try c.encodeIfPresent(defaultEdition, forKey: .defaultEdition)
        try c.encode(rounding, forKey: .rounding)
        try c.encodeIfPresent(previewOnly, forKey: .previewOnly)
        try c.encode(verified, forKey: .verified)
        try c.encodeIfPresent(unavailable, forKey: .unavailable)
        try c.encodeIfPresent(source, forKey: .source)
        try c.encodeIfPresent(priceDate, forKey: .priceDate)
        try c.encodeIfPresent(note, forKey: .note)
    }
}

// MARK: - Rounding rule

/// How a measured quantity becomes a billed quantity, in the feature's unit.
public struct RoundingRule: Codable, Sendable, Equatable {
    /// Direction of rounding.
    public enum Mode: String, CardWord, Encodable, Sendable, CaseIterable {
        /// Towards the next step (IMS: "rounded up to the nearest minute").
        case up
        /// To the nearest step, halves away from zero (MPS: "2 decimals, half up on the third").
        case halfUp = "half-up"
        /// No rounding.
        case none

        /// How a rate card names this word in an error.

        public static let cardField = "rounding mode"
    }

    /// Rounding direction.
    public var mode = Mode.up
    /// Decimal places kept in the billing unit: 0 = whole minutes / whole thousands of tokens.
    public var decimals = 0
    /// Smallest billed quantity for any usage above zero (e.g. 1 minute, 0.02 minute).
    public var minimum: Decimal? = 1
    /// Whether a measured zero is also raised to `minimum`. False by default: no usage, no charge
    /// (the same reading the issue gives for zero tokens).
    public var minimumAppliesToZero = false
    /// False when the rounding rule itself is uncertain; results using it carry a warning.
    public var verified = true
    /// Where the rule comes from or why it was chosen.
    public var note: String?

    enum CodingKeys: String, CodingKey { case mode, decimals, minimum, minimumAppliesToZero, verified, note }
}

// In an extension so that the struct keeps its synthesized memberwise initializer.
extension RoundingRule {
    /// Decodes a rule; missing fields take the IMS defaults.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        mode = try c.decodeIfPresent(Mode.self, forKey: .mode) ?? .up
        decimals = try c.decodeIfPresent(Int.self, forKey: .decimals) ?? 0
        minimum = try c.decodeIfPresent(FlexibleDecimal.self, forKey: .minimum)?.value
        minimumAppliesToZero = try c.decodeIfPresent(Bool.self, forKey: .minimumAppliesToZero) ?? false
        verified = try c.decodeIfPresent(Bool.self, forKey: .verified) ?? true
        note = try c.decodeIfPresent(String.self, forKey: .note)
    }

    /// Encodes the rule with the minimum as an exact string.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(mode, forKey: .mode)
        try c.encode(decimals, forKey: .decimals)
        try c.encodeIfPresent(minimum.map(MoneyText.plain), forKey: .minimum)
        try c.encode(minimumAppliesToZero, forKey: .minimumAppliesToZero)
        try c.encode(verified, forKey: .verified)
        try c.encodeIfPresent(note, forKey: .note)
    }

    /// The billed quantity for a measured quantity already expressed in the billing unit.
    public func billed(_ quantity: Decimal) -> Decimal {
        if quantity <= 0 {
            return minimumAppliesToZero ? (minimum ?? 0) : 0
        }
        let rounded = roundedIgnoringMinimum(quantity)
        if let minimum, rounded < minimum { return minimum }
        return rounded
    }

    /// The rounding step alone, before the minimum is applied (explanations say which of the two decided).
    func roundedIgnoringMinimum(_ quantity: Decimal) -> Decimal {
        switch mode {
        case .up: return DecimalRounding.rounded(quantity, places: decimals, .up)
        case .halfUp: return DecimalRounding.rounded(quantity, places: decimals, .halfUp)
        case .none: return quantity
        }
    }

    /// True when summing quantities before rounding can never bill more than rounding each one
    /// (rounding up is subadditive; half-up is not), so per-cycle aggregation is safe.
    var aggregatesSafely: Bool { mode == .up || mode == .none }

    /// One-line description for tables and warnings: "up to 1 min, at least 1 min", "half up to 0.01 min, at least 0.02 min".
    public func summary(unit: BillingUnit, flagUnverified: Bool = true) -> String {
        var text: String
        let step = decimals == 0 ? "1" : "0." + String(repeating: "0", count: max(decimals - 1, 0)) + "1"
        func amount(_ value: String) -> String {
            unit == .thousandTokens ? "\(value) × 1,000 tokens" : "\(value) \(unit.label)"
        }
        switch mode {
        case .up: text = unit == .thousandTokens && decimals == 0 ? "up to the next 1,000 tokens" : "up to \(amount(step))"
        case .halfUp: text = "half up to \(amount(step))"
        case .none: text = "exact"
        }
        if let minimum {
            let shown =
                unit == .thousandTokens
                ? "\(NumberText.display(minimum * unit.measuredPerUnit)) tokens" : amount(NumberText.plain(minimum))
            text += ", at least \(shown)"
        }
        if minimumAppliesToZero { text += " (even for 0)" }
        if flagUnverified, !verified { text += " [unverified]" }
        return text
    }
}

// MARK: - Resolution tiers

/// A resolution tier: a box on both the long and the short side (docs/contract.md, Billing).
public struct ResolutionTier: Codable, Sendable, Equatable {
    /// Tier name used as a price key (`LD`, `SD`, `HD`, `2K`, `4K`).
    public var name: String
    /// Largest long side in pixels.
    public var longSide: Int
    /// Largest short side in pixels.
    public var shortSide: Int

    /// The MPS/VOD tiers of docs/contract.md (Billing), smallest first.
    public static let standard: [ResolutionTier] = [
        ResolutionTier(name: "LD", longSide: 640, shortSide: 480),
        ResolutionTier(name: "SD", longSide: 1280, shortSide: 720),
        ResolutionTier(name: "HD", longSide: 1920, shortSide: 1080),
        ResolutionTier(name: "2K", longSide: 2560, shortSide: 1440),
        ResolutionTier(name: "4K", longSide: 3840, shortSide: 2160),
    ]

    /// The first tier of `tiers` a width × height output fits, ignoring orientation; nil when it fits none.
    public static func classify(width: Int, height: Int, in tiers: [ResolutionTier]) -> ResolutionTier? {
        let long = max(width, height), short = min(width, height)
        return tiers.first { long <= $0.longSide && short <= $0.shortSide }
    }
}

// MARK: - Lenient decimal

/// A Decimal read from a string (exact, preferred) or a number (YAML/JSON), never through binary rounding
/// of the printed form: a number is re-read from its shortest decimal representation.
struct FlexibleDecimal: Codable, Sendable {
    var value: Decimal

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let text = try? c.decode(String.self) {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            switch StrictDecimal.parse(trimmed) {
            case .success(let parsed): value = parsed
            case .failure(let problem): throw DecodingError.dataCorruptedError(in: c, debugDescription: "\(problem)")
            }
        } else if let int = try? c.decode(Int.self) {
            value = Decimal(int)
        } else if let double = try? c.decode(Double.self) {
            guard double.isFinite, let parsed = Decimal(string: "\(double)", locale: Locale(identifier: "en_US_POSIX")) else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a finite number: \(double)")
            }
            value = parsed
        } else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "expected a number or a numeric string")
        }
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(MoneyText.plain(value))
    }
}

import Foundation

/// The unit a bill writes usage in, and how it converts into ClipMeter's billing units (minutes, thousands of tokens):
/// multiplied by `multiplier`, divided by `divisor`, so a second is exactly 1/60 minute.
public struct UsageUnit: Sendable, Equatable {
    /// Minutes or thousands of tokens: what ClipMeter bills in.
    public enum Kind: String, Sendable { case minutes = "minute", thousandTokens = "1000-tokens" }
    /// Which of ClipMeter's units it converts into.
    public var kind: Kind
    /// Factor applied first.
    public var multiplier: Decimal
    /// Divisor applied after.
    public var divisor: Decimal

    init(_ kind: Kind, _ multiplier: Decimal = 1, per divisor: Decimal = 1) {
        self.kind = kind
        self.multiplier = multiplier
        self.divisor = divisor
    }

    /// A quantity in this unit, in ClipMeter's unit.
    public func convert(_ quantity: Decimal) -> Decimal { quantity * multiplier / divisor }

    /// A price per this unit, per ClipMeter's unit.
    public func convertPrice(_ price: Decimal) -> Decimal { price * divisor / multiplier }

    /// Reads `Minute`, `分钟`, `min`, `Second`, `秒`, `Hour`, `小时`, `Token`, `千Token`, `1000 tokens`, `万Token`;
    /// nil for anything else.
    public static func parse(_ text: String?) -> UsageUnit? {
        guard var unit = text?.lowercased().trimmingCharacters(in: .whitespaces), !unit.isEmpty else { return nil }
        unit = unit.replacingOccurrences(of: " ", with: "").replacingOccurrences(of: ",", with: "")
        if unit.contains("token") || unit.contains("词元") {
            if unit.hasPrefix("百万") || unit.hasPrefix("1000000") || unit.hasPrefix("million") { return UsageUnit(.thousandTokens, 1000) }
            if unit.hasPrefix("万") || unit.hasPrefix("10000") { return UsageUnit(.thousandTokens, 10) }
            if unit.hasPrefix("千") || unit.hasPrefix("1000") || unit.hasPrefix("k") || unit.hasPrefix("thousand") {
                return UsageUnit(.thousandTokens)
            }
            return UsageUnit(.thousandTokens, per: 1000)
        }
        switch unit {
        case "minute", "minutes", "min", "mins", "分钟", "分": return UsageUnit(.minutes)
        case "second", "seconds", "sec", "s", "秒": return UsageUnit(.minutes, per: 60)
        case "hour", "hours", "h", "小时", "时": return UsageUnit(.minutes, 60)
        default: return nil
        }
    }

    /// The unit of a price: the part after the slash of `元/分钟` or `CNY/Minute` (the whole text when there is none).
    public static func ofPrice(_ text: String?) -> UsageUnit? {
        guard let text else { return nil }
        let part = text.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? text
        return parse(part)
    }
}

import Foundation

/// The one place a `Decimal` is rounded: billing's rounding rules, explanations, JSON and tables all call it, so
/// a figure is rounded the same way wherever it is shown and `NSDecimalRound`'s in-out dance is written once.
public enum DecimalRounding {
    /// How a value is brought to a number of decimal places.
    public enum Mode: Sendable {
        /// Half away from zero (1.005 → 1.01): displays, and the rounding rules that say "half up".
        case halfUp
        /// Towards +∞ (1.001 → 1.01): the rounding rules that say "rounded up".
        case up
        /// Towards −∞.
        case down
    }

    /// `value` rounded to `places` decimals.
    public static func rounded(_ value: Decimal, places: Int, _ mode: Mode = .halfUp) -> Decimal {
        var input = value
        var output = Decimal()
        let foundation: NSDecimalNumber.RoundingMode =
            switch mode {
            case .halfUp: .plain
            case .up: .up
            case .down: .down
            }
        NSDecimalRound(&output, &input, places, foundation)
        return output
    }

    /// True when `value` has no fractional part.
    public static func isWhole(_ value: Decimal) -> Bool {
        rounded(value, places: 0, .down) == value
    }
}

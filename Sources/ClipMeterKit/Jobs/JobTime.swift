import Foundation

/// Reads the times job sources and flags carry (docs/contract.md): ISO 8601 with an offset, or without one read in the
/// billing time zone — so `2026-11-20 08:30` in a manifest means 08:30 in Shanghai unless `--timezone` says
/// otherwise.
public enum JobTime {
    /// The billing time zone when none is given (docs/contract.md, Billing).
    public static let defaultTimeZone: TimeZone = TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3600)!

    /// Parses `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS[.fraction]]` (a space may replace the `T`) followed by
    /// `Z`, `±HH:MM`, `±HHMM`, `±HH` or nothing (then read in `timeZone`). Nil when the text is not such a time
    /// or names an impossible date (`2026-02-30`).
    public static func parse(_ text: String, timeZone: TimeZone = JobTime.defaultTimeZone) -> Date? {
        let pattern = #"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$"#
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let regex = try? NSRegularExpression(pattern: pattern),
            let match = regex.firstMatch(in: trimmed, range: NSRange(trimmed.startIndex..., in: trimmed))
        else { return nil }
        func group(_ index: Int) -> String? {
            guard let range = Range(match.range(at: index), in: trimmed) else { return nil }
            return String(trimmed[range])
        }
        var components = DateComponents()
        components.year = Int(group(1)!)
        components.month = Int(group(2)!)
        components.day = Int(group(3)!)
        components.hour = group(4).flatMap(Int.init) ?? 0
        components.minute = group(5).flatMap(Int.init) ?? 0
        components.second = group(6).flatMap(Int.init) ?? 0
        if let fraction = group(7) {
            let padded = (fraction + "000000000").prefix(9)
            components.nanosecond = Int(padded)
        }
        guard let month = components.month, (1...12).contains(month),
            let day = components.day, (1...31).contains(day),
            let hour = components.hour, (0...23).contains(hour),
            let minute = components.minute, (0...59).contains(minute),
            let second = components.second, (0...60).contains(second)
        else { return nil }

        var zone = timeZone
        if let offset = group(8) {
            if offset == "Z" || offset == "z" {
                zone = TimeZone(secondsFromGMT: 0)!
            } else {
                let sign = offset.hasPrefix("-") ? -1 : 1
                let digits = offset.dropFirst().filter(\.isNumber)
                let hours = Int(digits.prefix(2)) ?? 0
                let minutes = digits.count > 2 ? Int(digits.dropFirst(2)) ?? 0 : 0
                guard hours <= 23, minutes <= 59, let fixed = TimeZone(secondsFromGMT: sign * (hours * 3600 + minutes * 60))
                else { return nil }
                zone = fixed
            }
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        components.timeZone = zone
        guard let date = calendar.date(from: components) else { return nil }
        // Reject dates the calendar rolled over (Feb 30 → Mar 2).
        let check = calendar.dateComponents([.year, .month, .day], from: date)
        guard check.year == components.year, check.month == components.month, check.day == components.day else { return nil }
        return date
    }
}

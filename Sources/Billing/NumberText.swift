import Foundation

/// Money as text: plain decimal notation, at least two decimals, more when the value has them ("0.60", "0.0651").
public enum MoneyText {
    /// `0.6` → "0.60", `0.024738` → "0.024738", `12` → "12.00".
    public static func string(_ amount: Decimal) -> String {
        let text = plain(amount)
        guard let dot = text.firstIndex(of: ".") else { return text + ".00" }
        let decimals = text.distance(from: dot, to: text.endIndex) - 1
        return decimals >= 2 ? text : text + String(repeating: "0", count: 2 - decimals)
    }

    /// Plain decimal notation without exponent or trailing zeros: `0.30` → "0.3".
    public static func plain(_ value: Decimal) -> String {
        NumberText.plain(value)
    }
}

/// Numbers as text for explanations: plain notation, optional grouping and display rounding.
public enum NumberText {
    /// Plain decimal notation (Foundation's `Decimal.description` never uses an exponent).
    public static func plain(_ value: Decimal) -> String {
        var text = value.description
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }

    /// Rounded half up to `decimals` places, trailing zeros dropped, thousands grouped: 1234.5 → "1,234.5".
    public static func display(_ value: Decimal, decimals: Int = 3) -> String {
        grouped(plain(rounded(value, decimals)))
    }

    /// Rounds half away from zero to `decimals` places.
    static func rounded(_ value: Decimal, _ decimals: Int) -> Decimal {
        var input = value
        var output = Decimal()
        NSDecimalRound(&output, &input, decimals, .plain)
        return output
    }

    /// Inserts thousands separators into the integer part of a plain number.
    static func grouped(_ text: String) -> String {
        var body = Substring(text)
        var sign = ""
        if body.hasPrefix("-") { sign = "-"; body = body.dropFirst() }
        let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let integer = Array(parts[0])
        var out = ""
        for (index, digit) in integer.enumerated() {
            if index > 0, (integer.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return sign + out + (parts.count > 1 ? "." + parts[1] : "")
    }

    /// Seconds for explanations: "90 s", "59.999 s", "0.001 s" (up to microseconds, as FFmpeg measures them).
    static func seconds(_ value: Decimal) -> String {
        let rounded = rounded(value, 6)
        if rounded == 0, value > 0 { return "\(plain(value)) s" }
        return "\(grouped(plain(rounded))) s"
    }

    /// A quantity in billing units for explanations, two decimals as in the seed ("1.88 min"); tiny values
    /// keep enough digits not to read as zero.
    static func quantity(_ value: Decimal) -> String {
        let shown = rounded(value, 2)
        if shown == 0, value > 0 { return "< 0.01" }
        return grouped(plain(shown))
    }
}

// MARK: - Dates

/// ISO 8601 with the billing zone's offset ("2024-05-01T08:00:00+08:00"), the format bills and cycles use.
enum DateText {
    static func string(_ date: Date, in zone: TimeZone) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = zone
        formatter.formatOptions = [.withInternetDateTime]
        if date.timeIntervalSince1970.rounded(.down) != date.timeIntervalSince1970 {
            formatter.formatOptions.insert(.withFractionalSeconds)
        }
        return formatter.string(from: date)
    }

    static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    /// "08:00–09:00" in the zone, for explanations.
    static func hourRange(_ start: Date, _ end: Date, in zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        func hm(_ date: Date) -> String {
            let parts = calendar.dateComponents([.hour, .minute], from: date)
            return pad(parts.hour ?? 0, 2) + ":" + pad(parts.minute ?? 0, 2)
        }
        let day = calendar.dateComponents([.year, .month, .day], from: start)
        let dayText = pad(day.year ?? 0, 4) + "-" + pad(day.month ?? 0, 2) + "-" + pad(day.day ?? 0, 2)
        return "\(dayText) \(hm(start))–\(hm(end))"
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}

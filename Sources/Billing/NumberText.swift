import Foundation
import Quantities

/// Money as text: plain decimal notation, at least two decimals, more when the value has them ("0.60", "0.0651").
public enum MoneyText {
    /// `0.6` → "0.60", `0.024738` → "0.024738", `12` → "12.00".
    public static func string(_ amount: Decimal) -> String {
        let text = plain(amount)
        guard let dot = text.firstIndex(of: ".") else { return text + ".00" }
        let decimals = text.distance(from: dot, to: text.endIndex) - 1
        return decimals >= 2 ? text : text + String(repeating: "0", count: 2 - decimals)
    }

    /// The amount of `money` as `string(_:)` writes it (the currency is the caller's to show).
    public static func string(_ money: Money) -> String { string(money.amount) }

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
    public static func rounded(_ value: Decimal, _ decimals: Int) -> Decimal {
        DecimalRounding.rounded(value, places: decimals)
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
public enum DateText {
    /// ISO 8601 with the zone's offset ("2026-11-20T08:40:00+08:00", "Z" in UTC), milliseconds only when
    /// there are any. Written by hand: a formatter per date dominated the time of a 20,000-job scan.
    ///
    /// A time whose local year would leave 0001–9999 in `zone` (9999-12-31T23:59:59Z is year 10000 in Shanghai)
    /// is written in UTC instead, so what ClipMeter prints it can always read back.
    public static func string(_ date: Date, in zone: TimeZone) -> String {
        let seconds = date.timeIntervalSince1970
        let whole = seconds.rounded(.down)
        var offset = zone.secondsFromGMT(for: date)
        if !(Self.firstSecond...Self.lastSecond).contains(whole + Double(offset)) { offset = 0 }
        var local = time_t(Int64(whole) + Int64(offset))
        var parts = tm()
        gmtime_r(&local, &parts)
        var text =
            pad(Int(parts.tm_year) + 1900, 4) + "-" + pad(Int(parts.tm_mon) + 1, 2) + "-" + pad(Int(parts.tm_mday), 2)
            + "T" + pad(Int(parts.tm_hour), 2) + ":" + pad(Int(parts.tm_min), 2) + ":" + pad(Int(parts.tm_sec), 2)
        if whole != seconds {
            text += "." + pad(min(999, Int(((seconds - whole) * 1000).rounded(.down))), 3)
        }
        if offset == 0 { return text + "Z" }
        let sign = offset < 0 ? "-" : "+"
        let minutes = abs(offset) / 60
        return text + sign + pad(minutes / 60, 2) + ":" + pad(minutes % 60, 2)
    }

    private static let parsers = ParserCache()
    /// 0001-01-01T00:00:00 and 9999-12-31T23:59:59 as local seconds since 1970: the years ISO 8601 writes in four digits.
    private static let firstSecond: Double = -62_135_596_800
    private static let lastSecond: Double = 253_402_300_799

    /// Reads what `string(_:in:)` writes (and any ISO 8601 internet date-time, with or without fractions).
    public static func parse(_ text: String) -> Date? {
        parsers.parse(text)
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

/// Two ISO 8601 parsers made once and shared under a lock (making one per date is slow).
private final class ParserCache: @unchecked Sendable {
    private let lock = NSLock()
    private let fractional: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }()
    private let plain: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter
    }()

    func parse(_ text: String) -> Date? {
        lock.lock()
        defer { lock.unlock() }
        return fractional.date(from: text) ?? plain.date(from: text)
    }
}

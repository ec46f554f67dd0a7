import Billing
import Foundation
import Quantities

/// Reads saved BssOpenApi and ICE responses: the SDK's `to_map()` body or `{headers, statusCode, body}`, one page or a
/// JSON list of pages.
enum BillJSONReader {
    /// Rows and per-row errors of one JSON document; throws when the document is none of the formats.
    static func read(_ value: Any, file: String, zone: TimeZone) throws -> BillReading {
        var reading = BillReading()
        if let pages = value as? [Any] {
            guard !pages.isEmpty else { throw ReconcileError.notABill(file: file, found: "an empty JSON list") }
            for (index, page) in pages.enumerated() {
                reading.merge(try readPage(page, location: "\(file) page \(index + 1)", file: file, zone: zone))
            }
        } else {
            reading.merge(try readPage(value, location: file, file: file, zone: zone))
        }
        return reading
    }

    private static func readPage(_ value: Any, location: String, file: String, zone: TimeZone) throws -> BillReading {
        guard var body = value as? [String: Any] else {
            throw ReconcileError.notABill(file: location, found: "a JSON \(JSONText.kind(value)), not a response object")
        }
        // The SDK's response object: {headers, statusCode, body}.
        if let inner = body["body"], body["statusCode"] != nil || body["headers"] != nil {
            if let text = inner as? String, let data = text.data(using: .utf8),
                let decoded = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) as? [String: Any]
            {
                body = decoded
            } else if let decoded = inner as? [String: Any] {
                body = decoded
            } else {
                throw ReconcileError.notABill(file: location, found: "a response whose body is not a JSON object")
            }
        }
        if let data = body["Data"] as? [String: Any] {
            if let items = data["Items"] as? [Any] {
                return rows(items, source: .describeInstanceBill, data: data, location: location, zone: zone)
            }
            if let items = data["Items"] as? [String: Any], let list = items["Item"] as? [Any] {
                return rows(list, source: .queryInstanceBill, data: data, location: location, zone: zone)
            }
            if data["Items"] == nil, (data["TotalCount"] as? NSNumber)?.intValue == 0 || data["BillingCycle"] != nil {
                var empty = BillReading()
                empty.warnings.append("\(location): a bill page with no rows")
                return empty
            }
        }
        if let meter = body["Data"] as? [Any] {
            return try meterRows(meter, location: location, zone: zone)
        }
        if let success = body["Success"] as? Bool, !success || body["Data"] == nil {
            throw ReconcileError.apiError(
                file: location, code: JSONText.string(body["Code"]) ?? "no code",
                message: JSONText.string(body["Message"]) ?? "")
        }
        let keys = body.keys.sorted().prefix(8).joined(separator: ", ")
        throw ReconcileError.notABill(file: location, found: keys.isEmpty ? "an empty JSON object" : "a JSON object with keys \(keys)")
    }

    // MARK: BssOpenApi rows

    private static func rows(_ items: [Any], source: BillSource, data: [String: Any], location: String, zone: TimeZone) -> BillReading {
        var reading = BillReading()
        let cycle = JSONText.string(data["BillingCycle"])
        for (index, item) in items.enumerated() {
            let here = "\(location) row \(index + 1)"
            guard let row = item as? [String: Any] else {
                reading.errors.append(.unreadableRow(location: here, reason: "a \(JSONText.kind(item)), not a bill row"))
                continue
            }
            do {
                reading.rows.append(try billRow(row, source: source, cycle: cycle, location: here, zone: zone))
            } catch let error as ReconcileError {
                reading.errors.append(error)
            } catch {
                reading.errors.append(.unreadableRow(location: here, reason: "\(error)"))
            }
        }
        return reading
    }

    private static func billRow(_ row: [String: Any], source: BillSource, cycle: String?, location: String, zone: TimeZone) throws
        -> BillRow
    {
        func text(_ key: String) -> String? { JSONText.string(row[key]).flatMap { $0.isEmpty ? nil : $0 } }
        func number(_ key: String, required: Bool = false) throws -> Decimal? {
            guard let raw = row[key], !(raw is NSNull), JSONText.string(raw)?.isEmpty == false else {
                if required { throw ReconcileError.unreadableRow(location: location, reason: "no \(key)") }
                return nil
            }
            guard let value = JSONText.decimal(raw) else {
                throw ReconcileError.unreadableRow(location: location, reason: "\(key) \(JSONText.string(raw) ?? "?") is not a number")
            }
            return value
        }
        let period: Period
        if let dated = try BillDates.period(
            day: text("BillingDate").map { ("BillingDate", $0) }, month: (text("BillingCycle") ?? cycle).map { ("BillingCycle", $0) },
            zone: zone, location: location)
        {
            period = dated
        } else {
            throw ReconcileError.unreadableRow(location: location, reason: "no BillingDate or BillingCycle")
        }
        let deductions = Deductions(
            resourcePackage: text("DeductedByResourcePackage"), coupons: try number("DeductedByCoupons"),
            cashCoupons: try number("DeductedByCashCoupons"), prepaidCard: try number("DeductedByPrepaidCard"),
            invoiceDiscount: try number("InvoiceDiscount"))
        return BillRow(
            location: location, source: source, period: period, productCode: text("ProductCode"),
            billingItemCode: text("BillingItemCode"), billingItem: text("BillingItem"), instanceID: text("InstanceID"),
            usage: try number("Usage"), usageUnit: text("UsageUnit"), listPrice: try number("ListPrice"),
            listPriceUnit: text("ListPriceUnit"), gross: try number("PretaxGrossAmount", required: true),
            payable: try number("PretaxAmount"), deductions: deductions, currency: text("Currency"))
    }

    // MARK: ICE meters

    private static func meterRows(_ data: [Any], location: String, zone: TimeZone) throws -> BillReading {
        var reading = BillReading()
        let objects = data.compactMap { $0 as? [String: Any] }
        guard !data.isEmpty else {
            reading.warnings.append("\(location): a meter response with no rows")
            return reading
        }
        guard objects.contains(where: { $0["Time"] != nil && $0["Duration"] != nil }) else {
            throw ReconcileError.notABill(file: location, found: "a Data list whose entries have no Time and Duration")
        }
        let source: BillSource = objects.contains { $0["Specification"] != nil } ? .mediaConvertMeter : .editMeter
        // The response does not repeat the Interval it was asked for: rows an hour apart, or not all at midnight,
        // are hourly; rows at midnight a day or more apart are daily.
        let times = Set(objects.compactMap { JSONText.decimal($0["Time"] as Any).map { NSDecimalNumber(decimal: $0).int64Value } }).sorted()
        let gaps = zip(times.dropFirst(), times).map { $0 - $1 }
        let midnights = times.allSatisfy {
            Period.containing(Date(timeIntervalSince1970: TimeInterval($0)), .day, in: zone).start
                == Date(timeIntervalSince1970: TimeInterval($0))
        }
        let granularity: Granularity = midnights && (gaps.min() ?? 86400) >= 86400 && times.count > 1 ? .day : .hour
        if times.count == 1 && midnights {
            reading.warnings.append("\(location): one meter row at midnight, read as an hour (the response does not say its Interval)")
        }
        for (index, item) in data.enumerated() {
            let here = "\(location) row \(index + 1)"
            guard let row = item as? [String: Any] else {
                reading.errors.append(.unreadableRow(location: here, reason: "a \(JSONText.kind(item)), not a meter row"))
                continue
            }
            guard let time = JSONText.decimal(row["Time"] as Any), time > 0 else {
                reading.errors.append(
                    .unreadableRow(location: here, reason: "Time \(JSONText.string(row["Time"]) ?? "missing") is not an epoch time"))
                continue
            }
            guard let minutes = JSONText.decimal(row["Duration"] as Any), minutes >= 0 else {
                reading.errors.append(
                    .unreadableRow(
                        location: here, reason: "Duration \(JSONText.string(row["Duration"]) ?? "missing") is not a number of minutes"))
                continue
            }
            let profile = JSONText.string(row["Profile"]) ?? JSONText.string(row["Specification"]) ?? JSONText.string(row["Type"])
            let start = Date(timeIntervalSince1970: NSDecimalNumber(decimal: time).doubleValue)
            reading.rows.append(
                BillRow(
                    location: here, source: source, period: Period.containing(start, granularity, in: zone),
                    productCode: "ice", billingItemCode: profile, billingItem: profile, usage: minutes, usageUnit: "Minute"))
        }
        return reading
    }
}

/// Values out of `JSONSerialization`, read without losing a digit.
enum JSONText {
    /// A string, or a number's text; nil for anything else.
    static func string(_ value: Any?) -> String? {
        switch value {
        case let text as String: return text
        case let number as NSNumber: return decimal(number).map { "\($0)" }
        default: return nil
        }
    }

    /// A number written as a JSON number or as a string; nil when it is neither (booleans included).
    static func decimal(_ value: Any) -> Decimal? {
        if let text = value as? String {
            if case .success(let parsed) = StrictDecimal.parse(text.trimmingCharacters(in: .whitespaces)) { return parsed }
            return nil
        }
        guard let number = value as? NSNumber, !isBoolean(number) else { return nil }
        let double = number.doubleValue
        guard double.isFinite else { return nil }
        if double == double.rounded(), abs(double) < 1e15 { return Decimal(number.int64Value) }
        // The shortest text that reads back as the same double: what the JSON file said, for amounts of up to 15 digits.
        if case .success(let parsed) = StrictDecimal.parse("\(double)") { return parsed }
        return nil
    }

    /// `JSONSerialization` gives `true`/`false` as NSNumbers of type `c` (a JSON number is never one).
    private static func isBoolean(_ number: NSNumber) -> Bool {
        String(cString: number.objCType) == "c"
    }

    /// "object", "list", "string", "number", "null" for messages.
    static func kind(_ value: Any) -> String {
        switch value {
        case is [String: Any]: return "JSON object"
        case is [Any]: return "JSON list"
        case is String: return "string"
        case is NSNumber: return "number"
        default: return "null"
        }
    }
}

/// Bill dates read in the bill's time zone.
enum BillDates {
    /// The day a row's billing date names or, without one, the month of its billing cycle; nil when it has
    /// neither. Each comes with its column's name as the file writes it, for the error.
    static func period(
        day: (column: String, text: String)?, month: (column: String, text: String)?, zone: TimeZone, location: String
    ) throws -> Period? {
        if let day {
            guard let period = Self.day(day.text, zone: zone) else {
                throw ReconcileError.unreadableRow(location: location, reason: "\(day.column) \(day.text) is not YYYY-MM-DD")
            }
            return period
        }
        guard let month else { return nil }
        guard let period = Self.month(month.text, zone: zone) else {
            throw ReconcileError.unreadableRow(location: location, reason: "\(month.column) \(month.text) is not YYYY-MM")
        }
        return period
    }

    /// `2026-11-20` → that day.
    static func day(_ text: String, zone: TimeZone) -> Period? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "-").map { Int($0) }
        guard parts.count == 3, let y = parts[0], let m = parts[1], let d = parts[2] else { return nil }
        return date(y, m, d, 0, zone).map { Period.containing($0, .day, in: zone) }
    }

    /// `2026-11` → that month.
    static func month(_ text: String, zone: TimeZone) -> Period? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "-").map { Int($0) }
        guard parts.count == 2, let y = parts[0], let m = parts[1] else { return nil }
        return date(y, m, 1, 0, zone).map { Period.containing($0, .month, in: zone) }
    }

    /// `2026-11-20 08:00:00`, `2026-11-20T08:00:00`, `2026/11/20 08:00` (seconds optional), or ISO 8601 with an
    /// offset; without an offset read in `zone`.
    static func instant(_ text: String, zone: TimeZone) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.contains("T"), trimmed.hasSuffix("Z") || trimmed.dropFirst(11).contains(where: { $0 == "+" || $0 == "-" }),
            let date = withOffset(trimmed) ?? DateText.parse(trimmed)
        {
            return date
        }
        let normalised = trimmed.replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "/", with: "-")
        let halves = normalised.split(separator: " ", omittingEmptySubsequences: true)
        guard halves.count == 2 || halves.count == 1 else { return nil }
        let ymd = halves[0].split(separator: "-").map { Int($0) }
        let hms = halves.count == 2 ? halves[1].split(separator: ":").map { Int($0) } : [0]
        guard ymd.count == 3, let y = ymd[0], let m = ymd[1], let d = ymd[2], (1...3).contains(hms.count),
            hms.allSatisfy({ $0 != nil })
        else { return nil }
        let h = hms[0] ?? 0, minute = hms.count > 1 ? hms[1] ?? 0 : 0, second = hms.count > 2 ? hms[2] ?? 0 : 0
        guard (0...24).contains(h), (0...59).contains(minute), (0...60).contains(second),
            let base = date(y, m, d, h == 24 ? 0 : h, zone)
        else { return nil }
        return base.addingTimeInterval(TimeInterval(minute * 60 + second + (h == 24 ? 86400 : 0)))
    }

    /// `2026-11-20T08:40:00+08:00` or `…Z` (whole seconds), by arithmetic: a formatter per job was most of the time
    /// spent reading a saved scan of 20,000 jobs. Nil for any other shape (the caller falls back to the formatter).
    static func withOffset(_ text: String) -> Date? {
        let b = Array(text.utf8)
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= b.count else { return nil }
            var value = 0
            for byte in b[from..<(from + count)] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard b.count == 20 || b.count == 25, b[4] == 45, b[7] == 45, b[10] == 84, b[13] == 58, b[16] == 58,
            let y = number(0, 4), let m = number(5, 2), let d = number(8, 2), let h = number(11, 2), let mi = number(14, 2),
            let s = number(17, 2), (1...12).contains(m), (1...31).contains(d), h < 24, mi < 60, s < 60
        else { return nil }
        var offset = 0
        if b.count == 25 {
            guard b[19] == 43 || b[19] == 45, b[22] == 58, let oh = number(20, 2), let om = number(23, 2) else { return nil }
            offset = (oh * 3600 + om * 60) * (b[19] == 45 ? -1 : 1)
        } else if b[19] != 90 {
            return nil
        }
        // Days from 1970-01-01 to the civil date (proleptic Gregorian).
        let year = m <= 2 ? y - 1 : y
        let era = (year >= 0 ? year : year - 399) / 400
        let yoe = year - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146097 + doe - 719468
        return Date(timeIntervalSince1970: TimeInterval(days * 86400 + h * 3600 + mi * 60 + s - offset))
    }

    private static func date(_ y: Int, _ m: Int, _ d: Int, _ h: Int, _ zone: TimeZone) -> Date? {
        guard (1...12).contains(m), (1...31).contains(d) else { return nil }
        let components = DateComponents(year: y, month: m, day: d, hour: h)
        let calendar = Calendar.billing(zone)
        guard let date = calendar.date(from: components) else { return nil }
        // Calendar rolls 2026-02-31 over into March: such a date is not one.
        let back = calendar.dateComponents([.year, .month, .day], from: date)
        return back.year == y && back.month == m && back.day == d ? date : nil
    }
}

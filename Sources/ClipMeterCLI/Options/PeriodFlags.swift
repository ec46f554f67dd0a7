import ClipMeterKit
import Foundation

/// `--from` and `--to`: ISO 8601 instants, read in the command's time zone when they carry no offset; `--to`
/// must be later than `--from`.
struct PeriodFlags {
    var from: Date?
    var to: Date?

    init(from: String?, to: String?, timeZone: TimeZone) throws {
        self.from = try Self.instant(from, "--from", timeZone)
        self.to = try Self.instant(to, "--to", timeZone)
        if let start = self.from, let end = self.to, end <= start { throw UsageError("--to must be later than --from") }
    }

    private static func instant(_ text: String?, _ flag: String, _ zone: TimeZone) throws -> Date? {
        guard let text else { return nil }
        guard let date = JobTime.parse(text, timeZone: zone) else {
            throw UsageError("\(flag) \(text): expected ISO 8601, e.g. 2026-11-20T08:00:00+08:00")
        }
        return date
    }
}

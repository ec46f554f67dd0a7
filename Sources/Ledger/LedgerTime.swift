import Foundation

/// Converts dates to and from the integer milliseconds the ledger stores.
///
/// Integers compare exactly in SQL range queries, which floating-point seconds would not. Truncating (rather than
/// rounding) keeps a job inside the hour it finished in: 10:59:59.9996 must not become 11:00:00.000.
enum LedgerTime {
    /// Milliseconds since 1970, truncated towards the past; out-of-range dates are clamped instead of trapping.
    static func millis(_ date: Date) -> Int64 {
        // Round to whole microseconds first: a date built from "…123 ms" may sit a hair below it in binary.
        let micros = (date.timeIntervalSince1970 * 1_000_000).rounded()
        let limit = 9.0e18
        guard micros.isFinite, micros > -limit, micros < limit else {
            return micros < 0 ? Int64(-limit / 1_000) : Int64(limit / 1_000)
        }
        let whole = Int64(micros)
        return whole >= 0 ? whole / 1_000 : (whole - 999) / 1_000
    }

    /// The date for a stored millisecond count.
    static func date(_ millis: Int64) -> Date {
        Date(timeIntervalSince1970: Double(millis) / 1_000)
    }
}

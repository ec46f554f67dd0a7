import Foundation

/// Why a bill file, one of its rows, an item map or a saved ClipMeter result could not be used. Each case carries the
/// file (and row) and the cause; `description` says it in words with what to do.
public enum ReconcileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The content is none of the bill formats ClipMeter reads.
    case notABill(file: String, found: String)
    /// The file could not be opened or read (missing, a folder, too large, no permission).
    case unreadableFile(file: String, reason: String)
    /// The CSV lacks columns reconciling needs; `unrecognised` lists the headers that were not understood.
    case missingColumns(file: String, missing: [String], unrecognised: [String])
    /// The API answered with an error instead of a bill.
    case apiError(file: String, code: String, message: String)
    /// One row could not be read; the others were.
    case unreadableRow(location: String, reason: String)
    /// The same bill row appears twice (a page saved twice, or two files covering the same period).
    case overlapping(location: String, first: String, what: String)
    /// An item map file that cannot be used.
    case badItemMap(file: String, reason: String)
    /// A saved scan or estimate JSON that cannot be used.
    case badClipMeterFile(file: String, reason: String)
    /// The bill rows, or the bill and ClipMeter, are in more than one currency.
    case mixedCurrencies(currencies: [String], where: String)

    /// A short code for JSON and CSV.
    public var code: String {
        switch self {
        case .notABill: return "not-a-bill"
        case .unreadableFile: return "unreadable-file"
        case .missingColumns: return "unknown-columns"
        case .apiError: return "api-error"
        case .unreadableRow: return "unreadable-row"
        case .overlapping: return "overlapping"
        case .badItemMap: return "bad-item-map"
        case .badClipMeterFile: return "bad-clipmeter-file"
        case .mixedCurrencies: return "mixed-currencies"
        }
    }

    /// The file or row the error is about.
    public var location: String {
        switch self {
        case .notABill(let file, _), .unreadableFile(let file, _), .missingColumns(let file, _, _), .apiError(let file, _, _),
            .badItemMap(let file, _),
            .badClipMeterFile(let file, _):
            return file
        case .unreadableRow(let location, _), .overlapping(let location, _, _), .mixedCurrencies(_, let location):
            return location
        }
    }

    public var description: String {
        switch self {
        case .notABill(let file, let found):
            return "\(file): not a bill ClipMeter reads (\(found)); save a BssOpenApi DescribeInstanceBill or QueryInstanceBill "
                + "response, the itemized bill CSV, or an ICE DescribeMeterImsEditUsage / DescribeMeterImsMediaConvertUsage response"
        case .unreadableFile(let file, let reason):
            return "\(file): cannot be read: \(reason)"
        case .missingColumns(let file, let missing, let unrecognised):
            let extra = unrecognised.isEmpty ? "" : "; columns not recognised: \(unrecognised.joined(separator: ", "))"
            return "\(file): the bill CSV has no \(missing.joined(separator: ", ")) column\(missing.count == 1 ? "" : "s")\(extra); "
                + "export the itemized bill (billing-item detail) with its English or Chinese headers"
        case .apiError(let file, let code, let message):
            return
                "\(file): the saved response is an error, not a bill (\(code)\(message.isEmpty ? "" : ": \(message)")); call the API again and save its answer"
        case .unreadableRow(let location, let reason):
            return "\(location): \(reason); the row is left out of the comparison"
        case .overlapping(let location, let first, let what):
            return "\(location): \(what) is already in \(first) (a page saved twice, or two bill files covering the same period); "
                + "it is counted once — pass each page once, and one bill view per period"
        case .badItemMap(let file, let reason):
            return "item map \(file): \(reason)"
        case .badClipMeterFile(let file, let reason):
            return "\(file): \(reason)"
        case .mixedCurrencies(let currencies, let location):
            return "\(location) \(currencies.count == 2 ? "are" : "is") in \(currencies.joined(separator: " and ")): amounts in different "
                + "currencies are never compared; reconcile one currency at a time (the bill of one site, with --region or --rates for its card)"
        }
    }
}

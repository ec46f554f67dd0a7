import Foundation

/// What one or more bill files held: rows, rows that could not be read, and remarks.
public struct BillReading: Sendable {
    /// Rows read.
    public var rows: [BillRow] = []
    /// Files and rows that could not be read (exit 1), each with its place and cause.
    public var errors: [ReconcileError] = []
    /// Remarks that change no figure (columns not read, empty pages).
    public var warnings: [String] = []

    public init() {}

    /// Adds the rows, errors and remarks of another reading.
    public mutating func merge(_ other: BillReading) {
        rows += other.rows
        errors += other.errors
        warnings += other.warnings
    }
}

/// Reads a saved bill whatever its format, told from its content: a JSON response (or list of them) or the CSV.
public enum BillFile {
    /// Reads `data` (named `file` in messages) with dates in `zone`. Throws when the content is none of the formats
    /// or a CSV lacks a needed column; rows that cannot be read are errors in the reading, the rest still read.
    public static func read(_ data: Data, file: String, zone: TimeZone) throws -> BillReading {
        var bytes = data
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        guard !bytes.isEmpty, bytes.contains(where: { !$0.isWhitespaceByte }) else {
            throw ReconcileError.notABill(file: file, found: "an empty file")
        }
        guard let text = String(data: bytes, encoding: .utf8), !bytes.contains(0) else {
            throw ReconcileError.notABill(file: file, found: "binary data or text that is not UTF-8 (a GBK export? save it as UTF-8)")
        }
        let first = text.unicodeScalars.first { !CharacterSet.whitespacesAndNewlines.contains($0) }
        if first == "{" || first == "[" {
            let value: Any
            do {
                value = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [])
            } catch {
                throw ReconcileError.notABill(file: file, found: "JSON that does not parse")
            }
            return try BillJSONReader.read(value, file: file, zone: zone)
        }
        return try BillCSVReader.read(text, file: file, zone: zone)
    }
}

private extension UInt8 {
    var isWhitespaceByte: Bool { self == 0x20 || self == 0x09 || self == 0x0A || self == 0x0D }
}

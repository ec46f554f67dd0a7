import Foundation
import Quantities

/// The one CSV writer: RFC 4180 quoting, and text a spreadsheet would run as a formula neutralised. The bill,
/// FOCUS, probe, `bill --summary` and `reconcile` CSVs all go through it.
public enum CSV {
    /// One field, quoted when it must be, a formula neutralised.
    public static func field(_ value: String) -> String {
        formulaSafe(value) ?? quoted(value)
    }

    /// One field with RFC 4180 quoting alone (`reconcile`'s CSV has never neutralised formulas).
    public static func quoted(_ value: String) -> String {
        if value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return value
    }

    /// One line of fields; with `neutralizingFormulas: false`, quoted only.
    public static func row(_ fields: [String], neutralizingFormulas: Bool = true) -> String {
        fields.map(neutralizingFormulas ? field : quoted).joined(separator: ",")
    }

    /// Rows (the header first), one line each, without a trailing newline.
    public static func document(_ rows: [[String]]) -> String {
        rows.map { row($0) }.joined(separator: "\n")
    }
}

// MARK: - Formula injection

extension CSV {
    /// Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection"); tab and CR as well,
    /// since some spreadsheets drop them and then see the `=` behind.
    static let formulaTriggers: Set<Character> = ["=", "+", "-", "@", "\t", "\r"]

    /// The quoted, neutralised field for text a spreadsheet would run as a formula: a job id, file or message
    /// of `=HYPERLINK(…)` gets a `'` in front, inside the quotes. Nil when the text is safe as it is; numbers
    /// (`-0.5`, `+3`) stay numbers.
    static func formulaSafe(_ value: String) -> String? {
        guard let first = value.first, formulaTriggers.contains(first), StrictDecimal.value(value) == nil else {
            return nil
        }
        return "\"'" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

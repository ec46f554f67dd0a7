import Foundation

/// Aligns rows into columns for terminal tables; every cell is made safe for a terminal (`TerminalText`).
public enum TextTable {
    public static func render(header: [String], rows: [[String]]) -> String {
        let all = ([header] + rows).map { $0.map(TerminalText.line) }
        let columns = all.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for row in all { for (i, cell) in row.enumerated() where i < columns - 1 { widths[i] = max(widths[i], cell.count) } }
        return all.map { row in
            row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}

import Foundation

/// Input quoted back in a message, kept short: a parser's error that echoes the offending line would otherwise
/// print a 200 KB one-line YAML file (and its 200 KB caret line) whole.
public enum Excerpt {
    /// Characters kept of each line quoted.
    public static let lineLimit = 160
    /// Lines kept of a quoted message.
    public static let lineCount = 6

    /// `text` with each line cut to `lineLimit` characters (saying how many were left out) and at most
    /// `lineCount` lines.
    public static func bounded(_ text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard line.count > lineLimit else { return String(line) }
            return line.prefix(lineLimit) + "… (\(line.count - lineLimit) more characters)"
        }
        if lines.count > lineCount {
            let left = lines.count - lineCount
            lines = Array(lines.prefix(lineCount)) + ["… (\(left) more lines)"]
        }
        return lines.joined(separator: "\n")
    }
}

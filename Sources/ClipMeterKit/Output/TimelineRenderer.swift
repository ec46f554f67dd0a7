import Foundation
import Timeline

/// Prints a `TimelineLength` (`timeline`): a table of tracks and clips, or the JSON of docs/contract.md.
public enum TimelineRenderer {
    /// One row per track and per clip (span, length, source), the total, then the warnings in words.
    public static func table(_ length: TimelineLength) -> String {
        var rows: [[String]] = []
        for track in length.tracks {
            rows.append(["\(track.kind) \(track.index)", "", "", text(track.duration), ""])
            for (index, clip) in track.clips.enumerated() {
                rows.append([
                    "", "clip \(index)", "\(text(clip.start)) – \(text(clip.end))",
                    clip.start.flatMap { start in clip.end.map { text($0 - start) } } ?? "?",
                    [clip.source ?? "", clip.warnings.isEmpty ? "" : "(\(clip.warnings.count) warning(s))"]
                        .filter { !$0.isEmpty }.joined(separator: " "),
                ])
            }
        }
        var lines = [TextTable.render(header: ["TRACK", "CLIP", "SPAN (s)", "LENGTH (s)", "SOURCE"], rows: rows)]
        lines.append("Total: " + (length.duration.map { "\(SecondsFormat.text($0)) s" } ?? "unknown"))
        for warning in length.warnings { lines.append("warning: " + TerminalText.line(Wording.text(warning))) }
        return lines.joined(separator: "\n")
    }

    /// The length as JSON, its warnings in words that name the flags.
    public static func json(_ length: TimelineLength) throws -> String {
        String(decoding: try length.jsonData(naming: Wording.flag), as: UTF8.self)
    }

    private static func text(_ value: Decimal?) -> String { value.map { SecondsFormat.text($0) } ?? "?" }
}

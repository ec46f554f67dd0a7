import ArgumentParser
import ClipMeterKit
import Foundation
import MediaProbe
import Timeline

/// `clipmeter timeline FILE.json`: how long an IMS timeline renders, per track and per clip.
struct TimelineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "timeline",
        abstract: "Compute the output length of an IMS Timeline JSON file, with a per-track and per-clip breakdown.",
        discussion:
            "Clip media are measured from local paths, --media-root, --oss-map and --media-map; paths may not leave the timeline's folder and the folders named by those flags. Exit 1 when the length cannot be known, 2 when the file is not a timeline."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json }

    @OptionGroup var resolve: ResolveOptions
    @OptionGroup var timelineFlags: TimelineFlags
    @OptionGroup var measure: MeasureOptions

    @Option(name: .customLong("max-duration"), help: "OutputMediaConfig.MaxDuration: cap the length (seconds).")
    var maxDuration: String?

    @Option(help: "table (default) or json.")
    var format: Format = .table

    @Argument(help: "The Timeline JSON file.")
    var file: String

    func run() throws {
        let folder = (file as NSString).deletingLastPathComponent
        let resolver = try resolve.resolver(roots: [folder.isEmpty ? "." : folder], measure: measure)
        var options = try timelineFlags.options()
        options.maxDuration = try nonNegativeDecimal(maxDuration, "--max-duration")
        let prepared: PreparedTimeline
        do {
            prepared = try TimelineMeasurer.prepare(path: file, resolver: resolver)
        } catch {
            throw UsageError("\(error)")
        }
        let measurer = MediaMeasurer(prober: MediaProber(options: measure.probeOptions), jobs: measure.jobs)
        measurer.measure(prepared.localPaths)
        let length = TimelineMeasurer.length(of: prepared, measurer: measurer, policy: measure.durationPolicy, options: options)

        switch format {
        case .json:
            Terminal.out(String(decoding: try length.jsonData(naming: Wording.flag), as: UTF8.self))
        case .table:
            Terminal.out(Self.table(length))
        }
        if length.duration == nil { throw ExitCode(ExitStatus.inputFailed) }
    }

    static func table(_ length: TimelineLength) -> String {
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

    private static func text(_ value: Decimal?) -> String { value.map { SecondsFormat.text($0) } ?? "?" }
}

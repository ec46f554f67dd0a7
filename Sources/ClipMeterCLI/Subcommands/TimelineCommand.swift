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
        let length: TimelineLength
        do {
            length = try TimelineSession.run(
                path: file, resolver: resolver, probeOptions: measure.probeOptions, jobs: measure.jobs,
                policy: measure.durationPolicy, options: options)
        } catch {
            throw UsageError("\(error)")
        }
        Terminal.out(format == .json ? try TimelineRenderer.json(length) : TimelineRenderer.table(length))
        if length.duration == nil { throw ExitCode(ExitStatus.inputFailed) }
    }
}

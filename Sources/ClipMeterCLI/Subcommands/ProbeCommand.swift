import ArgumentParser
import ClipMeterKit
import Foundation
import MediaProbe

/// `clipmeter probe`: measure files and folders and print what FFmpeg's timestamps say.
struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Measure media files exactly (folders are searched recursively).")

    @OptionGroup var measure: MeasureOptions

    @Option(help: "table (default), json, ndjson or csv.")
    var format: ProbeWriter.Format = .table

    enum StreamInfo: String, ExpressibleByArgument, CaseIterable { case auto, decode }
    @Option(
        name: .customLong("stream-info"),
        help:
            "auto (default): decode the first frames only where the header leaves a codec parameter unknown (MP4/MOV state everything); decode: always, as ffprobe does."
    )
    var streamInfo: StreamInfo = .auto

    @Argument(help: "Files or folders to measure.")
    var paths: [String]

    func validate() throws {
        if paths.isEmpty { throw ValidationError("name at least one file or folder") }
    }

    func run() throws {
        var options = measure.probeOptions
        options.streamInfo = streamInfo == .decode ? .always : .whenNeeded
        let session = ProbeSession(paths: paths, options: options, jobs: measure.jobs, remoteJobs: measure.remoteJobs)
        var writer = ProbeWriter(
            format: format, policy: measure.durationPolicy, out: { fputs($0, stdout) }, flush: { fflush(stdout) })
        let progress = ProgressBar(total: session.files.count)
        let failures = session.run(writer: &writer, advance: progress.advance)
        progress.finish()
        writer.finish(failures: failures)
        if failures > 0 {
            Terminal.err("clipmeter: \(failures) of \(session.files.count) file(s) could not be measured")
            throw ExitCode(ExitStatus.inputFailed)
        }
    }
}

extension ProbeWriter.Format: ExpressibleByArgument {}

import ArgumentParser
import ClipMeterKit
import Foundation
import MediaProbe

/// `clipmeter probe`: measure files and folders and print what FFmpeg's timestamps say.
struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Measure media files exactly (folders are searched recursively).")

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json, ndjson, csv }

    @OptionGroup var measure: MeasureOptions

    @Option(help: "table (default), json, ndjson or csv.")
    var format: Format = .table

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
        let files = MediaFileFinder().files(in: paths)
        var options = measure.probeOptions
        options.streamInfo = streamInfo == .decode ? .always : .whenNeeded
        let prober = MediaProber(options: options)
        let report = ProbeReport(policy: measure.durationPolicy)
        let progress = ProgressBar(total: files.count)
        var failures = 0
        var rows: [[String]] = []
        var first = true

        switch format {
        case .json: fputs("[", stdout)
        case .csv: Terminal.out(ProbeReport.csvHeader)
        default: break
        }
        // Objects read in place wait on the network, not the cores: they get the larger remote pool.
        let jobs = files.contains(where: prober.readsInPlace) ? max(measure.jobs, measure.remoteJobs) : measure.jobs
        ParallelProbe(jobs: jobs, ordered: format != .ndjson).run(files, work: { prober.probe($0) }) { _, outcome in
            progress.advance()
            if outcome.error != nil { failures += 1 }
            switch format {
            case .json:
                fputs((first ? "\n  " : ",\n  ") + report.json(outcome).rendered(), stdout)
                first = false
            case .ndjson:
                Terminal.out(report.json(outcome).rendered())
                fflush(stdout)
            case .csv:
                Terminal.out(report.csv(outcome))
            case .table:
                rows.append(report.tableRow(outcome))
            }
        }
        progress.finish()
        switch format {
        case .json: fputs(files.isEmpty ? "]\n" : "\n]\n", stdout)
        case .table:
            Terminal.out(TextTable.render(header: ProbeReport.tableHeader, rows: rows))
            Terminal.out("\(files.count) file(s), \(files.count - failures) measured, \(failures) failed")
        default: break
        }
        if failures > 0 {
            Terminal.err("clipmeter: \(failures) of \(files.count) file(s) could not be measured")
            throw ExitCode(ExitStatus.inputFailed)
        }
    }
}

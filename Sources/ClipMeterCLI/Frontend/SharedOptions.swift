import ArgumentParser
import Foundation
import MediaProbe

extension ProbeMode: ExpressibleByArgument {}
extension DurationPolicy: ExpressibleByArgument {}

/// How files are measured: shared by probe, estimate, timeline and scan.
struct MeasureOptions: ParsableArguments {
    @Option(help: "auto (default): header when it came from timestamps, else exact; fast: headers only; exact: always timestamps.")
    var mode: ProbeMode = .auto

    @Option(name: .customLong("duration-policy"), help: "Which duration bills: container (default), longest-stream or video.")
    var durationPolicy: DurationPolicy = .container

    @Option(help: "Files measured at once (default: number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(name: .customLong("time-limit"), help: "Per-file time limit in seconds.")
    var timeLimit: Double = 30

    @Flag(name: .customLong("allow-network"), help: "Let FFmpeg open network URLs (off: local files only).")
    var allowNetwork = false

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        guard timeLimit > 0 else { throw ValidationError("--time-limit must be positive") }
    }

    var probeOptions: ProbeOptions { ProbeOptions(mode: mode, timeLimit: timeLimit, allowNetwork: allowNetwork) }
}

import ArgumentParser
import Foundation
import Billing
import ClipMeterKit
import MediaProbe
import OSSAccess
import Quantities
import Timeline

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

    @Flag(
        name: .customLong("allow-network"),
        help: "Let FFmpeg open network URLs, and read OSS objects no --oss-map resolves in place (off: local files only).")
    var allowNetwork = false

    @Option(
        name: .customLong("oss-endpoint"),
        help:
            "Endpoint OSS objects are read in place through (https://oss-REGION[-internal].aliyuncs.com, a gateway); implies reading unmapped OSS objects by range requests. Credentials: ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET[/SECURITY_TOKEN], none for public objects."
    )
    var ossEndpoint: String?

    @Option(name: .customLong("remote-jobs"), help: "OSS objects measured at once (default 16; they wait on the network, not the cores).")
    var remoteJobs: Int = 16

    @Option(
        help:
            "A file modified less than this many seconds before it is measured may still be syncing: its job says so, and a scan holding it stores no replay (default 2)."
    )
    var settle: Double = ScanReplay.settleSeconds

    /// A day: longer is no time limit at all, and `inf` or `1e308` would overflow the microseconds FFmpeg counts.
    static let maximumTimeLimit: Double = 86_400

    func validate() throws {
        guard (1...CountLimits.maxJobs).contains(jobs) else {
            throw ValidationError("--jobs must be between 1 and \(CountLimits.maxJobs)")
        }
        guard timeLimit.isFinite, timeLimit > 0, timeLimit <= Self.maximumTimeLimit else {
            throw ValidationError("--time-limit must be a number of seconds above 0 and at most \(Int(Self.maximumTimeLimit)) (a day)")
        }
        guard (1...256).contains(remoteJobs) else { throw ValidationError("--remote-jobs must be between 1 and 256") }
        guard settle.isFinite, settle >= 0, settle <= Self.maximumTimeLimit else {
            throw ValidationError("--settle must be a number of seconds from 0 to \(Int(Self.maximumTimeLimit))")
        }
        if let ossEndpoint, OSSEndpoint(ossEndpoint) == nil {
            throw ValidationError(
                "--oss-endpoint \(ossEndpoint): expected http(s)://host[:port], e.g. https://oss-cn-hangzhou-internal.aliyuncs.com")
        }
    }

    var probeOptions: ProbeOptions {
        ProbeOptions(mode: mode, timeLimit: timeLimit, allowNetwork: allowNetwork, ossEndpoint: ossEndpoint, remoteJobs: remoteJobs)
    }
}

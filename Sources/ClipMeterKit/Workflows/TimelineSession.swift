import Foundation
import MediaProbe
import Timeline

/// `timeline`: how long an IMS timeline renders. Reads and resolves the file, measures the clips' local media and
/// computes the length, per track and per clip.
public enum TimelineSession {
    /// The length of the timeline in `path`, its clips resolved by `resolver` and measured with `probeOptions`,
    /// `jobs` at once. A file that cannot be read or is not a timeline throws.
    public static func run(
        path: String, resolver: PathResolver, probeOptions: ProbeOptions, jobs: Int, policy: DurationPolicy,
        options: TimelineOptions
    ) throws -> TimelineLength {
        let prepared = try TimelineMeasurer.prepare(path: path, resolver: resolver)
        let measurer = MediaMeasurer(prober: MediaProber(options: probeOptions), jobs: jobs)
        measurer.measure(prepared.localPaths)
        return TimelineMeasurer.length(of: prepared, measurer: measurer, policy: policy, options: options)
    }
}

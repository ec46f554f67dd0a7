import Foundation
import MediaProbe

/// `probe`: measure the media files found under some paths, in parallel, and hand each outcome to a writer.
public struct ProbeSession {
    /// The media files found, in the order they are reported.
    public let files: [String]
    private let prober: MediaProber
    private let jobs: Int

    /// Finds the files under `paths`; `jobs` probes run at once on local files, `remoteJobs` when some object is
    /// read in place (those wait on the network, not the cores).
    public init(paths: [String], options: ProbeOptions, jobs: Int, remoteJobs: Int) {
        files = MediaFileFinder().files(in: paths)
        prober = MediaProber(options: options)
        self.jobs = files.contains(where: prober.readsInPlace) ? max(jobs, remoteJobs) : jobs
    }

    /// Measures every file, writing each outcome through `writer` (and calling `advance` after each); returns how
    /// many could not be measured.
    public func run(writer: inout ProbeWriter, advance: () -> Void) -> Int {
        var failures = 0
        writer.begin()
        let prober = prober
        ParallelProbe(jobs: jobs, ordered: writer.keepsOrder).run(files, work: { prober.probe($0) }) { _, outcome in
            advance()
            if outcome.error != nil { failures += 1 }
            writer.add(outcome)
        }
        return failures
    }
}

import ArgumentParser
import Foundation
import Billing
import ClipMeterKit
import MediaProbe
import OSSAccess
import Quantities
import Timeline

/// Parses a non-negative exact decimal number of seconds or money from a flag, whole text or usage error
/// (`1-2` and `1.2.3` were once read as 1 and 1.2).
func nonNegativeDecimal(_ text: String?, _ flag: String, maximum: Decimal? = nil) throws -> Decimal? {
    guard let text else { return nil }
    switch StrictDecimal.parse(text) {
    case .failure(let problem):
        throw UsageError("\(flag) \(text): \(problem)")
    case .success(let value):
        guard value >= 0 else { throw UsageError("\(flag) \(text): expected a number ≥ 0") }
        if let maximum, value > maximum { throw UsageError("\(flag) \(text): more than the maximum of \(maximum)") }
        return value
    }
}

/// The largest values the count flags take: each bounds threads, descriptors or memory, and a number such as
/// 2^62 must be a usage error, not an attempt to start that many workers.
enum CountLimits {
    /// `--jobs`: files measured at once (each holds a thread, a descriptor and a demuxer).
    static let maxJobs = ParallelProbe.maximumJobs
    /// `--max-manifest-bytes`: 1 GiB, sixteen times the default; a source is held in memory whole.
    static let maxManifestBytes = 1 << 30
    /// `--shards` and `CLIPMETER_SHARDS`: machines sharing one tree.
    static let maxShards = 100_000
}

import Foundation
import Ledger
import MediaProbe

extension MeasurementKey {
    /// The version of how files are measured, part of every cache key: a measurement taken under rules that have
    /// since changed (2: header claims checked against the samples, TS clock jumps summed, spans the bytes cannot
    /// carry refused) is never reused, so a ledger written by an older ClipMeter cannot keep billing a figure the
    /// file cannot hold. Raise it whenever what a probe reports for the same bytes changes.
    static let measuringRules = "m2"

    /// The mode as the cache key holds it: the probe mode and the measuring rules.
    static func keyMode(_ mode: ProbeMode) -> String { "\(mode.rawValue)/\(measuringRules)" }

    /// The key of the file at `path` as it is now, nil when it cannot be stat'ed (the probe reports why).
    public static func current(path: String, mode: ProbeMode) -> MeasurementKey? {
        var info = stat()
        guard FileName.withCString(path, { stat($0, &info) }) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        let modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        let changed = Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec)
        return MeasurementKey(
            path: path, size: Int64(info.st_size), modifiedAtNanos: modified, changedAtNanos: changed,
            inode: UInt64(info.st_ino), mode: keyMode(mode))
    }

    /// The key of an OSS object read in place, from its HEAD: the ledger's key fields hold the object's
    /// identity without a schema change (path = `oss://bucket/key`, whichever endpoint or spelling named it;
    /// size; the modification and change times = a stamp of the ETag, which changes whenever the content does).
    public static func object(_ identity: ObjectIdentity, mode: ProbeMode) -> MeasurementKey {
        // An object has no change time or inode: the ETag stamp stands in for both, so a rewritten object misses.
        MeasurementKey(
            path: identity.objectURL, size: identity.size, modifiedAtNanos: identity.etagStamp,
            changedAtNanos: identity.etagStamp, inode: 0, mode: keyMode(mode))
    }
}

/// Where measurements of unchanged files are remembered between runs (the ledger), so a re-scan measures
/// nothing again.
public protocol MeasurementCache: AnyObject {
    /// Cached outcomes for the keys that have one.
    func lookup(_ keys: [MeasurementKey]) throws -> [MeasurementKey: Data]
    /// Remembers outcomes; called in batches so a killed run keeps what it finished.
    func store(_ entries: [(key: MeasurementKey, facts: Data)]) throws
}

/// A cached probe result: the measurement, or an error that will not change while the file does not
/// (a text file stays not-media); errors that may pass (time-outs, I/O, permissions) are never cached.
enum CachedOutcome: Codable {
    case measured(MediaMeasurement)
    case failed(code: String, message: String, operation: String)

    /// Error codes worth remembering for an unchanged file.
    static let stableErrors: Set<ProbeErrorCode> = [.notMedia, .truncated, .unsupported]
}

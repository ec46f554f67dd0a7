import Foundation
import MediaProbe

/// Identifies one state of one file: any change of size, modification time or probe mode measures it anew.
public struct FileKey: Hashable, Sendable {
    /// Absolute path as measured.
    public var path: String
    /// Size in bytes.
    public var size: Int64
    /// Modification time in nanoseconds since 1970.
    public var modifiedAtNanos: Int64
    /// Probe mode (`auto`, `fast`, `exact`): each mode may measure differently.
    public var mode: String

    /// A key.
    public init(path: String, size: Int64, modifiedAtNanos: Int64, mode: String) {
        self.path = path
        self.size = size
        self.modifiedAtNanos = modifiedAtNanos
        self.mode = mode
    }

    /// The key of the file at `path` as it is now, nil when it cannot be stat'ed (the probe reports why).
    public static func current(path: String, mode: ProbeMode) -> FileKey? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        let nanos = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        return FileKey(path: path, size: Int64(info.st_size), modifiedAtNanos: nanos, mode: mode.rawValue)
    }
}

/// Where measurements of unchanged files are remembered between runs (the ledger), so a re-scan measures
/// nothing again.
public protocol MeasurementCache: AnyObject {
    /// Cached outcomes for the keys that have one.
    func lookup(_ keys: [FileKey]) throws -> [FileKey: Data]
    /// Remembers outcomes; called in batches so a killed run keeps what it finished.
    func store(_ entries: [(key: FileKey, facts: Data)]) throws
}

/// A cached probe result: the measurement, or an error that will not change while the file does not
/// (a text file stays not-media); errors that may pass (time-outs, I/O, permissions) are never cached.
enum CachedOutcome: Codable {
    case measured(MediaMeasurement)
    case failed(code: String, message: String, operation: String)

    /// Error codes worth remembering for an unchanged file.
    static let stableErrors: Set<ProbeErrorCode> = [.notMedia, .truncated, .unsupported]
}

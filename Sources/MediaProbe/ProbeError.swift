import Foundation

/// The error codes of SPEC §2, stable for scripts.
public enum ProbeErrorCode: String, Codable, Sendable, CaseIterable {
    case notFound = "not-found"
    case permissionDenied = "permission-denied"
    case notMedia = "not-media"
    case truncated
    case unsupported
    case timeout
    case io
}

/// Why one file could not be measured: the path, what was being done, and FFmpeg's or the system's reason.
public struct ProbeError: Error, Codable, Sendable, CustomStringConvertible {
    public var path: String
    public var code: ProbeErrorCode
    /// What ClipMeter was doing (`stat`, `open`, `read stream info`, `scan packets`).
    public var operation: String
    public var message: String

    public init(path: String, code: ProbeErrorCode, operation: String, message: String) {
        self.path = path
        self.code = code
        self.operation = operation
        self.message = message
    }

    public var description: String { "\(path): \(code.rawValue): \(message) (while trying to \(operation))" }
}

/// One line of probe output: facts, or an error, for one path.
public struct ProbeOutcome: Sendable {
    public var path: String
    public var result: Result<MediaFacts, ProbeError>

    public init(path: String, result: Result<MediaFacts, ProbeError>) {
        self.path = path
        self.result = result
    }

    public var facts: MediaFacts? { if case .success(let f) = result { return f } else { return nil } }
    public var error: ProbeError? { if case .failure(let e) = result { return e } else { return nil } }
}

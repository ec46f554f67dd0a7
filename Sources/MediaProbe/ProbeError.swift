import Foundation

/// The error codes of docs/contract.md (Measuring), stable for scripts.
public enum ProbeErrorCode: String, Codable, Sendable, CaseIterable {
    case notFound = "not-found"
    case permissionDenied = "permission-denied"
    case notMedia = "not-media"
    case truncated
    case unsupported
    case timeout
    case io
}

/// A setting that would let ClipMeter read what it refused to. MediaProbe names the consent it lacks; the CLI
/// and the renderers name the flag that gives it, so these words never drift from the options.
public enum ProbeRemedy: Codable, Hashable, Sendable {
    /// Consent to open network URLs (only local files are opened without it).
    case allowNetwork
    /// Consent to read an OSS object in place, or a synced copy of it mapped to a local folder.
    case readObjectInPlace(ossURL: String)
}

/// Why one file could not be measured: the path, what was being done, and FFmpeg's or the system's reason.
///
/// As GRDB's `DatabaseError` does, it keeps a typed `code` (and, where a setting would help, a typed `remedy`)
/// apart from the words of `message`; scripts and callers decide by the code, never by the message.
public struct ProbeError: Error, Codable, Sendable, CustomStringConvertible {
    public var path: String
    public var code: ProbeErrorCode
    /// What ClipMeter was doing (`stat`, `open`, `read stream info`, `scan packets`).
    public var operation: String
    /// What failed and why, in words that name no command-line flag.
    public var message: String
    /// What the user could allow for the file to be read; nil when no setting would help.
    public var remedy: ProbeRemedy?

    public init(path: String, code: ProbeErrorCode, operation: String, message: String, remedy: ProbeRemedy? = nil) {
        self.path = path
        self.code = code
        self.operation = operation
        self.message = message
        self.remedy = remedy
    }

    public var description: String { "\(path): \(code.rawValue): \(message) (while trying to \(operation))" }
}

/// One line of probe output: facts, or an error, for one path.
public struct ProbeOutcome: Sendable {
    public var path: String
    public var result: Result<MediaFacts, ProbeError>

    public var facts: MediaFacts? { if case .success(let f) = result { return f } else { return nil } }
    public var error: ProbeError? { if case .failure(let e) = result { return e } else { return nil } }
}

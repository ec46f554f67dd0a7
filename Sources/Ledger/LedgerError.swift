import Foundation

/// Why a ledger could not be opened, read or written.
///
/// Every case names the ledger file, so a batch script that juggles several `--ledger` files can tell the user which
/// one to move away; `description` is the sentence the command line prints.
public enum LedgerError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file is not SQLite, is damaged (for example truncated), or is another application's database.
    /// The ledger never replaces or resets such a file: the user decides what to do with it.
    case corrupt(path: String, message: String)
    /// The file was written by a newer ClipMeter whose schema this build does not know; opening it would risk
    /// losing what the newer build recorded, so the file is left untouched.
    case newerSchema(path: String, found: Int, supported: Int)
    /// The file or its folder cannot be created, read or written: permission denied, a path component that is a
    /// file, disk full, or another process holding the ledger locked for longer than the busy timeout.
    case io(path: String, message: String)

    /// The ledger file this error is about.
    public var path: String {
        switch self {
        case .corrupt(let path, _), .newerSchema(let path, _, _), .io(let path, _):
            return path
        }
    }

    /// A user-facing sentence naming the file, what went wrong and what to do about it.
    public var description: String {
        switch self {
        case .corrupt(let path, let message):
            if Ledger.isDatabaseURL(path) {
                return "\(path) is not a ClipMeter ledger: \(message); it was left unchanged."
            }
            return "\(path) is not a ClipMeter ledger or is damaged: \(message); "
                + "move it away or pass --ledger PATH to use another file."
        case .newerSchema(let path, let found, let supported):
            return "\(path) was written by a newer ClipMeter (ledger schema \(found), this build reads up to "
                + "\(supported)); upgrade clipmeter, or pass --ledger PATH to use another file."
        case .io(let path, let message):
            if Ledger.isDatabaseURL(path) {
                return "Cannot use the ledger \(path): \(message). "
                    + "Check the server, the role and its privileges, or pass --ledger PATH or --no-ledger."
            }
            return "Cannot use the ledger \(path): \(message). "
                + "Check that its folder exists and is writable, or pass --ledger PATH or --no-ledger."
        }
    }
}

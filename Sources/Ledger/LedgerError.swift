import Foundation

/// Why a ledger could not be opened, read or written.
///
/// A case says what went wrong and carries its context (the ledger, the schema, the figures); `description` is a
/// neutral sentence naming the ledger. What the user should do about it, and which flags to pass, is chosen by the
/// caller (the command line adds that advice), as GRDB's `DatabaseError` keeps a typed code apart from its words.
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
    /// A write (`action`, for example "recording jobs") was asked of a ledger opened for reading only.
    case readOnly(path: String, action: String)
    /// Opened for reading, the ledger holds nothing yet: an empty or missing file (`schema` nil), or a PostgreSQL
    /// schema without a ledger in it.
    case holdsNoLedger(path: String, schema: String?)
    /// The PostgreSQL schema name cannot be one (PostgreSQL identifiers are 1 to 63 bytes long).
    case invalidSchemaName(path: String, schema: String)
    /// The PostgreSQL schema holds tables that are not a ClipMeter ledger's; they are left untouched.
    case foreignSchema(path: String, schema: String)
    /// The connection to the PostgreSQL server broke while doing `action`; nothing of that batch was recorded.
    case connectionLost(path: String, action: String, detail: String)
    /// The PostgreSQL role lacks a privilege it needs on `schema`: `tables` lists the tables it may not write
    /// (empty when the server refused a statement instead).
    case privilegeMissing(path: String, role: String, schema: String, tables: [String], detail: String?)
    /// The ledger file or its folder could have been written by someone else (another owner, writable by group or
    /// others, a symbolic link that would be followed to create a file): its cached measurements cannot be trusted,
    /// so it is neither read nor written.
    case untrusted(path: String, message: String)
    /// The location starts like a PostgreSQL URL but is not one; `path` is what it showed with any password removed.
    /// It is never taken for a file name.
    case malformedURL(path: String, reason: String)

    /// The ledger this error is about: a file path, or a database URL without its password.
    public var path: String {
        switch self {
        case .corrupt(let path, _), .newerSchema(let path, _, _), .io(let path, _), .readOnly(let path, _),
            .holdsNoLedger(let path, _), .invalidSchemaName(let path, _), .foreignSchema(let path, _),
            .connectionLost(let path, _, _), .privilegeMissing(let path, _, _, _, _), .untrusted(let path, _),
            .malformedURL(let path, _):
            return path
        }
    }

    /// Whether the ledger is a PostgreSQL database rather than a file.
    public var isDatabase: Bool {
        if case .malformedURL = self { return true }
        return Ledger.isDatabaseURL(path)
    }

    /// A sentence naming the ledger and what went wrong; it names no command-line flag.
    public var description: String {
        switch self {
        case .corrupt(let path, let message):
            if isDatabase {
                return "\(path) is not a ClipMeter ledger: \(message); it was left unchanged."
            }
            return "\(path) is not a ClipMeter ledger or is damaged: \(message); it was left unchanged."
        case .newerSchema(let path, let found, let supported):
            return "\(path) was written by a newer ClipMeter (ledger schema \(found), this build reads up to "
                + "\(supported)); it was left unchanged."
        case .io(let path, let message):
            return "Cannot use the ledger \(path): \(message)."
        case .readOnly(let path, let action):
            return "Cannot use the ledger \(path): \(action): it was opened read-only."
        case .holdsNoLedger(let path, let schema?):
            return "Cannot use the ledger \(path): schema \"\(schema)\" holds no ClipMeter ledger."
        case .holdsNoLedger(let path, nil):
            return "Cannot use the ledger \(path): it is empty or missing, so it holds no recorded jobs."
        case .invalidSchemaName(let path, let schema):
            return "Cannot use the ledger \(path): the schema name \"\(schema)\" is not 1 to 63 bytes long."
        case .foreignSchema(let path, let schema):
            return "\(path) is not a ClipMeter ledger: schema \"\(schema)\" holds tables that are not a ClipMeter "
                + "ledger's; it was left unchanged."
        case .connectionLost(let path, let action, let detail):
            return "Cannot use the ledger \(path): \(action): the connection to the server was lost (\(detail)); "
                + "nothing of this batch was recorded."
        case .untrusted(let path, let message):
            return "Refusing the ledger \(path): \(message); it was neither read nor written."
        case .malformedURL(let path, let reason):
            return "Cannot use the ledger \(path): it starts like a PostgreSQL URL but \(reason); it is not taken for a file name."
        case .privilegeMissing(let path, let role, let schema, let tables, let detail):
            if tables.isEmpty {
                return "Cannot use the ledger \(path): role \"\(role)\" lacks a privilege on schema \"\(schema)\""
                    + (detail.map { " (\($0))" } ?? "") + "."
            }
            return "Cannot use the ledger \(path): role \"\(role)\" may not write the ledger tables "
                + "(\(tables.map { "\(schema).\($0)" }.joined(separator: ", ")))."
        }
    }
}

/// A PostgreSQL error code (SQLSTATE): five characters whose first two name the class of the condition
/// (<https://www.postgresql.org/docs/current/errcodes-appendix.html>).
///
/// Parsed once from the server's `C` field, so the ledger decides what a failure means by its class and named
/// codes, never by comparing the text.
struct SQLState: Hashable, Sendable {
    /// The five characters as the server sent them, for messages.
    let code: String

    /// Parses a code; nil unless it is five digits or upper-case letters.
    init?(_ code: String?) {
        guard let code, code.utf8.count == 5,
            code.utf8.allSatisfy({
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0)
            })
        else { return nil }
        self.code = code
    }

    /// The classes the ledger tells apart; every other one is `.other` with its two characters.
    enum Class: Hashable, Sendable {
        /// 08: the connection could not be made or broke.
        case connectionException
        /// 25: invalid transaction state (for example a write in a read-only transaction).
        case invalidTransactionState
        /// 40: the transaction was rolled back (deadlock, serialization failure); retrying may succeed.
        case transactionRollback
        /// 42: syntax error or access rule violation (for example a missing privilege).
        case syntaxErrorOrAccessRuleViolation
        /// 53: insufficient resources (disk full, out of memory, too many connections).
        case insufficientResources
        /// 57: operator intervention (the server shutting down, a query cancelled).
        case operatorIntervention
        /// Any other class, by its two characters.
        case other(String)
    }

    /// The class: the code's first two characters.
    var `class`: Class {
        let name = String(decoding: code.utf8.prefix(2), as: UTF8.self)
        switch name {
        case "08": return .connectionException
        case "25": return .invalidTransactionState
        case "40": return .transactionRollback
        case "42": return .syntaxErrorOrAccessRuleViolation
        case "53": return .insufficientResources
        case "57": return .operatorIntervention
        default: return .other(name)
        }
    }

    // MARK: - Named codes

    static let insufficientPrivilege = SQLState(known: "42501")
    static let readOnlySQLTransaction = SQLState(known: "25006")
    static let diskFull = SQLState(known: "53100")
    static let deadlockDetected = SQLState(known: "40P01")
    static let serializationFailure = SQLState(known: "40001")
    static let adminShutdown = SQLState(known: "57P01")
    static let crashShutdown = SQLState(known: "57P02")
    static let cannotConnectNow = SQLState(known: "57P03")
    static let databaseDropped = SQLState(known: "57P04")
    static let idleSessionTimeout = SQLState(known: "57P05")

    private init(known code: String) { self.code = code }

    /// Whether the failure means the session is gone: a connection exception, or the server shutting down,
    /// refusing connections, dropping the database or ending an idle session (a cancelled query is not one).
    var meansConnectionLost: Bool {
        if self.class == .connectionException { return true }
        return [Self.adminShutdown, .crashShutdown, .cannotConnectNow, .databaseDropped, .idleSessionTimeout].contains(self)
    }

    /// Whether the transaction lost a race with another writer and may simply be run again.
    var isRetryable: Bool { self == .deadlockDetected || self == .serializationFailure }
}

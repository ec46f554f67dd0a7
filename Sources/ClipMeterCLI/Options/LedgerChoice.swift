import ClipMeterKit
import Foundation
import Ledger

/// Where the ledger is and which share of the jobs this process scans, from flags or, for machines started by a
/// scheduler, from the environment (`CLIPMETER_LEDGER`, `CLIPMETER_SHARDS`, a Kubernetes Indexed Job's
/// `JOB_COMPLETION_INDEX`).
enum LedgerChoice {
    /// The ledger location when no `--ledger` is given: a file path or a `postgres://` URL.
    static let locationVariable = "CLIPMETER_LEDGER"
    /// The PostgreSQL schema when no `--ledger-schema` is given.
    static let schemaVariable = "CLIPMETER_LEDGER_SCHEMA"
    /// The shard count for `--shard auto` when no `--shards` is given.
    static let shardsVariable = "CLIPMETER_SHARDS"
    /// Set by Kubernetes in each pod of an Indexed Job: 0 … completions − 1.
    static let indexVariable = "JOB_COMPLETION_INDEX"

    private static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// `--ledger`, else `CLIPMETER_LEDGER`, else nil (the command's own default).
    static func location(_ flag: String?) -> String? {
        if let flag { return flag }
        if let value = environment[locationVariable], !value.isEmpty { return value }
        return nil
    }

    /// `--ledger-schema`, else `CLIPMETER_LEDGER_SCHEMA`, else nil (the default schema `clipmeter`).
    static func schema(_ flag: String?) -> String? {
        if let flag { return flag }
        if let value = environment[schemaVariable], !value.isEmpty { return value }
        return nil
    }

    /// Opens a ledger; every failure is a usage error (exit 2) whose message never carries a password.
    static func open(_ location: String, schema: String?, access: Ledger.Access) throws -> Ledger {
        do {
            return try Ledger(location: location, schema: schema, access: access)
        } catch {
            throw UsageError(message(for: error))
        }
    }

    /// Opens ledgers read-only to read history: an archived ledger on a read-only disk must bill, and reading must
    /// never migrate a file, nor create an empty ledger where the user mistyped a path (`missing` says what to do;
    /// a mistyped database URL is reported by the ledger, without its password; with `urlLike: false`, a path that
    /// only starts like a URL is a missing file).
    static func openForReading(_ locations: [String], schema flag: String?, missing: String, urlLike: Bool = true) throws -> [Ledger] {
        try locations.map { location in
            let mistypedURL = urlLike && Ledger.startsLikeDatabaseURL(location)
            if !Ledger.isDatabaseURL(location) && !mistypedURL && !PathKind.isRegularFile(location) {
                throw UsageError("ledger \(location): \(missing)")
            }
            return try open(location, schema: schema(flag), access: .readOnly)
        }
    }

    /// An error in the command line's words: a ledger error's sentence followed by what to do about it, naming the
    /// flags that do it; any other error as it describes itself.
    static func message(for error: Error) -> String {
        guard let error = error as? LedgerError else { return "\(error)" }
        let advice = advice(for: error)
        return advice.isEmpty ? error.description : error.description + " " + advice
    }

    /// libpq's words when `sslmode=verify-ca`/`verify-full` finds no CA file (libpq gives no code for it).
    static let missingRootCertificate = "root certificate file"

    /// What to mount when that happens: libpq names the file it looked for, not how to provide it.
    static let caAdvice =
        "sslmode=verify-full needs the certificate of the CA that signed the server's: "
        + "put it in a file and point PGSSLROOTCERT (or sslrootcert= in the URL) at it. In Kubernetes, create the "
        + "ConfigMap clipmeter-ledger-ca with the key ca.crt; the manifests mount it at /etc/clipmeter/ledger-ca "
        + "and set PGSSLROOTCERT (docs/operations.md)."

    /// What the user can do about `error`, as the ledger module leaves it to the command line to say.
    static func advice(for error: Error) -> String {
        guard let error = error as? LedgerError else { return "" }
        let elsewhere = "or pass --ledger PATH or --no-ledger."
        switch error {
        case .corrupt:
            return error.isDatabase ? "" : "Move it away or pass --ledger PATH to use another file."
        case .newerSchema:
            return "Upgrade clipmeter, or pass --ledger PATH to use another file."
        case .io(_, let message) where error.isDatabase && message.contains(missingRootCertificate):
            return caAdvice
        case .io, .readOnly:
            return error.isDatabase
                ? "Check the server, the role and its privileges, \(elsewhere)"
                : "Check that its folder exists and is writable, \(elsewhere)"
        case .connectionLost:
            return "Run again once the server is reachable, \(elsewhere)"
        case .holdsNoLedger(_, .some):
            return "Scan into it first, or check --ledger-schema."
        case .holdsNoLedger(_, nil):
            return "Scan a folder into it first, or pass --ledger PATH."
        case .invalidSchemaName:
            return "Pass a --ledger-schema NAME of 1 to 63 bytes."
        case .foreignSchema:
            return "Pass --ledger-schema NAME to use another schema."
        case .privilegeMissing(_, _, _, let tables, _) where !tables.isEmpty:
            return "Grant it SELECT, INSERT, UPDATE, DELETE on them, or use a role that may write."
        case .privilegeMissing(_, _, let schema, _, _):
            return "Use a role that may create and write schema \"\(schema)\", \(elsewhere)"
        case .untrusted:
            return "Check who created it; if it is yours, make it your own and not writable by others (chown, chmod go-w), \(elsewhere)"
        case .malformedURL:
            return
                "Write it as postgres://USER@HOST:PORT/DATABASE (an IPv6 host in brackets), or name a file that starts with postgres: as ./postgres:…"
        }
    }

    /// `--shard K/N`, or `--shard auto`: K from `JOB_COMPLETION_INDEX` (+1) and N from `--shards`/`CLIPMETER_SHARDS`.
    static func shard(_ text: String?, shards: Int?) throws -> (k: Int, n: Int)? {
        guard let text else {
            if shards != nil { throw UsageError("--shards is only used with --shard auto") }
            return nil
        }
        guard text == "auto" else {
            if shards != nil { throw UsageError("--shards is only used with --shard auto (--shard \(text) names its own count)") }
            let parts: (k: Int, n: Int)
            do { parts = try Shard.parse(text) } catch { throw UsageError("\(error)") }
            guard parts.n <= CountLimits.maxShards else {
                throw UsageError("--shard \(text): at most \(CountLimits.maxShards) shards")
            }
            return parts
        }
        let count: Int
        if let shards {
            count = shards
        } else if let value = environment[shardsVariable] {
            guard let parsed = Int(value.trimmingCharacters(in: .whitespaces)) else {
                throw UsageError("\(shardsVariable)=\(value): expected a whole number of shards")
            }
            count = parsed
        } else {
            throw UsageError("--shard auto needs the shard count: --shards N or \(shardsVariable)=N (the Indexed Job's completions)")
        }
        guard (1...CountLimits.maxShards).contains(count) else {
            throw UsageError("the shard count must be between 1 and \(CountLimits.maxShards) (got \(count))")
        }
        guard let value = environment[indexVariable] else {
            throw UsageError(
                "--shard auto reads \(indexVariable), which is not set (Kubernetes sets it in an Indexed Job; elsewhere use --shard K/N)")
        }
        guard let index = Int(value.trimmingCharacters(in: .whitespaces)), (0..<count).contains(index) else {
            throw UsageError("\(indexVariable)=\(value): expected 0 … \(count - 1) for \(count) shard(s)")
        }
        return (k: index + 1, n: count)
    }
}

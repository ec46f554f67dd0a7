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
            throw UsageError("\(error)")
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
            do { return try Shard.parse(text) } catch { throw UsageError("\(error)") }
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
        guard count >= 1 else { throw UsageError("the shard count must be at least 1 (got \(count))") }
        guard let value = environment[indexVariable] else {
            throw UsageError("--shard auto reads \(indexVariable), which is not set (Kubernetes sets it in an Indexed Job; elsewhere use --shard K/N)")
        }
        guard let index = Int(value.trimmingCharacters(in: .whitespaces)), (0..<count).contains(index) else {
            throw UsageError("\(indexVariable)=\(value): expected 0 … \(count - 1) for \(count) shard(s)")
        }
        return (k: index + 1, n: count)
    }
}

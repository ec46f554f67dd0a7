import ArgumentParser
import ClipMeterKit
import Foundation
import Ledger

/// Where `scan` keeps its ledger and which share of the jobs it scans.
struct LedgerOptions: ParsableArguments {
    @Option(help: "Ledger file or postgres://USER@HOST:PORT/DB URL (default $CLIPMETER_LEDGER, else DIR/.clipmeter/ledger.sqlite).")
    var ledger: String?
    @OptionGroup var schema: LedgerSchemaOption
    @Flag(name: .customLong("no-ledger"), help: "Neither read nor write a ledger: measure everything, record nothing.")
    var noLedger = false
    @Option(
        help: "K/N: scan only share K of N (by job key), for N machines; or auto: K from JOB_COMPLETION_INDEX (Kubernetes Indexed Job).")
    var shard: String?
    @Option(help: "The shard count N for --shard auto (default $CLIPMETER_SHARDS).")
    var shards: Int?
    @Flag(
        name: .customLong("no-replay"),
        help: "Do the full scan even when the tree is unchanged since the same command last ran on this ledger.")
    var noReplay = false

    func validate() throws {
        if ledger != nil && noLedger { throw ValidationError("--ledger and --no-ledger are exclusive") }
    }

    /// The ledger to read and write for a scan of `directory`, nil with `--no-ledger`.
    func open(for directory: String) throws -> Ledger? {
        guard !noLedger else { return nil }
        let location = LedgerChoice.location(ledger) ?? (directory as NSString).appendingPathComponent(".clipmeter/ledger.sqlite")
        return try LedgerChoice.open(location, schema: LedgerChoice.schema(schema.ledgerSchema), access: .readWrite)
    }

    func shardParts() throws -> (k: Int, n: Int)? { try LedgerChoice.shard(shard, shards: shards) }
}

/// The ledger `estimate` reuses measurements from (an estimate records no charge).
struct EstimateLedgerOptions: ParsableArguments {
    @Option(
        help:
            "A ledger (file or postgres:// URL; default $CLIPMETER_LEDGER) whose measurements are reused and extended; an estimate records no charge."
    )
    var ledger: String?
    @OptionGroup var schema: LedgerSchemaOption

    /// The ledger named by the flag or the environment, nil when none is.
    func open() throws -> Ledger? {
        try LedgerChoice.location(ledger).map {
            try LedgerChoice.open($0, schema: LedgerChoice.schema(schema.ledgerSchema), access: .readWrite)
        }
    }
}

/// `--ledger-schema`, declared once for every command that opens a ledger so that they all word it alike.
struct LedgerSchemaOption: ParsableArguments {
    @Option(name: .customLong("ledger-schema"), help: "PostgreSQL schema of the ledger (default $CLIPMETER_LEDGER_SCHEMA, else clipmeter).")
    var ledgerSchema: String?
}

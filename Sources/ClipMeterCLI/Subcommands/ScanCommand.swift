import ArgumentParser
import Billing
import ClipMeterKit
import Foundation
import Ledger
import MediaProbe

/// `clipmeter scan DIR`: the bill of a folder tree, measured incrementally through the ledger.
struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Find the jobs in a folder tree, measure every file and print the bill per job and per hourly cycle.",
        discussion: """
            Jobs come from manifests (clipmeter.yaml, *.job.json), saved IMS responses, the folder convention
            JOB/inputs/** + JOB/outputs/**, and — with --feature — every other media file as a job of its own.
            Measurements are cached in the ledger (DIR/.clipmeter/ledger.sqlite): a re-scan measures only what changed,
            and when nothing the scan reads has changed it replays the stored bill (--no-replay does the full scan).
            Exit codes: 0 billed, 1 some file could not be measured or a job is invalid (the rest is still billed),
            2 usage error, 3 the total exceeds --max-cost.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json, ndjson, csv, focus, html }

    @Option(help: "Feature of folder-convention jobs and loose media files (e.g. video-editing, image-text-matching).")
    var feature: String?
    @Option(help: "Ledger file or postgres://USER@HOST:PORT/DB URL (default $CLIPMETER_LEDGER, else DIR/.clipmeter/ledger.sqlite).")
    var ledger: String?
    @Option(name: .customLong("ledger-schema"), help: "PostgreSQL schema of the ledger (default $CLIPMETER_LEDGER_SCHEMA, else clipmeter).")
    var ledgerSchema: String?
    @Flag(name: .customLong("no-ledger"), help: "Neither read nor write a ledger: measure everything, record nothing.")
    var noLedger = false
    @Option(help: "K/N: scan only share K of N (by job id), for N machines; or auto: K from JOB_COMPLETION_INDEX (Kubernetes Indexed Job).")
    var shard: String?
    @Option(help: "The shard count N for --shard auto (default $CLIPMETER_SHARDS).")
    var shards: Int?
    @Flag(name: .customLong("no-replay"), help: "Do the full scan even when the tree is unchanged since the same command last ran on this ledger.")
    var noReplay = false

    @OptionGroup var rateOptions: RateOptions
    @OptionGroup var pricing: PricingFlags
    @OptionGroup var measure: MeasureOptions
    @OptionGroup var resolve: ResolveOptions
    @OptionGroup var timelineFlags: TimelineFlags

    @OptionGroup var budget: BudgetOptions
    @Option(help: "table (default), json, ndjson, csv, focus (FinOps FOCUS 1.0 CSV) or html.")
    var format: Format = .table

    @Argument(help: "The folder to scan.")
    var directory: String

    func validate() throws {
        if ledger != nil && noLedger { throw ValidationError("--ledger and --no-ledger are exclusive") }
    }

    func run() throws {
        guard PathKind.isDirectory(directory) else {
            throw UsageError("\(directory): not a folder (scan takes a folder; use estimate for single files)")
        }
        let maxCost = try BillOutcome.budget(budget.maxCost)
        let shardParts = try LedgerChoice.shard(shard, shards: shards)

        let store: Ledger?
        if noLedger {
            store = nil
        } else {
            let location = LedgerChoice.location(ledger) ?? (directory as NSString).appendingPathComponent(".clipmeter/ledger.sqlite")
            store = try LedgerChoice.open(location, schema: LedgerChoice.schema(ledgerSchema), access: .readWrite)
        }

        let resolver = try resolve.resolver(roots: [directory])
        // The tree's state is taken before anything is read, so a file changing during the scan never gets a
        // stale bill replayed against its new state.
        let replay = noReplay ? nil : store.flatMap {
            ScanReplay(ledger: $0, arguments: Array(CommandLine.arguments.dropFirst()),
                       folders: resolver.readableFolders,
                       files: [rateOptions.rates].compactMap { $0 } + resolve.mediaMap.filter(PathKind.isRegularFile) + Array(resolver.mediaMap.values))
        }
        if let replay, let (status, stored) = replay.replayIfUnchanged() {
            if Terminal.showsStats {
                Terminal.err("clipmeter: nothing changed since the scan of \(DateText.string(stored.recordedAt, in: pricing.timeZone)); its bill was replayed from the ledger: 0 file(s) measured (--no-replay does the full scan)")
            }
            if status != 0 { throw ExitCode(status) }
            return
        }
        // Loaded only now: a replay needs no card (its file, or this build's bundled cards, are in the key and state).
        let card = try rateOptions.card()
        var found: FolderScan.Found
        do {
            found = try FolderScan(resolver: resolver, defaultFeature: feature, timeZone: pricing.timeZone, shard: shardParts)
                .jobs(in: directory)
        } catch {
            throw UsageError("\(error)")
        }
        let jobCount = found.jobs.count

        let measurer = MediaMeasurer(prober: MediaProber(options: measure.probeOptions), jobs: measure.jobs,
                                     cache: store.map { LedgerMeasurementCache(ledger: $0) })
        let progress = ProgressBar(total: 0)
        measurer.progress = { done, total in progress.update(done: done, total: total) }
        let settings = BillingSettings(card: card, pricing: pricing.options(policy: measure.durationPolicy),
                                       policy: measure.durationPolicy, timeline: try timelineFlags.options())
        var report = BillingRun(measurer: measurer, resolver: resolver, settings: settings)
            .price(found.jobs, title: directory, extraFailures: found.failures, timelines: found.timelines)
        progress.finish()
        // Only the priced bill is needed from here on: memory goes to rendering it, not to its sources.
        found.jobs = []
        measurer.releaseOutcomes()

        report.bill.warnings += found.notes
        if !found.unassigned.isEmpty {
            let shown = found.unassigned.prefix(3).joined(separator: ", ")
            report.bill.warnings.append("\(found.unassigned.count) media file(s) belong to no job (\(shown)\(found.unassigned.count > 3 ? ", …" : "")): pass --feature to bill each as a job, or describe them in a clipmeter.yaml")
        }
        report.bill.warnings += measurer.cacheProblems
        // A bill that `clipmeter bill` will never show is a failed run, not a warning among hundreds: the message
        // goes first on stderr, the bill is still printed, and the exit status is 2 whatever else happened.
        var recordingFailed = false
        if let store {
            do { try JobHistory.record(report.bill, in: store) } catch {
                recordingFailed = true
                Terminal.err("clipmeter: priced jobs could not be recorded in the ledger (\(error)); the bill below is not in the ledger, run the scan again once it is writable")
            }
        }

        let recorder = OutputRecorder()
        BillFormat(rawValue: format.rawValue)?.print(report, explain: budget.explain, out: recorder.out, err: recorder.err)
        var status = BillOutcome.status(report, maxCost: maxCost, err: recorder.err)
        if recordingFailed {
            status = 2
        } else {
            replay?.store(recorder, exitStatus: status)
        }
        if Terminal.showsStats {
            Terminal.err("clipmeter: \(jobCount) job(s); \(measurer.probedCount) file(s) measured, \(measurer.cachedCount) from the ledger")
        }
        if status != 0 { throw ExitCode(status) }
    }
}

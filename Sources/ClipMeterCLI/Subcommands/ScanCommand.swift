import ArgumentParser
import ClipMeterKit
import Foundation

/// `clipmeter scan DIR`: parse, replay an unchanged tree's bill or hand the scan to `ScanSession`, render.
struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Find the jobs in a folder tree, measure every file and print the bill per job and per hourly cycle.",
        discussion: """
            Jobs come from manifests (clipmeter.yaml, *.job.json), saved IMS responses, IMS request bodies, the folder \
            convention JOB/inputs/** + JOB/outputs/**, and — with --feature — every other media file as a job of its own. \
            Measurements are cached in the ledger (DIR/.clipmeter/ledger.sqlite): a re-scan measures only what changed, \
            and when nothing the scan reads has changed it replays the stored bill (--no-replay does the full scan).
            Exit codes: 0 billed, 1 some file could not be measured, a job is invalid or a cost cannot be known (the \
            rest is still billed), 2 usage error or the ledger could not record the bill, 3 the total exceeds --max-cost.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json, ndjson, csv, focus, html }

    @Option(help: "Feature of folder-convention jobs and loose media files (e.g. video-editing, image-text-matching).")
    var feature: String?
    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var rateOptions: RateOptions
    @OptionGroup var pricing: PricingFlags
    @OptionGroup var measure: MeasureOptions
    @OptionGroup var resolve: ResolveOptions
    @OptionGroup var timelineFlags: TimelineFlags
    @OptionGroup var budget: BudgetOptions
    @Option(help: "table (default), json, ndjson, csv, focus (FinOps FOCUS 1.0 CSV) or html.") var format: Format = .table
    @Argument(help: "The folder to scan.") var directory: String

    func run() throws {
        guard PathKind.isDirectory(directory) else { throw UsageError("\(directory): not a folder (scan takes a folder; use estimate for single files)") }
        let maxCost = try BillOutcome.budget(budget.maxCost)
        let shard = try ledger.shardParts()
        let store = try ledger.open(for: directory)
        let resolver = try resolve.resolver(roots: [directory], measure: measure)
        // The tree's state is taken before anything is read, so a file changing during the scan never gets a
        // stale bill replayed against its new state.
        let replay = ledger.noReplay ? nil : store.flatMap { ScanReplay(ledger: $0, arguments: Array(CommandLine.arguments.dropFirst()), folders: resolver.readableFolders,
                                                                     files: [rateOptions.rates].compactMap { $0 } + resolve.mediaMap.filter(PathKind.isRegularFile) + Array(resolver.mediaMap.values)) }
        if let replay, try replay.replayed(timeZone: pricing.timeZone) { return }
        // Loaded only now: a replay needs no card (its file, or this build's bundled cards, are in the key and state).
        let settings = BillingSettings(card: try rateOptions.card(), pricing: pricing.options(policy: measure.durationPolicy),
                                       policy: measure.durationPolicy, timeline: try timelineFlags.options())
        let request = ScanRequest(directory: directory, feature: feature, shard: shard, resolver: resolver,
                                  probe: measure.probeOptions, jobs: measure.jobs, settings: settings, settleSeconds: measure.settle,
                                  producedBy: ClipMeterVersion.text)
        let progress = ProgressBar(total: 0)
        let outcome: ScanOutcome
        do { outcome = try ScanSession.run(request, ledger: store) { progress.update(done: $0, total: $1) } } catch { throw UsageError(LedgerChoice.message(for: error)) }
        progress.finish()
        if let error = outcome.recordingError {
            // A bill `clipmeter bill` will never show is a failed run, not one warning among hundreds: said first.
            Terminal.err("clipmeter: priced jobs could not be recorded in the ledger (\(LedgerChoice.message(for: error))); the bill below is not in the ledger, run the scan again once it is writable")
        }
        let recorder = OutputRecorder()
        BillFormat(rawValue: format.rawValue)?.print(outcome.report, explain: budget.explain, out: recorder.out, err: recorder.err)
        let judged = BillOutcome.status(outcome.report, maxCost: maxCost, err: recorder.err)
        let status = outcome.recordingError == nil ? judged : ExitStatus.usage
        if outcome.recordingError == nil && !outcome.unsettled { replay?.store(recorder, exitStatus: status) }
        if Terminal.showsStats { Terminal.err("clipmeter: \(outcome.jobCount) job(s); \(outcome.measured) file(s) measured, \(outcome.fromLedger) from the ledger") }
        if status != 0 { throw ExitCode(status) }
    }
}

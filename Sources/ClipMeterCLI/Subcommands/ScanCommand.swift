import ArgumentParser
import ClipMeterKit
import Foundation

/// `clipmeter scan DIR`: parse, hand the scan to `ScanSession` with the renderer the flags choose.
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
    @OptionGroup var priced: PricingRunOptions
    @OptionGroup var account: BillingAccountOptions
    @Option(help: "table (default), json, ndjson, csv, focus (FinOps FOCUS 1.2 CSV) or html.") var format: Format = .table
    @Flag(
        help:
            "Print one JSON line of counts and totals instead of the bill (a pod's log); the failures still go to stderr, the full bill to the ledger."
    )
    var summary = false
    @Argument(help: "The folder to scan.") var directory: String

    func run() throws {
        guard PathKind.isDirectory(directory) else {
            throw UsageError("\(directory): not a folder (scan takes a folder; use estimate for single files)")
        }
        let maxCost = try BillOutcome.budget(priced.budget.maxCost)
        let billingAccount = format == .focus ? try account.account() : .unassigned
        let shard = try ledger.shardParts()
        let store = try ledger.open(for: directory)
        let resolver = try priced.resolve.resolver(roots: [directory], measure: priced.measure)
        let shown = summary ? .summary : BillFormat(rawValue: format.rawValue) ?? .table
        let status: Int32
        do {
            status = try ScanSession.scan(
                directory, resolver: resolver, shard: shard, ledger: store, replays: !ledger.noReplay,
                namedFiles: ScanSession.namedFiles(resolver, rateCard: priced.rateOptions.rates, mappingFiles: priced.resolve.mediaMap),
                timeZone: priced.pricing.timeZone, console: TerminalConsole()
            ) {
                let settings = try priced.settings()
                return ScanRequest(
                    directory: directory, feature: feature, shard: shard, resolver: resolver, probe: priced.measure.probeOptions,
                    jobs: priced.measure.jobs, settings: settings, settleSeconds: priced.measure.settle, producedBy: ClipMeterVersion.text)
            } render: { report, out, err in
                var report = report
                report.billingAccount = billingAccount
                return shown.render(report, explain: priced.budget.explain, maxCost: maxCost, out: out, err: err)
            }
        } catch let failure as ScanSession.Unscannable { throw UsageError(LedgerChoice.message(for: failure.underlying)) }
        if status != 0 { throw ExitCode(status) }
    }
}

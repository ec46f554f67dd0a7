import Billing
import Foundation
import Ledger
import MediaProbe

/// What `scan` is asked to bill.
public struct ScanRequest {
    /// The folder to scan.
    public var directory: String
    /// Feature of folder-convention jobs and loose media files.
    public var feature: String?
    /// Share K of N of the jobs (by job id), nil for all.
    public var shard: (k: Int, n: Int)?
    /// `--oss-map`, `--media-root`, `--media-map`, read limits and object reads, confined to the folder.
    public var resolver: PathResolver
    public var probe: ProbeOptions
    public var jobs: Int
    public var settings: BillingSettings
    /// `--settle`: seconds within which a modified file may still be syncing.
    public var settleSeconds: Double = 2
    /// What is pricing the jobs (ClipMeter's version and its libraries'), recorded with each job in the ledger.
    public var producedBy: String?

    public init(directory: String, feature: String?, shard: (k: Int, n: Int)?, resolver: PathResolver, probe: ProbeOptions,
                jobs: Int, settings: BillingSettings, settleSeconds: Double = 2, producedBy: String? = nil) {
        self.directory = directory
        self.feature = feature
        self.shard = shard
        self.resolver = resolver
        self.probe = probe
        self.jobs = jobs
        self.settings = settings
        self.settleSeconds = settleSeconds
        self.producedBy = producedBy
    }
}

/// What a scan produced: the report to render, whether recording it failed, and the counts for `--stats`.
public struct ScanOutcome {
    public var report: BillReport
    /// Why the priced jobs could not be recorded (a full disk, a read-only ledger): the run must then fail.
    public var recordingError: Error?
    public var jobCount: Int
    public var measured: Int
    public var fromLedger: Int
    /// A measured file may still be syncing: a replay of this bill must not be stored.
    public var unsettled: Bool
}

/// `scan` as a workflow: walk the tree once, find its jobs, measure through the ledger's cache, price, note what
/// the bill should say about the tree, record the priced jobs. The command chooses the ledger, replays an
/// unchanged tree's stored bill, and renders.
///
/// The walk comes first and is the only one: its listing is the replay's tree state (`TreeState`), taken before
/// anything is read so that a file changing during the scan never gets a stale bill replayed, and when the
/// stored bill cannot be replayed the same listing is what `run` discovers jobs and loose media in.
public enum ScanSession {
    /// The scan's one walk of `directory`. With `forReplay` it covers everything the replay state must: every
    /// folder a resolved path may come from (`--media-root`, `--oss-map` folders), hidden entries included;
    /// without, only what discovery looks at (the scanned folder, hidden entries left out).
    public static func listing(of directory: String, resolver: PathResolver, forReplay: Bool) -> TreeListing {
        TreeListing(roots: [directory] + (forReplay ? resolver.readableFolders : []), includingHidden: forReplay)
    }

    /// Files a scan reads besides its folders' trees, for the replay state: the `--rates` card, `--media-map`
    /// files of mappings (the arguments that name a regular file) and the files the mappings name.
    public static func namedFiles(_ resolver: PathResolver, rateCard: String?, mappingFiles: [String]) -> [String] {
        [rateCard].compactMap { $0 } + mappingFiles.filter { PathText.kind($0) == .file } + Array(resolver.mediaMap.values)
    }

    /// Runs the scan on `listing` (taken by `listing(of:resolver:forReplay:)`; nil walks the folder now). A folder
    /// that cannot be scanned at all throws; everything inside it that fails is a failure in the report.
    public static func run(_ request: ScanRequest, listing: consuming TreeListing? = nil, ledger: Ledger?,
                           progress: ((Int, Int) -> Void)? = nil) throws -> ScanOutcome {
        var found = try jobs(request, listing: consume listing)
        let jobCount = found.jobs.count
        let measurer = MediaMeasurer(prober: MediaProber(options: request.probe), jobs: request.jobs,
                                     cache: ledger.map { LedgerMeasurementCache(ledger: $0) })
        measurer.progress = progress
        measurer.settleSeconds = request.settleSeconds
        var report = BillingRun(measurer: measurer, resolver: request.resolver, settings: request.settings)
            .price(found.jobs, title: request.directory, extraFailures: found.failures, timelines: found.timelines)
        let unsettled = measurer.sawUnsettledFile
        // Only the priced bill is needed from here on: memory goes to rendering it, not to its sources.
        found.jobs = []
        measurer.releaseOutcomes()

        report.notes += found.notes
        if !found.unassigned.isEmpty {
            report.notes.append(.unassignedMedia(count: found.unassigned.count, examples: Array(found.unassigned.prefix(3))))
        }
        report.notes += measurer.cacheProblems.map(ReportNote.cacheProblem)
        var recordingError: Error?
        if let ledger {
            do { try JobHistory.record(report.bill, in: ledger, producedBy: request.producedBy) } catch { recordingError = error }
        }
        return ScanOutcome(report: report, recordingError: recordingError, jobCount: jobCount,
                           measured: measurer.probedCount, fromLedger: measurer.cachedCount, unsettled: unsettled)
    }

    /// The jobs of the request's folder. Takes the listing and lets it go when done: its entries (one per file)
    /// need not sit beside the measurements and the priced bill, which is where a scan's memory peaks.
    private static func jobs(_ request: ScanRequest, listing: consuming TreeListing?) throws -> FolderScan.Found {
        let scan = FolderScan(resolver: request.resolver, defaultFeature: request.feature,
                              timeZone: request.settings.pricing.timeZone, shard: request.shard)
        guard let listing = consume listing else { return try scan.jobs(in: request.directory) }
        return try scan.jobs(in: request.directory, listing: listing)
    }
}

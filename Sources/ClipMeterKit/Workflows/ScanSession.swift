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

    public init(
        directory: String, feature: String?, shard: (k: Int, n: Int)?, resolver: PathResolver, probe: ProbeOptions,
        jobs: Int, settings: BillingSettings, settleSeconds: Double = 2, producedBy: String? = nil
    ) {
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

/// `scan` as one story: walk the tree once; replay the stored bill of an unchanged tree, or find its jobs, measure
/// through the ledger's cache, price, note what the bill should say about the tree and record the priced jobs;
/// hand the report to the command's renderer and store what it printed for the next replay. The command line
/// only parses its flags, opens the ledger and chooses the renderer.
///
/// The walk comes first and is the only one: its listing is the replay's tree state (`TreeState`), taken before
/// anything is read so that a file changing during the scan never gets a stale bill replayed, and when the
/// stored bill cannot be replayed the same listing is what `run` discovers jobs and loose media in.
public enum ScanSession {
    /// The folder could not be scanned at all (an unreadable folder, a ledger that fails mid-scan): no bill.
    public struct Unscannable: Error {
        public let underlying: any Error
    }

    /// Scans `directory` and returns the exit status. `request` is made only when the stored bill cannot be
    /// replayed: loading a rate card is work a replay skips (the card's file, or this build's bundled cards, are
    /// in the replay's key and state). `render` prints the report through `out` and `err` and judges it; what it
    /// prints is stored for replay when the bill may be replayed. With `replays` false the scan always runs.
    public static func scan(
        _ directory: String, resolver: PathResolver, shard: (k: Int, n: Int)?, ledger: Ledger?, replays: Bool,
        namedFiles: [String], timeZone: TimeZone, console: any ScanConsole, request: () throws -> ScanRequest,
        render: (BillReport, _ out: (String) -> Void, _ err: (String) -> Void) -> Int32
    ) throws -> Int32 {
        let listing = Self.listing(of: directory, resolver: resolver, forReplay: ledger != nil && replays)
        let replay =
            replays
            ? ledger.flatMap { ScanReplay(ledger: $0, shard: shard, listing: listing, files: namedFiles, console: console) } : nil
        if let replay, let status = replay.replayed(timeZone: timeZone) { return status }
        let request = try request()
        let outcome: ScanOutcome
        do {
            outcome = try run(request, listing: consume listing, ledger: ledger, progress: { console.progress(done: $0, total: $1) })
        } catch { throw Unscannable(underlying: error) }
        console.progressFinished()
        return outcome.render(with: render, replay: replay, console: console)
    }

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
    public static func run(
        _ request: ScanRequest, listing: consuming TreeListing? = nil, ledger: Ledger?,
        progress: ((Int, Int) -> Void)? = nil
    ) throws -> ScanOutcome {
        var found = try jobs(request, listing: consume listing)
        let jobCount = found.jobs.count
        let measurer = MediaMeasurer(
            prober: MediaProber(options: request.probe), jobs: request.jobs,
            cache: ledger.map { LedgerMeasurementCache(ledger: $0) })
        measurer.progress = progress
        measurer.settleSeconds = request.settleSeconds
        let run = BillingRun(measurer: measurer, resolver: request.resolver, settings: request.settings)
        let stages = Staged(found.jobs)
        var report = run.price(stages.ran, title: request.directory, extraFailures: found.failures, timelines: found.timelines)
        // Plans are priced like any job, and kept apart: the bill, its cycles and the ledger are what ran.
        let plans = run.price(stages.planned, title: request.directory, timelines: found.timelines)
        report.planned = BillReport.PlannedSection(bill: plans.bill, failures: plans.failures, billedAs: stages.billedAs())
        report.pending = stages.pending.map { BillReport.PendingJob(id: $0.id, status: $0.stage.pollWord, source: $0.source) }
        if report.bill.jobs.isEmpty, let first = stages.pending.first {
            // Saved responses were found and nothing is billed: never a silent zero.
            report.failures.append(
                BillReport.Failure(
                    path: first.source, jobID: first.id, code: .invalidJob,
                    message:
                        "nothing is billed: \(stages.pending.count) job(s) found are not finished yet (status \(first.stage.pollWord)); save their responses again once they have finished"
                ))
        }
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
        return ScanOutcome(
            report: report, recordingError: recordingError, jobCount: jobCount,
            measured: measurer.probedCount, fromLedger: measurer.cachedCount, unsettled: unsettled)
    }

    /// The jobs of the request's folder. Takes the listing and lets it go when done: its entries (one per file)
    /// need not sit beside the measurements and the priced bill, which is where a scan's memory peaks.
    private static func jobs(_ request: ScanRequest, listing: consuming TreeListing?) throws -> FolderScan.Found {
        let scan = FolderScan(
            resolver: request.resolver, defaultFeature: request.feature,
            timeZone: request.settings.pricing.timeZone, shard: request.shard)
        guard let listing = consume listing else { return try scan.jobs(in: request.directory) }
        return try scan.jobs(in: request.directory, listing: listing)
    }
}

/// A scan's jobs by stage: what ran is billed, plans are priced apart, unfinished jobs are listed.
struct Staged {
    var ran: [JobSpec] = []
    var planned: [JobSpec] = []
    var pending: [JobSpec] = []

    init(_ jobs: [JobSpec]) {
        for job in jobs {
            switch job.stage {
            case .ran: ran.append(job)
            case .planned: planned.append(job)
            case .pending: pending.append(job)
            }
        }
    }

    /// For each plan, the job that ran from it, by the one sign a saved folder gives: a response of one job saved
    /// in the same folder as the body (the usual layout of a submit-then-poll script). Keys are planned job keys.
    func billedAs() -> [ByteKey: String] {
        // The response files of each folder, each with the first job it describes (a batch response lists its
        // batch first, then the failed sub-jobs it also holds).
        var responsesByFolder: [ByteKey: [ByteKey: String]] = [:]
        for job in ran where job.key.hasPrefix(JobIdentity.imsPrefix) {
            let folder = ByteKey((job.source as NSString).deletingLastPathComponent)
            if responsesByFolder[folder, default: [:]][ByteKey(job.source)] == nil {
                responsesByFolder[folder, default: [:]][ByteKey(job.source)] = job.id
            }
        }
        var result: [ByteKey: String] = [:]
        for plan in planned {
            let folder = ByteKey((plan.source as NSString).deletingLastPathComponent)
            if let files = responsesByFolder[folder], files.count == 1 { result[ByteKey(plan.key)] = files.first?.value }
        }
        return result
    }
}

extension ScanOutcome {
    /// Prints the scan's bill through `render`, stores what it printed for `replay` when it may be replayed,
    /// prints the statistics line, and returns the exit status. A bill the ledger could not record fails the run
    /// (exit 2), said first.
    fileprivate func render(
        with render: (BillReport, _ out: (String) -> Void, _ err: (String) -> Void) -> Int32, replay: ScanReplay?,
        console: any ScanConsole
    ) -> Int32 {
        if let error = recordingError {
            // A bill `clipmeter bill` will never show is a failed run, not one warning among hundreds: said first.
            console.err(
                "clipmeter: priced jobs could not be recorded in the ledger (\(console.describe(error))); the bill below is not in the ledger, run the scan again once it is writable"
            )
        }
        let recorder = OutputRecorder(console: console)
        let judged = render(report, recorder.out, recorder.err)
        let status = recordingError == nil ? judged : ExitStatus.usage
        if recordingError == nil && !unsettled { replay?.store(recorder, exitStatus: status) }
        if console.showsStats {
            console.err("clipmeter: \(jobCount) job(s); \(measured) file(s) measured, \(fromLedger) from the ledger")
        }
        return status
    }
}

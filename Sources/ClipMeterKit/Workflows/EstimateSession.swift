import Billing
import Foundation
import Ledger
import MediaProbe

/// A job described on the command line, already parsed: typed values only, no flag text.
public struct FlagJob: Sendable {
    public var id: String
    public var feature: String?
    /// Input and output paths or globs as the user typed them: the user's own, not confined to any root.
    public var inputs: [String] = []
    public var outputs: [String] = []
    public var tokens: Int?
    public var previewOnly = false
    /// A Timeline JSON file (checked to be a regular file by whoever built this).
    public var timelinePath: String?
    public var outputDuration: Decimal?
    public var status: JobStatus = .succeeded
    public var finishedAt: Date?

    public init(id: String, feature: String?) {
        self.id = id
        self.feature = feature
    }
}

/// Output facts that fill what a job leaves unsaid: the flag job's own, or defaults for the files' jobs.
public struct OutputFacts: Sendable {
    public var width: Int?
    public var height: Int?
    public var codec: String?
    public var edition: String?

    public init(width: Int? = nil, height: Int? = nil, codec: String? = nil, edition: String? = nil) {
        self.width = width
        self.height = height
        self.codec = codec
        self.edition = edition
    }
}

/// What `estimate` is asked to price.
public struct EstimateRequest: Sendable {
    /// Manifests, saved IMS responses and request bodies.
    public var sources: [String]
    /// A job described by flags (only when there are no sources).
    public var flagJob: FlagJob?
    /// `--feature`: the default of manifests, an override (with a warning) of what an IMS document implies.
    public var feature: String?
    /// `--api`: the request API of bodies without an `Action`.
    public var api: IMSRequestAPI?
    /// The flag job's output facts, or the defaults for the files' jobs.
    public var output: OutputFacts
    /// `--oss-map`, `--media-root`, `--media-map`, read limits and object reads; its roots are set here.
    public var resolver: PathResolver
    public var probe: ProbeOptions
    public var jobs: Int
    public var settings: BillingSettings
    /// `--settle`: seconds within which a modified file may still be syncing.
    public var settleSeconds: Double = 2

    public init(
        sources: [String], flagJob: FlagJob?, feature: String?, api: IMSRequestAPI?, output: OutputFacts,
        resolver: PathResolver, probe: ProbeOptions, jobs: Int, settings: BillingSettings, settleSeconds: Double = 2
    ) {
        self.sources = sources
        self.flagJob = flagJob
        self.feature = feature
        self.api = api
        self.output = output
        self.resolver = resolver
        self.probe = probe
        self.jobs = jobs
        self.settings = settings
        self.settleSeconds = settleSeconds
    }
}

/// `estimate` as a workflow: load the job sources, confine them to their own folders, measure, price.
/// The command only parses flags into an `EstimateRequest` and renders the report.
public enum EstimateSession {
    /// The priced report. A source that cannot be read at all throws its `ManifestError` (a usage error: the
    /// user named it); everything inside a readable source that fails is a failure in the report.
    /// With a `ledger`, unchanged files are answered from its measurements and new ones added to them; an
    /// estimate is no charge, so no job is recorded.
    public static func run(_ request: EstimateRequest, ledger: Ledger? = nil) throws -> BillReport {
        let cwd = FileManager.default.currentDirectoryPath
        // Media named by a manifest, response or timeline may not leave the folders the user gave.
        let named = request.sources + (request.flagJob?.timelinePath.map { [$0] } ?? [])
        let folders = named.map { ($0 as NSString).deletingLastPathComponent }.map { $0.isEmpty ? cwd : $0 }
        let resolver = request.resolver.confined(to: folders.isEmpty ? [cwd] : folders)

        var specs: [JobSpec] = []
        if let flagJob = request.flagJob { specs.append(spec(flagJob, output: request.output, resolver: resolver)) }
        for source in request.sources {
            specs += try JobFile.load(
                path: source, resolver: resolver, defaultFeature: request.feature,
                api: request.api, timeZone: request.settings.pricing.timeZone)
        }
        if !request.sources.isEmpty {
            // Output facts from flags fill what the files' jobs leave unsaid; they never override the files.
            for index in specs.indices { fill(&specs[index], from: request.output) }
        }
        let measurer = MediaMeasurer(
            prober: MediaProber(options: request.probe), jobs: request.jobs,
            cache: ledger.map { LedgerMeasurementCache(ledger: $0) })
        measurer.settleSeconds = request.settleSeconds
        return BillingRun(measurer: measurer, resolver: resolver, settings: request.settings)
            .price(specs, title: request.sources.isEmpty ? "estimate" : request.sources.joined(separator: ", "))
    }

    /// The flag job as a spec. Its paths are the user's own: resolved without confinement.
    static func spec(_ job: FlagJob, output: OutputFacts, resolver: PathResolver) -> JobSpec {
        let open = resolver.confined(to: [])
        let cwd = FileManager.default.currentDirectoryPath
        var spec = JobSpec(id: job.id, source: "command line")
        if let feature = job.feature { spec.nameFeature(feature) }
        spec.inputs = job.inputs.flatMap { open.resolve($0, relativeTo: cwd) }
        spec.outputs = job.outputs.flatMap { open.resolve($0, relativeTo: cwd) }
        spec.tokens = job.tokens
        spec.previewOnly = job.previewOnly
        spec.timelinePath = job.timelinePath
        spec.outputDuration = job.outputDuration
        spec.status = job.status
        spec.finishedAt = job.finishedAt
        fill(&spec, from: output)
        return spec
    }

    private static func fill(_ spec: inout JobSpec, from output: OutputFacts) {
        if spec.outputWidth == nil, let width = output.width, let height = output.height {
            (spec.outputWidth, spec.outputHeight) = (width, height)
        }
        if spec.outputCodec == nil { spec.outputCodec = output.codec }
        if spec.edition == nil { spec.edition = output.edition }
    }
}

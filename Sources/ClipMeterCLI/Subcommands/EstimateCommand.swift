import ArgumentParser
import Billing
import ClipMeterKit
import Foundation
import MediaProbe

/// `clipmeter estimate`: price a job before submitting it (from flags), or jobs from manifests and saved IMS
/// responses, measuring every file they name.
struct EstimateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "estimate",
        abstract: "Price one job from flags, or the jobs of manifests, saved IMS responses and Submit* request bodies.",
        discussion: """
            Examples:
              clipmeter estimate --feature image-text-matching --input in.mp4 --output out.mp4 --tokens 900 --explain
              clipmeter estimate --feature video-editing --timeline timeline.json --output-resolution 1920x1080
              clipmeter estimate jobs.yaml --max-cost 50
              clipmeter estimate submit.json --oss-map oss://bucket=/data/bucket --max-cost 20 --explain
            Sources: manifests (JSON/YAML), saved IMS responses (GetBatchMediaProducingJob, GetMediaProducingJob, \
            ListMediaProducingJobs, GetSmartHandleJob) and Submit* request bodies. A request whose outputs are only \
            bounded is priced as a range (cost is its high end); one that nothing bounds, or that has no price, is an \
            error (exit 1), never 0.
            Exit codes: 0 priced, 1 a file could not be measured, a job is invalid, unbounded or has no price (the \
            rest is still priced), 2 usage error, 3 the total exceeds --max-cost (the estimate is printed first).
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json, csv }

    // MARK: The job from flags
    @Option(help: "Feature id (image-text-matching, video-editing, mps-transcode, …; see `clipmeter rates`).")
    var feature: String?
    @Option(help: "A job id for the output (default: estimate).")
    var id: String = "estimate"
    @Option(parsing: .upToNextOption, help: "Input media files or globs (repeatable).")
    var input: [String] = []
    @Option(parsing: .upToNextOption, help: "Output media files or globs (repeatable).")
    var output: [String] = []
    @Option(help: "Text-generation tokens used.")
    var tokens: Int?
    @Flag(name: .customLong("preview-only"), help: "GeneratePreviewOnly: billed by the timeline's length (script-to-video: free).")
    var previewOnly = false
    @Option(help: "IMS Timeline JSON the job renders (its length is the output duration when no output is given).")
    var timeline: String?
    @Option(name: .customLong("output-duration"), help: "Output duration in seconds, for outputs not rendered yet.")
    var outputDuration: String?
    @Option(name: .customLong("output-resolution"), help: "Output size WxH (e.g. 1920x1080), for outputs not rendered yet.")
    var outputResolution: String?
    @Option(name: .customLong("output-codec"), help: "Output codec (h264, h265), for outputs not rendered yet.")
    var outputCodec: String?
    @Option(help: "Video-editing edition: basic (default) or professional.")
    var edition: String?
    @Option(help: "succeeded (default) or failed (failed tasks cost nothing).")
    var status: String?
    @Option(name: .customLong("finished-at"), help: "When the task finished (ISO 8601; without an offset read in --timezone): picks the hourly cycle.")
    var finishedAt: String?

    // MARK: Pricing and measuring
    @OptionGroup var rateOptions: RateOptions
    @OptionGroup var pricing: PricingFlags
    @OptionGroup var measure: MeasureOptions
    @OptionGroup var resolve: ResolveOptions
    @OptionGroup var timelineFlags: TimelineFlags

    @OptionGroup var budget: BudgetOptions
    @Option(help: "table (default), json or csv.")
    var format: Format = .table

    @Option(help: "The IMS API of request bodies without an \"Action\" field (e.g. SubmitBatchMediaProducingJob).")
    var api: String?

    @Argument(help: "Manifests (JSON/YAML), saved IMS responses and Submit* request bodies.")
    var sources: [String] = []

    /// Flags that describe a job of their own; with sources they would add a second, made-up job.
    var jobFlags: [String] {
        var named: [String] = []
        if !input.isEmpty { named.append("--input") }
        if !output.isEmpty { named.append("--output") }
        if tokens != nil { named.append("--tokens") }
        if previewOnly { named.append("--preview-only") }
        if timeline != nil { named.append("--timeline") }
        if outputDuration != nil { named.append("--output-duration") }
        if status != nil { named.append("--status") }
        if finishedAt != nil { named.append("--finished-at") }
        return named
    }

    var describesFlagJob: Bool {
        sources.isEmpty && (feature != nil || !jobFlags.isEmpty || outputResolution != nil)
    }

    func validate() throws {
        if !describesFlagJob && sources.isEmpty {
            throw ValidationError("describe a job with --feature and its media, or name manifests, saved IMS responses or request bodies")
        }
        if !sources.isEmpty && !jobFlags.isEmpty {
            throw ValidationError("\(jobFlags.joined(separator: ", ")) describe a job of their own: price it in a separate command, not alongside files (with files, only --feature, --output-resolution, --output-codec and --edition apply, to the files' jobs)")
        }
        if describesFlagJob && feature == nil { throw ValidationError("--feature is required to price a job from flags") }
        if let tokens, tokens < 0 || tokens > QuantityLimits.maxTokens {
            throw ValidationError("--tokens must be a whole number of tokens from 0 to \(QuantityLimits.maxTokens)")
        }
        if let api, IMSRequestAPI(name: api) == nil {
            throw ValidationError("--api \(api): expected one of \(IMSRequestAPI.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() throws {
        let card = try rateOptions.card()
        let maxCost = try BillOutcome.budget(budget.maxCost)
        let zone = pricing.timeZone
        let cwd = FileManager.default.currentDirectoryPath

        // Media named by a manifest, response or timeline may not leave the folders the user gave.
        let folders = (sources + (timeline.map { [$0] } ?? [])).map { ($0 as NSString).deletingLastPathComponent }
        let roots = folders.map { $0.isEmpty ? cwd : $0 }
        let resolver = try resolve.resolver(roots: roots.isEmpty ? [cwd] : roots)

        var specs: [JobSpec] = []
        if describesFlagJob { specs.append(try flagJob(zone: zone, resolver: resolver)) }
        let size = try outputResolution.map(parseResolution)
        for source in sources {
            do {
                specs += try JobFile.load(path: source, resolver: resolver, defaultFeature: feature,
                                          api: api.flatMap(IMSRequestAPI.init(name:)), timeZone: zone)
            } catch {
                throw UsageError("\(error)")
            }
        }
        if !sources.isEmpty {
            // Output facts from flags fill what the files' jobs leave unsaid; they never override the files.
            for index in specs.indices {
                if specs[index].outputWidth == nil, let size { (specs[index].outputWidth, specs[index].outputHeight) = size }
                if specs[index].outputCodec == nil { specs[index].outputCodec = outputCodec }
                if specs[index].edition == nil { specs[index].edition = edition }
            }
        }

        let measurer = MediaMeasurer(prober: MediaProber(options: measure.probeOptions), jobs: measure.jobs)
        let settings = BillingSettings(card: card, pricing: pricing.options(policy: measure.durationPolicy),
                                       policy: measure.durationPolicy, timeline: try timelineFlags.options())
        let report = BillingRun(measurer: measurer, resolver: resolver, settings: settings)
            .price(specs, title: sources.isEmpty ? "estimate" : sources.joined(separator: ", "))

        BillFormat(rawValue: format.rawValue)?.print(report, explain: budget.explain)
        try BillOutcome.finish(report, maxCost: maxCost)
    }

    /// The job described by flags. Paths on the command line are the user's own: they are not confined.
    private func flagJob(zone: TimeZone, resolver: PathResolver) throws -> JobSpec {
        let open = PathResolver(roots: [], mediaRoot: resolver.mediaRoot, ossMappings: resolver.ossMappings,
                                mediaMap: resolver.mediaMap)
        let cwd = FileManager.default.currentDirectoryPath
        var spec = JobSpec(id: id, feature: feature, source: "command line")
        spec.inputs = input.flatMap { open.resolve($0, relativeTo: cwd) }
        spec.outputs = output.flatMap { open.resolve($0, relativeTo: cwd) }
        spec.tokens = tokens
        spec.previewOnly = previewOnly
        if let timeline {
            guard PathKind.isRegularFile(timeline) else { throw UsageError("--timeline \(timeline): no such file, or not a regular file") }
            spec.timelinePath = timeline
        }
        spec.outputDuration = try nonNegativeDecimal(outputDuration, "--output-duration", maximum: QuantityLimits.maxSeconds)
        if let outputResolution {
            (spec.outputWidth, spec.outputHeight) = try parseResolution(outputResolution)
        }
        spec.outputCodec = outputCodec
        spec.edition = edition
        if let status {
            guard let normalized = JobSpec.normalizedStatus(status) else {
                throw UsageError("--status \(status): expected succeeded or failed")
            }
            spec.status = normalized
        }
        if let finishedAt {
            guard let date = JobTime.parse(finishedAt, timeZone: zone) else {
                throw UsageError("--finished-at \(finishedAt): expected ISO 8601, e.g. 2026-11-20T08:40:00+08:00")
            }
            spec.finishedAt = date
        }
        return spec
    }

    private func parseResolution(_ text: String) throws -> (Int, Int) {
        let parts = text.lowercased().split(whereSeparator: { $0 == "x" || $0 == "×" || $0 == "*" })
        guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]), width > 0, height > 0,
              width <= 16384, height <= 16384 else {
            throw UsageError("--output-resolution \(text): expected WxH, e.g. 1920x1080")
        }
        return (width, height)
    }
}

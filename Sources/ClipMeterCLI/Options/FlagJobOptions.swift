import ArgumentParser
import Billing
import ClipMeterKit
import Foundation

/// `estimate`'s flags that describe one job, parsed into a typed `FlagJob` (and the output facts that, beside
/// files, fill what the files' jobs leave unsaid).
struct FlagJobOptions: ParsableArguments {
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
    @Option(
        name: .customLong("finished-at"),
        help: "When the task finished (ISO 8601; without an offset read in --timezone): picks the hourly cycle.")
    var finishedAt: String?

    /// Flags that describe a job of their own; beside files they would add a second, made-up job.
    var jobFlags: [String] {
        [
            ("--input", !input.isEmpty), ("--output", !output.isEmpty), ("--tokens", tokens != nil),
            ("--preview-only", previewOnly), ("--timeline", timeline != nil), ("--output-duration", outputDuration != nil),
            ("--status", status != nil), ("--finished-at", finishedAt != nil),
        ].filter(\.1).map(\.0)
    }

    /// True when the flags describe a job (and no files are named).
    func describesJob(besideFiles: Bool) -> Bool {
        !besideFiles && (feature != nil || !jobFlags.isEmpty || outputResolution != nil)
    }

    func validate() throws {
        if let tokens, tokens < 0 || tokens > QuantityLimits.maxTokens {
            throw ValidationError("--tokens must be a whole number of tokens from 0 to \(QuantityLimits.maxTokens)")
        }
    }

    /// The flag job, its values parsed whole (a usage error otherwise).
    func job(timeZone: TimeZone) throws -> FlagJob {
        var job = FlagJob(id: id, feature: feature)
        job.inputs = input
        job.outputs = output
        job.tokens = tokens
        job.previewOnly = previewOnly
        if let timeline {
            guard PathKind.isRegularFile(timeline) else { throw UsageError("--timeline \(timeline): no such file, or not a regular file") }
            job.timelinePath = timeline
        }
        job.outputDuration = try nonNegativeDecimal(outputDuration, "--output-duration", maximum: QuantityLimits.maxSeconds)
        if let status {
            guard let normalized = JobSpec.normalizedStatus(status) else {
                throw UsageError("--status \(status): expected succeeded or failed")
            }
            job.status = normalized
        }
        if let finishedAt {
            guard let date = JobTime.parse(finishedAt, timeZone: timeZone) else {
                throw UsageError("--finished-at \(finishedAt): expected ISO 8601, e.g. 2026-11-20T08:40:00+08:00")
            }
            job.finishedAt = date
        }
        return job
    }

    /// `--output-resolution`, `--output-codec`, `--edition`.
    func outputFacts() throws -> OutputFacts {
        var facts = OutputFacts(codec: outputCodec, edition: edition)
        if let outputResolution {
            let parts = outputResolution.lowercased().split(whereSeparator: { $0 == "x" || $0 == "×" || $0 == "*" })
            guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]), width > 0, height > 0,
                width <= QuantityLimits.maxPixels, height <= QuantityLimits.maxPixels
            else {
                throw UsageError("--output-resolution \(outputResolution): expected WxH, e.g. 1920x1080")
            }
            (facts.width, facts.height) = (width, height)
        }
        return facts
    }

    /// The checks `estimate` makes before it runs: a job from flags, or files, never both.
    func validate(besideFiles sources: [String], api: String?) throws {
        let describes = describesJob(besideFiles: !sources.isEmpty)
        if !describes && sources.isEmpty {
            throw ValidationError("describe a job with --feature and its media, or name manifests, saved IMS responses or request bodies")
        }
        if !sources.isEmpty && !jobFlags.isEmpty {
            throw ValidationError(
                "\(jobFlags.joined(separator: ", ")) describe a job of their own: price it in a separate command, not alongside files (with files, only --feature, --output-resolution, --output-codec and --edition apply, to the files' jobs)"
            )
        }
        if describes && feature == nil { throw ValidationError("--feature is required to price a job from flags") }
        if let api, IMSRequestAPI(name: api) == nil {
            throw ValidationError("--api \(api): expected one of \(IMSRequestAPI.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }
}

import Billing
import Foundation
import MediaProbe
import Timeline

/// The choices that turn measurements into money, shared by `estimate` and `scan`.
public struct BillingSettings: Sendable {
    /// The rate card whose prices and rounding rules apply.
    public var card: RateCard
    /// Rounding scope and billing time zone.
    public var pricing: PricingOptions
    /// Which figure of a file bills (`--duration-policy`).
    public var policy: DurationPolicy
    /// Assumptions for timelines (`--assume-tts-seconds`, `--default-image-seconds`).
    public var timeline: TimelineOptions

    /// Settings; the pricing options' policy name is kept in step with `policy`.
    public init(card: RateCard, pricing: PricingOptions = PricingOptions(), policy: DurationPolicy = .container,
                timeline: TimelineOptions = TimelineOptions()) {
        self.card = card
        self.pricing = pricing
        self.pricing.durationPolicy = policy.rawValue
        self.policy = policy
        self.timeline = timeline
    }
}

/// Prices job specs: measures every file they name (each once, in parallel, through the cache), computes
/// timeline lengths, turns each spec into a `BillableJob` and prices them all with one `Pricer`.
///
/// A job that cannot be priced exactly (a file that cannot be measured, media outside the roots, a timeline
/// whose length is unknown) is left out of the bill and reported as a failure with its reason: a bill that
/// silently counted it as 0 would be a wrong bill.
public final class BillingRun {
    public let measurer: MediaMeasurer
    public let resolver: PathResolver
    public let settings: BillingSettings

    /// A run that measures with `measurer` and resolves timeline media with `resolver`.
    public init(measurer: MediaMeasurer, resolver: PathResolver, settings: BillingSettings) {
        self.measurer = measurer
        self.resolver = resolver
        self.settings = settings
    }

    /// The files `specs` need measured (inputs, outputs and timeline clip media of succeeded, valid jobs).
    /// `timelines` holds timeline files already read (by path), e.g. by `FolderScan`; others are read here.
    public func plan(_ specs: [JobSpec], timelines: [String: PreparedTimeline] = [:]) -> [PlannedJob] {
        specs.map { spec in
            var planned = PlannedJob(spec: spec)
            // A rendered output is the better figure (TIMELINE.md rule 10): its timeline is then not needed.
            guard spec.isValid, spec.status == JobSpec.succeeded, spec.previewOnly || spec.outputs.isEmpty else {
                return planned
            }
            do {
                if let path = spec.timelinePath {
                    planned.timeline = try timelines[path] ?? TimelineMeasurer.prepare(path: path, resolver: resolver)
                } else if let json = spec.timelineJSON {
                    let base = (spec.source as NSString).deletingLastPathComponent
                    planned.timeline = try TimelineMeasurer.prepare(jsonString: json, source: "\(spec.source) (timeline of \(spec.id))",
                                                                    baseDirectory: base, resolver: resolver)
                }
            } catch {
                planned.timelineProblem = "\(error)"
            }
            return planned
        }
    }

    /// Measures, assembles and prices; `extraFailures` (unreadable manifests, …) are added to the report.
    public func price(_ specs: [JobSpec], title: String, extraFailures: [BillReport.Failure] = [],
                      timelines: [String: PreparedTimeline] = [:]) -> BillReport {
        let planned = plan(JobSpec.mergingDuplicateIDs(specs), timelines: timelines)
        var paths: [String] = []
        for job in planned where job.spec.isValid && job.spec.status == JobSpec.succeeded {
            let sides = billedSides(job.spec.feature)
            if sides.inputs { paths += job.spec.inputs.compactMap(\.localPath) }
            if sides.outputs { paths += job.spec.outputs.compactMap(\.localPath) }
            paths += job.timeline?.localPaths ?? []
        }
        measurer.measure(paths)

        var billable: [BillableJob] = []
        var failures = extraFailures
        for job in planned {
            switch assemble(job) {
            case .success(let ready): billable.append(ready)
            case .failure(let problems): failures += problems.list
            }
        }
        measurer.flush()
        let bill = Pricer(card: settings.card, options: settings.pricing).price(billable)
        return BillReport(bill: bill, failures: failures, title: title, region: settings.card.region ?? settings.card.id)
    }

    // MARK: - Assembling one job

    /// A spec with its prepared timeline.
    public struct PlannedJob: Sendable {
        public var spec: JobSpec
        public var timeline: PreparedTimeline?
        public var timelineProblem: String?
    }

    /// Failures of one job (an Error so `Result` can carry them).
    struct Problems: Error { var list: [BillReport.Failure] }

    func assemble(_ planned: PlannedJob) -> Result<BillableJob, Problems> {
        let spec = planned.spec
        guard spec.isValid else {
            return .failure(Problems(list: [BillReport.Failure(path: spec.source, jobID: spec.id, code: "invalid-job",
                                                               message: spec.problems.joined(separator: "; "))]))
        }
        guard let feature = spec.feature else {
            return .failure(Problems(list: [BillReport.Failure(path: spec.source, jobID: spec.id, code: "invalid-job",
                                                               message: "no feature: pass --feature or name it in the manifest")]))
        }
        var job = BillableJob(id: spec.id, feature: feature, finishedAt: spec.finishedAt, tokens: spec.tokens,
                              previewOnly: spec.previewOnly, edition: spec.edition, outputCodec: spec.outputCodec,
                              warnings: spec.warnings)
        if spec.status == JobSpec.failed {
            job.status = .failed
            job.failureReason = spec.failureReason ?? "the task failed"
            return .success(job)
        }
        var failures: [BillReport.Failure] = []
        let sides = billedSides(feature)
        if sides.inputs { job.inputs = media(spec.inputs, spec: spec, isOutput: false, job: &job, failures: &failures) }
        if sides.outputs { job.outputs = media(spec.outputs, spec: spec, isOutput: true, job: &job, failures: &failures) }

        // The timeline: the output duration of preview-only jobs, or of outputs not rendered yet.
        var timelineSeconds: Decimal?
        var timelineUnknown: String?
        if let problem = planned.timelineProblem {
            failures.append(BillReport.Failure(path: spec.timelinePath ?? spec.source, jobID: spec.id, code: "invalid-timeline",
                                               message: problem))
        } else if let prepared = planned.timeline {
            var options = settings.timeline
            if let cap = spec.maxDuration { options.maxDuration = cap }
            let length = TimelineMeasurer.length(of: prepared, measurer: measurer, policy: settings.policy, options: options)
            job.warnings += length.warnings.map { "timeline: \($0)" }
            timelineSeconds = length.duration
            if length.duration == nil {
                timelineUnknown = "timeline length unknown: " + (length.warnings.isEmpty ? "no reason given" : length.warnings.joined(separator: "; "))
            }
        }

        if spec.previewOnly {
            if let seconds = timelineSeconds ?? (planned.timeline == nil ? spec.outputDuration : nil) {
                job.timelineSeconds = seconds
            } else if !isFreeWhenPreviewOnly(feature) && failures.isEmpty {
                failures.append(BillReport.Failure(
                    path: spec.timelinePath ?? spec.source, jobID: spec.id, code: "unknown-length",
                    message: timelineUnknown ?? "preview-only job without a timeline or an output duration: its output duration cannot be known"))
            }
        } else if sides.outputs && job.outputs.isEmpty && spec.outputs.isEmpty {
            if let seconds = timelineSeconds {
                job.outputs = [requestedOutput(spec, seconds: seconds, label: "timeline output")]
                job.warnings.append("no rendered output: the timeline's length \(format(seconds)) s stands in for the output duration")
            } else if let seconds = spec.outputDuration {
                job.outputs = [requestedOutput(spec, seconds: seconds, label: "requested output")]
            } else if let timelineUnknown, failures.isEmpty {
                failures.append(BillReport.Failure(path: spec.timelinePath ?? spec.source, jobID: spec.id,
                                                   code: "unknown-length", message: timelineUnknown))
            }
        }
        return failures.isEmpty ? .success(job) : .failure(Problems(list: failures))
    }

    /// Which of a job's media its feature bills: files it does not bill are neither measured nor required
    /// (a script-to-video job's inputs may well not be synced). An unknown feature bills both, so its files
    /// are still checked while the pricer reports the feature.
    func billedSides(_ feature: String?) -> (inputs: Bool, outputs: Bool) {
        guard let feature, let rate = settings.card.features[feature] else { return (true, true) }
        switch rate.basis {
        case .tokens: return (false, false)
        case .inputPlusOutputSeconds: return (true, true)
        case .inputSeconds: return (true, false)
        case .outputFiles, .asFeature: return (false, true)
        }
    }

    private func isFreeWhenPreviewOnly(_ feature: String) -> Bool {
        settings.card.features[feature]?.previewOnly == .free
    }

    private func requestedOutput(_ spec: JobSpec, seconds: Decimal, label: String) -> MeasuredMedia {
        MeasuredMedia(path: label, seconds: seconds, width: spec.outputWidth, height: spec.outputHeight,
                      codec: spec.outputCodec, note: label,
                      audioOnly: spec.outputWidth == nil && spec.outputHeight == nil && spec.outputCodec == nil ? nil : false)
    }

    private func media(_ references: [MediaReference], spec: JobSpec, isOutput: Bool, job: inout BillableJob,
                       failures: inout [BillReport.Failure]) -> [MeasuredMedia] {
        var result: [MeasuredMedia] = []
        for reference in references {
            if let path = reference.localPath {
                switch measurer.outcome(for: path) {
                case .success(let measurement)?:
                    guard let media = measurement.measuredMedia(path: reference.original, policy: settings.policy)
                            ?? measurement.measuredMedia(path: reference.original, policy: .container) else {
                        failures.append(BillReport.Failure(path: path, jobID: spec.id, code: "not-media",
                                                           message: "no duration could be measured"))
                        continue
                    }
                    if measurement.seconds(policy: settings.policy) == nil {
                        job.warnings.append("\(reference.original): no \(settings.policy.rawValue) duration (no video stream?); the container duration bills")
                    }
                    job.warnings += measurement.warnings.map { "\(reference.original): \($0)" }
                    result.append(media)
                case .failure(let error)?:
                    failures.append(BillReport.Failure(path: path, jobID: spec.id, code: error.code.rawValue, message: error.message))
                case nil:
                    failures.append(BillReport.Failure(path: path, jobID: spec.id, code: "io", message: "was not measured"))
                }
            } else if let reported = reference.reportedDuration {
                // IMS production outputs are videos: without a size the pricer must say so, not use the audio price.
                var media = MeasuredMedia(path: reference.original, seconds: reported,
                                          note: "duration from the IMS response; file not synced locally", audioOnly: false)
                if isOutput { fillRequested(&media, spec) }
                result.append(media)
            } else {
                let code = reference.escapesRoots ? "outside-roots" : "not-found"
                failures.append(BillReport.Failure(path: reference.original, jobID: spec.id, code: code,
                                                   message: reference.problem ?? "could not be resolved to a local file"))
            }
        }
        return result
    }

    /// Sizes and codec the source states, for outputs known only from an IMS response (the file is not synced).
    private func fillRequested(_ media: inout MeasuredMedia, _ spec: JobSpec) {
        if media.width == nil, media.height == nil, let width = spec.outputWidth, let height = spec.outputHeight {
            media.width = width
            media.height = height
        }
        if media.codec == nil, media.width != nil { media.codec = spec.outputCodec }
    }

    private func format(_ seconds: Decimal) -> String { SecondsFormat.text(seconds) }
}

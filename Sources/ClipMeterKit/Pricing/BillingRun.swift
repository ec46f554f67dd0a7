import Billing
import Foundation
import Quantities
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
    public init(
        card: RateCard, pricing: PricingOptions = PricingOptions(), policy: DurationPolicy = .container,
        timeline: TimelineOptions = TimelineOptions()
    ) {
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
final class BillingRun {
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
            // A rendered output is the better figure (docs/contract.md, Timelines): its timeline is then not needed.
            guard spec.isValid, spec.status == .succeeded, spec.notBilled == nil,
                spec.previewOnly || spec.outputs.isEmpty
            else {
                return planned
            }
            do {
                if let path = spec.timelinePath {
                    planned.timeline = try timelines[path] ?? TimelineMeasurer.prepare(path: path, resolver: resolver)
                } else if let json = spec.timelineJSON {
                    let base = (spec.source as NSString).deletingLastPathComponent
                    planned.timeline = try TimelineMeasurer.prepare(
                        jsonString: json, source: "\(spec.source) (timeline of \(spec.id))",
                        baseDirectory: base, resolver: resolver)
                }
            } catch {
                planned.timelineProblem = "\(error)"
            }
            return planned
        }
    }

    /// Measures, assembles and prices; `extraFailures` (unreadable manifests, …) are added to the report.
    public func price(
        _ specs: [JobSpec], title: String, extraFailures: [BillReport.Failure] = [],
        timelines: [String: PreparedTimeline] = [:]
    ) -> BillReport {
        let planned = plan(JobSpec.mergingDuplicateIDs(specs), timelines: timelines)
        var paths: [String] = []
        for job in planned where job.spec.isValid && job.spec.status == .succeeded && job.spec.notBilled == nil {
            let sides = billedSides(job.spec.feature)
            if sides.inputs || (job.spec.outputPlan?.sizeFromInputs ?? false) { paths += job.spec.inputs.compactMap(\.localPath) }
            if sides.outputs { paths += job.spec.outputs.compactMap(\.localPath) }
            paths += job.timeline?.localPaths ?? []
        }
        measurer.measure(paths)

        var billable: [BillableJob] = []
        // Sized once: grown by doubling, 20,000 jobs left a third of a 32,768-job buffer empty at the peak.
        billable.reserveCapacity(planned.count)
        var failures = extraFailures
        for job in planned {
            switch assemble(job) {
            case .success(let ready): billable.append(ready)
            case .failure(let problems): failures += problems.list
            }
        }
        measurer.flush()
        let bill = Pricer(card: settings.card, options: settings.pricing).price(billable)
        // A cost that cannot be known is an error of its job, reported like a file that could not be measured.
        let sources = Dictionary(specs.map { (ByteKey($0.key), $0.source) }, uniquingKeysWith: { first, _ in first })
        for job in bill.jobs {
            guard let unknown = job.unknown else { continue }
            failures.append(
                BillReport.Failure(
                    path: sources[ByteKey(job.key ?? job.id)] ?? job.id, jobID: job.id, code: .unknownCost(unknown),
                    message: unknown.detail))
        }
        return BillReport(bill: bill, failures: failures, title: title, region: settings.card.region ?? settings.card.id)
    }

    // MARK: - Assembling one job

    /// A spec with its prepared timeline.
    struct PlannedJob: Sendable {
        public var spec: JobSpec
        public var timeline: PreparedTimeline?
        public var timelineProblem: String?
    }

    /// Failures of one job (an Error so `Result` can carry them).
    struct Problems: Error { var list: [BillReport.Failure] }

    func assemble(_ planned: PlannedJob) -> Result<BillableJob, Problems> {
        let spec = planned.spec
        if case .pending(let word) = spec.stage {
            // Scans list unfinished jobs apart; an estimate named one: nothing about it can be priced yet.
            return .failure(
                Problems(list: [
                    BillReport.Failure(
                        path: spec.source, jobID: spec.id, code: .invalidJob,
                        message: "job \(spec.id) is not finished (status '\(word)'): save its response again once it has finished")
                ]))
        }
        guard spec.isValid else {
            return .failure(
                Problems(list: [
                    BillReport.Failure(
                        path: spec.source, jobID: spec.id, code: .invalidJob,
                        reason: .problems(JobProblem.reported(spec.problems)))
                ]))
        }
        guard let feature = spec.feature else {
            return .failure(
                Problems(list: [
                    BillReport.Failure(
                        path: spec.source, jobID: spec.id, code: .invalidJob,
                        reason: .problems([JobProblem("no feature: name it in the manifest", remedy: .nameTheFeature)]))
                ]))
        }
        var job = BillableJob(
            id: spec.id, feature: feature, finishedAt: spec.finishedAt, tokens: spec.tokens,
            previewOnly: spec.previewOnly, edition: spec.edition, outputCodec: spec.outputCodec,
            warnings: spec.warnings.map(CarriedNote.init))
        job.isBatch = spec.isBatch
        if spec.key != spec.id { job.key = spec.key }
        if spec.status == .failed {
            job.status = .failed
            job.failureReason = spec.failureReason ?? "the task failed"
            return .success(job)
        }
        if let rule = spec.notBilled {
            job.notBilled = rule
            return .success(job)
        }
        var failures: [BillReport.Failure] = []
        let sides = billedSides(feature)
        if sides.inputs { job.inputs = media(spec.inputs, spec: spec, isOutput: false, job: &job, failures: &failures) }
        if sides.outputs { job.outputs = media(spec.outputs, spec: spec, isOutput: true, job: &job, failures: &failures) }

        // The timeline: the output duration of preview-only jobs, or of outputs not rendered yet.
        var timelineSeconds: Decimal?
        var timelineUnknown: JobNote?
        if let problem = planned.timelineProblem {
            failures.append(
                BillReport.Failure(
                    path: spec.timelinePath ?? spec.source, jobID: spec.id, code: .invalidTimeline,
                    message: problem))
        } else if let prepared = planned.timeline {
            var options = settings.timeline
            if let cap = spec.maxDuration { options.maxDuration = cap }
            let length = TimelineMeasurer.length(of: prepared, measurer: measurer, policy: settings.policy, options: options)
            job.warnings += length.warnings.map { CarriedNote(JobNote.timeline($0)) }
            timelineSeconds = length.duration
            if length.duration == nil {
                timelineUnknown = .timelineLengthUnknown(length.warnings)
            }
        }

        if let plan = spec.outputPlan, spec.outputs.isEmpty {
            planOutputs(
                plan, spec: spec, media: spec.inputs.compactMap(\.localPath) + (planned.timeline?.localPaths ?? []),
                timelineSeconds: timelineSeconds, timelineUnknown: timelineUnknown, job: &job)
        } else if spec.previewOnly {
            if let seconds = timelineSeconds ?? (planned.timeline == nil ? spec.outputDuration : nil) {
                job.timelineSeconds = Seconds(seconds)
            } else if !isFreeWhenPreviewOnly(feature) && failures.isEmpty {
                failures.append(
                    BillReport.Failure(
                        path: spec.timelinePath ?? spec.source, jobID: spec.id, code: .unknownLength,
                        reason: timelineUnknown.map(FailureReason.note)
                            ?? .words("preview-only job without a timeline or an output duration: its output duration cannot be known")))
            }
        } else if sides.outputs && job.outputs.isEmpty && spec.outputs.isEmpty {
            if let seconds = timelineSeconds {
                job.outputs = [requestedOutput(spec, seconds: seconds, label: "timeline output")]
                job.warnings.append(CarriedNote(JobNote.timelineStandsInForOutput(seconds: seconds)))
            } else if let seconds = spec.outputDuration {
                job.outputs = [requestedOutput(spec, seconds: seconds, label: "requested output")]
            } else if let timelineUnknown, failures.isEmpty {
                failures.append(
                    BillReport.Failure(
                        path: spec.timelinePath ?? spec.source, jobID: spec.id,
                        code: .unknownLength, reason: .note(timelineUnknown)))
            }
        }
        return failures.isEmpty ? .success(job) : .failure(Problems(list: failures))
    }

    /// Outputs not rendered yet, from a request's plan: `count` outputs of a known or bounded length (preview-only:
    /// that length is the generated timeline's), or an unbounded job that is an error naming the field.
    private func planOutputs(
        _ plan: OutputPlan, spec: JobSpec, media: [String], timelineSeconds: Decimal?, timelineUnknown: JobNote?,
        job: inout BillableJob
    ) {
        var low: Decimal?
        var high: Decimal = 0
        var basis: JobNote.PlannedBasis
        switch plan.length {
        case .exact(let seconds, let why):
            high = seconds
            basis = .stated(why)
        case .between(let least, let most, let why):
            (low, high, basis) = (least, most, .stated(why))
        case .timeline(let cap, let capField):
            if let seconds = timelineSeconds {
                high = cap.map { min($0, seconds) } ?? seconds
                basis = .timeline(seconds: seconds, capField: capField, cap: cap)
            } else if let cap {
                (low, high) = (0, cap)
                basis = .capOnly(field: capField, cap: cap, timelineUnknown: timelineUnknown.flatMap(\.timelineWarnings))
            } else {
                job.unknownCost = .unbounded(field: capField, detail: CarriedNote(timelineUnknown ?? .timelineLengthUnknown(nil)))
                basis = .stated("unbounded")
            }
        case .unbounded(let field, let detail):
            job.unknownCost = .unbounded(field: field, detail: CarriedNote(recorded: detail))
            basis = .stated("unbounded")
        }
        if job.unknownCost == nil {
            job.warnings.append(CarriedNote(JobNote.plannedOutputs(count: plan.count, least: low, most: high, basis: basis)))
        }
        if spec.previewOnly {
            // The generated timelines are the outputs of a preview-only job: their total length bills.
            job.timelineSeconds = Seconds(high) * Decimal(plan.count)
            job.timelineLowSeconds = low.map { Seconds($0) * Decimal(plan.count) }
            return
        }
        var width = spec.outputWidth, height = spec.outputHeight
        if width == nil, plan.sizeFromInputs, let largest = largestPicture(media) {
            (width, height) = (largest.width, largest.height)
            job.warnings.append(CarriedNote(JobNote.sizeFromLargestInput(width: largest.width, height: largest.height)))
        }
        // An output that exists lasts more than 0 s: its least is taken as 1 ms, so a per-output minimum (and a
        // sum that crosses a whole minute) still applies at the low end.
        let least = low.map { max($0, Self.shortestOutput) }
        job.outputs = (1...max(plan.count, 1)).map { index in
            MeasuredMedia(
                path: plan.count == 1 ? "planned output" : "planned output \(index) of \(plan.count)",
                seconds: Seconds(high), width: width, height: height, codec: spec.outputCodec,
                audioOnly: false, lowSeconds: least.map(Seconds.init))
        }
    }

    /// The least a rendered output can last: any output is longer than 0 s.
    static let shortestOutput = Decimal(string: "0.001")!

    /// The largest picture among the job's measured inputs and timeline media, for IMS's default output size.
    private func largestPicture(_ paths: [String]) -> (width: Int, height: Int)? {
        var best: (width: Int, height: Int)?
        for path in paths {
            guard case .success(let measurement)? = measurer.outcome(for: path),
                let media = measurement.measuredMedia(path: path, policy: .container),
                let width = media.width, let height = media.height
            else { continue }
            if width * height > (best.map { $0.width * $0.height } ?? 0) { best = (width, height) }
        }
        return best
    }

    /// Which of a job's media its feature bills: files it does not bill are neither measured nor required
    /// (a script-to-video job's inputs may well not be synced). A feature the card lacks bills both, so its
    /// files are still checked while the pricer reports the missing price.
    func billedSides(_ feature: FeatureID?) -> (inputs: Bool, outputs: Bool) {
        guard let feature, let rate = settings.card.features[feature.rawValue] else { return (true, true) }
        switch rate.basis {
        case .tokens: return (false, false)
        case .inputPlusOutputSeconds: return (true, true)
        case .inputSeconds: return (true, false)
        case .outputFiles, .asFeature: return (false, true)
        }
    }

    private func isFreeWhenPreviewOnly(_ feature: FeatureID) -> Bool {
        settings.card.features[feature.rawValue]?.previewOnly == .free
    }

    private func requestedOutput(_ spec: JobSpec, seconds: Decimal, label: String) -> MeasuredMedia {
        MeasuredMedia(
            path: label, seconds: Seconds(seconds), width: spec.outputWidth, height: spec.outputHeight,
            codec: spec.outputCodec,
            audioOnly: spec.outputWidth == nil && spec.outputHeight == nil && spec.outputCodec == nil ? nil : false)
    }

    private func media(
        _ references: [MediaReference], spec: JobSpec, isOutput: Bool, job: inout BillableJob,
        failures: inout [BillReport.Failure]
    ) -> [MeasuredMedia] {
        var result: [MeasuredMedia] = []
        for reference in references {
            if let path = reference.localPath {
                switch measurer.outcome(for: path) {
                case .success(let measurement)?:
                    guard
                        let media = measurement.measuredMedia(path: reference.original, policy: settings.policy)
                            ?? measurement.measuredMedia(path: reference.original, policy: .container)
                    else {
                        failures.append(
                            BillReport.Failure(
                                path: path, jobID: spec.id, code: .media(.notMedia),
                                message: "no duration could be measured"))
                        continue
                    }
                    if measurement.seconds(policy: settings.policy) == nil {
                        job.warnings.append(
                            CarriedNote(JobNote.noPolicyDuration(file: reference.original, policy: settings.policy.rawValue)))
                    }
                    job.warnings += measurement.notes(about: reference.original).map(CarriedNote.init)
                    result.append(media)
                case .failure(let error)?:
                    failures.append(BillReport.Failure(path: path, jobID: spec.id, code: .media(error.code), reason: .probe(error)))
                case nil:
                    failures.append(BillReport.Failure(path: path, jobID: spec.id, code: .media(.io), message: "was not measured"))
                }
            } else if let reported = reference.reportedDuration {
                // IMS production outputs are videos: without a size the pricer must say so, not use the audio price.
                var media = MeasuredMedia(
                    path: reference.original, seconds: Seconds(reported), audioOnly: false)
                if isOutput { fillRequested(&media, spec) }
                result.append(media)
            } else {
                let code: FailureCode = reference.escapesRoots ? .outsideRoots : .media(.notFound)
                failures.append(
                    BillReport.Failure(
                        path: reference.original, jobID: spec.id, code: code,
                        reason: .problems([
                            JobProblem(reference.problem ?? "could not be resolved to a local file", remedy: reference.remedy)
                        ])))
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

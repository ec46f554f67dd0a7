import Billing
import Foundation
import MediaProbe
import Timeline

/// The words a reader sees for the typed results of the layers below, with the advice that names ClipMeter's
/// flags. `MediaProbe`, `Timeline` and `Billing` say what happened (a case and its values, a description naming
/// no flag); only this edge knows which flag would change it, so a renamed flag is one edit here and a ledger's
/// stored warnings are worded by the binary that shows them.
public enum Wording {
    // MARK: - Billing

    /// A job's or the card's warning, with its advice.
    public static func text(_ warning: PricingWarning) -> String {
        switch warning {
        case .unverifiedPrice, .unverifiedRounding:
            return "\(warning), or pass --rates FILE"
        case .batchInputs(_, _, _, let reading):
            let other = reading == .perBatch ? BatchInputs.perOutput : BatchInputs.perBatch
            return "\(warning) (--batch-inputs \(other.rawValue))"
        case .noPrice:
            return "\(warning) \(ratesAdvice)"
        default:
            return warning.description
        }
    }

    /// An entry of the bill's warning list: "JOB: warning", a card's warning alone.
    public static func text(_ warning: BillWarning) -> String {
        warning.jobID.map { "\($0): \(text(warning.warning))" } ?? text(warning.warning)
    }

    /// A report note in words.
    static func text(_ note: ReportNote) -> String {
        switch note {
        case let .unassignedMedia(count, examples):
            let shown = examples.prefix(3).joined(separator: ", ") + (count > 3 ? ", …" : "")
            return
                "\(count) media file(s) belong to no job (\(shown)): pass --feature to bill each as a job, or describe them in a clipmeter.yaml"
        case let .syncedCopy(file, object):
            return
                "\(file) looks like the synced copy of \(object), which a saved response already bills; it is not billed again. Pass --oss-map to measure it instead of using the response's Duration"
        case .cacheProblem(let problem):
            return "measurement cache: \(problem)"
        }
    }

    /// Every warning line of a report: the bill's, then the report's own notes.
    public static func warningLines(_ report: BillReport) -> [String] {
        report.bill.warnings.map(text) + report.notes.map(text)
    }

    /// A job's warnings in words.
    public static func warnings(of job: PricedJob) -> [String] {
        job.diagnostics.map(text)
    }

    /// Why a job failed or costs what cannot be known, with the advice that would make it known.
    public static func reason(of job: PricedJob) -> String? {
        guard let reason = job.reason else { return nil }
        guard job.status == .succeeded, let advice = job.unknown.flatMap(advice) else { return reason }
        return reason + " " + advice
    }

    /// A failure's message; an unknown cost's with the advice that would make it known.
    public static func message(_ failure: BillReport.Failure) -> String {
        guard case .unknownCost(let unknown) = failure.code, let advice = advice(unknown) else { return failure.message }
        return failure.message + " " + advice
    }

    /// What to pass when the card lacks a price.
    private static let ratesAdvice = "(a rate card with the price: --rates FILE)"

    private static func advice(_ unknown: UnknownCost) -> String? {
        switch unknown {
        case .unknownResolution: return "(--output-resolution WxH)"
        case .noPrice: return ratesAdvice
        case .unbounded, .nothingMeasured: return nil
        }
    }

    /// The warnings a job's notes count beside its reason: a missing price is already the reason of a job whose
    /// cost is unknown, so it is not counted twice.
    public static func warningsBesideReason(of job: PricedJob) -> [PricingWarning] {
        guard job.unknown != nil else { return job.diagnostics }
        return job.diagnostics.filter { if case .noPrice = $0 { return false } else { return true } }
    }

    // MARK: - MediaProbe

    /// A probe warning as `probe` and the bills print it.
    public static func text(_ warning: ProbeWarning) -> String {
        switch warning {
        case .estimatedFromBitrate: return "\(warning) (use --mode exact)"
        default: return warning.description
        }
    }

    /// A probe error's message with what to pass for the file to be read, as `probe` and the bills print it.
    public static func text(_ error: ProbeError) -> String {
        guard let remedy = error.remedy else { return error.message }
        return "\(error.message) (\(advice(remedy)))"
    }

    /// The flags that give the consent a refused read lacked.
    static func advice(_ remedy: ProbeRemedy) -> String {
        switch remedy {
        case .allowNetwork:
            return "use --allow-network"
        case .readObjectInPlace(let ossURL):
            return "use --allow-network or --oss-endpoint URL, or measure a synced copy: --oss-map \(ossURL)=LOCAL_DIR"
        }
    }

    // MARK: - Timeline

    /// A timeline warning as `timeline` and the bills print it.
    public static func text(_ warning: TimelineWarning) -> String { warning.text(naming: flag) }

    /// The flag that sets each timeline setting a warning may name.
    @Sendable public static func flag(_ setting: TimelineSetting) -> String? {
        switch setting {
        case .defaultImageSeconds: return "--default-image-seconds"
        case .assumeTTSSeconds: return "--assume-tts-seconds"
        }
    }

    // MARK: - Measurements

    /// A measurement's note that its file may still be syncing.
    static func text(_ state: SyncState) -> String {
        switch state {
        case .changedWhileMeasured:
            return "may still be syncing: the file changed while it was measured; scan again once it is complete"
        case let .modifiedRecently(age, settle):
            return
                "may still be syncing: modified \(String(format: "%.1f", max(age, 0))) s before it was measured (within --settle \(settle) s)"
        }
    }

    /// Everything a measurement noticed, in words: the probe's warnings, then whether the file may still be syncing.
    static func warnings(_ measurement: MediaMeasurement) -> [String] {
        measurement.warnings.map(text) + (measurement.syncing.map { [text($0)] } ?? [])
    }

    // MARK: - Jobs

    /// A job note as the bill lists it among the job's warnings.
    static func text(_ note: JobNote) -> String {
        switch note {
        case let .unknownManifestKey(key, file):
            return "unknown key '\(key)' in \(file) ignored"
        case let .notSynced(role, file, problem, seconds, statedBy):
            let what = role.map { "\($0) \(file)" } ?? file
            let problem = text(problem)
            switch statedBy {
            case .response:
                return "\(what) is not synced locally (\(problem)); using the response's Duration \(seconds) s"
            case .manifest:
                return "\(what) is not available locally (\(problem)); using the stated duration \(seconds) s"
            }
        case let .featureOverride(feature, implied, impliedBy):
            return "feature \(feature) from --feature overrides \(implied), which \(impliedBy) implies"
        case .preFlight(let api):
            return "pre-flight: priced from a \(api) request body, before submission"
        case .halfAnOutputSize(let field):
            return "\(field) gives only one of Width and Height: the output size is unknown"
        case .noCompleteTime(let batch):
            return "batch \(batch) has no CompleteTime"
        case .inputsForReferenceOnly:
            return "inputs are listed for reference only: script-to-video is billed on its outputs"
        case .subJobWithoutOutput(let subJob):
            return "sub-job \(subJob) names no output MediaURL"
        case let .subJobsFailed(failed, total):
            return "\(failed) of \(total) sub-jobs failed; they are listed at 0 and their outputs are not billed"
        case let .sameJobDescribedTwice(id, source):
            return "job id \(id) is also described by \(source); that copy is ignored"
        case let .earlierPoll(source, status):
            return "an earlier poll of this job (\(source), status \(status)) is superseded by this one"
        case let .nonMediaLeftOut(count, examples):
            return "left out \(count) non-media file(s): \(examples.prefix(3).joined(separator: ", "))\(count > 3 ? ", …" : "")"
        case .filesClaimedElsewhere(let count):
            return "\(count) file(s) of this folder are named by a manifest or response and counted there"
        case .finishTimeFromNewestInput:
            return "no output files: the finish time is the newest input's modification time"
        case .timeline(let warning):
            return "timeline: \(text(warning))"
        case let .measurement(file, warning):
            return "\(file): \(text(warning))"
        case let .syncing(file, state):
            return "\(file): \(text(state))"
        case let .noPolicyDuration(file, policy):
            return "\(file): no \(policy) duration (no video stream?); the container duration bills"
        case .timelineStandsInForOutput(let seconds):
            return "no rendered output: the timeline's length \(SecondsFormat.text(seconds)) s stands in for the output duration"
        case let .plannedOutputs(count, least, most, basis):
            let range = least.map { "\(SecondsFormat.text($0))–\(SecondsFormat.text(most)) s" } ?? "\(SecondsFormat.text(most)) s"
            return "\(count) planned output\(count == 1 ? "" : "s") of \(range) each: \(text(basis))"
        case .timelineLengthUnknown(let warnings):
            guard let warnings else { return "the timeline's length is unknown" }
            return "timeline length unknown: " + (warnings.isEmpty ? "no reason given" : warnings.map(text).joined(separator: "; "))
        case let .sizeFromLargestInput(width, height):
            return "no output Width/Height: the largest input's \(width)×\(height) sets the tier (IMS's default output size)"
        }
    }

    /// What planned outputs' length rests on.
    static func text(_ basis: JobNote.PlannedBasis) -> String {
        switch basis {
        case .stated(let words): return words
        case let .timeline(seconds, capField, cap):
            let capped = cap.map { $0 < seconds ? ", capped by \(capField) \(SecondsFormat.text($0)) s" : "" } ?? ""
            return "the timeline's length \(SecondsFormat.text(seconds)) s" + capped
        case let .capOnly(field, cap, unknown):
            return "at most \(field) \(SecondsFormat.text(cap)) s (\(text(JobNote.timelineLengthUnknown(unknown))))"
        }
    }

    /// Why a job or a file could not be priced, with the flags that would fix it.
    static func text(_ reason: FailureReason) -> String {
        switch reason {
        case .words(let words): return words
        case .problems(let problems): return problems.map(text).joined(separator: "; ")
        case .probe(let error): return text(error)
        case .note(let note): return text(note)
        }
    }

    /// A job's problem, with the flag that would fix it.
    static func text(_ problem: JobProblem) -> String {
        guard let remedy = problem.remedy else { return problem.text }
        return "\(problem.text): \(advice(remedy))"
    }

    /// An unresolved file's problem, with the flag that would resolve it.
    static func problem(of reference: MediaReference) -> String? {
        reference.problem.map { text(JobProblem($0, remedy: reference.remedy)) }
    }

    static func advice(_ remedy: Remedy) -> String {
        switch remedy {
        case .nameTheFeature: return "pass --feature"
        case .nameTheAPI: return "add \"Action\" to the body or pass --api"
        case .mapOrReadObject(let bucket):
            return
                "pass --oss-map oss://\(bucket)/PREFIX=LOCAL_DIR, or --allow-network (--oss-endpoint URL for oss:// URLs) to read it in place"
        case .mapMediaID(let id): return "pass --media-map \(id)=PATH"
        case .onlyOSSURLsMap: return "only OSS URLs can be mapped to local files, with --oss-map"
        }
    }
}

/// A job note reaches Billing typed and is worded only when a bill is shown or recorded.
extension JobNote: NoteContent {
    var description: String { Wording.text(self) }
}

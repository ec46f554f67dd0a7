import Foundation
import MediaProbe
import Timeline

/// Something a job's reader should know that does not make the job invalid, by kind: what its source (a
/// manifest, an IMS response or request, a folder) or its assembly noticed. Tests and renderers tell the notes
/// apart by case; `Wording` gives them their words and the flags that act on them.
enum JobNote: Hashable, Sendable {
    // MARK: What the source says

    /// A key the manifest format does not have; it was ignored.
    case unknownManifestKey(key: String, file: String)
    /// A file the source names is not on this machine; the duration the source states is billed instead.
    case notSynced(role: String?, file: String, problem: JobProblem, statedSeconds: Decimal, statedBy: StatedBy)
    /// `--feature` chose a feature other than the one the source implies.
    case featureOverride(feature: String, implied: String, impliedBy: String)
    /// The job is priced from a Submit* request body, before it runs.
    case preFlight(api: String)
    /// The request gives only one of the output's Width and Height.
    case halfAnOutputSize(field: String)
    /// The batch response has no CompleteTime: the job is in no hourly cycle.
    case noCompleteTime(batch: String)
    /// A script-to-video job lists inputs that its billing does not count.
    case inputsForReferenceOnly
    /// A sub-job of the batch names no output file.
    case subJobWithoutOutput(subJob: String)
    /// Some of the batch's sub-jobs failed; they are listed at 0.
    case subJobsFailed(failed: Int, of: Int)
    /// Another source describes the same job identically; that copy is ignored.
    case sameJobDescribedTwice(id: String, by: String)
    /// Another saved poll of the same IMS job, earlier or unfinished; the latest finished poll bills.
    case earlierPoll(source: String, status: String)

    // MARK: What the folder holds

    /// Files of a job folder that are not media were left out.
    case nonMediaLeftOut(count: Int, examples: [String])
    /// Files of the folder belong to a manifest's or response's job and are counted there.
    case filesClaimedElsewhere(count: Int)
    /// A folder job without outputs: its newest input's modification time stands in for the finish time.
    case finishTimeFromNewestInput

    // MARK: What assembling the job found

    /// A timeline diagnostic of the job's timeline.
    case timeline(TimelineWarning)
    /// A file's measurement noticed something.
    case measurement(file: String, ProbeWarning)
    /// A file may still be syncing.
    case syncing(file: String, SyncState)
    /// A file has no duration under the chosen policy (no video stream); its container duration bills.
    case noPolicyDuration(file: String, policy: String)
    /// No rendered output: the timeline's length stands in for the output's duration.
    case timelineStandsInForOutput(seconds: Decimal)
    /// Outputs not rendered yet, with how long each can last and why.
    case plannedOutputs(count: Int, least: Decimal?, most: Decimal, basis: PlannedBasis)
    /// A timeline's length cannot be known, for the reasons its warnings give (nil: it was not measured at all).
    case timelineLengthUnknown([TimelineWarning]?)
    /// The request states no output size: the largest input's sets the tier, as IMS does.
    case sizeFromLargestInput(width: Int, height: Int)

    /// The warnings of `timelineLengthUnknown` (nil for any other note, or when the timeline was not measured).
    var timelineWarnings: [TimelineWarning]? {
        if case .timelineLengthUnknown(let warnings) = self { return warnings }
        return nil
    }

    /// What the length of outputs not rendered yet rests on.
    enum PlannedBasis: Hashable, Sendable {
        /// What the request states, in its reader's words ("FixedDuration 30 s").
        case stated(String)
        /// The generated timeline's length, and the field that caps it when the cap is the shorter.
        case timeline(seconds: Decimal, capField: String, cap: Decimal?)
        /// At most the cap, since the timeline's length is unknown (`timelineUnknown` says why).
        case capOnly(field: String, cap: Decimal, timelineUnknown: [TimelineWarning]?)
    }

    /// Where a stated duration comes from.
    enum StatedBy: Hashable, Sendable {
        /// The IMS response's `Duration`.
        case response
        /// The manifest's `duration`.
        case manifest
    }
}

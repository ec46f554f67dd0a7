import Foundation
import Quantities

/// Whether an IMS/MPS task finished; failed tasks are listed but never charged.
public enum JobStatus: String, Codable, Sendable {
    case succeeded, failed
}

/// Where quantities are rounded: each task on its own (the seed's reading, default) or summed per hourly cycle first.
public enum RoundingScope: String, Codable, Sendable, CaseIterable {
    case perTask = "per-task"
    case perCycle = "per-cycle"
}

/// One measured media file as billing sees it: the caller has already measured it, billing only does arithmetic.
public struct MeasuredMedia: Codable, Sendable, Equatable {
    /// Where the file lives (local path or OSS URL), shown in line items and warnings.
    public var path: String
    /// Billing duration in seconds under the chosen duration policy (see `PricingOptions.durationPolicy`).
    public var seconds: Seconds
    /// Display width in pixels; tiers ignore orientation, so width and height may be swapped freely.
    public var width: Int?
    /// Display height in pixels.
    public var height: Int?
    /// FFmpeg video codec name (`h264`, `hevc`, `av1`, …); nil together with no size means an audio-only file.
    public var codec: String?
    /// The same file's duration under other duration policies, keyed by policy name (e.g. `"longest-stream"`),
    /// so a job that another policy would put on a different billed minute can carry a `boundary:` warning.
    public var alternativeSeconds: [String: Seconds]
    /// Whether the file has no picture, when known otherwise than from its streams (an output known only from
    /// an IMS response has no measured streams but is a video); nil infers it from codec and size.
    public var audioOnly: Bool?
    /// The least the file can last when it is not rendered yet and only bounded (`seconds` is then the most);
    /// nil when `seconds` is exact. A job with any bounded file is priced as a range.
    public var lowSeconds: Seconds?

    /// Creates a measured file; only `path` and `seconds` are required.
    public init(
        path: String,
        seconds: Seconds,
        width: Int? = nil,
        height: Int? = nil,
        codec: String? = nil,
        alternativeSeconds: [String: Seconds] = [:],
        audioOnly: Bool? = nil,
        lowSeconds: Seconds? = nil
    ) {
        self.path = path
        self.seconds = seconds
        self.width = width
        self.height = height
        self.codec = codec
        self.alternativeSeconds = alternativeSeconds
        self.audioOnly = audioOnly
        self.lowSeconds = lowSeconds
    }

    /// True when the file has no picture: no video codec and no display size.
    var isAudioOnly: Bool { audioOnly ?? (codec == nil && width == nil && height == nil) }
}

/// One billed task (docs/contract.md, Jobs) with every figure billing needs already measured.
public struct BillableJob: Codable, Sendable, Equatable {
    /// The task's id as the user knows it (IMS JobId, manifest id or folder name).
    public var id: String
    /// Which job this is wherever it was described from (the ledger's key), when it differs from how the user
    /// knows it; nil when the id is the key.
    public var key: String?
    /// Feature id from the rate card, e.g. `image-text-matching`, `mps-transcode`.
    public var feature: FeatureID
    /// Succeeded tasks are charged; failed ones cost nothing.
    public var status: JobStatus
    /// Why the task failed, repeated in the priced job.
    public var failureReason: String?
    /// When the task finished; decides its hourly billing cycle. Nil keeps it out of every cycle (still in the total).
    public var finishedAt: Date?
    /// Input media (billed by the duration-based IMS features).
    public var inputs: [MeasuredMedia]
    /// Output media (billed per file by video editing and MPS; by duration in IMS features).
    public var outputs: [MeasuredMedia]
    /// Text-generation tokens consumed; any positive count adds a `text-generation` line.
    public var tokens: Int?
    /// `GeneratePreviewOnly`: only a timeline was produced, no rendered output.
    public var previewOnly: Bool
    /// Total length of the generated timeline in seconds; the output duration of preview-only jobs.
    public var timelineSeconds: Seconds?
    /// Video editing edition, `basic` (default) or `professional`.
    public var edition: String?
    /// Requested output codec when outputs are not rendered yet (or when a measured output lacks one).
    public var outputCodec: String?
    /// Warnings from earlier stages (measuring, manifest reading), carried into the priced job.
    public var warnings: [CarriedNote]
    /// The least the generated timeline can last when only a bound is known (`timelineSeconds` is the most).
    public var timelineLowSeconds: Seconds?
    /// The outputs are the sub-jobs of one batch submission, whose inputs were supplied once (`BatchInputs`).
    public var isBatch: Bool = false
    /// Set by whoever assembled the job when its cost is already known to be unknowable (an unbounded output).
    public var unknownCost: UnknownCost?
    /// The documented rule that makes this job free (a feature in public preview, not billed): priced at 0
    /// with the rule as its explanation.
    public var notBilled: String?

    /// Creates a job; everything but id and feature has a neutral default.
    public init(
        id: String,
        feature: FeatureID,
        status: JobStatus = .succeeded,
        failureReason: String? = nil,
        finishedAt: Date? = nil,
        inputs: [MeasuredMedia] = [],
        outputs: [MeasuredMedia] = [],
        tokens: Int? = nil,
        previewOnly: Bool = false,
        timelineSeconds: Seconds? = nil,
        edition: String? = nil,
        outputCodec: String? = nil,
        warnings: [CarriedNote] = []
    ) {
        self.id = id
        self.feature = feature
        self.status = status
        self.failureReason = failureReason
        self.finishedAt = finishedAt
        self.inputs = inputs
        self.outputs = outputs
        self.tokens = tokens
        self.previewOnly = previewOnly
        self.timelineSeconds = timelineSeconds
        self.edition = edition
        self.outputCodec = outputCodec
        self.warnings = warnings
    }
}

/// How a bill is computed beyond the card: rounding scope, billing time zone and the duration policy in use.
public struct PricingOptions: Sendable {
    /// Per task (default) or per hourly cycle.
    public var rounding: RoundingScope
    /// Time zone whose clock hours delimit billing cycles (default Asia/Shanghai, as Alibaba bills).
    public var timeZone: TimeZone
    /// Name of the duration policy behind `MeasuredMedia.seconds`, used in `boundary:` warnings.
    public var durationPolicy: String
    /// Whether a batch's inputs count once per batch (default) or once per output.
    public var batchInputs: BatchInputs

    /// Creates options; defaults as docs/contract.md states them: per-task, Asia/Shanghai, container durations.
    public init(
        rounding: RoundingScope = .perTask,
        timeZone: TimeZone = PricingOptions.shanghai,
        durationPolicy: String = "container",
        batchInputs: BatchInputs = .perBatch
    ) {
        self.rounding = rounding
        self.timeZone = timeZone
        self.durationPolicy = durationPolicy
        self.batchInputs = batchInputs
    }

    /// Alibaba Cloud's billing clock (UTC+8, no daylight saving).
    public static let shanghai: TimeZone = TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3600)!
}

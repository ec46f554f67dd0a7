import Billing
import Foundation

/// One billed task as described by its source (manifest, saved IMS response or folder), before measurement.
///
/// Job sources only describe: they list media and resolve paths, they never open media. Measuring and
/// pricing happen later, so every fact a source could not establish is recorded here for the user to see.
public struct JobSpec: Sendable, Equatable {
    /// The id as the user knows it (IMS JobId, manifest id as written, folder or file path): what outputs show.
    public var id: String
    /// Which job this is, wherever it was found from (`JobIdentity`): the ledger, shards and deduplication key
    /// jobs by it, byte for byte. Loaders set it; it defaults to the id.
    public var key: String
    /// Ran (billed), planned (a request body: priced apart, never billed) or pending (not finished yet).
    public var stage: JobStage = .ran
    /// When the source observed the job (an IMS poll's `ModifiedTime`/`CompleteTime`): the latest terminal
    /// poll of one JobId wins.
    public var observedAt: Date?
    /// Billed feature, nil when the source does not say or names one ClipMeter does not bill (then a problem).
    public var feature: FeatureID?
    /// Succeeded or failed; failed tasks are listed at 0 with their reason.
    public var status: JobStatus
    /// Why a failed task failed (for IMS sub-jobs "ErrorCode: ErrorMessage").
    public var failureReason: String?
    /// When the task finished: picks the hourly billing cycle.
    public var finishedAt: Date?
    /// Region stated by the source, if any.
    public var region: String?
    /// Input media, resolved to local files where possible.
    var inputs: [MediaReference]
    /// Output media, resolved to local files where possible.
    var outputs: [MediaReference]
    /// A Timeline JSON file (resolved and inside the allowed roots).
    public var timelinePath: String?
    /// A timeline embedded in the source (an IMS response's `Timeline`, or an inline manifest timeline).
    public var timelineJSON: String?
    /// IMS `GeneratePreviewOnly`: billed by the generated timeline's length (free for script-to-video).
    public var previewOnly: Bool
    /// Tokens used, for `text-generation`.
    public var tokens: Int?
    /// Output duration in seconds for outputs that are not rendered yet.
    public var outputDuration: Decimal?
    /// Output width in pixels for outputs that are not rendered yet.
    public var outputWidth: Int?
    /// Output height in pixels for outputs that are not rendered yet.
    public var outputHeight: Int?
    /// Output codec (`h264`, `h265`, …) for outputs that are not rendered yet.
    public var outputCodec: String?
    /// Video-editing edition (`basic` | `professional`).
    public var edition: String?
    /// `OutputConfig.MaxDuration` of a batch job: caps the length of each generated video.
    public var maxDuration: Decimal?
    /// Outputs that are not rendered yet (a request body), with how long each can last.
    var outputPlan: OutputPlan?
    /// The outputs are the sub-jobs of one batch submission, whose inputs were supplied once.
    public var isBatch: Bool = false
    /// The documented rule that makes the job free (a feature in public preview): priced at 0, naming the rule.
    public var notBilled: String?
    /// The file (or folder) the job came from, for messages.
    public var source: String
    /// Things the user should know that do not make the job invalid.
    var warnings: [JobNote]
    /// Why the job is invalid (unknown status, a path escaping the roots, no feature): reported, exit 1.
    var problems: [JobProblem]

    /// A succeeded job with nothing but an id and a source; the loaders fill in the rest.
    init(
        id: String, feature: FeatureID? = nil, status: JobStatus = .succeeded, failureReason: String? = nil,
        finishedAt: Date? = nil, region: String? = nil, inputs: [MediaReference] = [], outputs: [MediaReference] = [],
        timelinePath: String? = nil, timelineJSON: String? = nil, previewOnly: Bool = false, tokens: Int? = nil,
        outputDuration: Decimal? = nil, outputWidth: Int? = nil, outputHeight: Int? = nil, outputCodec: String? = nil,
        edition: String? = nil, maxDuration: Decimal? = nil, source: String,
        warnings: [JobNote] = [], problems: [JobProblem] = []
    ) {
        self.id = id
        self.key = id
        self.feature = feature
        self.status = status
        self.failureReason = failureReason
        self.finishedAt = finishedAt
        self.region = region
        self.inputs = inputs
        self.outputs = outputs
        self.timelinePath = timelinePath
        self.timelineJSON = timelineJSON
        self.previewOnly = previewOnly
        self.tokens = tokens
        self.outputDuration = outputDuration
        self.outputWidth = outputWidth
        self.outputHeight = outputHeight
        self.outputCodec = outputCodec
        self.edition = edition
        self.maxDuration = maxDuration
        self.source = source
        self.warnings = warnings
        self.problems = problems
    }

    /// True when the source described the job well enough to price it.
    public var isValid: Bool { problems.isEmpty }

    /// What a resolved media reference means for the job, the same whichever source named it: one that leaves the
    /// allowed roots is a problem of the job; one not synced here is billed by the duration its source states, with a
    /// warning saying so.
    mutating func note(_ reference: MediaReference, as label: String, role: String?, statedBy: JobNote.StatedBy) {
        if reference.escapesRoots {
            problems.append(JobProblem("\(label) \(reference.original): \(reference.problem ?? "")", remedy: reference.remedy))
        } else if reference.localPath == nil, let seconds = reference.reportedDuration {
            warnings.append(
                .notSynced(
                    role: role, file: reference.original,
                    problem: JobProblem(reference.problem ?? "unresolved", remedy: reference.remedy),
                    statedSeconds: seconds, statedBy: statedBy))
        }
    }

    /// Sets the feature a source or flag names in words, checked where it is read: a name ClipMeter does not bill
    /// leaves the feature unset and makes the job invalid, so nothing after the loaders handles feature words.
    mutating func nameFeature(_ name: String) {
        feature = FeatureID(rawValue: name)
        if feature == nil { problems.append(.unknownFeature(name)) }
    }

    /// Every local file the job names (inputs and outputs), for "already claimed" bookkeeping and measuring.
    public var localPaths: [String] { (inputs + outputs).compactMap(\.localPath) }

    /// Maps a status word from a manifest or an IMS response to `succeeded`/`failed`, nil when it is neither
    /// (an unfinished `Processing` job, a typo).
    public static func normalizedStatus(_ word: String) -> JobStatus? {
        switch word.trimmingCharacters(in: .whitespaces).lowercased() {
        case "succeeded", "success", "successful", "succeed", "ok", "done", "finished": return .succeeded
        case "failed", "fail", "failure", "error": return .failed
        default: return nil
        }
    }
}

/// Outputs a request will produce, not rendered yet: how many, and how long each can last.
struct OutputPlan: Sendable, Codable, Equatable {
    /// Number of outputs (`OutputConfig.Count`, one per project id, …).
    public var count: Int
    /// How long each output lasts, as far as the request tells.
    public var length: PlannedLength
    /// Take the output's size from the largest input when the request states none (IMS's documented default
    /// for `OutputMediaConfig`).
    public var sizeFromInputs = false
}

/// How long a planned output lasts: known, bounded, taken from the job's timeline, or without any bound.
enum PlannedLength: Sendable, Codable, Equatable {
    /// Exactly this many seconds (`FixedDuration`, `SingleShotDuration` × groups).
    case exact(Decimal, basis: String)
    /// Between `low` and `high` seconds (`MaxDuration` caps a length the AI or the voice-over decides).
    case between(low: Decimal, high: Decimal, basis: String)
    /// The job's timeline length, capped at `cap` seconds when a `MaxDuration` is set; `capField` names it.
    case timeline(cap: Decimal?, capField: String)
    /// Nothing bounds it; `field` would.
    case unbounded(field: String, detail: String)
}

/// A media file a job names, as written and as resolved.
struct MediaReference: Sendable, Equatable, Hashable {
    /// As written in the source: a path, a glob match, an `oss://` or https URL, or a MediaId.
    public var original: String
    /// The resolved, existing local file inside the allowed roots; nil when it could not be resolved.
    public var localPath: String?
    /// Duration in seconds stated by an IMS response, used when the file is not synced locally.
    public var reportedDuration: Decimal?
    /// Why it could not be resolved (unmapped URL, escapes the roots, no such file, glob matched nothing).
    public var problem: String?
    /// What the user can pass to resolve it, when something would.
    public var remedy: Remedy?

    /// True when the reference was refused because it points outside the allowed roots (an error, not a read).
    public var escapesRoots = false

    /// A reference refused for leaving the allowed roots: never read, always an error of its job.
    static func refused(_ original: String, _ problem: String) -> MediaReference {
        var reference = MediaReference(original: original, problem: problem)
        reference.escapesRoots = true
        return reference
    }
}

extension JobSpec {
    /// One job per identity, for estimate and scan alike, keys compared byte for byte (`café` in NFC and in NFD
    /// are two jobs). Polls of one IMS job are one job: a finished poll beats an unfinished one, the latest
    /// finished one wins, the others are notes. Copies that describe the same job (one saved response synced to
    /// two folders) are one job, the other copies named in its warnings. Copies that differ are an error on that
    /// job naming both places: the ledger records a job once per key, so silently keeping either would drop a bill.
    public static func mergingDuplicateIDs(_ jobs: [JobSpec]) -> [JobSpec] {
        var order: [ByteKey] = []
        var byKey: [ByteKey: JobSpec] = [:]
        for job in jobs {
            let key = ByteKey(job.key)
            guard var first = byKey[key] else {
                byKey[key] = job
                order.append(key)
                continue
            }
            if first.sameContent(as: job) {
                first.warnings.append(.sameJobDescribedTwice(id: job.id, by: job.source))
            } else if let latest = latestPoll(first, job) {
                var kept = latest.winner
                kept.warnings.append(.earlierPoll(source: latest.loser.source, status: latest.loser.stage.pollWord))
                first = kept
            } else {
                first.problems.append(
                    JobProblem(
                        "job \(job.id) is described by \(first.source) and by \(job.source) differently:"
                            + " one job cannot be two, so neither is billed until one of them is corrected"))
            }
            byKey[key] = first
        }
        return order.map { byKey[$0]! }
    }

    /// The poll that wins of two saved responses of one IMS job, nil when `a` and `b` are not both polls (a
    /// poll has an observation time or is unfinished). Finished beats unfinished; then the later observation.
    static func latestPoll(_ a: JobSpec, _ b: JobSpec) -> (winner: JobSpec, loser: JobSpec)? {
        guard a.key.hasPrefix(JobIdentity.imsPrefix), b.key.hasPrefix(JobIdentity.imsPrefix) else { return nil }
        let aDone = !a.stage.isPending, bDone = !b.stage.isPending
        if aDone != bDone { return aDone ? (a, b) : (b, a) }
        guard let at = a.observedAt ?? a.finishedAt, let bt = b.observedAt ?? b.finishedAt, at != bt else { return nil }
        return at > bt ? (a, b) : (b, a)
    }

    /// Equal apart from where the job was read and what was said about reading it.
    func sameContent(as other: JobSpec) -> Bool {
        var a = self, b = other
        a.source = ""; b.source = ""
        a.warnings = []; b.warnings = []
        return a == b
    }
}

/// Where a job is in its life: only a job that ran is billed.
public enum JobStage: Sendable, Equatable {
    /// It ran (finished or failed): billed.
    case ran
    /// A request body not submitted yet: priced apart as a plan, never billed.
    case planned
    /// Submitted and not finished (`Init`, `Processing`, …, the status word as saved): listed, not billed.
    case pending(String)

    /// True for an unfinished job.
    public var isPending: Bool { if case .pending = self { return true } else { return false } }

    /// The status word of a poll, for notes.
    var pollWord: String {
        switch self {
        case .ran: return "finished"
        case .planned: return "planned"
        case .pending(let word): return word
        }
    }
}

/// The largest quantities a job source may state. Past these a figure is a typo or an attack, and priced as
/// written it would print a 28-digit total; refusing it names the field instead.
public enum QuantityLimits {
    /// One year of media in one field.
    public static let maxSeconds: Decimal = 31_536_000
    /// A trillion tokens.
    public static let maxTokens = 1_000_000_000_000
    /// Wider or taller than any codec IMS or MPS encodes (H.264 and HEVC stop at 16,384 or below).
    public static let maxPixels = 65_536
}

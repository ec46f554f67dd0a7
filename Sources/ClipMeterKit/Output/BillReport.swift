import Billing
import Foundation
import MediaProbe

/// What `estimate`, `scan` and `bill` hand to a renderer: the priced bill plus everything that could not be
/// priced, so every output format shows the same failures the exit code reports.
public struct BillReport: Sendable {
    /// The canonical priced result.
    public var bill: Bill
    /// Files that could not be measured, and jobs that could not be priced, each with its reason.
    public var failures: [Failure] = []
    /// What was billed, for titles: the scanned folder, the manifests, or "estimate".
    public var title: String
    /// Region of the rate card in use (`cn-hangzhou`-style ids are not known here; the card's region or id).
    public var region: String?
    /// When the report was made; HTML and FOCUS exports show it.
    public var generatedAt = Date()
    /// Whose charges a FOCUS export lists (only FOCUS shows it).
    public var billingAccount: BillingAccount = .unassigned
    /// What the scan noticed beyond the priced jobs, listed after the bill's warnings.
    var notes: [ReportNote] = []
    /// For a bill read back from ledgers: what priced each job, by job id (a job absent from it is of unknown
    /// origin). Nil for a bill priced by this run; then the JSON jobs carry no `producedBy`.
    public var producedBy: [String: String]?
    /// Request bodies a scan found: priced as plans, apart from the bill, never in its totals or the ledger.
    public var planned: PlannedSection?
    /// Jobs a scan found that IMS has not finished: listed, never billed.
    public var pending: [PendingJob] = []

    /// Everything the exit code must count: the bill's failures and the planned jobs' (a plan whose cost cannot
    /// be known is as unknown as a bill's).
    public var allFailures: [Failure] { failures + (planned?.failures ?? []) }

    /// The plans of a scan: their own bill (total, range, jobs), its failures, and a note per plan that a saved
    /// response beside it already bills the job it became.
    public struct PlannedSection: Sendable {
        /// The planned jobs, priced.
        public var bill: Bill
        /// Planned jobs whose cost cannot be known, and the files they could not measure.
        public var failures: [Failure]
        /// By planned job key: the response job that bills what the plan became.
        public var billedAs: [ByteKey: String]

        /// A section of priced plans.
        public init(bill: Bill, failures: [Failure], billedAs: [ByteKey: String] = [:]) {
            self.bill = bill
            self.failures = failures
            self.billedAs = billedAs
        }
    }

    /// A job submitted to IMS and not finished when its response was saved.
    public struct PendingJob: Sendable, Equatable {
        /// The JobId.
        public var id: String
        /// The status word as saved (`Processing`, `Init`, …).
        public var status: String
        /// The saved response it was read from.
        public var source: String
    }

    /// One thing that could not be measured or priced: a file (with its probe error code) or a whole job.
    public struct Failure: Sendable, Equatable {
        /// The file's path, or the job's source (manifest, folder) when the job itself is invalid.
        public var path: String
        /// The job the file belongs to, when known.
        public var jobID: String?
        /// What kind of failure it is; its `description` is the code of docs/contract.md (Measuring) the outputs show.
        public var code: FailureCode
        /// What went wrong, as the layer that found it typed it.
        var reason: FailureReason

        /// What went wrong, for a person: worded when shown.
        public var message: String { Wording.text(reason) }

        /// A failure record.
        public init(path: String, jobID: String? = nil, code: FailureCode, message: String) {
            self.init(path: path, jobID: jobID, code: code, reason: .words(message))
        }

        /// A failure whose reason is worded when the report is shown.
        init(path: String, jobID: String? = nil, code: FailureCode, reason: FailureReason) {
            self.path = path
            self.jobID = jobID
            self.code = code
            self.reason = reason
        }
    }
}

/// Why something is in a report's failures, by kind: a file that could not be measured carries its probe code, a
/// job that could not be priced its unknown cost. Outputs show `description`, the code of docs/contract.md (Measuring).
public enum FailureCode: Equatable, Sendable, CustomStringConvertible {
    /// A file could not be measured (`not-found`, `not-media`, `truncated`, …).
    case media(ProbeErrorCode)
    /// The job's source describes it badly (no or unknown feature, unknown status, a path escaping the roots).
    case invalidJob
    /// The job's timeline cannot be read.
    case invalidTimeline
    /// The job's output length cannot be known (its timeline's length is unknown).
    case unknownLength
    /// A manifest, response or request body could not be read at all.
    case unreadableSource
    /// A path the job names leads outside the folders the user gave.
    case outsideRoots
    /// The job's cost cannot be known (no price, unbounded, nothing measured).
    case unknownCost(UnknownCost)
    /// A priced job has no finish time, so a FOCUS export (every row of which needs its charge period) leaves it out.
    case noChargePeriod

    public var description: String {
        switch self {
        case .media(let code): return code.rawValue
        case .invalidJob: return "invalid-job"
        case .invalidTimeline: return "invalid-timeline"
        case .unknownLength: return "unknown-length"
        case .unreadableSource: return "unreadable-source"
        case .outsideRoots: return "outside-roots"
        case .unknownCost(let unknown): return unknown.code
        case .noChargePeriod: return "no-charge-period"
        }
    }
}

/// A remark on a whole report that no priced job carries: what the folder scan or the measurement cache noticed.
enum ReportNote: Hashable, Sendable {
    /// Media files that no job claims; `examples` are the first few, relative to the folder.
    case unassignedMedia(count: Int, examples: [String])
    /// A file that looks like the synced copy of an object a saved response already bills.
    case syncedCopy(file: String, object: String)
    /// A measurement the ledger could not keep (the bill is right; the next scan measures it again).
    case cacheProblem(String)
}

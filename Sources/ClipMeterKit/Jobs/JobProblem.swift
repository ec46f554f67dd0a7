import Billing
import Foundation

/// What the user can do about a job's problem or an unresolved file, by kind. The loaders and the resolver say
/// what is wrong in neutral words and name the remedy by case; `Wording` turns it into the flag to pass, so the
/// layer that finds a problem never spells a command line.
enum Remedy: Hashable, Sendable {
    /// Say which feature the job is billed as.
    case nameTheFeature
    /// Say which IMS API a request body is for.
    case nameTheAPI
    /// Map the OSS bucket to a synced folder, or consent to reading the object in place.
    case mapOrReadObject(bucket: String)
    /// Map an IMS MediaId to a local file.
    case mapMediaID(String)
    /// Only OSS URLs can be mapped to local files.
    case onlyOSSURLsMap
}

/// Why a job cannot be priced as its source describes it: neutral words, plus the remedy the edge words.
///
/// Written like a string where there is no remedy (`job.problems.append("status 'x' is …")`), so a loader's
/// message reads as the sentence it is.
struct JobProblem: Hashable, Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    /// What is wrong, naming no flag.
    var text: String
    /// What would fix it, when something the user passes would.
    var remedy: Remedy?
    /// The feature name ClipMeter does not bill, when that is the problem: a job that has other problems too is
    /// reported by those alone (see `reported`).
    private(set) var unknownFeature: String?

    /// A problem with its remedy.
    init(_ text: String, remedy: Remedy? = nil) {
        self.text = text
        self.remedy = remedy
    }

    init(stringLiteral value: String) { self.init(value) }

    init(stringInterpolation: DefaultStringInterpolation) { self.init(String(stringInterpolation: stringInterpolation)) }

    var description: String { text }

    /// A feature name that is not one of `FeatureID`'s.
    static func unknownFeature(_ name: String) -> JobProblem {
        var problem = JobProblem("unknown feature \"\(name)\" (known: \(FeatureID.known))")
        problem.unknownFeature = name
        return problem
    }

    /// The problems a report names: an unknown feature only when nothing else is wrong, since pricing the job
    /// would have needed everything else right first.
    static func reported(_ problems: [JobProblem]) -> [JobProblem] {
        let others = problems.filter { $0.unknownFeature == nil }
        return others.isEmpty ? problems : others
    }
}

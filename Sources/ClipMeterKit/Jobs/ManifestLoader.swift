import Foundation
import Billing
import Quantities

/// A manifest, response or folder that cannot be read as a job source. The CLI maps it to exit 2.
struct ManifestError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file (or folder) at fault.
    public var path: String
    /// The field at fault, as a path into the document (`jobs[1].tokens`), when one field is to blame.
    public var field: String?
    /// What is wrong, for the user, naming no flag.
    public var message: String
    /// What the user can pass to get past it, when something would; `Wording` says which flag.
    public var remedy: Remedy?

    /// An error about one source file.
    public init(path: String, field: String? = nil, message: String, remedy: Remedy? = nil) {
        self.path = path
        self.field = field
        self.message = message
        self.remedy = remedy
    }

    /// `PATH: field jobs[1].tokens: expected a whole number ≥ 0, found "abc"`, with the remedy's words.
    public var description: String {
        let advice = remedy.map { ": " + Wording.advice($0) } ?? ""
        if let field { return "\(path): field \(field): \(message)\(advice)" }
        return "\(path): \(message)\(advice)"
    }
}

/// Reads job manifests (docs/contract.md, Jobs): JSON or YAML holding one job, a list of jobs, or `{jobs: [...]}`.
///
/// In the `{jobs: [...]}` form, other top-level keys are defaults for every job (a batch shares its `feature`
/// and `finishedAt`). Keys match without regard to case, `_` or `-` (`finished_at` is `finishedAt`); unknown
/// keys are ignored with a warning. A value of the wrong type is a `ManifestError` naming the file and field;
/// a job that is well-formed but cannot be billed (unknown status, no feature, a path outside the roots)
/// gets `problems` instead, so the rest of the manifest is still priced.
enum ManifestLoader {
    /// Loads the jobs of one manifest. Relative paths are taken relative to the manifest's folder; times
    /// without an offset are read in `timeZone`. Jobs without an `id` get `idBase#N` (N from 1), `idBase`
    /// defaulting to `path` as given — pass a path relative to the scanned root to keep ids stable when the
    /// tree moves.
    public static func load(
        path: String, resolver: PathResolver, defaultFeature: String?,
        timeZone: TimeZone = JobTime.defaultTimeZone, idBase: String? = nil
    ) throws -> [JobSpec] {
        try loadEntries(
            path: path, resolver: resolver, defaultFeature: defaultFeature, timeZone: timeZone,
            idBase: idBase
        ).map(\.job)
    }

    /// A job plus which media keys its manifest entry spelled out (discovery fills the others from the
    /// folder convention when a manifest sits in a job folder).
    struct Entry {
        var job: JobSpec
        var hasInputs: Bool
        var hasOutputs: Bool
        var hasTimeline: Bool
    }

    static func loadEntries(
        path: String, resolver: PathResolver, defaultFeature: String?, timeZone: TimeZone,
        idBase: String?
    ) throws -> [Entry] {
        let data: Data
        do {
            data = try RegularFile.read(path, maxBytes: resolver.readLimits.maxBytes)
        } catch let error as FileReadError {
            throw ManifestError(path: path, message: "cannot read the manifest: \(error.message)")
        }
        let document = try parse(data, path: path, maxNodes: resolver.readLimits.maxNodes)
        let directory = (PathText.absolute(path, relativeTo: FileManager.default.currentDirectoryPath) as NSString)
            .deletingLastPathComponent

        var entries: [(value: SourceValue, field: String?)] = []
        var defaults: [String: SourceValue] = [:]
        switch document {
        case .list(let items):
            entries = items.enumerated().map { ($1, "jobs[\($0)]") }
        case .map(let map):
            if let jobsKey = map.keys.first(where: { Self.canonical($0) == "jobs" }) {
                guard case .list(let items) = map[jobsKey]! else {
                    throw ManifestError(path: path, field: jobsKey, message: "expected a list of jobs, found \(map[jobsKey]!.kindName)")
                }
                defaults = map.filter { $0.key != jobsKey }
                entries = items.enumerated().map { ($1, "jobs[\($0)]") }
            } else {
                entries = [(document, nil)]
            }
        case .null:
            throw ManifestError(path: path, message: "the manifest is empty: expected a job or a list of jobs")
        default:
            throw ManifestError(path: path, message: "expected a job (a mapping) or a list of jobs, found \(document.kindName)")
        }
        guard !entries.isEmpty else {
            throw ManifestError(path: path, message: "the manifest holds no jobs")
        }

        let reader = JobReader(
            path: path, directory: directory, resolver: resolver, defaultFeature: defaultFeature,
            timeZone: timeZone)
        // One real-path lookup for the manifest, not one per entry.
        let manifestPlace = JobIdentity.place(real: PathText.realPath(path) ?? PathText.normalized(path), resolver: resolver)
        return try entries.enumerated().map { index, entry in
            guard case .map(var fields) = entry.value else {
                throw ManifestError(path: path, field: entry.field, message: "expected a job (a mapping), found \(entry.value.kindName)")
            }
            for (key, value) in defaults where !fields.keys.contains(where: { Self.canonical($0) == Self.canonical(key) }) {
                fields[key] = value
            }
            let fallbackID = "\(idBase ?? path)#\(index + 1)"
            var read = try reader.read(fields, fieldPrefix: entry.field, fallbackID: fallbackID)
            // The manifest's place and the id as written (or the entry's position when it gives none): the same
            // job whatever folder a scan starts from, and a different one in another tree of the same layout.
            let written = read.job.id == fallbackID ? "#\(index + 1)" : read.job.id
            read.job.key = JobIdentity.keyed(place: manifestPlace, suffix: written)
            if let problem = JobIdentity.problem(withID: read.job.id) { read.job.problems.append(JobProblem(problem)) }
            return read
        }
    }

    /// Keys whose plain YAML scalars are text as written, never numbers: an id `001` or `1.10` is not 1 or 1.1.
    static let textKeys: Set<String> = ["id", "feature", "status", "failurereason", "region", "outputcodec", "edition"]

    static func parse(_ data: Data, path: String, maxNodes: Int = ReadLimits.standard.maxNodes) throws -> SourceValue {
        let isJSON = path.lowercased().hasSuffix(".json")
        do {
            if isJSON { return try SourceValue.json(data) }
            guard let text = String(data: data, encoding: .utf8) else {
                throw ManifestError(path: path, message: "the manifest is not UTF-8 text")
            }
            return try SourceValue.yaml(text, maxNodes: maxNodes, textKeys: textKeys)
        } catch let error as ManifestError {
            throw error
        } catch  where isJSON && JSONNumbers.firstOutOfRange(in: data) != nil {
            let number = JSONNumbers.firstOutOfRange(in: data) ?? ""
            throw ManifestError(
                path: path,
                message:
                    "the number \(number) is out of range (at most 38 significant digits and an exponent that keeps it exact); the JSON itself is valid"
            )
        } catch let error as SourceValueError {
            throw ManifestError(path: path, message: "malformed YAML: \(error.message)")
        } catch {
            throw ManifestError(path: path, message: "malformed \(isJSON ? "JSON" : "YAML"): \(Self.reason(error))")
        }
    }

    /// Key spelling that `finishedAt`, `finished_at` and `FinishedAt` share.
    static func canonical(_ key: String) -> String {
        key.lowercased().filter { $0 != "_" && $0 != "-" }
    }

    /// A parser's error in words, the input it quotes cut short (`Excerpt`).
    static func reason(_ error: Error) -> String {
        if let decoding = error as? DecodingError {
            switch decoding {
            case .dataCorrupted(let context):
                return Excerpt.bounded(context.underlyingError.map { $0.localizedDescription } ?? context.debugDescription)
            default: return Excerpt.bounded("\(decoding)")
            }
        }
        return Excerpt.bounded(String(describing: error))
    }
}

// MARK: - One job

/// Reads the fields of one job mapping into a `JobSpec`.
private struct JobReader {
    let path: String
    let directory: String
    let resolver: PathResolver
    let defaultFeature: String?
    let timeZone: TimeZone

    static let knownKeys: [String] = [
        "id", "feature", "status", "failureReason", "finishedAt", "region", "inputs", "outputs", "timeline",
        "previewOnly", "tokens", "outputDuration", "outputWidth", "outputHeight", "outputResolution",
        "outputCodec", "edition", "maxDuration",
    ]

    func read(_ raw: [String: SourceValue], fieldPrefix: String?, fallbackID: String) throws -> ManifestLoader.Entry {
        var fields: [String: (key: String, value: SourceValue)] = [:]
        var warnings: [JobNote] = []
        let known = Dictionary(uniqueKeysWithValues: Self.knownKeys.map { (ManifestLoader.canonical($0), $0) })
        for key in raw.keys.sorted() {
            let value = raw[key]!
            guard let name = known[ManifestLoader.canonical(key)] else {
                warnings.append(.unknownManifestKey(key: key, file: path))
                continue
            }
            if case .null = value { continue }
            fields[name] = (key, value)
        }
        func field(_ name: String) -> String {
            let key = fields[name]?.key ?? name
            return fieldPrefix.map { "\($0).\(key)" } ?? key
        }
        func fail(_ name: String, _ message: String) -> ManifestError {
            ManifestError(path: path, field: field(name), message: message)
        }
        func string(_ name: String) throws -> String? {
            guard let value = fields[name]?.value else { return nil }
            switch value {
            case .string(let text): return text
            case .number(let number): return "\(number)"
            default: throw fail(name, "expected text, found \(value.kindName)")
            }
        }
        func number(_ name: String, expected: String) throws -> Decimal? {
            guard let value = fields[name]?.value else { return nil }
            let number: Decimal?
            switch value {
            case .number(let n): number = n
            case .string(let text): number = SourceValue.exactNumber(text.trimmingCharacters(in: .whitespaces))
            default: number = nil
            }
            guard let number else { throw fail(name, "expected \(expected), found \(describe(value))") }
            return number
        }
        func decimal(_ name: String) throws -> Decimal? {
            let expected = "a number of seconds ≥ 0"
            guard let value = try number(name, expected: expected) else { return nil }
            guard value >= 0 else { throw fail(name, "expected \(expected), found \(value)") }
            guard value <= QuantityLimits.maxSeconds else {
                throw fail(name, "\(value) s is more than \(QuantityLimits.maxSeconds) s (a year), which no job produces")
            }
            return value
        }
        func integer(_ name: String, minimum: Int, maximum: Int, unit: String) throws -> Int? {
            let expected = "a whole number of \(unit) ≥ \(minimum)"
            guard let value = try number(name, expected: expected) else { return nil }
            guard DecimalRounding.isWhole(value), value >= Decimal(minimum) else {
                throw fail(name, "expected \(expected), found \(value)")
            }
            guard value <= Decimal(maximum) else {
                throw fail(name, "\(value) \(unit) is more than the \(maximum) any job can have")
            }
            return NSDecimalNumber(decimal: value).intValue
        }
        func bool(_ name: String) throws -> Bool? {
            guard let value = fields[name]?.value else { return nil }
            switch value {
            case .bool(let flag): return flag
            case .string(let text):
                switch text.lowercased() {
                case "true", "yes", "on", "1": return true
                case "false", "no", "off", "0": return false
                default: break
                }
            case .number(let number) where number == 0 || number == 1: return number == 1
            default: break
            }
            throw fail(name, "expected true or false, found \(describe(value))")
        }

        var job = JobSpec(id: try string("id") ?? fallbackID, source: path, warnings: warnings)
        if job.id.trimmingCharacters(in: .whitespaces).isEmpty { throw fail("id", "the job id is empty") }

        if let name = try string("feature") ?? defaultFeature {
            job.nameFeature(name)
        } else {
            job.problems.append(JobProblem("no feature: set `feature` in the manifest", remedy: .nameTheFeature))
        }
        if let word = try string("status") {
            if let status = JobSpec.normalizedStatus(word) {
                job.status = status
            } else {
                job.status = .failed
                job.problems.append("status '\(word)' is neither succeeded nor failed (an unfinished job cannot be billed)")
            }
        }
        job.failureReason = try string("failureReason")
        if let text = try string("finishedAt") {
            guard let date = JobTime.parse(text, timeZone: timeZone) else {
                throw fail("finishedAt", "expected an ISO 8601 time such as 2026-11-20T08:57:07+08:00, found \"\(text)\"")
            }
            job.finishedAt = date
        }
        job.region = try string("region")
        job.previewOnly = try bool("previewOnly") ?? false
        job.tokens = try integer("tokens", minimum: 0, maximum: QuantityLimits.maxTokens, unit: "tokens")
        job.outputDuration = try decimal("outputDuration")
        job.outputWidth = try integer("outputWidth", minimum: 1, maximum: QuantityLimits.maxPixels, unit: "pixels")
        job.outputHeight = try integer("outputHeight", minimum: 1, maximum: QuantityLimits.maxPixels, unit: "pixels")
        if let resolution = try string("outputResolution") {
            let parts = resolution.lowercased().split(separator: "x").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 2, let width = parts[0], let height = parts[1], width > 0, height > 0,
                width <= QuantityLimits.maxPixels, height <= QuantityLimits.maxPixels
            else {
                throw fail("outputResolution", "expected WIDTHxHEIGHT such as 1920x1080, found \"\(resolution)\"")
            }
            job.outputWidth = job.outputWidth ?? width
            job.outputHeight = job.outputHeight ?? height
        }
        job.outputCodec = try string("outputCodec")
        job.edition = try string("edition")
        job.maxDuration = try decimal("maxDuration")
        if let cap = job.maxDuration, cap < BillingRun.shortestOutput {
            // A cap below the shortest output allows no output at all: not a job to price at 0.
            throw fail("maxDuration", "an output bound must be at least \(BillingRun.shortestOutput) s, found \(cap)")
        }

        job.inputs = try media("inputs", fields["inputs"]?.value, field: field("inputs"), job: &job)
        job.outputs = try media("outputs", fields["outputs"]?.value, field: field("outputs"), job: &job)

        if let timeline = fields["timeline"]?.value {
            switch timeline {
            case .map:
                job.timelineJSON = timeline.jsonText()
            case .string(let text) where text.trimmingCharacters(in: .whitespaces).hasPrefix("{"):
                job.timelineJSON = text
            case .string(let text):
                let resolved = resolver.resolve(text, relativeTo: directory)
                if resolved.count == 1, let local = resolved[0].localPath {
                    job.timelinePath = local
                } else if resolved.count > 1 {
                    job.problems.append("timeline '\(text)' matches \(resolved.count) files; name one")
                } else {
                    job.problems.append(
                        JobProblem(
                            "timeline '\(text)': \(resolved.first?.problem ?? "cannot be resolved")",
                            remedy: resolved.first?.remedy))
                }
            default:
                throw fail("timeline", "expected a path to a Timeline JSON file or a timeline object, found \(timeline.kindName)")
            }
        }
        return ManifestLoader.Entry(
            job: job, hasInputs: fields["inputs"] != nil, hasOutputs: fields["outputs"] != nil,
            hasTimeline: fields["timeline"] != nil)
    }

    /// `inputs`/`outputs`: one reference or a list; each a string or `{path|url: …, duration: seconds}`.
    private func media(_ name: String, _ value: SourceValue?, field: String, job: inout JobSpec) throws -> [MediaReference] {
        guard let value else { return [] }
        let items: [SourceValue]
        if case .list(let list) = value { items = list } else { items = [value] }
        var references: [MediaReference] = []
        // Two items reaching one file (`renders/**` and `renders/latest/a.mp4`, or a hard link) bill it once.
        var seen = Set<FileIdentity>()
        for (index, item) in items.enumerated() {
            let itemField = items.count == 1 && !(value.isList) ? field : "\(field)[\(index)]"
            var text: String
            var duration: Decimal? = nil
            switch item {
            case .string(let string):
                text = string
            case .map(let map):
                let keys = Dictionary(map.map { (ManifestLoader.canonical($0.key), $0.value) }, uniquingKeysWith: { a, _ in a })
                guard let reference = (keys["path"] ?? keys["url"] ?? keys["mediaurl"] ?? keys["mediaid"])?.stringValue else {
                    throw ManifestError(path: path, field: itemField, message: "expected `path` or `url` naming the media")
                }
                text = reference
                if let seconds = keys["duration"] {
                    guard case .number(let number) = seconds, number >= 0, number <= QuantityLimits.maxSeconds else {
                        throw ManifestError(
                            path: path, field: "\(itemField).duration",
                            message: "expected a number of seconds ≥ 0, found \(describe(seconds))")
                    }
                    duration = number
                }
            default:
                throw ManifestError(path: path, field: itemField, message: "expected a path, glob or URL, found \(item.kindName)")
            }
            text = text.trimmingCharacters(in: .whitespacesAndNewlines)
            for var reference in resolver.resolve(text, relativeTo: directory) {
                if let path = reference.localPath, let identity = FileIdentity(path: path), !seen.insert(identity).inserted {
                    continue
                }
                reference.reportedDuration = duration
                job.note(reference, as: name == "inputs" ? "input" : "output", role: nil, statedBy: .manifest)
                references.append(reference)
            }
        }
        return references
    }

    private func describe(_ value: SourceValue) -> String {
        switch value {
        case .string(let text): return "\"\(text)\""
        case .number(let number): return "\(number)"
        case .bool(let flag): return flag ? "true" : "false"
        default: return value.kindName
        }
    }
}

extension SourceValue {
    var isList: Bool {
        if case .list = self { return true }
        return false
    }
}

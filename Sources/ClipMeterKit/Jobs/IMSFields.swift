import Billing
import Foundation

/// Reads typed fields out of an IMS request or response, naming the file and the field when one is malformed.
///
/// IMS object parameters (`InputConfig`, `OutputConfig`, `Timeline`, …) travel as JSON strings inside the JSON in
/// the SDK's `to_map()` form and as objects in the decoded form; `embedded` accepts both.
struct IMSFields {
    /// The file the fields come from.
    let path: String
    /// The folder relative media paths are resolved against.
    let directory: String
    /// Resolves media through `--oss-map`, `--media-root` and `--media-map`, inside the allowed roots.
    let resolver: PathResolver
    /// Zone for times without an offset.
    let timeZone: TimeZone
    /// Prefix of every field name in messages (`EditingBatchJob`, `[2]`, …).
    let root: String

    init(path: String, resolver: PathResolver, timeZone: TimeZone, root: String) {
        self.path = path
        self.directory =
            (PathText.absolute(path, relativeTo: FileManager.default.currentDirectoryPath) as NSString)
            .deletingLastPathComponent
        self.resolver = resolver
        self.timeZone = timeZone
        self.root = root
    }

    /// The same reader with field names under `root`.
    func under(_ root: String) -> IMSFields {
        IMSFields(path: path, directory: directory, resolver: resolver, timeZone: timeZone, root: root)
    }

    private init(path: String, directory: String, resolver: PathResolver, timeZone: TimeZone, root: String) {
        self.path = path
        self.directory = directory
        self.resolver = resolver
        self.timeZone = timeZone
        self.root = root
    }

    func fieldName(_ field: String) -> String { root.isEmpty ? field : "\(root).\(field)" }

    func error(_ field: String, _ message: String) -> ManifestError {
        ManifestError(path: path, field: fieldName(field), message: message)
    }

    // MARK: - Scalars

    func text(_ fields: [String: SourceValue], _ key: String, field: String? = nil, required: Bool = false) throws -> String? {
        switch fields[key] {
        case .string(let value)?:
            let trimmed = value.trimmingCharacters(in: .whitespaces)
            if !trimmed.isEmpty { return trimmed }
        case .number(let value)?:
            return "\(value)"
        case nil, .null?:
            break
        case let other?:
            throw error(field ?? key, "expected text, found \(other.kindName)")
        }
        if required { throw error(field ?? key, "missing") }
        return nil
    }

    /// A number from 0 to a year of seconds, from a number or a numeric string: a `Duration` of 1e30 is no
    /// measurement, and must not turn into a 28-digit bill.
    func number(_ fields: [String: SourceValue], _ key: String, field: String? = nil) throws -> Decimal? {
        guard let found = try decimal(fields, key, field: field) else { return nil }
        guard found >= 0, found <= QuantityLimits.maxSeconds else {
            throw error(field ?? key, "expected a number from 0 to \(QuantityLimits.maxSeconds)")
        }
        return found
    }

    /// A length that bounds an output (`MaxDuration`, `FixedDuration`, a group's `Duration`, …): at least the
    /// shortest output ClipMeter plans (1 ms). A bound of 0, -0, a negative one or one that rounds to nothing
    /// allows no output at all, so the job is invalid rather than planned at "0–0 s".
    func outputBound(_ fields: [String: SourceValue], _ key: String, field: String? = nil) throws -> Decimal? {
        guard let found = try decimal(fields, key, field: field) else { return nil }
        let least = BillingRun.shortestOutput
        guard found >= least, found <= QuantityLimits.maxSeconds else {
            throw error(
                field ?? key,
                "an output bound must be from \(least) to \(QuantityLimits.maxSeconds) seconds, found \(found): no output can last that long"
            )
        }
        return found
    }

    /// The number written in a field (a JSON number or a numeric string), nil when the field is absent or empty.
    private func decimal(_ fields: [String: SourceValue], _ key: String, field: String?) throws -> Decimal? {
        switch fields[key] {
        case .number(let value)?: return value
        case .string(let value)?:
            let trimmed = value.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { return nil }
            if let value = SourceValue.exactNumber(trimmed) { return value }
        case nil, .null?: return nil
        default: break
        }
        throw error(field ?? key, "expected a number from 0 to \(QuantityLimits.maxSeconds)")
    }

    /// A whole number ≥ 1 that fits in an Int (a count of outputs, a size in pixels).
    func count(_ fields: [String: SourceValue], _ key: String, field: String? = nil, maximum: Int = 100_000) throws -> Int? {
        guard let value = try number(fields, key, field: field) else { return nil }
        guard value >= 1, value <= Decimal(maximum), Decimal(NSDecimalNumber(decimal: value).intValue) == value else {
            throw error(field ?? key, "expected a whole number from 1 to \(maximum), found \(value)")
        }
        return NSDecimalNumber(decimal: value).intValue
    }

    func flag(_ fields: [String: SourceValue], _ key: String, field: String? = nil) throws -> Bool? {
        switch fields[key] {
        case .bool(let value)?: return value
        case .string(let value)? where ["true", "false"].contains(value.lowercased()): return value.lowercased() == "true"
        case nil, .null?: return nil
        default: throw error(field ?? key, "expected true or false")
        }
    }

    func time(_ fields: [String: SourceValue], _ key: String) throws -> Date? {
        guard let value = try text(fields, key) else { return nil }
        guard let date = JobTime.parse(value, timeZone: timeZone) else {
            throw error(key, "expected an ISO 8601 time, found \"\(value)\"")
        }
        return date
    }

    // MARK: - Structure

    /// A configuration that IMS carries as a JSON string inside the JSON, or (decoded form) as an object.
    func embedded(_ fields: [String: SourceValue], _ key: String) throws -> [String: SourceValue] {
        switch fields[key] {
        case .map(let map)?: return map
        case .string(let text)?:
            if text.trimmingCharacters(in: .whitespaces).isEmpty { return [:] }
            let value: SourceValue
            do {
                value = try SourceValue.json(Data(text.utf8))
            } catch {
                throw self.error(key, "the embedded JSON is malformed: \(ManifestLoader.reason(error))")
            }
            guard case .map(let map) = value else { throw self.error(key, "expected a JSON object inside the string") }
            return map
        case nil, .null?: return [:]
        case let other?:
            throw error(key, "expected a JSON object or a JSON string, found \(other.kindName)")
        }
    }

    /// The output codec an output configuration asks for (`Video.Codec`, `Video` as an object or a JSON
    /// string), in its price-list name (`VideoCodecName`): IMS writes `H.264`/`H.265`, others `HEVC`, `libx264`.
    func videoCodec(_ config: [String: SourceValue]) throws -> String? {
        let video = try embedded(config, "Video")
        return VideoCodecName.normalized(try under(fieldName("Video")).text(video, "Codec"))
    }

    func list(_ value: SourceValue?) -> [SourceValue] {
        if case .list(let items)? = value { return items }
        return []
    }

    /// Media named in a list: plain strings (MediaId or URL) or objects with `MediaId`/`MediaURL`/`Media`.
    func mediaNames(_ value: SourceValue?) -> [String] {
        list(value).compactMap { item in
            switch item {
            case .string(let text): return text.trimmingCharacters(in: .whitespaces).isEmpty ? nil : text
            case .map(let map):
                for key in ["MediaURL", "MediaUrl", "MediaId", "Media", "InputFile", "Url", "URL"] {
                    if case .string(let text)? = map[key], !text.isEmpty { return text }
                }
                return nil
            default: return nil
            }
        }
    }

    // MARK: - Media

    /// Resolves one media name; an escape from the roots is a problem of the job, a reference that is not
    /// synced keeps `reportedDuration` (and says so) when the response states one.
    func resolve(_ reference: String, reportedDuration: Decimal?, role: String, job: inout JobSpec) -> [MediaReference] {
        resolver.resolve(reference, relativeTo: directory).map { resolved in
            var reference = resolved
            reference.reportedDuration = reportedDuration
            job.note(reference, as: role, role: role, statedBy: .response)
            return reference
        }
    }

    /// Every input name once, in order.
    func resolveInputs(_ names: [String], job: inout JobSpec) {
        var seen = Set<String>()
        for name in names where seen.insert(name).inserted {
            job.inputs += resolve(name, reportedDuration: nil, role: "input", job: &job)
        }
    }
}

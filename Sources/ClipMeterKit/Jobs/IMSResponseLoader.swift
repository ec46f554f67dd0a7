import Foundation

/// Reads saved IMS API responses as job sources (SPEC §5): `GetBatchMediaProducingJob` (one job per sub-job)
/// and `GetMediaProducingJob` (one video-editing job). The raw response body and the SDK's
/// `{headers, statusCode, body}` dump are both accepted. `InputConfig`, `OutputConfig` and `Timeline` are JSON
/// strings inside the JSON and are parsed as such.
public enum IMSResponseLoader {
    /// IMS `JobType` → billed feature. `Smart_Mix` covers several features (image-text matching, highlights…),
    /// so it needs `--feature`.
    public static let featureByJobType: [String: String] = ["Script": "script-to-video"]

    /// True when `data` is a saved `GetBatchMediaProducingJob` or `GetMediaProducingJob` response. Cheap on
    /// other JSON: the text is only parsed when it names one of the two payloads.
    public static func isIMSResponse(_ data: Data) -> Bool {
        guard data.range(of: Data("EditingBatchJob".utf8)) != nil || data.range(of: Data("MediaProducingJob".utf8)) != nil,
              let document = try? SourceValue.json(data)
        else { return false }
        return payload(of: document) != nil
    }

    /// The jobs described by a saved response read from `path`. Media URLs resolve through the resolver's
    /// `--oss-map`; an output that is not synced keeps the response's `Duration` and says so in `warnings`.
    /// Times without an offset are read in `timeZone`.
    public static func load(path: String, data: Data, resolver: PathResolver, defaultFeature: String?,
                            timeZone: TimeZone = JobTime.defaultTimeZone) throws -> [JobSpec] {
        let document: SourceValue
        do {
            document = try SourceValue.json(data)
        } catch {
            throw ManifestError(path: path, message: "malformed JSON: \(ManifestLoader.reason(error))")
        }
        guard let (kind, fields) = payload(of: document) else {
            throw ManifestError(path: path,
                message: "not a GetBatchMediaProducingJob or GetMediaProducingJob response (no EditingBatchJob or MediaProducingJob object)")
        }
        let directory = (PathText.absolute(path, relativeTo: FileManager.default.currentDirectoryPath) as NSString)
            .deletingLastPathComponent
        let reader = ResponseReader(path: path, directory: directory, resolver: resolver, timeZone: timeZone, root: kind)
        switch kind {
        case batchKey: return try reader.batch(fields, defaultFeature: defaultFeature)
        default: return [try reader.single(fields)]
        }
    }

    static let batchKey = "EditingBatchJob"
    static let singleKey = "MediaProducingJob"

    private static func payload(of document: SourceValue) -> (String, [String: SourceValue])? {
        for candidate in [document, document["body"] ?? .null] {
            if let fields = candidate[batchKey]?.mapValue { return (batchKey, fields) }
            if let fields = candidate[singleKey]?.mapValue { return (singleKey, fields) }
        }
        return nil
    }
}

// MARK: - Reading one response

private struct ResponseReader {
    let path: String
    let directory: String
    let resolver: PathResolver
    let timeZone: TimeZone
    let root: String

    func batch(_ fields: [String: SourceValue], defaultFeature: String?) throws -> [JobSpec] {
        let batchID = try text(fields, "JobId", required: true)!
        let jobType = try text(fields, "JobType")
        let inputConfig = try embedded(fields, "InputConfig")
        let outputConfig = try embedded(fields, "OutputConfig")
        let completed = try time(fields, "CompleteTime")

        var template = JobSpec(id: batchID, source: path)
        template.finishedAt = completed
        if let jobType, let feature = IMSResponseLoader.featureByJobType[jobType] {
            template.feature = feature
        } else if let defaultFeature {
            template.feature = defaultFeature
        } else {
            template.problems.append("unknown job type '\(jobType ?? "none")': pass --feature to say which feature batch \(batchID) is billed as")
        }
        template.previewOnly = try flag(outputConfig, "GeneratePreviewOnly", field: "OutputConfig.GeneratePreviewOnly") ?? false
        template.maxDuration = try number(outputConfig, "MaxDuration", field: "OutputConfig.MaxDuration")
        template.outputWidth = try number(outputConfig, "Width", field: "OutputConfig.Width").map { NSDecimalNumber(decimal: $0).intValue }
        template.outputHeight = try number(outputConfig, "Height", field: "OutputConfig.Height").map { NSDecimalNumber(decimal: $0).intValue }
        if completed == nil {
            template.warnings.append("batch \(batchID) has no CompleteTime")
        }

        // Inputs: every MediaArray entry, shared by the batch's sub-jobs.
        var inputTexts: [String] = []
        for group in inputConfig["MediaGroupArray"].map(listItems) ?? [] {
            inputTexts += (group["MediaArray"].map(listItems) ?? []).compactMap(\.stringValue)
        }
        inputTexts += (inputConfig["MediaArray"].map(listItems) ?? []).compactMap(\.stringValue)
        var seen = Set<String>()
        for input in inputTexts where seen.insert(input).inserted {
            template.inputs += resolve(input, reportedDuration: nil, role: "input", job: &template)
        }
        if template.feature == "script-to-video", !template.inputs.isEmpty {
            template.warnings.append("inputs are listed for reference only: script-to-video is billed on its outputs")
        }

        guard let subJobs = fields["SubJobList"].map(listItems), !subJobs.isEmpty else {
            var job = template
            let status = try text(fields, "Status") ?? "unknown"
            job.problems.append("batch \(batchID) lists no sub-jobs (status \(status)): nothing to bill yet")
            return [job]
        }
        return try subJobs.enumerated().map { index, subJob in
            guard let sub = subJob.mapValue else {
                throw ManifestError(path: path, field: "\(root).SubJobList[\(index)]", message: "expected an object, found \(subJob.kindName)")
            }
            var job = template
            job.id = try text(sub, "JobId", field: "SubJobList[\(index)].JobId") ?? "\(batchID)#\(index + 1)"
            try applyStatus(sub, field: "SubJobList[\(index)]", to: &job)
            let duration = try number(sub, "Duration", field: "SubJobList[\(index)].Duration")
            if job.status == JobSpec.succeeded {
                if let url = try text(sub, "MediaURL", field: "SubJobList[\(index)].MediaURL") {
                    job.outputs = resolve(url, reportedDuration: duration, role: "output", job: &job)
                } else if let mediaID = try text(sub, "MediaId", field: "SubJobList[\(index)].MediaId") {
                    job.outputs = resolve(mediaID, reportedDuration: duration, role: "output", job: &job)
                } else if !job.previewOnly {
                    job.warnings.append("sub-job \(job.id) names no output MediaURL")
                }
            }
            return job
        }
    }

    func single(_ fields: [String: SourceValue]) throws -> JobSpec {
        var job = JobSpec(id: try text(fields, "JobId", required: true)!, feature: "video-editing", source: path)
        job.finishedAt = try time(fields, "CompleteTime")
        try applyStatus(fields, field: nil, to: &job)
        if let timeline = fields["Timeline"] {
            switch timeline {
            case .string(let text) where !text.trimmingCharacters(in: .whitespaces).isEmpty: job.timelineJSON = text
            case .map: job.timelineJSON = timeline.jsonText()
            default: break
            }
        }
        let duration = try number(fields, "Duration", field: "Duration")
        if job.status == JobSpec.succeeded {
            if let url = try text(fields, "MediaURL") {
                job.outputs = resolve(url, reportedDuration: duration, role: "output", job: &job)
            } else if let mediaID = try text(fields, "MediaId") {
                job.outputs = resolve(mediaID, reportedDuration: duration, role: "output", job: &job)
            }
        }
        return job
    }

    // MARK: - Pieces

    /// `Success`/`Failed` → succeeded/failed with "ErrorCode: ErrorMessage"; `Init`/`Processing` → a problem.
    private func applyStatus(_ fields: [String: SourceValue], field: String?, to job: inout JobSpec) throws {
        let prefix = field.map { "\($0)." } ?? ""
        let word = try text(fields, "Status", field: prefix + "Status") ?? ""
        guard let status = JobSpec.normalizedStatus(word), word.lowercased() != "finished" else {
            job.status = JobSpec.failed
            job.problems.append("job \(job.id) is not finished (status '\(word)'): only Success and Failed jobs can be billed")
            return
        }
        job.status = status
        if status == JobSpec.failed {
            let code = try text(fields, "ErrorCode", field: prefix + "ErrorCode") ?? text(fields, "Code", field: prefix + "Code")
            let message = try text(fields, "ErrorMessage", field: prefix + "ErrorMessage") ?? text(fields, "Message", field: prefix + "Message")
            job.failureReason = [code, message].compactMap { $0 }.joined(separator: ": ")
            if job.failureReason?.isEmpty ?? true { job.failureReason = "failed (no error code in the response)" }
        }
    }

    private func resolve(_ reference: String, reportedDuration: Decimal?, role: String, job: inout JobSpec) -> [MediaReference] {
        resolver.resolve(reference, relativeTo: directory).map { resolved in
            var reference = resolved
            reference.reportedDuration = reportedDuration
            if reference.escapesRoots {
                job.problems.append("\(role) \(reference.original): \(reference.problem!)")
            } else if reference.localPath == nil, let reportedDuration {
                job.warnings.append("\(role) \(reference.original) is not synced locally (\(reference.problem ?? "unresolved")); using the response's Duration \(reportedDuration) s")
            }
            return reference
        }
    }

    private func listItems(_ value: SourceValue) -> [SourceValue] {
        if case .list(let items) = value { return items }
        return []
    }

    private func fieldName(_ field: String) -> String { "\(root).\(field)" }

    private func text(_ fields: [String: SourceValue], _ key: String, field: String? = nil, required: Bool = false) throws -> String? {
        switch fields[key] {
        case .string(let value)?:
            let trimmed = value.trimmingCharacters(in: .whitespaces)
            if !trimmed.isEmpty { return trimmed }
        case .number(let value)?:
            return "\(value)"
        case nil, .null?:
            break
        case let other?:
            throw ManifestError(path: path, field: fieldName(field ?? key), message: "expected text, found \(other.kindName)")
        }
        if required { throw ManifestError(path: path, field: fieldName(field ?? key), message: "missing") }
        return nil
    }

    private func number(_ fields: [String: SourceValue], _ key: String, field: String) throws -> Decimal? {
        switch fields[key] {
        case .number(let value)? where value >= 0: return value
        case .string(let value)?:
            if value.trimmingCharacters(in: .whitespaces).isEmpty { return nil }
            if let number = SourceValue.exactNumber(value.trimmingCharacters(in: .whitespaces)), number >= 0 { return number }
        case nil, .null?: return nil
        default: break
        }
        throw ManifestError(path: path, field: fieldName(field), message: "expected a number ≥ 0")
    }

    private func flag(_ fields: [String: SourceValue], _ key: String, field: String) throws -> Bool? {
        switch fields[key] {
        case .bool(let value)?: return value
        case .string(let value)? where ["true", "false"].contains(value.lowercased()): return value.lowercased() == "true"
        case nil, .null?: return nil
        default: throw ManifestError(path: path, field: fieldName(field), message: "expected true or false")
        }
    }

    private func time(_ fields: [String: SourceValue], _ key: String) throws -> Date? {
        guard let value = try text(fields, key) else { return nil }
        guard let date = JobTime.parse(value, timeZone: timeZone) else {
            throw ManifestError(path: path, field: fieldName(key), message: "expected an ISO 8601 time, found \"\(value)\"")
        }
        return date
    }

    /// A configuration that IMS returns as a JSON string inside the JSON (or, from some SDK dumps, as an object).
    private func embedded(_ fields: [String: SourceValue], _ key: String) throws -> [String: SourceValue] {
        switch fields[key] {
        case .map(let map)?: return map
        case .string(let text)?:
            if text.trimmingCharacters(in: .whitespaces).isEmpty { return [:] }
            do {
                guard case .map(let map) = try SourceValue.json(Data(text.utf8)) else {
                    throw ManifestError(path: path, field: fieldName(key), message: "expected a JSON object inside the string")
                }
                return map
            } catch let error as ManifestError {
                throw error
            } catch {
                throw ManifestError(path: path, field: fieldName(key), message: "the embedded JSON is malformed: \(ManifestLoader.reason(error))")
            }
        case nil, .null?: return [:]
        case let other?:
            throw ManifestError(path: path, field: fieldName(key), message: "expected a JSON string, found \(other.kindName)")
        }
    }
}

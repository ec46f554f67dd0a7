import Billing
import Foundation

/// Reads saved IMS API responses as job sources (docs/contract.md, Jobs; docs/ims-bodies.md): `GetBatchMediaProducingJob` (one job per batch:
/// its inputs once, its succeeded sub-jobs' outputs; failed sub-jobs listed at 0), `GetMediaProducingJob`,
/// `ListMediaProducingJobs` (each job in the list) and `GetSmartHandleJob` (highlight extraction). The raw
/// response body and the SDK's `{headers, statusCode, body}` dump are both accepted.
enum IMSResponseLoader {
    /// IMS batch `JobType` → billed feature. `Smart_Mix` is image-text matching (the movie scene when its
    /// `SceneInfo` says so); the `*_Media_Select` / `*_Timeline_Organize` stages are not billed (preview).
    static let featureByJobType: [String: FeatureID] = [
        "Script": .scriptToVideo, "Smart_Mix": .imageTextMatching, "Sports_Highlights": .sportsHighlights,
        "Screen_Media_Highlights": .highlightMashup, "Scene_Batch_Editing": .videoEditing,
        "Smart_Mix_Media_Select": .imageTextMatching, "Smart_Mix_Timeline_Organize": .imageTextMatching,
        "Screen_Media_Highlights_Media_Select": .highlightMashup,
        "Screen_Media_Highlights_Timeline_Organize": .highlightMashup,
    ]

    static let batchKey = "EditingBatchJob"
    static let singleKey = "MediaProducingJob"
    static let listKey = "MediaProducingJobList"
    static let smartKey = "SmartJobInfo"
    /// `ListBatchMediaProducingJobs`: batches without their sub-jobs, so without anything to bill.
    static let batchListKey = "EditingBatchJobList"

    /// The kind of response and its payload, or nil when `document` is no saved response ClipMeter reads.
    static func payload(of document: SourceValue) -> (kind: String, value: SourceValue)? {
        for candidate in [document, document["body"] ?? .null] {
            if let fields = candidate[batchKey], fields.mapValue != nil { return (batchKey, fields) }
            if let fields = candidate[singleKey], fields.mapValue != nil { return (singleKey, fields) }
            if let list = candidate[listKey], case .list = list { return (listKey, list) }
            if let list = candidate[batchListKey], case .list = list { return (batchListKey, list) }
            if candidate[smartKey]?.mapValue != nil || (candidate["JobResult"] != nil && candidate["State"] != nil) {
                return (smartKey, candidate)
            }
        }
        return nil
    }

    static func load(
        path: String, document: SourceValue, resolver: PathResolver, feature: String?,
        fallbackFeature: String? = nil, timeZone: TimeZone
    ) throws -> [JobSpec] {
        guard let (kind, value) = payload(of: document) else {
            throw ManifestError(path: path, message: "not a saved IMS response ClipMeter reads")
        }
        let reader = ResponseReader(
            fields: IMSFields(path: path, resolver: resolver, timeZone: timeZone, root: kind),
            feature: feature, fallback: fallbackFeature)
        switch kind {
        case batchKey: return try reader.batch(value.mapValue ?? [:])
        case singleKey: return [try reader.single(value.mapValue ?? [:])]
        case listKey:
            return try reader.fields.list(value).enumerated().map { index, item in
                guard let fields = item.mapValue else {
                    throw ManifestError(path: path, field: "\(listKey)[\(index)]", message: "expected an object, found \(item.kindName)")
                }
                let entry = ResponseReader(
                    fields: reader.fields.under("\(listKey)[\(index)]"), feature: feature,
                    fallback: fallbackFeature)
                return try entry.single(fields)
            }
        case batchListKey:
            // A page of batches lists neither sub-jobs nor outputs: billing it would be a silent zero.
            let ids = reader.fields.list(value).compactMap { $0["JobId"]?.stringValue }
            let named = ids.isEmpty ? "" : " (JobId \(ids.prefix(3).joined(separator: ", "))\(ids.count > 3 ? ", …" : ""))"
            throw ManifestError(
                path: path,
                message:
                    "a ListBatchMediaProducingJobs page lists \(ids.count) batch(es)\(named) without their sub-jobs or outputs, so it bills nothing: save the GetBatchMediaProducingJob response of each batch instead"
            )
        default: return [try reader.smartHandle(value.mapValue ?? [:])]
        }
    }
}

// MARK: - Reading one response

private struct ResponseReader {
    let fields: IMSFields
    /// `--feature` of `estimate`: replaces what the response implies.
    let feature: String?
    /// `--feature` of `scan`: names only a feature the response leaves unknown.
    var fallback: String? = nil

    func batch(_ batch: [String: SourceValue]) throws -> [JobSpec] {
        let batchID = try fields.text(batch, "JobId", required: true) ?? ""
        let jobType = try fields.text(batch, "JobType")
        let input = try fields.embedded(batch, "InputConfig")
        let output = try fields.embedded(batch, "OutputConfig")
        let outputs = fields.under(fields.fieldName("OutputConfig"))

        var job = JobSpec(id: batchID, source: fields.path)
        job.key = JobIdentity.ims(batchID)
        job.isBatch = true
        job.finishedAt = try fields.time(batch, "CompleteTime")
        job.observedAt = try fields.time(batch, "ModifiedTime") ?? job.finishedAt
        applyFeature(jobType: jobType, input: input, to: &job)
        job.previewOnly = try outputs.flag(output, "GeneratePreviewOnly") ?? false
        job.maxDuration = try outputs.outputBound(output, "MaxDuration")
        job.outputCodec = try outputs.videoCodec(output)
        if let width = try outputs.count(output, "Width", maximum: 16384), let height = try outputs.count(output, "Height", maximum: 16384)
        {
            job.outputWidth = width
            job.outputHeight = height
        }

        // Inputs, once per batch: grouped and flat media arrays, and a sports job's single InputMedia.
        var names = fields.list(input["MediaGroupArray"]).flatMap { fields.mediaNames($0["MediaArray"]) }
        names += fields.mediaNames(input["MediaArray"])
        if case .string(let single)? = input["InputMedia"] { names.append(single) }
        fields.resolveInputs(names, job: &job)
        if job.feature == .scriptToVideo, !job.inputs.isEmpty {
            job.warnings.append(.inputsForReferenceOnly)
        }
        if let jobType, jobType.hasSuffix("_Media_Select") || jobType.hasSuffix("_Timeline_Organize") {
            job.notBilled = IMSRequestLoader.previewNotBilled
            return [job]
        }

        let status = try fields.text(batch, "Status") ?? ""
        if let pending = Self.unfinished(status) {
            // Still running: listed as pending, never billed, and its sub-jobs are not jobs of their own yet.
            job.stage = .pending(pending)
            return [job]
        }
        if job.finishedAt == nil { job.warnings.append(.noCompleteTime(batch: batchID)) }
        let subJobs = fields.list(batch["SubJobList"])
        guard !subJobs.isEmpty else {
            if status.lowercased() == "failed" {
                job.status = .failed
                job.failureReason = try extendError(batch) ?? "the batch failed (no error in Extend)"
            } else {
                job.problems.append(
                    "batch \(batchID) lists no sub-jobs (status \(status.isEmpty ? "unknown" : status)): save the GetBatchMediaProducingJob response once the batch has finished"
                )
            }
            return [job]
        }

        // The batch is the task: succeeded sub-jobs' outputs are its outputs; failed ones are listed at 0.
        var failed: [JobSpec] = []
        var succeeded = 0
        for (index, item) in subJobs.enumerated() {
            let field = "SubJobList[\(index)]"
            guard let sub = item.mapValue else { throw fields.error(field, "expected an object, found \(item.kindName)") }
            var subJob = job
            subJob.id = try fields.text(sub, "JobId", field: "\(field).JobId") ?? "\(batchID)#\(index + 1)"
            subJob.key = JobIdentity.ims(subJob.id)
            subJob.inputs = []
            subJob.outputs = []
            subJob.warnings = []
            subJob.problems = []
            try applyStatus(sub, field: field, to: &subJob)
            if !subJob.problems.isEmpty {
                job.problems += subJob.problems.filter { !job.problems.contains($0) }
                continue
            }
            if subJob.status == .failed {
                subJob.isBatch = false
                subJob.failureReason = "sub-job of batch \(batchID): " + (subJob.failureReason ?? "failed")
                failed.append(subJob)
                continue
            }
            succeeded += 1
            let duration = try fields.number(sub, "Duration", field: "\(field).Duration")
            if let url = try fields.text(sub, "MediaURL", field: "\(field).MediaURL")
                ?? fields.text(sub, "MediaId", field: "\(field).MediaId")
            {
                job.outputs += fields.resolve(url, reportedDuration: duration, role: "output", job: &job)
            } else if !job.previewOnly {
                job.warnings.append(.subJobWithoutOutput(subJob: subJob.id))
            }
        }
        if succeeded == 0, job.problems.isEmpty {
            job.status = .failed
            job.failureReason = "no sub-job of batch \(batchID) succeeded"
            job.inputs = []
        } else if !failed.isEmpty {
            job.warnings.append(.subJobsFailed(failed: failed.count, of: subJobs.count))
        }
        return [job] + failed
    }

    func single(_ fields: [String: SourceValue]) throws -> JobSpec {
        var job = JobSpec(
            id: try self.fields.text(fields, "JobId", required: true) ?? "", feature: .videoEditing,
            source: self.fields.path)
        job.key = JobIdentity.ims(job.id)
        job.finishedAt = try self.fields.time(fields, "CompleteTime")
        job.observedAt = try self.fields.time(fields, "ModifiedTime") ?? job.finishedAt
        try applyStatus(fields, field: nil, to: &job)
        if job.stage.isPending { return job }
        if fields["SubJobMaterials"] != nil {
            // A sub-job of a batch is billed as its batch's feature, which this response does not carry; a
            // failed one costs 0 whatever that feature is, so it needs neither the batch nor --feature.
            if job.status == .failed {
                job.failureReason = "sub-job of a batch, 0 whatever the batch's feature: " + (job.failureReason ?? "failed")
            } else if feature == nil {
                job.problems.append(
                    JobProblem(
                        "job \(job.id) is a sub-job of a batch (it has SubJobMaterials): it is billed as its batch's feature; price the GetBatchMediaProducingJob response, or name the feature",
                        remedy: .nameTheFeature))
            }
        }
        if let feature, FeatureID(rawValue: feature) != job.feature {
            if fields["SubJobMaterials"] == nil {
                job.warnings.append(.featureOverride(feature: feature, implied: "video-editing", impliedBy: "GetMediaProducingJob"))
            }
            job.nameFeature(feature)
        }
        switch fields["Timeline"] {
        case .string(let text)? where !text.trimmingCharacters(in: .whitespaces).isEmpty: job.timelineJSON = text
        case .map?: job.timelineJSON = fields["Timeline"]?.jsonText()
        default: break
        }
        let duration = try self.fields.number(fields, "Duration", field: "Duration")
        if job.status == .succeeded,
            let url = try self.fields.text(fields, "MediaURL") ?? self.fields.text(fields, "MediaId")
        {
            job.outputs = self.fields.resolve(url, reportedDuration: duration, role: "output", job: &job)
        }
        return job
    }

    /// `GetSmartHandleJob`: the result of a highlight extraction, billed on its input.
    func smartHandle(_ body: [String: SourceValue]) throws -> JobSpec {
        var job = JobSpec(id: try fields.text(body, "JobId", required: true) ?? "", source: fields.path)
        job.key = JobIdentity.ims(job.id)
        let info = body["SmartJobInfo"]?.mapValue ?? [:]
        let type = try fields.text(info, "JobType", field: "SmartJobInfo.JobType")
        if let feature {
            job.nameFeature(feature)
        } else if type == nil || type!.lowercased().contains("highlight") {
            job.feature = .highlightExtraction
        } else if let fallback {
            job.nameFeature(fallback)
        } else {
            job.problems.append(
                JobProblem(
                    "GetSmartHandleJob of job type \(type!) is not a production feature ClipMeter prices; name the feature if it is billed as one",
                    remedy: .nameTheFeature))
        }
        let state = try fields.text(body, "State") ?? ""
        switch state.lowercased() {
        case "finished", "success", "succeeded": job.status = .succeeded
        case "failed", "fail":
            job.status = .failed
            let reason = [try fields.text(body, "ErrorCode"), try fields.text(body, "ErrorMessage")].compactMap { $0 }
            job.failureReason = reason.isEmpty ? "failed (no error code in the response)" : reason.joined(separator: ": ")
        default:
            job.stage = .pending(state.isEmpty ? "unknown" : state)
        }
        // No completion time in this response: its last modification is when it finished.
        job.finishedAt = try fields.under("SmartJobInfo").time(info, "ModifiedTime")
        job.observedAt = job.finishedAt
        if job.stage.isPending { return job }
        var names: [String] = []
        switch info["InputConfig"] {
        case .map(let input)?:
            if case .string(let file)? = input["InputFile"] { names.append(file) }
            names += fields.mediaNames(input["MediaArray"])
        case .string?:
            let input = try fields.under("SmartJobInfo").embedded(info, "InputConfig")
            if case .string(let file)? = input["InputFile"] { names.append(file) }
            names += fields.mediaNames(input["MediaArray"])
        default: break
        }
        fields.resolveInputs(names, job: &job)
        if job.inputs.isEmpty, job.status == .succeeded {
            job.problems.append("SmartJobInfo.InputConfig names no input: a highlight extraction is billed on its input")
        }
        return job
    }

    // MARK: - Pieces

    /// The status word of a job IMS has not finished (`Init`, `Queuing`, `Processing`, …), nil for a finished or
    /// failed one or a word that is neither (an error of its own).
    static func unfinished(_ word: String) -> String? {
        let lower = word.trimmingCharacters(in: .whitespaces).lowercased()
        let running: Set<String> = [
            "init", "initial", "queuing", "queued", "waiting", "processing", "running", "executing",
            "submitted", "pending", "created",
        ]
        return running.contains(lower) ? word : nil
    }

    private func applyFeature(jobType: String?, input: [String: SourceValue], to job: inout JobSpec) {
        var implied = jobType.flatMap { IMSResponseLoader.featureByJobType[$0] }
        if implied == .imageTextMatching, jobType == "Smart_Mix", isMovie(input["SceneInfo"]) {
            implied = .imageTextMatchingMovie
        }
        if let feature {
            if let implied, implied.rawValue != feature {
                job.warnings.append(
                    .featureOverride(feature: feature, implied: implied.rawValue, impliedBy: "JobType \(jobType ?? "")"))
            }
            job.nameFeature(feature)
        } else if let implied {
            job.feature = implied
        } else if let fallback {
            job.nameFeature(fallback)
        } else {
            job.problems.append(
                JobProblem(
                    "unknown job type '\(jobType ?? "none")': name the feature batch \(job.id) is billed as", remedy: .nameTheFeature))
        }
    }

    private func isMovie(_ value: SourceValue?) -> Bool {
        guard case .map(let map)? = value, let scene = map["Scene"]?.stringValue?.lowercased() else { return false }
        return scene.contains("movie") || scene.contains("film")
    }

    /// A failed batch's reason from its `Extend` JSON string (`{ErrorCode, ErrorMessage}`).
    private func extendError(_ batch: [String: SourceValue]) throws -> String? {
        let extend = (try? fields.embedded(batch, "Extend")) ?? [:]
        let parts = [try fields.text(extend, "ErrorCode"), try fields.text(extend, "ErrorMessage")].compactMap { $0 }
        return parts.isEmpty ? nil : parts.joined(separator: ": ")
    }

    /// `Success`/`Failed` → succeeded/failed with "ErrorCode: ErrorMessage"; `Init`/`Processing` → a problem.
    private func applyStatus(_ body: [String: SourceValue], field: String?, to job: inout JobSpec) throws {
        let prefix = field.map { "\($0)." } ?? ""
        let word = try fields.text(body, "Status", field: prefix + "Status") ?? ""
        if field == nil, let pending = Self.unfinished(word) {
            job.stage = .pending(pending)
            return
        }
        guard let status = JobSpec.normalizedStatus(word), word.lowercased() != "finished" else {
            job.status = .failed
            job.problems.append(
                "job \(job.id) has status '\(word)', which is neither finished nor failed: only Success and Failed jobs can be billed")
            return
        }
        job.status = status
        if status == .failed {
            let code = try fields.text(body, "ErrorCode", field: prefix + "ErrorCode") ?? fields.text(body, "Code", field: prefix + "Code")
            let message =
                try fields.text(body, "ErrorMessage", field: prefix + "ErrorMessage")
                ?? fields.text(body, "Message", field: prefix + "Message")
            job.failureReason = [code, message].compactMap { $0 }.joined(separator: ": ")
            if job.failureReason?.isEmpty ?? true { job.failureReason = "failed (no error code in the response)" }
        }
    }
}

import Billing
import Foundation
import Timeline

/// The IMS `Submit*` APIs whose request bodies ClipMeter prices before they are sent (docs/contract.md, Jobs; docs/ims-bodies.md).
public enum IMSRequestAPI: String, Sendable, CaseIterable {
    case submitBatchMediaProducingJob = "SubmitBatchMediaProducingJob"
    case submitMediaProducingJob = "SubmitMediaProducingJob"
    case submitHighlightExtractionJob = "SubmitHighlightExtractionJob"
    case submitScreenMediaHighlightsJob = "SubmitScreenMediaHighlightsJob"
    case submitSportsHighlightsJob = "SubmitSportsHighlightsJob"
    case submitSceneMediaSelectionJob = "SubmitSceneMediaSelectionJob"
    case submitSceneTimelineOrganizationJob = "SubmitSceneTimelineOrganizationJob"
    case submitSceneBatchEditingJob = "SubmitSceneBatchEditingJob"

    /// The API named by `text`, in any case.
    public init?(name text: String) {
        guard let api = Self.allCases.first(where: { $0.rawValue.lowercased() == text.lowercased() }) else { return nil }
        self = api
    }

    /// Top-level keys that only a request body has (a response wraps its job in `EditingBatchJob`, …).
    static let bodyKeys: Set<String> = [
        "InputConfig", "OutputConfig", "EditingConfig", "OutputMediaConfig", "Timeline", "TemplateId", "ClipsParam",
        "ProjectId", "ProjectIds", "MediaSelectResult", "TemplateConfig",
    ]
}

/// Reads `Submit*` request bodies as job sources: before a job is submitted, its inputs are measured and its
/// outputs bounded from the configuration, so a budget gate can judge what it will cost.
///
/// Accepted: the SDK's `to_map()` form (configurations as JSON strings), the decoded form (objects), with or
/// without an `"Action"` field, one body or a JSON list of bodies. The API comes from `Action`, from `api`, or
/// from the keys; a body none of these settles is an error, never a job at 0.
enum IMSRequestLoader {
    /// Not-billed rule for the material-selection and timeline-organization preview APIs.
    static let previewNotBilled =
        "SubmitSceneMediaSelectionJob / SubmitSceneTimelineOrganizationJob are in public preview and not billed (公测中，暂不计费: https://help.aliyun.com/zh/ims/developer-reference/api-ice-2020-11-09-submitscenemediaselectionjob)"

    /// True when `document` is a request body or a list of them (and not a saved response).
    static func recognizes(_ document: SourceValue) -> Bool {
        switch document {
        case .map(let fields): return isBody(fields)
        case .list(let items): return !items.isEmpty && items.allSatisfy { $0.mapValue.map(isBody) ?? false }
        default: return false
        }
    }

    static func isBody(_ fields: [String: SourceValue]) -> Bool {
        if case .string(let action)? = fields["Action"], action.hasPrefix("Submit") { return true }
        return !IMSRequestAPI.bodyKeys.isDisjoint(with: fields.keys)
    }

    static func load(
        path: String, document: SourceValue, resolver: PathResolver, feature: String?, api: IMSRequestAPI?,
        timeZone: TimeZone, idBase: String?
    ) throws -> [JobSpec] {
        let bodies: [(fields: [String: SourceValue], root: String)]
        switch document {
        case .map(let fields): bodies = [(fields, "")]
        case .list(let items):
            bodies = try items.enumerated().map { index, item in
                guard let fields = item.mapValue else {
                    throw ManifestError(
                        path: path, field: "[\(index)]", message: "expected a request body (an object), found \(item.kindName)")
                }
                return (fields, "[\(index)]")
            }
        default:
            throw ManifestError(path: path, message: "expected a request body or a list of them")
        }
        let bodyKey = JobIdentity.place(path, resolver: resolver)
        return try bodies.enumerated().map { index, body in
            let reader = IMSFields(path: path, resolver: resolver, timeZone: timeZone, root: body.root)
            var job = JobSpec(id: "\(idBase ?? path)#\(index + 1)", source: path)
            // A body is a plan: `estimate` prices it, `scan` lists it apart and never bills it.
            job.stage = .planned
            job.key = JobIdentity.planned(bodyKey: bodyKey, index: index + 1)
            let resolvedAPI = try self.api(of: body.fields, given: api, reader: reader)
            try RequestReader(fields: reader, body: body.fields, api: resolvedAPI).read(into: &job)
            if let feature {
                if let stated = job.feature, stated.rawValue != feature {
                    job.warnings.append(.featureOverride(feature: feature, implied: stated.rawValue, impliedBy: resolvedAPI.rawValue))
                }
                job.nameFeature(feature)
            }
            return job
        }
    }

    /// The API of one body: its `Action`, else `--api`, else the one API its keys fit (`IMSRequestSignature`).
    /// Keys that fit several APIs, or none, are an error naming them, never a guess.
    static func api(of body: [String: SourceValue], given: IMSRequestAPI?, reader: IMSFields) throws -> IMSRequestAPI {
        if case .string(let action)? = body["Action"] {
            guard let api = IMSRequestAPI(name: action) else {
                let known = IMSRequestAPI.allCases.map(\.rawValue).joined(separator: ", ")
                throw reader.error("Action", "\"\(action)\" is not an API ClipMeter prices (known: \(known))")
            }
            if let given, given != api {
                throw reader.error("Action", "the body says \(api.rawValue) but --api says \(given.rawValue)")
            }
            return api
        }
        if let given { return given }
        let verdict = IMSRequestSignature.verdict(
            body: body, input: try reader.embedded(body, "InputConfig"),
            output: try reader.embedded(body, "OutputConfig"))
        if verdict.candidates.count == 1, let api = verdict.candidates.first { return api }
        throw ManifestError(
            path: reader.path, field: reader.root.isEmpty ? nil : reader.root,
            message: IMSRequestSignature.reason(verdict), remedy: .nameTheAPI)
    }
}

// MARK: - Reading one body

private struct RequestReader {
    let fields: IMSFields
    let body: [String: SourceValue]
    let api: IMSRequestAPI

    func read(into job: inout JobSpec) throws {
        job.warnings.append(.preFlight(api: api.rawValue))
        switch api {
        case .submitBatchMediaProducingJob: try batch(&job)
        case .submitMediaProducingJob: try editing(&job)
        case .submitHighlightExtractionJob: try highlightExtraction(&job)
        case .submitScreenMediaHighlightsJob: try aiBatch(&job, feature: .highlightMashup, inputs: "MediaArray")
        case .submitSportsHighlightsJob: try aiBatch(&job, feature: .sportsHighlights, inputs: "InputMedia")
        case .submitSceneMediaSelectionJob, .submitSceneTimelineOrganizationJob: try preview(&job)
        case .submitSceneBatchEditingJob: try sceneBatchEditing(&job)
        }
    }

    // MARK: SubmitBatchMediaProducingJob

    private func batch(_ job: inout JobSpec) throws {
        let input = try fields.embedded(body, "InputConfig")
        let editing = try fields.embedded(body, "EditingConfig")
        let output = try fields.embedded(body, "OutputConfig")
        let inputs = fields.under(fields.fieldName("InputConfig"))
        let outputs = fields.under(fields.fieldName("OutputConfig"))
        let groups = fields.list(input["MediaGroupArray"]).compactMap(\.mapValue)

        // Mode selection (IMS "script vs image-text matching" rules): groups win over a flat MediaArray.
        if !groups.isEmpty {
            job.feature = .scriptToVideo
        } else if input["MediaArray"] != nil || input["MediaSearchInput"] != nil {
            job.feature = isMovieScene(input["SceneInfo"]) ? .imageTextMatchingMovie : .imageTextMatching
        } else {
            job.problems.append(
                "InputConfig has neither MediaGroupArray, MediaArray nor MediaSearchInput: no production mode can be chosen")
        }
        var names = groups.flatMap { fields.mediaNames($0["MediaArray"]) }
        names += fields.mediaNames(input["MediaArray"])
        fields.resolveInputs(names, job: &job)
        job.isBatch = true
        job.previewOnly = try outputs.flag(output, "GeneratePreviewOnly") ?? false
        try size(output, reader: outputs, into: &job)

        let count = try outputs.count(output, "Count", maximum: 100) ?? 1
        let maximum = try outputs.outputBound(output, "MaxDuration")
        job.maxDuration = maximum
        let length: PlannedLength
        if let fixed = try outputs.outputBound(output, "FixedDuration") {
            length = .exact(fixed, basis: "OutputConfig.FixedDuration \(SecondsFormat.text(fixed)) s")
        } else if job.feature == .scriptToVideo {
            length = try scriptLength(input: input, groups: groups, editing: editing, maximum: maximum, reader: inputs)
        } else {
            // Image-text matching follows its voice-over, whose length only synthesis knows.
            length = capped(
                maximum, field: "OutputConfig.MaxDuration",
                detail: "an image-text matching output lasts as long as its voice-over, known only after synthesis")
        }
        if input["MediaSearchInput"] != nil, groups.isEmpty, input["MediaArray"] == nil {
            job.problems.append(
                "the inputs are chosen at run time by InputConfig.MediaSearchInput, so their duration cannot be known before submission; list them in InputConfig.MediaArray to price the job"
            )
        }
        job.outputPlan = OutputPlan(count: count, length: length)
    }

    /// Script-to-video (IMS script-to-video FAQ): a global voice-over sets the length; else `FixedDuration`;
    /// else grouped narration sums the groups (a group without speech lasts its `Duration`, default 5 s);
    /// else one shot of `SingleShotDuration` per group. `MaxDuration` caps all of them.
    private func scriptLength(
        input: [String: SourceValue], groups: [[String: SourceValue]],
        editing: [String: SourceValue], maximum: Decimal?, reader: IMSFields
    ) throws -> PlannedLength {
        let speech = "the output lasts as long as its voice-over"
        if !fields.list(input["SpeechTextArray"]).isEmpty {
            return capped(
                maximum, field: "OutputConfig.MaxDuration", detail: "\(speech) (InputConfig.SpeechTextArray), known only after synthesis")
        }
        let grouped = groups.contains { $0["Duration"] != nil || !fields.list($0["SpeechTextArray"]).isEmpty }
        if grouped {
            if groups.contains(where: { !fields.list($0["SpeechTextArray"]).isEmpty }) {
                return capped(
                    maximum, field: "OutputConfig.MaxDuration",
                    detail: "\(speech) of its groups (MediaGroupArray[].SpeechTextArray), known only after synthesis")
            }
            var total: Decimal = 0
            for (index, group) in groups.enumerated() {
                total += try reader.outputBound(group, "Duration", field: "MediaGroupArray[\(index)].Duration") ?? 5
            }
            return exactOrCapped(total, basis: "\(groups.count) groups' Duration (5 s where unset)", maximum: maximum)
        }
        let process = (editing["ProcessConfig"]?.mapValue) ?? [:]
        if let shot = try fields.under(fields.fieldName("EditingConfig.ProcessConfig")).outputBound(process, "SingleShotDuration") {
            return exactOrCapped(
                shot * Decimal(groups.count),
                basis: "EditingConfig.ProcessConfig.SingleShotDuration \(SecondsFormat.text(shot)) s × \(groups.count) groups",
                maximum: maximum)
        }
        return capped(
            maximum, field: "OutputConfig.MaxDuration",
            detail: "no FixedDuration and no SingleShotDuration: the shots' length is chosen at run time")
    }

    // MARK: SubmitMediaProducingJob

    private func editing(_ job: inout JobSpec) throws {
        job.feature = .videoEditing
        let config = try fields.embedded(body, "OutputMediaConfig")
        let reader = fields.under(fields.fieldName("OutputMediaConfig"))
        try size(config, reader: reader, into: &job)
        let maximum = try reader.outputBound(config, "MaxDuration")
        job.maxDuration = maximum
        switch body["Timeline"] {
        case .string(let text)? where !text.trimmingCharacters(in: .whitespaces).isEmpty:
            job.timelineJSON = text
        case .map?:
            job.timelineJSON = body["Timeline"]?.jsonText()
        default:
            break
        }
        let sizeFromInputs = job.outputWidth == nil
        if job.timelineJSON != nil {
            job.outputPlan = OutputPlan(
                count: 1, length: .timeline(cap: maximum, capField: "OutputMediaConfig.MaxDuration"),
                sizeFromInputs: sizeFromInputs)
        } else {
            let what = body["TemplateId"] != nil ? "TemplateId" : (body["ProjectId"] != nil ? "ProjectId" : nil)
            guard let what else {
                job.problems.append("SubmitMediaProducingJob needs one of Timeline, TemplateId (+ ClipsParam) or ProjectId")
                return
            }
            job.outputPlan = OutputPlan(
                count: 1,
                length: capped(
                    maximum, field: "OutputMediaConfig.MaxDuration",
                    detail: "the timeline of \(what) lives in IMS, so its length is unknown offline"), sizeFromInputs: sizeFromInputs)
        }
    }

    // MARK: Highlights

    private func highlightExtraction(_ job: inout JobSpec) throws {
        job.feature = .highlightExtraction
        let input = try fields.embedded(body, "InputConfig")
        fields.resolveInputs(fields.mediaNames(input["MediaArray"]), job: &job)
        if job.inputs.isEmpty { job.problems.append("InputConfig.MediaArray names no media") }
    }

    /// Sports highlights and highlight mashups: inputs once, `Count` outputs whose length the AI chooses.
    private func aiBatch(_ job: inout JobSpec, feature: FeatureID, inputs key: String) throws {
        job.feature = feature
        job.isBatch = true
        let input = try fields.embedded(body, "InputConfig")
        let output = try fields.embedded(body, "OutputConfig")
        let outputs = fields.under(fields.fieldName("OutputConfig"))
        if case .string(let single)? = input[key] {
            fields.resolveInputs([single], job: &job)
        } else {
            fields.resolveInputs(fields.mediaNames(input[key]), job: &job)
        }
        if job.inputs.isEmpty { job.problems.append("InputConfig.\(key) names no media") }
        try size(output, reader: outputs, into: &job)
        let count = try outputs.count(output, "Count", maximum: 100) ?? 1
        let length: PlannedLength
        if let fixed = try outputs.outputBound(output, "FixedDuration") {
            length = .exact(fixed, basis: "OutputConfig.FixedDuration \(SecondsFormat.text(fixed)) s")
        } else {
            length = capped(
                try outputs.outputBound(output, "MaxDuration"), field: "OutputConfig.MaxDuration",
                detail: "the AI chooses how long each \(feature) output runs")
        }
        job.outputPlan = OutputPlan(count: count, length: length)
    }

    private func preview(_ job: inout JobSpec) throws {
        let type = try fields.text(body, "JobType") ?? ""
        // The scene stages name their line (Smart_Mix_… or Screen_Media_Highlights_…) in the documented JobTypes.
        job.feature = IMSResponseLoader.featureByJobType[type] ?? .imageTextMatching
        job.notBilled = IMSRequestLoader.previewNotBilled
    }

    private func sceneBatchEditing(_ job: inout JobSpec) throws {
        job.feature = .videoEditing
        job.isBatch = true
        let output = try fields.embedded(body, "OutputConfig")
        let outputs = fields.under(fields.fieldName("OutputConfig"))
        try size(output, reader: outputs, into: &job)
        let projects: [String]
        switch body["ProjectIds"] {
        case .string(let text)?:
            projects = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        case .list?: projects = fields.mediaNames(body["ProjectIds"])
        default: projects = []
        }
        guard !projects.isEmpty else {
            job.problems.append("ProjectIds names no editing project")
            return
        }
        job.outputPlan = OutputPlan(
            count: projects.count,
            length: capped(
                try outputs.outputBound(output, "MaxDuration"), field: "OutputConfig.MaxDuration",
                detail: "each project's timeline lives in IMS, so its length is unknown offline"))
    }

    // MARK: Pieces

    /// The output size (`Width` and `Height`) and codec (`Video.Codec`) a configuration asks for.
    private func size(_ config: [String: SourceValue], reader: IMSFields, into job: inout JobSpec) throws {
        job.outputCodec = try reader.videoCodec(config) ?? job.outputCodec
        let width = try reader.count(config, "Width", maximum: 16384)
        let height = try reader.count(config, "Height", maximum: 16384)
        if let width, let height {
            job.outputWidth = width
            job.outputHeight = height
        } else if width != nil || height != nil {
            job.warnings.append(.halfAnOutputSize(field: reader.root))
        }
    }

    private func isMovieScene(_ value: SourceValue?) -> Bool {
        let scene: String?
        switch value {
        case .map(let map)?: scene = map["Scene"]?.stringValue
        case .string(let text)?: scene = (try? SourceValue.json(Data(text.utf8)))?["Scene"]?.stringValue ?? text
        default: scene = nil
        }
        guard let scene = scene?.lowercased() else { return false }
        return scene.contains("movie") || scene.contains("film")
    }

    private func capped(_ maximum: Decimal?, field: String, detail: String) -> PlannedLength {
        guard let maximum else { return .unbounded(field: field, detail: detail) }
        return .between(low: 0, high: maximum, basis: "at most \(field) \(SecondsFormat.text(maximum)) s (\(detail))")
    }

    private func exactOrCapped(_ seconds: Decimal, basis: String, maximum: Decimal?) -> PlannedLength {
        if let maximum, maximum < seconds {
            return .exact(
                maximum,
                basis: "\(basis) = \(SecondsFormat.text(seconds)) s, capped by OutputConfig.MaxDuration \(SecondsFormat.text(maximum)) s")
        }
        return .exact(seconds, basis: basis)
    }
}

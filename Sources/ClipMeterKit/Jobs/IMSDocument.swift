import Foundation

/// A JSON document named as a job source that IMS wrote or will read: a saved response or a request body.
enum IMSDocument {
    /// True when `data` is a saved IMS response or a `Submit*` request body (or a list of bodies). Cheap on
    /// other JSON: the text is only parsed when it names something IMS-like.
    static func recognizes(_ data: Data) -> Bool {
        document(data) != nil
    }

    /// The parsed document when `data` is one `recognizes` accepts, so the caller loads it without parsing again.
    static func document(_ data: Data) -> SourceValue? {
        let markers = [
            "EditingBatchJob", "MediaProducingJob", "SmartJobInfo", "JobResult", "InputConfig", "OutputConfig",
            "OutputMediaConfig", "Timeline", "TemplateId", "ProjectId", "MediaSelectResult", "\"Action\"",
        ]
        guard markers.contains(where: { data.range(of: Data($0.utf8)) != nil }),
            let document = try? SourceValue.json(data),
            IMSResponseLoader.payload(of: document) != nil || IMSRequestLoader.recognizes(document)
        else { return nil }
        return document
    }

    /// The jobs `data` (read from `path`) describes. `feature` overrides what the document implies (with a
    /// warning: `estimate --feature`); `fallbackFeature` only names the feature a document leaves unknown (an
    /// unknown JobType: `scan --feature`, which is about loose files); `api` names the request API when a body
    /// has no `Action`.
    static func load(
        path: String, data: Data, resolver: PathResolver, feature: String?,
        fallbackFeature: String? = nil, api: IMSRequestAPI? = nil,
        timeZone: TimeZone = JobTime.defaultTimeZone, idBase: String? = nil
    ) throws -> [JobSpec] {
        let document: SourceValue
        do {
            document = try SourceValue.json(data)
        } catch {
            throw ManifestError(path: path, message: "malformed JSON: \(ManifestLoader.reason(error))")
        }
        return try load(
            path: path, document: document, resolver: resolver, feature: feature,
            fallbackFeature: fallbackFeature, api: api, timeZone: timeZone, idBase: idBase)
    }

    /// `load(path:data:…)` for a document already parsed (by `document(_:)`).
    static func load(
        path: String, document: SourceValue, resolver: PathResolver, feature: String?,
        fallbackFeature: String? = nil, api: IMSRequestAPI? = nil,
        timeZone: TimeZone = JobTime.defaultTimeZone, idBase: String? = nil
    ) throws -> [JobSpec] {
        if IMSResponseLoader.payload(of: document) != nil {
            let jobs = try IMSResponseLoader.load(
                path: path, document: document, resolver: resolver, feature: feature,
                fallbackFeature: fallbackFeature, timeZone: timeZone)
            guard !jobs.isEmpty else {
                throw ManifestError(
                    path: path,
                    message: "this saved IMS response lists no job, so it bills nothing: save the Get*Job response of each job instead")
            }
            return jobs.map { job in
                var job = job
                if let problem = JobIdentity.problem(withID: job.id) { job.problems.append(JobProblem(problem)) }
                return job
            }
        }
        if IMSRequestLoader.recognizes(document) || api != nil {
            return try IMSRequestLoader.load(
                path: path, document: document, resolver: resolver, feature: feature, api: api,
                timeZone: timeZone, idBase: idBase)
        }
        throw ManifestError(path: path, message: "neither a saved IMS response nor a Submit* request body")
    }
}

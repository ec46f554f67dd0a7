import Foundation

/// One job source named on the command line (`estimate SOURCE...`): a saved IMS response or a `Submit*` request
/// body when its content says so (or `api` names one), else a manifest.
enum JobFile {
    /// Loads the jobs of `path`, whichever kind of source it is. `feature` is the `--feature` flag: a default
    /// for manifests, an override (with a warning) for IMS documents, which imply their own feature.
    static func load(
        path: String, resolver: PathResolver, defaultFeature: String?, api: IMSRequestAPI? = nil,
        timeZone: TimeZone = JobTime.defaultTimeZone
    ) throws -> [JobSpec] {
        if path.lowercased().hasSuffix(".json") {
            let data: Data
            do {
                data = try RegularFile.read(path, maxBytes: resolver.readLimits.maxBytes)
            } catch let error as FileReadError {
                throw ManifestError(path: path, message: "cannot read the file: \(error.message)")
            }
            if let document = IMSDocument.document(data) {
                return try IMSDocument.load(
                    path: path, document: document, resolver: resolver, feature: defaultFeature,
                    api: api, timeZone: timeZone)
            }
            if api != nil {
                return try IMSDocument.load(
                    path: path, data: data, resolver: resolver, feature: defaultFeature, api: api,
                    timeZone: timeZone)
            }
        }
        return try ManifestLoader.load(path: path, resolver: resolver, defaultFeature: defaultFeature, timeZone: timeZone)
    }
}

import Foundation

/// One job source named on the command line (`estimate MANIFEST-OR-RESPONSE...`): a saved IMS response when
/// its content says so, else a manifest.
public enum JobFile {
    /// Loads the jobs of `path`, whichever kind of source it is.
    public static func load(path: String, resolver: PathResolver, defaultFeature: String?,
                            timeZone: TimeZone = JobTime.defaultTimeZone) throws -> [JobSpec] {
        if path.lowercased().hasSuffix(".json"), let data = FileManager.default.contents(atPath: path),
           IMSResponseLoader.isIMSResponse(data) {
            return try IMSResponseLoader.load(path: path, data: data, resolver: resolver, defaultFeature: defaultFeature,
                                              timeZone: timeZone)
        }
        return try ManifestLoader.load(path: path, resolver: resolver, defaultFeature: defaultFeature, timeZone: timeZone)
    }
}

import Foundation

/// One job source named on the command line (`estimate MANIFEST-OR-RESPONSE...`): a saved IMS response when
/// its content says so, else a manifest.
public enum JobFile {
    /// Loads the jobs of `path`, whichever kind of source it is.
    public static func load(path: String, resolver: PathResolver, defaultFeature: String?,
                            timeZone: TimeZone = JobTime.defaultTimeZone) throws -> [JobSpec] {
        if path.lowercased().hasSuffix(".json") {
            let data: Data
            do {
                data = try RegularFile.read(path, maxBytes: resolver.readLimits.maxBytes)
            } catch let error as FileReadError {
                throw ManifestError(path: path, message: "cannot read the file: \(error.message)")
            }
            guard IMSResponseLoader.isIMSResponse(data) else {
                return try ManifestLoader.load(path: path, resolver: resolver, defaultFeature: defaultFeature,
                                               timeZone: timeZone)
            }
            return try IMSResponseLoader.load(path: path, data: data, resolver: resolver, defaultFeature: defaultFeature,
                                              timeZone: timeZone)
        }
        return try ManifestLoader.load(path: path, resolver: resolver, defaultFeature: defaultFeature, timeZone: timeZone)
    }
}

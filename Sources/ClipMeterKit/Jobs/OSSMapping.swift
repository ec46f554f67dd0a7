import Foundation
import OSSAccess

/// An object in Alibaba Cloud OSS named by a URL: the bucket and the (decoded) object key.
struct OSSLocation: Sendable, Hashable {
    /// Bucket name (lowercase letters, digits, hyphens).
    public var bucket: String
    /// Object key, percent-decoded, without a leading slash, query string or fragment.
    public var key: String
    /// Region from an `oss-REGION[-internal].aliyuncs.com` host (e.g. `cn-shanghai`), nil for `oss://`.
    public var region: String?
}

// In an extension so that the struct keeps its synthesized memberwise initializer.
extension OSSLocation {
    /// Parses `oss://BUCKET/KEY` and `http(s)://BUCKET.oss-REGION[-internal].aliyuncs.com/KEY` (also the
    /// accelerate endpoints); nil for anything else. Query strings (signed URLs) and fragments are dropped and
    /// https keys are percent-decoded, so a signed download link maps to the same file as the plain URL.
    /// The parsing is OSSAccess's, so a mapping and a read in place always agree on the object.
    /// Spellings found in IMS's own examples are read as the URL they stand for: one slash after the scheme
    /// (`http:/bucket.oss-cn-shanghai.aliyuncs.com/key`, the official `GetBatchMediaProducingJob` outputs) and
    /// `oss://` before an endpoint host (`oss://bucket.oss-cn-shanghai.aliyuncs.com/key`, `GetSmartHandleJob`).
    public init?(url: String) {
        guard let object = OSSObjectURL(url: Self.repaired(url)) else { return nil }
        self.init(bucket: object.bucket, key: object.key, region: object.region)
    }

    /// `url` spelled as an OSS URL when it is one written loosely: the missing slash of `scheme:/host/…` put
    /// back, `oss://bucket.oss-REGION.aliyuncs.com/key` written `https://` (its endpoint names the region). Else
    /// `url` unchanged (a local path such as `http:/x` stays a path).
    static func repaired(_ url: String) -> String {
        let text = url.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let colon = text.firstIndex(of: ":") else { return url }
        let scheme = text[..<colon].lowercased()
        guard ["http", "https", "oss"].contains(scheme) else { return url }
        var rest = text[text.index(after: colon)...]
        if rest.hasPrefix("//") {
            guard scheme == "oss", OSSObjectURL(url: text) == nil else { return url }
            rest = rest.dropFirst(2)
        } else if rest.hasPrefix("/") {
            rest = rest.dropFirst()
        } else {
            return url
        }
        let candidates = scheme == "oss" ? ["oss://\(rest)", "https://\(rest)"] : ["\(text[..<colon])://\(rest)"]
        return candidates.first { OSSObjectURL(url: $0) != nil } ?? url
    }

    /// `oss://bucket/key`: the canonical spelling used in messages.
    public var ossURL: String { "oss://\(bucket)/\(key)" }

    static func isBucketName(_ text: String) -> Bool { OSSObjectURL.isBucketName(text) }

    /// True for strings that look like an OSS URL (so an unmapped one is reported, not taken for a path).
    public static func isOSSURL(_ text: String) -> Bool { OSSLocation(url: text) != nil }
}

/// One `--oss-map oss://bucket/prefix=./local/dir`: objects under the prefix were synced to the directory.
public struct OSSMapping: Sendable, Hashable {
    /// The bucket the mapping covers.
    public var bucket: String
    /// Key prefix covered (no leading slash; empty for the whole bucket). Matches whole path segments.
    public var prefix: String
    /// Absolute local directory the prefix was synced to.
    public var localDirectory: String

    /// A mapping from parts; a relative `localDirectory` is taken relative to the current directory.
    public init(bucket: String, prefix: String, localDirectory: String) {
        self.bucket = bucket
        self.prefix = OSSMapping.trimmedPrefix(prefix)
        self.localDirectory = PathText.absolute(localDirectory, relativeTo: FileManager.default.currentDirectoryPath)
    }

    /// Parses the `--oss-map` value `oss://bucket/prefix=./local/dir` (the https form of the URL is accepted
    /// too). The local directory is taken relative to the current directory.
    public init(parsing text: String) throws {
        guard let equals = text.firstIndex(of: "=") else {
            throw OSSMappingError(text: text, message: "expected URL=DIR, e.g. oss://bucket/prefix=./local/dir")
        }
        let urlPart = String(text[..<equals]).trimmingCharacters(in: .whitespaces)
        let dirPart = String(text[text.index(after: equals)...]).trimmingCharacters(in: .whitespaces)
        guard let location = OSSLocation(url: urlPart) else {
            throw OSSMappingError(
                text: text,
                message: "'\(urlPart)' is not an OSS URL (oss://bucket/prefix or https://bucket.oss-region.aliyuncs.com/prefix)")
        }
        guard !dirPart.isEmpty else {
            throw OSSMappingError(text: text, message: "the local directory after '=' is empty")
        }
        self.init(bucket: location.bucket, prefix: location.key, localDirectory: dirPart)
    }

    /// The local path an OSS URL was synced to, or nil when the URL is not an OSS URL under this mapping.
    /// The path is not checked for existence or containment here (`PathResolver` does that).
    public func localPath(for url: String) -> String? {
        guard let location = OSSLocation(url: url) else { return nil }
        return localPath(for: location)
    }

    /// The local path for a parsed location, or nil when it is outside this mapping.
    func localPath(for location: OSSLocation) -> String? {
        guard location.bucket == bucket else { return nil }
        let key = location.key
        let remainder: Substring
        if prefix.isEmpty {
            remainder = Substring(key)
        } else if key == prefix {
            remainder = ""
        } else if key.hasPrefix(prefix + "/") {
            remainder = key.dropFirst(prefix.count + 1)
        } else {
            return nil
        }
        return remainder.isEmpty ? localDirectory : PathText.join(localDirectory, String(remainder))
    }

    private static func trimmedPrefix(_ prefix: String) -> String {
        var value = prefix
        while value.hasPrefix("/") { value.removeFirst() }
        while value.hasSuffix("/") { value.removeLast() }
        return value
    }
}

/// A malformed `--oss-map` value; the CLI reports it as a usage error (exit 2).
struct OSSMappingError: Error, CustomStringConvertible, Sendable {
    /// The value as given.
    public var text: String
    /// What is wrong with it.
    public var message: String

    /// An error about one `--oss-map` value.
    public init(text: String, message: String) {
        self.text = text
        self.message = message
    }

    /// `invalid --oss-map 'X': why`.
    public var description: String { "invalid --oss-map '\(text)': \(message)" }
}

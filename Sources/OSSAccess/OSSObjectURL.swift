import Foundation

/// An object in Alibaba Cloud OSS as a user or a job names it: `oss://BUCKET/KEY` or
/// `http(s)://BUCKET.oss-REGION[-internal].aliyuncs.com/KEY` (also the accelerate endpoints).
///
/// The one parser of OSS URLs: matching synced folders and reading objects in place must agree on what a URL
/// names. Query strings (someone's own signed link) and fragments are dropped, so no signature of theirs
/// travels further, and https keys are percent-decoded.
public struct OSSObjectURL: Sendable, Hashable {
    /// Bucket name (lowercase letters, digits, hyphens).
    public var bucket: String
    /// Object key, percent-decoded, without a leading slash.
    public var key: String
    /// Region from an `oss-REGION[-internal].aliyuncs.com` host (e.g. `cn-shanghai`), nil for `oss://` and
    /// accelerate hosts.
    public var region: String?
    /// The endpoint the URL itself names (`https://oss-cn-shanghai-internal.aliyuncs.com`); nil for `oss://`.
    public var endpoint: String?

    /// An object from parts.
    public init(bucket: String, key: String, region: String? = nil, endpoint: String? = nil) {
        self.bucket = bucket
        self.key = key
        self.region = region
        self.endpoint = endpoint
    }

    /// Parses an OSS URL; nil for anything else.
    public init?(url: String) {
        let text = url.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let schemeEnd = text.range(of: "://") else { return nil }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        let rest = text[schemeEnd.upperBound...]
        let hostEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        var host = String(rest[..<hostEnd]).lowercased()
        var path = String(rest[hostEnd...])
        if let cut = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = String(path[..<cut]) }
        if path.hasPrefix("/") { path.removeFirst() }
        if let at = host.lastIndex(of: "@") { host = String(host[host.index(after: at)...]) }
        var port = ""
        if let colon = host.firstIndex(of: ":") {
            port = String(host[colon...])
            host = String(host[..<colon])
        }

        switch scheme {
        case "oss":
            guard Self.isBucketName(host) else { return nil }
            self.init(bucket: host, key: path)
        case "http", "https":
            let labels = host.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard labels.count >= 4, OSSHostLabel.isAliyunDomain(labels), Self.isBucketName(labels[0]),
                let endpointLabel = OSSHostLabel(labels[1])
            else { return nil }
            let region = endpointLabel.region
            let endpointHost = labels.dropFirst().joined(separator: ".")
            self.init(
                bucket: labels[0], key: path.removingPercentEncoding ?? path, region: region,
                endpoint: "\(scheme)://\(endpointHost)\(port)")
        default:
            return nil
        }
    }

    /// `oss://bucket/key`: the object's identity, whichever endpoint it is read through.
    public var ossURL: String { "oss://\(bucket)/\(key)" }

    /// The URL without any query: what messages, output and the ledger show for an object.
    public var displayURL: String {
        guard let endpoint, let parsed = OSSEndpoint(endpoint) else { return ossURL }
        return parsed.objectURL(bucket: bucket, key: key)
    }

    /// Bucket names as OSS allows them (and `_`, which some older buckets carry).
    public static func isBucketName(_ text: String) -> Bool {
        !text.isEmpty && text.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" || $0 == "_" }
    }
}

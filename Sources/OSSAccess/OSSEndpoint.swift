import Foundation

/// Where requests for objects go: `https://oss-cn-hangzhou.aliyuncs.com`, an `-internal` or accelerate
/// endpoint, or (for tests and gateways) an IP address or `localhost`, which is addressed path-style
/// (`/BUCKET/KEY`) as the official SDK does.
public struct OSSEndpoint: Sendable, Hashable {
    /// `http` or `https`.
    public var scheme: String
    /// Host, with `:port` when one was given.
    public var authority: String
    /// Region named by an `oss-REGION[-internal].aliyuncs.com` host; nil for other hosts.
    public var region: String?

    /// Parses `scheme://host[:port]` (a trailing slash allowed; no path); nil for anything else.
    public init?(_ text: String) {
        var value = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if !value.contains("://") { value = "https://" + value }
        guard let schemeEnd = value.range(of: "://") else { return nil }
        let scheme = value[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        var authority = String(value[schemeEnd.upperBound...])
        while authority.hasSuffix("/") { authority.removeLast() }
        guard !authority.isEmpty, !authority.contains("/"), !authority.contains("?"), !authority.contains("@"),
            !authority.contains("#"), authority.allSatisfy({ $0.isASCII && !$0.isWhitespace })
        else { return nil }
        self.scheme = String(scheme)
        self.authority = authority.lowercased()
        let labels = host.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        if OSSHostLabel.isAliyunDomain(labels), let first = labels.first {
            region = OSSHostLabel(first)?.region
        }
    }

    /// The host without the port.
    public var host: String {
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            return String(authority[authority.index(after: authority.startIndex)..<close])
        }
        return String(authority.split(separator: ":").first ?? "")
    }

    /// True where the bucket goes into the path instead of the host name: IP addresses and localhost, as
    /// the SDK's `is_ip_or_localhost`.
    public var isPathStyle: Bool {
        let host = self.host
        if host == "localhost" || host.contains(":") { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in UInt8(part).map { _ in true } ?? false }
    }

    /// The object's URL on this endpoint, without a query; the key percent-encoded except for `/`.
    public func objectURL(bucket: String, key: String) -> String {
        let path = OSSPercent.encode(key, keepSlash: true)
        return isPathStyle ? "\(scheme)://\(authority)/\(bucket)/\(path)" : "\(scheme)://\(bucket).\(authority)/\(path)"
    }
}

/// The label of an OSS host that names the endpoint — `oss`, `oss-cn-hangzhou`, `oss-cn-hangzhou-internal`,
/// `oss-accelerate`, `oss-accelerate-overseas` — parsed into what it says. The one reader of that label for both
/// endpoints and object URLs, so the two never disagree on a region.
enum OSSHostLabel: Equatable {
    /// `oss`: no region named.
    case global
    /// `oss-REGION[-internal]`.
    case regional(region: String, isInternal: Bool)
    /// `oss-accelerate[-overseas]`: the acceleration endpoints, which name no region.
    case accelerate

    /// Parses a label by its hyphen-separated words; nil when it does not start with the word `oss`.
    init?(_ label: String) {
        var words = label.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard words.first == "oss" else { return nil }
        words.removeFirst()
        if words.first == "accelerate" {
            self = .accelerate
            return
        }
        let isInternal = words.last == "internal"
        if isInternal { words.removeLast() }
        if words.isEmpty {
            self = .global
            return
        }
        guard words.allSatisfy({ !$0.isEmpty }) else { return nil }
        self = .regional(region: words.joined(separator: "-"), isInternal: isInternal)
    }

    /// The region the label names, if any.
    var region: String? {
        if case .regional(let region, _) = self { return region }
        return nil
    }

    /// Whether host labels end in Alibaba Cloud's domain, `aliyuncs.com`, below it.
    static func isAliyunDomain(_ labels: [String]) -> Bool {
        labels.count >= 3 && labels.suffix(2) == ["aliyuncs", "com"]
    }
}

/// RFC 3986 percent-encoding as OSS signs it: everything but letters, digits and `_-~.` (and `/` in paths).
enum OSSPercent {
    static func encode(_ text: String, keepSlash: Bool) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "~"),
                UInt8(ascii: "."):
                out.unicodeScalars.append(UnicodeScalar(byte))
            case UInt8(ascii: "/") where keepSlash:
                out.append("/")
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }
}

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
              !authority.contains("#"), authority.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else { return nil }
        self.scheme = String(scheme)
        self.authority = authority.lowercased()
        let host = self.host
        if host.hasSuffix(".aliyuncs.com"), let first = host.split(separator: ".").first, first.hasPrefix("oss-") {
            var name = String(first.dropFirst(4))
            if name.hasSuffix("-internal") { name = String(name.dropLast(9)) }
            region = name.hasPrefix("accelerate") ? nil : name
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

import Foundation

/// What one HEAD request says about an object: enough to know, without reading it, whether it changed.
public struct OSSObjectHead: Sendable, Hashable {
    /// Size in bytes (`Content-Length`).
    public var size: Int64
    /// The `ETag` as sent (quotes and any weak prefix removed): changes whenever the content does.
    public var etag: String
    /// True when the server marked the ETag weak (`W/`): it cannot be used in `If-Match`, only compared.
    public var isWeakETag: Bool

    public init(size: Int64, etag: String, isWeakETag: Bool = false) {
        self.size = size
        self.etag = etag
        self.isWeakETag = isWeakETag
    }

    /// Larger than any object OSS stores (48.8 TB): a HEAD claiming more is not believed, so no size that
    /// reaches the rest of ClipMeter is near the limits of 64-bit arithmetic.
    public static let maximumSize: Int64 = 1 << 48

    /// An `ETag` header as the cache key and comparisons use it: without quotes and weak prefix.
    static func normalized(_ header: String) -> (etag: String, isWeak: Bool) {
        var text = header.trimmingCharacters(in: .whitespaces)
        let isWeak = text.hasPrefix("W/")
        if isWeak { text.removeFirst(2) }
        return (text.trimmingCharacters(in: CharacterSet(charactersIn: "\" ")), isWeak)
    }
}

/// Why an object could not be reached or read: a typed reason with its context, `kind` for the probe's error
/// codes, and a neutral `description` that names no command-line flag (the caller words any advice).
public struct OSSAccessError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable { case forbidden, notFound, timeout, io, unsupported }

    /// What went wrong, with what it went wrong on. URLs here never carry a query (signatures never appear).
    public enum Reason: Sendable, Equatable {
        /// The object's URL names no endpoint (an `oss://` URL) and none was given to read it through.
        case noEndpoint(object: OSSObjectURL)
        /// The endpoint given is not `http(s)://host[:port]`.
        case invalidEndpoint(String)
        /// The request URL could not be formed.
        case invalidURL(String)
        /// A request (`method`: HEAD or GET) got no answer within the time limit.
        case noAnswer(url: String, method: String)
        /// No connection to the endpoint could be opened; `cause` says why in words.
        case unreachable(endpoint: String, cause: String)
        /// The server accepted the connection and closed it without answering.
        case closedWithoutAnswer(url: String, method: String)
        /// What the server sent is not a valid HTTP answer; `detail` says what is wrong with it.
        case notHTTP(url: String, method: String, detail: String)
        /// The HEAD answer had no `Content-Length`.
        case noContentLength(url: String)
        /// The HEAD answer claims a size no object can have.
        case implausibleSize(url: String, size: Int64)
        /// The server answered with a status that is not success.
        case httpStatus(Int, url: String)
        /// A range was asked for and the whole object came back (HTTP 200): the server does not serve ranges.
        case rangeIgnored(url: String)
        /// A 206 answer whose `Content-Range` (or length) is not the range asked for.
        case rangeMismatch(url: String, asked: String, answered: String)
        /// The object read is not the one the HEAD described (ETag, size, or a failed If-Match).
        case changed(url: String, detail: String)
        /// The connection ended after `received` of the `expected` body bytes.
        case truncated(url: String, received: Int64, expected: Int64)
        /// A read or write failed mid-transfer; `cause` in words.
        case transfer(url: String, cause: String)
    }

    public var reason: Reason

    public init(_ reason: Reason) {
        self.reason = reason
    }

    /// The probe error class the reason falls in.
    public var kind: Kind {
        switch reason {
        case .noEndpoint, .invalidEndpoint, .invalidURL: return .unsupported
        case .noAnswer: return .timeout
        case .unreachable, .closedWithoutAnswer, .notHTTP, .noContentLength, .implausibleSize, .rangeIgnored,
            .rangeMismatch, .changed, .truncated, .transfer:
            return .io
        case .httpStatus(let status, _):
            switch status {
            case 401, 403: return .forbidden
            case 404: return .notFound
            default: return .io
            }
        }
    }

    /// For users: what happened, without any URL query.
    public var message: String { description }

    public var description: String {
        switch reason {
        case .noEndpoint(let object):
            return "\(object.ossURL) names no endpoint to read it through (an oss:// URL names only the bucket)"
        case .invalidEndpoint(let text):
            return "\(text) is not an endpoint (expected http(s)://host[:port])"
        case .invalidURL(let url):
            return "\(url) is not a valid URL"
        case .noAnswer(let url, let method):
            return "the \(method) request for \(url) got no answer within the time limit"
        case .unreachable(let endpoint, let cause):
            return "cannot reach \(endpoint): \(cause)"
        case .closedWithoutAnswer(let url, let method):
            return "\(method) \(url): the server accepted the connection and closed it without an answer"
        case .notHTTP(let url, let method, let detail):
            return "\(method) \(url): the server's answer is not valid HTTP: \(detail)"
        case .noContentLength(let url):
            return "HEAD \(url): the server gave no Content-Length"
        case .implausibleSize(let url, let size):
            return
                "HEAD \(url): the server claims \(size) bytes, more than any object can hold (\(OSSObjectHead.maximumSize) at most); not believed"
        case .httpStatus(let status, let url):
            switch status {
            case 401, 403:
                return
                    "HTTP \(status): access to \(url) was denied (check ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET, the STS token and the bucket policy; anonymous reads work only for public objects)"
            case 404:
                return "HTTP 404: no such object \(url) (or no such bucket)"
            case 300...399:
                return
                    "HTTP \(status): the server redirects \(url) elsewhere; redirects are never followed (name the object's own endpoint)"
            default:
                return "HTTP \(status) for \(url)"
            }
        case .rangeIgnored(let url):
            return
                "GET \(url): a byte range was asked for and the server sent the whole object (HTTP 200); it does not serve ranges, so the object cannot be measured in place"
        case .rangeMismatch(let url, let asked, let answered):
            return "GET \(url): asked for bytes \(asked), the server answered \(answered); nothing is measured from a wrong range"
        case .changed(let url, let detail):
            return "\(url) is not the object its HEAD described (\(detail)): it changed while measured, or the server mixes objects up"
        case .truncated(let url, let received, let expected):
            return
                "GET \(url): the server closed the connection after \(received) of \(expected) bytes (a truncated response); nothing is billed from a partial read"
        case .transfer(let url, let cause):
            return "GET \(url): the transfer failed: \(cause)"
        }
    }
}

/// One object and how to reach it: the endpoint (the URL's own, or one the caller names), the region that
/// decides the signature version, and the credentials (none: anonymous, for public objects).
public struct OSSObjectAccess: Sendable {
    public let object: OSSObjectURL
    public let endpoint: OSSEndpoint
    /// The region signatures are scoped to; nil signs V1.
    public let region: String?
    private let credentials: OSSCredentials?

    /// Where `object` is read. `endpointOverride` wins over the URL's own host; an `oss://` URL has no host and
    /// needs one (else `.noEndpoint`).
    public init(object: OSSObjectURL, endpointOverride: String?, credentials: OSSCredentials?) throws(OSSAccessError) {
        let text = endpointOverride ?? object.endpoint
        guard let text else {
            throw OSSAccessError(.noEndpoint(object: object))
        }
        guard let endpoint = OSSEndpoint(text) else {
            throw OSSAccessError(.invalidEndpoint(text))
        }
        self.object = object
        self.endpoint = endpoint
        self.region = endpoint.region ?? object.region
        self.credentials = credentials
    }

    /// The object's URL without a query: safe to show.
    public var displayURL: String { endpoint.objectURL(bucket: object.bucket, key: object.key) }

    /// True when requests are signed (credentials were found).
    public var isSigned: Bool { credentials != nil }

    /// The URL a request uses: pre-signed when there are credentials, plain for anonymous reads.
    public func requestURL(method: String, validFor seconds: Int, now: Date = Date()) -> String {
        guard let credentials else { return displayURL }
        return OSSSigner.presignedURL(
            method: method, bucket: object.bucket, key: object.key, endpoint: endpoint,
            credentials: credentials, region: region, expires: seconds, now: now)
    }

    /// One HEAD request: size and ETag, or why not. Redirects are refused, never followed.
    public func head(timeout: TimeInterval) -> Result<OSSObjectHead, OSSAccessError> {
        let deadline = Deadline(secondsFromNow: timeout)
        let request: OSSRequestTarget
        do throws(OSSAccessError) {
            request = try target(method: "HEAD", validFor: Self.validity(timeout))
        } catch {
            return .failure(error)
        }
        let shown = displayURL
        do throws(HTTPConnection.Failure) {
            let connection = try HTTPConnection(scheme: request.scheme, authority: request.authority, deadline: deadline)
            defer { connection.close() }
            try connection.send(method: "HEAD", target: request.target, headers: Self.commonHeaders)
            let answer = try connection.readHead()
            guard (200...299).contains(answer.status) else { return .failure(Self.statusError(answer.status, url: shown)) }
            guard let size = try answer.contentLength() else { return .failure(OSSAccessError(.noContentLength(url: shown))) }
            guard size <= OSSObjectHead.maximumSize else {
                return .failure(OSSAccessError(.implausibleSize(url: shown, size: size)))
            }
            let etag = OSSObjectHead.normalized(answer.value("etag") ?? "")
            return .success(OSSObjectHead(size: size, etag: etag.etag, isWeakETag: etag.isWeak))
        } catch {
            return .failure(failure(error, method: "HEAD"))
        }
    }

    /// How long a pre-signed URL stays valid for a request limited to `timeout`: a minute more, and a limit that
    /// is not a finite positive number never traps.
    static func validity(_ timeout: TimeInterval) -> Int {
        (timeout.isFinite ? Int(min(max(timeout, 0), 1e9)) : 1_000_000_000) + 60
    }

    /// Headers every request sends: no compression (a byte range of a compressed body is not the object's).
    static let commonHeaders = [("User-Agent", "clipmeter"), ("Accept-Encoding", "identity")]

    /// The pre-signed request split for the connection: scheme, authority, and the path with its query.
    func target(method: String, validFor seconds: Int) throws(OSSAccessError) -> OSSRequestTarget {
        let url = requestURL(method: method, validFor: seconds)
        guard let target = OSSRequestTarget(url) else { throw OSSAccessError(.invalidURL(displayURL)) }
        return target
    }

    /// A connection failure as an access error on this object.
    func failure(_ failure: HTTPConnection.Failure, method: String) -> OSSAccessError {
        let shown = displayURL
        switch failure {
        case .timedOut: return OSSAccessError(.noAnswer(url: shown, method: method))
        case .cannotConnect(let cause):
            return OSSAccessError(.unreachable(endpoint: "\(endpoint.scheme)://\(endpoint.authority)", cause: cause))
        case .closed(let bytes) where bytes == 0: return OSSAccessError(.closedWithoutAnswer(url: shown, method: method))
        case .closed(let bytes):
            return OSSAccessError(
                .notHTTP(url: shown, method: method, detail: "the connection closed after \(bytes) bytes, in the middle of the headers"))
        case .notHTTP(let detail): return OSSAccessError(.notHTTP(url: shown, method: method, detail: detail))
        case .io(let cause): return OSSAccessError(.transfer(url: shown, cause: cause))
        }
    }

    /// An HTTP status as an error a user can act on.
    public static func statusError(_ status: Int, url: String) -> OSSAccessError {
        OSSAccessError(.httpStatus(status, url: url))
    }
}

/// A request URL taken apart for an HTTP/1.1 connection.
struct OSSRequestTarget {
    var scheme: String
    var authority: String
    /// Path and query, as the request line carries them.
    var target: String

    /// Nil for anything but `http(s)://authority/path`, or a URL carrying bytes a request line cannot.
    init?(_ url: String) {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        let rest = url[schemeEnd.upperBound...]
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        let authority = String(rest[..<slash])
        let target = String(rest[slash...])
        guard !authority.isEmpty, (authority + target).unicodeScalars.allSatisfy({ (0x21..<0x7F).contains($0.value) }) else { return nil }
        self.scheme = scheme
        self.authority = authority
        self.target = target
    }
}

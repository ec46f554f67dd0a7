import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// What one HEAD request says about an object: enough to know, without reading it, whether it changed.
public struct OSSObjectHead: Sendable, Hashable {
    /// Size in bytes (`Content-Length`).
    public var size: Int64
    /// The `ETag` as sent (quotes removed): changes whenever the content does.
    public var etag: String

    public init(size: Int64, etag: String) {
        self.size = size
        self.etag = etag
    }
}

/// Why an object could not be reached: a typed reason with its context, `kind` for the probe's error codes, and a
/// neutral `description` that names no command-line flag (the caller words any advice).
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
        /// The HEAD request got no answer within the time limit.
        case noAnswer(url: String)
        /// The endpoint could not be reached; `cause` says why in words.
        case unreachable(endpoint: String, cause: String)
        /// The answer had no usable `Content-Length`.
        case noContentLength(url: String)
        /// The server answered with a status that is not success.
        case httpStatus(Int, url: String)
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
        case .unreachable, .noContentLength: return .io
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
        case .noAnswer(let url):
            return "the HEAD request for \(url) got no answer within the time limit"
        case .unreachable(let endpoint, let cause):
            return "cannot reach \(endpoint): \(cause)"
        case .noContentLength(let url):
            return "HEAD \(url): the server gave no Content-Length"
        case .httpStatus(let status, let url):
            switch status {
            case 401, 403:
                return "HTTP \(status): access to \(url) was denied (check ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET, the STS token and the bucket policy; anonymous reads work only for public objects)"
            case 404:
                return "HTTP 404: no such object \(url) (or no such bucket)"
            case 300...399:
                return "HTTP \(status): the server redirects \(url) elsewhere; redirects are never followed (name the object's own endpoint)"
            default:
                return "HTTP \(status) for \(url)"
            }
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
        return OSSSigner.presignedURL(method: method, bucket: object.bucket, key: object.key, endpoint: endpoint,
                                      credentials: credentials, region: region, expires: seconds, now: now)
    }

    /// One HEAD request: size and ETag, or why not. Redirects are refused, never followed.
    public func head(timeout: TimeInterval) -> Result<OSSObjectHead, OSSAccessError> {
        let shown = displayURL
        guard let url = URL(string: requestURL(method: "HEAD", validFor: Int(max(timeout, 0)) + 60)) else {
            return .failure(OSSAccessError(.invalidURL(shown)))
        }
        var request = URLRequest(url: url)
        request.httpMethod = "HEAD"
        request.timeoutInterval = max(timeout, 0.001)
        let outcome = HeadOutcome()
        let task = Self.session.dataTask(with: request) { _, response, error in
            outcome.set(response as? HTTPURLResponse, error)
        }
        task.resume()
        if outcome.done.wait(timeout: .now() + max(timeout, 0.001)) == .timedOut {
            task.cancel()
            return .failure(OSSAccessError(.noAnswer(url: shown)))
        }
        let (response, error) = outcome.get()
        guard let response else {
            if let error = error as? URLError, error.code == .timedOut {
                return .failure(OSSAccessError(.noAnswer(url: shown)))
            }
            return .failure(OSSAccessError(.unreachable(endpoint: "\(endpoint.scheme)://\(endpoint.authority)", cause: Self.reason(error))))
        }
        let status = response.statusCode
        switch status {
        case 200...299:
            let size = response.value(forHTTPHeaderField: "Content-Length").flatMap { Int64($0) } ?? response.expectedContentLength
            guard size >= 0 else { return .failure(OSSAccessError(.noContentLength(url: shown))) }
            var etag = response.value(forHTTPHeaderField: "ETag") ?? ""
            etag = etag.trimmingCharacters(in: CharacterSet(charactersIn: "\" ")).replacingOccurrences(of: "W/\"", with: "")
            return .success(OSSObjectHead(size: size, etag: etag))
        default:
            return .failure(Self.statusError(status, url: shown))
        }
    }

    /// One session for every HEAD of the process (a scan may send thousands): no cookies, no cache, no
    /// credentials store, and redirects refused.
    private static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieAcceptPolicy = .never
        configuration.urlCache = nil
        configuration.httpMaximumConnectionsPerHost = 16
        return URLSession(configuration: configuration, delegate: RedirectRefusal(), delegateQueue: nil)
    }()

    /// Why a request got no answer, in words (URLError's own descriptions are generic on Linux).
    static func reason(_ error: Error?) -> String {
        guard let error = error as? URLError else { return "no response" }
        switch error.code {
        case .cannotConnectToHost: return "connection refused"
        case .cannotFindHost, .dnsLookupFailed: return "host not found (check the endpoint's name)"
        case .networkConnectionLost: return "the connection was lost"
        case .notConnectedToInternet: return "no network"
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
             .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot, .clientCertificateRejected:
            return "the TLS connection failed (certificate not trusted?)"
        case .badServerResponse: return "not an HTTP answer"
        default: return "URL error \(error.code.rawValue)"
        }
    }

    /// An HTTP status as an error a user can act on.
    public static func statusError(_ status: Int, url: String) -> OSSAccessError {
        OSSAccessError(.httpStatus(status, url: url))
    }
}

/// The HEAD's answer, handed from URLSession's queue to the waiting thread.
private final class HeadOutcome: @unchecked Sendable {
    let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var response: HTTPURLResponse?
    private var error: Error?

    func set(_ response: HTTPURLResponse?, _ error: Error?) {
        lock.lock()
        self.response = response
        self.error = error
        lock.unlock()
        done.signal()
    }

    func get() -> (HTTPURLResponse?, Error?) {
        lock.lock(); defer { lock.unlock() }
        return (response, error)
    }
}

/// Keeps a HEAD on the host it was sent to: the 3xx itself becomes the answer.
private final class RedirectRefusal: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        completionHandler(nil)
    }
}

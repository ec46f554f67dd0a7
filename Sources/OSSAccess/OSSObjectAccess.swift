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

/// Why an object could not be reached; `kind` maps onto the probe's error codes.
public struct OSSAccessError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable { case forbidden, notFound, timeout, io, unsupported }
    public var kind: Kind
    /// For users: what happened, without any URL query (signatures never appear here).
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

/// One object and how to reach it: the endpoint (the URL's own, or `--oss-endpoint`), the region that
/// decides the signature version, and the credentials (none: anonymous, for public objects).
public struct OSSObjectAccess: Sendable {
    public let object: OSSObjectURL
    public let endpoint: OSSEndpoint
    /// The region signatures are scoped to; nil signs V1.
    public let region: String?
    private let credentials: OSSCredentials?

    /// Where `object` is read. `endpointOverride` (`--oss-endpoint`) wins over the URL's own host; an
    /// `oss://` URL has no host and needs one.
    public init(object: OSSObjectURL, endpointOverride: String?, credentials: OSSCredentials?) throws(OSSAccessError) {
        let text = endpointOverride ?? object.endpoint
        guard let text else {
            throw OSSAccessError(.unsupported, "\(object.ossURL) names no endpoint: pass --oss-endpoint https://oss-REGION.aliyuncs.com (or the -internal one), or name it as https://\(object.bucket).oss-REGION.aliyuncs.com/…, or map it to a synced folder with --oss-map")
        }
        guard let endpoint = OSSEndpoint(text) else {
            throw OSSAccessError(.unsupported, "--oss-endpoint \(text) is not an endpoint (expected http(s)://host[:port])")
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
            return .failure(OSSAccessError(.unsupported, "\(shown) is not a valid URL"))
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
            return .failure(OSSAccessError(.timeout, "the HEAD request for \(shown) got no answer within the time limit"))
        }
        let (response, error) = outcome.get()
        guard let response else {
            if let error = error as? URLError, error.code == .timedOut {
                return .failure(OSSAccessError(.timeout, "the HEAD request for \(shown) got no answer within the time limit"))
            }
            return .failure(OSSAccessError(.io, "cannot reach \(endpoint.scheme)://\(endpoint.authority): \(Self.reason(error))"))
        }
        let status = response.statusCode
        switch status {
        case 200...299:
            let size = response.value(forHTTPHeaderField: "Content-Length").flatMap { Int64($0) } ?? response.expectedContentLength
            guard size >= 0 else { return .failure(OSSAccessError(.io, "HEAD \(shown): the server gave no Content-Length")) }
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
        switch status {
        case 401, 403:
            return OSSAccessError(.forbidden, "HTTP \(status): access to \(url) was denied (check ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET, the STS token and the bucket policy; anonymous reads work only for public objects)")
        case 404:
            return OSSAccessError(.notFound, "HTTP 404: no such object \(url) (or no such bucket)")
        case 300...399:
            return OSSAccessError(.io, "HTTP \(status): the server redirects \(url) elsewhere; redirects are never followed (name the object's own endpoint)")
        default:
            return OSSAccessError(.io, "HTTP \(status) for \(url)")
        }
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

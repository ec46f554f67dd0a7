internal import CFFmpeg
internal import CFFmpegShim
import Foundation
import OSSAccess

/// Which object a measurement is of, as one HEAD request tells: the ledger's cache key for objects read
/// in place, so a re-scan of unchanged objects reads no media bytes.
public struct ObjectIdentity: Sendable, Hashable {
    /// `oss://bucket/key`: the same object whichever endpoint or URL spelling named it.
    public var objectURL: String
    public var size: Int64
    public var etag: String

    public init(objectURL: String, size: Int64, etag: String) {
        self.objectURL = objectURL
        self.size = size
        self.etag = etag
    }

    /// The ETag folded into the modification-time field of the cache key (the ledger's key has no ETag
    /// column; a changed object has a new ETag, so a new key). Never 0, so it is not mistaken for "unknown".
    public var etagStamp: Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325 // FNV-1a: stable across runs and platforms, unlike hashValue
        for byte in etag.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return Int64(bitPattern: hash & 0x7FFF_FFFF_FFFF_FFFF) | 1
    }
}

extension MediaProber {
    /// True when `path` is an OSS URL this run reads in place.
    public func readsInPlace(_ path: String) -> Bool {
        options.readsObjectsInPlace && OSSObjectURL(url: path) != nil
    }

    /// How `path` is shown: an OSS URL as the user spelled it but without its query or fragment (a
    /// signature someone pasted never reaches the output), anything else as given.
    public static func displayName(_ path: String) -> String {
        guard OSSObjectURL(url: path) != nil else { return path }
        let trimmed = path.trimmingCharacters(in: .whitespacesAndNewlines)
        return String(trimmed.prefix { $0 != "?" && $0 != "#" })
    }

    /// One HEAD request for an object read in place; nil when `path` is not one.
    public func objectIdentity(_ path: String) -> Result<ObjectIdentity, ProbeError>? {
        guard readsInPlace(path), let object = OSSObjectURL(url: path) else { return nil }
        let shown = Self.displayName(path)
        do throws(OSSAccessError) {
            let access = try OSSObjectAccess(object: object, endpointOverride: options.ossEndpoint,
                                             credentials: OSSCredentials.fromEnvironment())
            switch access.head(timeout: options.timeLimit) {
            case .success(let head):
                return .success(ObjectIdentity(objectURL: object.ossURL, size: head.size, etag: head.etag))
            case .failure(let error):
                throw error
            }
        } catch {
            return .failure(Self.probeError(error, path: shown, operation: "read the object's size and ETag (HEAD)"))
        }
    }

    /// Measures an object in place by HTTP range requests through libavformat. `identity` from an earlier
    /// `objectIdentity(_:)` saves the HEAD request.
    public func probeObject(_ path: String, identity: ObjectIdentity?) -> ProbeOutcome {
        let shown = Self.displayName(path)
        let collector = LogCollector()
        let result = FFmpegLog.collecting(into: collector) { () -> Result<MediaFacts, ProbeError> in
            do throws(ProbeError) {
                return .success(try measureObject(path, shown: shown, identity: identity, log: collector))
            } catch {
                return .failure(error)
            }
        }
        return ProbeOutcome(path: shown, result: result)
    }

    private func measureObject(_ path: String, shown: String, identity known: ObjectIdentity?,
                               log: LogCollector) throws(ProbeError) -> MediaFacts {
        let started = Date()
        guard let object = OSSObjectURL(url: path) else {
            throw ProbeError(path: shown, code: .unsupported, operation: "open", message: "not an OSS URL")
        }
        let access: OSSObjectAccess
        do throws(OSSAccessError) {
            access = try OSSObjectAccess(object: object, endpointOverride: options.ossEndpoint,
                                         credentials: OSSCredentials.fromEnvironment())
        } catch {
            throw Self.probeError(error, path: shown, operation: "open")
        }
        let identity: ObjectIdentity
        if let known {
            identity = known
        } else {
            switch objectIdentity(path) {
            case .success(let found)?: identity = found
            case .failure(let error)?: throw error
            case nil: throw ProbeError(path: shown, code: .unsupported, operation: "open", message: "not read in place")
            }
        }
        if identity.size == 0 {
            throw ProbeError(path: shown, code: .notMedia, operation: "read", message: "empty object (0 bytes)")
        }
        // The HEAD spent part of the time limit; the rest is FFmpeg's.
        let remaining = max(options.timeLimit - Date().timeIntervalSince(started), 0.001)
        let url = access.requestURL(method: "GET", validFor: Int(options.timeLimit.rounded(.up)) + 60)
        let context: FormatContext
        do {
            context = try FormatContext(source: .object(url: url), timeLimit: remaining, allowNetwork: true,
                                        streamInfo: options.streamInfo)
        } catch {
            throw classifyObject(error, path: shown, log: log)
        }
        var facts = MediaFacts(path: shown, size: identity.size, modifiedAtNanos: identity.etagStamp,
                               container: context.header.formatName, mode: options.mode)
        do {
            try measure(context, into: &facts, log: log)
        } catch {
            // A transfer that broke off shows up to a demuxer as a damaged file: say what really happened.
            if let broken = transferProblem(context, path: shown, log: log) { throw broken }
            throw error
        }
        if let broken = transferProblem(context, path: shown, log: log) { throw broken }
        facts.bytesRead = context.bytesRead
        return facts
    }

    /// An error when the object's transfer failed at some point (FFmpeg's demuxers stop at a failed read as
    /// at the end of a file, which would bill the part that arrived).
    private func transferProblem(_ context: FormatContext, path: String, log: LogCollector) -> ProbeError? {
        if context.timedOut {
            return ProbeError(path: path, code: .timeout, operation: "read the object",
                              message: "gave up after the per-file time limit of \(timeLimitText) (the server stalled?)")
        }
        let premature = log.mentions(["ends prematurely"])
        guard let code = context.transferError ?? (premature ? cff_averror(EIO) : nil) else { return nil }
        if code == cff_averror_exit() {
            return ProbeError(path: path, code: .timeout, operation: "read the object",
                              message: "gave up after the per-file time limit of \(timeLimitText) (the server stalled?)")
        }
        return ProbeError(path: path, code: .io, operation: "read the object",
                          message: premature ? "the server closed the connection before sending the whole range (a truncated response); nothing is billed from a partial read"
                                             : "the transfer failed: \(ffmpegErrorString(code))")
    }

    /// An open that failed, in the terms of HTTP where HTTP was the reason.
    private func classifyObject(_ failure: OpenFailure, path: String, log: LogCollector) -> ProbeError {
        let code = failure.code
        func error(_ kind: ProbeErrorCode, _ message: String) -> ProbeError {
            ProbeError(path: path, code: kind, operation: failure.step, message: message)
        }
        if code == cff_averror_exit() { return error(.timeout, "gave up after the per-file time limit of \(timeLimitText) (the server stalled?)") }
        if code == cff_averror_http_forbidden() { return error(.permissionDenied, "HTTP 403: access denied while reading (check the credentials and the bucket policy)") }
        if code == cff_averror_http_not_found() { return error(.notFound, "HTTP 404: the object is gone (it was there a moment ago: deleted or renamed while measured?)") }
        if cff_averror_is_http(code) != 0 { return error(.io, "the server refused a range read: \(ffmpegErrorString(code))") }
        if log.mentions(["ends prematurely"]) {
            return error(.io, "the server closed the connection before sending the whole range (a truncated response)")
        }
        if log.mentions(["redirect"]) || code == cff_averror(EIO) {
            // FFmpeg's http protocol gives EIO when a 3xx meets max_redirects=0.
            return error(.io, "the transfer failed (\(ffmpegErrorString(code))); redirects are never followed")
        }
        if [ECONNREFUSED, ECONNRESET, ETIMEDOUT, EHOSTUNREACH, ENETUNREACH, EPIPE].contains(where: { code == cff_averror($0) }) {
            return error(.io, "cannot reach the endpoint: \(ffmpegErrorString(code))")
        }
        return classify(failure, path: path, log: log, magic: Data())
    }

    private static func probeError(_ error: OSSAccessError, path: String, operation: String) -> ProbeError {
        let code: ProbeErrorCode
        switch error.kind {
        case .forbidden: code = .permissionDenied
        case .notFound: code = .notFound
        case .timeout: code = .timeout
        case .io: code = .io
        case .unsupported: code = .unsupported
        }
        var message = error.description
        if case .noEndpoint(let object) = error.reason {
            // OSSAccess states the fact; the ways out are the reader's to know, named here without any flag.
            message += ": give the endpoint to read it through (https://oss-REGION.aliyuncs.com, or the -internal one),"
                + " name it as https://\(object.bucket).oss-REGION.aliyuncs.com/…, or map its prefix to a synced folder"
        }
        return ProbeError(path: path, code: code, operation: operation, message: message)
    }
}

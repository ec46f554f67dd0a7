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
    /// True when the server marked the ETag weak: the reads cannot make themselves conditional on it.
    public var etagIsWeak: Bool

    public init(objectURL: String, size: Int64, etag: String, etagIsWeak: Bool = false) {
        self.objectURL = objectURL
        self.size = size
        self.etag = etag
        self.etagIsWeak = etagIsWeak
    }

    /// The ETag folded into the modification-time field of the cache key (the ledger's key has no ETag
    /// column; a changed object has a new ETag, so a new key). Never 0, so it is not mistaken for "unknown".
    public var etagStamp: Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a: stable across runs and platforms, unlike hashValue
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
            let access = try OSSObjectAccess(
                object: object, endpointOverride: options.ossEndpoint,
                credentials: OSSCredentials.fromEnvironment())
            switch access.head(timeout: options.timeLimit) {
            case .success(let head):
                return .success(
                    ObjectIdentity(
                        objectURL: object.ossURL, size: head.size, etag: head.etag,
                        etagIsWeak: head.isWeakETag))
            case .failure(let error):
                throw error
            }
        } catch {
            return .failure(Self.probeError(error, path: shown, operation: "read the object's size and ETag (HEAD)"))
        }
    }

    /// Measures an object in place by checked HTTP range requests (every read is of the object the HEAD
    /// described, or an error). `identity` from an earlier `objectIdentity(_:)` saves the HEAD request.
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

    private func measureObject(
        _ path: String, shown: String, identity known: ObjectIdentity?,
        log: LogCollector
    ) throws(ProbeError) -> MediaFacts {
        let started = Date()
        guard let object = OSSObjectURL(url: path) else {
            throw ProbeError(path: shown, code: .unsupported, operation: "open", message: "not an OSS URL")
        }
        let access: OSSObjectAccess
        do throws(OSSAccessError) {
            access = try OSSObjectAccess(
                object: object, endpointOverride: options.ossEndpoint,
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
        let reader: OSSObjectReader
        let input: ObjectInput
        do {
            reader = try OSSObjectReader(
                access: access,
                head: OSSObjectHead(
                    size: identity.size, etag: identity.etag,
                    isWeakETag: identity.etagIsWeak),
                timeLimit: remaining)
            input = try ObjectInput(reader: reader, name: access.displayURL)
        } catch let error as OSSAccessError {
            throw Self.probeError(error, path: shown, operation: "open")
        } catch {
            throw ProbeError(
                path: shown, code: .io, operation: "open", message: "cannot allocate the object's read context (out of memory)")
        }
        let context: FormatContext
        do {
            context = try FormatContext(
                source: .object(input), timeLimit: remaining, allowNetwork: true,
                streamInfo: options.streamInfo)
        } catch {
            if let broken = transferProblem(reader, path: shown, afterFailure: true) { throw broken }
            throw classify(error, path: shown, log: log, magic: Data())
        }
        var facts = MediaFacts(
            path: shown, size: identity.size, modifiedAtNanos: identity.etagStamp,
            container: context.header.formatName, mode: options.mode)
        do {
            try measure(context, into: &facts, log: log)
        } catch {
            // A transfer that broke off shows up to a demuxer as a damaged file: say what really happened.
            if let broken = transferProblem(reader, path: shown, afterFailure: true) { throw broken }
            throw error
        }
        if let broken = transferProblem(reader, path: shown, afterFailure: false) { throw broken }
        facts.bytesRead = reader.bytesReceived
        return facts
    }

    /// An error when the object's reads failed at some point (FFmpeg's demuxers stop at a failed read as at the
    /// end of a file, which would bill the part that arrived) or, when the measurement failed, ran out of time.
    private func transferProblem(_ reader: OSSObjectReader, path: String, afterFailure: Bool) -> ProbeError? {
        if let failure = reader.failure, failure.kind != .timeout {
            return Self.probeError(failure, path: path, operation: "read the object")
        }
        if reader.failure != nil || (afterFailure && reader.timedOut) {
            return ProbeError(
                path: path, code: .timeout, operation: "read the object",
                message: "gave up after the per-file time limit of \(timeLimitText) (the server stalled?)")
        }
        return nil
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
            message +=
                ": give the endpoint to read it through (https://oss-REGION.aliyuncs.com, or the -internal one),"
                + " name it as https://\(object.bucket).oss-REGION.aliyuncs.com/…, or map its prefix to a synced folder"
        }
        return ProbeError(path: path, code: code, operation: operation, message: message)
    }
}

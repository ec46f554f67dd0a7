import Foundation

/// Reads one object by HTTP range requests and checks every answer against the question and against the HEAD
/// that identified the object: a 206 whose `Content-Range` is not the range asked for, a 200 with the whole
/// object, another ETag or size, a body longer or shorter than announced — each is an error on this object,
/// never bytes handed to a demuxer. Requests carry `If-Match` with the HEAD's ETag, so an honest server refuses
/// (412) to serve an object that changed since.
///
/// Ranges are bounded and grow while the reads go on in order (64 KiB, doubling up to 8 MiB), so a seek costs
/// at most what one connection had buffered; the connection is kept alive across requests. Everything runs on
/// the caller's thread with the deadline it was given.
public final class OSSObjectReader {
    /// The object's size and ETag as the HEAD gave them.
    public let head: OSSObjectHead
    /// Body bytes received so far (what the object's egress is billed on), skipped ones included.
    public private(set) var bytesReceived: Int64 = 0
    /// GET requests sent so far.
    public private(set) var requestCount = 0
    /// The first failure; every later read fails with it too.
    public private(set) var failure: OSSAccessError?

    static let firstRange: Int64 = 65_536
    static let largestRange: Int64 = 8 << 20
    /// A forward jump within the answer being read up to this far is read through instead of a new request.
    static let skipThrough: Int64 = 65_536

    private let access: OSSObjectAccess
    private let request: OSSRequestTarget
    private let deadline: Deadline
    private var connection: HTTPConnection?
    /// Offset of the next body byte of the answer being read, and how many of its bytes are still to come.
    private var position: Int64 = 0
    private var remaining: Int64 = 0
    private var lastRange: Int64 = 0

    /// A reader of the object `access` names, as `head` describes it, giving up `timeLimit` seconds from now.
    public init(access: OSSObjectAccess, head: OSSObjectHead, timeLimit: TimeInterval) throws(OSSAccessError) {
        self.access = access
        self.head = head
        deadline = Deadline(secondsFromNow: timeLimit)
        request = try access.target(method: "GET", validFor: OSSObjectAccess.validity(timeLimit))
    }

    deinit { connection?.close() }

    /// True once the time limit passed.
    public var timedOut: Bool { deadline.hasPassed }

    /// Reads up to `buffer.count` bytes at `offset` into `buffer`: the count, 0 at the end of the object, or why
    /// not (after a failure every read fails the same way).
    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) -> Result<Int, OSSAccessError> {
        if let failure { return .failure(failure) }
        guard offset >= 0, offset < head.size, buffer.count > 0 else { return .success(0) }
        do throws(OSSAccessError) {
            try position(at: offset)
            let wanted = Int(min(Int64(buffer.count), remaining))
            let received: Int
            do throws(HTTPConnection.Failure) {
                received = try connection?.readBody(into: buffer, count: wanted) ?? 0
            } catch {
                throw access.failure(error, method: "GET")
            }
            guard received > 0 else {
                throw OSSAccessError(.truncated(url: access.displayURL, received: lastRange - remaining, expected: lastRange))
            }
            position += Int64(received)
            remaining -= Int64(received)
            bytesReceived += Int64(received)
            if remaining == 0, connection?.isReusable == false { closeConnection() }
            return .success(received)
        } catch {
            failure = error
            closeConnection()
            return .failure(error)
        }
    }

    // MARK: - Requests

    /// Makes the answer being read continue at `offset`: reads through a short forward gap, else asks anew.
    private func position(at offset: Int64) throws(OSSAccessError) {
        if remaining > 0 && offset == position { return }
        if remaining > 0 && offset > position && offset - position <= min(Self.skipThrough, remaining - 1) {
            try skip(offset - position)
            return
        }
        let continues = offset == position
        if remaining > 0 {
            // Left half-read: a short rest is read to keep the connection, a long one costs a new connection.
            if remaining <= Self.skipThrough { try skip(remaining) } else { closeConnection() }
        }
        let length = min(
            continues ? min(max(lastRange * 2, Self.firstRange), Self.largestRange) : Self.firstRange,
            head.size - offset)
        try get(offset, length: length)
    }

    private func skip(_ count: Int64) throws(OSSAccessError) {
        do throws(HTTPConnection.Failure) {
            try connection?.discardBody(count)
        } catch {
            if case .closed = error {
                throw OSSAccessError(.truncated(url: access.displayURL, received: lastRange - remaining, expected: lastRange))
            }
            throw access.failure(error, method: "GET")
        }
        position += count
        remaining -= count
        bytesReceived += count
    }

    private func closeConnection() {
        connection?.close()
        connection = nil
        remaining = 0
    }

    /// One GET for bytes `offset ..< offset + length`, its answer checked before any body byte is used.
    private func get(_ offset: Int64, length: Int64) throws(OSSAccessError) {
        let asked = ContentRange(first: offset, last: offset + length - 1, total: head.size)
        var headers = OSSObjectAccess.commonHeaders
        headers.append(("Range", "bytes=\(asked.first)-\(asked.last)"))
        if !head.etag.isEmpty && !head.isWeakETag { headers.append(("If-Match", "\"\(head.etag)\"")) }
        let answer: HTTPResponseHead
        do throws(HTTPConnection.Failure) {
            answer = try exchange(headers)
        } catch {
            throw access.failure(error, method: "GET")
        }
        let shown = access.displayURL
        let etag = answer.value("etag").map { OSSObjectHead.normalized($0).etag } ?? ""
        if !head.etag.isEmpty, !etag.isEmpty, etag != head.etag {
            closeConnection()
            throw OSSAccessError(
                .changed(url: shown, detail: "the HEAD gave ETag \"\(head.etag)\", the read \(HTTPResponseHead.shown(etag))"))
        }
        let announced: Int64?
        do throws(HTTPConnection.Failure) {
            announced = try answer.contentLength()
        } catch {
            closeConnection()
            throw access.failure(error, method: "GET")
        }
        if let coding = answer.value("content-encoding"), coding.lowercased() != "identity", answer.status == 206 || answer.status == 200 {
            // Compressed bytes are not the object's bytes, whatever range they claim to be.
            closeConnection()
            throw OSSAccessError(
                .rangeMismatch(url: shown, asked: asked.text, answered: "a body encoded as \(HTTPResponseHead.shown(coding))"))
        }
        switch answer.status {
        case 206:
            guard !answer.isChunked, let text = answer.value("content-range"), let range = ContentRange(text) else {
                closeConnection()
                let got = answer.value("content-range").map(HTTPResponseHead.shown) ?? "no Content-Range"
                throw OSSAccessError(.rangeMismatch(url: shown, asked: asked.text, answered: answer.isChunked ? "a chunked body" : got))
            }
            if let total = range.total, total != head.size {
                closeConnection()
                throw OSSAccessError(.changed(url: shown, detail: "the HEAD gave \(head.size) bytes, the read says \(total)"))
            }
            // last - first never overflows (0 ≤ first ≤ last); adding 1 to it could, for a last of 2^63 − 1.
            guard range.first == asked.first, range.last <= asked.last, let announced, announced - 1 == range.last - range.first else {
                closeConnection()
                let body = announced.map { "\($0) bytes" } ?? "no Content-Length"
                throw OSSAccessError(.rangeMismatch(url: shown, asked: asked.text, answered: "\(range.text) with \(body)"))
            }
            remaining = announced
        case 200 where asked.first == 0 && length == head.size && announced == head.size && !answer.isChunked:
            // Asked for all of it and got all of it: what a server may do for a range covering the whole object.
            remaining = head.size
        case 200:
            closeConnection()
            throw OSSAccessError(.rangeIgnored(url: shown))
        case 412:
            closeConnection()
            throw OSSAccessError(.changed(url: shown, detail: "the server refused If-Match \"\(head.etag)\" (HTTP 412)"))
        default:
            closeConnection()
            throw OSSObjectAccess.statusError(answer.status, url: shown)
        }
        position = offset
        lastRange = remaining
        requestCount += 1
    }

    /// Sends the GET on the open connection when there is one, else on a new one; a kept-alive connection the
    /// server closed in the meantime is replaced once.
    private func exchange(_ headers: [(String, String)]) throws(HTTPConnection.Failure) -> HTTPResponseHead {
        var reused = false
        if let open = connection, open.isReusable {
            reused = true
        } else {
            connection?.close()
            connection = try HTTPConnection(scheme: request.scheme, authority: request.authority, deadline: deadline)
        }
        do throws(HTTPConnection.Failure) {
            return try ask(headers)
        } catch {
            guard reused, error == .closed(afterBytes: 0) else { throw error }
            connection?.close()
            connection = try HTTPConnection(scheme: request.scheme, authority: request.authority, deadline: deadline)
            return try ask(headers)
        }
    }

    private func ask(_ headers: [(String, String)]) throws(HTTPConnection.Failure) -> HTTPResponseHead {
        guard let connection else { throw .closed(afterBytes: 0) }
        try connection.send(method: "GET", target: request.target, headers: headers)
        return try connection.readHead()
    }
}

internal import CFFmpeg
internal import CFFmpegShim
import Foundation

// MARK: - Deadline

/// A point on the monotonic clock after which every request of one object gives up, waits included: the
/// connection's interrupt callback reads it, so a connect, a TLS handshake or a read that hangs returns.
final class Deadline: @unchecked Sendable {
    /// Nanoseconds on `cff_monotonic_ns`'s clock.
    let nanoseconds: Int64

    init(nanoseconds: Int64) {
        self.nanoseconds = nanoseconds
    }

    /// `seconds` from now; a limit that is not a finite positive number is clamped, never an overflow.
    convenience init(secondsFromNow seconds: TimeInterval) {
        let clamped = seconds.isFinite ? min(max(seconds, 0.001), 1e9) : 1e9
        self.init(nanoseconds: cff_monotonic_ns() &+ Int64(clamped * 1e9))
    }

    var hasPassed: Bool { cff_monotonic_ns() > nanoseconds }
}

// MARK: - Connection

/// One HTTP/1.1 connection to an endpoint, over FFmpeg's `tcp`/`tls` protocols (the TLS FFmpeg already links,
/// with the server's certificate checked). ClipMeter speaks HTTP itself so that it sees every status line and
/// header the server sends: an answer that does not match the question is caught here, not measured.
///
/// Blocking, on the caller's thread: it needs no other thread, so many of them at once cannot starve each other.
final class HTTPConnection {
    /// Why a connection failed, before any HTTP meaning is given to it.
    enum Failure: Error, Equatable {
        /// The deadline passed.
        case timedOut
        /// The connection could not be opened (refused, no such host, TLS refused); `cause` in words.
        case cannotConnect(cause: String)
        /// The server closed the connection; `afterBytes` of the answer had arrived.
        case closed(afterBytes: Int)
        /// What arrived is not an HTTP/1.x answer, or breaks its framing; `detail` says how.
        case notHTTP(detail: String)
        /// Another read or write error (an FFmpeg error code, in words).
        case io(cause: String)
    }

    /// Longest status line and header block accepted: OSS sends about 1 KB.
    static let maximumHeadBytes = 65_536

    let host: String
    private var context: UnsafeMutablePointer<AVIOContext>?
    private let deadline: Deadline
    /// Bytes that arrived after the header block of the answer being read and are not consumed yet.
    private var pending: [UInt8] = []
    /// Set when the server said it closes the connection, or an answer was abandoned half-read.
    private(set) var isReusable = true

    private static let networkReady: Void = { _ = avformat_network_init() }()

    /// Connects to `scheme://authority` (http or https; default ports 80 and 443).
    init(scheme: String, authority: String, deadline: Deadline) throws(Failure) {
        _ = Self.networkReady
        self.deadline = deadline
        host = authority
        let isTLS = scheme == "https"
        let hasPort = authority.hasPrefix("[") ? authority.contains("]:") : authority.contains(":")
        let address = hasPort ? authority : "\(authority):\(isTLS ? 443 : 80)"
        var options: OpaquePointer? = nil
        av_dict_set(&options, "protocol_whitelist", "tcp,tls", 0)
        // A small receive window: when an answer is abandoned (a seek), little of it was transferred for nothing.
        av_dict_set(&options, "recv_buffer_size", "65536", 0)
        if isTLS {
            av_dict_set(&options, "tls_verify", "1", 0)
        }
        var callback = AVIOInterruptCB(
            callback: { opaque in
                guard let opaque else { return 0 }
                return Unmanaged<Deadline>.fromOpaque(opaque).takeUnretainedValue().hasPassed ? 1 : 0
            }, opaque: Unmanaged.passUnretained(deadline).toOpaque())
        var opened: UnsafeMutablePointer<AVIOContext>? = nil
        let rc = avio_open2(&opened, "\(isTLS ? "tls" : "tcp")://\(address)", AVIO_FLAG_READ_WRITE, &callback, &options)
        av_dict_free(&options)
        guard rc >= 0, let opened else {
            if deadline.hasPassed || rc == cff_averror_exit() { throw .timedOut }
            // libavformat reports a name that does not resolve as a bare EIO: ask the resolver which it was.
            throw .cannotConnect(cause: Self.resolves(authority) ? Self.words(rc) : "host not found (check the endpoint's name)")
        }
        context = opened
    }

    deinit { close() }

    /// Closes the connection (idempotent).
    func close() {
        if context != nil { avio_closep(&context) }
        isReusable = false
    }

    /// Sends one request: `target` is the path and query; the header lines go as given.
    func send(method: String, target: String, headers: [(String, String)]) throws(Failure) {
        guard let context else { throw .closed(afterBytes: 0) }
        var text = "\(method) \(target) HTTP/1.1\r\nHost: \(host)\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        text += "\r\n"
        let bytes = Array(text.utf8)
        bytes.withUnsafeBufferPointer { avio_write(context, $0.baseAddress, Int32($0.count)) }
        avio_flush(context)
        if context.pointee.error < 0 {
            let code = context.pointee.error
            isReusable = false
            if deadline.hasPassed || code == cff_averror_exit() { throw .timedOut }
            // The server hung up before the request was out: as good as closing without an answer.
            if code == cff_averror(EPIPE) || code == cff_averror(ECONNRESET) { throw .closed(afterBytes: 0) }
            throw .io(cause: Self.words(code))
        }
    }

    /// Reads the status line and headers of the next answer.
    func readHead() throws(Failure) -> HTTPResponseHead {
        var block: [UInt8] = pending
        pending = []
        var scanned = 0
        while true {
            if let end = Self.endOfHead(block, from: max(scanned - 3, 0)) {
                let head = try HTTPResponseHead.parse(block[..<end])
                block = Array(block[end...])
                scanned = 0
                // An interim answer (100 Continue, 103 Early Hints) comes before the real one.
                if (100...199).contains(head.status) && head.status != 101 { continue }
                pending = block
                if head.closesConnection { isReusable = false }
                return head
            }
            scanned = block.count
            if block.count > Self.maximumHeadBytes {
                isReusable = false
                throw .notHTTP(detail: "a header block over \(Self.maximumHeadBytes) bytes")
            }
            var chunk = [UInt8](repeating: 0, count: 16_384)
            let n = try receive(into: &chunk, max: chunk.count)
            if n == 0 {
                isReusable = false
                throw .closed(afterBytes: block.count)
            }
            block += chunk[0..<n]
        }
    }

    /// Reads up to `count` body bytes into `buffer`; 0 only when the connection closed.
    func readBody(into buffer: UnsafeMutableRawBufferPointer, count: Int) throws(Failure) -> Int {
        let wanted = min(count, buffer.count)
        guard wanted > 0 else { return 0 }
        if !pending.isEmpty {
            let n = min(wanted, pending.count)
            pending.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: n) }
            pending.removeFirst(n)
            return n
        }
        guard let context else { return 0 }
        let rc = avio_read_partial(context, buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), Int32(min(wanted, Int(Int32.max))))
        return try Self.result(rc, deadline: deadline, connection: self)
    }

    /// Reads and drops `count` body bytes (to reuse the connection after an answer the caller does not need).
    func discardBody(_ count: Int64) throws(Failure) {
        var left = count
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 16_384, alignment: 1)
        defer { scratch.deallocate() }
        while left > 0 {
            let n = try readBody(into: scratch, count: Int(min(left, Int64(scratch.count))))
            if n == 0 { throw .closed(afterBytes: 0) }
            left -= Int64(n)
        }
    }

    /// Marks the connection as not reusable: an answer was left half-read.
    func abandon() {
        isReusable = false
        close()
    }

    private func receive(into chunk: inout [UInt8], max: Int) throws(Failure) -> Int {
        guard let context else { return 0 }
        let rc = chunk.withUnsafeMutableBufferPointer { avio_read_partial(context, $0.baseAddress, Int32(max)) }
        return try Self.result(rc, deadline: deadline, connection: self)
    }

    private static func result(_ rc: Int32, deadline: Deadline, connection: HTTPConnection) throws(Failure) -> Int {
        if rc > 0 { return Int(rc) }
        if rc == 0 || rc == cff_averror_eof() {
            connection.isReusable = false
            return 0
        }
        connection.isReusable = false
        if deadline.hasPassed || rc == cff_averror_exit() { throw .timedOut }
        if rc == cff_averror(ECONNRESET) || rc == cff_averror(EPIPE) { return 0 }
        throw .io(cause: words(rc))
    }

    /// Index just past the blank line that ends a header block, searching from `start`.
    private static func endOfHead(_ bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= 4 else { return nil }
        var i = start
        while i + 3 < bytes.count {
            if bytes[i] == 13, bytes[i + 1] == 10, bytes[i + 2] == 13, bytes[i + 3] == 10 { return i + 4 }
            i += 1
        }
        return nil
    }

    /// An FFmpeg error code in words.
    static func words(_ code: Int32) -> String {
        if code == cff_averror(ECONNREFUSED) { return "connection refused" }
        if code == cff_averror(ECONNRESET) { return "the connection was reset" }
        if code == cff_averror(ENETUNREACH) || code == cff_averror(EHOSTUNREACH) { return "no route to the host" }
        if code == cff_averror(EIO) { return "input/output error (a TLS handshake that failed, or a certificate that is not trusted?)" }
        var buffer = [CChar](repeating: 0, count: 128)
        av_strerror(code, &buffer, buffer.count)
        let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return text.isEmpty ? "error \(code)" : text
    }

    /// True when the host of `authority` (`host`, `host:port`, `[v6]:port`) resolves to an address.
    static func resolves(_ authority: String) -> Bool {
        var host = authority
        if host.hasPrefix("["), let close = host.firstIndex(of: "]") {
            host = String(host[host.index(after: host.startIndex)..<close])
        } else if let colon = host.lastIndex(of: ":") {
            host = String(host[..<colon])
        }
        var found: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, nil, &found) == 0 else { return false }
        freeaddrinfo(found)
        return true
    }
}

// MARK: - Response head

/// The status line and headers of one HTTP answer, parsed strictly: numbers that are not plain non-negative
/// decimal integers in range are errors, never a trap and never a guess.
struct HTTPResponseHead: Equatable {
    var status: Int
    /// Header values by lower-cased name; a repeated header keeps its first value (`conflicting` notes a clash).
    var headers: [String: String]
    /// True when the server announced it closes the connection after this answer (or speaks HTTP/1.0).
    var closesConnection: Bool

    func value(_ name: String) -> String? { headers[name.lowercased()] }

    /// The body length the answer announces: nil without a Content-Length; an error for one that is not a byte
    /// count (negative, not a number, beyond 64 bits) or that appears twice with different values.
    func contentLength() throws(HTTPConnection.Failure) -> Int64? {
        guard let text = value("content-length") else { return nil }
        guard let length = Self.byteCount(text) else {
            throw .notHTTP(detail: "Content-Length \(Self.shown(text)) is not a byte count")
        }
        return length
    }

    /// True for `Transfer-Encoding` other than identity (chunked): the body is framed in chunks.
    var isChunked: Bool {
        guard let text = value("transfer-encoding") else { return false }
        return text.lowercased().split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces) != "identity" }
    }

    static func parse(_ bytes: ArraySlice<UInt8>) throws(HTTPConnection.Failure) -> HTTPResponseHead {
        // Latin-1 never fails to decode: a server's odd bytes become odd characters, shown escaped.
        let text = String(bytes.map { Character(Unicode.Scalar($0)) })
        var lines = text.components(separatedBy: "\r\n")
        while lines.last == "" { lines.removeLast() }
        guard let statusLine = lines.first else { throw .notHTTP(detail: "an empty answer") }
        let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0] == "HTTP/1.1" || parts[0] == "HTTP/1.0", parts[1].count == 3,
            parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), let status = Int(parts[1]), status >= 100
        else {
            throw .notHTTP(detail: "the first line \(shown(statusLine)) is not an HTTP status line")
        }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex,
                !line[..<colon].contains(where: { $0 == " " || $0 == "\t" }),
                !line.hasPrefix(" "), !line.hasPrefix("\t")
            else {
                throw .notHTTP(detail: "the header line \(shown(line)) is malformed")
            }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
            if let earlier = headers[name] {
                if ["content-length", "content-range", "etag"].contains(name) && earlier != value {
                    throw .notHTTP(detail: "two different \(line[..<colon]) headers (\(shown(earlier)) and \(shown(value)))")
                }
                continue
            }
            headers[name] = value
        }
        let connection = headers["connection"]?.lowercased() ?? ""
        let closes = parts[0] == "HTTP/1.0" ? !connection.contains("keep-alive") : connection.contains("close")
        return HTTPResponseHead(status: status, headers: headers, closesConnection: closes)
    }

    /// A plain decimal byte count that fits in 64 bits; nil for anything else (`-1`, `+5`, `1e3`, `2^64`).
    static func byteCount(_ text: String) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.utf8.count <= 19, trimmed.utf8.allSatisfy({ (48...57).contains($0) }) else { return nil }
        return Int64(trimmed)
    }

    /// A header value as a message may quote it: printable ASCII only, and at most 80 characters.
    static func shown(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars.prefix(80) {
            out += (0x20..<0x7F).contains(scalar.value) ? String(scalar) : "\\u{\(String(scalar.value, radix: 16))}"
        }
        return "\"" + out + (text.unicodeScalars.count > 80 ? "…" : "") + "\""
    }
}

/// `Content-Range: bytes FIRST-LAST/TOTAL` of a 206 answer, parsed strictly.
struct ContentRange: Equatable {
    var first: Int64
    var last: Int64
    /// nil for `*` (the server does not know the size).
    var total: Int64?

    init(first: Int64, last: Int64, total: Int64?) {
        self.first = first
        self.last = last
        self.total = total
    }

    /// Nil when `text` is not a satisfied byte range with first ≤ last (< total when known).
    init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.lowercased().hasPrefix("bytes ") else { return nil }
        let spec = trimmed.dropFirst(6).trimmingCharacters(in: .whitespaces)
        let halves = spec.split(separator: "/", omittingEmptySubsequences: false)
        guard halves.count == 2 else { return nil }
        let bounds = halves[0].split(separator: "-", omittingEmptySubsequences: false)
        guard bounds.count == 2, let first = HTTPResponseHead.byteCount(String(bounds[0])),
            let last = HTTPResponseHead.byteCount(String(bounds[1])), first <= last
        else { return nil }
        var total: Int64?
        if halves[1] != "*" {
            guard let known = HTTPResponseHead.byteCount(String(halves[1])), last < known else { return nil }
            total = known
        }
        self.init(first: first, last: last, total: total)
    }

    /// `first-last/total`, as a message shows it.
    var text: String { "\(first)-\(last)/\(total.map(String.init) ?? "*")" }
}

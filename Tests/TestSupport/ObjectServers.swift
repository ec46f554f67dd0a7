import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// A real nginx (Debian's `nginx-light` or `nginx`) on 127.0.0.1 serving the test corpus as OSS objects,
/// path-style (`/BUCKET/KEY`), with range support, plus buckets that fail the ways a real endpoint can.
///
/// One process (`master_process off`) in a temporary prefix, stopped by its process id. Buckets:
/// `corpus` (the corpus, byte ranges), `stall` (1 byte/s), `forbidden`/`missing`/`unsatisfiable`/
/// `broken`/`moved` (403/404/416/500/302 to `redirect-target` for every request), and `get-forbidden`, `get-missing`,
/// `get-unsatisfiable`, `get-broken`, `get-moved`: a good HEAD, then the failure on the reads.
public final class NginxServer: @unchecked Sendable {
    /// Why nginx cannot run here; tests skip on it only outside CI.
    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String
    }

    public let port: Int
    public let prefix: URL
    private let process: Process

    /// `http://127.0.0.1:PORT`: what `--oss-endpoint` gets.
    public var endpoint: String { "http://127.0.0.1:\(port)" }

    /// The nginx binary, nil when none is installed.
    public static var binary: String? {
        ["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Starts nginx serving `corpus` (and each of `buckets` under its name) and waits until it accepts
    /// connections.
    public init(serving corpus: URL, buckets extra: [String: URL] = [:]) throws {
        guard let binary = Self.binary else {
            throw Unavailable(description: "nginx is not installed (apt-get install -y nginx-light); scripts/test installs it")
        }
        prefix = try TestMedia.temporaryDirectory("clipmeter-nginx")
        port = try Self.freePort()
        let root = corpus.standardizedFileURL.path
        var buckets = ""
        for (name, status) in [("forbidden", 403), ("missing", 404), ("unsatisfiable", 416), ("broken", 500)] {
            buckets += "        location /\(name)/ { return \(status); }\n"
            buckets += "        location /get-\(name)/ { alias \(root)/; if ($request_method = GET) { return \(status); } }\n"
        }
        for (name, folder) in extra.sorted(by: { $0.key < $1.key }) {
            buckets += "        location /\(name)/ { alias \(folder.standardizedFileURL.path)/; }\n"
        }
        // The redirect target serves the corpus too, under a name nothing else reads: a request there means
        // a redirect was followed.
        let elsewhere = "http://localhost:\(port)/redirect-target/mkv.mkv"
        buckets += "        location /redirect-target/ { alias \(root)/; }\n"
        buckets += "        location /moved/ { return 302 \(elsewhere); }\n"
        buckets += "        location /get-moved/ { alias \(root)/; if ($request_method = GET) { return 302 \(elsewhere); } }\n"
        let user = getuid() == 0 ? "user root;\n" : ""
        let config = """
            \(user)daemon off;
            master_process off;
            pid \(prefix.path)/nginx.pid;
            error_log \(prefix.path)/error.log warn;
            events { worker_connections 256; }
            http {
                log_format objects '$request_method $uri $status $body_bytes_sent "$http_range" "$args"';
                access_log \(prefix.path)/access.log objects;
                client_body_temp_path \(prefix.path)/body;
                proxy_temp_path \(prefix.path)/proxy;
                fastcgi_temp_path \(prefix.path)/fastcgi;
                uwsgi_temp_path \(prefix.path)/uwsgi;
                scgi_temp_path \(prefix.path)/scgi;
                default_type application/octet-stream;
                sendfile on;
                server {
                    listen 127.0.0.1:\(port) sndbuf=65536;
                    location /corpus/ { alias \(root)/; }
                    location /stall/ { alias \(root)/; limit_rate 1; }
            \(buckets)    }
            }

            """
        let configFile = prefix.appendingPathComponent("nginx.conf")
        try config.write(to: configFile, atomically: true, encoding: .utf8)
        process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["-p", prefix.path, "-c", configFile.path, "-e", prefix.appendingPathComponent("error.log").path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(10)
        while !Self.accepts(port) {
            if !process.isRunning || Date() > deadline {
                let log = (try? String(contentsOf: prefix.appendingPathComponent("error.log"), encoding: .utf8)) ?? ""
                stop()
                throw Unavailable(description: "nginx did not start on 127.0.0.1:\(port): \(log.suffix(600))")
            }
            usleep(20_000)
        }
    }

    deinit { stop() }

    /// Stops this nginx (its own process id only).
    public func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGQUIT)
        let deadline = Date().addingTimeInterval(3)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// One request as nginx logged it.
    public struct Request: Sendable {
        public var method: String
        public var uri: String
        public var status: Int
        public var bodyBytes: Int64
        public var range: String
        public var query: String
    }

    /// Every request so far (nginx writes the log line when the response ends).
    public func requests() -> [Request] {
        let text = (try? String(contentsOf: prefix.appendingPathComponent("access.log"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            let quoted = line.split(separator: "\"", omittingEmptySubsequences: false)
            let head = (quoted.first ?? "").split(separator: " ")
            guard head.count >= 4, let status = Int(head[2]), let bytes = Int64(head[3]) else { return nil }
            return Request(
                method: String(head[0]), uri: String(head[1]), status: status, bodyBytes: bytes,
                range: quoted.count > 1 ? String(quoted[1]) : "", query: quoted.count > 3 ? String(quoted[3]) : "")
        }
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Unavailable(description: "no socket") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw Unavailable(description: "no free port on 127.0.0.1") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func accepts(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}

/// A server whose answers promise a whole object and then stop: the headers (HEAD and GET alike) give the
/// full Content-Length, a GET sends the first `sentBytes` of the requested range and closes the
/// connection. nginx cannot be made to do this, and a sync or a proxy cut off mid-transfer does exactly it.
public final class TruncatingServer: @unchecked Sendable {
    public let port: Int
    private let listener: Int32
    private let data: Data
    private let sentBytes: Int
    private let lock = NSLock()
    private var stopped = false

    public var endpoint: String { "http://127.0.0.1:\(port)" }

    public init(serving file: String, sentBytes: Int = 4096) throws {
        data = try Data(contentsOf: URL(fileURLWithPath: file))
        self.sentBytes = sentBytes
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        listener = fd
        guard ok else {
            close(fd)
            throw NginxServer.Unavailable(description: "cannot listen on 127.0.0.1")
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in serve() }
        thread.start()
    }

    deinit { stop() }

    public func stop() {
        lock.lock()
        let wasStopped = stopped
        stopped = true
        lock.unlock()
        if !wasStopped {
            shutdown(listener, Int32(SHUT_RDWR))
            close(listener)
        }
    }

    private func serve() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 { return }
            var buffer = [UInt8](repeating: 0, count: 8192)
            let n = read(client, &buffer, buffer.count)
            let request = n > 0 ? String(decoding: buffer.prefix(n), as: UTF8.self) : ""
            let isHead = request.hasPrefix("HEAD")
            var start = 0
            if let range = request.range(of: "Range: bytes=", options: .caseInsensitive) {
                let digits = request[range.upperBound...].prefix { $0.isNumber }
                start = min(Int(digits) ?? 0, data.count)
            }
            let total = data.count
            let status = start > 0 ? "206 Partial Content" : "200 OK"
            var headers =
                "HTTP/1.1 \(status)\r\nContent-Length: \(total - start)\r\nAccept-Ranges: bytes\r\nETag: \"truncating\"\r\nConnection: close\r\n"
            if start > 0 { headers += "Content-Range: bytes \(start)-\(total - 1)/\(total)\r\n" }
            headers += "\r\n"
            var out = Data(headers.utf8)
            if !isHead { out.append(data.subdata(in: start..<min(total, start + sentBytes))) }
            _ = out.withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
            close(client)
        }
    }
}

/// The lying HTTP server (`scripts/lying-http-server.py`) on a free port of 127.0.0.1, serving the files of
/// `folder` path-style under one bucket per lie (`honest`, `ignore-range`, `range-from-zero`, `swap`, …; the
/// script's header lists them). Started with a pipe on its stdin, so it exits with the test process even when
/// `stop()` is never reached; stopped by its own process id.
public final class LyingServer: @unchecked Sendable {
    public let port: Int
    private let process: Process
    private let stdin = Pipe()

    public var endpoint: String { "http://127.0.0.1:\(port)" }

    public init(serving folder: URL) throws {
        let script = TestMedia.packageRoot.appendingPathComponent("scripts/lying-http-server.py").path
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, folder.path, "--exit-with-stdin"]
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The first line is "PORT n"; read byte by byte so nothing after it is consumed.
        var line = ""
        let deadline = Date().addingTimeInterval(10)
        while !line.hasSuffix("\n") && Date() < deadline {
            let byte = stdout.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty { break }
            line += String(decoding: byte, as: UTF8.self)
        }
        let words = line.split(separator: " ")
        guard words.count == 2, words[0] == "PORT", let port = Int(words[1].trimmingCharacters(in: .whitespacesAndNewlines)) else {
            process.terminate()
            throw NginxServer.Unavailable(description: "the lying HTTP server did not start (python3 \(script)): \(line)")
        }
        self.port = port
    }

    deinit { stop() }

    /// Stops this server (its own process id only).
    public func stop() {
        guard process.isRunning else { return }
        try? stdin.fileHandleForWriting.close()
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(3)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

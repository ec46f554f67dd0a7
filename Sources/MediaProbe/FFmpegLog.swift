internal import CFFmpeg
internal import CFFmpegShim
import Foundation

/// Routes FFmpeg's log lines to the probe running on the same thread, so a line such as
/// "Estimating duration from bitrate" becomes a warning on the file it is about instead of noise on stderr.
///
/// FFmpeg logs synchronously on the thread that called it, and each probe runs start to finish on one
/// thread, so the calling thread identifies the file.
enum FFmpegLog {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var sinks: [UInt: LogCollector] = [:]
    private static let installOnce: Void = {
        cff_install_log_sink(ffmpegLogSink)
    }()

    /// Installs the callback (once per process).
    static func install() { _ = installOnce }

    /// Runs `body` with `collector` receiving the FFmpeg lines this thread logs meanwhile.
    static func collecting<T>(into collector: LogCollector, _ body: () throws -> T) rethrows -> T {
        install()
        let key = UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(bitPattern: UInt(pthread_self()))))
        lock.lock(); sinks[key] = collector; lock.unlock()
        defer { lock.lock(); sinks[key] = nil; lock.unlock() }
        return try body()
    }

    fileprivate static func deliver(level: Int32, line: String) {
        let key = UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(bitPattern: UInt(pthread_self()))))
        lock.lock(); let sink = sinks[key]; lock.unlock()
        sink?.add(level: level, line: line)
    }
}

/// The lines FFmpeg logged while one file was probed.
final class LogCollector: @unchecked Sendable {
    private(set) var lines: [(level: Int32, text: String)] = []

    func add(level: Int32, line: String) {
        let text = Self.scrubbed(line.trimmingCharacters(in: .whitespacesAndNewlines))
        guard !text.isEmpty, lines.count < 200 else { return }
        lines.append((level, text))
    }

    /// The line with every URL's query string cut off: FFmpeg echoes the URL it opened, and a pre-signed
    /// URL's query holds its signature and, with STS, the security token.
    static func scrubbed(_ line: String) -> String {
        guard line.contains("://"), line.contains("?") else { return line }
        var out = ""
        var inURL = false
        var dropping = false
        var previous: [Character] = []
        for ch in line {
            if ch.isWhitespace || ch == "'" || ch == "\"" || ch == ")" || ch == "]" || ch == ">" {
                inURL = false
                dropping = false
            }
            if inURL && !dropping && (ch == "?" || ch == "#") {
                dropping = true
                out += "?…"
            }
            if !dropping { out.append(ch) }
            previous.append(ch)
            if previous.count > 3 { previous.removeFirst() }
            if previous == [":", "/", "/"] { inURL = true }
        }
        return out
    }

    /// True when any line contains one of the phrases (case-insensitive).
    func mentions(_ phrases: [String]) -> Bool {
        lines.contains { line in phrases.contains { line.text.lowercased().contains($0.lowercased()) } }
    }

    /// The last error-level line, the most specific reason FFmpeg gave.
    var lastError: String? { lines.last { $0.level <= AV_LOG_ERROR }?.text }
}

/// Receives each formatted FFmpeg line from the C trampoline (CFFmpegShim/shim.c).
private let ffmpegLogSink: @convention(c) (Int32, UnsafePointer<CChar>?) -> Void = { level, line in
    guard let line else { return }
    FFmpegLog.deliver(level: level, line: String(cString: line))
}

/// FFmpeg's text for an error code, via av_strerror.
func ffmpegErrorString(_ code: Int32) -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    let rc = buffer.withUnsafeMutableBufferPointer { av_strerror(code, $0.baseAddress, $0.count) }
    if rc < 0 { return "FFmpeg error \(code)" }
    return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
}

/// Reads a C string that FFmpeg may leave NULL; never force-unwraps.
func cString(_ pointer: UnsafePointer<CChar>?) -> String? {
    guard let pointer else { return nil }
    return String(cString: pointer)
}

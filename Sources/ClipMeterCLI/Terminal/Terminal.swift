import ClipMeterKit
import Foundation

/// Writes to stdout and stderr; the progress bar appears only when stderr is a terminal.
enum Terminal {
    static let stderrIsTerminal = isatty(STDERR_FILENO) == 1
    /// Whether to end with a statistics line: on a terminal, or when `CLIPMETER_STATS` asks for it (tests, scripts).
    static let showsStats = stderrIsTerminal || ProcessInfo.processInfo.environment["CLIPMETER_STATS"] != nil

    static func out(_ text: String) {
        fputs(text, stdout)
        fputs("\n", stdout)
    }

    /// One message on stderr, every line of it made safe for a terminal (`TerminalText`): messages quote file
    /// names, job ids and manifest text that anyone who can write into a scanned folder chose. A failed write to
    /// stderr is ignored: there is nowhere left to report it, and the exit status still tells.
    static func err(_ text: String) {
        fputs(TerminalText.lines(text) + "\n", stderr)
    }
}

/// A one-line progress bar (files done/total, rate, ETA) on stderr, drawn only on a terminal.
final class ProgressBar {
    private var total: Int
    private let start = Date()
    private var done = 0
    private var lastDraw = Date.distantPast
    private let enabled: Bool

    init(total: Int, enabled: Bool = Terminal.stderrIsTerminal) {
        self.total = total
        self.enabled = enabled
    }

    func advance() {
        update(done: done + 1, total: total)
    }

    /// Sets the counts directly, for work whose total is known only once it starts.
    func update(done: Int, total: Int) {
        self.done = done
        self.total = total
        guard enabled, total > 1 else { return }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) > 0.1 || done == total else { return }
        lastDraw = now
        let elapsed = max(now.timeIntervalSince(start), 0.001)
        let rate = Double(done) / elapsed
        let eta = rate > 0 ? Double(total - done) / rate : 0
        let width = 30
        let filled = total > 0 ? width * done / total : width
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let line = String(format: "\r[%@] %d/%d  %.1f files/s  ETA %ds ", bar, done, total, rate, Int(eta))
        fputs(line, stderr)
    }

    func finish() {
        guard enabled else { return }
        fputs("\r\u{1B}[2K", stderr)
    }
}

import Foundation

/// Passes a command's output through to stdout and stderr while keeping a copy: stdout in a temporary file
/// (a bill for 20,000 jobs need not sit in memory twice), stderr in memory (a few lines).
final class OutputRecorder {
    private var handle: FileHandle?
    private let url: URL
    private var buffer: [UInt8] = []
    private(set) var stderrText = ""
    private let console: any ScanConsole

    init(console: any ScanConsole) {
        self.console = console
        url = URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("clipmeter-scan-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).out")
        if FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600]) {
            handle = try? FileHandle(forWritingTo: url)
        }
        buffer.reserveCapacity(1 << 18)
    }

    func out(_ text: String) {
        fputs(text, stdout)
        guard handle != nil else { return }
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 18 { flush() }
    }

    func err(_ text: String) {
        console.err(text)
        stderrText += text + "\n"
    }

    private func flush() {
        guard let handle, !buffer.isEmpty else { return }
        do { try handle.write(contentsOf: buffer) } catch {
            try? handle.close()
            self.handle = nil
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// The captured stdout, or nil when it could not be kept whole.
    func finish() -> URL? {
        flush()
        fflush(stdout)
        guard let handle else {
            try? FileManager.default.removeItem(at: url)
            return nil
        }
        try? handle.close()
        self.handle = nil
        return url
    }

    deinit {
        if let handle { try? handle.close() }
    }
}

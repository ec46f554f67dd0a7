import ArgumentParser
import Billing
import ClipMeterKit
import Foundation
import Ledger

/// Replays a scan's stored output when the same command meets the same tree, and stores it after a full scan.
///
/// The documented target is a re-scan of an unchanged tree 20× faster than the first scan; measuring nothing is not
/// enough for that, because pricing and rendering thousands of jobs again costs more than the walk. The key is
/// everything besides the files that shapes the output (this build, the working directory, the arguments, the
/// time zone, whether stdout is a terminal); the tree state is every file the scan could read (`TreeState`).
/// Both must match byte for byte, so a changed, added or removed file, a new rate card or a rebuilt binary
/// all fall through to a full scan, which then stores a fresh replay.
struct ScanReplay {
    let ledger: Ledger
    let key: String
    let state: TreeState

    /// The replay of the tree `listing` shows (the scan's one walk) and of `files` named one by one; nil when the
    /// tree has no trustworthy state (a symlinked folder in it).
    init?(
        ledger: Ledger, arguments: [String] = Array(CommandLine.arguments.dropFirst()), shard: (k: Int, n: Int)?,
        listing: TreeListing, files: [String]
    ) {
        let excluded = Set(["", "-wal", "-shm", "-journal"].map { ledger.path + $0 })
        guard let state = TreeState.capture(listing: listing, files: files, excluding: excluded) else { return nil }
        self.ledger = ledger
        self.state = state
        self.key = Self.key(arguments: arguments, shard: shard, ledger: ledger.path)
    }

    /// The replay key: everything that decides the output besides the files. The same argv can mean another scan
    /// (`--shard auto` reads its index from the environment; `$CLIPMETER_LEDGER` picks the ledger), so the key holds
    /// the resolved shard, the ledger and every variable of the environment that feeds a flag, with passwords and
    /// secrets left out: the key is stored in the ledger.
    static func key(
        arguments: [String], shard: (k: Int, n: Int)?, ledger: String,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String {
        var parts = [
            "clipmeter-scan-replay-2", Self.buildIdentity, FileManager.default.currentDirectoryPath,
            TimeZone.current.identifier, isatty(STDOUT_FILENO) == 1 ? "tty" : "pipe",
            "shard=" + (shard.map { "\($0.k)/\($0.n)" } ?? "all"), "ledger=" + Self.withoutPassword(ledger),
        ]
        let fed = environment.keys.filter { $0.hasPrefix("CLIPMETER_") || $0 == "JOB_COMPLETION_INDEX" || $0 == "TZ" }
        for name in fed.sorted() {
            let secret = ["PASSWORD", "SECRET", "TOKEN", "ACCESS_KEY"].contains { name.uppercased().contains($0) }
            parts.append("env " + name + "=" + (secret ? "(set)" : Self.withoutPassword(environment[name] ?? "")))
        }
        parts += arguments.map(Self.withoutPassword)
        // A JSON array: unambiguous for any argument text (SQLite text stops at a NUL, so no NUL separators).
        let data = (try? JSONSerialization.data(withJSONObject: parts, options: [])) ?? Data(parts.joined(separator: "\n").utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// `text` with the password of a `scheme://user:password@host` URL left out.
    static func withoutPassword(_ text: String) -> String {
        guard let scheme = text.range(of: "://"), let at = text[scheme.upperBound...].firstIndex(of: "@"),
            let colon = text[scheme.upperBound..<at].firstIndex(of: ":")
        else { return text }
        return String(text[..<colon]) + String(text[at...])
    }

    /// This executable's path, size and times: a rebuilt binary (new rules, new bundled cards) never replays.
    private static let buildIdentity: String = {
        let exe =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? Bundle.main.executablePath ?? CommandLine.arguments[0]
        var info = stat()
        guard stat(exe, &info) == 0 else { return exe }
        return "\(exe) \(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec) \(info.st_ino)"
    }()

    /// True when the stored bill was replayed (printed, with its stats line, and its exit status thrown when not
    /// 0); false, having printed nothing, when the scan must run.
    func replayed(timeZone: TimeZone) throws -> Bool {
        guard let (status, stored) = replayIfUnchanged() else { return false }
        if Terminal.showsStats {
            Terminal.err(
                "clipmeter: nothing changed since the scan of \(DateText.string(stored.recordedAt, in: timeZone)); its bill was replayed from the ledger: 0 file(s) measured (--no-replay does the full scan)"
            )
        }
        if status != 0 { throw ExitCode(status) }
        return true
    }

    /// Prints the stored output and stderr and returns the stored exit status, or nil (printing nothing) when
    /// there is no replay for this key and state.
    func replayIfUnchanged() -> (status: Int32, stored: StoredReplay)? {
        guard let stored = try? ledger.replay(forKey: key), stored.treeState == state.bytes else { return nil }
        var written = false
        do {
            let complete = try ledger.replayOutput(forKey: key) { chunk in
                written = true
                chunk.withUnsafeBytes { _ = fwrite($0.baseAddress, 1, $0.count, stdout) }
            }
            guard complete else { return written ? (ExitStatus.inputFailed, stored) : nil }
        } catch {
            // Nothing printed yet: fall back to the full scan. Half printed: say so and fail.
            guard written else { return nil }
            Terminal.err("clipmeter: the stored bill could not be read back completely (\(error)); run again with --no-replay")
            return (ExitStatus.inputFailed, stored)
        }
        fflush(stdout)
        if !stored.stderr.isEmpty { fputs(TerminalText.lines(stored.stderr), stderr) }
        return (stored.exitStatus, stored)
    }

    /// Seconds everything in the tree must be older than the walk before a replay is stored, and the default of
    /// `--settle`: above the coarsest timestamp granularity in use (2 s on FAT). `CLIPMETER_REPLAY_SETTLE_SECONDS`
    /// overrides it for tests of freshly made trees.
    static var settleSeconds: Double {
        ProcessInfo.processInfo.environment["CLIPMETER_REPLAY_SETTLE_SECONDS"].flatMap(Double.init) ?? 2
    }

    /// Stores what `recorder` captured; a failure only costs the next run its shortcut, so it is a warning.
    /// A tree touched just before the walk is not stored at all (see `TreeState.isSettled`): the next scan of it
    /// does the full work and stores the replay then.
    func store(_ recorder: OutputRecorder, exitStatus: Int32) {
        guard let file = recorder.finish() else { return }
        defer { try? FileManager.default.removeItem(at: file) }
        guard state.isSettled(margin: Self.settleSeconds) else { return }
        do {
            try ledger.storeReplay(
                forKey: key, treeState: state.bytes, exitStatus: exitStatus,
                stderr: recorder.stderrText, outputFile: file)
        } catch {
            Terminal.err(
                "clipmeter: warning: the bill was not stored for replay (\(LedgerChoice.message(for: error))); the next scan does the full work"
            )
        }
    }
}

extension ScanOutcome {
    /// Prints the scan's bill, judges it, stores it for `replay` when it may be replayed, prints `--stats`, and
    /// returns the exit status. A bill the ledger could not record fails the run (exit 2), said first.
    func render(as format: BillFormat?, explain: Bool, maxCost: Decimal?, replay: ScanReplay?) -> Int32 {
        if let error = recordingError {
            // A bill `clipmeter bill` will never show is a failed run, not one warning among hundreds: said first.
            Terminal.err(
                "clipmeter: priced jobs could not be recorded in the ledger (\(LedgerChoice.message(for: error))); the bill below is not in the ledger, run the scan again once it is writable"
            )
        }
        let recorder = OutputRecorder()
        let report = format?.shown(report) ?? report
        format?.print(report, explain: explain, out: recorder.out, err: recorder.err)
        let judged = BillOutcome.status(report, maxCost: maxCost, err: recorder.err)
        let status = recordingError == nil ? judged : ExitStatus.usage
        if recordingError == nil && !unsettled { replay?.store(recorder, exitStatus: status) }
        if Terminal.showsStats {
            Terminal.err("clipmeter: \(jobCount) job(s); \(measured) file(s) measured, \(fromLedger) from the ledger")
        }
        return status
    }
}

/// Passes a command's output through to stdout and stderr while keeping a copy: stdout in a temporary file
/// (a bill for 20,000 jobs need not sit in memory twice), stderr in memory (a few lines).
final class OutputRecorder {
    private var handle: FileHandle?
    private let url: URL
    private var buffer: [UInt8] = []
    private(set) var stderrText = ""

    init() {
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
        Terminal.err(text)
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

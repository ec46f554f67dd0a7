import Billing
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
public struct ScanReplay {
    let ledger: Ledger
    let key: String
    let state: TreeState
    /// Where the replay's own messages go, and how a ledger error is worded there.
    let console: any ScanConsole

    /// The replay of the tree `listing` shows (the scan's one walk) and of `files` named one by one; nil when the
    /// tree has no trustworthy state (a symlinked folder in it).
    init?(
        ledger: Ledger, arguments: [String] = Array(CommandLine.arguments.dropFirst()), shard: (k: Int, n: Int)?,
        listing: TreeListing, files: [String], console: any ScanConsole
    ) {
        let excluded = Set(["", "-wal", "-shm", "-journal"].map { ledger.path + $0 })
        guard let state = TreeState.capture(listing: listing, files: files, excluding: excluded) else { return nil }
        self.ledger = ledger
        self.state = state
        self.console = console
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

    /// The exit status of the stored bill, printed with its stats line; nil, having printed nothing, when the scan
    /// must run.
    func replayed(timeZone: TimeZone) -> Int32? {
        guard let (status, stored) = replayIfUnchanged() else { return nil }
        if console.showsStats {
            console.err(
                "clipmeter: nothing changed since the scan of \(DateText.string(stored.recordedAt, in: timeZone)); its bill was replayed from the ledger: 0 file(s) measured (--no-replay does the full scan)"
            )
        }
        return status
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
            console.err("clipmeter: the stored bill could not be read back completely (\(error)); run again with --no-replay")
            return (ExitStatus.inputFailed, stored)
        }
        fflush(stdout)
        if !stored.stderr.isEmpty { fputs(TerminalText.lines(stored.stderr), stderr) }
        return (stored.exitStatus, stored)
    }

    /// Seconds everything in the tree must be older than the walk before a replay is stored, and the default of
    /// `--settle`: above the coarsest timestamp granularity in use (2 s on FAT). `CLIPMETER_REPLAY_SETTLE_SECONDS`
    /// overrides it for tests of freshly made trees.
    public static var settleSeconds: Double {
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
            console.err(
                "clipmeter: warning: the bill was not stored for replay (\(console.describe(error))); the next scan does the full work"
            )
        }
    }
}

import ClipMeterKit

/// A scan's messages on this process's stderr, its progress as a bar on a terminal, and ledger errors with the
/// flags that act on them.
final class TerminalConsole: ScanConsole {
    private let bar = ProgressBar(total: 0)

    var showsStats: Bool { Terminal.showsStats }

    func err(_ message: String) { Terminal.err(message) }

    func describe(_ error: Error) -> String { LedgerChoice.message(for: error) }

    func progress(done: Int, total: Int) { bar.update(done: done, total: total) }

    func progressFinished() { bar.finish() }
}

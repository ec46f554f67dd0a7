/// What a scan says besides its bill, in the command line's terms. The session decides when to speak; the command
/// line knows where stderr is, whether a statistics line is wanted, how to draw progress and which flags a ledger
/// error's advice names.
public protocol ScanConsole {
    /// Whether the run ends with a statistics line (a terminal, or `CLIPMETER_STATS`).
    var showsStats: Bool { get }
    /// One message on stderr.
    func err(_ message: String)
    /// `error` in the command line's words, naming the flags that act on it.
    func describe(_ error: Error) -> String
    /// Files measured so far, of how many.
    func progress(done: Int, total: Int)
    /// Measuring is over: the progress display goes before the bill is printed.
    func progressFinished()
}

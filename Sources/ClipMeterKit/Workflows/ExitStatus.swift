/// The exit codes of the command line (docs/contract.md, Command line), here because a scan decides its own:
/// a replay returns the status its bill was stored with, and a bill the ledger could not record fails the run.
public enum ExitStatus {
    public static let success: Int32 = 0
    public static let inputFailed: Int32 = 1
    public static let usage: Int32 = 2
    public static let overBudget: Int32 = 3
}

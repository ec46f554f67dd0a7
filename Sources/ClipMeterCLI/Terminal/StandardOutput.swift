import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// Makes a failed write to stdout a failed run: a bill cut short by a full disk, `> /dev/full`, a closed stdout
/// (`>&-`) or a reader gone away (EPIPE with SIGPIPE ignored) must not exit 0, or a scheduled job would archive
/// the truncated bill as a success.
enum StandardOutput {
    /// Puts `/dev/null`, opened read-only, on each of descriptors 0, 1 and 2 that was closed at start.
    ///
    /// Otherwise the next file opened (the ledger) would get descriptor 1 and the bill would be written into it;
    /// read-only, every write to it still fails (`EBADF`), so a closed stdout is reported like any failed write.
    static func holdClosedDescriptors() {
        for descriptor in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO] where fcntl(descriptor, F_GETFD) == -1 {
            let opened = open("/dev/null", O_RDONLY)
            if opened >= 0 && opened != descriptor {
                dup2(opened, descriptor)
                close(opened)
            }
        }
    }

    /// Flushes and closes stdout; nil when everything written reached it, else the reason it did not.
    ///
    /// A write that failed earlier (the stream's error flag) counts as well as the final flush, and so does
    /// `close`, which is where some file systems report a write they could not complete.
    static func finish() -> String? {
        let flushed = fflush(stdout)
        let flushError = errno
        if flushed != 0 { return String(cString: strerror(flushError)) }
        if ferror(stdout) != 0 { return "a write failed before the end" }
        // Closing a duplicate runs the file system's flush (NFS reports late write errors there) and leaves
        // descriptor 1 itself open, so nothing later can reuse it.
        let duplicate = dup(STDOUT_FILENO)
        guard duplicate >= 0 else { return nil }
        let closed = close(duplicate) == 0 ? 0 : errno
        if closed != 0 && closed != EINTR { return String(cString: strerror(closed)) }
        return nil
    }

    /// The message for an output that did not reach stdout.
    static func failureMessage(_ reason: String) -> String {
        "clipmeter: cannot write the output to stdout (\(reason)); what was written is incomplete"
    }
}

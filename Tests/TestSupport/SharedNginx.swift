import Foundation

/// One nginx for a whole test process, started on first use. Outside CI a machine without nginx skips
/// the tests that need it (the caller turns `NginxServer.Unavailable` into XCTSkip); in CI (CI set) it is
/// a failure, so those tests never pass by not running.
public enum SharedNginx {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var running: NginxServer?

    /// The running server.
    public static func server() throws -> NginxServer {
        lock.lock(); defer { lock.unlock() }
        if let running { return running }
        // The samples' synced folder as the bucket the IMS request samples name (oss://example-bucket/…).
        let samples = TestMedia.packageRoot.appendingPathComponent("media-samples/ims-sync")
        let started = try NginxServer(serving: TestMedia.corpus(), buckets: ["example-bucket": samples])
        running = started
        atexit { SharedNginx.stopNow() }
        return started
    }

    /// True where a missing nginx must fail the run instead of skipping.
    public static var required: Bool {
        let ci = ProcessInfo.processInfo.environment["CI"] ?? ""
        return !ci.isEmpty && ci != "0" && ci.lowercased() != "false"
    }

    static func stopNow() {
        running?.stop()
        running = nil
    }
}

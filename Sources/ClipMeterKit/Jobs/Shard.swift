import Foundation

/// `--shard K/N`: splits the jobs of a tree so that N machines (cron hosts, a Kubernetes indexed job, GNU
/// parallel) each scan a disjoint share. The split hashes the job id with 64-bit FNV-1a over its UTF-8 bytes —
/// not Swift's `hashValue`, which is seeded per process — so every machine agrees on every job.
public enum Shard {
    /// Parses `K/N` with 1 ≤ K ≤ N.
    public static func parse(_ text: String) throws -> (k: Int, n: Int) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0].trimmingCharacters(in: .whitespaces)),
            let n = Int(parts[1].trimmingCharacters(in: .whitespaces))
        else { throw ShardError(text: text, message: "expected K/N, e.g. 2/4") }
        guard n >= 1 else { throw ShardError(text: text, message: "N must be at least 1") }
        guard (1...n).contains(k) else { throw ShardError(text: text, message: "K must be between 1 and \(n)") }
        return (k, n)
    }

    /// True when the job belongs to shard `k` (1-based) of `n`.
    public static func includes(_ jobID: String, k: Int, n: Int) -> Bool {
        guard n > 1 else { return true }
        return Int(fnv1a64(jobID) % UInt64(n)) == k - 1
    }

    /// 64-bit FNV-1a of the UTF-8 bytes.
    public static func fnv1a64(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}

/// A malformed `--shard` value; the CLI reports it as a usage error (exit 2).
struct ShardError: Error, CustomStringConvertible, Sendable {
    /// The value as given.
    public var text: String
    /// What is wrong with it.
    public var message: String

    /// `invalid --shard 'X': why`.
    public var description: String { "invalid --shard '\(text)': \(message)" }
}

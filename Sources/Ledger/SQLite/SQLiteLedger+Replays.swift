import Foundation
import GRDB

/// What a finished scan printed, kept so the same command over the same, unchanged tree can print it again
/// without measuring, pricing or rendering anything.
///
/// The ledger neither builds nor judges `key` and `treeState`: the caller derives them from the command and the
/// files on disk, and replays only when both match byte for byte. The output is stored in chunks so neither
/// storing nor replaying holds a large bill in memory.
public struct StoredReplay: Sendable, Equatable {
    public var treeState: Data
    public var exitStatus: Int32
    public var stderr: String
    public var outputBytes: Int64
    public var recordedAt: Date
}

extension SQLiteLedger {
    /// Size of one stored output chunk.
    static let replayChunkBytes = 1 << 20

    /// The replay stored for `key`, without its output.
    func replay(forKey key: String) throws -> StoredReplay? {
        try reading("reading a stored scan") { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT treeState, exitStatus, stderr, outputBytes, recordedAtMillis FROM scanReplay WHERE key = ?
                        """, arguments: [key])
            else { return nil }
            return StoredReplay(
                treeState: row["treeState"], exitStatus: Int32(row["exitStatus"] as Int64),
                stderr: row["stderr"], outputBytes: row["outputBytes"],
                recordedAt: LedgerTime.date(row["recordedAtMillis"]))
        }
    }

    /// Hands the stored output for `key` to `body` chunk by chunk, in order, from one consistent snapshot, and
    /// returns whether the chunks added up to the stored size (a replay stored whole always does).
    @discardableResult
    func replayOutput(forKey key: String, _ body: (Data) throws -> Void) throws -> Bool {
        try reading("reading a stored scan's output") { db in
            let expected = try Int64.fetchOne(db, sql: "SELECT outputBytes FROM scanReplay WHERE key = ?", arguments: [key])
            guard let expected else { return false }
            var seen: Int64 = 0
            let cursor = try Row.fetchCursor(db, sql: "SELECT bytes FROM scanReplayChunk WHERE key = ? ORDER BY seq", arguments: [key])
            while let row = try cursor.next() {
                let bytes: Data = row["bytes"]
                seen += Int64(bytes.count)
                try body(bytes)
            }
            return seen == expected
        }
    }

    /// Stores (or replaces) the replay for `key` in one transaction, reading the output from `outputFile`, and
    /// drops the oldest replays beyond `replaysKept`.
    func storeReplay(
        forKey key: String, treeState: Data, exitStatus: Int32, stderr: String,
        outputFile: URL, recordedAt: Date = Date()
    ) throws {
        guard let handle = try? FileHandle(forReadingFrom: outputFile) else {
            throw LedgerError.io(path: path, message: "the scan's captured output (\(outputFile.path)) could not be read back")
        }
        defer { try? handle.close() }
        try writing("storing the scan for replay") { db in
            try db.execute(sql: "DELETE FROM scanReplayChunk WHERE key = ?", arguments: [key])
            try db.execute(sql: "DELETE FROM scanReplay WHERE key = ?", arguments: [key])
            var total: Int64 = 0
            var seq = 0
            let insert = try db.cachedStatement(sql: "INSERT INTO scanReplayChunk (key, seq, bytes) VALUES (?, ?, ?)")
            while let chunk = try handle.read(upToCount: Self.replayChunkBytes), !chunk.isEmpty {
                try insert.execute(arguments: [key, seq, chunk])
                total += Int64(chunk.count)
                seq += 1
            }
            try db.execute(
                sql: """
                    INSERT INTO scanReplay (key, treeState, exitStatus, stderr, outputBytes, recordedAtMillis)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [key, treeState, Int64(exitStatus), stderr, total, LedgerTime.millis(recordedAt)])
            let stale = try String.fetchAll(
                db,
                sql: """
                    SELECT key FROM scanReplay ORDER BY recordedAtMillis DESC, key LIMIT -1 OFFSET ?
                    """, arguments: [Ledger.replaysKept])
            for old in stale {
                try db.execute(sql: "DELETE FROM scanReplayChunk WHERE key = ?", arguments: [old])
                try db.execute(sql: "DELETE FROM scanReplay WHERE key = ?", arguments: [old])
            }
        }
    }

    /// Forgets every stored replay (the next scan of any tree does the full work).
    func forgetReplays() throws {
        try writing("forgetting stored scans") { db in
            try db.execute(sql: "DELETE FROM scanReplayChunk")
            try db.execute(sql: "DELETE FROM scanReplay")
        }
    }
}

import Foundation
import GRDB

/// The measurement cache: facts about a file, reused while its path, size, modification and change times, inode and
/// probe mode all match.
extension SQLiteLedger {
    /// Bound parameters per `IN (…)` query; well under SQLite's limit even on old builds (999).
    static let keysPerQuery = 500

    /// All cached measurements whose key matches exactly, read from one snapshot.
    ///
    /// Used to skip probing unchanged files; a file whose key differs in any part is simply absent.
    /// Looks rows up by path in slices of `keysPerQuery`, so 20 000 keys cost a few dozen indexed queries.
    func measurements(for keys: [MeasurementKey]) throws -> [MeasurementKey: Data] {
        guard !keys.isEmpty else { return [:] }
        return try reading("reading cached measurements") { db in
            try KeyLookup.measurements(for: keys, sliceSize: Self.keysPerQuery) { slice in
                let placeholders = Array(repeating: "?", count: slice.count).joined(separator: ",")
                let statement = try db.cachedStatement(
                    sql: """
                        SELECT path, mode, size, modifiedAtNanos, changedAtNanos, inode, facts
                        FROM measurement WHERE path IN (\(placeholders))
                        """)
                return try Row.fetchAll(statement, arguments: StatementArguments(slice)).map { row in
                    let key = MeasurementKey(
                        path: row[0], size: row[2], modifiedAtNanos: row[3], changedAtNanos: row[4],
                        inode: UInt64(bitPattern: row[5]), mode: row[1])
                    return (key, row[6])
                }
            }
        }
    }

    /// Stores many measurements in one transaction: all of them or, if the process dies, none.
    ///
    /// A newer entry for the same (path, mode) replaces the old one, so the table holds one row per file and mode
    /// however often the files change; within one call the last entry for a (path, mode) wins.
    func storeMeasurements(_ entries: [(key: MeasurementKey, facts: Data)]) throws {
        guard !entries.isEmpty else { return }
        try writing("storing measurements") { db in
            let statement = try db.cachedStatement(
                sql: """
                    INSERT OR REPLACE INTO measurement (path, mode, size, modifiedAtNanos, changedAtNanos, inode, facts)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """)
            for entry in entries {
                try statement.execute(arguments: [
                    entry.key.path, entry.key.mode, entry.key.size, entry.key.modifiedAtNanos, entry.key.changedAtNanos,
                    Int64(bitPattern: entry.key.inode), entry.facts,
                ])
            }
        }
    }
}

/// The first 100 bytes of an SQLite database file, read without SQLite.
///
/// Looking at the header before handing a file to SQLite lets the ledger reject random bytes, text and truncated
/// files, and files written by a newer schema, without SQLite switching their journal mode or otherwise touching them.
/// Layout: <https://www.sqlite.org/fileformat.html#the_database_header>.
struct SQLiteFileHeader {
    /// Size of the header in bytes.
    static let length = 100
    private static let magic = Array("SQLite format 3\u{0}".utf8)

    private let bytes: [UInt8]

    /// Parses a header; nil when the bytes are too few or do not start with SQLite's magic string.
    init?(_ bytes: [UInt8]) {
        guard bytes.count >= Self.length, Array(bytes[0..<Self.magic.count]) == Self.magic else { return nil }
        self.bytes = Array(bytes[0..<Self.length])
    }

    /// The page size in bytes (the stored value 1 means 65 536).
    var pageSize: Int {
        let stored = Int(bigEndian16(at: 16))
        return stored == 1 ? 65_536 : stored
    }

    /// Whether `pageSize` is one SQLite can have written: a power of two from 512 to 65 536.
    var hasValidPageSize: Bool {
        (512...65_536).contains(pageSize) && pageSize & (pageSize - 1) == 0
    }

    /// The database size in pages the header claims, when SQLite marked that figure as current.
    var pageCount: Int? {
        let count = bigEndian32(at: 28)
        guard count > 0, bigEndian32(at: 24) == bigEndian32(at: 92) else { return nil }
        return Int(count)
    }

    /// `PRAGMA user_version`, where the ledger records its schema version.
    var userVersion: Int { Int(Int32(bitPattern: bigEndian32(at: 60))) }

    /// `PRAGMA application_id`, which marks the file as a ClipMeter ledger.
    var applicationID: Int32 { Int32(bitPattern: bigEndian32(at: 68)) }

    private func bigEndian16(at offset: Int) -> UInt16 {
        UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    private func bigEndian32(at offset: Int) -> UInt32 {
        (0..<4).reduce(0) { $0 << 8 | UInt32(bytes[offset + $1]) }
    }
}

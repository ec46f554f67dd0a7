import CLibPQ
import Foundation

/// One libpq connection: the only owner of its `PGconn`, closed in `deinit`.
///
/// Values go to the server as parameters (never spliced into SQL text): text for everything but `bytea`, which is
/// sent binary. Results come back as text. A connection is used by one thread at a time (`lock`), which is all the
/// ledger needs: scans write in batches from one place.
final class PGConnection: @unchecked Sendable {
    /// A parameter value.
    enum Value {
        case text(String)
        case bytes(Data)
        case null

        static func int(_ value: Int64?) -> Value { value.map { .text(String($0)) } ?? .null }
    }

    /// A failed call: the SQLSTATE when the server sent one (`42501` insufficient privilege, `40P01` deadlock, …).
    struct Failure: Error {
        var sqlState: SQLState?
        var message: String
        /// Whether the connection itself is gone (server restarted, network cut): nothing later can succeed on it.
        var connectionLost: Bool
    }

    private let connection: OpaquePointer
    private let lock = NSLock()

    /// Connects with libpq's own parsing of `url`, so `PGPASSWORD`, `~/.pgpass`, `PGSSLMODE`, `sslmode=`, … all apply.
    init(url: String) throws {
        // Defaults first, so a value in the URL itself still wins (later settings override earlier ones). The
        // keepalive and user-timeout settings turn a server that vanished from the network into an error within
        // about a minute instead of a scan blocked forever in a read.
        let defaults = [
            ("application_name", "clipmeter"), ("connect_timeout", "10"), ("keepalives", "1"),
            ("keepalives_idle", "30"), ("keepalives_interval", "10"), ("keepalives_count", "3"),
            ("tcp_user_timeout", "60000"),
        ]
        let keywords = defaults.map(\.0) + ["dbname"]
        let values = defaults.map(\.1) + [url]
        let cKeywords = keywords.map { strdup($0) }
        let cValues = values.map { strdup($0) }
        defer { (cKeywords + cValues).forEach { free($0) } }
        var keywordPointers: [UnsafePointer<CChar>?] = cKeywords.map { UnsafePointer($0) } + [nil]
        var valuePointers: [UnsafePointer<CChar>?] = cValues.map { UnsafePointer($0) } + [nil]
        guard let connection = PQconnectdbParams(&keywordPointers, &valuePointers, 1) else {
            throw Failure(sqlState: nil, message: "out of memory while connecting", connectionLost: true)
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.text(PQerrorMessage(connection))
            PQfinish(connection)
            throw Failure(sqlState: nil, message: message, connectionLost: true)
        }
        // Notices ("schema … already exists, skipping") are the server talking to itself, not to the user.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        self.connection = connection
    }

    deinit { PQfinish(connection) }

    /// The role this connection logged in as.
    var user: String { Self.text(PQuser(connection)) }

    /// Runs one statement and returns its rows as text (nil for SQL NULL).
    @discardableResult
    func query(_ sql: String, _ parameters: [Value] = []) throws -> [[String?]] {
        lock.lock()
        defer { lock.unlock() }
        return try unlockedQuery(sql, parameters)
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    ///
    /// A deadlock or serialization failure between concurrent writers is retried a few times from the start; every
    /// write is an idempotent upsert, so a retry records the same rows.
    func transaction<T>(_ body: (Transaction) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        var attempt = 0
        while true {
            attempt += 1
            try unlockedQuery("BEGIN")
            do {
                let value = try body(Transaction(connection: self))
                try unlockedQuery("COMMIT")
                return value
            } catch let failure as Failure {
                _ = try? unlockedQuery("ROLLBACK")
                if failure.sqlState?.isRetryable == true, attempt < 5 {
                    usleep(UInt32.random(in: 10_000...100_000))
                    continue
                }
                throw failure
            } catch {
                _ = try? unlockedQuery("ROLLBACK")
                throw error
            }
        }
    }

    /// The statements of one open transaction.
    struct Transaction {
        fileprivate let connection: PGConnection
        @discardableResult
        func query(_ sql: String, _ parameters: [Value] = []) throws -> [[String?]] {
            try connection.unlockedQuery(sql, parameters)
        }
    }

    @discardableResult
    private func unlockedQuery(_ sql: String, _ parameters: [Value] = []) throws -> [[String?]] {
        var buffers: [UnsafeMutablePointer<CChar>?] = []
        var lengths: [Int32] = []
        var formats: [Int32] = []
        defer { buffers.forEach { free($0) } }
        for parameter in parameters {
            switch parameter {
            case .text(let text):
                buffers.append(strdup(text))
                lengths.append(0)
                formats.append(0)
            case .bytes(let data):
                guard let copy = malloc(max(data.count, 1))?.assumingMemoryBound(to: CChar.self) else {
                    throw Failure(sqlState: nil, message: "out of memory", connectionLost: false)
                }
                data.withUnsafeBytes { raw in
                    if let base = raw.baseAddress { memcpy(copy, base, data.count) }
                }
                buffers.append(copy)
                lengths.append(Int32(data.count))
                formats.append(1)
            case .null:
                buffers.append(nil)
                lengths.append(0)
                formats.append(0)
            }
        }
        let values: [UnsafePointer<CChar>?] = buffers.map { $0.map { UnsafePointer($0) } }
        // Without parameters the simple protocol runs several statements at once (a migration's script).
        let result =
            parameters.isEmpty
            ? PQexec(connection, sql)
            : PQexecParams(connection, sql, Int32(parameters.count), nil, values, lengths, formats, 0)
        guard let result else {
            throw Failure(
                sqlState: nil, message: Self.text(PQerrorMessage(connection)), connectionLost: PQstatus(connection) != CONNECTION_OK)
        }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return []
        case PGRES_TUPLES_OK:
            var rows: [[String?]] = []
            let count = PQntuples(result)
            let fields = PQnfields(result)
            rows.reserveCapacity(Int(count))
            for row in 0..<count {
                var values: [String?] = []
                values.reserveCapacity(Int(fields))
                for field in 0..<fields {
                    values.append(PQgetisnull(result, row, field) == 1 ? nil : Self.text(PQgetvalue(result, row, field)))
                }
                rows.append(values)
            }
            return rows
        default:
            let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            let primary = PQresultErrorField(result, Int32(UInt8(ascii: "M"))).map { String(cString: $0) }
            let message = primary ?? Self.text(PQresultErrorMessage(result))
            throw Failure(
                sqlState: SQLState(state), message: message.trimmingCharacters(in: .whitespacesAndNewlines),
                connectionLost: PQstatus(connection) != CONNECTION_OK)
        }
    }

    /// Decodes a `bytea` column read as text (`\x0a1b…`).
    static func bytes(_ text: String?) -> Data {
        guard let text else { return Data() }
        var length = 0
        guard let raw = PQunescapeBytea(text, &length) else { return Data() }
        defer { PQfreemem(raw) }
        return Data(bytes: raw, count: length)
    }

    /// A C string from libpq, nil-safe, without the trailing newline libpq puts on its messages.
    static func text(_ pointer: UnsafePointer<CChar>?) -> String {
        guard let pointer else { return "" }
        return String(cString: pointer).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// An SQL identifier quoted for splicing (schema names come from the user).
    static func quoteIdentifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

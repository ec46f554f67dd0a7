import Foundation

/// Printing a database URL without ever printing its password.
enum PostgresURL {
    /// `postgres://user:secret@host/db?password=x&sslmode=require` → `postgres://user@host/db?sslmode=require`.
    static func redacted(_ url: String) -> String {
        guard var parts = URLComponents(string: url) else {
            return url.components(separatedBy: "@").last.map { "postgres://…@" + $0 } ?? "postgres://…"
        }
        parts.password = nil
        if let items = parts.queryItems {
            let kept = items.filter { $0.name.lowercased() != "password" }
            parts.queryItems = kept.isEmpty ? nil : kept
        }
        return parts.string ?? "postgres://…"
    }

    /// Removes the password from a message in case libpq echoed any part of the URL.
    static func scrub(_ message: String, url: String) -> String {
        secrets(in: url).reduce(message) { $0.replacingOccurrences(of: $1, with: "***") }
    }

    /// The URL's password as written, decoded, and as JSON would escape it; longest first so none is left half.
    static func secrets(in url: String) -> [String] {
        guard let parts = URLComponents(string: url) else { return [] }
        let found = [parts.password, parts.percentEncodedPassword]
            + (parts.queryItems ?? []).filter { $0.name.lowercased() == "password" }.map(\.value)
        let plain = found.compactMap { $0 }.filter { !$0.isEmpty }
        let escaped = plain.map { $0.replacingOccurrences(of: "/", with: "\\/") }
        return Array(Set(plain + escaped)).sorted { $0.count > $1.count }
    }
}

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
        var text = message
        if let parts = URLComponents(string: url) {
            let secrets = [parts.password, parts.percentEncodedPassword]
                + (parts.queryItems ?? []).filter { $0.name.lowercased() == "password" }.map(\.value)
            for secret in secrets.compactMap({ $0 }) where !secret.isEmpty {
                text = text.replacingOccurrences(of: secret, with: "***")
            }
        }
        return text
    }
}

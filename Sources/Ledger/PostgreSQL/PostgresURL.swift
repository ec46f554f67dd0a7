import Foundation

/// Printing a database URL without ever printing its password.
enum PostgresURL {
    /// `postgres://user:secret@host/db?password=x&sslmode=require` → `postgres://user@host/db?sslmode=require`.
    static func redacted(_ url: String) -> String {
        // Without a host (`postgres:/user:pw@h/db`) the user part parses as a path and would be shown whole.
        guard var parts = URLComponents(string: url), parts.percentEncodedHost != nil else { return looselyRedacted(url) }
        parts.password = nil
        if let items = parts.queryItems {
            let kept = items.filter { $0.name.lowercased() != "password" }
            parts.queryItems = kept.isEmpty ? nil : kept
        }
        return parts.string ?? "postgres://…"
    }

    /// A URL that does not parse, shown without anything that may be a password: the user part (everything up to
    /// the last `@`) and every `password=` parameter are cut, whatever else is wrong with it.
    private static func looselyRedacted(_ url: String) -> String {
        let scheme = url.prefix { $0 != ":" }
        var rest = Substring(url.dropFirst(scheme.count + 1))
        var shown = String(scheme) + ":"
        if let at = rest.lastIndex(of: "@") {
            let slashes = rest.prefix { $0 == "/" }
            shown += slashes + "…@"
            rest = rest[rest.index(after: at)...]
        }
        let kept = rest.split(separator: "&", omittingEmptySubsequences: false).map { part -> Substring in
            guard let range = part.range(of: "password=", options: .caseInsensitive) else { return part }
            return part[..<range.upperBound] + "***"
        }
        return shown + kept.joined(separator: "&")
    }

    /// What keeps a URL that starts like a PostgreSQL one from being one, in words.
    static func flaw(in url: String) -> String {
        let afterScheme = url.drop { $0 != ":" }.dropFirst()
        if !afterScheme.hasPrefix("//") { return "it lacks the // before the host (postgres://HOST/DATABASE)" }
        let authority = afterScheme.dropFirst(2).prefix { $0 != "/" && $0 != "?" }
        let host = authority.split(separator: "@", omittingEmptySubsequences: false).last ?? ""
        if host.hasPrefix("[") && !host.contains("]") { return "its IPv6 host has no closing ]" }
        if host.contains("]") && !host.hasPrefix("[") { return "its host has a ] without an opening [" }
        return
            "it does not parse as a URL (check the characters of the user, password, host and port; escape @, : and / in a password as %40, %3A and %2F)"
    }

    /// Removes the password from a message in case libpq echoed any part of the URL.
    static func scrub(_ message: String, url: String) -> String {
        secrets(in: url).reduce(message) { $0.replacingOccurrences(of: $1, with: "***") }
    }

    /// The URL's password as written, decoded, and as JSON would escape it; longest first so none is left half.
    static func secrets(in url: String) -> [String] {
        guard let parts = URLComponents(string: url) else { return [] }
        let found =
            [parts.password, parts.percentEncodedPassword]
            + (parts.queryItems ?? []).filter { $0.name.lowercased() == "password" }.map(\.value)
        let plain = found.compactMap { $0 }.filter { !$0.isEmpty }
        let escaped = plain.map { $0.replacingOccurrences(of: "/", with: "\\/") }
        return Array(Set(plain + escaped)).sorted { $0.count > $1.count }
    }
}

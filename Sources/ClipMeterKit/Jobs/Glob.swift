import Foundation

/// Shell-style globs for manifest `inputs`/`outputs`: `*` and `?` within one path segment, `[abc]`/`[!a-z]`
/// classes, and `**` for any number of folders. Hidden entries match only a pattern segment that starts with
/// a dot, as in the shell. Only listing: no file is opened.
enum Glob {
    /// True when `text` contains glob syntax.
    static func isPattern(_ text: String) -> Bool {
        text.contains(where: { $0 == "*" || $0 == "?" || $0 == "[" })
    }

    /// Paths under `directory` (taken literally) matching the relative `pattern`, sorted. `mayEnter` is asked
    /// before a folder is listed, so a walk never leaves the allowed roots through a symlinked folder.
    static func expand(pattern: String, in directory: String, mayEnter: (String) -> Bool) -> [String] {
        let segments = pattern.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var found = Set<String>()
        var visited = Set<String>()
        walk(directory, segments, 0, mayEnter, &visited, &found)
        return found.sorted()
    }

    private static func walk(_ directory: String, _ segments: [String], _ index: Int, _ mayEnter: (String) -> Bool,
                             _ visited: inout Set<String>, _ found: inout Set<String>) {
        guard index < segments.count else {
            found.insert(directory)
            return
        }
        let segment = segments[index]
        let isLast = index == segments.count - 1
        if segment == "**" {
            // Zero folders…
            walk(directory, segments, index + 1, mayEnter, &visited, &found)
            // …or one more, recursively.
            guard mayEnter(directory), let real = PathText.realPath(directory), visited.insert(real).inserted else { return }
            for name in PathText.visibleEntries(directory) {
                let path = PathText.join(directory, name)
                if isLast { found.insert(path) }
                if PathText.kind(path) == .directory { walk(path, segments, index, mayEnter, &visited, &found) }
            }
            visited.remove(real)
            return
        }
        if !isPattern(segment) {
            let path = segment == "." ? directory
                : segment == ".." ? PathText.normalized(PathText.join(directory, ".."))
                : PathText.join(directory, segment)
            guard isLast || PathText.kind(path) == .directory else { return }
            if isLast {
                if PathText.kind(path) != nil { found.insert(path) }
            } else {
                walk(path, segments, index + 1, mayEnter, &visited, &found)
            }
            return
        }
        guard PathText.kind(directory) == .directory, mayEnter(directory) else { return }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in names.sorted() where matches(name, segment) {
            if name.hasPrefix(".") && !segment.hasPrefix(".") { continue }
            let path = PathText.join(directory, name)
            if isLast {
                found.insert(path)
            } else if PathText.kind(path) == .directory {
                walk(path, segments, index + 1, mayEnter, &visited, &found)
            }
        }
    }

    /// Matches one path segment against one pattern segment.
    static func matches(_ name: String, _ pattern: String) -> Bool {
        matches(Array(name.unicodeScalars), 0, Array(pattern.unicodeScalars), 0)
    }

    private static func matches(_ name: [Unicode.Scalar], _ n: Int, _ pattern: [Unicode.Scalar], _ p: Int) -> Bool {
        var n = n
        var p = p
        while p < pattern.count {
            let token = pattern[p]
            switch token {
            case "*":
                while p < pattern.count && pattern[p] == "*" { p += 1 }
                if p == pattern.count { return true }
                for start in n...name.count where matches(name, start, pattern, p) { return true }
                return false
            case "?":
                guard n < name.count else { return false }
                n += 1
                p += 1
            case "[":
                guard n < name.count, let (matched, next) = matchClass(name[n], pattern, p + 1) else {
                    // An unclosed `[` is a literal.
                    guard n < name.count, name[n] == "[" else { return false }
                    n += 1
                    p += 1
                    continue
                }
                guard matched else { return false }
                n += 1
                p = next
            case "\\" where p + 1 < pattern.count:
                guard n < name.count, name[n] == pattern[p + 1] else { return false }
                n += 1
                p += 2
            default:
                guard n < name.count, name[n] == token else { return false }
                n += 1
                p += 1
            }
        }
        return n == name.count
    }

    /// Matches `character` against the class starting after `[`; returns (matched, index after `]`), or nil
    /// when the class is not closed.
    private static func matchClass(_ character: Unicode.Scalar, _ pattern: [Unicode.Scalar], _ start: Int) -> (Bool, Int)? {
        var index = start
        var negated = false
        if index < pattern.count, pattern[index] == "!" || pattern[index] == "^" {
            negated = true
            index += 1
        }
        var matched = false
        var first = true
        while index < pattern.count {
            let current = pattern[index]
            if current == "]" && !first { return (matched != negated, index + 1) }
            first = false
            if index + 2 < pattern.count, pattern[index + 1] == "-", pattern[index + 2] != "]" {
                if current.value <= character.value && character.value <= pattern[index + 2].value { matched = true }
                index += 3
            } else {
                if current == character { matched = true }
                index += 1
            }
        }
        return nil
    }
}

import Foundation

/// Shell-style globs for manifest `inputs`/`outputs`: `*` and `?` within one path segment, `[abc]`/`[!a-z]`
/// classes, and `**` for any number of folders. Hidden entries match only a pattern segment that starts with
/// a dot, as in the shell. Only listing: no file is opened.
enum Glob {
    /// True when `text` contains glob syntax.
    static func isPattern(_ text: String) -> Bool {
        text.contains(where: { $0 == "*" || $0 == "?" || $0 == "[" })
    }

    /// One path a pattern matched.
    struct Match: Hashable {
        /// The path as reached (lexical: it may run through symlinks the pattern named).
        var path: String
        /// The path with every symlink resolved; nil when it does not exist (a dangling link).
        var realPath: String?
        /// What the path is once symlinks are followed.
        var kind: PathText.FileKind?
    }

    /// Paths under `directory` (taken literally) matching the relative `pattern`, sorted. `mayEnter` is asked
    /// before a folder reached through a symlink or a named segment is listed, so a walk never leaves the
    /// allowed roots through a symlinked folder.
    ///
    /// `**` never descends into a symlinked folder: `self -> .` would loop and `latest -> 2026-11-20` would
    /// find every file twice. Real paths are carried down the walk instead of asked of `realpath` per entry,
    /// which costs a lookup per path component and made a depth-1,000 tree cubic.
    static func expand(pattern: String, in directory: String, mayEnter: (String) -> Bool) -> [String] {
        matches(pattern: pattern, in: directory, mayEnter: mayEnter).map(\.path)
    }

    /// As `expand`, with each match's real path and kind.
    static func matches(pattern: String, in directory: String, mayEnter: (String) -> Bool) -> [Match] {
        let segments = pattern.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard let real = PathText.realPath(directory) else {
            return segments.isEmpty ? [Match(path: directory, realPath: nil, kind: nil)] : []
        }
        return withoutActuallyEscaping(mayEnter) { mayEnter in
            var walker = Walker(segments: segments, mayEnter: mayEnter)
            walker.walk(Folder(path: directory, real: real, checked: false), 0)
            return walker.found.values.sorted { $0.path < $1.path }
        }
    }

    /// A folder being walked and its real path.
    private struct Folder {
        var path: String
        var real: String
        /// True when reached by `**` through plain folders from one already allowed.
        var checked: Bool
    }

    private struct Walker {
        let segments: [String]
        let mayEnter: (String) -> Bool
        var found: [String: Match] = [:]

        init(segments: [String], mayEnter: @escaping (String) -> Bool) {
            self.segments = segments
            self.mayEnter = mayEnter
        }

        mutating func add(_ path: String, real: String?, kind: PathText.FileKind?) {
            found[path] = Match(path: path, realPath: real, kind: kind)
        }

        /// The entry `name` of `folder`: its real path and kind, following a symlink only when it is one.
        func entry(_ folder: Folder, _ name: String) -> (path: String, real: String?, kind: PathText.FileKind?, isLink: Bool) {
            let path = PathText.join(folder.path, name)
            var info = stat()
            guard lstat(path, &info) == 0 else { return (path, nil, nil, false) }
            if (info.st_mode & S_IFMT) == S_IFLNK {
                return (path, PathText.realPath(path), PathText.kind(path), true)
            }
            return (path, PathText.join(folder.real, name), PathText.FileKind(mode: info.st_mode), false)
        }

        mutating func walk(_ folder: Folder, _ index: Int) {
            guard index < segments.count else {
                add(folder.path, real: folder.real, kind: .directory)
                return
            }
            let segment = segments[index]
            let isLast = index == segments.count - 1
            if segment == "**" {
                // Zero folders…
                walk(folder, index + 1)
                // …or one more, recursively, never through a link.
                guard folder.checked || mayEnter(folder.path) else { return }
                for name in PathText.visibleEntries(folder.path) {
                    let child = entry(folder, name)
                    if isLast { add(child.path, real: child.real, kind: child.kind) }
                    if child.kind == .directory && !child.isLink, let real = child.real {
                        walk(Folder(path: child.path, real: real, checked: true), index)
                    }
                }
                return
            }
            if !isPattern(segment) {
                if segment == "." { return walk(folder, index + 1) }
                let child: (path: String, real: String?, kind: PathText.FileKind?, isLink: Bool)
                if segment == ".." {
                    let path = PathText.normalized(PathText.join(folder.path, ".."))
                    child = (path, PathText.realPath(path), PathText.kind(path), true)
                } else {
                    child = entry(folder, segment)
                }
                if isLast {
                    if child.kind != nil { add(child.path, real: child.real, kind: child.kind) }
                } else if child.kind == .directory, let real = child.real {
                    walk(Folder(path: child.path, real: real, checked: folder.checked && !child.isLink), index + 1)
                }
                return
            }
            guard folder.checked || mayEnter(folder.path) else { return }
            ListingLog.record(folder.path)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            for name in names.sorted() where Glob.matches(name, segment) {
                if name.hasPrefix(".") && !segment.hasPrefix(".") { continue }
                let child = entry(folder, name)
                if isLast {
                    add(child.path, real: child.real, kind: child.kind)
                } else if child.kind == .directory, let real = child.real {
                    walk(Folder(path: child.path, real: real, checked: folder.checked && !child.isLink), index + 1)
                }
            }
        }
    }

    /// Matches one path segment against one pattern segment in time linear in their lengths times the stars:
    /// on a mismatch only the most recent `*` takes one more character (a later star can always absorb what an
    /// earlier one would), so `*a*a*a…` against a long name no longer backtracks exponentially.
    static func matches(_ name: String, _ pattern: String) -> Bool {
        let name = Array(name.unicodeScalars)
        let pattern = Array(pattern.unicodeScalars)
        var n = 0, p = 0
        var star: (p: Int, n: Int)? = nil
        while n < name.count {
            if p < pattern.count, let next = step(name[n], pattern, p) {
                n += 1
                p = next
            } else if p < pattern.count, pattern[p] == "*" {
                while p < pattern.count && pattern[p] == "*" { p += 1 }
                star = (p, n)
            } else if let resume = star {
                // Let the last star swallow one more character and retry from there.
                star = (resume.p, resume.n + 1)
                n = resume.n + 1
                p = resume.p
            } else {
                return false
            }
        }
        while p < pattern.count && pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }

    /// Matches one name character against the pattern token at `p` (not a star); returns the index after the
    /// token, or nil when it does not match.
    private static func step(_ character: Unicode.Scalar, _ pattern: [Unicode.Scalar], _ p: Int) -> Int? {
        switch pattern[p] {
        case "*":
            return nil
        case "?":
            return p + 1
        case "[":
            guard let (matched, next) = matchClass(character, pattern, p + 1) else {
                // An unclosed `[` is a literal.
                return character == "[" ? p + 1 : nil
            }
            return matched ? next : nil
        case "\\" where p + 1 < pattern.count:
            return character == pattern[p + 1] ? p + 2 : nil
        default:
            return character == pattern[p] ? p + 1 : nil
        }
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

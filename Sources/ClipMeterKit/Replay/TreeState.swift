import Foundation

/// A byte-exact picture of everything a scan could read: every entry under the given folders and a few named
/// files, each with its type, size, modification and change times (to the nanosecond), inode and mode.
///
/// Two equal states mean no file a scan may read was written, replaced, added, removed or renamed in between:
/// any write moves the change time, which no tool can set back. Paths a scan can reach only through a symlinked
/// folder would escape this picture, so a tree holding one has no state at all (nil) and is never replayed.
public struct TreeState: Sendable, Equatable {
    public let bytes: Data
    /// When the walk started, and the newest modification or change time it saw (seconds since 1970).
    ///
    /// A file written twice within one tick of the filesystem's clock keeps its times, so a state taken between
    /// the two writes could later match a tree that did change ("racy git"). A state is only trusted for storing
    /// once everything in it is older than the walk by more than any timestamp granularity (`isSettled`).
    public let capturedAt: Double
    public let newestTimestamp: Double

    public init(bytes: Data, capturedAt: Double = 0, newestTimestamp: Double = 0) {
        self.bytes = bytes
        self.capturedAt = capturedAt
        self.newestTimestamp = newestTimestamp
    }

    /// True when every entry was last touched more than `margin` seconds before the walk began.
    public func isSettled(margin: Double) -> Bool { newestTimestamp < capturedAt - margin }

    /// Walks `folders` (recursively, hidden entries included, symlinks not followed) and stats `files`;
    /// entries whose path is in `excluding` (the ledger itself) are left out. Nil when a symlinked folder is met.
    public static func capture(folders: [String], files: [String], excluding: Set<String>) -> TreeState? {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let cwd = FileManager.default.currentDirectoryPath
        var walker = Walker(excluding: Set(excluding.map { PathText.absolute($0, relativeTo: cwd) }))
        for folder in Set(folders.map { PathText.absolute($0, relativeTo: cwd) }).sorted() {
            walker.text("root ")
            guard walker.visit(path: folder) else { return nil }
        }
        for file in Set(files.map { PathText.absolute($0, relativeTo: cwd) }).sorted() {
            walker.text("file ")
            guard walker.visit(path: file, descend: false) else { return nil }
        }
        return TreeState(bytes: Data(walker.bytes), capturedAt: Double(now.tv_sec) + Double(now.tv_nsec) / 1e9,
                         newestTimestamp: walker.newest)
    }

    private struct Walker {
        let excluding: Set<String>
        var bytes: [UInt8] = []
        var newest: Double = 0

        init(excluding: Set<String>) {
            self.excluding = excluding
            bytes.reserveCapacity(1 << 16)
        }

        /// Appends the line for `path` and, for a folder, its entries in byte order of their names.
        /// Returns false when the state cannot be trusted (a symlink to a folder).
        mutating func visit(path: String, descend: Bool = true) -> Bool {
            var info = stat()
            guard lstat(path, &info) == 0 else {
                line("missing", path, errno: errno)
                return true
            }
            return record(path: path, info: info, descend: descend)
        }

        private mutating func record(path: String, info: stat, descend: Bool) -> Bool {
            let kind = info.st_mode & S_IFMT
            if kind == S_IFLNK {
                var target = stat()
                if stat(path, &target) == 0 {
                    if (target.st_mode & S_IFMT) == S_IFDIR { return false }
                    line("link", path, info, target: target, link: Self.linkTarget(path))
                } else {
                    line("dangling", path, info, link: Self.linkTarget(path))
                }
                return true
            }
            guard kind == S_IFDIR else {
                line(kind == S_IFREG ? "f" : "special", path, info)
                return true
            }
            // A folder's own times move whenever an entry is added or removed, which its listing already shows,
            // and the ledger's WAL files come and go beside it on every run: only its mode is recorded.
            text("d "); text(path); number(info.st_mode); bytes.append(0x0A)
            guard descend else { return true }
            guard let dir = opendir(path) else {
                line("unreadable", path, errno: errno)
                return true
            }
            defer { closedir(dir) }
            let fd = dirfd(dir)
            var entries: [(name: [UInt8], info: stat?, error: Int32)] = []
            while let entry = readdir(dir) {
                let name: [UInt8] = withUnsafePointer(to: entry.pointee.d_name) {
                    $0.withMemoryRebound(to: UInt8.self, capacity: 256) { Array(UnsafeBufferPointer(start: $0, count: strlen(UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)))) }
                }
                if name == [0x2E] || name == [0x2E, 0x2E] { continue }
                var child = stat()
                let ok = name.withUnsafeBufferPointer { buffer -> Bool in
                    var cName = Array(buffer) + [0]
                    return cName.withUnsafeMutableBufferPointer {
                        fstatat(fd, UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), &child, AT_SYMLINK_NOFOLLOW) == 0
                    }
                }
                entries.append((name, ok ? child : nil, ok ? 0 : errno))
            }
            entries.sort { $0.name.lexicographicallyPrecedes($1.name) }
            let prefix = path.hasSuffix("/") ? path : path + "/"
            for entry in entries {
                let child = prefix + String(decoding: entry.name, as: UTF8.self)
                if excluding.contains(child) { continue }
                if let childInfo = entry.info {
                    guard record(path: child, info: childInfo, descend: true) else { return false }
                } else {
                    line("missing", child, errno: entry.error)
                }
            }
            return true
        }

        private static func linkTarget(_ path: String) -> String {
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let count = readlink(path, &buffer, buffer.count - 1)
            guard count >= 0 else { return "?" }
            return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }

        mutating func text(_ value: String) { bytes.append(contentsOf: value.utf8) }

        private mutating func number<T: BinaryInteger>(_ value: T) {
            bytes.append(0x20)
            bytes.append(contentsOf: String(value).utf8)
        }

        private mutating func times(_ s: stat) {
            newest = max(newest, Double(s.st_mtim.tv_sec) + Double(s.st_mtim.tv_nsec) / 1e9,
                         Double(s.st_ctim.tv_sec) + Double(s.st_ctim.tv_nsec) / 1e9)
            number(s.st_size)
            number(s.st_mtim.tv_sec); number(s.st_mtim.tv_nsec)
            number(s.st_ctim.tv_sec); number(s.st_ctim.tv_nsec)
            number(s.st_ino); number(s.st_mode)
        }

        private mutating func line(_ kind: String, _ path: String, _ info: stat, target: stat? = nil, link: String? = nil) {
            text(kind); bytes.append(0x20); text(path)
            if let link { text(" -> "); text(link) }
            times(info)
            if let target { times(target) }
            bytes.append(0x0A)
        }

        private mutating func line(_ kind: String, _ path: String, errno code: Int32) {
            text(kind); bytes.append(0x20); text(path); text(" errno"); number(code); bytes.append(0x0A)
        }
    }
}

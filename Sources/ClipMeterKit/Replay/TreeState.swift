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
        capture(listing: TreeListing(roots: folders), files: files, excluding: excluding)
    }

    /// The state of a listing already taken (the scan's one walk: the same listing then feeds discovery), plus
    /// `files` stat'ed now. Nil when the listing holds a symlinked folder.
    public static func capture(listing: TreeListing, files: [String], excluding: Set<String>) -> TreeState? {
        precondition(listing.includesHidden, "a replay state must see hidden entries")
        let cwd = FileManager.default.currentDirectoryPath
        var writer = Writer(listing: listing, excluding: Set(excluding.map { PathText.absolute($0, relativeTo: cwd) }))
        for root in listing.roots.sorted() {
            writer.text("root ")
            guard let entry = listing.rootEntries[ByteKey(root)], writer.record(path: root, entry: entry) else { return nil }
        }
        for file in Set(files.map { PathText.absolute($0, relativeTo: cwd) }).sorted() {
            writer.text("file ")
            var info = stat()
            guard lstat(file, &info) == 0 else {
                writer.line("missing", file, errno: errno)
                continue
            }
            let facts = TreeListing.Facts(info)
            var target: TreeListing.Facts?
            var link: String?
            if facts.isSymlink {
                var followed = stat()
                if stat(file, &followed) == 0 { target = TreeListing.Facts(followed) }
                link = Writer.linkTarget(file)
            }
            let entry = TreeListing.Entry(name: file, facts: facts, error: 0, target: target, linkText: link)
            guard writer.record(path: file, entry: entry, descend: false) else { return nil }
        }
        return TreeState(bytes: Data(writer.bytes), capturedAt: listing.startedAt, newestTimestamp: writer.newest)
    }

    /// Writes a listing as lines, one per entry, folders' entries in byte order of their names.
    private struct Writer {
        let listing: TreeListing
        let excluding: Set<String>
        var bytes: [UInt8] = []
        var newest: Double = 0

        init(listing: TreeListing, excluding: Set<String>) {
            self.listing = listing
            self.excluding = excluding
            // Room for every line at once: grown by doubling, the state of 20,000 files briefly took three times
            // its size. A line is its path and at most 96 bytes of facts (a link's two sets of times and its text
            // are rare enough to fit in the slack). An array, not `Data`: `Data`'s appends cost a quarter of a
            // replay's time.
            var room = 1 << 12
            for (path, folder) in listing.folders {
                for entry in folder.entries { room += path.text.utf8.count + entry.name.utf8.count + 96 }
            }
            bytes.reserveCapacity(room)
        }

        /// Appends the line for `path` and, for a folder the listing entered, its entries.
        /// Returns false when the state cannot be trusted (a symlink to a folder).
        mutating func record(path: String, entry: TreeListing.Entry, descend: Bool = true) -> Bool {
            guard let info = entry.facts else {
                line("missing", path, errno: entry.error)
                return true
            }
            if info.isSymlink {
                if let target = entry.target {
                    if target.isFolder { return false }
                    line("link", path, info, target: target, link: entry.linkText ?? "?")
                } else {
                    line("dangling", path, info, link: entry.linkText ?? "?")
                }
                return true
            }
            guard info.isFolder else {
                line(info.isRegularFile ? "f" : "special", path, info)
                return true
            }
            // A folder's own times move whenever an entry is added or removed, which its listing already shows,
            // and the ledger's WAL files come and go beside it on every run: only its mode is recorded.
            text("d "); text(path); number(info.mode); bytes.append(0x0A)
            guard descend else { return true }
            guard let folder = listing.folder(path), folder.error == 0 else {
                line("unreadable", path, errno: listing.folder(path)?.error ?? ENOENT)
                return true
            }
            for child in folder.entries {
                let childPath = PathText.join(path, child.name)
                if excluding.contains(childPath) { continue }
                guard record(path: childPath, entry: child) else { return false }
            }
            return true
        }

        static func linkTarget(_ path: String) -> String {
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

        private mutating func times(_ s: TreeListing.Facts) {
            newest = max(
                newest, Double(s.modifiedSeconds) + Double(s.modifiedNanoseconds) / 1e9,
                Double(s.changedSeconds) + Double(s.changedNanoseconds) / 1e9)
            number(s.size)
            number(s.modifiedSeconds); number(s.modifiedNanoseconds)
            number(s.changedSeconds); number(s.changedNanoseconds)
            number(s.inode); number(s.mode)
        }

        private mutating func line(
            _ kind: String, _ path: String, _ info: TreeListing.Facts,
            target: TreeListing.Facts? = nil, link: String? = nil
        ) {
            text(kind); bytes.append(0x20); text(path)
            if let link { text(" -> "); text(link) }
            times(info)
            if let target { times(target) }
            bytes.append(0x0A)
        }

        mutating func line(_ kind: String, _ path: String, errno code: Int32) {
            text(kind); bytes.append(0x20); text(path); text(" errno"); number(code); bytes.append(0x0A)
        }
    }
}

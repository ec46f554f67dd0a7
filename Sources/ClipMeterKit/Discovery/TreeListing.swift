import Foundation
import MediaProbe
#if canImport(Glibc)
    import Glibc
#endif

/// One walk of the folders a scan may read: every folder listed once, each entry with its `lstat` facts.
///
/// A scan used to walk its tree three times (the replay state, job discovery, loose media), and the three walks
/// could see three different trees. Now one listing is taken before anything is read: it is the replay's tree
/// state (`TreeState`), and when the stored bill cannot be replayed the same listing feeds job discovery
/// (`JobDiscovery`) and loose-file discovery (`MediaFileFinder`), so the bill and the state stored with it
/// describe the same tree.
///
/// The walk keeps the properties the hostile-tree tests check: entries are `lstat`ed relative to their folder
/// (`fstatat`, no symlink followed), a symlinked folder is recorded but never entered (`self -> .` cannot loop,
/// no path leaves the roots through a link), nothing but folders is opened (with `O_NOFOLLOW | O_NONBLOCK`), each
/// folder is closed before its subfolders are listed (a depth-1,000 tree holds one descriptor, not 1,000), and
/// an entry whose path the kernel cannot take (`PATH_MAX`) is recorded as `ENAMETOOLONG`, as `lstat` would.
public struct TreeListing: Sendable {
    /// What `stat` said about one entry, kept small: 20,000 entries are held for the whole discovery.
    struct Facts: Sendable, Equatable {
        /// Type and permission bits (`st_mode`).
        public var mode: UInt32
        public var size: Int64
        /// Device and inode: together, which bytes on disk these are.
        public var device: UInt64
        public var inode: UInt64
        /// Modification and change times to the nanosecond: any write moves the change time.
        public var modifiedSeconds: Int
        public var modifiedNanoseconds: Int
        public var changedSeconds: Int
        public var changedNanoseconds: Int

        init(_ info: stat) {
            mode = UInt32(info.st_mode)
            size = Int64(info.st_size)
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
            modifiedSeconds = Int(info.st_mtim.tv_sec)
            modifiedNanoseconds = Int(info.st_mtim.tv_nsec)
            changedSeconds = Int(info.st_ctim.tv_sec)
            changedNanoseconds = Int(info.st_ctim.tv_nsec)
        }

        /// The file type bits (`S_IFREG`, `S_IFDIR`, `S_IFLNK`, …).
        public var type: UInt32 { mode & UInt32(S_IFMT) }
        /// A folder, a regular file, a symbolic link (as `lstat` or `stat` saw it).
        public var isFolder: Bool { type == UInt32(S_IFDIR) }
        public var isRegularFile: Bool { type == UInt32(S_IFREG) }
        public var isSymlink: Bool { type == UInt32(S_IFLNK) }
        /// The same bytes under every name and hard link.
        public var identity: FileIdentity { FileIdentity(device: device, inode: inode) }
        /// The modification time as a date (a loose file's stand-in for its job's finish time).
        public var modificationDate: Date {
            Date(timeIntervalSince1970: Double(modifiedSeconds) + Double(modifiedNanoseconds) / 1e9)
        }
    }

    /// One name in a folder (or a root itself).
    struct Entry: Sendable {
        /// The name in its folder (a root's entry is named by its whole path).
        public let name: String
        /// `lstat` of the entry; nil when it failed (`error` says why: vanished, `ENAMETOOLONG`).
        public let facts: Facts?
        public let error: Int32
        /// What a symlink says, boxed: links are rare, and 20,000 plain entries need not each carry room for one.
        private let link: Link?

        init(name: String, facts: Facts?, error: Int32, target: Facts?, linkText: String?) {
            self.name = name
            self.facts = facts
            self.error = error
            link = facts?.isSymlink == true ? Link(target: target, text: linkText ?? "?") : nil
        }

        /// For a symlink: what it points to (`stat`), nil when it dangles.
        public var target: Facts? { link?.target }
        /// For a symlink: its text (`readlink`).
        public var linkText: String? { link?.text }

        /// What the entry is once a symlink is followed; nil when it is missing or dangles.
        public var followed: Facts? { facts?.isSymlink == true ? target : facts }
        /// True for a real folder, which the listing entered (a symlinked folder is not).
        public var isListedFolder: Bool { facts?.isFolder == true }
        /// Hidden entries (`.clipmeter`, `.git`) count for the replay state, never for discovery.
        public var isHidden: Bool { name.hasPrefix(".") }
    }

    private final class Link: Sendable {
        let target: Facts?
        let text: String

        init(target: Facts?, text: String) {
            self.target = target
            self.text = text
        }
    }

    /// One folder's entries in byte order of their names, or why it could not be listed.
    public struct Folder: Sendable {
        /// Every entry but `.` and `..` (hidden ones only when the listing includes them).
        let entries: [Entry]
        /// `errno` of the failed listing (permission denied, a path too long); 0 when listed.
        public let error: Int32
    }

    /// The folders walked from, absolute and normalised, in the order given (duplicates removed).
    public let roots: [String]
    /// Each root's own entry (its `lstat`, and its target when the root is a symlink).
    let rootEntries: [ByteKey: Entry]
    /// Every folder listed, by absolute path (as bytes: `café` in NFC and NFD are two folders).
    public let folders: [ByteKey: Folder]
    /// The clock when the walk began (seconds since 1970): nothing the listing shows is older than the walk.
    public let startedAt: Double
    /// Whether hidden entries were listed (and their folders walked): the replay state needs them.
    public let includesHidden: Bool

    /// Lists `roots` (relative ones against the current directory) and every folder below them. A root is
    /// entered even when it is a symlink to a folder (the user named it); no symlinked folder below it is.
    public init(roots: [String], includingHidden: Bool = true) {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        startedAt = Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
        includesHidden = includingHidden
        let cwd = FileManager.default.currentDirectoryPath
        var seen = Set<ByteKey>()
        let roots = roots.map { PathText.absolute($0, relativeTo: cwd) }.filter { seen.insert(ByteKey($0)).inserted }
        self.roots = roots
        var rootEntries: [ByteKey: Entry] = [:]
        var folders: [ByteKey: Folder] = [:]
        for root in roots {
            let entry = Self.entry(path: root, name: root)
            rootEntries[ByteKey(root)] = entry
            guard entry.followed?.isFolder == true, folders[ByteKey(root)] == nil else { continue }
            var pending = [(path: root, isRoot: true)]
            while let (path, isRoot) = pending.popLast() {
                let folder = Self.list(path, followingLink: isRoot, includingHidden: includingHidden)
                folders[ByteKey(path)] = folder
                for child in folder.entries where child.isListedFolder {
                    let childPath = PathText.join(path, child.name)
                    if folders[ByteKey(childPath)] == nil { pending.append((childPath, false)) }
                }
            }
        }
        self.rootEntries = rootEntries
        self.folders = folders
    }

    /// The folder at `path` (absolute, normalised) when the walk listed it.
    public func folder(_ path: String) -> Folder? { folders[ByteKey(path)] }

    /// True when `path` was walked: it is one of the roots or below one through real folders.
    public func covers(_ path: String) -> Bool { folders[ByteKey(path)] != nil }

    // MARK: - Walking

    /// `lstat` of a root (and `stat` through it when it is a symlink).
    private static func entry(path: String, name: String) -> Entry {
        FileName.withCString(path) { path in
            var info = stat()
            guard lstat(path, &info) == 0 else { return Entry(name: name, facts: nil, error: errno, target: nil, linkText: nil) }
            let facts = Facts(info)
            guard facts.isSymlink else { return Entry(name: name, facts: facts, error: 0, target: nil, linkText: nil) }
            var target = stat()
            let followed = stat(path, &target) == 0 ? Facts(target) : nil
            return Entry(name: name, facts: facts, error: 0, target: followed, linkText: linkText(AT_FDCWD, path))
        }
    }

    /// One folder's entries. The folder is opened without following a symlink (unless it is a root the user
    /// named) and without blocking, and is closed before anything below it is listed.
    private static func list(_ path: String, followingLink: Bool, includingHidden: Bool) -> Folder {
        if path.utf8.count >= Int(PATH_MAX) { return Folder(entries: [], error: ENAMETOOLONG) }
        let flags = O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC | (followingLink ? 0 : O_NOFOLLOW)
        let fd = FileName.withCString(path) { open($0, flags) }
        guard fd >= 0 else { return Folder(entries: [], error: errno) }
        guard let dir = fdopendir(fd) else {
            let code = errno
            close(fd)
            return Folder(entries: [], error: code)
        }
        defer { closedir(dir) }
        ListingLog.record(path)
        // Longest name that still gives a path the kernel accepts (`path/name` shorter than PATH_MAX).
        let room = Int(PATH_MAX) - 1 - path.utf8.count - (path.hasSuffix("/") ? 0 : 1)
        var raw: [(name: [UInt8], entry: Entry)] = []
        while let record = readdir(dir) {
            let name: [UInt8] = withUnsafePointer(to: record.pointee.d_name) {
                $0.withMemoryRebound(to: UInt8.self, capacity: Int(NAME_MAX) + 1) {
                    Array(UnsafeBufferPointer(start: $0, count: strlen(UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))))
                }
            }
            if name == [0x2E] || name == [0x2E, 0x2E] { continue }
            if !includingHidden && name.first == 0x2E { continue }
            let text = FileName.text(fromBytes: name)
            if name.count > room {
                raw.append((name, Entry(name: text, facts: nil, error: ENAMETOOLONG, target: nil, linkText: nil)))
                continue
            }
            raw.append((name, child(dirfd(dir), name, text)))
        }
        raw.sort { $0.name.lexicographicallyPrecedes($1.name) }
        return Folder(entries: raw.map(\.entry), error: 0)
    }

    /// `fstatat` of one name in an open folder, following a symlink only to learn what it points to.
    private static func child(_ fd: Int32, _ name: [UInt8], _ text: String) -> Entry {
        let cName = name.map { CChar(bitPattern: $0) } + [0]
        var info = stat()
        guard fstatat(fd, cName, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
            return Entry(name: text, facts: nil, error: errno, target: nil, linkText: nil)
        }
        let facts = Facts(info)
        guard facts.isSymlink else { return Entry(name: text, facts: facts, error: 0, target: nil, linkText: nil) }
        var target = stat()
        let followed = fstatat(fd, cName, &target, 0) == 0 ? Facts(target) : nil
        return Entry(name: text, facts: facts, error: 0, target: followed, linkText: linkText(fd, cName))
    }

    private static func linkText(_ fd: Int32, _ path: UnsafePointer<CChar>) -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlinkat(fd, path, &buffer, buffer.count - 1)
        guard count >= 0 else { return "?" }
        return FileName.text(fromBytes: buffer[..<count].map { UInt8(bitPattern: $0) })
    }
}

/// Which folders ClipMeterKit listed, for the test that proves a scan lists each folder once. Off (and free)
/// unless a test turns it on; every place in this module that lists a folder records it here.
enum ListingLog {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var counts: [String: Int]?

    /// Records that `path` was listed, when recording.
    static func record(_ path: String) {
        lock.lock()
        defer { lock.unlock() }
        counts?[path, default: 0] += 1
    }

    /// Runs `body` and returns how often each folder was listed meanwhile.
    static func recording(_ body: () throws -> Void) rethrows -> [String: Int] {
        lock.lock(); counts = [:]; lock.unlock()
        defer { lock.lock(); counts = nil; lock.unlock() }
        try body()
        lock.lock()
        defer { lock.unlock() }
        return counts ?? [:]
    }
}

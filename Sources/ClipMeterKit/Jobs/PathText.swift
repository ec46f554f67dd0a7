import Foundation
import MediaProbe

/// Path arithmetic on strings, done lexically so that a path is judged before anything on disk is touched.
enum PathText {
    /// `path` made absolute against `base` and normalised (`.` and `..` resolved lexically).
    static func absolute(_ path: String, relativeTo base: String) -> String {
        let expanded = path.hasPrefix("~/") ? NSString(string: path).expandingTildeInPath : path
        let joined = expanded.hasPrefix("/") ? expanded : join(base, expanded)
        return normalized(joined)
    }

    /// `a/b`, without doubling the slash.
    static func join(_ directory: String, _ name: String) -> String {
        if directory.isEmpty { return name }
        return directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// Resolves `.` and `..` in an absolute path without looking at the disk (`/a/../..` stays at `/`).
    static func normalized(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }

    /// True when `path` is `root` or inside it (both absolute and normalised).
    static func isInside(_ path: String, root: String) -> Bool {
        if root == "/" { return true }
        return path == root || path.hasPrefix(root + "/")
    }

    /// The canonical path with every symlink resolved, nil when it does not exist.
    static func realPath(_ path: String) -> String? {
        guard let resolved = FileName.withCString(path, { realpath($0, nil) }) else { return nil }
        defer { free(resolved) }
        return FileName.text(
            fromBytes: Array(
                UnsafeBufferPointer(
                    start: UnsafeRawPointer(resolved).assumingMemoryBound(to: UInt8.self),
                    count: strlen(resolved))))
    }

    /// `path` relative to `root` when inside it, else `path` unchanged.
    static func relative(_ path: String, to root: String) -> String {
        if path == root { return "." }
        let prefix = root.hasSuffix("/") ? root : root + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    /// What `stat` says about a path (following symlinks): nil when it does not exist.
    static func kind(_ path: String) -> FileKind? {
        var info = stat()
        guard FileName.withCString(path, { stat($0, &info) }) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return .directory
        case S_IFREG: return .file
        default: return .other
        }
    }

    /// True when `path` itself is a symbolic link (`lstat`).
    static func isSymlink(_ path: String) -> Bool {
        var info = stat()
        return FileName.withCString(path, { lstat($0, &info) }) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
    }

    enum FileKind {
        case file, directory, other

        /// The kind a `stat` mode names.
        init(mode: mode_t) {
            switch mode & S_IFMT {
            case S_IFDIR: self = .directory
            case S_IFREG: self = .file
            default: self = .other
            }
        }
    }

    /// Modification time of a file (following symlinks).
    static func modificationDate(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }

    /// Names in a directory, sorted, hidden ones (`.clipmeter`, `.DS_Store`) left out.
    static func visibleEntries(_ directory: String) -> [String] {
        ListingLog.record(directory)
        return ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { !$0.hasPrefix(".") }
            .sorted()
    }
}

/// A file's identity on disk, (device, inode): the same for every name and link that reaches it, so a file
/// found by two routes is billed once.
struct FileIdentity: Hashable, Sendable {
    var device: UInt64
    var inode: UInt64

    /// The identity of what `path` names (following symlinks); nil when it does not exist.
    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }

    init(device: UInt64, inode: UInt64) {
        self.device = device
        self.inode = inode
    }
}

import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// A regular file opened for measuring: the descriptor FFmpeg will read and what `fstat` said about it.
/// FormatContext takes the descriptor over (and closes it); nothing else closes it.
struct OpenedFile {
    let path: String
    let descriptor: Int32
    let size: Int64
    let modifiedAtNanos: Int64
    /// The first bytes, so a failure can tell damaged media from junk.
    let magic: Data
}

/// Opens a path only when it is a regular file, with errors a user can act on. FFmpeg would block forever
/// on a FIFO and gives vague errors for directories, dangling links, long paths and empty files.
///
/// The order matters for hostile folders: `lstat`/`stat` first (a special file gets its own error without
/// being opened), then `open` with `O_NONBLOCK` (opening a FIFO never waits for a writer), then `fstat` of
/// the descriptor, so a file swapped for a FIFO between the check and the open is still caught.
///
/// Files can also be swapped for symbolic links after they were listed. A name `lstat` saw as a file is opened
/// with `O_NOFOLLOW` and the descriptor's (device, inode) must be the one `lstat` saw. With `refusingLinks`
/// (paths a caller resolved and confined itself) no link is followed anywhere on the path (`LinkFreeOpen`), so
/// a file or folder replaced by a link to outside the scanned roots is refused, never read.
enum FileCheck {
    static func open(_ path: String, refusingLinks: Bool = false) throws(ProbeError) -> OpenedFile {
        func fail(_ code: ProbeErrorCode, _ message: String, _ operation: String = "stat") -> ProbeError {
            ProbeError(path: path, code: code, operation: operation, message: message)
        }
        let swapped =
            "a symbolic link now stands where the listing saw a file or folder (the tree changed after it was listed); links appearing there are not followed, so nothing outside the scanned folders is read"
        if path.utf8.count >= Int(PATH_MAX) {
            throw fail(
                .unsupported,
                "the path is \(path.utf8.count) bytes long; the system opens paths of at most \(PATH_MAX - 1) bytes (PATH_MAX): move the file to a shorter path"
            )
        }
        var link = stat()
        if FileName.withCString(path, { lstat($0, &link) }) != 0 {
            throw fail(errorCode(errno), describe(errno, path: path))
        }
        let isLink = (link.st_mode & S_IFMT) == S_IFLNK
        if isLink && refusingLinks { throw fail(.unsupported, swapped, "open") }
        var info = stat()
        if FileName.withCString(path, { stat($0, &info) }) != 0 {
            let e = errno
            if isLink && e == ENOENT {
                let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?"
                throw fail(.notFound, "broken symbolic link (points to \(target))")
            }
            throw fail(errorCode(e), describe(e, path: path))
        }
        if (info.st_mode & S_IFMT) == S_IFDIR && FileName.withCString(path, { access($0, R_OK | X_OK) }) != 0 {
            throw fail(.permissionDenied, "is a folder this user cannot read, so its files cannot be listed or measured")
        }
        if let kind = specialKind(info.st_mode) {
            throw fail(.unsupported, "is \(kind), not a regular file; only regular files are measured")
        }
        let flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY
        let fd: Int32
        if refusingLinks {
            fd = LinkFreeOpen.open(path, flags: flags)
        } else {
            fd = FileName.withCString(path) { Glibc.open($0, isLink ? flags : flags | O_NOFOLLOW) }
        }
        if fd < 0 {
            let e = errno
            if e == ELOOP && (refusingLinks || !isLink) { throw fail(.unsupported, swapped, "open") }
            throw fail(errorCode(e), describe(e, path: path), "open")
        }
        var opened = stat()
        if fstat(fd, &opened) != 0 {
            let e = errno
            close(fd)
            throw fail(.io, "cannot read the file's status: \(String(cString: strerror(e)))", "open")
        }
        if let kind = specialKind(opened.st_mode) {
            close(fd)
            throw fail(.unsupported, "became \(kind) while being opened (the folder is changing); only regular files are measured", "open")
        }
        if opened.st_dev != info.st_dev || opened.st_ino != info.st_ino {
            close(fd)
            throw fail(.unsupported, "was replaced by another file while being opened (the folder is changing); it is not measured", "open")
        }
        // Reads of a regular file never block; clearing the flag keeps FFmpeg's reads plain blocking reads.
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        if opened.st_size == 0 {
            close(fd)
            throw fail(.notMedia, "empty file (0 bytes)", "read")
        }
        var buffer = [UInt8](repeating: 0, count: 64)
        let n = pread(fd, &buffer, buffer.count, 0)
        if n < 0 {
            let e = errno
            close(fd)
            throw fail(.io, "cannot read: \(String(cString: strerror(e)))", "read")
        }
        let nanos = Int64(opened.st_mtim.tv_sec) * 1_000_000_000 + Int64(opened.st_mtim.tv_nsec)
        return OpenedFile(
            path: path, descriptor: fd, size: Int64(opened.st_size), modifiedAtNanos: nanos,
            magic: Data(buffer.prefix(max(n, 0))))
    }

    /// What a non-regular file is, in words; nil for a regular file.
    private static func specialKind(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: return "a directory"
        case S_IFIFO: return "a FIFO (named pipe)"
        case S_IFSOCK: return "a socket"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        default: return "a special file"
        }
    }

    private static func errorCode(_ e: Int32) -> ProbeErrorCode {
        switch e {
        case ENOENT, ENOTDIR: return .notFound
        case EACCES, EPERM: return .permissionDenied
        case ENAMETOOLONG, ELOOP, ENXIO, ENODEV, EOPNOTSUPP: return .unsupported
        default: return .io
        }
    }

    private static func describe(_ e: Int32, path: String) -> String {
        switch e {
        case ENOENT: return "no such file"
        case ENOTDIR: return "no such file (a parent in the path is not a folder)"
        case EACCES, EPERM: return "permission denied (the file, or a folder on its path, is not readable for this user)"
        case ENAMETOOLONG: return "a name in the path is longer than the system allows (NAME_MAX or PATH_MAX): rename or move the file"
        case ELOOP: return "too many levels of symbolic links (a link loop)"
        default: return String(cString: strerror(e))
        }
    }

    /// True when the first bytes carry a well-known container signature (so a failure means damage, not junk).
    static func looksLikeContainer(_ magic: Data) -> Bool {
        let b = [UInt8](magic)
        func at(_ offset: Int, _ s: String) -> Bool {
            let bytes = Array(s.utf8)
            return b.count >= offset + bytes.count && Array(b[offset..<offset + bytes.count]) == bytes
        }
        if at(4, "ftyp") || at(4, "moov") || at(4, "mdat") || at(4, "free") || at(4, "wide") { return true }
        if b.count >= 4 && b[0] == 0x1A && b[1] == 0x45 && b[2] == 0xDF && b[3] == 0xA3 { return true }  // EBML
        if at(0, "RIFF") || at(0, "OggS") || at(0, "fLaC") || at(0, "FLV") || at(0, "ID3") { return true }
        if b.count >= 1 && b[0] == 0x47 && b.count >= 189 { return b[188] == 0x47 }  // MPEG-TS sync bytes
        return false
    }
}

/// Opening a path without following a symbolic link on any part of it.
///
/// `O_NOFOLLOW` guards only the last name: a folder on the way swapped for a link to `/` would still be
/// crossed. So the path is walked from `/` one folder at a time, each opened relative to the one before
/// (`openat` with `O_PATH | O_NOFOLLOW | O_DIRECTORY`, which needs only search permission), and the file
/// relative to its folder with `O_NOFOLLOW`. At most two descriptors are held at any time.
public enum LinkFreeOpen {
    /// Linux's `O_PATH`: a descriptor that names a folder without reading it.
    private static let pathOnly: Int32 = 0o10000000

    /// The descriptor of the file at `path` opened with `flags`, or -1 with `errno` set; `ELOOP` when a
    /// symbolic link stands anywhere on the path. A relative path is walked from the working folder.
    public static func open(_ path: String, flags: Int32) -> Int32 {
        let parts = path.split(separator: "/").map(String.init)
        guard let name = parts.last else { return FileName.withCString(path) { Glibc.open($0, flags | O_NOFOLLOW) } }
        var folder = Glibc.open(path.hasPrefix("/") ? "/" : ".", pathOnly | O_DIRECTORY | O_CLOEXEC)
        guard folder >= 0 else { return -1 }
        for part in parts.dropLast() {
            let next = FileName.withCString(part) { openat(folder, $0, pathOnly | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }
            var code = errno
            if next < 0 && code == ENOTDIR && isLink(part, in: folder) { code = ELOOP }
            close(folder)
            guard next >= 0 else {
                errno = code
                return -1
            }
            folder = next
        }
        let descriptor = FileName.withCString(name) { openat(folder, $0, flags | O_NOFOLLOW) }
        let code = errno
        close(folder)
        errno = code
        return descriptor
    }

    private static func isLink(_ name: String, in folder: Int32) -> Bool {
        var info = stat()
        return FileName.withCString(name) { fstatat(folder, $0, &info, AT_SYMLINK_NOFOLLOW) } == 0 && (info.st_mode & S_IFMT) == S_IFLNK
    }
}

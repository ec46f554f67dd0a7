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
enum FileCheck {
    static func open(_ path: String) throws(ProbeError) -> OpenedFile {
        func fail(_ code: ProbeErrorCode, _ message: String, _ operation: String = "stat") -> ProbeError {
            ProbeError(path: path, code: code, operation: operation, message: message)
        }
        if path.utf8.count >= Int(PATH_MAX) {
            throw fail(.unsupported, "the path is \(path.utf8.count) bytes long; the system opens paths of at most \(PATH_MAX - 1) bytes (PATH_MAX): move the file to a shorter path")
        }
        var link = stat()
        if lstat(path, &link) != 0 {
            throw fail(errorCode(errno), describe(errno, path: path))
        }
        var info = stat()
        if stat(path, &info) != 0 {
            let e = errno
            if (link.st_mode & S_IFMT) == S_IFLNK && e == ENOENT {
                let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?"
                throw fail(.notFound, "broken symbolic link (points to \(target))")
            }
            throw fail(errorCode(e), describe(e, path: path))
        }
        if (info.st_mode & S_IFMT) == S_IFDIR && access(path, R_OK | X_OK) != 0 {
            throw fail(.permissionDenied, "is a folder this user cannot read, so its files cannot be listed or measured")
        }
        if let kind = specialKind(info.st_mode) {
            throw fail(.unsupported, "is \(kind), not a regular file; only regular files are measured")
        }
        let fd = Glibc.open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        if fd < 0 {
            let e = errno
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
        return OpenedFile(path: path, descriptor: fd, size: Int64(opened.st_size), modifiedAtNanos: nanos,
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
        if b.count >= 4 && b[0] == 0x1A && b[1] == 0x45 && b[2] == 0xDF && b[3] == 0xA3 { return true } // EBML
        if at(0, "RIFF") || at(0, "OggS") || at(0, "fLaC") || at(0, "FLV") || at(0, "ID3") { return true }
        if b.count >= 1 && b[0] == 0x47 && b.count >= 189 { return b[188] == 0x47 } // MPEG-TS sync bytes
        return false
    }
}

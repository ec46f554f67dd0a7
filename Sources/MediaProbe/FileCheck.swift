import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Checks a path with the file system before FFmpeg sees it: FFmpeg would block forever on a FIFO and
/// gives vague errors for directories, dangling links and empty files.
enum FileCheck {
    struct Checked {
        var size: Int64
        var modifiedAtNanos: Int64
        var magic: Data
    }

    static func check(_ path: String) throws(ProbeError) -> Checked {
        func fail(_ code: ProbeErrorCode, _ message: String) -> ProbeError {
            ProbeError(path: path, code: code, operation: "stat", message: message)
        }
        var link = stat()
        if lstat(path, &link) != 0 {
            let e = errno
            if e == EACCES { throw fail(.permissionDenied, "permission denied on a parent folder") }
            throw fail(.notFound, "no such file")
        }
        var info = stat()
        if stat(path, &info) != 0 {
            if (link.st_mode & S_IFMT) == S_IFLNK {
                let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?"
                throw fail(.notFound, "broken symbolic link (points to \(target))")
            }
            throw fail(.io, String(cString: strerror(errno)))
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw fail(.unsupported, "is a directory, not a file")
        case S_IFIFO: throw fail(.unsupported, "is a FIFO (named pipe), not a regular file")
        case S_IFSOCK: throw fail(.unsupported, "is a socket, not a regular file")
        default: throw fail(.unsupported, "is a device or special file, not a regular file")
        }
        let fd = open(path, O_RDONLY | O_NONBLOCK)
        if fd < 0 {
            let e = errno
            if e == EACCES || e == EPERM { throw fail(.permissionDenied, "permission denied (cannot open for reading)") }
            throw fail(.io, String(cString: strerror(e)))
        }
        defer { close(fd) }
        if info.st_size == 0 { throw fail(.notMedia, "empty file (0 bytes)") }
        var buffer = [UInt8](repeating: 0, count: 64)
        let n = read(fd, &buffer, buffer.count)
        if n < 0 { throw fail(.io, "cannot read: \(String(cString: strerror(errno)))") }
        let magic = Data(buffer.prefix(max(n, 0)))
        if let text = String(data: magic.prefix(16), encoding: .ascii),
           text.hasPrefix("#EXTM3U") || text.hasPrefix("ffconcat") {
            throw ProbeError(path: path, code: .unsupported, operation: "read",
                             message: "playlists (HLS, ffconcat) are not measured: their entries could point outside the scanned folders; measure the media files themselves")
        }
        let nanos = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        return Checked(size: Int64(info.st_size), modifiedAtNanos: nanos, magic: magic)
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

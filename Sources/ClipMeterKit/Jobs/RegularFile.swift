import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// How much of a job source ClipMeter is willing to take in: a manifest, saved response or timeline is written
/// by whoever can drop a file into a scanned folder, so neither its size nor its YAML alias expansion may be
/// left to the file to decide.
public struct ReadLimits: Sendable, Equatable {
    /// Largest manifest, response or timeline read (`--max-manifest-bytes`).
    public var maxBytes: Int
    /// Most YAML nodes a document may expand to once aliases are followed (a nine-level "billion laughs"
    /// expands nine bytes of anchors into 387 million nodes).
    public var maxNodes: Int

    /// 64 MB and two million nodes: far beyond any real manifest, far below what exhausts memory.
    public static let standard = ReadLimits(maxBytes: 64 << 20, maxNodes: 2_000_000)

    public init(maxBytes: Int, maxNodes: Int) {
        self.maxBytes = maxBytes
        self.maxNodes = maxNodes
    }
}

/// Why a job source could not be read, with the path; `description` is the user's message.
public struct FileReadError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong.
    enum Reason: Sendable, Equatable {
        case notFound
        case permissionDenied
        /// A FIFO, socket, device or folder: opening one can block forever or read without end.
        case notRegular(kind: String)
        case tooLarge(size: Int, limit: Int)
        /// Longer than `PATH_MAX` (or a name longer than `NAME_MAX`): the system cannot even look it up.
        case pathTooLong
        /// Swapped for a link or another file between the check and the open (the folder is changing).
        case replaced
        case io(errno: Int32)
    }

    public var path: String
    var reason: Reason

    init(path: String, reason: Reason) {
        self.path = path
        self.reason = reason
    }

    /// The reason alone, for callers that name the file themselves.
    public var message: String {
        switch reason {
        case .notFound: return "no such file"
        case .permissionDenied: return "permission denied"
        case .notRegular(let kind): return "is \(kind), not a regular file; it is not read"
        case .tooLarge(let size, let limit):
            return "is \(size) bytes, more than the limit of \(limit) bytes (raise it with --max-manifest-bytes)"
        case .pathTooLong: return "the path is longer than the system allows (PATH_MAX \(PATH_MAX) bytes, NAME_MAX per name)"
        case .replaced: return "was replaced (by a symbolic link or another file) while being opened; it is not read"
        case .io(let code): return "cannot be read (\(String(cString: strerror(code))))"
        }
    }

    public var description: String { "\(path): \(message)" }
}

/// Reads job sources safely: only regular files, never more than a limit.
///
/// A FIFO named `clipmeter.yaml` would block `open` forever and `/dev/zero` named `x.job.json` would read without
/// end, so the type is checked before opening (`lstat`, then `stat` through a link), the file is opened with
/// `O_NONBLOCK` (a FIFO swapped in between cannot block), and the open descriptor is checked again (`fstat`).
public enum RegularFile {
    /// The whole file, at most `maxBytes` long. Throws `FileReadError` only.
    public static func read(_ path: String, maxBytes: Int) throws -> Data {
        func fail(_ reason: FileReadError.Reason) -> FileReadError { FileReadError(path: path, reason: reason) }
        if path.utf8.count >= Int(PATH_MAX) { throw fail(.pathTooLong) }
        var info = stat()
        guard lstat(path, &info) == 0 else { throw fail(reason(errno)) }
        let isLink = (info.st_mode & S_IFMT) == S_IFLNK
        if isLink {
            guard stat(path, &info) == 0 else { throw fail(errno == ENOENT ? .notFound : reason(errno)) }
        }
        if let kind = kindName(info.st_mode) { throw fail(.notRegular(kind: kind)) }
        if Int(info.st_size) > maxBytes { throw fail(.tooLarge(size: Int(info.st_size), limit: maxBytes)) }

        // A name lstat saw as a file is opened without following a link: one swapped in since is refused.
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY | (isLink ? 0 : O_NOFOLLOW))
        guard fd >= 0 else { throw fail(errno == ELOOP && !isLink ? .replaced : reason(errno)) }
        defer { close(fd) }
        let listed = info
        guard fstat(fd, &info) == 0 else { throw fail(.io(errno: errno)) }
        if let kind = kindName(info.st_mode) { throw fail(.notRegular(kind: kind)) }
        if info.st_dev != listed.st_dev || info.st_ino != listed.st_ino { throw fail(.replaced) }
        if Int(info.st_size) > maxBytes { throw fail(.tooLarge(size: Int(info.st_size), limit: maxBytes)) }

        // Read to the end rather than trusting st_size: the file may grow, but never past the limit.
        var data = Data()
        let chunk = 1 << 16
        var buffer = [UInt8](repeating: 0, count: chunk)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, chunk) }
            if count < 0 {
                if errno == EINTR { continue }
                throw fail(.io(errno: errno))
            }
            if count == 0 { break }
            data.append(contentsOf: buffer[..<count])
            if data.count > maxBytes { throw fail(.tooLarge(size: data.count, limit: maxBytes)) }
        }
        return data
    }

    /// The kind of a non-regular file, for messages; nil for a regular file.
    static func kindName(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: return "a folder"
        case S_IFIFO: return "a FIFO (named pipe)"
        case S_IFSOCK: return "a socket"
        case S_IFCHR, S_IFBLK: return "a device"
        default: return "a special file"
        }
    }

    private static func reason(_ code: Int32) -> FileReadError.Reason {
        switch code {
        case ENOENT, ENOTDIR: return .notFound
        case EACCES, EPERM: return .permissionDenied
        case ENAMETOOLONG: return .pathTooLong
        default: return .io(errno: code)
        }
    }
}

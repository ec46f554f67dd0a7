import Foundation

/// The file-system side of opening a ledger: making its folder and vetting an existing file before SQLite sees it.
enum LedgerFile {
    /// Creates the folders leading to `path` when they are missing; the ledger's own folder is made with `mkdir`
    /// (never through a link, never writable by group or others).
    static func prepareFolder(for path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        guard !folder.isEmpty else { return }
        // Foundation traps on the parent of "." (a ledger named ./x), so only a folder with a slash has one.
        let parent = folder.contains("/") ? (folder as NSString).deletingLastPathComponent : ""
        do {
            if !parent.isEmpty {
                try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
            }
        } catch {
            throw LedgerError.io(path: path, message: "cannot create the folder \(parent): \(reason(creating: parent, error))")
        }
        if mkdir(folder, 0o755) != 0 && errno != EEXIST {
            let code = errno
            throw LedgerError.io(path: path, message: "cannot create the folder \(folder): \(String(cString: strerror(code)))")
        }
        var info = stat()
        if stat(folder, &info) == 0 && (info.st_mode & S_IFMT) != S_IFDIR {
            throw LedgerError.io(path: path, message: "cannot create the folder \(folder): \(folder) is a file, not a folder")
        }
    }

    // MARK: - Trust

    /// Refuses a ledger someone else could have written: its folder, file or SQLite's companion files owned by
    /// another user, a folder others may write into (unless sticky, as `/tmp` is), a file group or others may write,
    /// or a symbolic link that is not the user's own or leads nowhere (SQLite would create the file it points to).
    ///
    /// A ledger caches measured durations: whoever can rewrite it decides what the next scan bills. The checks
    /// use `lstat`, so a link is judged as a link, before SQLite opens or creates anything.
    static func refuseUntrusted(at path: String) throws {
        let user = geteuid()
        func refuse(_ message: String) -> LedgerError { .untrusted(path: path, message: message) }
        func owner(_ info: stat) -> String {
            info.st_uid == 0 ? "root" : "user \(info.st_uid)"
        }
        let folder = (path as NSString).deletingLastPathComponent
        let folderPath = folder.isEmpty ? "." : folder
        var info = stat()
        if lstat(folderPath, &info) == 0 {
            if (info.st_mode & S_IFMT) == S_IFLNK && info.st_uid != user && info.st_uid != 0 {
                throw refuse("its folder \(folderPath) is a symbolic link owned by \(owner(info)), not by this user")
            }
            if stat(folderPath, &info) == 0 {
                if info.st_uid != user && info.st_uid != 0 {
                    throw refuse("its folder \(folderPath) belongs to \(owner(info)), not to this user")
                }
                let writableByOthers = info.st_mode & (S_IWGRP | S_IWOTH) != 0
                if writableByOthers && info.st_mode & S_ISVTX == 0 {
                    throw refuse(
                        "its folder \(folderPath) may be written by \(info.st_mode & S_IWOTH != 0 ? "anyone" : "its group") (mode \(octal(info.st_mode))), so anyone there could replace the ledger"
                    )
                }
            }
        }
        for candidate in [path, path + "-wal", path + "-shm", path + "-journal"] {
            let name = (candidate as NSString).lastPathComponent
            guard lstat(candidate, &info) == 0 else { continue }
            if (info.st_mode & S_IFMT) == S_IFLNK {
                if info.st_uid != user && info.st_uid != 0 {
                    throw refuse("\(name) is a symbolic link owned by \(owner(info)), not by this user")
                }
                guard stat(candidate, &info) == 0 else {
                    throw refuse(
                        "\(name) is a symbolic link to nothing (\(linkText(candidate))); it is not followed to create a file there")
                }
            }
            if info.st_uid != user {
                throw refuse("\(name) belongs to \(owner(info)), not to this user, who would trust the measurements it caches")
            }
            if (info.st_mode & S_IFMT) == S_IFREG && info.st_mode & (S_IWGRP | S_IWOTH) != 0 {
                throw refuse(
                    "\(name) may be written by \(info.st_mode & S_IWOTH != 0 ? "anyone" : "its group") (mode \(octal(info.st_mode)))")
            }
        }
    }

    /// Creates an empty ledger file when none exists, with `O_EXCL | O_NOFOLLOW`: a dangling symbolic link put
    /// in its place makes this fail instead of creating the file the link points to, as SQLite's own open would.
    static func createIfMissing(at path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        if descriptor >= 0 {
            close(descriptor)
            return
        }
        let code = errno
        if code == EEXIST {
            var info = stat()
            if lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK && stat(path, &info) != 0 {
                throw LedgerError.untrusted(
                    path: path, message: "it is a symbolic link to nothing (\(linkText(path))); it is not followed to create a file there")
            }
            return
        }
        throw LedgerError.io(path: path, message: "cannot create it: \(String(cString: strerror(code)))")
    }

    private static func octal(_ mode: mode_t) -> String { String(mode & 0o7777, radix: 8) }

    private static func linkText(_ path: String) -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?"
    }

    /// Refuses a ledger whose file, or one of SQLite's companion files (`-wal`, `-shm`, `-journal`), exists but is
    /// not a regular file: opening a FIFO blocks forever, and anyone who can write into a scanned folder can put one
    /// where `DIR/.clipmeter/ledger.sqlite` will be opened.
    static func refuseSpecialFiles(at path: String) throws {
        for candidate in [path, path + "-wal", path + "-shm", path + "-journal"] {
            var info = stat()
            guard stat(candidate, &info) == 0 else { continue }
            let kind: String?
            switch info.st_mode & S_IFMT {
            case S_IFREG: kind = nil
            case S_IFDIR: kind = candidate == path ? nil : "a folder"  // the main path's folder case is reported below
            case S_IFIFO: kind = "a FIFO (named pipe)"
            case S_IFSOCK: kind = "a socket"
            case S_IFCHR, S_IFBLK: kind = "a device"
            default: kind = "not a regular file"
            }
            if let kind {
                let name = (candidate as NSString).lastPathComponent
                throw LedgerError.io(path: path, message: "\(name) is \(kind), not a regular file; it is not opened")
            }
        }
    }

    /// Rejects an existing file that cannot be a ledger this build may open, reading only its header.
    ///
    /// Returns false when there is nothing to vet (no file, or an empty one SQLite treats as a new database), true when
    /// the file looks like an SQLite database that deserves a closer, read-only look.
    static func vetHeader(at path: String, supportedVersion: Int, applicationID: Int32) throws -> Bool {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return false }
        if isFolder.boolValue {
            throw LedgerError.io(path: path, message: "it is a folder, not a file")
        }
        let (prefix, size) = try readPrefix(of: path)
        if size == 0 { return false }
        guard let header = SQLiteFileHeader(prefix) else {
            let message =
                size < SQLiteFileHeader.length
                ? "it is only \(size) bytes long, shorter than an SQLite header"
                : "it does not start with the SQLite file header"
            throw LedgerError.corrupt(path: path, message: message)
        }
        guard header.hasValidPageSize else {
            throw LedgerError.corrupt(path: path, message: "its header gives an impossible page size")
        }
        if header.userVersion > supportedVersion {
            throw LedgerError.newerSchema(path: path, found: header.userVersion, supported: supportedVersion)
        }
        if header.applicationID != 0 && header.applicationID != applicationID {
            throw LedgerError.corrupt(path: path, message: "it is another application's SQLite database")
        }
        // With a non-empty write-ahead log the main file may legitimately lag behind its header until SQLite
        // replays the log, so only a file without one can be judged short.
        if let pages = header.pageCount, !hasNonEmptyLog(path), size < Int64(pages) * Int64(header.pageSize) {
            let expected = Int64(pages) * Int64(header.pageSize)
            throw LedgerError.corrupt(path: path, message: "it is truncated (\(size) of \(expected) bytes)")
        }
        return true
    }

    /// The first bytes of the file and its total size.
    private static func readPrefix(of path: String) throws -> ([UInt8], Int64) {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw LedgerError.io(path: path, message: "cannot read it: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw LedgerError.io(path: path, message: "cannot read it: \(String(cString: strerror(errno)))")
        }
        var buffer = [UInt8](repeating: 0, count: SQLiteFileHeader.length)
        var filled = 0
        while filled < buffer.count {
            let got = buffer.withUnsafeMutableBytes { raw in
                read(descriptor, raw.baseAddress! + filled, raw.count - filled)
            }
            if got < 0 && errno == EINTR { continue }
            guard got >= 0 else {
                throw LedgerError.io(path: path, message: "cannot read it: \(String(cString: strerror(errno)))")
            }
            if got == 0 { break }
            filled += got
        }
        return (Array(buffer[0..<filled]), Int64(status.st_size))
    }

    static func hasNonEmptyLog(_ path: String) -> Bool {
        let size = (try? FileManager.default.attributesOfItem(atPath: path + "-wal"))?[.size] as? NSNumber
        return (size?.int64Value ?? 0) > 0
    }

    /// Why a folder could not be created, in words: the usual culprit is a path component that is a regular file.
    private static func reason(creating folder: String, _ error: Error) -> String {
        var ancestor = folder
        while !ancestor.isEmpty && ancestor != "/" {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: ancestor, isDirectory: &isFolder) {
                if !isFolder.boolValue { return "\(ancestor) is a file, not a folder" }
                break
            }
            ancestor = (ancestor as NSString).deletingLastPathComponent
        }
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return nsError.localizedDescription
    }
}

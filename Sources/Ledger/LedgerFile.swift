import Foundation

/// The file-system side of opening a ledger: making its folder and vetting an existing file before SQLite sees it.
enum LedgerFile {
    /// Creates the folders leading to `path` when they are missing.
    static func prepareFolder(for path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        guard !folder.isEmpty else { return }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw LedgerError.io(path: path, message: "cannot create the folder \(folder): \(reason(creating: folder, error))")
        }
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
            let message = size < SQLiteFileHeader.length
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

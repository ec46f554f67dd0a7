import Foundation
import MediaProbe

/// Expands the paths a user names into the files to measure.
///
/// Folders are walked recursively, hidden entries (`.clipmeter`, `.git`) skipped, symlinked folders followed
/// once (a loop is survived, not followed forever). A file is taken by content, not by name: anything is
/// measured except documents (by extension) that libavformat does not recognise as media, so a README
/// beside the videos is not an error but a video saved as `.txt` is still measured.
public struct MediaFileFinder: Sendable {
    /// Extensions of files that are usually not media; such a file is still measured if its bytes say media.
    public static let documentExtensions: Set<String> = ["txt", "md", "json", "yaml", "yml", "csv", "tsv", "html",
        "htm", "xml", "pdf", "sqlite", "sqlite-wal", "sqlite-shm", "db", "log", "swift", "py", "sh", "toml",
        "ini", "cfg", "conf", "lock", "gitignore", "ds_store", "m3u8", "m3u", "srt", "vtt", "ass", "ssa", "lrc"]

    public init() {}

    /// Files under `paths`, sorted by path and without duplicates. Explicitly named files are always kept
    /// (a named file that is not media deserves an error record); missing paths are kept too, to be reported.
    public func files(in paths: [String]) -> [String] {
        var found = Set<String>()
        for path in paths {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                var visited = Set<DirectoryID>()
                walk(path, visited: &visited, into: &found)
            } else {
                found.insert(path)
            }
        }
        return found.sorted()
    }

    private struct DirectoryID: Hashable { var device: UInt64; var inode: UInt64 }

    private func walk(_ directory: String, visited: inout Set<DirectoryID>, into found: inout Set<String>) {
        var info = stat()
        guard stat(directory, &info) == 0 else { return }
        guard visited.insert(DirectoryID(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))).inserted else { return }
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in entries where !name.hasPrefix(".") {
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            var entry = stat()
            guard stat(path, &entry) == 0 else {
                found.insert(path) // dangling link: reported as not-found
                continue
            }
            if (entry.st_mode & S_IFMT) == S_IFDIR {
                walk(path, visited: &visited, into: &found)
            } else if isCandidate(path) {
                found.insert(path)
            }
        }
    }

    private func isCandidate(_ path: String) -> Bool {
        let ext = (path as NSString).pathExtension.lowercased()
        let base = (path as NSString).lastPathComponent.lowercased()
        if Self.documentExtensions.contains(ext) || base.hasSuffix(".job.json") || base == "readme" || base == "license" {
            return MediaSniffer.looksLikeMedia(path)
        }
        return true
    }
}

import Foundation
import MediaProbe

/// Expands the paths a user names into the files to measure.
///
/// Folders are walked recursively, hidden entries (`.clipmeter`, `.git`) skipped. A folder named on the command
/// line is entered even when it is a symlink, but a symlinked folder met inside the walk is not: `self -> .`
/// would loop and `latest -> 2026-11-20` would list every file twice. A file is taken by content, not by name:
/// anything is measured except documents (by extension) that libavformat does not recognise as media, so a
/// README beside the videos is not an error but a video saved as `.txt` is still measured. A FIFO, socket or
/// device is listed (the prober reports it) but never opened here; named like a document, it is left out.
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
            if PathText.kind(path) == .directory {
                walk(path, into: &found)
            } else {
                found.insert(path)
            }
        }
        return found.sorted()
    }

    /// One `lstat` per entry on the path as built: no `realpath`, whose cost grows with the depth.
    private func walk(_ directory: String, into found: inout Set<String>) {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            // A folder that cannot be listed hides files that would be billed: the prober reports it
            // (permission-denied), never a silent skip.
            found.insert(directory)
            return
        }
        for name in entries where !name.hasPrefix(".") {
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            var entry = stat()
            guard lstat(path, &entry) == 0 else {
                found.insert(path) // vanished, or a path too long: the prober says which
                continue
            }
            var mode = entry.st_mode & S_IFMT
            if mode == S_IFDIR {
                walk(path, into: &found)
                continue
            }
            if mode == S_IFLNK {
                var target = stat()
                guard stat(path, &target) == 0 else {
                    found.insert(path) // dangling link: reported as not-found
                    continue
                }
                mode = target.st_mode & S_IFMT
                if mode == S_IFDIR { continue }
            }
            if mode != S_IFREG {
                if !isDocumentName(path) { found.insert(path) }
            } else if isCandidate(path) {
                found.insert(path)
            }
        }
    }

    private func isDocumentName(_ path: String) -> Bool {
        let ext = (path as NSString).pathExtension.lowercased()
        let base = (path as NSString).lastPathComponent.lowercased()
        return Self.documentExtensions.contains(ext) || base.hasSuffix(".job.json") || base == "readme" || base == "license"
    }

    /// Only ever called for a regular file: sniffing opens it.
    private func isCandidate(_ path: String) -> Bool {
        isDocumentName(path) ? MediaSniffer.looksLikeMedia(path) : true
    }
}

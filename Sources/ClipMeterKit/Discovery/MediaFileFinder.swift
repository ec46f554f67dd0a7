import Foundation
import MediaProbe

/// Expands the paths a user names into the files to measure.
///
/// Folders are walked recursively (one `TreeListing`; a scan hands in the listing it already took), hidden
/// entries (`.clipmeter`, `.git`) skipped. A folder named on the command line is entered even when it is a
/// symlink, but a symlinked folder met inside the walk is not: `self -> .` would loop and
/// `latest -> 2026-11-20` would list every file twice. A file is taken by content, not by name:
/// anything is measured except documents (by extension) that libavformat does not recognise as media, so a
/// README beside the videos is not an error but a video saved as `.txt` is still measured. A FIFO, socket or
/// device is listed (the prober reports it) but never opened here; named like a document, it is left out.
public struct MediaFileFinder: Sendable {
    /// Extensions of files that are usually not media; such a file is still measured if its bytes say media.
    public static let documentExtensions: Set<String> = [
        "txt", "md", "json", "yaml", "yml", "csv", "tsv", "html",
        "htm", "xml", "pdf", "sqlite", "sqlite-wal", "sqlite-shm", "db", "log", "swift", "py", "sh", "toml",
        "ini", "cfg", "conf", "lock", "gitignore", "ds_store", "m3u8", "m3u", "srt", "vtt", "ass", "ssa", "lrc",
    ]

    public init() {}

    /// A file to measure and what the walk already knows of it (nil facts: it vanished, or its path is too long).
    struct Found: Sendable {
        /// The path as reached from the folder named (no symlink resolved).
        public var path: String
        /// The listing's entry for it: its `lstat` facts and, for a link, its target's.
        public var entry: TreeListing.Entry
    }

    /// Files under `paths`, sorted by path and without duplicates. Explicitly named files are always kept
    /// (a named file that is not media deserves an error record); missing paths are kept too, to be reported.
    public func files(in paths: [String]) -> [String] {
        var found = Set<ByteKey>()
        for path in paths {
            if PathText.kind(path) == .directory {
                // Hidden folders are never measured, so `probe` need not list them.
                let root = PathText.absolute(path, relativeTo: FileManager.default.currentDirectoryPath)
                let listing = TreeListing(roots: [root], includingHidden: false)
                var files: [Found] = []
                collect(root, spelled: path, in: listing, into: &files)
                found.formUnion(files.map { ByteKey($0.path) })
            } else {
                found.insert(ByteKey(path))
            }
        }
        return found.sorted().map(\.text)
    }

    /// The files below `root` (absolute, listed by `listing`), sorted by path: what the one walk of a scan found.
    func files(under root: String, in listing: TreeListing) -> [Found] {
        var found: [Found] = []
        collect(root, spelled: root, in: listing, into: &found)
        return found.sorted { $0.path < $1.path }
    }

    /// Walks the listing from `directory` (spelled as the caller named it) without touching the disk, except to
    /// sniff a regular file named like a document.
    private func collect(
        _ directory: String, spelled: String, entry: TreeListing.Entry? = nil, in listing: TreeListing,
        into found: inout [Found]
    ) {
        guard let folder = listing.folder(directory), folder.error == 0 else {
            // A folder that cannot be listed hides files that would be billed: the prober reports it
            // (permission-denied), never a silent skip.
            if let entry = entry ?? listing.rootEntries[ByteKey(directory)] { found.append(Found(path: spelled, entry: entry)) }
            return
        }
        for entry in folder.entries where !entry.isHidden {
            let path = PathText.join(spelled, entry.name)
            guard let facts = entry.facts else {
                found.append(Found(path: path, entry: entry))  // vanished, or a path too long: the prober says which
                continue
            }
            if facts.isFolder {
                collect(PathText.join(directory, entry.name), spelled: path, entry: entry, in: listing, into: &found)
                continue
            }
            var kind = facts
            if facts.isSymlink {
                guard let target = entry.target else {
                    found.append(Found(path: path, entry: entry))  // dangling link: reported as not-found
                    continue
                }
                if target.isFolder { continue }
                kind = target
            }
            if !kind.isRegularFile {
                if !isDocumentName(path) { found.append(Found(path: path, entry: entry)) }
            } else if isCandidate(path) {
                found.append(Found(path: path, entry: entry))
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

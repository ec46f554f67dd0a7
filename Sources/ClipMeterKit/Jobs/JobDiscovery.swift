import Foundation

/// Finds the jobs in a folder tree for `clipmeter scan DIR` (docs/contract.md, Jobs): manifests, saved IMS
/// responses, and the folder convention `JOB/inputs/**` + `JOB/outputs/**`.
///
/// Only lists: media files are never opened (JSON files are read to recognise saved responses). Hidden
/// entries (`.clipmeter`, `.git`) are skipped. A file that a manifest or a response already names is not
/// counted again by the folder convention; a manifest holding one job that sits in a job folder and leaves
/// out `inputs`, `outputs` or `timeline` gets them from the folder.
struct JobDiscovery: Sendable {
    /// Resolves and contains every path; its roots should include the scanned folder.
    let resolver: PathResolver
    /// `--feature`, for folder-convention jobs and sources that do not name their feature.
    let defaultFeature: String?
    /// Time zone for times written without an offset.
    let timeZone: TimeZone

    /// Manifest file names (besides `*.job.json`, `*.job.yaml`, `*.job.yml`).
    static let manifestNames: Set<String> = ["clipmeter.yaml", "clipmeter.yml", "clipmeter.json"]
    /// Extensions of files in `inputs`/`outputs` folders that are not media and are left out of a job
    /// (a README or a saved response beside the videos is not an unmeasurable input).
    static let nonMediaExtensions: Set<String> = [
        "json", "yaml", "yml", "txt", "md", "csv", "tsv", "html",
        "htm", "xml", "pdf", "log", "sqlite", "db", "srt", "vtt", "ass", "ssa", "lrc", "m3u", "m3u8", "ini", "toml",
        "part", "tmp", "crdownload",
    ]

    /// A discovery that resolves paths with `resolver`.
    init(resolver: PathResolver, defaultFeature: String?, timeZone: TimeZone = JobTime.defaultTimeZone) {
        self.resolver = resolver
        self.defaultFeature = defaultFeature
        self.timeZone = timeZone
    }

    /// True for file names that are job manifests.
    static func isManifestName(_ name: String) -> Bool {
        let lower = name.lowercased()
        return manifestNames.contains(lower) || lower.hasSuffix(".job.json") || lower.hasSuffix(".job.yaml")
            || lower.hasSuffix(".job.yml")
    }

    /// The jobs under `root`, sorted by id, and the sources that could not be read (each is reported and the
    /// scan goes on). Throws only when `root` is not a readable folder.
    func discover(root: String) throws -> (jobs: [JobSpec], errors: [ManifestError]) {
        try discover(root: root, listing: TreeListing(roots: [root], includingHidden: false))
    }

    /// As `discover(root:)`, from a listing already taken of `root` (the scan's one walk). A listing that does
    /// not reach `root` is not trusted: the folder is then listed here.
    func discover(root: String, listing: TreeListing) throws -> (jobs: [JobSpec], errors: [ManifestError]) {
        let rootPath = PathText.absolute(root, relativeTo: FileManager.default.currentDirectoryPath)
        guard PathText.kind(rootPath) == .directory else {
            throw ManifestError(path: root, message: PathText.kind(rootPath) == nil ? "no such folder" : "not a folder")
        }
        let listing = listing.covers(rootPath) ? listing : TreeListing(roots: [rootPath], includingHidden: false)
        guard listing.folder(rootPath)?.error == 0 else {
            throw ManifestError(path: root, message: "the folder cannot be listed (permission denied?)")
        }
        var tree = Tree()
        if resolver.containmentProblem(for: rootPath) == nil { walk(rootPath, listing: listing, into: &tree) }

        var jobs: [JobSpec] = []
        var errors: [ManifestError] = tree.errors
        var filledFolders = Set<String>()
        let jobFolders = Set(tree.jobFolders)

        // Manifests.
        for manifest in tree.manifests {
            let folder = (manifest as NSString).deletingLastPathComponent
            do {
                var entries = try ManifestLoader.loadEntries(
                    path: manifest, resolver: resolver, defaultFeature: defaultFeature,
                    timeZone: timeZone, idBase: PathText.relative(manifest, to: rootPath))
                if jobFolders.contains(folder), entries.count == 1 {
                    fill(&entries[0], from: folder, root: rootPath, listing: listing)
                    filledFolders.insert(folder)
                }
                jobs += entries.map(\.job)
            } catch let error as ManifestError {
                errors.append(error)
            } catch {
                errors.append(ManifestError(path: manifest, message: "\(error)"))
            }
        }

        // Saved IMS responses.
        for file in tree.jsonFiles {
            let data: Data
            do {
                data = try RegularFile.read(file, maxBytes: resolver.readLimits.maxBytes)
            } catch let error as FileReadError {
                // Too large or vanished: it may be a saved response, and skipping it silently would under-bill.
                errors.append(ManifestError(path: file, message: "not read: \(error.message)"))
                continue
            }
            guard let document = IMSDocument.document(data) else { continue }
            do {
                jobs += try IMSDocument.load(
                    path: file, document: document, resolver: resolver, feature: nil,
                    fallbackFeature: defaultFeature, timeZone: timeZone,
                    idBase: PathText.relative(file, to: rootPath))
            } catch let error as ManifestError {
                errors.append(error)
            } catch {
                errors.append(ManifestError(path: file, message: "\(error)"))
            }
        }

        // The folder convention, for whatever the sources above did not already name.
        let claimed = Set(jobs.flatMap { $0.localPaths + ($0.timelinePath.map { [$0] } ?? []) })
        for folder in tree.jobFolders where !filledFolders.contains(folder) {
            if let job = folderJob(folder, root: rootPath, claimed: claimed, listing: listing) { jobs.append(job) }
        }

        return (
            JobSpec.mergingDuplicateIDs(jobs).sorted { $0.id < $1.id },
            errors.sorted { ($0.path, $0.field ?? "") < ($1.path, $1.field ?? "") }
        )
    }

    // MARK: - Walking

    private struct Tree {
        var manifests: [String] = []
        var jsonFiles: [String] = []
        var jobFolders: [String] = []
        /// Entries named like a job source that cannot be read as one (a FIFO, a path too long).
        var errors: [ManifestError] = []
    }

    /// Goes through the listing: no `realpath` per folder (a lookup per path component, which made a depth-1,000
    /// tree cubic), no symlinked folder entered (every folder reached is then inside the root, and `self -> .`
    /// cannot loop), and nothing opened. A FIFO, socket or device named like a manifest or a response is
    /// reported, never read.
    private func walk(_ directory: String, listing: TreeListing, into tree: inout Tree) {
        let entries = Self.visible(directory, in: listing)
        let isJobFolder = entries.contains { ($0.name == "inputs" || $0.name == "outputs") && $0.followed?.isFolder == true }
        if isJobFolder { tree.jobFolders.append(directory) }
        for entry in entries {
            let path = PathText.join(directory, entry.name)
            let lower = entry.name.lowercased()
            let isSource = Self.isManifestName(entry.name) || lower.hasSuffix(".json")
            guard let info = entry.facts else {
                if entry.error == ENAMETOOLONG {
                    tree.errors.append(ManifestError(path: path, message: FileReadError(path: path, reason: .pathTooLong).message))
                }
                continue
            }
            if info.isFolder {
                // A job's media folders hold media, not further jobs.
                if isJobFolder && (entry.name == "inputs" || entry.name == "outputs") { continue }
                walk(path, listing: listing, into: &tree)
                continue
            }
            guard isSource else { continue }
            // Dangling: nothing to read; a symlinked folder: not entered.
            guard let followed = entry.followed, !(info.isSymlink && followed.isFolder) else { continue }
            if let kind = RegularFile.kindName(mode_t(followed.mode)) {
                tree.errors.append(ManifestError(path: path, message: "is \(kind), not a regular file; it is not read"))
            } else if Self.isManifestName(entry.name) {
                tree.manifests.append(path)
            } else {
                tree.jsonFiles.append(path)
            }
        }
    }

    /// The entries of a listed folder that discovery looks at (hidden ones are not); none when it was not listed.
    private static func visible(_ directory: String, in listing: TreeListing) -> [TreeListing.Entry] {
        listing.folder(directory)?.entries.filter { !$0.isHidden } ?? []
    }

    // MARK: - Folder convention

    /// Media of `folder/inputs/**` or `folder/outputs/**`, non-media files left out.
    private func media(
        in folder: String, _ name: String, root: String, listing: TreeListing,
        skipped: inout [String]
    ) -> [MediaReference] {
        let path = PathText.join(folder, name)
        guard let entry = Self.visible(folder, in: listing).first(where: { $0.name == name }),
            entry.followed?.isFolder == true
        else { return [] }
        // The walk listed a real media folder already; one reached through a symlink it did not enter, so the
        // resolver lists that one (confined to the roots, as for any folder a manifest names).
        let listed = entry.isListedFolder ? listedFiles(below: path, in: listing) : nil
        let references =
            listed.map { resolver.resolveListed(path, files: $0, displayBase: root) }
            ?? resolver.resolveListed(path, displayBase: root)
        return references.filter { reference in
            if reference.localPath == nil && !reference.escapesRoots { return false }  // an empty folder
            let ext = (reference.original as NSString).pathExtension.lowercased()
            if Self.nonMediaExtensions.contains(ext) {
                skipped.append(reference.original)
                return false
            }
            return true
        }
    }

    /// Every visible entry below `folder` as `Glob` would have matched `**` there (real folders entered, symlinks
    /// followed only to learn what they are), from the listing; nil when the listing does not reach `folder`.
    private func listedFiles(below folder: String, in listing: TreeListing) -> [Glob.Match]? {
        guard listing.covers(folder), let real = PathText.realPath(folder) else { return nil }
        var matches: [Glob.Match] = []
        var pending = [(path: folder, real: real)]
        while let (path, real) = pending.popLast() {
            for entry in Self.visible(path, in: listing) {
                let child = PathText.join(path, entry.name)
                guard let facts = entry.facts else {
                    matches.append(Glob.Match(path: child, realPath: nil, kind: nil))
                    continue
                }
                if facts.isSymlink {
                    matches.append(
                        Glob.Match(
                            path: child, realPath: PathText.realPath(child),
                            kind: entry.target.map { PathText.FileKind(mode: mode_t($0.mode)) }))
                    continue
                }
                let childReal = PathText.join(real, entry.name)
                matches.append(Glob.Match(path: child, realPath: childReal, kind: PathText.FileKind(mode: mode_t(facts.mode))))
                if facts.isFolder { pending.append((child, childReal)) }
            }
        }
        return matches.sorted { $0.path < $1.path }
    }

    /// `folder/timeline.json`, or the one `*.timeline.json` in the folder.
    private func timeline(in folder: String, listing: TreeListing) -> String? {
        let names = Self.visible(folder, in: listing).map(\.name)
        let candidates =
            names.contains("timeline.json")
            ? ["timeline.json"]
            : names.filter { $0.lowercased().hasSuffix(".timeline.json") }
        guard candidates.count == 1 else { return nil }
        let path = PathText.join(folder, candidates[0])
        // One lookup, judged and returned: a link retargeted between two lookups cannot pass with one target.
        guard let real = PathText.realPath(path), resolver.containmentProblem(lexical: path, real: real) == nil,
            PathText.kind(real) == .file
        else { return nil }
        return real
    }

    private func fill(_ entry: inout ManifestLoader.Entry, from folder: String, root: String, listing: TreeListing) {
        var skipped: [String] = []
        if !entry.hasInputs { entry.job.inputs = media(in: folder, "inputs", root: root, listing: listing, skipped: &skipped) }
        if !entry.hasOutputs { entry.job.outputs = media(in: folder, "outputs", root: root, listing: listing, skipped: &skipped) }
        if !entry.hasTimeline, let timeline = timeline(in: folder, listing: listing) { entry.job.timelinePath = timeline }
        for reference in entry.job.inputs + entry.job.outputs where reference.escapesRoots {
            entry.job.problems.append("\(reference.original): \(reference.problem!)")
        }
        if !skipped.isEmpty { entry.job.warnings.append(.nonMediaLeftOut(count: skipped.count, examples: Array(skipped.prefix(3)))) }
    }

    private func folderJob(_ folder: String, root: String, claimed: Set<String>, listing: TreeListing) -> JobSpec? {
        var skipped: [String] = []
        let allInputs = media(in: folder, "inputs", root: root, listing: listing, skipped: &skipped)
        let allOutputs = media(in: folder, "outputs", root: root, listing: listing, skipped: &skipped)
        let isUnclaimed = { (reference: MediaReference) in reference.localPath.map { !claimed.contains($0) } ?? true }
        let inputs = allInputs.filter(isUnclaimed)
        let outputs = allOutputs.filter(isUnclaimed)
        guard !inputs.isEmpty || !outputs.isEmpty else { return nil }

        let relative = PathText.relative(folder, to: root)
        var job = JobSpec(
            id: relative == "." ? (root as NSString).lastPathComponent : relative,
            inputs: inputs, outputs: outputs, source: folder)
        job.key = JobIdentity.place(folder, resolver: resolver)
        job.timelinePath = timeline(in: folder, listing: listing).flatMap { claimed.contains($0) ? nil : $0 }
        if let defaultFeature {
            job.nameFeature(defaultFeature)
        } else {
            job.problems.append(JobProblem("no feature for folder job \(job.id) (a clipmeter.yaml can name it)", remedy: .nameTheFeature))
        }
        for reference in inputs + outputs where reference.escapesRoots {
            job.problems.append("\(reference.original): \(reference.problem!)")
        }
        let claimedCount = allInputs.count + allOutputs.count - inputs.count - outputs.count
        if claimedCount > 0 {
            job.warnings.append(.filesClaimedElsewhere(count: claimedCount))
        }
        if !skipped.isEmpty { job.warnings.append(.nonMediaLeftOut(count: skipped.count, examples: Array(skipped.prefix(3)))) }

        // The newest output's modification time stands in for the finish time (docs/contract.md, Billing).
        let outputDates = outputs.compactMap(\.localPath).compactMap(PathText.modificationDate)
        if let newest = outputDates.max() {
            job.finishedAt = newest
        } else if let newest = inputs.compactMap(\.localPath).compactMap(PathText.modificationDate).max() {
            job.finishedAt = newest
            job.warnings.append(.finishTimeFromNewestInput)
        }
        return job
    }

}

import Foundation

/// Finds the jobs in a folder tree for `clipmeter scan DIR` (SPEC §5, issue 5): manifests, saved IMS
/// responses, and the folder convention `JOB/inputs/**` + `JOB/outputs/**`.
///
/// Only lists: media files are never opened (JSON files are read to recognise saved responses). Hidden
/// entries (`.clipmeter`, `.git`) are skipped. A file that a manifest or a response already names is not
/// counted again by the folder convention; a manifest holding one job that sits in a job folder and leaves
/// out `inputs`, `outputs` or `timeline` gets them from the folder.
public struct JobDiscovery: Sendable {
    /// Resolves and contains every path; its roots should include the scanned folder.
    public let resolver: PathResolver
    /// `--feature`, for folder-convention jobs and sources that do not name their feature.
    public let defaultFeature: String?
    /// Time zone for times written without an offset.
    public let timeZone: TimeZone

    /// Manifest file names (besides `*.job.json`, `*.job.yaml`, `*.job.yml`).
    public static let manifestNames: Set<String> = ["clipmeter.yaml", "clipmeter.yml", "clipmeter.json"]
    /// Extensions of files in `inputs`/`outputs` folders that are not media and are left out of a job
    /// (a README or a saved response beside the videos is not an unmeasurable input).
    public static let nonMediaExtensions: Set<String> = ["json", "yaml", "yml", "txt", "md", "csv", "tsv", "html",
        "htm", "xml", "pdf", "log", "sqlite", "db", "srt", "vtt", "ass", "ssa", "lrc", "m3u", "m3u8", "ini", "toml",
        "part", "tmp", "crdownload"]
    /// Saved responses larger than this are not read (a JSON this big is not an API response).
    static let maximumResponseBytes = 32 << 20

    /// A discovery that resolves paths with `resolver`.
    public init(resolver: PathResolver, defaultFeature: String?, timeZone: TimeZone = JobTime.defaultTimeZone) {
        self.resolver = resolver
        self.defaultFeature = defaultFeature
        self.timeZone = timeZone
    }

    /// True for file names that are job manifests.
    public static func isManifestName(_ name: String) -> Bool {
        let lower = name.lowercased()
        return manifestNames.contains(lower) || lower.hasSuffix(".job.json") || lower.hasSuffix(".job.yaml")
            || lower.hasSuffix(".job.yml")
    }

    /// The jobs under `root`, sorted by id, and the sources that could not be read (each is reported and the
    /// scan goes on). Throws only when `root` is not a readable folder.
    public func discover(root: String) throws -> (jobs: [JobSpec], errors: [ManifestError]) {
        let rootPath = PathText.absolute(root, relativeTo: FileManager.default.currentDirectoryPath)
        guard PathText.kind(rootPath) == .directory else {
            throw ManifestError(path: root, message: PathText.kind(rootPath) == nil ? "no such folder" : "not a folder")
        }
        guard (try? FileManager.default.contentsOfDirectory(atPath: rootPath)) != nil else {
            throw ManifestError(path: root, message: "the folder cannot be listed (permission denied?)")
        }
        var tree = Tree()
        var visited = Set<String>()
        walk(rootPath, root: rootPath, realRoot: PathText.realPath(rootPath) ?? rootPath, visited: &visited, into: &tree)

        var jobs: [JobSpec] = []
        var errors: [ManifestError] = []
        var filledFolders = Set<String>()
        let jobFolders = Set(tree.jobFolders)

        // Manifests.
        for manifest in tree.manifests {
            let folder = (manifest as NSString).deletingLastPathComponent
            do {
                var entries = try ManifestLoader.loadEntries(path: manifest, resolver: resolver, defaultFeature: defaultFeature,
                                                             timeZone: timeZone, idBase: PathText.relative(manifest, to: rootPath))
                if jobFolders.contains(folder), entries.count == 1 {
                    fill(&entries[0], from: folder, root: rootPath)
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
            guard let size = (try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? Int,
                  size <= Self.maximumResponseBytes,
                  let data = FileManager.default.contents(atPath: file),
                  IMSDocument.recognizes(data)
            else { continue }
            do {
                jobs += try IMSDocument.load(path: file, data: data, resolver: resolver, feature: nil,
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
            if let job = folderJob(folder, root: rootPath, claimed: claimed) { jobs.append(job) }
        }

        return (deduplicated(jobs), errors.sorted { ($0.path, $0.field ?? "") < ($1.path, $1.field ?? "") })
    }

    // MARK: - Walking

    private struct Tree {
        var manifests: [String] = []
        var jsonFiles: [String] = []
        var jobFolders: [String] = []
    }

    private func walk(_ directory: String, root: String, realRoot: String, visited: inout Set<String>, into tree: inout Tree) {
        guard let real = PathText.realPath(directory), PathText.isInside(real, root: realRoot) || directory == root,
              resolver.containmentProblem(for: directory) == nil, visited.insert(real).inserted
        else { return }
        let names = PathText.visibleEntries(directory)
        let isJobFolder = names.contains { ($0 == "inputs" || $0 == "outputs")
            && PathText.kind(PathText.join(directory, $0)) == .directory }
        if isJobFolder { tree.jobFolders.append(directory) }
        for name in names {
            let path = PathText.join(directory, name)
            switch PathText.kind(path) {
            case .directory?:
                // A job's media folders hold media, not further jobs.
                if isJobFolder && (name == "inputs" || name == "outputs") { continue }
                walk(path, root: root, realRoot: realRoot, visited: &visited, into: &tree)
            case .file?:
                if Self.isManifestName(name) {
                    tree.manifests.append(path)
                } else if name.lowercased().hasSuffix(".json") {
                    tree.jsonFiles.append(path)
                }
            default:
                continue
            }
        }
    }

    // MARK: - Folder convention

    /// Media of `folder/inputs/**` or `folder/outputs/**`, non-media files left out.
    private func media(in folder: String, _ name: String, root: String, skipped: inout [String]) -> [MediaReference] {
        let path = PathText.join(folder, name)
        guard PathText.kind(path) == .directory else { return [] }
        return resolver.resolveListed(path, displayBase: root).filter { reference in
            if reference.localPath == nil && !reference.escapesRoots { return false } // an empty folder
            let ext = (reference.original as NSString).pathExtension.lowercased()
            if Self.nonMediaExtensions.contains(ext) {
                skipped.append(reference.original)
                return false
            }
            return true
        }
    }

    /// `folder/timeline.json`, or the one `*.timeline.json` in the folder.
    private func timeline(in folder: String) -> String? {
        let names = PathText.visibleEntries(folder)
        let candidates = names.contains("timeline.json") ? ["timeline.json"]
            : names.filter { $0.lowercased().hasSuffix(".timeline.json") }
        guard candidates.count == 1 else { return nil }
        let path = PathText.join(folder, candidates[0])
        guard resolver.containmentProblem(for: path) == nil, PathText.kind(path) == .file else { return nil }
        return PathText.realPath(path)
    }

    private func fill(_ entry: inout ManifestLoader.Entry, from folder: String, root: String) {
        var skipped: [String] = []
        if !entry.hasInputs { entry.job.inputs = media(in: folder, "inputs", root: root, skipped: &skipped) }
        if !entry.hasOutputs { entry.job.outputs = media(in: folder, "outputs", root: root, skipped: &skipped) }
        if !entry.hasTimeline, let timeline = timeline(in: folder) { entry.job.timelinePath = timeline }
        for reference in entry.job.inputs + entry.job.outputs where reference.escapesRoots {
            entry.job.problems.append("\(reference.original): \(reference.problem!)")
        }
        if !skipped.isEmpty { entry.job.warnings.append(skippedNote(skipped)) }
    }

    private func folderJob(_ folder: String, root: String, claimed: Set<String>) -> JobSpec? {
        var skipped: [String] = []
        let allInputs = media(in: folder, "inputs", root: root, skipped: &skipped)
        let allOutputs = media(in: folder, "outputs", root: root, skipped: &skipped)
        let isUnclaimed = { (reference: MediaReference) in reference.localPath.map { !claimed.contains($0) } ?? true }
        let inputs = allInputs.filter(isUnclaimed)
        let outputs = allOutputs.filter(isUnclaimed)
        guard !inputs.isEmpty || !outputs.isEmpty else { return nil }

        let relative = PathText.relative(folder, to: root)
        var job = JobSpec(id: relative == "." ? (root as NSString).lastPathComponent : relative, feature: defaultFeature,
                          inputs: inputs, outputs: outputs, source: folder)
        job.timelinePath = timeline(in: folder).flatMap { claimed.contains($0) ? nil : $0 }
        if job.feature == nil {
            job.problems.append("no feature for folder job \(job.id): pass --feature (or add a clipmeter.yaml)")
        }
        for reference in inputs + outputs where reference.escapesRoots {
            job.problems.append("\(reference.original): \(reference.problem!)")
        }
        let claimedCount = allInputs.count + allOutputs.count - inputs.count - outputs.count
        if claimedCount > 0 {
            job.warnings.append("\(claimedCount) file(s) of this folder are named by a manifest or response and counted there")
        }
        if !skipped.isEmpty { job.warnings.append(skippedNote(skipped)) }

        // The newest output's modification time stands in for the finish time (SPEC §4.3).
        let outputDates = outputs.compactMap(\.localPath).compactMap(PathText.modificationDate)
        if let newest = outputDates.max() {
            job.finishedAt = newest
        } else if let newest = inputs.compactMap(\.localPath).compactMap(PathText.modificationDate).max() {
            job.finishedAt = newest
            job.warnings.append("no output files: the finish time is the newest input's modification time")
        }
        return job
    }

    private func skippedNote(_ skipped: [String]) -> String {
        let shown = skipped.prefix(3).joined(separator: ", ")
        return "left out \(skipped.count) non-media file(s): \(shown)\(skipped.count > 3 ? ", …" : "")"
    }

    /// One job per id: the first source wins and the others are named in its warnings (the ledger records a
    /// job once per id, so two copies of one saved response must not bill twice).
    private func deduplicated(_ jobs: [JobSpec]) -> [JobSpec] {
        var order: [String] = []
        var byID: [String: JobSpec] = [:]
        for job in jobs {
            if var first = byID[job.id] {
                first.warnings.append("job id \(job.id) is also described by \(job.source); that copy is ignored")
                byID[job.id] = first
            } else {
                byID[job.id] = job
                order.append(job.id)
            }
        }
        return order.sorted().map { byID[$0]! }
    }
}

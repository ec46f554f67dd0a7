import Billing
import Foundation

/// The jobs of one scanned folder: what `JobDiscovery` finds (manifests, saved responses, `JOB/inputs` +
/// `JOB/outputs`), plus every other media file of the tree, which with `--feature` is billed as a job of
/// its own (a folder of rendered videos is the common case) and without it is named as unassigned.
struct FolderScan: Sendable {
    /// Resolves and contains every path; its roots include the scanned folder.
    var resolver: PathResolver
    /// `--feature`.
    var defaultFeature: String?
    /// Times without an offset are read in this zone.
    var timeZone: TimeZone
    /// `--shard K/N`: only the jobs whose id falls in share K of N.
    var shard: (k: Int, n: Int)?

    /// A scan of folders with these settings.
    init(resolver: PathResolver, defaultFeature: String?, timeZone: TimeZone, shard: (k: Int, n: Int)? = nil) {
        self.resolver = resolver
        self.defaultFeature = defaultFeature
        self.timeZone = timeZone
        self.shard = shard
    }

    /// What a folder holds.
    struct Found: Sendable {
        /// Jobs in id order (this shard's only).
        var jobs: [JobSpec]
        /// Manifests and responses that could not be read.
        var failures: [BillReport.Failure]
        /// Media files that belong to no job (only without `--feature`), relative to the root.
        var unassigned: [String]
        /// Things the user should fix, e.g. synced copies of OSS objects that no `--oss-map` connects.
        var notes: [ReportNote] = []
        /// The jobs' timeline files, already read and resolved (pricing reuses them instead of reading again).
        var timelines: [String: PreparedTimeline] = [:]
    }

    /// Finds the jobs under `root`. Throws `ManifestError` only when `root` is not a readable folder.
    func jobs(in root: String) throws -> Found {
        try jobs(in: root, listing: TreeListing(roots: [root], includingHidden: false))
    }

    /// Finds the jobs under `root` from a listing already taken (the scan's one walk, which is also the replay's
    /// tree state): job sources and loose media both come from it, so no folder is listed twice.
    func jobs(in root: String, listing: TreeListing) throws -> Found {
        let rootPath = PathText.absolute(root, relativeTo: FileManager.default.currentDirectoryPath)
        let listing = listing.covers(rootPath) ? listing : TreeListing(roots: [rootPath], includingHidden: false)
        let discovery = JobDiscovery(resolver: resolver, defaultFeature: defaultFeature, timeZone: timeZone)
        let (discovered, errors) = try discovery.discover(root: root, listing: listing)
        var jobs = discovered
        let failures = errors.map { BillReport.Failure(path: $0.path, code: .unreadableSource, message: $0.description) }

        let realRoot = PathText.realPath(rootPath) ?? rootPath
        // Files are claimed by (device, inode): a loose file reached by another name (a symlink, a hard link)
        // than the one its job used is still the same bytes, billed once.
        var claimed = Set<FileIdentity>()
        func claim(_ path: String) { if let identity = FileIdentity(path: path) { claimed.insert(identity) } }
        var timelines: [String: PreparedTimeline] = [:]
        for job in discovered {
            job.localPaths.forEach(claim)
            if let timeline = job.timelinePath {
                claim(timeline)
                // A timeline's clip sources belong to its job: they are measured for it, not billed on their own.
                if let prepared = try? TimelineMeasurer.prepare(path: timeline, resolver: resolver) {
                    timelines[timeline] = prepared
                    prepared.localPaths.forEach(claim)
                }
            }
        }
        var unassigned: [String] = []
        var notes: [ReportNote] = []
        let ids = Set(discovered.map(\.id))
        // OSS objects a response names but no --oss-map resolves, by key: a loose file whose path ends with such
        // a key is almost surely its synced copy, already billed (from the response's Duration) by that job.
        var unmappedKeys: [String: String] = [:]
        for job in discovered {
            for reference in job.inputs + job.outputs where reference.localPath == nil {
                if let location = OSSLocation(url: reference.original), !location.key.isEmpty {
                    unmappedKeys[location.key] = reference.original
                }
            }
        }
        let loose = MediaFileFinder().files(under: rootPath, in: listing)
        // Sized once: the jobs are alive until the bill is priced, where a scan's memory peaks.
        jobs.reserveCapacity(jobs.count + loose.count)
        for found in loose {
            let file = found.path
            let relative = PathText.relative(file, to: rootPath)
            guard !isInJobMediaFolder(relative) else { continue }
            if let identity = found.entry.followed?.identity { guard claimed.insert(identity).inserted else { continue } }
            // The walk enters no symlinked folder, so only a linked file needs its real path looked up (a lookup
            // per path component); every other file is where the walk found it, inside the root.
            let isLink = found.entry.facts?.isSymlink == true
            let real = isLink ? PathText.realPath(file) ?? file : PathText.join(realRoot, relative)
            if let url = syncedCopy(of: relative, in: unmappedKeys) {
                notes.append(.syncedCopy(file: relative, object: url))
                continue
            }
            guard let feature = defaultFeature else {
                unassigned.append(relative)
                continue
            }
            if isLink, let problem = resolver.containmentProblem(lexical: file, real: real) {
                var job = JobSpec(id: relative, source: file)
                job.nameFeature(feature)
                job.key = JobIdentity.place(file, resolver: resolver)
                job.problems.append("\(relative): \(problem)")
                jobs.append(job)
                continue
            }
            let reference = MediaReference(original: relative, localPath: real)
            var job = JobSpec(id: ids.contains(relative) ? "file:\(relative)" : relative, source: file)
            job.nameFeature(feature)
            job.key = JobIdentity.keyed(place: JobIdentity.place(real: real, resolver: resolver))
            // Input-billed features measure what went in; every other feature bills what came out.
            if job.feature == .highlightExtraction { job.inputs = [reference] } else { job.outputs = [reference] }
            // The entry's own time, as the listing saw it (a symlink's, not its target's, as before the one walk).
            job.finishedAt = found.entry.facts?.modificationDate
            jobs.append(job)
        }
        if let shard {
            // By identity: every machine puts a job in the same shard whatever folder it scanned from.
            jobs = jobs.filter { Shard.includes($0.key, k: shard.k, n: shard.n) }
            unassigned = unassigned.filter { Shard.includes($0, k: shard.k, n: shard.n) }
        }
        jobs.sort { ByteKey($0.id) < ByteKey($1.id) || (ByteKey($0.id) == ByteKey($1.id) && ByteKey($0.key) < ByteKey($1.key)) }
        return Found(jobs: jobs, failures: failures, unassigned: unassigned, notes: notes, timelines: timelines)
    }

    /// The OSS URL whose key `relativePath` ends with, on a path-component boundary.
    private func syncedCopy(of relativePath: String, in keys: [String: String]) -> String? {
        guard !keys.isEmpty else { return nil }
        var components = relativePath.split(separator: "/").map(String.init)
        while !components.isEmpty {
            if let url = keys[components.joined(separator: "/")] { return url }
            components.removeFirst()
        }
        return nil
    }

    /// Files below `JOB/inputs` or `JOB/outputs` belong to their folder job even when left out of it
    /// (a README beside the videos); they are never loose.
    private func isInJobMediaFolder(_ relativePath: String) -> Bool {
        let parts = relativePath.split(separator: "/")
        return parts.dropLast().contains { $0 == "inputs" || $0 == "outputs" }
    }
}

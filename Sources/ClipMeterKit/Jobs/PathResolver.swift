import Foundation
import MediaProbe

/// Turns what a job source names (a path, a glob, an OSS URL, a MediaId) into local files, and keeps every
/// resolved path inside the allowed roots.
///
/// Maps `oss://BUCKET/KEY`, `https://BUCKET.oss-REGION.aliyuncs.com/KEY` and `-internal` endpoints (URL-encoded
/// keys decoded, query strings stripped) through `--oss-map`, relative names through the source's folder and
/// then `--media-root`, MediaIds through `--media-map`. Containment is judged twice: lexically (`..`, absolute
/// paths) before anything on disk is looked at, and on the real path (symlinks) before a path is handed out.
/// A path outside the roots becomes a `problem`, never a read.
public struct PathResolver: Sendable {
    /// Allowed roots as given, normalised; empty means "no restriction" (paths named on the command line).
    public let roots: [String]
    /// Folder that relative media names are also looked up in (`--media-root`).
    public let mediaRoot: String?
    /// `--oss-map` entries.
    public let ossMappings: [OSSMapping]
    /// `--media-map ID=PATH` entries, paths made absolute.
    public let mediaMap: [String: String]

    /// Every folder a resolved path may live in: the roots plus `--media-root` and the `--oss-map` folders the
    /// user named, each both as written and with symlinks resolved.
    private let allowedLexical: [String]
    private let allowedReal: [String]
    /// Files named one by one with `--media-map`: allowed wherever they are.
    private let allowedFiles: Set<String>
    private let restricted: Bool
    /// How large a manifest, response or timeline may be, and how far its YAML may expand: set once by the
    /// command (`--max-manifest-bytes`) and carried to every reader with the roots.
    public var readLimits: ReadLimits = .standard

    /// Read an OSS URL no `--oss-map` resolves in place (`--allow-network` or `--oss-endpoint`): it becomes a
    /// reference whose `localPath` is the object's URL without a query, which MediaProbe reads by range
    /// requests. Off, it stays a problem ("unmapped"), as before: reading over the network needs consent.
    public var readsObjectsInPlace = false

    /// How a refusal to leave the roots starts, in words (`MediaReference.escapesRoots` says it by kind).
    public static let escapeProblemPrefix = "escapes the allowed roots"

    /// A resolver. Relative `roots`, `mediaRoot`, mapping folders and `mediaMap` paths are taken relative to
    /// the current directory. With no `roots` every existing path is accepted.
    public init(roots: [String], mediaRoot: String?, ossMappings: [OSSMapping], mediaMap: [String: String]) {
        let cwd = FileManager.default.currentDirectoryPath
        self.roots = roots.map { PathText.absolute($0, relativeTo: cwd) }
        self.mediaRoot = mediaRoot.map { PathText.absolute($0, relativeTo: cwd) }
        self.ossMappings = ossMappings
        self.mediaMap = mediaMap.mapValues { PathText.absolute($0, relativeTo: cwd) }
        self.restricted = !roots.isEmpty
        let lexical = self.roots + (self.mediaRoot.map { [$0] } ?? []) + ossMappings.map(\.localDirectory)
        self.allowedLexical = lexical
        self.allowedReal = lexical.map { PathText.realPath($0) ?? $0 }
        self.allowedFiles = Set(self.mediaMap.values.compactMap { PathText.realPath($0) })
    }

    /// The same resolver (mappings, limits, consent to read objects) confined to `roots` instead; no roots
    /// means no confinement (paths the user typed).
    public func confined(to roots: [String]) -> PathResolver {
        var copy = PathResolver(roots: roots, mediaRoot: mediaRoot, ossMappings: ossMappings, mediaMap: mediaMap)
        copy.readLimits = readLimits
        copy.readsObjectsInPlace = readsObjectsInPlace
        return copy
    }

    /// Every folder a resolved path may come from, as the user named it (absolute): what a scan can read.
    public var readableFolders: [String] { allowedLexical }

    // MARK: - Resolving

    /// Resolves one reference as written in a source whose folder is `baseDirectory`. Globs and folders expand
    /// to one reference per file, sorted; anything that cannot be resolved is one reference with a `problem`.
    func resolve(_ reference: String, relativeTo baseDirectory: String) -> [MediaReference] {
        let text = reference.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return [MediaReference(original: reference, problem: "empty media reference")] }
        let base = PathText.absolute(baseDirectory, relativeTo: FileManager.default.currentDirectoryPath)

        if let mapped = mediaMap[text] {
            return resolveLocal(original: text, directory: "/", pattern: mapped, display: { $0 })
        }
        if let location = OSSLocation(url: text) {
            return resolveOSS(original: OSSLocation.repaired(text), location: location)
        }
        if let scheme = Self.urlScheme(text) {
            if scheme == "file", let path = URL(string: text)?.path, !path.isEmpty {
                return resolveLocal(original: text, directory: "/", pattern: path, display: { $0 })
            }
            return [
                MediaReference(
                    original: text,
                    problem: "not a local file: \(scheme):// URLs are not read", remedy: .onlyOSSURLsMap)
            ]
        }
        if Self.looksLikeMediaId(text) {
            return [
                MediaReference(
                    original: text,
                    problem: "MediaId \(text) has no local file", remedy: .mapMediaID(text))
            ]
        }
        if text.hasPrefix("/") || text.hasPrefix("~/") {
            let path = text.hasPrefix("~/") ? NSString(string: text).expandingTildeInPath : text
            return resolveLocal(original: text, directory: "/", pattern: path, display: { $0 })
        }
        let fromBase = resolveLocal(
            original: text, directory: base, pattern: text,
            display: { PathText.relative($0, to: base) })
        if let mediaRoot, mediaRoot != base, fromBase.count == 1, fromBase[0].localPath == nil,
            !fromBase[0].escapesRoots
        {
            let fromMediaRoot = resolveLocal(
                original: text, directory: mediaRoot, pattern: text,
                display: { PathText.relative($0, to: mediaRoot) })
            if fromMediaRoot.contains(where: { $0.localPath != nil }) { return fromMediaRoot }
        }
        return fromBase
    }

    /// Resolves a path found by listing a folder (never a glob, even if its name holds `[` or `*`); a folder
    /// expands to its files. `original`s are spelled relative to `displayBase`.
    func resolveListed(_ absolutePath: String, displayBase: String) -> [MediaReference] {
        resolveLocal(
            original: PathText.relative(absolutePath, to: displayBase), directory: "/", pattern: absolutePath,
            literal: true, display: { PathText.relative($0, to: displayBase) })
    }

    /// As `resolveListed(_:displayBase:)` for a folder whose files a walk already listed (`files`, each with its
    /// real path and kind, as `Glob` matches them): the folder is not listed a second time.
    func resolveListed(_ absolutePath: String, files: [Glob.Match], displayBase: String) -> [MediaReference] {
        let original = PathText.relative(absolutePath, to: displayBase)
        if let problem = containmentProblem(for: absolutePath) { return [.refused(original, problem)] }
        return references(
            for: files, original: original, display: { PathText.relative($0, to: displayBase) },
            emptyProblem: "folder \(absolutePath) has no files")
    }

    /// Whether an absolute path may be read: inside the roots both as written and with symlinks resolved.
    /// Returns nil when allowed, else the problem to report.
    public func containmentProblem(for path: String) -> String? {
        let normalized = PathText.normalized(path)
        guard restricted else { return nil }
        if let real = PathText.realPath(normalized), allowedFiles.contains(real) { return nil }
        guard isAllowed(normalized) else {
            return "\(Self.escapeProblemPrefix) (\(normalized) is outside \(rootList))"
        }
        if let real = PathText.realPath(normalized), !isAllowed(real) {
            return "\(Self.escapeProblemPrefix) (\(normalized) is a link to \(real), outside \(rootList))"
        }
        return nil
    }

    private var rootList: String { allowedLexical.joined(separator: ", ") }

    private func isAllowed(_ path: String) -> Bool {
        allowedLexical.contains { PathText.isInside(path, root: $0) }
            || allowedReal.contains { PathText.isInside(path, root: $0) }
    }

    private func resolveOSS(original: String, location: OSSLocation) -> [MediaReference] {
        let candidates = ossMappings.filter { $0.localPath(for: location) != nil }
        guard let mapping = candidates.max(by: { $0.prefix.count < $1.prefix.count }) else {
            if readsObjectsInPlace {
                return [MediaReference(original: MediaProber.displayName(original), localPath: MediaProber.displayName(original))]
            }
            return [
                MediaReference(
                    original: original,
                    problem: "unmapped OSS URL \(location.ossURL)", remedy: .mapOrReadObject(bucket: location.bucket))
            ]
        }
        // Judge the key lexically against the mapped folder first: `oss://b/p/../../etc/x` must not leave it.
        var remainder = location.key
        if !mapping.prefix.isEmpty { remainder = String(remainder.dropFirst(min(remainder.count, mapping.prefix.count))) }
        while remainder.hasPrefix("/") { remainder.removeFirst() }
        let mappedPath = PathText.normalized(PathText.join(mapping.localDirectory, remainder))
        guard PathText.isInside(mappedPath, root: mapping.localDirectory) else {
            return [
                .refused(
                    original, "\(Self.escapeProblemPrefix) (\(location.ossURL) maps to \(mappedPath), outside \(mapping.localDirectory))")
            ]
        }
        let objectPrefix = mapping.prefix.isEmpty ? "" : mapping.prefix + "/"
        return resolveLocal(
            original: original, directory: mapping.localDirectory, pattern: remainder,
            display: { path in
                "oss://\(mapping.bucket)/\(objectPrefix)\(PathText.relative(path, to: mapping.localDirectory))"
            })
    }

    /// Resolves `pattern` (a path, maybe a glob) under `directory`. `display` spells a matched path for
    /// `original` when a glob or folder expands.
    private func resolveLocal(
        original: String, directory: String, pattern: String, literal isLiteral: Bool = false,
        display: (String) -> String
    ) -> [MediaReference] {
        let isPattern = !isLiteral && Glob.isPattern(pattern)
        let literal = PathText.absolute(pattern, relativeTo: directory)
        if !isPattern {
            if let problem = containmentProblem(for: literal) { return [.refused(original, problem)] }
            switch PathText.kind(literal) {
            case nil:
                let dangling = (try? FileManager.default.destinationOfSymbolicLink(atPath: literal)) != nil
                return [
                    MediaReference(
                        original: original,
                        problem: dangling ? "no such file: \(literal) is a broken link" : "no such file: \(literal)")
                ]
            case .directory:
                let files = Glob.matches(pattern: "**", in: literal, mayEnter: { containmentProblem(for: $0) == nil })
                return references(
                    for: files, original: original, display: display,
                    emptyProblem: "folder \(literal) has no files")
            case .file:
                return [checked(literal, original: original)]
            case .other:
                // A FIFO, socket or device: the prober, which never opens one, reports what it is.
                return [checked(literal, original: original)]
            }
        }
        let start = pattern.hasPrefix("/") ? "/" : directory
        let relativePattern = pattern.hasPrefix("/") ? String(pattern.dropFirst()) : pattern
        // The literal folders before the first wildcard must already be inside the roots.
        let fixed = relativePattern.split(separator: "/").prefix { !Glob.isPattern(String($0)) }.joined(separator: "/")
        let fixedPath = PathText.absolute(fixed, relativeTo: start)
        if let problem = containmentProblem(for: fixedPath) {
            return [.refused(original, problem)]
        }
        let matches = Glob.matches(pattern: relativePattern, in: start, mayEnter: { containmentProblem(for: $0) == nil })
            .map { Glob.Match(path: PathText.normalized($0.path), realPath: $0.realPath, kind: $0.kind) }
        return references(
            for: matches, original: original, display: display,
            emptyProblem: "glob \(original) matched no files")
    }

    /// One reference per file matched. A file reached twice (through `latest -> 2026-11-20`, or two names of
    /// one hard-linked file) is one reference: the same bytes are billed once.
    private func references(
        for matches: [Glob.Match], original: String, display: (String) -> String,
        emptyProblem: String
    ) -> [MediaReference] {
        let files = matches.filter { $0.kind == .file }
        guard !files.isEmpty else { return [MediaReference(original: original, problem: emptyProblem)] }
        var seen = Set<FileIdentity>()
        var result: [MediaReference] = []
        for file in files {
            guard let real = file.realPath else {
                result.append(MediaReference(original: display(file.path), problem: "no such file: \(file.path)"))
                continue
            }
            if let problem = containmentProblem(lexical: file.path, real: real) {
                result.append(.refused(display(file.path), problem))
                continue
            }
            if let identity = FileIdentity(path: real), !seen.insert(identity).inserted { continue }
            result.append(MediaReference(original: display(file.path), localPath: real))
        }
        return result
    }

    /// `containmentProblem(for:)` when the real path is already known (from a walk), without asking the disk.
    /// Judge the real path that will be measured, not a fresh lookup: a link retargeted between two lookups
    /// would pass the check with one target and be read at the other.
    func containmentProblem(lexical path: String, real: String) -> String? {
        let normalized = PathText.normalized(path)
        guard restricted, !allowedFiles.contains(real) else { return nil }
        guard isAllowed(normalized) else {
            return "\(Self.escapeProblemPrefix) (\(normalized) is outside \(rootList))"
        }
        guard isAllowed(real) else {
            return "\(Self.escapeProblemPrefix) (\(normalized) is a link to \(real), outside \(rootList))"
        }
        return nil
    }

    /// A single existing path checked for containment (following symlinks).
    /// The real path is looked up once and that one is both judged and returned (see `containmentProblem(lexical:real:)`).
    private func checked(_ path: String, original: String) -> MediaReference {
        let real = PathText.realPath(path)
        if let problem = real.map({ containmentProblem(lexical: path, real: $0) }) ?? containmentProblem(for: path) {
            return .refused(original, problem)
        }
        guard let real else {
            return MediaReference(original: original, problem: "no such file: \(path)")
        }
        return MediaReference(original: original, localPath: real)
    }

    // MARK: - Recognising references

    /// The scheme of `scheme://…` text, lowercased; nil for paths (a Windows-style `C:` is not a scheme here).
    static func urlScheme(_ text: String) -> String? {
        guard let range = text.range(of: "://") else { return nil }
        let scheme = text[..<range.lowerBound]
        guard !scheme.isEmpty, scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") })
        else { return nil }
        return scheme.lowercased()
    }

    /// IMS MediaIds are 32 hexadecimal digits.
    static func looksLikeMediaId(_ text: String) -> Bool {
        if text.count == 32 && text.allSatisfy(\.isHexDigit) { return true }
        // Masked as the API reference's examples write them (`****9d46c886b45481030f6e****`): not a glob.
        return text.contains("*") && text.count <= 40 && text.filter(\.isHexDigit).count >= 16
            && text.allSatisfy { $0.isHexDigit || $0 == "*" }
    }
}

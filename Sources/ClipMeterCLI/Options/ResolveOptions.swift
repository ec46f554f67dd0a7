import ArgumentParser
import Foundation
import Billing
import ClipMeterKit
import MediaProbe
import OSSAccess
import Quantities
import Timeline

/// Where media named by jobs and timelines may be found, and the roots they may not escape.
struct ResolveOptions: ParsableArguments {
    @Option(name: .customLong("media-root"), help: "Folder where relative media names are also looked up.")
    var mediaRoot: String?

    @Option(name: .customLong("oss-map"), help: "oss://bucket/prefix=./local/dir: where an OSS prefix was synced to (repeatable).")
    var ossMap: [String] = []

    @Option(name: .customLong("media-map"), help: "MediaId=PATH, or a JSON file {\"MediaId\": \"path\"} (repeatable).")
    var mediaMap: [String] = []

    /// Every command that resolves media also reads job sources or timelines: the size cap travels with it.
    @OptionGroup var readLimits: ReadLimitOptions

    /// Parsed `--oss-map` entries; a malformed one is a usage error.
    func ossMappings() throws -> [OSSMapping] {
        do { return try ossMap.map { try OSSMapping(parsing: $0) } } catch { throw UsageError("\(error)") }
    }

    /// `--media-map` entries, from `ID=PATH` pairs and JSON map files.
    func mediaMapping() throws -> [String: String] {
        var result: [String: String] = [:]
        for entry in mediaMap {
            let isMapFile = PathKind.isRegularFile(entry)
            if !isMapFile, let equals = entry.firstIndex(of: "=") {
                let id = String(entry[..<equals]).trimmingCharacters(in: .whitespaces)
                let path = String(entry[entry.index(after: equals)...]).trimmingCharacters(in: .whitespaces)
                guard !id.isEmpty, !path.isEmpty else { throw UsageError("--media-map \(entry): expected MediaId=PATH") }
                result[id] = path
            } else {
                guard let data = try? RegularFile.read(entry, maxBytes: ReadLimits.standard.maxBytes),
                    let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
                else {
                    throw UsageError("--media-map \(entry): expected MediaId=PATH or a readable JSON object file {\"MediaId\": \"path\"}")
                }
                let base = (entry as NSString).deletingLastPathComponent
                for (id, value) in object {
                    guard let path = value as? String else {
                        throw UsageError("--media-map \(entry): the value of \(id) is not a path string")
                    }
                    result[id] = path.hasPrefix("/") || base.isEmpty ? path : (base as NSString).appendingPathComponent(path)
                }
            }
        }
        return result
    }

    /// A resolver whose allowed roots are `roots` plus the folders named here; unmapped OSS objects become
    /// references read in place when `measure` consents (`--allow-network`, `--oss-endpoint`).
    func resolver(roots: [String], measure: MeasureOptions) throws -> PathResolver {
        var resolver = PathResolver(roots: roots, mediaRoot: mediaRoot, ossMappings: try ossMappings(), mediaMap: try mediaMapping())
        resolver.readLimits = readLimits.limits
        resolver.readsObjectsInPlace = measure.probeOptions.readsObjectsInPlace
        return resolver
    }
}

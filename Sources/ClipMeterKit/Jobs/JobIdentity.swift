internal import Digests
import Foundation

/// Which job a description is of, as one key that does not depend on where a scan started, which machine ran
/// it or which shard it fell in.
///
/// - A job IMS ran is its `JobId`, bare, as ledgers written before keys existed already hold it.
/// - Any other job is where it lives: the OSS URL of its folder, file or manifest when an `--oss-map` maps
///   it (two machines syncing one bucket to different folders agree), else the real path; a manifest's job is
///   the manifest's place plus `#` and the id as written.
/// - A planned job (a request body) is `planned:` and the body's place plus its index: never recorded, only
///   deduplicated.
///
/// Keys are compared and hashed byte for byte (`ByteKey`), never as canonically equal strings. A key longer
/// than `maximumBytes` keeps its first bytes and ends in a SHA-256 of the whole, so a deep path still fits a
/// database index and stays unique.
public enum JobIdentity {
    /// Marks the key of a job known by its IMS JobId (used to tell polls from other duplicates).
    static let imsPrefix = "ims:"
    /// Marks the key of a planned job.
    static let plannedPrefix = "planned:"
    /// Longest key kept as written: PostgreSQL's b-tree rows stop at 2,704 bytes.
    static let maximumBytes = 1_536
    /// Longest id a source may give a job: longer is a typo or an attack, and would not fit a ledger's index.
    public static let maximumIDBytes = 1_024

    /// The key of a job IMS ran, by its JobId.
    static func ims(_ jobID: String) -> String { bounded(imsPrefix + jobID) }

    /// The key of a job that lives at a local path (a job folder, a loose file, a manifest), under `resolver`'s
    /// OSS mappings; `suffix` adds a manifest job's id.
    static func place(_ path: String, resolver: PathResolver, suffix: String? = nil) -> String {
        keyed(place: place(real: PathText.realPath(path) ?? PathText.normalized(path), resolver: resolver), suffix: suffix)
    }

    /// Where a file whose real path is already known lives: its OSS URL under `resolver`'s mappings, else that
    /// path. Callers that looked the real path up (the walk, a manifest read once) spare a lookup per job.
    static func place(real: String, resolver: PathResolver) -> String {
        ossURL(for: real, mappings: resolver.ossMappings) ?? real
    }

    /// The key of a job at `place` (from `place(real:resolver:)`), with a manifest job's id as `suffix`.
    static func keyed(place: String, suffix: String? = nil) -> String {
        bounded(place + (suffix.map { "#" + $0 } ?? ""))
    }

    /// The key of the `index`th planned job of the request body at `path`.
    static func planned(_ path: String, index: Int, resolver: PathResolver) -> String {
        planned(bodyKey: place(path, resolver: resolver), index: index)
    }

    /// The key of the `index`th planned job of a body whose own key (`place(_:resolver:)`) is `bodyKey`.
    static func planned(bodyKey: String, index: Int) -> String {
        bounded(plannedPrefix + bodyKey + "#\(index)")
    }

    /// The OSS URL a local real path was synced from, through the most specific mapping that covers it.
    static func ossURL(for real: String, mappings: [OSSMapping]) -> String? {
        var best: (length: Int, url: String)?
        for mapping in mappings {
            let folder = PathText.realPath(mapping.localDirectory) ?? PathText.normalized(mapping.localDirectory)
            let folderBytes = Array(folder.utf8), pathBytes = Array(real.utf8)
            let remainder: ArraySlice<UInt8>
            if pathBytes == folderBytes {
                remainder = []
            } else if pathBytes.count > folderBytes.count, pathBytes.starts(with: folderBytes + [UInt8(ascii: "/")]) {
                remainder = pathBytes[(folderBytes.count + 1)...]
            } else if folderBytes == [UInt8(ascii: "/")], pathBytes.first == UInt8(ascii: "/") {
                remainder = pathBytes.dropFirst()
            } else {
                continue
            }
            guard folderBytes.count > (best?.length ?? -1) else { continue }
            let key = [mapping.prefix, String(decoding: remainder, as: UTF8.self)].filter { !$0.isEmpty }.joined(separator: "/")
            best = (folderBytes.count, "oss://\(mapping.bucket)/\(key)")
        }
        return best?.url
    }

    /// `key` itself, or its first bytes and a digest of the whole when it is too long for a ledger index.
    static func bounded(_ key: String) -> String {
        let bytes = Array(key.utf8)
        guard bytes.count > maximumBytes else { return key }
        var head = String(decoding: bytes.prefix(maximumBytes - 80), as: UTF8.self)
        // A cut inside a character decodes to U+FFFD; drop it rather than keep a byte the key never had.
        while head.unicodeScalars.last == "\u{FFFD}" { head.unicodeScalars.removeLast() }
        return head + "…sha256:" + Digest.hex(Digest.sha256(bytes))
    }

    /// Why an id given by a source cannot name a job (control characters, too long), nil when it can.
    static func problem(withID id: String) -> String? {
        if id.utf8.count > maximumIDBytes {
            return "the job id is \(id.utf8.count) bytes long (at most \(maximumIDBytes)): shorten it"
        }
        if let bad = id.unicodeScalars.first(where: { $0.properties.generalCategory == .control }) {
            return
                "the job id holds the control character U+\(String(bad.value, radix: 16, uppercase: true).leftPadded(to: 4)): ids must be printable text"
        }
        return nil
    }
}

/// A string compared and hashed as its UTF-8 bytes: Swift's `String` equality treats canonically equivalent
/// text (`café` in NFC and NFD) as equal, which would merge two files or two jobs into one.
public struct ByteKey: Hashable, Sendable, Comparable {
    /// The text as given.
    public let text: String

    /// The key of `text`.
    public init(_ text: String) { self.text = text }

    public static func == (a: ByteKey, b: ByteKey) -> Bool { a.text.utf8.elementsEqual(b.text.utf8) }

    public func hash(into hasher: inout Hasher) {
        // One call over the bytes: listings and measurements hash a key per file.
        var text = self.text
        text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }

    public static func < (a: ByteKey, b: ByteKey) -> Bool { a.text.utf8.lexicographicallyPrecedes(b.text.utf8) }
}

extension String {
    /// Left-padded with zeros to `width` characters.
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

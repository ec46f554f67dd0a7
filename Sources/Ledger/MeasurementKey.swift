/// Identifies one measurement of one file: the same bytes measured the same way give the same facts.
///
/// Size and modification time stand in for the content (hashing every file would cost as much as probing it), but
/// both can be forged: a file rewritten with the same size and its old mtime put back (`touch -r`) looks unchanged.
/// The status-change time (ctime) cannot be set by a user and moves on every rewrite, and the inode changes when a
/// file is replaced by another, so both are part of the key too; the probe mode is because `fast` and `exact`
/// measure different things.
public struct MeasurementKey: Hashable, Sendable {
    /// The file's path as the scanner saw it (the caller decides whether it is absolute or root-relative).
    public var path: String
    /// The file's size in bytes.
    public var size: Int64
    /// The file's modification time in nanoseconds since 1970, so a rewrite within the same second still misses.
    public var modifiedAtNanos: Int64
    /// The file's status-change time (ctime) in nanoseconds since 1970.
    public var changedAtNanos: Int64
    /// The file's inode number (stored as its bit pattern in a signed 64-bit column).
    public var inode: UInt64
    /// The probe mode (`fast`, `exact`, `auto`, …) the facts were measured with.
    public var mode: String

    /// Creates a key from the file's identity and the probe mode.
    public init(path: String, size: Int64, modifiedAtNanos: Int64, changedAtNanos: Int64, inode: UInt64, mode: String) {
        self.path = path
        self.size = size
        self.modifiedAtNanos = modifiedAtNanos
        self.changedAtNanos = changedAtNanos
        self.inode = inode
        self.mode = mode
    }

    /// Equal when the path's bytes are: Swift's String equality would make `café` in NFC and NFD one file.
    public static func == (a: MeasurementKey, b: MeasurementKey) -> Bool {
        a.size == b.size && a.modifiedAtNanos == b.modifiedAtNanos && a.changedAtNanos == b.changedAtNanos
            && a.inode == b.inode && a.path.utf8.elementsEqual(b.path.utf8) && a.mode.utf8.elementsEqual(b.mode.utf8)
    }

    public func hash(into hasher: inout Hasher) {
        var path = self.path
        path.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        hasher.combine(size)
        hasher.combine(modifiedAtNanos)
        hasher.combine(changedAtNanos)
        hasher.combine(inode)
        hasher.combine(mode)
    }
}

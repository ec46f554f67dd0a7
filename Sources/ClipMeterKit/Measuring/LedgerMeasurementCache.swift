import Foundation
import Ledger

/// The ledger as the measurement cache: unchanged files are never probed twice.
public final class LedgerMeasurementCache: MeasurementCache {
    private let ledger: Ledger

    /// A cache backed by `ledger`.
    public init(ledger: Ledger) { self.ledger = ledger }

    public func lookup(_ keys: [FileKey]) throws -> [FileKey: Data] {
        let found = try ledger.measurements(for: keys.map(Self.ledgerKey))
        var result: [FileKey: Data] = [:]
        result.reserveCapacity(found.count)
        for (key, data) in found {
            result[FileKey(path: key.path, size: key.size, modifiedAtNanos: key.modifiedAtNanos, mode: key.mode)] = data
        }
        return result
    }

    public func store(_ entries: [(key: FileKey, facts: Data)]) throws {
        try ledger.storeMeasurements(entries.map { (key: Self.ledgerKey($0.key), facts: $0.facts) })
    }

    private static func ledgerKey(_ key: FileKey) -> MeasurementKey {
        MeasurementKey(path: key.path, size: key.size, modifiedAtNanos: key.modifiedAtNanos, mode: key.mode)
    }
}

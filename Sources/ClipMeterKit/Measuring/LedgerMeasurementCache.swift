import Foundation
import Ledger

/// The ledger as the measurement cache: unchanged files are never probed twice.
public final class LedgerMeasurementCache: MeasurementCache {
    private let ledger: Ledger

    /// A cache backed by `ledger`.
    public init(ledger: Ledger) { self.ledger = ledger }

    public func lookup(_ keys: [MeasurementKey]) throws -> [MeasurementKey: Data] {
        try ledger.measurements(for: keys)
    }

    public func store(_ entries: [(key: MeasurementKey, facts: Data)]) throws {
        try ledger.storeMeasurements(entries)
    }
}

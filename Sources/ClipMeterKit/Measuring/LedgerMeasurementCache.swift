import Foundation
import Ledger

/// The ledger as the measurement cache: unchanged files are never probed twice.
final class LedgerMeasurementCache: MeasurementCache {
    private let ledger: Ledger

    /// A cache backed by `ledger`.
    init(ledger: Ledger) { self.ledger = ledger }

    func lookup(_ keys: [MeasurementKey]) throws -> [MeasurementKey: Data] {
        try ledger.measurements(for: keys)
    }

    func store(_ entries: [(key: MeasurementKey, facts: Data)]) throws {
        try ledger.storeMeasurements(entries)
    }
}

import Foundation

/// The part of a lookup by many keys that both ledgers share, around their own SQL: one `IN (…)` query per slice of
/// `keysPerQuery` keys, so that the two backends cannot drift apart in what they count as a hit.
enum KeyLookup {
    /// The recorded jobs with these ids, fetched slice by slice. Ids are told apart by their bytes, as the databases
    /// compare them: Swift's `==` would merge two canonically equal spellings the ledger keeps as two jobs.
    static func jobs(withIDs ids: [String], sliceSize: Int, fetch: ([String]) throws -> [JobRecord]) rethrows -> [JobRecord] {
        let unique = Array(Dictionary(ids.map { (Array($0.utf8), $0) }, uniquingKeysWith: { first, _ in first }).values)
        var found: [JobRecord] = []
        for slice in unique.chunks(ofCount: sliceSize) { found += try fetch(Array(slice)) }
        return found
    }

    /// The cached facts whose whole key matches, looked up by path: a row for the same path under another key is a
    /// file that changed since it was measured, so it is no hit. `fetch` reads the rows of a slice of paths.
    static func measurements(
        for keys: [MeasurementKey], sliceSize: Int, fetch: ([String]) throws -> [(key: MeasurementKey, facts: Data)]
    ) rethrows -> [MeasurementKey: Data] {
        let wanted = Set(keys)
        var found: [MeasurementKey: Data] = [:]
        for slice in Array(Set(keys.map(\.path))).chunks(ofCount: sliceSize) {
            for row in try fetch(Array(slice)) where wanted.contains(row.key) { found[row.key] = row.facts }
        }
        return found
    }
}

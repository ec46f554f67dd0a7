import Foundation

/// Reads several ledgers as one: a bill over the ledgers of several machines counts each job once.
public enum LedgerMerge {
    /// Jobs from all `ledgers` whose `finishedAt` is in [from, to), deduplicated by id and sorted like
    /// `Ledger.jobs(from:to:)`.
    ///
    /// The most recently recorded copy of a job wins (on a tie, the later ledger in the list). That copy is chosen
    /// before the window is applied, so a job re-priced in one ledger with a new finish time is not resurrected from
    /// another ledger's stale copy.
    public static func jobs(from ledgers: [Ledger], from: Date?, to: Date?) throws -> [JobRecord] {
        // One ledger holds each id once: its window is the answer, without reading every job a second time.
        if ledgers.count == 1, let only = ledgers.first {
            return try only.jobs(from: from, to: to)
        }
        // Ids by their bytes: Swift's String equality would merge `café` in NFC and NFD, two different jobs.
        var candidateIDs: [[UInt8]: String] = [:]
        for ledger in ledgers {
            for record in try ledger.jobs(from: from, to: to) {
                candidateIDs[Array(record.id.utf8)] = record.id
            }
        }
        var newest: [[UInt8]: JobRecord] = [:]
        for ledger in ledgers {
            for record in try ledger.jobs(withIDs: Array(candidateIDs.values)) {
                let key = Array(record.id.utf8)
                if let kept = newest[key], kept.recordedAt > record.recordedAt { continue }
                newest[key] = record
            }
        }
        let range = JobRange(from: from, to: to)
        return newest.values.filter(range.contains).sorted(by: JobRecord.isListedBefore)
    }
}

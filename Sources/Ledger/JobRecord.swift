import Foundation

/// One priced job as the ledger keeps it: a few indexed columns for filtering, plus the caller's own JSON.
///
/// The ledger does not know the pricing model (it must not import Billing), so the full priced job travels as an
/// opaque `payload`; the other fields exist so past cycles can be selected and summed without decoding it.
/// Dates are kept to the millisecond: a value read back equals the one recorded once truncated to whole milliseconds.
public struct JobRecord: Sendable, Equatable {
    /// The stable job id; recording the same id again replaces the earlier row.
    public var id: String
    /// The billed feature id, for example `video-editing`.
    public var feature: String
    /// `succeeded` or `failed`.
    public var status: String
    /// The cost as exact decimal text (for example `"0.72"`), never a binary floating-point number.
    public var cost: String
    /// The currency of `cost`, for example `CNY`.
    public var currency: String
    /// The rate card the job was priced with, for example `cn`.
    public var rateCard: String
    /// When the job finished; nil when nothing said so.
    public var finishedAt: Date?
    /// The start of the hourly billing cycle the cost belongs to.
    public var cycleStart: Date?
    /// The priced job as JSON, produced and read by the caller.
    public var payload: Data
    /// When this row was written; decides which copy wins when several ledgers hold the same job.
    public var recordedAt: Date
    /// What priced the job, as the caller words it (ClipMeter's version and the libraries it ran with, for example
    /// `clipmeter 0.7.0 (libavformat 61.7.100, …)`); nil when unknown, as for jobs recorded before ledgers kept it.
    public var producedBy: String?
    /// The id a ClipMeter before job keys recorded this job under (its id relative to the scanned folder), when it
    /// differs from `id`: recording the job replaces that older row, so an upgraded ledger counts the job once.
    public var legacyID: String?

    /// Creates a record; `recordedAt` defaults to now.
    public init(
        id: String, feature: String, status: String, cost: String, currency: String, rateCard: String,
        finishedAt: Date?, cycleStart: Date?, payload: Data, recordedAt: Date = Date(), producedBy: String? = nil,
        legacyID: String? = nil
    ) {
        self.legacyID = legacyID
        self.id = id
        self.feature = feature
        self.status = status
        self.cost = cost
        self.currency = currency
        self.rateCard = rateCard
        self.finishedAt = finishedAt
        self.cycleStart = cycleStart
        self.payload = payload
        self.recordedAt = recordedAt
        self.producedBy = producedBy
    }
}

extension JobRecord {
    /// The order every job listing uses: by finish time, jobs without one last, then by id in byte order.
    ///
    /// Byte order of the UTF-8 id is what SQLite's default collation uses, so a merged listing sorts exactly like a
    /// single ledger's.
    static func isListedBefore(_ lhs: JobRecord, _ rhs: JobRecord) -> Bool {
        let left = lhs.finishedAt.map(LedgerTime.millis)
        let right = rhs.finishedAt.map(LedgerTime.millis)
        if left != right {
            switch (left, right) {
            case let (left?, right?): return left < right
            case (nil, _): return false
            case (_, nil): return true
            }
        }
        return lhs.id.utf8.lexicographicallyPrecedes(rhs.id.utf8)
    }
}

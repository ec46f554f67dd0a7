import Billing
import Quantities
import Foundation
import Ledger
import XCTest
@testable import ClipMeterKit

/// The ledger's payload is written directly (no `JSONEncoder` per job) and must read back through
/// `PricedJob`'s own decoder exactly: costs, line items, ranges and the typed warnings.
final class LedgerFormTests: XCTestCase {
    func testTheDirectlyWrittenFormReadsBackAsTheSameJob() throws {
        let bounded = BillableJob(
            id: "range", feature: .imageTextMatching, finishedAt: Date(timeIntervalSince1970: 1_700_000_000),
            inputs: [RenderFixtures.file("in.mp4", "40")],
            outputs: [MeasuredMedia(path: "planned", seconds: 30, lowSeconds: Decimal(string: "0.001").map(Seconds.init))])
        let jobs = [
            RenderFixtures.seedJob, RenderFixtures.editJob, RenderFixtures.failedJob, RenderFixtures.boundaryJob,
            RenderFixtures.hostileJob, bounded,
        ]
        var form = PricedJobJSON.LedgerForm()
        for card in ["cn", "intl-singapore"] {
            let bill = try RenderFixtures.bill(jobs, card: card)
            // The payload names no currency: the ledger row does, and JobHistory hands it to the decoder.
            let decoder = JSONDecoder()
            decoder.userInfo[Bill.currencyKey] = bill.currency
            for job in bill.jobs {
                let data = Data(form.json(job).rendered().utf8)
                let decoded = try decoder.decode(PricedJob.self, from: data)
                XCTAssertEqual(decoded.id, job.id)
                XCTAssertEqual(decoded.cost, job.cost, job.id)
                XCTAssertEqual(decoded.costLow, job.costLow, job.id)
                XCTAssertEqual(decoded.items, job.items, job.id)
                XCTAssertEqual(decoded.lowItems, job.lowItems, job.id)
                XCTAssertEqual(decoded.diagnostics, job.diagnostics, job.id)
                XCTAssertEqual(decoded.finishedAt, job.finishedAt, job.id)
                XCTAssertEqual(decoded.cycleStart, job.cycleStart, job.id)
                XCTAssertEqual(decoded.reason, job.reason, job.id)
            }
        }
        XCTAssertNotNil(try RenderFixtures.bill([bounded]).jobs.first?.costLow, "the fixture is a range")
    }

    /// The payload names no currency (rows written before costs were Money neither): the row's currency is the
    /// one the jobs read back in, and the bill collected from them sums Money in it.
    func testRecordedJobsReadBackInTheRowsCurrency() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-money-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let ledger = try Ledger(path: dir.appendingPathComponent("ledger.sqlite").path)
        let priced = try RenderFixtures.bill([RenderFixtures.seedJob, RenderFixtures.editJob], card: "intl-singapore")
        try JobHistory.record(priced, in: ledger)
        let bill = try JobHistory.bill(from: [ledger], from: nil, to: nil, timeZone: PricingOptions.shanghai)
        let charges = priced.jobs.filter { $0.knownCost != nil && $0.costLow == nil }
        XCTAssertFalse(charges.isEmpty)
        XCTAssertEqual(bill.jobs.map(\.id).sorted(), charges.map(\.id).sorted())
        XCTAssertEqual(Set(bill.jobs.compactMap(\.cost?.currency)), ["USD"])
        XCTAssertEqual(bill.total, try Money.sum(charges.compactMap(\.cost), currency: "USD").get())
        XCTAssertTrue(bill.cycles.allSatisfy { $0.total.currency == "USD" })
    }
}

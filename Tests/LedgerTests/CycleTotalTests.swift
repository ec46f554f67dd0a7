import Foundation
import Ledger
import XCTest

/// `bill --summary` trusts these sums, so they must be exact and per cycle, without loading jobs.
final class CycleTotalTests: LedgerTestCase {
    func testSQLiteSumsEachCycleExactly() throws {
        let ledger = try Ledger(path: path("ledger.sqlite"))
        try ledger.recordJobs(Self.jobs(self))
        XCTAssertEqual(try ledger.cycleTotals(from: nil, to: nil), Self.expected)
        XCTAssertEqual(try ledger.cycleTotals(from: Self.hour, to: Self.hour.addingTimeInterval(3600)), [Self.expected[0]])
    }

    func testPostgresSumsEachCycleExactlyInTheDatabase() throws {
        guard let url = ProcessInfo.processInfo.environment["CLIPMETER_TEST_POSTGRES_URL"], !url.isEmpty else {
            throw XCTSkip("CLIPMETER_TEST_POSTGRES_URL is not set")
        }
        let schema = "sum_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(10).lowercased()
        defer { _ = try? PSQL.run(url, "DROP SCHEMA IF EXISTS \(schema) CASCADE") }
        let ledger = try Ledger(location: url, schema: schema)
        try ledger.recordJobs(Self.jobs(self))
        XCTAssertEqual(try ledger.cycleTotals(from: nil, to: nil), Self.expected)
    }

    private static let hour = Date(timeIntervalSince1970: 1_700_002_800)

    /// 0.1 + 0.2 in binary floating point is not 0.3: the sums must be decimal.
    private static func jobs(_ test: LedgerTestCase) -> [JobRecord] {
        [
            test.job("a", finishedAt: hour.addingTimeInterval(10), cost: "0.1"),
            test.job("b", finishedAt: hour.addingTimeInterval(20), cost: "0.2"),
            test.job("c", finishedAt: hour.addingTimeInterval(3700), cost: "1.0651"),
            test.job("d", finishedAt: nil, cost: "5"),
        ]
    }

    private static let expected = [
        CycleTotal(start: hour, currency: "CNY", jobs: 2, total: "0.3"),
        CycleTotal(start: hour.addingTimeInterval(3600), currency: "CNY", jobs: 1, total: "1.0651"),
        CycleTotal(start: nil, currency: "CNY", jobs: 1, total: "5"),
    ]
}

@testable import Ledger
import XCTest

/// The password of a ledger URL must never reach output, errors or the ledger (issue 10).
final class PostgresURLTests: XCTestCase {
    func testRedactedDropsThePasswordWhereverItIs() {
        XCTAssertEqual(PostgresURL.redacted("postgres://bob:s3cr%2Fet@db:5432/billing?sslmode=require"),
                       "postgres://bob@db:5432/billing?sslmode=require")
        XCTAssertEqual(PostgresURL.redacted("postgresql://bob@db/billing?password=s3cret&sslmode=verify-full"),
                       "postgresql://bob@db/billing?sslmode=verify-full")
        XCTAssertFalse(PostgresURL.redacted("postgres://bob:p@ss@db/x").contains("p@ss"))
    }

    func testScrubRemovesEveryFormOfThePassword() {
        let url = "postgres://bob:a%2Fb@db/billing"
        let text = PostgresURL.scrub(#"["scan","--ledger","postgres:\/\/bob:a%2Fb@db","a/b","a\/b"]"#, url: url)
        XCTAssertFalse(text.contains("a%2Fb"), text)
        XCTAssertFalse(text.contains("a/b"), text)
        XCTAssertFalse(text.contains(#"a\/b"#), text)
    }

    func testOnlyDatabaseURLsSelectPostgreSQL() {
        XCTAssertTrue(Ledger.isDatabaseURL("postgres://h/db"))
        XCTAssertTrue(Ledger.isDatabaseURL("PostgreSQL://h/db"))
        XCTAssertFalse(Ledger.isDatabaseURL("postgres.sqlite"))
        XCTAssertFalse(Ledger.isDatabaseURL("./postgres://x"))
    }
}

@testable import Ledger
import XCTest

/// The password of a ledger URL must never reach output, errors or the ledger (issue 10).
final class PostgresURLTests: XCTestCase {
    func testRedactedDropsThePasswordWhereverItIs() {
        XCTAssertEqual(
            PostgresURL.redacted("postgres://bob:s3cr%2Fet@db:5432/billing?sslmode=require"),
            "postgres://bob@db:5432/billing?sslmode=require")
        XCTAssertEqual(
            PostgresURL.redacted("postgresql://bob@db/billing?password=s3cret&sslmode=verify-full"),
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
        // The scheme is parsed, not matched as a prefix: a socket-folder URL and a password with an `@` still select
        // PostgreSQL, a scheme without an authority or another scheme does not.
        XCTAssertTrue(Ledger.isDatabaseURL("postgresql:///billing?host=/run/postgresql"))
        XCTAssertTrue(Ledger.isDatabaseURL("postgres://bob:p@ss@db/x"))
        XCTAssertTrue(Ledger.isDatabaseURL("postgres://bob@db/x (schema other)"), "a redacted location in an error")
        XCTAssertFalse(Ledger.isDatabaseURL("postgres:billing"))
        XCTAssertTrue(Ledger.startsLikeDatabaseURL("postgres:billing"), "refused as a mistyped URL, not opened as a file")
        XCTAssertFalse(Ledger.isDatabaseURL("mysql://h/db"))
        XCTAssertFalse(Ledger.isDatabaseURL("/var/lib/postgres://x"))
    }

    /// A schema name PostgreSQL cannot have is refused before any connection is made.
    func testAnImpossibleSchemaNameIsItsOwnCase() {
        for name in ["", String(repeating: "s", count: 64)] {
            XCTAssertThrowsError(try Ledger(location: "postgres://bob:pw@127.0.0.1:1/db", schema: name)) { error in
                guard case LedgerError.invalidSchemaName(let path, name)? = error as? LedgerError else {
                    return XCTFail("expected .invalidSchemaName, got \(error)")
                }
                XCTAssertFalse(path.contains("pw"), path)
            }
        }
    }

    /// Failures are judged by the SQLSTATE's class and named codes (PostgreSQL manual, appendix A).
    func testSQLStatesAreClassifiedByClass() throws {
        XCTAssertNil(SQLState("0800"))
        XCTAssertNil(SQLState("08 06"))
        XCTAssertNil(SQLState(nil))
        let lost = try XCTUnwrap(SQLState("08006"))
        XCTAssertEqual(lost.class, .connectionException)
        XCTAssertTrue(lost.meansConnectionLost)
        XCTAssertTrue(try XCTUnwrap(SQLState("57P01")).meansConnectionLost, "admin shutdown")
        XCTAssertTrue(try XCTUnwrap(SQLState("57P05")).meansConnectionLost, "idle session timeout")
        let cancelled = try XCTUnwrap(SQLState("57014"))
        XCTAssertEqual(cancelled.class, .operatorIntervention)
        XCTAssertFalse(cancelled.meansConnectionLost, "a cancelled query leaves the session usable")
        XCTAssertEqual(SQLState("42501"), .insufficientPrivilege)
        XCTAssertEqual(SQLState("42501")?.class, .syntaxErrorOrAccessRuleViolation)
        XCTAssertTrue(try XCTUnwrap(SQLState("40P01")).isRetryable)
        XCTAssertTrue(try XCTUnwrap(SQLState("40001")).isRetryable)
        XCTAssertFalse(try XCTUnwrap(SQLState("40002")).isRetryable)
        XCTAssertEqual(SQLState("22012")?.class, .other("22"))
    }
}

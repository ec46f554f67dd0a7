import ArgumentParser
import XCTest
@testable import ClipMeterCLI

/// `clipmeter reconcile` parsed in-process: its flags, defaults, and the command lines it refuses before reading anything.
final class ReconcileParsingTests: XCTestCase {
    private func parse(_ arguments: [String]) throws -> ParsableCommand {
        try ClipMeterCommand.parseAsRoot(arguments)
    }

    func testReconcileParsesBillsLedgersAndSavedResults() throws {
        let command = try XCTUnwrap(
            try parse([
                "reconcile", "--bill", "a.csv", "--bill", "b.json", "--ledger", "l.sqlite",
                "scan.json", "--item-map", "map.yaml", "--from", "2026-11-01", "--format", "html",
            ])
                as? ReconcileCommand)
        XCTAssertEqual(command.bill, ["a.csv", "b.json"])
        XCTAssertEqual(command.ledger, ["l.sqlite"])
        XCTAssertEqual(command.results, ["scan.json"])
        XCTAssertEqual(command.itemMap, "map.yaml")
        XCTAssertEqual(command.format, .html)
        XCTAssertEqual(command.timezone, "Asia/Shanghai")
        XCTAssertTrue(ClipMeterCommand.subcommandTypes.contains { $0 == ReconcileCommand.self })
    }

    func testReconcileRefusesWhatCannotWorkAsAUsageError() {
        for (arguments, text) in [
            (["reconcile", "--ledger", "l.sqlite"], "pass at least one --bill FILE"),
            (["reconcile", "--bill", "a.csv", "--timezone", "Mars/Olympus"], "--timezone Mars/Olympus is not a known time zone"),
            (["reconcile", "--bill", "a.csv", "--rates", "card.json", "--region", "cn"], "--rates and --region are exclusive"),
            (["reconcile", "--bill", "a.csv", "--format", "focus"], "focus"),
        ] {
            XCTAssertThrowsError(try parse(arguments), "\(arguments)") { error in
                XCTAssertTrue(ClipMeterCommand.message(for: error).contains(text), "\(arguments): \(ClipMeterCommand.message(for: error))")
                XCTAssertEqual(ClipMeterCommand.exitCode(for: error), .validationFailure)
            }
        }
    }
}

import Billing
@testable import ClipMeterKit
import XCTest

final class TableRendererTests: XCTestCase {
    func testTableListsEveryJobEachCycleAndTheTotal() throws {
        let report = try RenderFixtures.mixedReport()
        let text = BillRenderer.table(report, explain: false)
        let lines = text.split(separator: "\n").map(String.init)

        XCTAssertTrue(lines[0].hasPrefix("ID"), lines[0])
        for column in ["FEATURE", "STATUS", "COST", "NOTES"] { XCTAssertTrue(lines[0].contains(column), column) }
        for job in report.bill.jobs {
            XCTAssertTrue(lines.contains { $0.hasPrefix(job.id + " ") && $0.contains(BillRenderer.costCell(job)) }, job.id)
        }
        XCTAssertTrue(lines.contains { $0.hasPrefix("broken") && $0.contains("failed: InvalidParameter: no clips") })
        XCTAssertTrue(lines.contains { $0.hasPrefix("edge") && $0.contains("boundary warning") })

        // 08:00 holds seed 0.72 + edge 0.30; 09:00 the edit job.
        XCTAssertTrue(
            lines.contains {
                $0.hasPrefix("[2024-05-01T08:00:00+08:00, 2024-05-01T09:00:00+08:00) Asia/Shanghai") && $0.hasSuffix(" 1.02")
            }, text)
        let nine = try XCTUnwrap(report.bill.cycles.last)
        XCTAssertTrue(
            lines.contains {
                $0.hasPrefix("[2024-05-01T09:00:00+08:00, 2024-05-01T10:00:00+08:00) Asia/Shanghai")
                    && $0.hasSuffix(" " + MoneyText.string(nine.total))
            }, text)

        let total = MoneyText.string(report.bill.total)
        // Job x's input could not be measured: the total says it leaves that cost out.
        XCTAssertTrue(lines.contains("TOTAL \(total) CNY  (rate card cn, rounding per-task)  (1 unknown cost not included)"), text)
        XCTAssertTrue(text.contains("edge: boundary: billed 1 min under container"), text)
        XCTAssertTrue(text.contains("jobs/x/inputs/corrupt.mp4 [job x]: not-media: no audio or video stream"), text)
        XCTAssertFalse(text.contains("Explanation:"))
    }

    func testExplainAppendsTheSeedArithmetic() throws {
        let bill = try RenderFixtures.bill([RenderFixtures.seedJob])
        let text = BillRenderer.table(BillReport(bill: bill, title: "seed"), explain: true)
        XCTAssertTrue(text.contains("TOTAL 0.72 CNY"), text)
        XCTAssertTrue(text.contains("(90 s + 23 s) / 60 = 1.88 min → rounded up to 2 min × 0.3 CNY/min = 0.60 CNY"), text)
        XCTAssertTrue(text.contains("  Total 0.60 + 0.12 = 0.72 CNY"), text)
        XCTAssertTrue(text.hasSuffix(bill.explainLines().joined(separator: "\n")), "explanation comes after the table")
    }

    func testCostsLineUpAndCycleRowsAddUpWithUndatedJobs() throws {
        let undated = BillableJob(id: "undated", feature: .imageTextMatching, inputs: [RenderFixtures.file("a.mp4", "30")])
        let bill = try RenderFixtures.bill([RenderFixtures.seedJob, RenderFixtures.editJob, undated])
        let text = BillRenderer.table(BillReport(bill: bill, title: "t"), explain: false)
        let lines = text.split(separator: "\n").map(String.init)
        // Right-aligned money: every cost ends in the same column as the COST header.
        let header = try XCTUnwrap(lines.first)
        let costEnd = try XCTUnwrap(header.range(of: "COST")).upperBound.utf16Offset(in: header)
        for id in ["seed", "edit-1", "undated"] {
            let line = try XCTUnwrap(lines.first { $0.hasPrefix(id + " ") })
            let cost = BillRenderer.costCell(try XCTUnwrap(bill.jobs.first { $0.id == id }))
            let end = try XCTUnwrap(line.range(of: " " + cost + " ")).upperBound.utf16Offset(in: line) - 1
            XCTAssertEqual(end, costEnd, line)
        }
        XCTAssertTrue(lines.contains { $0.hasPrefix("undated") && $0.contains("no finish time") })
        XCTAssertTrue(lines.contains { $0.hasPrefix("no finish time (1 job)") && $0.hasSuffix(" 0.30") }, text)
    }

    func testNoPriceJobShowsTheReasonOnce() throws {
        let bill = try RenderFixtures.bill(
            [BillableJob(id: "s", feature: .sportsHighlights, inputs: [RenderFixtures.file("in.mp4", "90")])],
            card: "intl-singapore"
        )
        let text = BillRenderer.table(BillReport(bill: bill, title: "t"), explain: false)
        let row = try XCTUnwrap(text.split(separator: "\n").first { $0.hasPrefix("s ") })
        XCTAssertTrue(row.contains("no price: sports-highlights"), String(row))
        XCTAssertFalse(row.contains("warning"), "the no-price warning repeats the reason: \(row)")
        XCTAssertTrue(text.contains("TOTAL 0.00 USD"), text)
    }

    func testEmptyBillAndHostileNewlines() throws {
        let empty = try RenderFixtures.bill([])
        let text = BillRenderer.table(BillReport(bill: empty, title: "nothing"), explain: true)
        XCTAssertTrue(text.hasPrefix("No jobs."), text)
        XCTAssertTrue(text.contains("TOTAL 0.00 CNY"), text)

        let hostile = BillableJob(id: "line\nbreak", feature: .imageTextMatching, inputs: [RenderFixtures.file("a.mp4", "1")])
        let table = BillRenderer.table(BillReport(bill: try RenderFixtures.bill([hostile]), title: "t"), explain: false)
        XCTAssertTrue(table.contains("line\\nbreak "), "a newline in an id must not break the row: \(table)")
    }
}

/// Boundary warnings are recognised by kind: an id or a file name that says "boundary" makes no warning one.
final class BoundaryClassificationTests: XCTestCase {
    func testOnlyABoundaryCaseCountsAsABoundaryWarning() throws {
        let misleading = BillableJob(
            id: "boundary-job", feature: .mpsTranscode,
            outputs: [RenderFixtures.file("boundary-59.98s-video-60.02s-audio.mp4", "30", 1280, 720)],
            warnings: ["boundary-59.98s-video-60.02s-audio.mp4 was synced at 08:00"])
        let bill = try RenderFixtures.bill([misleading, RenderFixtures.boundaryJob])
        let job = try XCTUnwrap(bill.jobs.first { $0.id == "boundary-job" })
        XCTAssertTrue(job.diagnostics.contains(.codecUnknown(file: "boundary-59.98s-video-60.02s-audio.mp4")), "\(job.diagnostics)")
        XCTAssertFalse(job.diagnostics.contains(where: \.isBoundary))
        let notes = BillRenderer.table(BillReport(bill: bill, title: "t"), explain: false)
        let row = try XCTUnwrap(notes.split(separator: "\n").first { $0.hasPrefix("boundary-job") })
        XCTAssertFalse(row.contains("boundary warning"), String(row))
        let edge = try XCTUnwrap(notes.split(separator: "\n").first { $0.hasPrefix("edge") })
        XCTAssertTrue(edge.contains("boundary warning"), String(edge))

        let html = BillRenderer.html(BillReport(bill: bill, title: "t"))
        let highlighted = html.components(separatedBy: "<li class=\"warning boundary\">").dropFirst()
            .map { $0.components(separatedBy: "</li>")[0] }
        XCTAssertEqual(highlighted.count, 2, "the real boundary warning, in the summary and on its job row")
        XCTAssertTrue(
            highlighted.allSatisfy { $0.contains("59.98 s") && !$0.contains("codec") && !$0.contains("synced") }, "\(highlighted)")
    }
}

/// Outside text shown on a terminal: one escaping for every table and stderr line.
final class TerminalTextTests: XCTestCase {
    func testSequencesThatSteerATerminalAreShownEscaped() {
        XCTAssertEqual(TerminalText.line("a\u{1B}[1A\u{1B}[2Kb"), "a\\e[1A\\e[2Kb")
        XCTAssertEqual(TerminalText.line("t\u{1B}]0;x\u{07}"), "t\\e]0;x\\x07")
        XCTAssertEqual(TerminalText.line("csi\u{9B}2J del\u{7F}"), "csi\\x9B2J del\\x7F")
        XCTAssertEqual(TerminalText.line("gp\u{202E}j.exe"), "gp\\u{202E}j.exe")
        XCTAssertEqual(TerminalText.line("two\nlines\ttab"), "two\\nlines\\ttab")
        XCTAssertEqual(TerminalText.lines("one\u{1B}\ntwo"), "one\\e\ntwo", "meant line breaks stay")
        XCTAssertEqual(TerminalText.line("été 東京 😀"), "été 東京 😀", "printable text is left as it is")
        let once = TerminalText.line("x\u{1B}y")
        XCTAssertEqual(TerminalText.line(once), once, "escaping twice changes nothing")
    }

    func testTablesEscapeEveryCell() {
        let table = TextTable.render(header: ["PATH"], rows: [["a\u{1B}[2Kb"]])
        XCTAssertFalse(table.contains("\u{1B}"), table)
        XCTAssertTrue(table.contains("a\\e[2Kb"), table)
    }
}

import Billing
@testable import ClipMeterKit
import Foundation
import XCTest

final class HTMLRendererTests: XCTestCase {
    private func occurrences(of needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    func testPageIsSelfContained() throws {
        let html = BillRenderer.html(try RenderFixtures.mixedReport())
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
        XCTAssertTrue(html.contains("<style>"))
        XCTAssertFalse(html.contains("http://"), "no remote references (not even an SVG namespace URL)")
        XCTAssertFalse(html.contains("https://"))
        for attribute in ["src=", "href=", "<script", "<link", "@import", "url("] {
            XCTAssertFalse(html.lowercased().contains(attribute), attribute)
        }
    }

    func testHeadingTotalAndJobsTable() throws {
        let report = try RenderFixtures.mixedReport()
        let html = BillRenderer.html(report)
        XCTAssertTrue(html.contains("<h1>May batch</h1>"))
        XCTAssertTrue(html.contains("2024-05-01T10:05:00+08:00"), "generation time in the billing zone")
        XCTAssertTrue(html.contains(#"<span class="value" id="total">1.101375 <small>CNY</small></span>"#))
        XCTAssertEqual(occurrences(of: #"<tr class="job "#, in: html), report.bill.jobs.count)
        XCTAssertTrue(html.contains("(90 s + 23 s) / 60 = 1.88 min → rounded up to 2 min × 0.3 CNY/min = 0.60 CNY"))
        XCTAssertTrue(html.contains(#"<span class="badge bad">failed</span>"#))
        // Cost per feature: 0.60 + 0.30 for matching, 0.12 tokens, 0.081375 editing.
        XCTAssertTrue(
            html.contains(#"<td class="id">image-text-matching</td><td>Intelligent Media Services</td><td class="num">0.90</td>"#), html)
        XCTAssertTrue(html.contains(#"<td class="id">text-generation</td>"#))
    }

    func testChartHasOneLabelledBarPerCycle() throws {
        let report = try RenderFixtures.mixedReport()
        let html = BillRenderer.html(report)
        XCTAssertEqual(occurrences(of: "<svg", in: html), 1)
        XCTAssertEqual(occurrences(of: #"<rect class="bar""#, in: html), report.bill.cycles.count)
        XCTAssertEqual(report.bill.cycles.count, 2)
        for cycle in report.bill.cycles {
            XCTAssertTrue(html.contains(">\(MoneyText.string(cycle.total))</text>"), "value label \(cycle.total)")
        }
        XCTAssertTrue(html.contains(">08:00</text>") && html.contains(">09:00</text>"), "hour labels in Shanghai time")
        XCTAssertTrue(html.contains("<title>[2024-05-01T08:00:00+08:00, 2024-05-01T09:00:00+08:00): 1.02 CNY, 2 jobs</title>"))
        // Axis at round amounts: 1.02 → gridlines every 0.3 up to 1.2.
        XCTAssertTrue(html.contains(">0.3</text>") && html.contains(">1.2</text>"), "round gridline labels")
        // Bars in proportion to the cycle totals; the largest reaches most of the 220 px plot.
        let heights = try NSRegularExpression(pattern: #"<rect class="bar"[^>]* height="([0-9.]+)""#)
            .matches(in: html, range: NSRange(html.startIndex..., in: html))
            .compactMap { Range($0.range(at: 1), in: html).flatMap { Double(html[$0]) } }
        XCTAssertEqual(heights.count, 2)
        XCTAssertEqual(heights[0], 220 * 1.02 / 1.2, accuracy: 0.1)
        XCTAssertEqual(heights[1], 220 * 0.081375 / 1.2, accuracy: 0.1)
    }

    func testHostileIdAndFileNamesAreEscaped() throws {
        let bill = try RenderFixtures.bill([RenderFixtures.hostileJob])
        let failure = BillReport.Failure(path: "in/<img onerror=x>.mp4", jobID: "a\"b", code: .media(.notMedia), message: "it's <bad>")
        let html = BillRenderer.html(BillReport(bill: bill, failures: [failure], title: "<i>title</i> & 'co'"))
        XCTAssertFalse(html.contains("<script"), "a job id must never become markup")
        XCTAssertFalse(html.contains("<b>x</b>"))
        XCTAssertFalse(html.contains("<img"))
        XCTAssertFalse(html.contains("<i>title"))
        XCTAssertTrue(html.contains("evil, &quot;quoted&quot; &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co"))
        XCTAssertTrue(html.contains("<h1>&lt;i&gt;title&lt;/i&gt; &amp; &#39;co&#39;</h1>"))
        XCTAssertTrue(html.contains("in/&lt;img onerror=x&gt;.mp4"))
        XCTAssertTrue(html.contains("a&quot;b"))
        XCTAssertTrue(html.contains("it&#39;s &lt;bad&gt;"))
        XCTAssertEqual(BillRenderer.htmlEscape(#"<a href="x">'&'</a>"#), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
    }

    func testBoundaryWarningsAreHighlightedApartFromOthers() throws {
        let html = BillRenderer.html(try RenderFixtures.mixedReport())
        let boundaryBox = try XCTUnwrap(html.range(of: #"<div class="boundary-warnings">"#))
        let after = html[boundaryBox.upperBound...]
        XCTAssertTrue(
            after.prefix(600).contains(
                #"<li class="warning boundary">edge: boundary: billed 1 min under container (59.98 s) but 2 min under longest-stream (60.02 s)</li>"#
            ), String(after.prefix(600)))
        XCTAssertTrue(html.contains(#"<li class="warning">unverified price: video-editing"#), "other warnings listed plainly")
        XCTAssertFalse(html.contains(#"<li class="warning boundary">unverified"#))
        XCTAssertTrue(html.contains(#"<div class="card attention">"#), "summary card flags boundary warnings")
        XCTAssertTrue(html.contains(".boundary-warnings {"), "the highlight has a style")
    }

    func testFailuresTable() throws {
        let html = BillRenderer.html(try RenderFixtures.mixedReport())
        XCTAssertTrue(html.contains(#"<section id="failures">"#))
        XCTAssertTrue(
            html.contains(
                #"<tr><td class="id">jobs/x/inputs/corrupt.mp4</td><td class="id">x</td><td><span class="badge bad">not-media</span></td><td>no audio or video stream</td></tr>"#
            ))
    }

    func testEmptyBillRenders() throws {
        let html = BillRenderer.html(BillReport(bill: try RenderFixtures.bill([]), title: "empty"))
        XCTAssertTrue(html.contains("No billing cycles."))
        XCTAssertTrue(html.contains("No jobs were billed."))
        XCTAssertTrue(html.contains("0.00 <small>CNY</small>"))
        XCTAssertFalse(html.contains("<svg"))
        XCTAssertFalse(html.contains(#"<section id="failures">"#))
        XCTAssertTrue(html.hasSuffix("</html>"))
    }

    /// Writes a sample page for `scripts/check-html` (path printed; `CLIPMETER_SAMPLE_HTML` overrides it).
    func testWritesSampleReportForScreenshots() throws {
        let undated = BillableJob(id: "undated-draft", feature: .imageTextMatching, inputs: [RenderFixtures.file("draft.mp4", "30")])
        let later = BillableJob(
            id: "mps-batch-7", feature: .mpsTranscode, finishedAt: RenderFixtures.instant("2024-05-01T11:05:00+08:00"),
            outputs: [
                RenderFixtures.file("out/4k master.mp4", "600", 3840, 2160, codec: "h265"),
                RenderFixtures.file("out/preview.mp4", "600", 1280, 720, codec: "h264"),
            ]
        )
        let bill = try RenderFixtures.bill([
            RenderFixtures.seedJob, RenderFixtures.boundaryJob, RenderFixtures.editJob, RenderFixtures.failedJob,
            RenderFixtures.hostileJob, later, undated,
        ])
        let report = BillReport(
            bill: bill,
            failures: [
                BillReport.Failure(
                    path: "jobs/x/inputs/corrupt.mp4", jobID: "x", code: .media(.notMedia), message: "no audio or video stream")
            ],
            title: "May batch <demo>", region: "cn-shanghai", generatedAt: RenderFixtures.instant("2024-05-01T12:00:00+08:00")
        )
        let path =
            ProcessInfo.processInfo.environment["CLIPMETER_SAMPLE_HTML"]
            ?? (NSTemporaryDirectory() as NSString).appendingPathComponent("clipmeter-sample-report.html")
        try BillRenderer.html(report).write(toFile: path, atomically: true, encoding: .utf8)
        let empty = (path as NSString).deletingPathExtension + "-empty.html"
        try BillRenderer.html(BillReport(bill: try RenderFixtures.bill([]), title: "Nothing yet")).write(
            toFile: empty, atomically: true, encoding: .utf8)
        // A day and a half of hourly cycles (labels thin out) plus a job the Singapore card has no price for.
        let start = RenderFixtures.instant("2024-05-01T00:20:00+08:00")
        let hourly = (0..<36).map { hour in
            BillableJob(
                id: "h\(hour)", feature: .imageTextMatching, finishedAt: start.addingTimeInterval(Double(hour) * 3600),
                inputs: [RenderFixtures.file("in\(hour).mp4", String(30 + (hour * 37) % 400))])
        }
        let noPrice = BillableJob(
            id: "sports", feature: .sportsHighlights, finishedAt: start, inputs: [RenderFixtures.file("match.mp4", "90")])
        let many = (path as NSString).deletingPathExtension + "-many.html"
        let manyBill = try RenderFixtures.bill(hourly + [noPrice], card: "intl-singapore")
        XCTAssertEqual(manyBill.cycles.count, 36)
        try BillRenderer.html(BillReport(bill: manyBill, title: "36 hours", region: "ap-southeast-1")).write(
            toFile: many, atomically: true, encoding: .utf8)
        print("sample HTML report: \(path)\nempty HTML report: \(empty)\nmany-cycle HTML report: \(many)")
        XCTAssertTrue(FileManager.default.fileExists(atPath: path))
    }
}

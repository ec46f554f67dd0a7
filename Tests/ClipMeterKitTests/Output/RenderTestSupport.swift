import Billing
import Quantities
@testable import ClipMeterKit
import Foundation
import XCTest

/// Real bills for the renderer tests: every figure comes from `Pricer` and the bundled cards, none is typed in.
enum RenderFixtures {
    static func decimal(_ text: String) -> Decimal { Decimal(string: text) ?? 0 }

    static func instant(_ text: String) -> Date { ISO8601DateFormatter().date(from: text) ?? Date(timeIntervalSince1970: 0) }

    static func file(
        _ path: String, _ seconds: String, _ width: Int? = nil, _ height: Int? = nil, codec: String? = nil,
        alternatives: [String: String] = [:]
    ) -> MeasuredMedia {
        MeasuredMedia(
            path: path, seconds: Seconds(decimal(seconds)), width: width, height: height, codec: codec,
            alternativeSeconds: alternatives.mapValues { Seconds(decimal($0)) })
    }

    static func bill(_ jobs: [BillableJob], card: String = "cn") throws -> Bill {
        Pricer(card: try RateCardLoader.bundled(card)).price(jobs)
    }

    /// The seed's worked example: image-text matching, 90 s in, 23 s out, 900 tokens, finished 08:30 Shanghai → 0.72 CNY.
    static let seedJob = BillableJob(
        id: "seed", feature: .imageTextMatching, finishedAt: instant("2024-05-01T08:30:00+08:00"),
        inputs: [file("in.mp4", "90")], outputs: [file("out.mp4", "23")], tokens: 900
    )

    /// A video-editing job with one HD output, in the next hour (09:00–10:00 Shanghai).
    static let editJob = BillableJob(
        id: "edit-1", feature: .videoEditing, finishedAt: instant("2024-05-01T09:15:00+08:00"),
        outputs: [file("renders/final cut.mp4", "75", 1920, 1080, codec: "h264")]
    )

    /// A failed task: listed at 0 with its reason.
    static let failedJob = BillableJob(
        id: "broken", feature: .highlightMashup, status: .failed, failureReason: "InvalidParameter: no clips",
        finishedAt: instant("2024-05-01T09:40:00+08:00")
    )

    /// 59.98 s under the container policy, 60.02 s under longest-stream: one minute either side of a boundary.
    static let boundaryJob = BillableJob(
        id: "edge", feature: .imageTextMatching, finishedAt: instant("2024-05-01T08:45:00+08:00"),
        inputs: [file("edge.mp4", "59.98", alternatives: ["longest-stream": "60.02"])]
    )

    /// A job id no renderer may trust: comma, quote, markup, apostrophe and ampersand.
    static let hostileID = "evil, \"quoted\" <script>alert('x')</script> & co"

    static let hostileJob = BillableJob(
        id: hostileID, feature: .mpsTranscode, finishedAt: instant("2024-05-01T09:50:00+08:00"),
        outputs: [file("out/<b>x</b>.mp4", "30", 1280, 720, codec: "h264")]
    )

    /// Seed, edit, failed and boundary jobs in two hourly cycles (08:00 and 09:00 Shanghai), plus one failure.
    static func mixedReport() throws -> BillReport {
        let bill = try bill([seedJob, editJob, failedJob, boundaryJob])
        return BillReport(
            bill: bill,
            failures: [
                BillReport.Failure(
                    path: "jobs/x/inputs/corrupt.mp4", jobID: "x", code: .media(.notMedia),
                    message: "no audio or video stream")
            ],
            title: "May batch", region: "cn-shanghai", generatedAt: instant("2024-05-01T10:05:00+08:00")
        )
    }

    /// Rows of a CSV without quoted newlines, split into fields (RFC 4180 quotes understood).
    static func csvRows(_ text: String) -> [[String]] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            var fields: [String] = []
            var field = ""
            var quoted = false
            var chars = Array(line)
            var index = 0
            while index < chars.count {
                let c = chars[index]
                if quoted {
                    if c == "\"" {
                        if index + 1 < chars.count, chars[index + 1] == "\"" { field.append("\""); index += 1 } else { quoted = false }
                    } else {
                        field.append(c)
                    }
                } else if c == "\"" {
                    quoted = true
                } else if c == "," {
                    fields.append(field)
                    field = ""
                } else {
                    field.append(c)
                }
                index += 1
            }
            chars.removeAll()
            fields.append(field)
            return fields
        }
    }

    /// Parses rendered JSON text with Foundation, as a consumer would.
    static func jsonObject(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let data = try XCTUnwrap(text.data(using: .utf8), file: file, line: line)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any], file: file, line: line)
    }
}

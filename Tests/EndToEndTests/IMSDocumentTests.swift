import Foundation
import TestSupport
import XCTest

/// IMS request bodies (before submission) and responses of every JobType (after the run), through the binary:
/// the figures, ranges, errors and exit codes a budget gate relies on (SPEC §5.1). The bodies and responses are
/// built with the official Python SDK's models by `scripts/make-ims-fixtures`.
final class IMSDocumentTests: XCTestCase {
    let ossMap = ["--oss-map", "oss://example-bucket=media-samples/ims-sync"]
    let fixtures = "Tests/Fixtures/ims"

    struct Expected {
        var feature: String
        var total: String
        var low: String?
        var warning: String?
    }

    /// What each bundled body costs on the cn card, worked by hand from the sample media (20 s episodes, a 61 s
    /// match) and each API's configuration.
    let bodies: [String: Expected] = [
        // 60 s of inputs + 10 outputs of (0, 30] s: low (60 s + ε) → 2 min, high 360 s → 6 min, × 0.3.
        "batch-image-text-matching": Expected(
            feature: "image-text-matching", total: "1.80", low: "0.60",
            warning: "10 planned outputs of 0–30 s each"),
        // Two groups of 4 s + 6 s = 10 s per output, 2 outputs, billed as video editing HD (1 min minimum each).
        "batch-script-to-video": Expected(feature: "script-to-video", total: "0.1302", warning: "2 planned outputs of 10 s each"),
        // The timeline: 20 s + 10 s + 4 s − a 1 s transition = 33 s at 1920×1080 → 1 min × 0.0651.
        "media-producing-timeline": Expected(feature: "video-editing", total: "0.0651", warning: "the timeline's length 33 s"),
        // A template: at most 45 s at 1280×720; the 1-minute minimum makes both ends 0.0326.
        "media-producing-template": Expected(
            feature: "video-editing", total: "0.0326", warning: "at most OutputMediaConfig.MaxDuration 45 s"),
        // Input only: 61 s → 2 min × 2.
        "highlight-extraction": Expected(feature: "highlight-extraction", total: "4.00"),
        // 60 s of inputs + 2 outputs of (0, 30] s → 2 min at both ends × 2.
        "screen-media-highlights": Expected(feature: "highlight-mashup", total: "4.00", warning: "batch inputs: 4.00 CNY"),
        // 61 s + one output of (0, 30] s → 2 min × 1.
        "sports-highlights": Expected(feature: "sports-highlights", total: "2.00"),
        "scene-media-selection": Expected(feature: "image-text-matching", total: "0.00"),
        "scene-timeline-organization": Expected(feature: "highlight-mashup", total: "0.00"),
        // Three projects of at most 20 s at 1280×720 → 3 × 1 min × 0.0326.
        "scene-batch-editing": Expected(feature: "video-editing", total: "0.0978"),
    ]

    func testEveryBundledRequestBodyInBothFormsGivesTheSameFigure() throws {
        for (name, expected) in bodies {
            for path in ["media-samples/ims-requests/\(name).json", "\(fixtures)/requests/\(name).decoded.json"] {
                let result = try CLI.run(["estimate", path, "--format", "json"] + ossMap)
                XCTAssertEqual(result.status, 0, "\(path): \(result.stderr)")
                let bill = try XCTUnwrap(try result.json() as? [String: Any])
                let job = try XCTUnwrap(bill.objects("jobs").first, path)
                XCTAssertEqual(bill.objects("jobs").count, 1, path)
                XCTAssertEqual(job.string("feature"), expected.feature, path)
                XCTAssertEqual(bill.string("total"), expected.total, path)
                XCTAssertEqual(job.string("cost"), expected.total, path)
                let range = job["costRange"] as? [String: Any]
                XCTAssertEqual(range?.string("low"), expected.low, path)
                if expected.low != nil {
                    XCTAssertEqual(range?.string("high"), expected.total, "the cost is the high end: \(path)")
                    XCTAssertEqual((bill["totalRange"] as? [String: Any])?.string("low"), expected.low, path)
                }
                if let warning = expected.warning {
                    let warnings = job["warnings"] as? [String] ?? []
                    XCTAssertTrue(warnings.contains { $0.contains(warning) }, "\(path): \(warnings)")
                }
                XCTAssertTrue((bill["errors"] as? [Any])?.isEmpty ?? false, path)
            }
        }
    }

    func testFreeBodiesNameTheRuleThatMakesThemFree() throws {
        let result = try CLI.run(["estimate", "media-samples/ims-requests/scene-media-selection.json", "--explain"] + ossMap)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("not billed: SubmitSceneMediaSelectionJob"), result.stdout)
        XCTAssertTrue(result.stdout.contains("public preview"), result.stdout)
    }

    func testRangeExplainsEachBoundAndTheBudgetComparesTheHighEnd() throws {
        let body = "media-samples/ims-requests/batch-image-text-matching.json"
        let table = try CLI.run(["estimate", body, "--max-cost", "20", "--explain"] + ossMap)
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssertTrue(table.stdout.contains("0.60–1.80"), table.stdout)
        XCTAssertTrue(table.stdout.contains("low bound:"), table.stdout)
        XCTAssertTrue(table.stdout.contains("(60 s (3 inputs) + 300 s (10 outputs)) / 60 = 6 min × 0.3 CNY/min = 1.80 CNY"), table.stdout)
        // 1.80 is over 1 though 0.60 is not: the gate judges the high end.
        let over = try CLI.run(["estimate", body, "--max-cost", "1"] + ossMap)
        XCTAssertEqual(over.status, 3, over.stderr)
        XCTAssertTrue(over.stderr.contains("total 1.80 CNY exceeds --max-cost 1.00 CNY"), over.stderr)
    }

    func testUnboundedBodiesAreErrorsWithTheFieldThatWouldBoundThem() throws {
        for name in ["unbounded-sports", "unbounded-image-text"] {
            let result = try CLI.run(["estimate", "\(fixtures)/errors/\(name).json", "--format", "json", "--max-cost", "0"] + ossMap)
            XCTAssertEqual(result.status, 1, "unbounded is never a pass: \(name) \(result.stderr)")
            let bill = try XCTUnwrap(try result.json() as? [String: Any])
            let job = try XCTUnwrap(bill.objects("jobs").first)
            XCTAssertTrue(job["cost"] is NSNull, "cost must be null, not 0: \(job)")
            XCTAssertEqual(bill.string("total"), "0.00", "the unknown job is out of the total")
            let error = try XCTUnwrap(bill.objects("errors").first?["error"] as? [String: Any])
            XCTAssertEqual(error.string("code"), "unbounded")
            XCTAssertTrue(error.string("message")?.contains("set OutputConfig.MaxDuration to bound it") ?? false, "\(error)")
        }
    }

    func testUnrecognisableBodiesAreClearErrorsNeverJobsAtZero() throws {
        let ambiguous = "\(fixtures)/errors/ambiguous.json"
        let unknown = try CLI.run(["estimate", ambiguous] + ossMap)
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.contains("add \"Action\" to the body or pass --api"), unknown.stderr)
        let named = try CLI.run(["estimate", ambiguous, "--api", "SubmitScreenMediaHighlightsJob", "--format", "json"] + ossMap)
        XCTAssertEqual(named.status, 1, "no MaxDuration: unbounded. \(named.stderr)")
        XCTAssertEqual((try named.json() as? [String: Any])?.objects("jobs").first?.string("feature"), "highlight-mashup")
        let action = try CLI.run(["estimate", "\(fixtures)/errors/unknown-action.json"])
        XCTAssertEqual(action.status, 2)
        XCTAssertTrue(action.stderr.contains("\"SubmitTranscodeJob\" is not an API ClipMeter prices"), action.stderr)
        let badAPI = try CLI.run(["estimate", ambiguous, "--api", "SubmitNothing"])
        XCTAssertEqual(badAPI.status, 2)
    }

    func testAListOfBodiesIsOneJobEach() throws {
        let result = try CLI.run(["estimate", "\(fixtures)/requests/list-of-bodies.json", "--format", "json"] + ossMap)
        XCTAssertEqual(result.status, 0, result.stderr)
        let jobs = (try result.json() as? [String: Any])?.objects("jobs") ?? []
        XCTAssertEqual(jobs.map { $0.string("feature") ?? "" }, ["image-text-matching", "script-to-video", "video-editing"])
    }

    func testFlagsAlongsideFilesNeverAddAJob() throws {
        let body = "media-samples/ims-requests/sports-highlights.json"
        let overridden = try CLI.run(["estimate", body, "--feature", "highlight-mashup", "--format", "json"] + ossMap)
        XCTAssertEqual(overridden.status, 0, overridden.stderr)
        let jobs = (try overridden.json() as? [String: Any])?.objects("jobs") ?? []
        XCTAssertEqual(jobs.count, 1, "no extra 'estimate' job")
        XCTAssertEqual(jobs.first?.string("feature"), "highlight-mashup")
        XCTAssertTrue((jobs.first?["warnings"] as? [String] ?? []).contains { $0.contains("overrides sports-highlights") })
        let mixed = try CLI.run(["estimate", body, "--input", "media-samples/seed-example/inputs/input-90s.mp4"] + ossMap)
        XCTAssertEqual(mixed.status, 2, "a job of its own beside files is a usage error")
    }

    // MARK: - Responses

    func testResponsesOfEveryJobType() throws {
        let expected: [(String, String, [String])] = [
            ("sports-highlights", "2.00", ["sports-highlights"]),  // (61 s + 30 s) → 2 min × 1
            ("screen-media-highlights", "4.00", ["highlight-mashup"]),  // inputs once: (60 + 60) s → 2 min × 2
            ("smart-mix", "0.30", ["image-text-matching", "image-text-matching"]),  // 20 s + 25 s; a failed sub-job at 0
            ("smart-mix-media-select", "0.00", ["image-text-matching"]),  // public preview: not billed
            ("failed-batch", "0.00", ["script-to-video"]),
            ("smart-handle-job", "4.00", ["highlight-extraction"]),  // 61 s input → 2 min × 2
        ]
        for (name, total, features) in expected {
            let result = try CLI.run(["estimate", "\(fixtures)/responses/\(name).json", "--format", "json"] + ossMap)
            XCTAssertEqual(result.status, 0, "\(name): \(result.stderr)")
            let bill = try XCTUnwrap(try result.json() as? [String: Any])
            XCTAssertEqual(bill.string("total"), total, name)
            XCTAssertEqual(bill.objects("jobs").map { $0.string("feature") ?? "" }, features, name)
        }
        let failed = try CLI.run(["estimate", "\(fixtures)/responses/failed-batch.json", "--format", "json"])
        let job = try XCTUnwrap((try failed.json() as? [String: Any])?.objects("jobs").first)
        XCTAssertEqual(job.string("status"), "failed")
        XCTAssertEqual(job.string("reason"), "InvalidParameter: The MediaGroupArray is empty.")
    }

    /// Responses in the decoded form (configurations as objects, as some SDK dumps write them) read the same.
    func testResponsesInTheDecodedFormGiveTheSameFigures() throws {
        let dir = try TestMedia.temporaryDirectory("ims-decoded-responses")
        let names = try FileManager.default.contentsOfDirectory(atPath: "\(TestMedia.packageRoot.path)/\(fixtures)/responses")
        XCTAssertGreaterThanOrEqual(names.count, 9)
        func decoded(_ value: Any) -> Any {
            if let map = value as? [String: Any] {
                return map.mapValues { child -> Any in
                    if let text = child as? String, text.hasPrefix("{"),
                        let object = try? JSONSerialization.jsonObject(with: Data(text.utf8))
                    {
                        return decoded(object)
                    }
                    return decoded(child)
                }
            }
            if let list = value as? [Any] { return list.map(decoded) }
            return value
        }
        for name in names.sorted() {
            let original = "\(TestMedia.packageRoot.path)/\(fixtures)/responses/\(name)"
            let copy = dir.appendingPathComponent(name).path
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: original)))
            try JSONSerialization.data(withJSONObject: decoded(object)).write(to: URL(fileURLWithPath: copy))
            XCTAssertNotEqual(try String(contentsOfFile: copy, encoding: .utf8).contains("\\\""), true, "\(name) still has JSON strings")
            let args = ["--format", "json"]
            let a = try CLI.run(["estimate", original] + Array(args) + ossMap)
            let b = try CLI.run(["estimate", copy] + Array(args) + ossMap)
            XCTAssertEqual(a.status, b.status, name)
            let totalA = (try? a.json() as? [String: Any])?.string("total")
            let totalB = (try? b.json() as? [String: Any])?.string("total")
            XCTAssertEqual(totalA, totalB, name)
            XCTAssertNotNil(totalA, name)
        }
    }

    func testBatchInputsOncePerBatchShowTheOtherReading() throws {
        let response = "\(fixtures)/responses/screen-media-highlights.json"
        let perBatch = try CLI.run(["estimate", response, "--format", "json"] + ossMap)
        let job = try XCTUnwrap((try perBatch.json() as? [String: Any])?.objects("jobs").first)
        XCTAssertTrue(
            (job["warnings"] as? [String] ?? []).contains {
                $0.contains("4.00 CNY with the inputs counted once per batch; 8.00 CNY counted once per output")
            }, "\(job)")
        let perOutput = try CLI.run(["estimate", response, "--batch-inputs", "per-output", "--format", "json"] + ossMap)
        XCTAssertEqual((try perOutput.json() as? [String: Any])?.string("total"), "8.00", "(60 + 30) s → 2 min × 2, twice")
    }

    func testListAndSubJobResponses() throws {
        // Without --oss-map nothing is synced: the listed output's size is unknown, an error, never 0.
        let unsynced = try CLI.run(["estimate", "\(fixtures)/responses/list-media-producing-jobs.json", "--format", "json"])
        XCTAssertEqual(unsynced.status, 1)
        let bill = try XCTUnwrap(try unsynced.json() as? [String: Any])
        XCTAssertEqual(bill.objects("jobs").map { $0.string("id") ?? "" }, ["list-1", "list-2"])
        XCTAssertEqual(bill.objects("errors").first.flatMap { ($0["error"] as? [String: Any])?.string("code") }, "unknown-resolution")
        let synced = try CLI.run(["estimate", "\(fixtures)/responses/list-media-producing-jobs.json", "--format", "json"] + ossMap)
        XCTAssertEqual(synced.status, 0, synced.stderr)

        let subJob = "\(fixtures)/responses/media-producing-sub-job.json"
        let bare = try CLI.run(["estimate", subJob])
        XCTAssertEqual(bare.status, 1, "a batch's sub-job is not video editing by default")
        XCTAssertTrue(bare.stderr.contains("sub-job of a batch"), bare.stderr)
        let named = try CLI.run(["estimate", subJob, "--feature", "image-text-matching", "--format", "json"])
        let job = try XCTUnwrap((try named.json() as? [String: Any])?.objects("jobs").first)
        XCTAssertEqual(job.string("feature"), "image-text-matching")
        XCTAssertEqual(job.string("cost"), "0.30", "25 s → 1 min × 0.3, as --feature says")
    }

    func testNoPriceIsAnErrorAndNeverPassesABudget() throws {
        let result = try CLI.run(
            [
                "estimate", "\(fixtures)/responses/sports-highlights.json", "--region", "intl-singapore",
                "--max-cost", "0", "--format", "json",
            ] + ossMap)
        XCTAssertEqual(result.status, 1)
        let bill = try XCTUnwrap(try result.json() as? [String: Any])
        XCTAssertTrue(bill.objects("jobs").first?["cost"] is NSNull)
        XCTAssertEqual(bill.objects("errors").first.flatMap { ($0["error"] as? [String: Any])?.string("code") }, "no-price")
    }

    /// The same mashup (three 20 s inputs, two 30 s outputs) priced from flags, a manifest, its request body
    /// (FixedDuration 30, Count 2) and its later response costs the same.
    func testOneJobFromFlagsManifestRequestAndResponseCostsTheSame() throws {
        let dir = try TestMedia.temporaryDirectory("ims-same-job")
        let inputs = (1...3).map { "\(CLI.samples)/ims-sync/media/episode-\($0)-20s.mp4" }
        let manifest = dir.appendingPathComponent("mashup.job.json").path
        let manifestInputs = try (1...3).map { n -> String in
            let local = dir.appendingPathComponent("episode-\(n)-20s.mp4").path
            try FileManager.default.copyItem(atPath: inputs[n - 1], toPath: local)
            return "episode-\(n)-20s.mp4"
        }
        let manifestJSON: [String: Any] = ["id": "m", "feature": "highlight-mashup", "inputs": manifestInputs, "outputDuration": 60]
        try JSONSerialization.data(withJSONObject: manifestJSON).write(to: URL(fileURLWithPath: manifest))
        let body = dir.appendingPathComponent("submit.json").path
        let output =
            "{\"MediaURL\":\"https://example-bucket.oss-cn-shanghai.aliyuncs.com/renders/m_{index}.mp4\",\"Count\":2,\"FixedDuration\":30,\"Width\":1080,\"Height\":1920}"
        let bodyJSON: [String: Any] = [
            "InputConfig":
                "{\"MediaArray\":[\"oss://example-bucket/media/episode-1-20s.mp4\",\"oss://example-bucket/media/episode-2-20s.mp4\",\"oss://example-bucket/media/episode-3-20s.mp4\"]}",
            "OutputConfig": output,
        ]
        try JSONSerialization.data(withJSONObject: bodyJSON).write(to: URL(fileURLWithPath: body))

        let map = ["--oss-map", "oss://example-bucket=\(CLI.samples)/ims-sync"]
        let runs: [[String]] = [
            ["estimate", "--feature", "highlight-mashup", "--input"] + inputs + ["--output-duration", "60"],
            ["estimate", manifest],
            ["estimate", body, "--api", "SubmitScreenMediaHighlightsJob"] + map,
            ["estimate", "\(fixtures)/responses/screen-media-highlights.json"] + map,
        ]
        for arguments in runs {
            let result = try CLI.run(arguments + ["--format", "json"])
            XCTAssertEqual(result.status, 0, "\(arguments): \(result.stderr)")
            XCTAssertEqual((try result.json() as? [String: Any])?.string("total"), "4.00", "\(arguments)")
        }
    }
}

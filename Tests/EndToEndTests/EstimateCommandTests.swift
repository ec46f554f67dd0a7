import Foundation
import TestSupport
import XCTest

/// `clipmeter estimate`: the seed's worked example end to end, budgets, failures and usage errors.
final class EstimateCommandTests: XCTestCase {
    let input = "media-samples/seed-example/inputs/input-90s.mp4"
    let output = "media-samples/seed-example/outputs/output-23s.mp4"

    func testSeedExampleFromRealFilesExplainsAndTotals072CNY() throws {
        let table = try CLI.run([
            "estimate", "--feature", "image-text-matching", "--input", input, "--output", output,
            "--tokens", "900", "--explain",
        ])
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssertTrue(table.stdout.contains("(90 s + 23 s) / 60 = 1.88 min"), table.stdout)
        XCTAssertTrue(table.stdout.contains("2 min × 0.3 CNY/min = 0.60 CNY"), table.stdout)
        XCTAssertTrue(table.stdout.contains("Total 0.60 + 0.12 = 0.72 CNY"), table.stdout)

        let json = try CLI.run([
            "estimate", "--feature", "image-text-matching", "--input", input, "--output", output,
            "--tokens", "900", "--format", "json",
        ])
        XCTAssertEqual(json.status, 0, json.stderr)
        let bill = try XCTUnwrap(try json.json() as? [String: Any])
        XCTAssertEqual(bill.string("total"), "0.72")
        XCTAssertEqual(bill.string("currency"), "CNY")
        XCTAssertEqual(bill.string("rateCard"), "cn")
        XCTAssertEqual(bill.string("rounding"), "per-task")
        let job = try XCTUnwrap(bill.objects("jobs").first)
        XCTAssertEqual(job.string("cost"), "0.72")
        let items = job.objects("items")
        XCTAssertEqual(items.map { $0.string("cost") }, ["0.60", "0.12"])
        for key in ["component", "quantity", "unit", "billedQuantity", "unitPrice", "cost", "explain"] {
            XCTAssertNotNil(items.first?[key], "line item lacks \(key)")
        }
    }

    func testAnUnknownFeatureIsAnInvalidJobNeverAZeroThatPassesTheBudget() throws {
        let result = try CLI.run(["estimate", "--feature", "image-magic", "--input", input, "--max-cost", "0", "--format", "json"])
        XCTAssertEqual(result.status, 1, "a feature ClipMeter cannot price fails the run, even under --max-cost 0")
        let bill = try XCTUnwrap(try result.json() as? [String: Any])
        let error = try XCTUnwrap(bill.objects("errors").first?["error"] as? [String: Any])
        XCTAssertEqual(error["code"] as? String, "invalid-job")
        XCTAssertTrue(
            (error["message"] as? String)?.contains("unknown feature \"image-magic\" (known: text-generation") ?? false, "\(error)")
    }

    func testRequestedOutputDurationAndInternationalCard() throws {
        let cn = try CLI.run([
            "estimate", "--feature", "image-text-matching", "--input", input, "--output-duration", "23",
            "--tokens", "900", "--format", "json",
        ])
        XCTAssertEqual((try cn.json() as? [String: Any])?.string("total"), "0.72")
        let us = try CLI.run([
            "estimate", "--feature", "image-text-matching", "--input", input, "--output-duration", "23",
            "--tokens", "900", "--region", "intl-us-silicon-valley", "--format", "json",
        ])
        let bill = try XCTUnwrap(try us.json() as? [String: Any])
        XCTAssertEqual(bill.string("currency"), "USD")
        XCTAssertEqual(bill.string("total"), "0.145", "2 min × 0.06 + 0.025 USD (RATES.md)")
    }

    func testPreviewOnlyIsPricedByTheTimelineLength() throws {
        let result = try CLI.run([
            "estimate", "--feature", "image-text-matching", "--preview-only", "--input", input,
            "--timeline", "media-samples/timelines/seed-23s.json", "--format", "json",
        ])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual((try result.json() as? [String: Any])?.string("total"), "0.60", "90 s + 23 s timeline → 2 min × 0.3")
        let free = try CLI.run([
            "estimate", "--feature", "script-to-video", "--preview-only",
            "--timeline", "media-samples/timelines/seed-23s.json", "--format", "json",
        ])
        XCTAssertEqual((try free.json() as? [String: Any])?.string("total"), "0.00", "script-to-video preview is free")
    }

    func testMaxCostPrintsTheEstimateThenExitsThree() throws {
        let result = try CLI.run([
            "estimate", "--feature", "image-text-matching", "--input", input, "--output", output,
            "--tokens", "900", "--max-cost", "0.5", "--format", "json",
        ])
        XCTAssertEqual(result.status, 3)
        XCTAssertEqual((try result.json() as? [String: Any])?.string("total"), "0.72", "the estimate is still printed")
        XCTAssertTrue(result.stderr.contains("exceeds --max-cost"), result.stderr)
        XCTAssertEqual(
            try CLI.run([
                "estimate", "--feature", "image-text-matching", "--input", input, "--output", output,
                "--max-cost", "0.72",
            ]).status, 0, "equal to the budget is within it")
    }

    func testAJobWithAnUnmeasurableFileIsReportedAndTheOthersArePriced() throws {
        let dir = try TestMedia.temporaryDirectory()
        try FileManager.default.copyItem(atPath: CLI.samples + "/seed-example", toPath: dir.path + "/seed-example")
        try Data("not a video".utf8).write(to: dir.appendingPathComponent("broken.mp4"))
        let manifest = """
            jobs:
              - id: good
                feature: image-text-matching
                inputs: [seed-example/inputs/input-90s.mp4]
                outputs: [seed-example/outputs/output-23s.mp4]
              - id: bad
                feature: highlight-extraction
                inputs: [broken.mp4]
              - id: escapes
                feature: highlight-extraction
                inputs: [../../../etc/hostname]
            """
        try manifest.write(to: dir.appendingPathComponent("jobs.yaml"), atomically: true, encoding: .utf8)
        let result = try CLI.run(["estimate", "jobs.yaml", "--format", "json"], in: dir.path)
        XCTAssertEqual(result.status, 1)
        let bill = try XCTUnwrap(try result.json() as? [String: Any])
        XCTAssertEqual(bill.objects("jobs").map { $0.string("id") }, ["good"])
        XCTAssertEqual(bill.string("total"), "0.60")
        let errors = bill.objects("errors")
        let bad = try XCTUnwrap(errors.first { $0.string("jobId") == "bad" })
        XCTAssertEqual((bad["error"] as? [String: Any])?.string("code"), "not-media")
        XCTAssertTrue((bad.string("path") ?? "").hasSuffix("broken.mp4"))
        XCTAssertNotNil(errors.first { $0.string("jobId") == "escapes" }, "a path out of the manifest's folder is an error, not a read")
    }

    func testUsageErrorsExitTwo() throws {
        XCTAssertEqual(try CLI.run(["estimate"]).status, 2, "nothing to price")
        XCTAssertEqual(try CLI.run(["estimate", "--feature", "image-text-matching", "--output-duration", "abc"]).status, 2)
        XCTAssertEqual(try CLI.run(["estimate", "--feature", "video-editing", "--output-resolution", "big"]).status, 2)
        XCTAssertEqual(try CLI.run(["estimate", "no-such-manifest.yaml"]).status, 2)

        let dir = try TestMedia.temporaryDirectory()
        let card = dir.appendingPathComponent("card.yaml").path
        try
            "id: mine\nname: Mine\ncurrency: CNY\nfeatures:\n  image-text-matching:\n    basis: input-plus-output-seconds\n    unit: minute\n    price: -1\n"
            .write(toFile: card, atomically: true, encoding: .utf8)
        let result = try CLI.run(["estimate", "--feature", "image-text-matching", "--output-duration", "23", "--rates", card])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("price"), "the error names the field: \(result.stderr)")
    }

    func testBoundaryWarningNamesBothFigures() throws {
        let result = try CLI.run([
            "estimate", "--feature", "highlight-mashup", "--output",
            "media-samples/renders/boundary-59.98s-video-60.02s-audio.mp4", "--explain",
        ])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("boundary"), result.stdout)
        XCTAssertTrue(result.stdout.contains("60.02"), result.stdout)
        XCTAssertTrue(result.stdout.contains("59.98"), result.stdout)
    }
}

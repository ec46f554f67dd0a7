import Foundation
import TestSupport
import XCTest

/// The request and response examples of Alibaba's IMS API reference and official SDKs, priced through the binary
/// (sources in Tests/Fixtures/ims/official/README.md), and the body shapes around them that must never be priced
/// as something else: bodies whose keys fit several APIs, output bounds of zero or less, codec spellings,
/// one-slash OSS URLs, failed sub-jobs, and JSON totals that leave costs out.
final class OfficialExamplesTests: XCTestCase {
    let official = "Tests/Fixtures/ims/official"

    // MARK: - Media and bodies made by the tests

    /// A folder holding `names` as short video files of `seconds` each at `size`, made with ffmpeg.
    private func media(_ names: [String], seconds: String, size: String = "320x240") throws -> URL {
        let folder = try TestMedia.temporaryDirectory("official-media")
        for name in names {
            _ = try TestMedia.make(
                name, in: folder,
                [
                    "-f", "lavfi", "-i", "color=c=blue:size=\(size):rate=5:duration=\(seconds)",
                    "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
                ])
        }
        return folder
    }

    /// The official example `name` with some of its JSON-string configurations changed by `edit`, written to a
    /// temporary file.
    private func variant(_ name: String, _ edit: (inout [String: Any]) throws -> Void) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: "\(official)/\(name).json", relativeTo: TestMedia.packageRoot))
        var body = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        try edit(&body)
        let file = try TestMedia.temporaryDirectory("official-variant").appendingPathComponent("\(name).json")
        try JSONSerialization.data(withJSONObject: body).write(to: file)
        return file.path
    }

    /// A configuration travelling as a JSON string, decoded, changed and encoded again.
    private func editConfig(_ body: inout [String: Any], _ key: String, _ edit: (inout [String: Any]) -> Void) throws {
        let text = try XCTUnwrap(body[key] as? String, key)
        var config = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        edit(&config)
        body[key] = String(decoding: try JSONSerialization.data(withJSONObject: config), as: UTF8.self)
    }

    private func bill(_ result: CLI.Result) throws -> [String: Any] {
        try XCTUnwrap(try result.json() as? [String: Any])
    }

    // MARK: - The official examples

    func testOfficialBatchResponseMapsItsOneSlashOutputURLThroughOSSMap() throws {
        // The example's sub-job output is written http:/xxx.oss-cn-shanghai.aliyuncs.com/xxx_0.mp4.
        let synced = try media(["xxx_0.mp4"], seconds: "14.9", size: "1080x1920")
        let result = try CLI.run([
            "estimate", "\(official)/get-batch-media-producing-job.json", "--format", "json",
            "--oss-map", "oss://xxx=\(synced.path)",
        ])
        XCTAssertEqual(result.status, 0, result.stderr)
        let json = try bill(result)
        let job = try XCTUnwrap(json.objects("jobs").first)
        XCTAssertEqual(job.string("feature"), "script-to-video")
        // One 14.9 s output at 1080×1920 (HD), billed as video editing with its 1-minute minimum: 0.0651.
        XCTAssertEqual(job.string("cost"), "0.0651")
        let item = try XCTUnwrap(job.objects("items").first)
        XCTAssertEqual(item.string("file"), "http://xxx.oss-cn-shanghai.aliyuncs.com/xxx_0.mp4", "read as the URL it stands for")
        XCTAssertEqual(json["totalComplete"] as? Bool, true)

        // Unmapped, the same URL is an OSS object to map, never a relative local path "http:/xxx…".
        let unmapped = try CLI.run(["estimate", "\(official)/get-batch-media-producing-job.json"])
        XCTAssertEqual(unmapped.status, 1)
        XCTAssertTrue(unmapped.stderr.contains("unmapped OSS URL oss://xxx/xxx_0.mp4"), unmapped.stderr)
        XCTAssertTrue(unmapped.stderr.contains("--oss-map oss://xxx/"), unmapped.stderr)
        XCTAssertFalse(unmapped.stderr.contains("no such file"), unmapped.stderr)
    }

    func testOfficialFailedSubJobCostsNothingWithoutTheBatchOrFeature() throws {
        // The official GetMediaProducingJob example is a failed sub-job (it has SubJobMaterials).
        let result = try CLI.run(["estimate", "\(official)/get-media-producing-job.json", "--format", "json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let json = try bill(result)
        let job = try XCTUnwrap(json.objects("jobs").first)
        XCTAssertEqual(job.string("status"), "failed")
        XCTAssertEqual(job.string("cost"), "0.00")
        XCTAssertTrue(job.string("reason")?.contains("ExceededMaximumValue") ?? false, "\(job)")
        XCTAssertTrue(json.objects("errors").isEmpty)

        // Succeeded, the same sub-job still needs its batch's feature: it is never guessed.
        let succeeded = try variant("get-media-producing-job") { body in
            var job = try XCTUnwrap(body["MediaProducingJob"] as? [String: Any])
            job["Status"] = "Success"
            body["MediaProducingJob"] = job
        }
        let unknown = try CLI.run(["estimate", succeeded, "--format", "json"])
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.stderr.contains("sub-job of a batch"), unknown.stderr)
    }

    func testOfficialRequestBodiesArePricedAsTheirAPIsDocument() throws {
        // Script-to-video with a global voice-over: 20 outputs of at most 15 s at 1080×1920 (HD), each billed
        // as at least one minute of video editing: 20 × 0.0651.
        let batch = try CLI.run(["estimate", "\(official)/submit-batch-media-producing-job.json", "--format", "json"])
        XCTAssertEqual(batch.status, 0, batch.stderr)
        let batchJob = try XCTUnwrap(try bill(batch).objects("jobs").first)
        XCTAssertEqual(batchJob.string("feature"), "script-to-video")
        XCTAssertEqual(batchJob.string("cost"), "1.302")

        // Highlight extraction is billed on its five inputs (masked MediaIds mapped to 3 s files): 15 s → 1 min × 2.
        let ids = [
            "ceb72f00e****1ef8216e7e6c64a6302", "ce450c40e****1ef8216e7e6c64a6302", "ce49a020e****1ef81c1e6f6d5686302",
            "d047e120e****1ef81c1e6f6d5686302", "cfe2ddc0e****1ef81c1e6f6d5686302",
        ]
        let clips = try media(ids.indices.map { "clip-\($0).mp4" }, seconds: "3")
        let maps = ids.enumerated().flatMap { ["--media-map", "\($1)=\(clips.appendingPathComponent("clip-\($0).mp4").path)"] }
        let extraction = try CLI.run(["estimate", "\(official)/submit-highlight-extraction-job.json", "--format", "json"] + maps)
        XCTAssertEqual(extraction.status, 0, extraction.stderr)
        let extractionJob = try XCTUnwrap(try bill(extraction).objects("jobs").first)
        XCTAssertEqual(extractionJob.string("feature"), "highlight-extraction")
        XCTAssertEqual(extractionJob.string("cost"), "2.00")
        // Unmapped, a masked MediaId asks for --media-map; it is not a glob.
        let unmapped = try CLI.run(["estimate", "\(official)/submit-highlight-extraction-job.json"])
        XCTAssertEqual(unmapped.status, 1)
        XCTAssertTrue(unmapped.stderr.contains("--media-map ceb72f00e****1ef8216e7e6c64a6302=PATH"), unmapped.stderr)

        // The material-selection stage is in public preview: 0 by that rule.
        let selection = try CLI.run(["estimate", "\(official)/submit-scene-media-selection-job.json", "--format", "json"])
        XCTAssertEqual(selection.status, 0, selection.stderr)
        XCTAssertEqual(try bill(selection).objects("jobs").first?.string("cost"), "0.00")

        // A project's or a set of projects' timeline lives in IMS and the examples set no MaxDuration: unbounded.
        for name in ["submit-media-producing-job", "submit-scene-batch-editing-job"] {
            let result = try CLI.run(["estimate", "\(official)/\(name).json", "--format", "json", "--max-cost", "1000"])
            XCTAssertEqual(result.status, 1, "\(name): an unbounded body never passes a budget. \(result.stderr)")
            let json = try bill(result)
            XCTAssertTrue(json.objects("jobs").first?["cost"] is NSNull, name)
            XCTAssertEqual(json["totalComplete"] as? Bool, false, name)
            XCTAssertEqual(json["unknownCosts"] as? Int, 1, name)
            XCTAssertEqual((json.objects("errors").first?["error"] as? [String: Any])?.string("code"), "unbounded", name)
        }
    }

    func testOfficialBodiesWhoseKeysFitSeveralAPIsAreRefusedNamingThem() throws {
        let cases = [
            ("submit-screen-media-highlights-job", ["SubmitBatchMediaProducingJob", "SubmitScreenMediaHighlightsJob"]),
            (
                "submit-sports-highlights-job",
                [
                    "SubmitBatchMediaProducingJob", "SubmitScreenMediaHighlightsJob",
                    "SubmitSportsHighlightsJob",
                ]
            ),
        ]
        for (name, candidates) in cases {
            let result = try CLI.run(["estimate", "\(official)/\(name).json", "--max-cost", "1000"])
            XCTAssertEqual(result.status, 2, "\(name): \(result.stderr)")
            XCTAssertTrue(result.stdout.isEmpty, "no bill is printed for a body that is not understood")
            for api in candidates { XCTAssertTrue(result.stderr.contains(api), "\(name) names \(api): \(result.stderr)") }
            XCTAssertTrue(result.stderr.contains("--api"), result.stderr)
        }
    }

    func testOfficialSmartHandleListAndTimelineOrganizationExamples() throws {
        // GetSmartHandleJob of JobType ASR: no production feature ClipMeter prices, so an error, never 0.
        let asr = try CLI.run(["estimate", "\(official)/get-smart-handle-job.json", "--format", "json"])
        XCTAssertEqual(asr.status, 1, asr.stderr)
        XCTAssertTrue(asr.stderr.contains("job type ASR is not a production feature"), asr.stderr)
        XCTAssertEqual(try bill(asr)["totalComplete"] as? Bool, false)
        // Named, it is billed on its input, written oss://example-bucket.oss-cn-shanghai.aliyuncs.com/example.mp4:
        // the OSS object example.mp4 of bucket example-bucket, mapped like any other (25 s → 1 min × 2).
        let synced = try media(["example.mp4"], seconds: "25")
        let named = try CLI.run([
            "estimate", "\(official)/get-smart-handle-job.json", "--feature", "highlight-extraction",
            "--oss-map", "oss://example-bucket=\(synced.path)", "--format", "json",
        ])
        XCTAssertEqual(named.status, 0, named.stderr)
        XCTAssertEqual(try bill(named).objects("jobs").first?.string("cost"), "2.00")

        // The list example's Status is spelled "Sucess": not a status IMS documents, so not billed as a success.
        let list = try CLI.run(["estimate", "\(official)/list-media-producing-jobs.json", "--format", "json"])
        XCTAssertEqual(list.status, 1, list.stderr)
        XCTAssertTrue(list.stderr.contains("status 'Sucess'"), list.stderr)

        // The timeline-organization example has no MediaSelectResult (it has no example value): that API
        // requires it, so the keys fit no API; with its Action it is the not-billed preview stage.
        let organize = try CLI.run(["estimate", "\(official)/submit-scene-timeline-organization-job.json"])
        XCTAssertEqual(organize.status, 2)
        XCTAssertTrue(organize.stderr.contains("SubmitSceneTimelineOrganizationJob also needs MediaSelectResult"), organize.stderr)
        let named2 = try CLI.run([
            "estimate", "\(official)/submit-scene-timeline-organization-job.json",
            "--api", "SubmitSceneTimelineOrganizationJob", "--format", "json",
        ])
        XCTAssertEqual(named2.status, 0, named2.stderr)
        XCTAssertEqual(try bill(named2).objects("jobs").first?.string("cost"), "0.00")
    }

    func testJSONBillsSayWhenTheirTotalLeavesCostsOut() throws {
        // A scanned tree: the failed sub-job (0, known) and the batch whose output is not synced (unknown).
        let tree = try TestMedia.temporaryDirectory("official-scan")
        for name in ["get-media-producing-job", "get-batch-media-producing-job"] {
            try FileManager.default.copyItem(
                atPath: TestMedia.packageRoot.appendingPathComponent("\(official)/\(name).json").path,
                toPath: tree.appendingPathComponent("\(name).json").path)
        }
        let scan = try CLI.run(["scan", "--no-ledger", "--format", "json", "."], in: tree.path)
        XCTAssertEqual(scan.status, 1, scan.stderr)
        let json = try bill(scan)
        XCTAssertEqual(json.string("total"), "0.00")
        XCTAssertEqual(json["totalComplete"] as? Bool, false, "0.00 is not what the tree costs")
        XCTAssertEqual(json["unknownCosts"] as? Int, 1)

        let ndjson = try CLI.run(["scan", "--no-ledger", "--format", "ndjson", "."], in: tree.path)
        let summary = try XCTUnwrap(ndjson.stdout.split(separator: "\n").last.map(String.init))
        let last = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(summary.utf8)) as? [String: Any])
        XCTAssertEqual(last["type"] as? String, "summary")
        XCTAssertEqual(last["totalComplete"] as? Bool, false)
        XCTAssertEqual(last["unknownCosts"] as? Int, 1)

        let synced = try media(["xxx_0.mp4"], seconds: "5", size: "1080x1920")
        let complete = try CLI.run(
            ["scan", "--no-ledger", "--format", "json", "--oss-map", "oss://xxx=\(synced.path)", "."],
            in: tree.path)
        XCTAssertEqual(complete.status, 0, complete.stderr)
        XCTAssertEqual(try bill(complete)["totalComplete"] as? Bool, true)
        XCTAssertEqual(try bill(complete)["unknownCosts"] as? Int, 0)
    }

    // MARK: - Ambiguity: a highlight mashup body is never priced as image-text matching

    func testScreenHighlightsBodyWithoutActionIsAmbiguousWhateverItsValues() throws {
        let clips = try media(["a.mp4", "b.mp4"], seconds: "20")
        let maps = [
            "--media-map", "****9d46c886b45481030f6e****=\(clips.path)/a.mp4",
            "--media-map", "****6c886b4549d481030f6e****=\(clips.path)/b.mp4",
        ]
        let withMaximum = try variant("submit-screen-media-highlights-job") { body in
            try editConfig(&body, "OutputConfig") { $0["MaxDuration"] = 30 }
        }
        let emptyMedia = try variant("submit-screen-media-highlights-job") { body in
            try editConfig(&body, "OutputConfig") { $0["MaxDuration"] = 30 }
            try editConfig(&body, "InputConfig") { $0["MediaArray"] = [String]() }
        }
        let decoded = try variant("submit-screen-media-highlights-job") { body in
            for key in ["InputConfig", "OutputConfig", "EditingConfig"] {
                body[key] = try JSONSerialization.jsonObject(with: Data(try XCTUnwrap(body[key] as? String).utf8))
            }
        }
        for path in [withMaximum, emptyMedia, decoded] {
            let result = try CLI.run(["estimate", path, "--max-cost", "1"] + maps)
            XCTAssertEqual(result.status, 2, "\(path) must not pass a 1 CNY budget as image-text matching: \(result.stdout)")
            XCTAssertTrue(result.stderr.contains("SubmitBatchMediaProducingJob and SubmitScreenMediaHighlightsJob"), result.stderr)
        }
        // Named, it is the highlight mashup it is: (40 s of inputs + 1 output of at most 30 s) → 2 min × 2 = 4.00.
        let named = try CLI.run(["estimate", withMaximum, "--api", "SubmitScreenMediaHighlightsJob", "--format", "json"] + maps)
        XCTAssertEqual(named.status, 0, named.stderr)
        let job = try XCTUnwrap(try bill(named).objects("jobs").first)
        XCTAssertEqual(job.string("feature"), "highlight-mashup")
        XCTAssertEqual(job.string("cost"), "4.00")
        let over = try CLI.run(["estimate", withMaximum, "--api", "SubmitScreenMediaHighlightsJob", "--max-cost", "1"] + maps)
        XCTAssertEqual(over.status, 3, over.stderr)
    }

    // MARK: - Output bounds

    func testOutputBoundsOfZeroOrLessAreInvalidJobsNeverZeroSecondPlans() throws {
        let outputs: [(String, Any)] = [
            ("MaxDuration", 0), ("MaxDuration", "-0"), ("MaxDuration", 1e-7),
            ("MaxDuration", -5), ("FixedDuration", -3), ("FixedDuration", 0), ("Count", 0),
        ]
        for (key, value) in outputs {
            let path = try variant("submit-batch-media-producing-job") { body in
                try editConfig(&body, "OutputConfig") { $0[key] = value }
            }
            let result = try CLI.run(["estimate", path, "--max-cost", "1000"])
            XCTAssertEqual(result.status, 2, "\(key) \(value): \(result.stdout)")
            XCTAssertTrue(result.stderr.contains("OutputConfig.\(key)"), "\(key) \(value): \(result.stderr)")
            XCTAssertFalse(result.stdout.contains("0–0 s"), result.stdout)
        }
        let groups = try variant("submit-batch-media-producing-job") { body in
            try editConfig(&body, "InputConfig") { config in
                config["SpeechTextArray"] = nil
                config["MediaGroupArray"] = [["GroupName": "a", "MediaArray": ["x"], "Duration": 0]]
            }
        }
        let groupResult = try CLI.run(["estimate", groups])
        XCTAssertEqual(groupResult.status, 2, groupResult.stdout)
        XCTAssertTrue(groupResult.stderr.contains("MediaGroupArray[0].Duration"), groupResult.stderr)

        let editing = try variant("submit-media-producing-job") { body in
            try editConfig(&body, "OutputMediaConfig") { $0["MaxDuration"] = 0 }
        }
        let editingResult = try CLI.run(["estimate", editing])
        XCTAssertEqual(editingResult.status, 2, editingResult.stdout)
        XCTAssertTrue(editingResult.stderr.contains("OutputMediaConfig.MaxDuration"), editingResult.stderr)
    }

    // MARK: - Codec spellings

    func testOutputCodecIsReadAsIMSAndMPSSpellIt() throws {
        // 20 script-to-video outputs at 1080×1920 (HD), each at least a minute: 20 × the codec's HD price.
        let expected = [
            ("H.265", "6.51"), ("HEVC", "6.51"), ("h265", "6.51"), ("libx265", "6.51"), ("hvc1", "6.51"),
            ("H.264", "1.302"), ("AVC", "1.302"), ("libx264", "1.302"), ("h264", "1.302"),
        ]
        for (codec, total) in expected {
            let path = try variant("submit-batch-media-producing-job") { body in
                try editConfig(&body, "OutputConfig") { $0["Video"] = ["Crf": 27, "Codec": codec] }
            }
            let result = try CLI.run(["estimate", path, "--format", "json"])
            XCTAssertEqual(result.status, 0, "\(codec): \(result.stderr)")
            XCTAssertEqual(try bill(result).string("total"), total, codec)
        }
        let unpriced = try variant("submit-batch-media-producing-job") { body in
            try editConfig(&body, "OutputConfig") { $0["Video"] = ["Codec": "VP9"] }
        }
        let result = try CLI.run(["estimate", unpriced])
        XCTAssertEqual(result.status, 1, "a codec the card has no price for is an error, never h264")
        XCTAssertTrue(result.stderr.contains("no vp9 price"), result.stderr)
    }
}

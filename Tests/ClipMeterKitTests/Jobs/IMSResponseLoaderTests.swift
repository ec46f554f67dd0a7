import Foundation
import Billing
import XCTest
@testable import ClipMeterKit

final class IMSResponseLoaderTests: XCTestCase {
    private func resolver(_ tree: JobsTempTree, maps: [String]) throws -> PathResolver {
        PathResolver(
            roots: [tree.root], mediaRoot: nil,
            ossMappings: try maps.map { try OSSMapping(parsing: $0) }, mediaMap: [:])
    }

    // MARK: - GetBatchMediaProducingJob

    func testBatchResponseIsOneJobAndFailedSubJobsAreListedAtZero() throws {
        let tree = try JobsTempTree()
        let responsePath = try tree.write("responses/batch.json", JobsFixtures.batchResponse)
        let out0 = try tree.write("synced/renders/out_0.mp4")
        // out_1.mp4 was never synced.
        let resolver = try resolver(tree, maps: ["oss://example-bucket/renders=\(tree.path("synced/renders"))"])

        let data = try XCTUnwrap(FileManager.default.contents(atPath: responsePath))
        XCTAssertTrue(IMSDocument.recognizes(data))
        let jobs = try IMSDocument.load(path: responsePath, data: data, resolver: resolver, feature: nil)

        // The batch is the task: one job with its succeeded sub-jobs' outputs; the failed sub-job at 0 on its own.
        XCTAssertEqual(jobs.map(\.id), ["b6b2750d4308892ac3330238a1b2c3d4", "8e81933d44e3ae69e2f81485000000a3"])
        XCTAssertEqual(jobs.map(\.status), [JobStatus.succeeded, .failed])
        XCTAssertEqual(jobs.map(\.feature), Array(repeating: .scriptToVideo, count: 2))
        XCTAssertTrue(jobs.allSatisfy(\.isValid), "\(jobs.map(\.problems))")
        XCTAssertTrue(jobs.allSatisfy { $0.finishedAt == jobsDate("2026-11-20T00:57:07Z") })
        XCTAssertTrue(jobs[0].isBatch && jobs[0].maxDuration == 15 && !jobs[0].previewOnly)
        XCTAssertEqual(jobs[0].outputWidth, 1080)
        XCTAssertEqual(jobs[0].outputHeight, 1920)
        XCTAssertTrue(jobs.allSatisfy { $0.source == responsePath })

        // Synced output: resolved locally, with the response's duration kept exactly (not 14.900000000000002).
        XCTAssertEqual(jobs[0].outputs.count, 2)
        XCTAssertEqual(jobs[0].outputs[0].localPath, out0)
        XCTAssertEqual(jobs[0].outputs[0].reportedDuration, Decimal(string: "14.9"))
        XCTAssertEqual(
            jobs[0].outputs[0].original,
            "https://example-bucket.oss-cn-shanghai.aliyuncs.com/renders/out_0.mp4")

        // Missing output: no local file, but the stated Duration survives and the job says so.
        XCTAssertNil(jobs[0].outputs[1].localPath)
        XCTAssertEqual(jobs[0].outputs[1].reportedDuration, 15)
        XCTAssertNotNil(jobs[0].outputs[1].problem)
        XCTAssertTrue(
            jobs[0].warnings.contains {
                if case .notSynced(_, let file, _, 15, .response) = $0 { return file == jobs[0].outputs[1].original } else { return false }
            }, "\(jobs[0].warnings)")
        XCTAssertTrue(jobs[0].warnings.contains(.subJobsFailed(failed: 1, of: 3)), "\(jobs[0].warnings)")

        // Failed sub-job: no outputs, no inputs, the reason as "ErrorCode: ErrorMessage".
        XCTAssertEqual(
            jobs[1].failureReason,
            "sub-job of batch b6b2750d4308892ac3330238a1b2c3d4: InvalidMaterial.NotFound: The specified clips id not found")
        XCTAssertTrue(jobs[1].outputs.isEmpty && jobs[1].inputs.isEmpty)

        // Inputs come from InputConfig and are marked reference-only for script-to-video.
        XCTAssertEqual(jobs[0].inputs.map(\.original), ["oss://example-bucket/inputs/a.mp4"])
        XCTAssertTrue(jobs[0].inputs[0].problem?.contains("unmapped OSS URL") ?? false)
        XCTAssertTrue(jobs[0].warnings.contains(.inputsForReferenceOnly))
    }

    func testBatchInputsResolveWhenMappedAndPreviewOnlyIsRead() throws {
        let tree = try JobsTempTree()
        let input = try tree.write("bucket/inputs/a.mp4")
        let response = JobsFixtures.batchResponse
            .replacingOccurrences(of: #"\"GeneratePreviewOnly\":false"#, with: #"\"GeneratePreviewOnly\":true"#)
        XCTAssertNotEqual(response, JobsFixtures.batchResponse)
        let jobs = try IMSDocument.load(
            path: tree.path("r.json"), data: Data(response.utf8),
            resolver: try resolver(tree, maps: ["oss://example-bucket=\(tree.path("bucket"))"]),
            feature: nil)
        XCTAssertTrue(jobs[0].previewOnly)
        XCTAssertEqual(jobs[0].inputs.map(\.localPath), [input])
    }

    func testJobTypeDecidesFeatureAndTheFeatureFlagOverridesItWithAWarning() throws {
        let tree = try JobsTempTree()
        let resolver = try resolver(tree, maps: [])
        func load(_ jobType: String, feature: String? = nil) throws -> JobSpec {
            let text = JobsFixtures.batchResponse.replacingOccurrences(of: #""JobType": "Script""#, with: "\"JobType\": \"\(jobType)\"")
            return try IMSDocument.load(path: "r.json", data: Data(text.utf8), resolver: resolver, feature: feature)[0]
        }
        XCTAssertEqual(try load("Smart_Mix").feature, .imageTextMatching)
        XCTAssertEqual(try load("Sports_Highlights").feature, .sportsHighlights)
        XCTAssertEqual(try load("Screen_Media_Highlights").feature, .highlightMashup)
        XCTAssertEqual(try load("Scene_Batch_Editing").feature, .videoEditing)
        XCTAssertNotNil(try load("Smart_Mix_Media_Select").notBilled)
        XCTAssertNotNil(try load("Screen_Media_Highlights_Timeline_Organize").notBilled)
        let unknown = try load("Future_Type")
        XCTAssertNil(unknown.feature)
        XCTAssertTrue(
            unknown.problems.contains { $0.text.contains("unknown job type 'Future_Type'") && $0.remedy == .nameTheFeature },
            "\(unknown.problems)")

        let overridden = try load("Smart_Mix", feature: "highlight-mashup")
        XCTAssertEqual(overridden.feature, .highlightMashup)
        XCTAssertTrue(
            overridden.warnings.contains {
                if case .featureOverride(_, "image-text-matching", _) = $0 { return true } else { return false }
            }, "\(overridden.warnings)")
    }

    func testUnfinishedBatchIsPendingAndSDKBodyWrapperIsAccepted() throws {
        let response = """
            {"headers": {"x-acs-request-id": "1"}, "statusCode": 200, "body": {"RequestId": "1", "EditingBatchJob": {
              "JobId": "batch1", "JobType": "Script", "Status": "Processing", "OutputConfig": "",
              "SubJobList": [{"JobId": "s1", "Status": "Processing"}, {"JobId": "s2", "Status": "Failed"}]}}}
            """
        let data = Data(response.utf8)
        XCTAssertTrue(IMSDocument.recognizes(data))
        let jobs = try IMSDocument.load(
            path: "r.json", data: data, resolver: try resolver(JobsTempTree(), maps: []),
            feature: nil)
        // A batch still processing is pending: listed, never billed, its sub-jobs not jobs of their own yet.
        XCTAssertEqual(jobs.map(\.id), ["batch1"])
        XCTAssertEqual(jobs.first?.stage, .pending("Processing"))
        XCTAssertEqual(jobs.first?.key, "ims:batch1")
    }

    func testMalformedEmbeddedConfigNamesTheField() throws {
        let broken = JobsFixtures.batchResponse.replacingOccurrences(of: #""InputConfig": "{"#, with: #""InputConfig": "{oops"#)
        XCTAssertThrowsError(
            try IMSDocument.load(
                path: "saved.json", data: Data(broken.utf8),
                resolver: try resolver(JobsTempTree(), maps: []), feature: nil)
        ) { error in
            let error = error as? ManifestError
            XCTAssertEqual(error?.path, "saved.json")
            XCTAssertEqual(error?.field, "EditingBatchJob.InputConfig")
        }
    }

    // MARK: - GetMediaProducingJob

    func testSingleResponseIsOneVideoEditingJobWithItsTimeline() throws {
        let tree = try JobsTempTree()
        let output = try tree.write("oss/edits/example2.mp4")
        let path = try tree.write("single.json", JobsFixtures.singleResponse)
        let data = try XCTUnwrap(FileManager.default.contents(atPath: path))
        XCTAssertTrue(IMSDocument.recognizes(data))

        let jobs = try IMSDocument.load(
            path: path, data: data,
            resolver: try resolver(tree, maps: ["oss://example-bucket/=\(tree.path("oss"))"]),
            feature: nil)
        XCTAssertEqual(jobs.count, 1)
        let job = jobs[0]
        XCTAssertEqual(job.id, "cdb3e74639973036bc84000000b1")
        XCTAssertEqual(job.feature, .videoEditing)
        XCTAssertEqual(job.status, .succeeded)
        XCTAssertEqual(job.finishedAt, jobsDate("2026-11-20T05:33:52Z"))
        XCTAssertEqual(job.outputs.map(\.localPath), [output])
        XCTAssertEqual(job.outputs[0].reportedDuration, Decimal(string: "30.5"))
        let timeline = try XCTUnwrap(job.timelineJSON)
        XCTAssertTrue(timeline.hasPrefix("{\"VideoTracks\""))
        XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(timeline.utf8)))
        XCTAssertTrue(job.isValid)
        XCTAssertTrue(job.warnings.isEmpty, "\(job.warnings)")
    }

    func testOtherJSONIsNotAResponse() {
        XCTAssertFalse(IMSDocument.recognizes(Data(#"{"VideoTracks": []}"#.utf8)))
        XCTAssertFalse(IMSDocument.recognizes(Data(#"{"id": "x", "feature": "video-editing"}"#.utf8)))
        XCTAssertFalse(IMSDocument.recognizes(Data(#"{"note": "MediaProducingJob"}"#.utf8)))
        XCTAssertFalse(IMSDocument.recognizes(Data("not json MediaProducingJob".utf8)))
    }

    func testJobFilePicksResponseOrManifestByContent() throws {
        let tree = try JobsTempTree()
        let response = try tree.write("a.json", JobsFixtures.singleResponse)
        let manifest = try tree.write("b.json", #"{"id": "m1", "feature": "text-generation", "tokens": 900}"#)
        let resolver = try resolver(tree, maps: [])
        XCTAssertEqual(
            try JobFile.load(path: response, resolver: resolver, defaultFeature: nil).map(\.id),
            ["cdb3e74639973036bc84000000b1"])
        XCTAssertEqual(try JobFile.load(path: manifest, resolver: resolver, defaultFeature: nil).map(\.tokens), [900])
    }
}

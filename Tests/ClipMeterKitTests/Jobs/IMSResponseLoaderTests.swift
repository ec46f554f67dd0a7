import Foundation
import XCTest
@testable import ClipMeterKit

final class IMSResponseLoaderTests: XCTestCase {
    private func resolver(_ tree: JobsTempTree, maps: [String]) throws -> PathResolver {
        PathResolver(roots: [tree.root], mediaRoot: nil,
                     ossMappings: try maps.map { try OSSMapping(parsing: $0) }, mediaMap: [:])
    }

    // MARK: - GetBatchMediaProducingJob

    func testBatchResponseBecomesOneJobPerSubJob() throws {
        let tree = try JobsTempTree()
        let responsePath = try tree.write("responses/batch.json", JobsFixtures.batchResponse)
        let out0 = try tree.write("synced/renders/out_0.mp4")
        // out_1.mp4 was never synced.
        let resolver = try resolver(tree, maps: ["oss://example-bucket/renders=\(tree.path("synced/renders"))"])

        let data = try XCTUnwrap(FileManager.default.contents(atPath: responsePath))
        XCTAssertTrue(IMSResponseLoader.isIMSResponse(data))
        let jobs = try IMSResponseLoader.load(path: responsePath, data: data, resolver: resolver, defaultFeature: nil)

        XCTAssertEqual(jobs.map(\.id), ["8e81933d44e3ae69e2f81485000000a1", "8e81933d44e3ae69e2f81485000000a2",
                                        "8e81933d44e3ae69e2f81485000000a3"])
        XCTAssertEqual(jobs.map(\.status), ["succeeded", "succeeded", "failed"])
        XCTAssertEqual(jobs.map(\.feature), Array(repeating: "script-to-video", count: 3))
        XCTAssertTrue(jobs.allSatisfy(\.isValid), "\(jobs.map(\.problems))")
        XCTAssertTrue(jobs.allSatisfy { $0.finishedAt == jobsDate("2026-11-20T00:57:07Z") })
        XCTAssertTrue(jobs.allSatisfy { $0.maxDuration == 15 && !$0.previewOnly })
        XCTAssertEqual(jobs[0].outputWidth, 1080)
        XCTAssertEqual(jobs[0].outputHeight, 1920)
        XCTAssertTrue(jobs.allSatisfy { $0.source == responsePath })

        // Synced output: resolved locally, with the response's duration kept exactly (not 14.900000000000002).
        XCTAssertEqual(jobs[0].outputs.count, 1)
        XCTAssertEqual(jobs[0].outputs[0].localPath, out0)
        XCTAssertEqual(jobs[0].outputs[0].reportedDuration, Decimal(string: "14.9"))
        XCTAssertEqual(jobs[0].outputs[0].original,
                       "https://example-bucket.oss-cn-shanghai.aliyuncs.com/renders/out_0.mp4")

        // Missing output: no local file, but the stated Duration survives and the job says so.
        XCTAssertNil(jobs[1].outputs[0].localPath)
        XCTAssertEqual(jobs[1].outputs[0].reportedDuration, 15)
        XCTAssertNotNil(jobs[1].outputs[0].problem)
        XCTAssertTrue(jobs[1].warnings.contains { $0.contains("not synced") && $0.contains("Duration 15") },
                      "\(jobs[1].warnings)")
        XCTAssertFalse(jobs[0].warnings.contains { $0.contains("not synced") })

        // Failed sub-job: no outputs, the reason as "ErrorCode: ErrorMessage".
        XCTAssertEqual(jobs[2].failureReason, "InvalidMaterial.NotFound: The specified clips id not found")
        XCTAssertTrue(jobs[2].outputs.isEmpty)

        // Inputs come from InputConfig and are marked reference-only for script-to-video.
        XCTAssertEqual(jobs[0].inputs.map(\.original), ["oss://example-bucket/inputs/a.mp4"])
        XCTAssertTrue(jobs[0].inputs[0].problem?.contains("unmapped OSS URL") ?? false)
        XCTAssertTrue(jobs[0].warnings.contains { $0.contains("reference only") })
    }

    func testBatchInputsResolveWhenMappedAndPreviewOnlyIsRead() throws {
        let tree = try JobsTempTree()
        let input = try tree.write("bucket/inputs/a.mp4")
        let response = JobsFixtures.batchResponse
            .replacingOccurrences(of: #"\"GeneratePreviewOnly\":false"#, with: #"\"GeneratePreviewOnly\":true"#)
        XCTAssertNotEqual(response, JobsFixtures.batchResponse)
        let jobs = try IMSResponseLoader.load(path: tree.path("r.json"), data: Data(response.utf8),
                                              resolver: try resolver(tree, maps: ["oss://example-bucket=\(tree.path("bucket"))"]),
                                              defaultFeature: nil)
        XCTAssertTrue(jobs.allSatisfy(\.previewOnly))
        XCTAssertEqual(jobs[0].inputs.map(\.localPath), [input])
    }

    func testJobTypeDecidesFeatureAndUnknownTypesNeedFeatureFlag() throws {
        let tree = try JobsTempTree()
        let smartMix = JobsFixtures.batchResponse.replacingOccurrences(of: #""JobType": "Script""#,
                                                                       with: #""JobType": "Smart_Mix""#)
        let resolver = try resolver(tree, maps: [])
        let withoutFlag = try IMSResponseLoader.load(path: "r.json", data: Data(smartMix.utf8), resolver: resolver,
                                                     defaultFeature: nil)
        XCTAssertTrue(withoutFlag.allSatisfy { $0.feature == nil })
        XCTAssertTrue(withoutFlag.allSatisfy { $0.problems.contains { $0.contains("unknown job type 'Smart_Mix'") && $0.contains("--feature") } })

        let withFlag = try IMSResponseLoader.load(path: "r.json", data: Data(smartMix.utf8), resolver: resolver,
                                                  defaultFeature: "image-text-matching")
        XCTAssertTrue(withFlag.allSatisfy { $0.feature == "image-text-matching" && $0.isValid })
        XCTAssertFalse(withFlag[0].warnings.contains { $0.contains("reference only") })
    }

    func testUnfinishedSubJobIsInvalidAndSDKBodyWrapperIsAccepted() throws {
        let response = """
        {"headers": {"x-acs-request-id": "1"}, "statusCode": 200, "body": {"RequestId": "1", "EditingBatchJob": {
          "JobId": "batch1", "JobType": "Script", "Status": "Processing", "OutputConfig": "",
          "SubJobList": [{"JobId": "s1", "Status": "Processing"}, {"JobId": "s2", "Status": "Failed"}]}}}
        """
        let data = Data(response.utf8)
        XCTAssertTrue(IMSResponseLoader.isIMSResponse(data))
        let jobs = try IMSResponseLoader.load(path: "r.json", data: data, resolver: try resolver(JobsTempTree(), maps: []),
                                              defaultFeature: nil)
        XCTAssertEqual(jobs.count, 2)
        XCTAssertTrue(jobs[0].problems.contains { $0.contains("not finished") && $0.contains("Processing") })
        XCTAssertEqual(jobs[1].status, "failed")
        XCTAssertTrue(jobs[1].isValid)
        XCTAssertNotNil(jobs[1].failureReason)
        XCTAssertNil(jobs[1].finishedAt)
    }

    func testMalformedEmbeddedConfigNamesTheField() throws {
        let broken = JobsFixtures.batchResponse.replacingOccurrences(of: #""InputConfig": "{"#, with: #""InputConfig": "{oops"#)
        XCTAssertThrowsError(try IMSResponseLoader.load(path: "saved.json", data: Data(broken.utf8),
                                                         resolver: try resolver(JobsTempTree(), maps: []), defaultFeature: nil)) { error in
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
        XCTAssertTrue(IMSResponseLoader.isIMSResponse(data))

        let jobs = try IMSResponseLoader.load(path: path, data: data,
                                              resolver: try resolver(tree, maps: ["oss://example-bucket/=\(tree.path("oss"))"]),
                                              defaultFeature: "image-text-matching")
        XCTAssertEqual(jobs.count, 1)
        let job = jobs[0]
        XCTAssertEqual(job.id, "cdb3e74639973036bc84000000b1")
        XCTAssertEqual(job.feature, "video-editing")
        XCTAssertEqual(job.status, "succeeded")
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
        XCTAssertFalse(IMSResponseLoader.isIMSResponse(Data(#"{"VideoTracks": []}"#.utf8)))
        XCTAssertFalse(IMSResponseLoader.isIMSResponse(Data(#"{"id": "x", "feature": "video-editing"}"#.utf8)))
        XCTAssertFalse(IMSResponseLoader.isIMSResponse(Data(#"{"note": "MediaProducingJob"}"#.utf8)))
        XCTAssertFalse(IMSResponseLoader.isIMSResponse(Data("not json MediaProducingJob".utf8)))
    }

    func testJobFilePicksResponseOrManifestByContent() throws {
        let tree = try JobsTempTree()
        let response = try tree.write("a.json", JobsFixtures.singleResponse)
        let manifest = try tree.write("b.json", #"{"id": "m1", "feature": "text-generation", "tokens": 900}"#)
        let resolver = try resolver(tree, maps: [])
        XCTAssertEqual(try JobFile.load(path: response, resolver: resolver, defaultFeature: nil).map(\.id),
                       ["cdb3e74639973036bc84000000b1"])
        XCTAssertEqual(try JobFile.load(path: manifest, resolver: resolver, defaultFeature: nil).map(\.tokens), [900])
    }
}

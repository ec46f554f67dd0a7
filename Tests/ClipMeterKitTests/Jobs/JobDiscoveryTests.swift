import Foundation
import XCTest
@testable import ClipMeterKit

final class JobDiscoveryTests: XCTestCase {
    private func discover(_ tree: JobsTempTree, feature: String?, maps: [String] = []) throws -> (jobs: [JobSpec], errors: [ManifestError])
    {
        let resolver = PathResolver(
            roots: [tree.root], mediaRoot: nil,
            ossMappings: try maps.map { try OSSMapping(parsing: $0) }, mediaMap: [:])
        return try JobDiscovery(resolver: resolver, defaultFeature: feature).discover(root: tree.root)
    }

    func testFolderConventionAtAnyDepth() throws {
        let tree = try JobsTempTree()
        let older = jobsDate("2026-11-20T01:00:00Z")
        let newest = jobsDate("2026-11-20T03:30:00Z")
        try tree.write("2026/11/job-a/inputs/src.mp4", modified: jobsDate("2026-11-20T05:00:00Z"))
        try tree.write("2026/11/job-a/inputs/more/src2.mov")
        try tree.write("2026/11/job-a/outputs/out1.mp4", modified: older)
        try tree.write("2026/11/job-a/outputs/out2.mp4", modified: newest)
        try tree.write("2026/11/job-a/outputs/README.md", "notes")
        try tree.write("2026/11/job-a/outputs/.partial.mp4")
        try tree.write("2026/11/job-a/inputs/nested/outputs/not-a-job.mp4")
        try tree.write("job-b/outputs/only.mp4")
        try tree.write("loose/video.mp4")  // not in a job folder: no job
        try tree.write(".clipmeter/inputs/x.mp4")  // hidden: skipped

        let (jobs, errors) = try discover(tree, feature: "highlight-mashup")
        XCTAssertEqual(errors, [])
        XCTAssertEqual(jobs.map(\.id), ["2026/11/job-a", "job-b"])
        let a = jobs[0]
        XCTAssertEqual(a.feature, .highlightMashup)
        XCTAssertEqual(
            a.inputs.map(\.original),
            [
                "2026/11/job-a/inputs/more/src2.mov",
                "2026/11/job-a/inputs/nested/outputs/not-a-job.mp4",
                "2026/11/job-a/inputs/src.mp4",
            ])
        XCTAssertEqual(
            a.outputs.map(\.localPath),
            [
                tree.path("2026/11/job-a/outputs/out1.mp4"),
                tree.path("2026/11/job-a/outputs/out2.mp4"),
            ])
        XCTAssertEqual(a.finishedAt, newest, "newest output, not the newer input")
        XCTAssertEqual(a.source, tree.path("2026/11/job-a"))
        XCTAssertTrue(
            a.warnings.contains {
                if case .nonMediaLeftOut(_, let examples) = $0 {
                    return examples.contains { $0.hasSuffix("README.md") }
                } else {
                    return false
                }
            }, "\(a.warnings)")
        XCTAssertTrue(a.isValid)
        XCTAssertEqual(jobs[1].inputs, [])
        XCTAssertEqual(jobs[1].outputs.count, 1)
    }

    func testFolderJobsWithoutFeatureAreInvalid() throws {
        let tree = try JobsTempTree()
        try tree.write("job/outputs/o.mp4")
        let (jobs, _) = try discover(tree, feature: nil)
        XCTAssertEqual(jobs.count, 1)
        XCTAssertTrue(jobs[0].problems.contains { $0.remedy == .nameTheFeature }, "\(jobs[0].problems)")
    }

    func testManifestsAndResponsesClaimTheirFiles() throws {
        let tree = try JobsTempTree()
        // A manifest at the top names the outputs of batch/job2; job2 must not be billed again as a folder job.
        try tree.write("batch/job2/outputs/a.mp4")
        try tree.write("batch/job2/outputs/b.mp4")
        try tree.write("batch/job3/outputs/c.mp4")
        try tree.write(
            "batch/clipmeter.yaml",
            """
            jobs:
              - id: job2
                feature: video-editing
                outputs: [job2/outputs/a.mp4]
            """)
        // A saved response whose synced outputs live in a job folder.
        try tree.write("ims/response.json", JobsFixtures.batchResponse)
        try tree.write("ims/outputs/out_0.mp4")
        try tree.write("ims/outputs/out_1.mp4")
        // A manifest inside a job folder that leaves out inputs/outputs gets them from the folder.
        try tree.write("edit/inputs/in.mp4")
        try tree.write("edit/outputs/out.mp4")
        try tree.write("edit/timeline.json", #"{"VideoTracks": []}"#)
        try tree.write("edit/clipmeter.yml", "id: edit-job\nfeature: video-editing\n")
        // A Timeline JSON elsewhere is not a response and not a job.
        try tree.write("timelines/t.json", #"{"VideoTracks": []}"#)

        let (jobs, errors) = try discover(
            tree, feature: "image-text-matching",
            maps: ["oss://example-bucket/renders=\(tree.path("ims/outputs"))"])
        XCTAssertEqual(errors, [])
        let byID = Dictionary(uniqueKeysWithValues: jobs.map { ($0.id, $0) })
        XCTAssertEqual(
            Set(byID.keys),
            [
                "job2", "batch/job2", "batch/job3", "edit-job",
                "b6b2750d4308892ac3330238a1b2c3d4", "8e81933d44e3ae69e2f81485000000a3",
            ])
        // Only the unclaimed b.mp4 is left for the folder job, with a note.
        XCTAssertEqual(byID["batch/job2"]?.outputs.map(\.original), ["batch/job2/outputs/b.mp4"])
        XCTAssertTrue(
            byID["batch/job2"]?.warnings.contains { if case .filesClaimedElsewhere = $0 { return true } else { return false } } ?? false)
        XCTAssertEqual(byID["job2"]?.outputs.map(\.localPath), [tree.path("batch/job2/outputs/a.mp4")])
        // The response's outputs are billed once, through the response (ims/ is fully claimed).
        XCTAssertNil(byID["ims"])
        XCTAssertEqual(
            byID["b6b2750d4308892ac3330238a1b2c3d4"]?.outputs.map(\.localPath),
            [tree.path("ims/outputs/out_0.mp4"), tree.path("ims/outputs/out_1.mp4")])
        // The folder manifest took the folder's media and timeline; no separate "edit" folder job.
        XCTAssertNil(byID["edit"])
        XCTAssertEqual(byID["edit-job"]?.inputs.map(\.localPath), [tree.path("edit/inputs/in.mp4")])
        XCTAssertEqual(byID["edit-job"]?.outputs.map(\.localPath), [tree.path("edit/outputs/out.mp4")])
        XCTAssertEqual(byID["edit-job"]?.timelinePath, tree.path("edit/timeline.json"))
    }

    func testBrokenSourcesAreCollectedAndTheScanGoesOn() throws {
        let tree = try JobsTempTree()
        try tree.write("a/clipmeter.yaml", "tokens: [oops")
        try tree.write("b/x.job.json", #"{"tokens": "many"}"#)
        try tree.write("c/outputs/o.mp4")
        let (jobs, errors) = try discover(tree, feature: "video-editing")
        XCTAssertEqual(jobs.map(\.id), ["c"])
        XCTAssertEqual(errors.map(\.path), [tree.path("a/clipmeter.yaml"), tree.path("b/x.job.json")])
        XCTAssertEqual(errors[1].field, "tokens")
    }

    func testDuplicateIDsAreBilledOnce() throws {
        let tree = try JobsTempTree()
        try tree.write("day1/response.json", JobsFixtures.singleResponse)
        try tree.write("day1-copy/response.json", JobsFixtures.singleResponse)
        let (jobs, _) = try discover(tree, feature: nil)
        XCTAssertEqual(jobs.map(\.id), ["cdb3e74639973036bc84000000b1"])
        XCTAssertTrue(
            jobs[0].warnings.contains {
                if case .sameJobDescribedTwice(_, let source) = $0 {
                    return source.hasSuffix("day1-copy/response.json")
                } else {
                    return false
                }
            }, "\(jobs[0].warnings)")
    }

    func testSymlinkedFolderOutsideTheRootIsNotWalkedAndLinkedFilesAreProblems() throws {
        let tree = try JobsTempTree()
        let outsideTree = try JobsTempTree()
        try outsideTree.write("job/outputs/far.mp4")
        let secret = try outsideTree.write("secret.mp4")
        try tree.symlink("linked", to: outsideTree.root)
        try tree.symlink("job/outputs/sneaky.mp4", to: secret)
        try tree.write("job/outputs/fine.mp4")
        let (jobs, _) = try discover(tree, feature: "video-editing")
        XCTAssertEqual(jobs.map(\.id), ["job"])
        XCTAssertEqual(jobs[0].outputs.compactMap(\.localPath), [tree.path("job/outputs/fine.mp4")])
        XCTAssertTrue(jobs[0].problems.contains { $0.text.contains("sneaky.mp4") && $0.text.contains("escapes") })
    }

    func testMissingRootIsAnError() {
        let resolver = PathResolver(roots: [], mediaRoot: nil, ossMappings: [], mediaMap: [:])
        XCTAssertThrowsError(try JobDiscovery(resolver: resolver, defaultFeature: nil).discover(root: "/no/such/folder/x"))
    }
}

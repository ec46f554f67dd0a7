import Foundation
import XCTest
@testable import ClipMeterKit

final class ManifestLoaderTests: XCTestCase {
    private func load(
        _ tree: JobsTempTree, _ name: String, _ text: String, feature: String? = nil,
        timeZone: TimeZone = JobTime.defaultTimeZone
    ) throws -> [JobSpec] {
        let path = try tree.write(name, text)
        let resolver = PathResolver(roots: [tree.root], mediaRoot: nil, ossMappings: [], mediaMap: [:])
        return try ManifestLoader.load(path: path, resolver: resolver, defaultFeature: feature, timeZone: timeZone)
    }

    func testSingleJSONJobWithEveryField() throws {
        let tree = try JobsTempTree()
        let input = try tree.write("job/in/source.mp4")
        let output = try tree.write("job/out/render.mp4")
        let timeline = try tree.write("job/timeline.json", #"{"VideoTracks": []}"#)
        let jobs = try load(
            tree, "job/edit.job.json",
            """
            {"id": "edit-1", "feature": "video-editing", "status": "succeeded", "finishedAt": "2026-11-20T08:57:07+08:00",
             "region": "cn", "inputs": ["in/source.mp4"], "outputs": "out/render.mp4", "timeline": "timeline.json",
             "previewOnly": false, "tokens": 0, "outputDuration": 59.98, "outputWidth": 1920, "outputHeight": 1080,
             "outputCodec": "h264", "edition": "professional", "maxDuration": 60}
            """)
        XCTAssertEqual(jobs.count, 1)
        let job = jobs[0]
        XCTAssertEqual(job.id, "edit-1")
        XCTAssertEqual(job.feature, .videoEditing)
        XCTAssertEqual(job.status, .succeeded)
        XCTAssertEqual(job.finishedAt, jobsDate("2026-11-20T00:57:07Z"))
        XCTAssertEqual(job.region, "cn")
        XCTAssertEqual(job.inputs, [MediaReference(original: "in/source.mp4", localPath: input)])
        XCTAssertEqual(job.outputs, [MediaReference(original: "out/render.mp4", localPath: output)])
        XCTAssertEqual(job.timelinePath, timeline)
        XCTAssertEqual(job.outputDuration, Decimal(string: "59.98"))
        XCTAssertEqual(job.outputWidth, 1920)
        XCTAssertEqual(job.outputHeight, 1080)
        XCTAssertEqual(job.outputCodec, "h264")
        XCTAssertEqual(job.edition, "professional")
        XCTAssertEqual(job.maxDuration, 60)
        XCTAssertEqual(job.tokens, 0)
        XCTAssertTrue(job.isValid, "\(job.problems)")
        XCTAssertTrue(job.warnings.isEmpty, "\(job.warnings)")
    }

    func testAMaxDurationThatAllowsNoOutputIsAnErrorNamingTheField() throws {
        let tree = try JobsTempTree()
        for (index, value) in ["0", "\"-0\"", "1e-7", "0.0009"].enumerated() {
            XCTAssertThrowsError(
                try load(
                    tree, "cap-\(index).job.json",
                    #"{"feature": "video-editing", "outputDuration": 30, "maxDuration": \#(value)}"#)
            ) { error in
                let text = "\(error)"
                XCTAssertTrue(text.contains("maxDuration") && text.contains("at least 0.001 s"), "\(value): \(text)")
            }
        }
        XCTAssertEqual(
            try load(tree, "cap-ok.job.json", #"{"feature": "video-editing", "maxDuration": 0.001}"#).first?.maxDuration,
            Decimal(string: "0.001"))
    }

    func testYAMLListWithGlobsRelativePathsAndDerivedIDs() throws {
        let tree = try JobsTempTree()
        try tree.write("batch/clips/b.mp4")
        try tree.write("batch/clips/a.mp4")
        try tree.write("batch/clips/notes.txt")
        try tree.write("batch/clips/deep/c.mov")
        try tree.write("shared/music.mp3")
        let yaml = """
            - feature: image-text-matching
              inputs:
                - clips/*.mp4
                - ../shared/music.mp3
              outputs: [clips/**/*.mov]
              status: Success
              finishedAt: 2026-11-20 09:00
            - feature: text-generation
              tokens: "900"
              status: Failed
              failureReason: quota
            """
        let manifest = tree.path("batch/clipmeter.yaml")
        let jobs = try load(tree, "batch/clipmeter.yaml", yaml)
        XCTAssertEqual(jobs.map(\.id), ["\(manifest)#1", "\(manifest)#2"])
        XCTAssertEqual(jobs[0].inputs.map(\.original), ["clips/a.mp4", "clips/b.mp4", "../shared/music.mp3"])
        XCTAssertEqual(
            jobs[0].inputs.map(\.localPath),
            [
                tree.path("batch/clips/a.mp4"), tree.path("batch/clips/b.mp4"),
                tree.path("shared/music.mp3"),
            ])
        XCTAssertEqual(jobs[0].outputs.map(\.original), ["clips/deep/c.mov"])
        XCTAssertEqual(jobs[0].status, .succeeded)
        // No offset: read in the billing time zone (Shanghai, UTC+8).
        XCTAssertEqual(jobs[0].finishedAt, jobsDate("2026-11-20T01:00:00Z"))
        XCTAssertEqual(jobs[1].tokens, 900)
        XCTAssertEqual(jobs[1].status, .failed)
        XCTAssertEqual(jobs[1].failureReason, "quota")

        // Loading twice gives the same ids (the ledger records each job once).
        XCTAssertEqual(try load(tree, "batch/clipmeter.yaml", yaml).map(\.id), jobs.map(\.id))
    }

    func testTimeWithoutOffsetFollowsTheGivenTimeZone() throws {
        let tree = try JobsTempTree()
        let jobs = try load(
            tree, "a.job.yaml", "feature: video-editing\nfinishedAt: '2026-11-20T09:00:00'\n",
            timeZone: TimeZone(identifier: "Europe/London")!)
        XCTAssertEqual(jobs[0].finishedAt, jobsDate("2026-11-20T09:00:00Z"))
    }

    func testJobsWrapperSharesDefaultsAndWarnsAboutUnknownKeys() throws {
        let tree = try JobsTempTree()
        let jobs = try load(
            tree, "clipmeter.yaml",
            """
            feature: highlight-extraction
            finished_at: 2026-11-20T10:00:00Z
            jobs:
              - id: one
                outputDuration: 12
                colour: blue
              - id: two
                feature: sports-highlights
                output-resolution: 1280x720
            """)
        XCTAssertEqual(jobs.map(\.feature), [.highlightExtraction, .sportsHighlights])
        XCTAssertEqual(jobs.map(\.finishedAt), [jobsDate("2026-11-20T10:00:00Z"), jobsDate("2026-11-20T10:00:00Z")])
        XCTAssertEqual(jobs[1].outputWidth, 1280)
        XCTAssertEqual(jobs[1].outputHeight, 720)
        XCTAssertTrue(
            jobs[0].warnings.contains { if case .unknownManifestKey("colour", _) = $0 { return true } else { return false } },
            "\(jobs[0].warnings)")
        XCTAssertTrue(jobs[1].warnings.isEmpty)
    }

    func testMalformedManifestsNameFileAndField() throws {
        let tree = try JobsTempTree()
        func error(_ name: String, _ text: String) -> ManifestError? {
            do {
                _ = try load(tree, name, text, feature: "video-editing")
                return nil
            } catch {
                return error as? ManifestError
            }
        }
        let tokens = error("t.job.json", #"[{"id": "a"}, {"id": "b", "tokens": "lots"}]"#)
        XCTAssertEqual(tokens?.path, tree.path("t.job.json"))
        XCTAssertEqual(tokens?.field, "jobs[1].tokens")
        XCTAssertTrue(tokens?.description.contains("lots") ?? false)

        XCTAssertEqual(error("n.job.yaml", "tokens: -5")?.field, "tokens")
        XCTAssertEqual(error("w.job.yaml", "outputWidth: 12.5")?.field, "outputWidth")
        XCTAssertEqual(error("f.job.yaml", "finishedAt: yesterday")?.field, "finishedAt")
        XCTAssertEqual(error("d.job.yaml", "finishedAt: 2026-02-30T10:00:00Z")?.field, "finishedAt")
        XCTAssertEqual(error("p.job.yaml", "previewOnly: maybe")?.field, "previewOnly")
        XCTAssertEqual(error("i.job.yaml", "inputs: [{duration: 3}]")?.field, "inputs[0]")
        XCTAssertTrue(error("bad.job.json", #"{"id": "x""#)?.message.contains("malformed JSON") ?? false)
        XCTAssertTrue(error("bad.job.yaml", "id: [unclosed")?.message.contains("malformed YAML") ?? false)
        XCTAssertTrue(error("empty.job.yaml", "")?.message.contains("empty") ?? false)
        XCTAssertTrue(error("scalar.job.yaml", "just text")?.message.contains("found a string") ?? false)
        XCTAssertThrowsError(
            try ManifestLoader.load(
                path: tree.path("nope.yaml"),
                resolver: PathResolver(roots: [], mediaRoot: nil, ossMappings: [], mediaMap: [:]),
                defaultFeature: nil)
        ) { error in
            XCTAssertTrue((error as? ManifestError)?.message.contains("cannot read") ?? false)
        }
    }

    func testInvalidJobsCarryProblemsInsteadOfFailingTheManifest() throws {
        let tree = try JobsTempTree()
        let jobs = try load(
            tree, "clipmeter.yaml",
            """
            - {id: a, feature: video-editing, status: Processing}
            - {id: b, outputs: [missing.mp4]}
            - {id: c, feature: video-editing, timeline: nowhere.json}
            - {id: d, feature: video-editing, outputs: [{url: "oss://bucket/x.mp4", duration: 20.5}]}
            """)
        XCTAssertTrue(jobs[0].problems.contains { $0.text.contains("Processing") })
        XCTAssertTrue(jobs[1].problems.contains { $0.text.contains("no feature") && $0.remedy == .nameTheFeature })
        XCTAssertEqual(jobs[1].outputs.first?.problem?.hasPrefix("no such file"), true)
        XCTAssertTrue(jobs[2].problems.contains { $0.text.contains("nowhere.json") })
        // An unsynced output with a stated duration keeps it and says so.
        XCTAssertEqual(jobs[3].outputs.first?.reportedDuration, Decimal(string: "20.5"))
        XCTAssertTrue(jobs[3].isValid)
        XCTAssertTrue(
            jobs[3].warnings.contains {
                if case .notSynced(nil, _, _, let seconds, .manifest) = $0 {
                    return seconds == Decimal(string: "20.5")
                } else {
                    return false
                }
            }, "\(jobs[3].warnings)")
    }

    func testInlineTimelineIsHandedOnAsJSON() throws {
        let tree = try JobsTempTree()
        let jobs = try load(
            tree, "t.job.yaml",
            """
            feature: image-text-matching
            previewOnly: yes
            timeline:
              VideoTracks:
                - VideoTrackClips:
                    - {MediaURL: "oss://b/a.mp4", In: 0, Out: 23}
            """)
        XCTAssertTrue(jobs[0].previewOnly)
        let json = try XCTUnwrap(jobs[0].timelineJSON)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let tracks = try XCTUnwrap(object["VideoTracks"] as? [[String: Any]])
        let clips = try XCTUnwrap(tracks.first?["VideoTrackClips"] as? [[String: Any]])
        XCTAssertEqual(clips.first?["Out"] as? Int, 23)
    }

    func testJSONNumbersStayExact() throws {
        let tree = try JobsTempTree()
        let jobs = try load(tree, "n.job.json", #"{"feature": "video-editing", "outputDuration": 0.1}"#)
        XCTAssertEqual(jobs[0].outputDuration, Decimal(string: "0.1"))
        XCTAssertEqual(jobs[0].outputDuration! * 3, Decimal(string: "0.3"))
    }

    func testJobTimeFormats() {
        let shanghai = JobTime.defaultTimeZone
        XCTAssertEqual(JobTime.parse("2026-11-20T00:57:07Z"), jobsDate("2026-11-20T00:57:07Z"))
        XCTAssertEqual(JobTime.parse("2026-11-20T08:57:07+08:00"), jobsDate("2026-11-20T00:57:07Z"))
        XCTAssertEqual(JobTime.parse("2026-11-20T08:57:07+0800"), jobsDate("2026-11-20T00:57:07Z"))
        XCTAssertEqual(JobTime.parse("2026-11-19T19:57:07-05"), jobsDate("2026-11-20T00:57:07Z"))
        XCTAssertEqual(JobTime.parse("2026-11-20 08:57:07", timeZone: shanghai), jobsDate("2026-11-20T00:57:07Z"))
        XCTAssertEqual(JobTime.parse("2026-11-20", timeZone: shanghai), jobsDate("2026-11-19T16:00:00Z"))
        let fractional = try? XCTUnwrap(JobTime.parse("2026-11-20T00:57:07.250Z"))
        XCTAssertEqual(fractional?.timeIntervalSince(jobsDate("2026-11-20T00:57:07Z")) ?? 0, 0.25, accuracy: 0.0001)
        XCTAssertNil(JobTime.parse("20/11/2026"))
        XCTAssertNil(JobTime.parse("2026-13-01T00:00:00Z"))
        XCTAssertNil(JobTime.parse("2026-11-20T24:00:00Z"))
    }
}

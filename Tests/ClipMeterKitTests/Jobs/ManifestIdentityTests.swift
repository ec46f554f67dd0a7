import Foundation
import XCTest
@testable import ClipMeterKit

/// Issue 12 defects 6 and 11: ids as written, duplicate ids, field messages and caps.
final class ManifestIdentityTests: XCTestCase {
    private func load(_ yaml: String, name: String = "clipmeter.yaml") throws -> [JobSpec] {
        let tree = try JobsTempTree()
        let manifest = try tree.write(name, yaml)
        let resolver = PathResolver(roots: [tree.root], mediaRoot: nil, ossMappings: [], mediaMap: [:])
        return try ManifestLoader.load(path: manifest, resolver: resolver, defaultFeature: nil)
    }

    func testIdsAreTheScalarTextAsWritten() throws {
        let jobs = try load(
            """
            - {id: 001, feature: text-generation, tokens: 5}
            - {id: 1, feature: text-generation, tokens: 5}
            - {id: 1.10, feature: text-generation, tokens: 5}
            - {id: 0x1F, feature: text-generation, tokens: 5}
            - {id: "007", feature: text-generation, tokens: 005}
            - {id: true, feature: text-generation, tokens: 5}
            """)
        XCTAssertEqual(jobs.map(\.id), ["001", "1", "1.10", "0x1F", "007", "true"])
        XCTAssertEqual(jobs[4].tokens, 5, "numbers are still numbers where a number is meant")
    }

    /// A manifest's job is its manifest's place plus the id as written: `001` in two trees is two jobs, never one
    /// overwriting the other, and `001` is not `1`.
    func testOneIdInTwoManifestsIsTwoJobs() throws {
        let tree = try JobsTempTree()
        try tree.write("a/clipmeter.yaml", "id: 001\nfeature: text-generation\ntokens: 900\n")
        try tree.write("b/clipmeter.yaml", "id: 001\nfeature: text-generation\ntokens: 90000\n")
        try tree.write("c/clipmeter.yaml", "id: '1'\nfeature: text-generation\ntokens: 900\n")
        let resolver = PathResolver(roots: [tree.root], mediaRoot: nil, ossMappings: [], mediaMap: [:])
        let (jobs, _) = try JobDiscovery(resolver: resolver, defaultFeature: nil).discover(root: tree.root)
        XCTAssertEqual(jobs.map(\.id), ["001", "001", "1"], "001 and 1 do not collide")
        XCTAssertTrue(jobs.allSatisfy(\.isValid))
        let real = PathText.realPath(tree.root)!
        XCTAssertEqual(
            Set(jobs.map(\.key)), [real + "/a/clipmeter.yaml#001", real + "/b/clipmeter.yaml#001", real + "/c/clipmeter.yaml#1"])
    }

    func testIdenticalCopiesOfOneJobAreOneJob() {
        let a = JobSpec(id: "x", feature: .textGeneration, tokens: 900, source: "a.yaml")
        let b = JobSpec(id: "x", feature: .textGeneration, tokens: 900, source: "b.yaml")
        let merged = JobSpec.mergingDuplicateIDs([a, b])
        XCTAssertEqual(merged.count, 1)
        XCTAssertTrue(merged[0].isValid)
        XCTAssertEqual(merged[0].warnings, [.sameJobDescribedTwice(id: "x", by: "b.yaml")])
    }

    func testTokenErrorsTalkAboutTokens() throws {
        XCTAssertThrowsError(try load("feature: text-generation\ntokens: -5\n")) {
            XCTAssertTrue("\($0)".contains("whole number of tokens"), "\($0)")
            XCTAssertFalse("\($0)".contains("seconds"), "\($0)")
        }
        XCTAssertThrowsError(try load("feature: text-generation\ntokens: 1.5\n")) {
            XCTAssertFalse("\($0)".contains("seconds"), "\($0)")
        }
    }

    func testAbsurdQuantitiesAreRefusedNamingTheField() throws {
        XCTAssertThrowsError(try load("feature: video-editing\noutputDuration: 1e30\noutputResolution: 1920x1080\n")) {
            XCTAssertEqual(($0 as? ManifestError)?.field, "outputDuration")
            XCTAssertTrue("\($0)".contains("a year"), "\($0)")
        }
        XCTAssertThrowsError(try load("feature: text-generation\ntokens: 1e20\n")) {
            XCTAssertEqual(($0 as? ManifestError)?.field, "tokens")
        }
        XCTAssertThrowsError(try load("feature: video-editing\noutputDuration: 10\noutputWidth: 10000000\n")) {
            XCTAssertEqual(($0 as? ManifestError)?.field, "outputWidth")
        }
        XCTAssertThrowsError(try load("feature: video-editing\noutputDuration: 1-2\n")) {
            XCTAssertEqual(($0 as? ManifestError)?.field, "outputDuration")
        }
    }
}

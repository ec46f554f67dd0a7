import Billing
import Foundation
import XCTest

@testable import ClipMeterKit

/// A feature name is checked where a source names it; the words a reader sees are those pricing used to give.
final class FeatureNameTests: XCTestCase {
    private func load(_ text: String, feature: String? = nil) throws -> [JobSpec] {
        let tree = try JobsTempTree()
        let path = try tree.write("clipmeter.yaml", text)
        let resolver = PathResolver(roots: [tree.root], mediaRoot: nil, ossMappings: [], mediaMap: [:])
        return try ManifestLoader.load(path: path, resolver: resolver, defaultFeature: feature, timeZone: JobTime.defaultTimeZone)
    }

    func testAnUnknownFeatureIsAProblemOfTheJobWhenTheManifestIsRead() throws {
        let job = try XCTUnwrap(load("id: a\nfeature: teleportation\n").first)
        XCTAssertNil(job.feature)
        XCTAssertEqual(job.problems.map(Wording.text), ["unknown feature \"teleportation\" (known: \(FeatureID.known))"])
    }

    func testTheDefaultFeatureIsCheckedLikeAWrittenOne() throws {
        let job = try XCTUnwrap(load("id: a\n", feature: "bogus").first)
        XCTAssertEqual(job.problems.map(\.unknownFeature), ["bogus"])
    }

    func testOtherProblemsAreReportedAloneAsPricingReportedThemBefore() throws {
        let job = try XCTUnwrap(load("id: a\nfeature: bogus\nstatus: weird\n").first)
        XCTAssertEqual(job.problems.count, 2)
        XCTAssertEqual(
            JobProblem.reported(job.problems).map(Wording.text),
            ["status 'weird' is neither succeeded nor failed (an unfinished job cannot be billed)"])
    }
}

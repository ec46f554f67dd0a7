import Billing
import Foundation
import XCTest
@testable import ClipMeterKit

/// How a request body without `Action` is matched to its API: only when its keys fit exactly one. The sweeps go
/// through every documented key of every API, so a key added to one API's signature cannot make a body that
/// fits two be priced as one of them.
final class IMSRequestSignatureTests: XCTestCase {
    typealias API = IMSRequestAPI
    typealias Place = IMSRequestSignature.Place

    /// A body carrying `keys` (place, key), with a value of the right kind for the required top-level keys.
    private func body(_ keys: [(Place, String)]) -> (
        body: [String: SourceValue], input: [String: SourceValue],
        output: [String: SourceValue]
    ) {
        var body: [String: SourceValue] = [:], input: [String: SourceValue] = [:], output: [String: SourceValue] = [:]
        for (place, key) in keys {
            switch place {
            case .body: body[key] = key == "JobType" ? .string("Some_Type") : .string("x")
            case .input: input[key] = .list([])
            case .output: output[key] = .number(1)
            }
        }
        return (body, input, output)
    }

    private func keys(ownedByAll apis: Set<API>) -> [(Place, String)] {
        Place.allCases.flatMap { place in
            (IMSRequestSignature.owners[place] ?? [:]).filter { apis.isSubset(of: $0.value) }.keys.sorted().map { (place, $0) }
        }
    }

    private func required(_ apis: Set<API>) -> [(Place, String)] {
        apis.flatMap { IMSRequestSignature.required[$0] ?? [] }.map { (Place.body, $0) }
    }

    func testEveryAPIFitsABodyOfItsOwnDocumentedKeys() {
        for api in API.allCases {
            let parts = body(keys(ownedByAll: [api]) + required([api]))
            let verdict = IMSRequestSignature.verdict(body: parts.body, input: parts.input, output: parts.output)
            XCTAssertTrue(verdict.candidates.contains(api), "\(api) must fit its own keys: \(verdict.candidates)")
        }
    }

    /// The class behind a highlight mashup priced as image-text matching: for every two APIs, a body made only
    /// of keys both accept (their required keys included when both accept those too) fits both, so it is
    /// refused, whatever values it carries.
    func testABodyOfKeysTwoAPIsShareIsNeverGivenToOne() throws {
        var checked = 0
        for first in API.allCases {
            for second in API.allCases where first.rawValue < second.rawValue {
                let pair: Set<API> = [first, second]
                let needed = required(pair)
                let owners = IMSRequestSignature.owners[.body] ?? [:]
                guard needed.allSatisfy({ owners[$0.1].map(pair.isSubset) ?? true }) else { continue }
                let shared = keys(ownedByAll: pair)
                guard !shared.isEmpty else { continue }
                // Every shared key together, and each shared key alone.
                for subset in [shared] + shared.map({ [$0] }) {
                    let parts = body(subset + needed)
                    let verdict = IMSRequestSignature.verdict(body: parts.body, input: parts.input, output: parts.output)
                    XCTAssertTrue(
                        verdict.candidates.contains(first) && verdict.candidates.contains(second),
                        "\(subset.map(\.1)) fits \(first) and \(second), found \(verdict.candidates)")
                    let reason = IMSRequestSignature.reason(verdict)
                    XCTAssertTrue(reason.contains(first.rawValue) && reason.contains(second.rawValue), reason)
                    checked += 1
                }
            }
        }
        XCTAssertGreaterThan(checked, 20, "the sweep covered the shared keys")
    }

    // MARK: - Through the loader

    private func api(of json: String) throws -> API {
        let fields = try XCTUnwrap(try SourceValue.json(Data(json.utf8)).mapValue)
        let resolver = PathResolver(roots: [NSTemporaryDirectory()], mediaRoot: nil, ossMappings: [], mediaMap: [:])
        let reader = IMSFields(path: "body.json", resolver: resolver, timeZone: JobTime.defaultTimeZone, root: "")
        return try IMSRequestLoader.api(of: fields, given: nil, reader: reader)
    }

    private func assertRefused(_ json: String, naming apis: [API], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try api(of: json), file: file, line: line) { error in
            let text = "\(error)"
            for api in apis { XCTAssertTrue(text.contains(api.rawValue), text, file: file, line: line) }
            XCTAssertTrue(text.contains("--api"), text, file: file, line: line)
        }
    }

    func testHighlightMashupBodiesAreRefusedWithOrWithoutBoundsOrMedia() {
        let both: [API] = [.submitBatchMediaProducingJob, .submitScreenMediaHighlightsJob]
        let output =
            #""OutputConfig":{"MediaURL":"http://b.oss-cn-shanghai.aliyuncs.com/x_{index}.mp4","Count":1,"Width":1080,"Height":1920"#
        assertRefused(#"{"InputConfig":{"MediaArray":["a"]},\#(output)}}"#, naming: both)
        assertRefused(#"{"InputConfig":{"MediaArray":["a"]},\#(output),"MaxDuration":30}}"#, naming: both)
        assertRefused(#"{"InputConfig":{"MediaArray":[]},\#(output),"MaxDuration":30}}"#, naming: both)
        assertRefused(#"{"InputConfig":"{\"MediaArray\":[]}","OutputConfig":"{\"FixedDuration\":10}","EditingConfig":"{}"}"#, naming: both)
        assertRefused(#"{"InputConfig":{"MediaArray":["a"],"TitleArray":["t"],"SpeechTextArray":["s"]},\#(output)}}"#, naming: both)
        // Only output keys: every batch-production API that takes an OutputConfig of that shape.
        assertRefused(#"{\#(output)}}"#, naming: both + [.submitSportsHighlightsJob])
        // A media array alone also fits highlight extraction.
        assertRefused(#"{"InputConfig":{"MediaArray":["a"]}}"#, naming: both + [.submitHighlightExtractionJob])
    }

    func testKeysOnlyOneAPIDocumentsSettleIt() throws {
        XCTAssertEqual(
            try api(of: #"{"InputConfig":{"MediaGroupArray":[]},"OutputConfig":{"MaxDuration":9}}"#), .submitBatchMediaProducingJob)
        XCTAssertEqual(try api(of: #"{"InputConfig":{"MediaArray":["a"],"HighlightStrategy":{}}}"#), .submitScreenMediaHighlightsJob)
        XCTAssertEqual(try api(of: #"{"InputConfig":{"MediaArray":["a"],"SceneInfo":{"Scene":"General"}}}"#), .submitBatchMediaProducingJob)
        XCTAssertEqual(try api(of: #"{"InputConfig":{"InputMedia":"a"},"OutputConfig":{"Count":1}}"#), .submitSportsHighlightsJob)
        XCTAssertEqual(try api(of: #"{"InputConfig":{"MediaArray":["a"],"Strategy":{}}}"#), .submitHighlightExtractionJob)
        XCTAssertEqual(
            try api(of: #"{"InputConfig":{"MediaArray":["a"]},"OutputConfig":{"NeedExport":false}}"#), .submitHighlightExtractionJob)
        XCTAssertEqual(try api(of: #"{"Timeline":{},"OutputMediaConfig":{}}"#), .submitMediaProducingJob)
        XCTAssertEqual(try api(of: #"{"ProjectIds":"a,b","OutputConfig":{"MaxDuration":5}}"#), .submitSceneBatchEditingJob)
        XCTAssertEqual(try api(of: #"{"JobType":"Smart_Mix_Media_Select","InputConfig":{"MediaArray":[]}}"#), .submitSceneMediaSelectionJob)
        XCTAssertEqual(
            try api(of: #"{"JobType":"Smart_Mix_Timeline_Organize","MediaSelectResult":"{}"}"#), .submitSceneTimelineOrganizationJob)
        XCTAssertEqual(
            try api(of: #"{"Action":"SubmitScreenMediaHighlightsJob","InputConfig":{"MediaArray":[]}}"#), .submitScreenMediaHighlightsJob)
    }

    func testKeysOfDifferentAPIsInOneBodyAreRefusedNamingThem() {
        assertRefused(
            #"{"InputConfig":{"MediaGroupArray":[],"InputMedia":"a"}}"#,
            naming: [.submitBatchMediaProducingJob, .submitSportsHighlightsJob])
        assertRefused(#"{"InputConfig":{"Strategy":{}},"OutputConfig":{"MaxDuration":5}}"#, naming: [.submitHighlightExtractionJob])
        assertRefused(#"{"Timeline":{},"InputConfig":{"MediaArray":[]}}"#, naming: [.submitMediaProducingJob])
        assertRefused(#"{"MediaSelectResult":"{}","InputConfig":{"MediaArray":[]}}"#, naming: [.submitSceneTimelineOrganizationJob])
    }

    // MARK: - OSS URLs written with one slash

    func testOneSlashOSSURLsAreTheURLsTheyStandFor() throws {
        let location = try XCTUnwrap(OSSLocation(url: "http:/xxx.oss-cn-shanghai.aliyuncs.com/xxx_0.mp4"))
        XCTAssertEqual(location.ossURL, "oss://xxx/xxx_0.mp4")
        XCTAssertEqual(location.region, "cn-shanghai")
        XCTAssertEqual(OSSLocation(url: "HTTPS:/b-1.oss-cn-beijing-internal.aliyuncs.com/a/b.mp4")?.ossURL, "oss://b-1/a/b.mp4")
        XCTAssertEqual(OSSLocation(url: "oss:/bucket/key.mp4")?.ossURL, "oss://bucket/key.mp4")
        // oss:// before an endpoint host, as the GetSmartHandleJob example writes its input.
        let endpoint = try XCTUnwrap(OSSLocation(url: "oss://example-bucket.oss-cn-shanghai.aliyuncs.com/example.mp4"))
        XCTAssertEqual(endpoint.ossURL, "oss://example-bucket/example.mp4")
        XCTAssertEqual(endpoint.region, "cn-shanghai")
        XCTAssertEqual(OSSLocation.repaired("oss://bucket/key.mp4"), "oss://bucket/key.mp4", "a proper URL is left alone")
        XCTAssertEqual(
            OSSMapping(bucket: "xxx", prefix: "", localDirectory: "/sync")
                .localPath(for: "http:/xxx.oss-cn-shanghai.aliyuncs.com/xxx_0.mp4"), "/sync/xxx_0.mp4")
        // Not OSS once repaired: left as written.
        XCTAssertNil(OSSLocation(url: "http:/example.com/a.mp4"))
        XCTAssertEqual(OSSLocation.repaired("http:/example.com/a.mp4"), "http:/example.com/a.mp4")
        XCTAssertNil(OSSLocation(url: "http:/"))
        XCTAssertEqual(OSSLocation.repaired("http:///xxx.oss-cn-shanghai.aliyuncs.com/a"), "http:///xxx.oss-cn-shanghai.aliyuncs.com/a")
    }

    func testAOneSlashURLResolvesThroughOSSMapToTheSyncedFile() throws {
        let tree = try JobsTempTree()
        let synced = try tree.write("sync/xxx_0.mp4")
        let resolver = PathResolver(
            roots: [tree.root], mediaRoot: nil,
            ossMappings: [try OSSMapping(parsing: "oss://xxx=\(tree.path("sync"))")], mediaMap: [:])
        let resolved = resolver.resolve("http:/xxx.oss-cn-shanghai.aliyuncs.com/xxx_0.mp4", relativeTo: tree.root)
        XCTAssertEqual(resolved.map(\.localPath), [synced])
        XCTAssertEqual(resolved.first?.original, "http://xxx.oss-cn-shanghai.aliyuncs.com/xxx_0.mp4")
    }
}

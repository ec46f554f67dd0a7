import Foundation
import OSSAccess
import TestSupport
import XCTest

/// The signer against the official SDK: a URL that differs by one byte is refused by OSS with 403, and a
/// user would see every remote input fail.
final class SignerTests: XCTestCase {
    struct Fixtures: Decodable {
        struct Case: Decodable {
            var name: String
            var version: Int
            var endpoint: String
            var region: String?
            var bucket: String
            var key: String
            var method: String
            var expires: Int
            var now: Int
            var securityToken: String?
            var url: String
        }
        var sdk: String
        var accessKeyId: String
        var accessKeySecret: String
        var cases: [Case]
    }

    func fixtures() throws -> Fixtures {
        let url = TestMedia.packageRoot.appendingPathComponent("Tests/Fixtures/oss/presigned-urls.json")
        return try JSONDecoder().decode(Fixtures.self, from: Data(contentsOf: url))
    }

    func testPresignedURLsMatchTheOfficialSDK() throws {
        let fixtures = try fixtures()
        XCTAssertGreaterThanOrEqual(fixtures.cases.filter { $0.version == 4 }.count, 5)
        XCTAssertGreaterThanOrEqual(fixtures.cases.filter { $0.version == 1 }.count, 4)
        for c in fixtures.cases {
            let endpoint = try XCTUnwrap(OSSEndpoint(c.endpoint), c.name)
            let credentials = OSSCredentials(
                accessKeyID: fixtures.accessKeyId, accessKeySecret: fixtures.accessKeySecret,
                securityToken: c.securityToken)
            let url = OSSSigner.presignedURL(
                method: c.method, bucket: c.bucket, key: c.key, endpoint: endpoint,
                credentials: credentials, region: c.version == 4 ? c.region : nil,
                expires: c.expires, now: Date(timeIntervalSince1970: TimeInterval(c.now)))
            XCTAssertEqual(url, c.url, "\(c.name) differs from \(fixtures.sdk)")
        }
    }

    func testTheRegionDecidesTheVersion() throws {
        // V4 wherever the endpoint or the object's URL names the region; V1 only where nothing does.
        let credentials = OSSCredentials(accessKeyID: "id", accessKeySecret: "secret")
        let named = try XCTUnwrap(OSSObjectURL(url: "https://b.oss-cn-shanghai-internal.aliyuncs.com/k/a.mp4"))
        let v4 = try OSSObjectAccess(object: named, endpointOverride: nil, credentials: credentials)
        XCTAssertEqual(v4.region, "cn-shanghai")
        XCTAssertTrue(v4.requestURL(method: "GET", validFor: 60).contains("x-oss-signature-version=OSS4-HMAC-SHA256"))
        XCTAssertTrue(v4.requestURL(method: "GET", validFor: 60).hasPrefix("https://b.oss-cn-shanghai-internal.aliyuncs.com/k/a.mp4?"))

        let bare = try XCTUnwrap(OSSObjectURL(url: "oss://b/k/a.mp4"))
        let gateway = try OSSObjectAccess(object: bare, endpointOverride: "http://127.0.0.1:8080", credentials: credentials)
        XCTAssertNil(gateway.region)
        XCTAssertTrue(
            gateway.requestURL(method: "GET", validFor: 60).hasPrefix("http://127.0.0.1:8080/b/k/a.mp4?OSSAccessKeyId=id&Expires="))

        let anonymous = try OSSObjectAccess(object: bare, endpointOverride: "https://oss-cn-hangzhou.aliyuncs.com", credentials: nil)
        XCTAssertEqual(
            anonymous.requestURL(method: "GET", validFor: 60), "https://b.oss-cn-hangzhou.aliyuncs.com/k/a.mp4",
            "public objects are read without any signature")
    }

    /// Errors are typed: the reason carries the object or endpoint, the words name no command-line flag.
    func testAnOSSURLWithoutEndpointIsTheNoEndpointCase() {
        let bare = OSSObjectURL(url: "oss://b/k.mp4")!
        XCTAssertThrowsError(try OSSObjectAccess(object: bare, endpointOverride: nil, credentials: nil)) { error in
            let access = error as? OSSAccessError
            XCTAssertEqual(access?.reason, .noEndpoint(object: bare))
            XCTAssertEqual(access?.kind, .unsupported)
            XCTAssertTrue("\(error)".contains("oss://b/k.mp4"), "\(error)")
            XCTAssertFalse("\(error)".contains("--"), "\(error)")
        }
        XCTAssertThrowsError(try OSSObjectAccess(object: bare, endpointOverride: "ftp://x", credentials: nil)) { error in
            XCTAssertEqual((error as? OSSAccessError)?.reason, .invalidEndpoint("ftp://x"))
            XCTAssertFalse("\(error)".contains("--"), "\(error)")
        }
        XCTAssertEqual(OSSObjectAccess.statusError(403, url: "https://b.x/k").kind, .forbidden)
        XCTAssertEqual(OSSObjectAccess.statusError(404, url: "https://b.x/k").kind, .notFound)
        XCTAssertEqual(OSSObjectAccess.statusError(302, url: "https://b.x/k").kind, .io)
    }

    /// The endpoint label of a host is read by one parser: region, -internal and accelerate alike.
    func testEndpointLabelsNameTheRegionTheSameWayForEndpointsAndObjects() throws {
        let cases: [(String, String?)] = [
            ("oss-cn-hangzhou", "cn-hangzhou"), ("oss-cn-shanghai-internal", "cn-shanghai"),
            ("oss-accelerate", nil), ("oss-accelerate-overseas", nil), ("oss", nil), ("oss-ap-southeast-1", "ap-southeast-1"),
        ]
        for (label, region) in cases {
            XCTAssertEqual(OSSEndpoint("https://\(label).aliyuncs.com")?.region, region, label)
            let object = try XCTUnwrap(OSSObjectURL(url: "https://bucket.\(label).aliyuncs.com/k.mp4"), label)
            XCTAssertEqual(object.region, region, label)
            XCTAssertEqual(object.endpoint, "https://\(label).aliyuncs.com", label)
        }
        XCTAssertNil(OSSObjectURL(url: "https://bucket.ossx-cn-hangzhou.aliyuncs.com/k.mp4"), "not an OSS label")
        XCTAssertNil(OSSObjectURL(url: "https://bucket.oss-cn-hangzhou.aliyuncs.com.evil.example/k.mp4"), "not Alibaba Cloud's domain")
        XCTAssertNil(OSSEndpoint("https://oss-cn-hangzhou.example.com")?.region)
    }

    func testCredentialsNeverPrint() {
        let credentials = OSSCredentials.fromEnvironment([
            "ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAIid",
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "s3cr3t",
            "ALIBABA_CLOUD_SECURITY_TOKEN": "tok",
        ])
        XCTAssertEqual(credentials?.securityToken, "tok")
        XCTAssertFalse("\(String(describing: credentials))".contains("s3cr3t"))
        XCTAssertNil(OSSCredentials.fromEnvironment(["ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAIid"]), "no secret: anonymous")
    }
}

import Foundation
import MediaProbe
import TestSupport
import XCTest

/// OSS objects measured in place through a real nginx (checked range requests): the same answer as the local
/// file, a bounded read, and the right error record for every way a server fails or lies.
final class ObjectReadTests: XCTestCase {
    private static let secret = "Do-Not-Print-This-Secret-0123456789"

    private func server() throws -> NginxServer {
        do {
            return try SharedNginx.server()
        } catch let error as NginxServer.Unavailable where !SharedNginx.required {
            throw XCTSkip("\(error) (CI unset: skipped; in CI this fails)")
        }
    }

    override func setUp() {
        super.setUp()
        setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI5tTestKeyId", 1)
        setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", Self.secret, 1)
    }

    override func tearDown() {
        unsetenv("ALIBABA_CLOUD_ACCESS_KEY_ID")
        unsetenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET")
        super.tearDown()
    }

    /// Everything an outcome shows a user, as text.
    private func shown(_ outcome: ProbeOutcome) throws -> String {
        switch outcome.result {
        case .success(let facts): return outcome.path + String(decoding: try JSONEncoder().encode(facts), as: UTF8.self)
        case .failure(let error): return outcome.path + "\(error)"
        }
    }

    func testObjectsMeasureExactlyAsTheirLocalFilesWithBoundedReads() throws {
        let nginx = try server()
        let valid = try TestMedia.manifest().filter { $0.kind == "valid" }
        XCTAssertGreaterThanOrEqual(valid.count, 20)
        for mode in [ProbeMode.auto, .exact] {
            let local = MediaProber(options: ProbeOptions(mode: mode))
            let remote = MediaProber(options: ProbeOptions(mode: mode, timeLimit: 20, ossEndpoint: nginx.endpoint))
            for entry in valid {
                let path = try TestMedia.file(entry.name)
                let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int64)
                let before = nginx.requests().count
                let outcome = remote.probe("oss://corpus/\(entry.name)")
                let requests = nginx.requests().dropFirst(before)
                let facts = try XCTUnwrap(outcome.facts, "\(entry.name) (\(mode)): \(String(describing: outcome.error))")
                let reference = try XCTUnwrap(local.probe(path).facts)
                XCTAssertEqual(outcome.path, "oss://corpus/\(entry.name)")
                XCTAssertEqual(facts.container, reference.container, entry.name)
                XCTAssertEqual(facts.containerDuration, reference.containerDuration, "\(entry.name) (\(mode))")
                XCTAssertEqual(facts.durationSource, reference.durationSource, "\(entry.name) (\(mode))")
                XCTAssertEqual(facts.streams.map(\.duration), reference.streams.map(\.duration), "\(entry.name) (\(mode))")
                XCTAssertEqual(facts.size, size)
                // Bounded: never more than the local read plus what a reconnect per seek re-reads, and only
                // as many requests as the demuxer seeks.
                let read = try XCTUnwrap(facts.bytesRead, entry.name)
                let localRead = try XCTUnwrap(reference.bytesRead)
                XCTAssertLessThanOrEqual(
                    read, localRead + 1 << 20, "\(entry.name) (\(mode)): \(read) bytes over HTTP, \(localRead) locally")
                let gets = requests.filter { $0.method == "GET" }
                XCTAssertEqual(requests.filter { $0.method == "HEAD" }.count, 1, entry.name)
                XCTAssertLessThanOrEqual(gets.count, 12, "\(entry.name) (\(mode)): \(gets.map(\.range))")
                XCTAssertLessThanOrEqual(
                    gets.map(\.bodyBytes).reduce(0, +), read + Int64(gets.count) * 262_144,
                    "\(entry.name) (\(mode)): \(gets.map(\.bodyBytes)) \(read) \(gets.map(\.range))")
                // Signed, and the signature goes nowhere but the request.
                XCTAssertTrue(gets.allSatisfy { $0.query.contains("OSSAccessKeyId=LTAI5tTestKeyId") }, "\(requests.map(\.query))")
                let text = try shown(outcome)
                XCTAssertFalse(text.contains(Self.secret) || text.contains("Signature") || text.contains("OSSAccessKeyId"), text)
            }
        }
    }

    func testLongFilesReadOnlyTheirHeadAndTail() throws {
        let nginx = try server()
        let remote = MediaProber(options: ProbeOptions(mode: .auto, timeLimit: 20, ossEndpoint: nginx.endpoint))
        for name in ["mkv-long.mkv", "avi-long.avi", "mp4-60.000.mp4", "flv-concat.flv"] {
            let facts = try XCTUnwrap(remote.probe("oss://corpus/\(name)").facts, name)
            let read = try XCTUnwrap(facts.bytesRead)
            XCTAssertLessThan(
                read * 2, facts.size, "\(name): \(read) of \(facts.size) bytes read; an object must not be downloaded to be measured")
            // FLV's tag chain is read by range requests beside the demuxer: the same answer as the local file.
            if name.hasSuffix(".flv") {
                let local = try XCTUnwrap(MediaProber(options: ProbeOptions(mode: .auto)).probe(try TestMedia.file(name)).facts)
                XCTAssertEqual(facts.durationSource, .tail, "\(facts.warnings)")
                XCTAssertEqual(facts.streams.map(\.duration), local.streams.map(\.duration))
            }
        }
    }

    func testEveryWayAServerFailsGivesItsErrorRecordWithinTheTimeLimitAndTheRestIsMeasured() throws {
        let nginx = try server()
        let limit: TimeInterval = 3
        let prober = MediaProber(options: ProbeOptions(mode: .exact, timeLimit: limit, ossEndpoint: nginx.endpoint))
        let cases: [(String, ProbeErrorCode?)] = [
            ("oss://corpus/mkv.mkv", nil),
            ("oss://forbidden/mkv.mkv", .permissionDenied),
            ("oss://missing/mkv.mkv", .notFound),
            ("oss://unsatisfiable/mkv.mkv", .io),
            ("oss://broken/mkv.mkv", .io),
            ("oss://moved/mkv.mkv", .io),
            ("oss://get-forbidden/mkv.mkv", .permissionDenied),
            ("oss://get-missing/mkv.mkv", .notFound),
            ("oss://get-unsatisfiable/mkv.mkv", .io),
            ("oss://get-broken/mkv.mkv", .io),
            ("oss://get-moved/mkv.mkv", .io),
            ("oss://stall/mkv.mkv", .timeout),
            ("oss://corpus/no-such-object.mp4", .notFound),
            ("oss://corpus/ts-offset.ts", nil),
        ]
        for (url, expected) in cases {
            let started = Date()
            let outcome = prober.probe(url)
            let elapsed = Date().timeIntervalSince(started)
            XCTAssertLessThan(elapsed, limit + 1.5, "\(url) took \(elapsed) s")
            XCTAssertEqual(outcome.error?.code, expected, "\(url): \(String(describing: outcome.error))")
            let text = try shown(outcome)
            XCTAssertFalse(text.contains(Self.secret) || text.contains("Signature="), text)
        }
        // The redirect's target was never read: a 302 ends the read instead of leading elsewhere.
        XCTAssertFalse(nginx.requests().contains { $0.uri.hasPrefix("/redirect-target/") })
    }

    func testATruncatedResponseIsAnIOErrorNotAShorterDuration() throws {
        _ = try server()
        let file = try TestMedia.file("mkv.mkv")
        let truncating = try TruncatingServer(serving: file, sentBytes: 4096)
        defer { truncating.stop() }
        let prober = MediaProber(options: ProbeOptions(mode: .exact, timeLimit: 5, ossEndpoint: truncating.endpoint))
        let outcome = prober.probe("oss://any/mkv.mkv")
        XCTAssertEqual(
            outcome.error?.code, .io, "\(String(describing: outcome.error)) \(String(describing: outcome.facts?.containerDuration))")
    }

    func testEveryLieOfAnEndpointIsAnErrorOnThatObjectNeverAWrongDuration() throws {
        let folder = try TestMedia.temporaryDirectory("clipmeter-lies")
        // Long ones, so the measurement seeks to the tail: where a wrong range gave a wrong duration.
        let names = ["ts-long.ts", "mp4-60.000.mp4", "mkv-long.mkv"]
        for name in names {
            try FileManager.default.copyItem(atPath: try TestMedia.file(name), toPath: folder.appendingPathComponent(name).path)
        }
        try FileManager.default.copyItem(atPath: try TestMedia.file("mkv.mkv"), toPath: folder.appendingPathComponent("swap-target").path)
        let liar = try LyingServer(serving: folder)
        defer { liar.stop() }
        let limit: TimeInterval = 3
        let local = MediaProber(options: ProbeOptions(mode: .auto))
        let remote = MediaProber(options: ProbeOptions(mode: .auto, timeLimit: limit, ossEndpoint: liar.endpoint))
        let lies: [(String, ProbeErrorCode)] = [
            ("ignore-range", .io), ("range-from-zero", .io), ("range-total", .io), ("long-body", .io), ("short-body", .io),
            ("huge-length", .io), ("over-length", .io), ("negative-length", .io), ("no-length", .io), ("swap", .io),
            ("changed", .io), ("etag-drift", .io), ("close", .io), ("close-get", .io), ("garbage", .io), ("stall-get", .timeout),
            ("gzip", .io), ("endless-range", .io),
        ]
        for name in names {
            let reference = try XCTUnwrap(local.probe(try TestMedia.file(name)).facts, name)
            // Honest answers, also when each comes after an interim 100 Continue.
            for bucket in ["honest", "interim"] {
                let honest = try XCTUnwrap(remote.probe("oss://\(bucket)/\(name)").facts, "\(bucket) \(name)")
                XCTAssertEqual(honest.containerDuration, reference.containerDuration, "\(bucket) \(name)")
                XCTAssertEqual(honest.streams.map(\.duration), reference.streams.map(\.duration), "\(bucket) \(name)")
            }
            for (lie, code) in lies where lie != "stall-get" || name == names[0] {
                let started = Date()
                let outcome = remote.probe("oss://\(lie)/\(name)")
                XCTAssertLessThan(Date().timeIntervalSince(started), limit + 1.5, "\(lie) \(name)")
                if let facts = outcome.facts {
                    // Measured only where the lie never touched the bytes read, and then exactly.
                    XCTAssertEqual(lie, "range-from-zero", "\(name) measured through \(lie)")
                    XCTAssertEqual(facts.containerDuration, reference.containerDuration, "\(lie) \(name)")
                    continue
                }
                let error = try XCTUnwrap(outcome.error)
                XCTAssertEqual(error.code, code, "\(lie) \(name): \(error)")
                XCTAssertFalse(error.message.contains("cannot reach"), "\(lie) \(name): the server was reached: \(error.message)")
            }
        }
    }

    func testOSSObjectsAreReadOnlyWithConsent() throws {
        let outcome = MediaProber().probe("oss://corpus/mkv.mkv")
        XCTAssertEqual(outcome.error?.code, .unsupported)
        XCTAssertEqual(outcome.error?.remedy, .readObjectInPlace(ossURL: "oss://corpus/mkv.mkv"))
        let signedLink = "https://b.oss-cn-hangzhou.aliyuncs.com/k.mp4?OSSAccessKeyId=x&Signature=theirs"
        XCTAssertEqual(
            MediaProber.displayName(signedLink), "https://b.oss-cn-hangzhou.aliyuncs.com/k.mp4",
            "a signature pasted into a URL never reaches the output")
    }
}

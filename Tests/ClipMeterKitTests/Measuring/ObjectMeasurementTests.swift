@testable import ClipMeterKit
import Foundation
import Ledger
import MediaProbe
import TestSupport
import XCTest

/// Objects read in place and the measurement cache: an unchanged object costs one HEAD on a re-scan and no
/// media byte; a changed one (new ETag) is measured again.
final class ObjectMeasurementTests: XCTestCase {
    /// The ledger's role, in memory.
    final class MemoryCache: MeasurementCache {
        var entries: [MeasurementKey: Data] = [:]
        func lookup(_ keys: [MeasurementKey]) throws -> [MeasurementKey: Data] { entries.filter { keys.contains($0.key) } }
        func store(_ entries: [(key: MeasurementKey, facts: Data)]) throws {
            for entry in entries { self.entries[entry.key] = entry.facts }
        }
    }

    private func server() throws -> NginxServer {
        do {
            return try SharedNginx.server()
        } catch let error as NginxServer.Unavailable where !SharedNginx.required {
            throw XCTSkip("\(error) (CI unset: skipped; in CI this fails)")
        }
    }

    func testAReScanOfUnchangedObjectsReadsNoMediaBytes() throws {
        let nginx = try server()
        let prober = MediaProber(options: ProbeOptions(mode: .exact, timeLimit: 20, ossEndpoint: nginx.endpoint, remoteJobs: 4))
        let objects = ["oss://corpus/mkv-long.mkv", "oss://corpus/flv.flv", "oss://corpus/mp4-av.mp4", "oss://missing/x.mp4"]
        let cache = MemoryCache()

        let first = MediaMeasurer(prober: prober, jobs: 2, cache: cache)
        first.measure(objects)
        XCTAssertEqual(first.probedCount, 3)
        guard case .failure(let missing)? = first.outcome(for: "oss://missing/x.mp4") else { return XCTFail("a 404 is an error") }
        XCTAssertEqual(missing.code, .notFound)
        XCTAssertEqual(cache.entries.count, 3, "a 404 may pass: never cached")
        XCTAssertEqual(
            Set(cache.entries.keys.map(\.path)), ["oss://corpus/mkv-long.mkv", "oss://corpus/flv.flv", "oss://corpus/mp4-av.mp4"])

        let before = nginx.requests().count
        let second = MediaMeasurer(prober: prober, jobs: 2, cache: cache)
        second.measure(objects)
        let requests = nginx.requests().dropFirst(before)
        XCTAssertEqual(second.cachedCount, 3)
        XCTAssertEqual(second.probedCount, 0)
        XCTAssertEqual(requests.filter { $0.method == "GET" }.count, 0, "\(requests.map(\.uri))")
        XCTAssertEqual(requests.filter { $0.method == "HEAD" }.count, 4, "one HEAD per object, nothing more")
        for object in objects.prefix(3) {
            XCTAssertEqual(try second.outcome(for: object)?.get(), try first.outcome(for: object)?.get(), object)
        }

        // The same object under its https name has the same identity, so the same cache entry.
        let identity = try XCTUnwrap(try prober.objectIdentity("https://corpus.oss-cn-hangzhou.aliyuncs.com/flv.flv")?.get())
        XCTAssertEqual(identity.objectURL, "oss://corpus/flv.flv")
        XCTAssertNotNil(cache.entries[MeasurementKey.object(identity, mode: .exact)])
    }

    func testAChangedETagIsANewKey() {
        let a = ObjectIdentity(objectURL: "oss://b/k.mp4", size: 100, etag: "5B3C1A2E053D763E1B002CC607C5A0FE")
        var b = a
        b.etag = "5B3C1A2E053D763E1B002CC607C5A0FF"
        XCTAssertNotEqual(MeasurementKey.object(a, mode: .auto), MeasurementKey.object(b, mode: .auto))
        XCTAssertEqual(MeasurementKey.object(a, mode: .auto), MeasurementKey.object(a, mode: .auto), "stable across runs")
    }
}

@testable import ClipMeterKit
import Foundation
import Ledger
import MediaProbe
import TestSupport
import XCTest

/// Issue 11: measurements cache typed warnings now; ledgers written before keep their warnings in words, and
/// those rows must still be read (as `.recorded`), not measured again nor dropped.
final class CachedWarningTests: XCTestCase {
    func testAMeasurementCachedWithWordsByAnOlderVersionIsStillRead() throws {
        let dir = try TestMedia.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let media = dir.appendingPathComponent("talk.mp3").path
        try FileManager.default.copyItem(atPath: try TestMedia.file("mp3-noxing.mp3"), toPath: media)
        let ledger = try Ledger(path: dir.appendingPathComponent("ledger.sqlite").path)
        let cache = LedgerMeasurementCache(ledger: ledger)
        let prober = MediaProber(options: ProbeOptions(mode: .fast))

        let first = MediaMeasurer(prober: prober, jobs: 1, cache: cache)
        first.settleSeconds = 0
        first.measure([media])
        XCTAssertEqual(first.probedCount, 1)
        let measured = try XCTUnwrap(first.outcome(for: media)?.get())
        XCTAssertEqual(measured.warnings, [.estimatedFromBitrate])

        // Rewrite the row as a version before the typed warnings wrote it: the warnings as plain strings.
        let key = try XCTUnwrap(MeasurementKey.current(path: media, mode: .fast))
        let stored = try XCTUnwrap(try cache.lookup([key])[key])
        var outcome = try XCTUnwrap(JSONSerialization.jsonObject(with: stored) as? [String: Any])
        var wrapper = try XCTUnwrap(outcome["measured"] as? [String: Any])
        var row = try XCTUnwrap(wrapper["_0"] as? [String: Any])
        let oldWords = "estimated-from-bitrate: libavformat estimated this duration from the bit rate; it is not exact (use --mode exact)"
        row["warnings"] = [oldWords]
        wrapper["_0"] = row
        outcome["measured"] = wrapper
        try cache.store([(key, try JSONSerialization.data(withJSONObject: outcome))])

        let second = MediaMeasurer(prober: prober, jobs: 1, cache: cache)
        second.settleSeconds = 0
        second.measure([media])
        XCTAssertEqual(second.cachedCount, 1, "the old row is read, not measured again")
        XCTAssertEqual(second.probedCount, 0)
        let cached = try XCTUnwrap(second.outcome(for: media)?.get())
        XCTAssertEqual(cached.warnings, [.recorded(oldWords)])
        XCTAssertEqual(cached.seconds, measured.seconds)
        XCTAssertEqual(Wording.warnings(cached), [oldWords], "shown as it was written, with no second flag hint")
        // The new form is what this version writes, and what it reads back.
        XCTAssertEqual(Wording.warnings(measured), [oldWords], "the typed warning reads as the old words did")
    }
}

import Billing
import Foundation
import Quantities
@testable import Reconcile

/// The committed bill fixtures (scripts/make-bill-fixtures) and the jobs they were written for, priced by the real
/// pricer from the durations and sizes of the media the end-to-end tests make.
enum Fixtures {
    static let shanghai = TimeZone(identifier: "Asia/Shanghai")!

    static var directory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/bills")
    }

    static func data(_ name: String) throws -> Data { try Data(contentsOf: directory.appendingPathComponent(name)) }

    static func read(_ names: String...) throws -> BillReading {
        var reading = BillReading()
        for name in names { reading.merge(try BillFile.read(try data(name), file: name, zone: shanghai)) }
        return reading
    }

    static func itemMap() throws -> ItemMap { try ItemMap.load(try data("ims-item-map.yaml"), file: "ims-item-map.yaml") }

    static func card() throws -> RateCard { try RateCardLoader.bundled("cn") }

    /// 2026-10-15 at `time` (HH:MM:SS) in Shanghai.
    static func october15(_ time: String) -> Date { DateText.parse("2026-10-15T\(time)+08:00")! }

    static func video(_ path: String, _ seconds: Decimal, _ width: Int, _ height: Int, _ codec: String) -> MeasuredMedia {
        MeasuredMedia(path: path, seconds: Seconds(seconds), width: width, height: height, codec: codec)
    }

    /// The jobs of the "statuses" scenario: one per finding the bill fixture was designed for.
    static func statusJobs(leaving out: Set<String> = []) -> [BillableJob] {
        let jobs = [
            BillableJob(
                id: "hd-match", feature: .mpsTranscode, finishedAt: october15("08:10:00"),
                outputs: [video("hd.mp4", 90, 1920, 1080, "h264")]),
            BillableJob(
                id: "sd-hevc-price", feature: .mpsTranscode, finishedAt: october15("09:10:00"),
                outputs: [video("sd.mp4", 120, 1280, 720, "hevc")]),
            BillableJob(
                id: "extraction", feature: .highlightExtraction, finishedAt: october15("10:10:00"),
                inputs: [MeasuredMedia(path: "match.mp4", seconds: 150)]),
            BillableJob(
                id: "matching-amount", feature: .imageTextMatching, finishedAt: october15("11:10:00"),
                inputs: [MeasuredMedia(path: "in.mp4", seconds: 60)], outputs: [video("out.mp4", 30, 1280, 720, "h264")]),
            BillableJob(
                id: "matching-plan", feature: .imageTextMatching, finishedAt: october15("12:10:00"),
                inputs: [MeasuredMedia(path: "in.mp4", seconds: 60)], outputs: [video("out2.mp4", 30, 1280, 720, "h264")]),
            BillableJob(
                id: "sd-unbilled", feature: .mpsTranscode, finishedAt: october15("14:10:00"),
                outputs: [video("sd2.mp4", 60, 1280, 720, "h264")]),
            BillableJob(
                id: "uhd-late", feature: .mpsTranscode, finishedAt: october15("15:59:50"),
                outputs: [video("uhd.mp4", 60, 3840, 2160, "h264")]),
        ]
        return jobs.filter { !out.contains($0.id) }
    }

    static func side(_ jobs: [BillableJob], card: RateCard, rounding: RoundingScope = .perTask) -> ClipMeterSide {
        let bill = Pricer(card: card, options: PricingOptions(rounding: rounding)).price(jobs)
        var side = ClipMeterSide()
        side.add(bill.jobs, currency: bill.currency, from: "test ledger", card: card)
        return side
    }
}

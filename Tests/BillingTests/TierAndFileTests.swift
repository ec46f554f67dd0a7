import Billing
import Foundation
import XCTest

/// Per-output-file pricing (video editing, MPS): resolution tiers, codecs, audio, MPS's 2-decimal rounding.
final class TierAndFileTests: XCTestCase {
    func testTierTableIgnoresOrientation() {
        let table: [(Int, Int, String?)] = [
            (640, 480, "LD"), (480, 640, "LD"), (641, 360, "SD"), (720, 1280, "SD"), (1280, 720, "SD"), (1280, 721, "HD"),
            (1920, 1080, "HD"), (1080, 1920, "HD"), (1920, 823, "HD"), (1920, 1098, "2K"), (2560, 1440, "2K"),
            (3840, 2160, "4K"), (2160, 3840, "4K"), (4096, 2160, nil), (3840, 2161, nil), (7680, 4320, nil),
        ]
        for (width, height, tier) in table {
            XCTAssertEqual(
                ResolutionTier.classify(width: width, height: height, in: ResolutionTier.standard)?.name, tier, "\(width)×\(height)")
        }
    }

    func testTranscodePricesEachOutputByCodecAndTier() throws {
        let job = try priceOne(
            BillableJob(
                id: "m", feature: .mpsTranscode,
                outputs: [
                    media("portrait.mp4", "60", 720, 1280, codec: "h264"),  // SD h264 0.0326 × 1
                    media("wide.mp4", "60", 1920, 823, codec: "hevc"),  // HD h265 0.3255 × 1
                    media("tall.mp4", "60", 1920, 1098, codec: "h264"),  // 2K h264 0.14 × 1
                ]))
        XCTAssertEqual(job.items.map(\.unitPrice), [dec("0.0326"), dec("0.3255"), dec("0.14")])
        XCTAssertEqual(job.cost?.amount, dec("0.4981"))
        XCTAssertEqual(job.items[1].component, "mps-transcode h265 HD 1920×823: wide.mp4")
        XCTAssertNil(job.reason)
    }

    func testLargerThan4KHasNoPriceAndSaysSo() throws {
        let bill = try price([
            BillableJob(
                id: "big", feature: .mpsTranscode,
                outputs: [
                    media("8k.mp4", "60", 7680, 4320, codec: "h264"), media("hd.mp4", "60", 1920, 1080, codec: "h264"),
                ])
        ])
        let job = bill.jobs[0]
        XCTAssertNil(job.cost, "one file without a price makes the job's cost unknown, never a partial sum")
        XCTAssertEqual(job.unknown?.code, "no-price")
        XCTAssertEqual(job.items[1].cost, dec("0.0651"), "the HD file's own line is still priced")
        XCTAssertEqual(bill.total.amount, 0, "the job is out of the total")
        XCTAssertNil(job.items[0].unitPrice)
        XCTAssertEqual(job.items[0].cost, 0)
        XCTAssertTrue(
            job.items[0].explain.contains("no price: 7680×4320 is larger than the largest tier 4K (3840×2160)"), job.items[0].explain)
        XCTAssertEqual(job.reason, "no price: 8k.mp4: 7680×4320 is larger than the largest tier 4K (3840×2160)")
        XCTAssertTrue(
            bill.warnings.contains(.job(id: "big", .noPrice("8k.mp4: 7680×4320 is larger than the largest tier 4K (3840×2160)"))),
            "\(bill.warnings)")
    }

    func testAV1HasNoPriceInBundledCards() throws {
        let job = try priceOne(BillableJob(id: "a", feature: .mpsTranscode, outputs: [media("o.webm", "60", 1280, 720, codec: "av1")]))
        XCTAssertNil(job.cost)
        XCTAssertEqual(job.unknown, .noPrice("o.webm: card cn has no av1 price for mps-transcode (priced codecs: h264, h265)"))
        XCTAssertEqual(job.reason, "no price: o.webm: card cn has no av1 price for mps-transcode (priced codecs: h264, h265)")
    }

    func testCodecNamesMapToPriceCodecs() {
        XCTAssertEqual(Pricer.priceCodec("hevc"), "h265")
        XCTAssertEqual(Pricer.priceCodec("H264"), "h264")
        XCTAssertEqual(Pricer.priceCodec("av1"), "av1")
        XCTAssertEqual(Pricer.priceCodec("vp9"), "vp9")
    }

    func testAudioOnlyOutputUsesTheAudioPrice() throws {
        let cn = try priceOne(BillableJob(id: "a", feature: .mpsTranscode, outputs: [media("o.m4a", "120")]))
        XCTAssertEqual(cn.cost?.amount, dec("0.0112"))
        XCTAssertEqual(cn.items[0].component, "mps-transcode audio: o.m4a")
        let intl = try priceOne(BillableJob(id: "a", feature: .mpsTranscode, outputs: [media("o.m4a", "120")]), card: "intl-london")
        XCTAssertNil(intl.cost)
        XCTAssertEqual(intl.reason, "no price: o.m4a: card intl-london has no audio-only price for mps-transcode")
    }

    func testMPSRoundsMinutesToTwoDecimalsHalfUp() throws {
        // (seconds, billed minutes) under the historical MPS rule.
        let table: [(String, String)] = [
            ("0.3", "0.02"),  // under 1 s counts 0.02 min
            ("0.999", "0.02"),
            ("1", "0.02"),  // 0.01667 → 0.02
            ("1.5", "0.03"),  // 0.025 → 0.03 (half up)
            ("1.49", "0.02"),  // 0.02483 → 0.02
            ("23.5", "0.39"),  // 0.39167
            ("59.7", "1"),  // 0.995 → 1.00
            ("60", "1"),
            ("61", "1.02"),  // 1.01667 → 1.02, no whole-minute rounding
        ]
        for (seconds, minutes) in table {
            let job = try priceOne(
                BillableJob(id: "m", feature: .mpsTranscode, outputs: [media("o.mp4", seconds, 1920, 1080, codec: "h264")]))
            XCTAssertEqual(job.items[0].billedQuantity, dec(minutes), "\(seconds) s")
            XCTAssertEqual(job.cost?.amount, dec(minutes) * dec("0.0651"), "\(seconds) s")
        }
        let job = try priceOne(BillableJob(id: "m", feature: .mpsTranscode, outputs: [media("o.mp4", "23.5", 1920, 1080, codec: "h264")]))
        XCTAssertEqual(job.items[0].explain, "23.5 s / 60 = 0.3917 min → rounded half up to 0.39 min × 0.0651 CNY/min = 0.025389 CNY")
        XCTAssertTrue(
            job.diagnostics.contains { if case .unverifiedRounding("mps-transcode", _, _, _) = $0 { return true } else { return false } },
            "\(job.diagnostics)")
        XCTAssertTrue(
            job.diagnostics.contains {
                if case .unverifiedPrice(let item, _, _, _, _, _, _) = $0 {
                    return item.hasPrefix("mps-transcode h264 HD")
                } else {
                    return false
                }
            }, "\(job.diagnostics)")
    }

    func testIntlTranscodeIsVerifiedPriceButUnverifiedRounding() throws {
        let bill = try price(
            [BillableJob(id: "m", feature: .mpsTranscode, outputs: [media("o.mp4", "90", 3840, 2160, codec: "hevc")])],
            card: "intl-riyadh"
        )
        XCTAssertEqual(bill.total.amount, dec("0.45"))  // 1.5 min × 0.3
        XCTAssertEqual(bill.warnings.count, 1)
        guard case .card(.unverifiedRounding) = bill.warnings[0] else { return XCTFail("\(bill.warnings[0])") }
    }

    func testH265LDOnlyPricedForChineseMainland() throws {
        let job = BillableJob(id: "m", feature: .mpsTranscode, outputs: [media("o.mp4", "60", 640, 360, codec: "hevc")])
        XCTAssertEqual(try priceOne(job, card: "intl-cn-mainland").cost?.amount, dec("0.0165"))
        XCTAssertEqual(
            try priceOne(job, card: "intl-japan").reason, "no price: o.mp4: card intl-japan has no h265 LD price for mps-transcode")
    }

    func testVideoEditingBillsAtLeastOneMinutePerOutputByEdition() throws {
        let short = BillableJob(id: "v", feature: .videoEditing, outputs: [media("o.mp4", "20", 1920, 1080, codec: "h264")])
        XCTAssertEqual(try priceOne(short).cost?.amount, dec("0.0651"))  // 20 s → at least 1 min
        var professional = short
        professional.edition = "professional"
        XCTAssertEqual(try priceOne(professional).cost?.amount, dec("0.293"))
        var unknown = short
        unknown.edition = "ultimate"
        let job = try priceOne(unknown)
        XCTAssertNil(job.cost)
        XCTAssertTrue(job.reason?.contains("no \"ultimate\" edition") ?? false, job.reason ?? "nil")

        let long = BillableJob(id: "v", feature: .videoEditing, outputs: [media("o.mp4", "150", 3840, 2160, codec: "hevc")])
        XCTAssertEqual(try priceOne(long).cost?.amount, dec("3.5"))  // 2.5 min × 1.40
        XCTAssertEqual(try priceOne(short).items[0].explain, "20 s / 60 = 0.3333 min → at least 1 min × 0.0651 CNY/min = 0.0651 CNY")
    }

    func testRequestedCodecAndUnknownCodec() throws {
        var job = BillableJob(id: "e", feature: .videoEditing, outputs: [media("planned", "60", 1280, 720)], outputCodec: "hevc")
        XCTAssertEqual(try priceOne(job).cost?.amount, dec("0.1628"))
        job.outputCodec = nil
        let assumed = try priceOne(job)
        XCTAssertEqual(assumed.cost?.amount, dec("0.0326"))
        XCTAssertTrue(assumed.diagnostics.contains(.codecUnknown(file: "planned")), "\(assumed.diagnostics)")
    }

    func testVideoEditingHasNoUSDPrice() throws {
        let job = try priceOne(
            BillableJob(id: "v", feature: .videoEditing, outputs: [media("o.mp4", "60", 1920, 1080, codec: "h264")]),
            card: "intl-us-silicon-valley"
        )
        XCTAssertNil(job.cost)
        XCTAssertEqual(job.unknown?.code, "no-price")
        XCTAssertTrue(job.reason?.hasPrefix("no price: video-editing: no USD video editing price") ?? false, job.reason ?? "nil")
    }

    func testRemuxIsAFlatPerMinutePrice() throws {
        let job = try priceOne(
            BillableJob(
                id: "r", feature: .mpsRemux,
                outputs: [
                    media("a.mp4", "90", 3840, 2160, codec: "hevc"), media("b.m4a", "30"),
                ]))
        XCTAssertEqual(job.cost?.amount, dec("1.5") * dec("0.007") + dec("0.5") * dec("0.007"))
        XCTAssertEqual(
            try priceOne(BillableJob(id: "r", feature: .mpsRemux, outputs: [media("a.mp4", "90")]), card: "intl-london").cost, nil)
    }

    func testNoOutputsIsNothingMeasuredNotZero() throws {
        let job = try priceOne(BillableJob(id: "n", feature: .mpsTranscode))
        XCTAssertNil(job.cost)
        XCTAssertEqual(job.unknown, .nothingMeasured("no output files for mps-transcode"))
        XCTAssertEqual(job.reason, "nothing measured: no output files for mps-transcode")
    }
}

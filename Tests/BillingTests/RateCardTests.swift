import Billing
import Foundation
import XCTest

/// Bundled cards and the validation of custom ones: every error names the file and the field.
final class RateCardTests: XCTestCase {
    private let validYAML = """
        id: my-contract
        name: Negotiated prices
        currency: CNY
        sources: [contract 2026-07]
        readOn: "2026-07-01"
        features:
          text-generation:
            basis: tokens
            price: "0.10"
          image-text-matching:
            basis: input-plus-output-seconds
            price: 0.25
            previewOnly: timeline-as-output
            rounding: {mode: up, decimals: 0, minimum: 1}
        """

    private func loadError(_ text: String, name: String = "card.yaml", file: StaticString = #filePath, line: UInt = #line) -> RateCardError?
    {
        do {
            _ = try RateCardLoader.load(data: Data(text.utf8), name: name)
            XCTFail("expected an error", file: file, line: line)
            return nil
        } catch let error as RateCardError {
            return error
        } catch {
            XCTFail("unexpected error type \(error)", file: file, line: line)
            return nil
        }
    }

    private func yaml(replacing old: String, with new: String) -> String {
        validYAML.replacingOccurrences(of: old, with: new)
    }

    func testEveryBundledCardLoadsWithSourcesAndDate() throws {
        XCTAssertEqual(RateCardLoader.bundledIDs.count, 10)
        for id in RateCardLoader.bundledIDs {
            let card = try RateCardLoader.bundled(id)
            XCTAssertEqual(card.id, id)
            XCTAssertFalse(card.sources.isEmpty, id)
            XCTAssertTrue(card.readOn.range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) != nil, "\(id): \(card.readOn)")
            XCTAssertEqual(card.currency, id == "cn" ? "CNY" : "USD")
            XCTAssertEqual(Set(card.features.keys), Set(FeatureID.allCases.map(\.rawValue)), "\(id) lists every feature, priced or not")
            XCTAssertEqual(card.tiers, ResolutionTier.standard)
            XCTAssertFalse(card.tableRows().isEmpty)
        }
    }

    func testChinaCardMarksHistoricalPricesUnverified() throws {
        let cn = try RateCardLoader.bundled("cn")
        for id in ["text-generation", "image-text-matching", "highlight-extraction"] {
            XCTAssertEqual(cn.features[id]?.verified, true, id)
        }
        for id in ["video-editing", "mps-transcode", "mps-remux"] {
            XCTAssertEqual(cn.features[id]?.verified, false, id)
            XCTAssertEqual(cn.features[id]?.rounding.verified, false, id)
        }
        XCTAssertEqual(cn.features["mps-transcode"]?.prices?.codecPrices["h265"]?["SD"], dec("0.163"))
        XCTAssertEqual(cn.features["video-editing"]?.editions?["basic"]?.codecPrices["h265"]?["SD"], dec("0.1628"))
    }

    func testUnknownBundledCardNamesTheChoices() {
        XCTAssertThrowsError(try RateCardLoader.bundled("intl-mars")) { error in
            XCTAssertTrue("\(error)".contains("bundled: cn, intl-cn-mainland"), "\(error)")
        }
    }

    func testCustomYAMLCardPricesTheSeedExample() throws {
        let custom = try RateCardLoader.load(data: Data(validYAML.utf8), name: "card.yaml")
        XCTAssertEqual(custom.id, "my-contract")
        XCTAssertEqual(custom.features["image-text-matching"]?.price, dec("0.25"))
        let bill = Pricer(card: custom).price([
            BillableJob(
                id: "seed", feature: .imageTextMatching, inputs: [media("in", "90")], outputs: [media("out", "23")], tokens: 900
            )
        ])
        XCTAssertEqual(bill.total.amount, dec("0.6"))  // 2 × 0.25 + 0.10
        XCTAssertEqual(bill.rateCard, "my-contract")
        let noVideo = Pricer(card: custom).price([BillableJob(id: "v", feature: .mpsTranscode, outputs: [media("o", "60", 1920, 1080)])])
        XCTAssertEqual(noVideo.jobs[0].reason, "no price: card my-contract has no price for mps-transcode")
    }

    func testYAMLFlowMappingIsNotMistakenForJSON() throws {
        let text = "{id: flow, currency: USD, features: {text-generation: {basis: tokens, price: 0.02}}}"
        let card = try RateCardLoader.load(data: Data(text.utf8), name: "flow.yaml")
        XCTAssertEqual(card.features["text-generation"]?.price, dec("0.02"))
    }

    func testJSONCardRoundTrip() throws {
        let cn = try RateCardLoader.bundled("cn")
        let data = try JSONEncoder().encode(cn)
        XCTAssertEqual(try RateCardLoader.load(data: data, name: "cn-copy.json"), cn)
    }

    func testNegativePriceNamesTheField() {
        let error = loadError(yaml(replacing: "price: 0.25", with: "price: -0.3"))
        XCTAssertEqual(error?.field, "features.image-text-matching.price")
        XCTAssertEqual(error?.description, "card.yaml: features.image-text-matching.price: negative price -0.3")
    }

    func testMissingPriceNamesTheField() {
        let error = loadError(yaml(replacing: "    price: 0.25\n", with: ""))
        XCTAssertEqual(error?.field, "features.image-text-matching.price")
        XCTAssertTrue(error?.message.hasPrefix("missing price") ?? false, "\(String(describing: error))")
    }

    func testUnknownFeatureNamesTheField() {
        let error = loadError(yaml(replacing: "  image-text-matching:", with: "  image-text-matchng:"))
        XCTAssertEqual(error?.field, "features.image-text-matchng")
        XCTAssertTrue(error?.message.contains("unknown feature id") ?? false, "\(String(describing: error))")
    }

    func testUnknownBasisNamesTheField() {
        let error = loadError(yaml(replacing: "basis: input-plus-output-seconds", with: "basis: per-frame"))
        XCTAssertEqual(error?.field, "features.image-text-matching.basis")
        XCTAssertTrue(error?.message.contains("unknown basis \"per-frame\"") ?? false, "\(String(describing: error))")
    }

    func testNonNumericPriceNamesTheField() {
        let error = loadError(yaml(replacing: "price: \"0.10\"", with: "price: \"ten cents\""))
        XCTAssertEqual(error?.field, "features.text-generation.price")
    }

    func testUnknownRoundingModeNamesTheField() {
        let error = loadError(yaml(replacing: "mode: up", with: "mode: sideways"))
        XCTAssertEqual(error?.field, "features.image-text-matching.rounding.mode")
        XCTAssertTrue(
            error?.message.contains("unknown rounding mode \"sideways\" (expected one of: up, half-up, none)") ?? false,
            "\(String(describing: error))")
    }

    func testUnknownPreviewOnlyRuleListsTheValidOnes() {
        let error = loadError(yaml(replacing: "previewOnly: timeline-as-output", with: "previewOnly: half"))
        XCTAssertEqual(error?.field, "features.image-text-matching.previewOnly")
        XCTAssertTrue(
            error?.message.contains("unknown previewOnly rule \"half\" (expected one of: free, timeline-as-output)") ?? false,
            "\(String(describing: error))")
    }

    func testMissingCurrencyNamesTheField() {
        let error = loadError(yaml(replacing: "currency: CNY\n", with: ""))
        XCTAssertEqual(error?.field, "currency")
    }

    func testMalformedInputsAreErrorsNotCrashes() {
        let json = loadError("{\"id\": \"x\", \"currency\": ", name: "broken.json")
        XCTAssertEqual(json?.file, "broken.json")
        XCTAssertEqual(json?.field, "")
        XCTAssertTrue(json?.message.hasPrefix("malformed JSON") ?? false, "\(String(describing: json))")
        let yaml = loadError("id: [unclosed\n  currency: CNY", name: "broken.yaml")
        XCTAssertTrue(yaml?.message.contains("YAML") ?? false, "\(String(describing: yaml))")
        XCTAssertNotNil(loadError("", name: "empty.yaml"))
        XCTAssertEqual(loadError("- just\n- a list\n", name: "list.yaml")?.message, "wrong type, expected an object (key: value fields)")
    }

    func testJSONPriceTableErrorsNameTheCell() {
        let negative = """
            {"id": "x", "currency": "USD", "features": {"mps-transcode": {"basis": "output-files",
              "prices": {"codecPrices": {"h264": {"HD": "-0.01"}}}}}}
            """
        XCTAssertEqual(loadError(negative, name: "x.json")?.field, "features.mps-transcode.prices.codecPrices.h264.HD")
        let badTier = negative.replacingOccurrences(of: "\"HD\": \"-0.01\"", with: "\"8K\": \"0.5\"")
        let error = loadError(badTier, name: "x.json")
        XCTAssertEqual(error?.field, "features.mps-transcode.prices.codecPrices.h264.8K")
        XCTAssertTrue(error?.message.contains("unknown tier") ?? false)
        let noPrices = """
            {"id": "x", "currency": "USD", "features": {"mps-transcode": {"basis": "output-files"}}}
            """
        XCTAssertEqual(loadError(noPrices, name: "x.json")?.field, "features.mps-transcode.price")
        let badTarget = """
            {"id": "x", "currency": "USD", "features": {"script-to-video": {"basis": "as-feature", "billedAs": "editing"}}}
            """
        XCTAssertEqual(loadError(badTarget, name: "x.json")?.field, "features.script-to-video.billedAs")
    }

    func testCodecsOnACardAreReadAsIMSSpellsThem() throws {
        let text = """
            {"id": "x", "currency": "USD", "tiers": [{"name": "HD", "longSide": 1920, "shortSide": 1080}],
             "features": {"mps-transcode": {"basis": "output-files", "unit": "minute",
              "prices": {"codecPrices": {"H.264": {"HD": "0.1"}, "HEVC": {"HD": "0.5"}}}}}}
            """
        let card = try RateCardLoader.load(data: Data(text.utf8), name: "x.json")
        XCTAssertEqual(card.features["mps-transcode"]?.prices?.codecPrices.keys.sorted(), ["h264", "h265"])
        let job = Pricer(card: card).price([
            BillableJob(
                id: "t", feature: .mpsTranscode,
                outputs: [
                    media("a.mp4", "60", 1920, 1080, codec: "hevc"), media("b.mp4", "60", 1920, 1080, codec: "H.264"),
                ])
        ]).jobs[0]
        XCTAssertNil(job.unknown, "\(String(describing: job.reason))")
        XCTAssertEqual(job.items.compactMap(\.unitPrice), [dec("0.5"), dec("0.1")])
        let twice = text.replacingOccurrences(of: "\"H.264\"", with: "\"h265\"")
        let error = loadError(twice, name: "x.json")
        XCTAssertTrue(error?.message.contains("both name the codec h265") ?? false, "\(String(describing: error))")
    }

    func testUnavailableFeatureNeedsNoPrice() throws {
        let text = """
            {"id": "x", "currency": "USD", "features": {"mps-remux": {"basis": "output-files", "unavailable": "not sold here"}}}
            """
        let card = try RateCardLoader.load(data: Data(text.utf8), name: "x.json")
        let job = Pricer(card: card).price([BillableJob(id: "r", feature: .mpsRemux, outputs: [media("o", "60")])]).jobs[0]
        XCTAssertEqual(job.reason, "no price: mps-remux: not sold here")
    }

    func testTableRowsShowPricesAndStatus() throws {
        let rows = try RateCardLoader.bundled("cn").tableRows()
        XCTAssertTrue(
            rows.contains([
                "image-text-matching", "input-plus-output-seconds; preview-only: timeline as output", "0.3", "CNY/min",
                "up to 1 min, at least 1 min", "verified",
            ]), "\(rows)")
        XCTAssertTrue(
            rows.contains { $0[0] == "mps-transcode" && $0[1] == "h264 HD" && $0[2] == "0.0651" && $0[5].hasPrefix("unverified") })
        XCTAssertTrue(rows.contains { $0[0] == "video-editing" && $0[1] == "professional audio" && $0[2] == "0.0252" })
        let intl = try RateCardLoader.bundled("intl-singapore").tableRows()
        XCTAssertTrue(intl.contains { $0[0] == "sports-highlights" && $0[5].hasPrefix("no price: ") })
    }
}

import ArgumentParser
import Foundation
import Billing
import ClipMeterKit
import MediaProbe
import OSSAccess
import Quantities
import Timeline

/// Which rate card prices the jobs: `--rates FILE` or `--region R` (default `cn`).
struct RateOptions: ParsableArguments {
    @Option(help: "A rate card file (JSON or YAML) with the bundled cards' schema.")
    var rates: String?

    @Option(
        help:
            "Bundled card: cn (default, CNY) or intl-REGION (USD), REGION one of \(RateCardLoader.internationalRegions.joined(separator: ", "))."
    )
    var region: String?

    func validate() throws {
        if rates != nil && region != nil { throw ValidationError("--rates and --region are exclusive: a custom card has its own prices") }
    }

    /// The card in use; any problem with it is a usage error (exit 2) naming the file and field.
    func card() throws -> RateCard {
        do {
            if let rates {
                let data: Data
                do {
                    data = try RegularFile.read(rates, maxBytes: ReadLimits.standard.maxBytes)
                } catch let error as FileReadError {
                    throw UsageError("rate card \(rates): cannot be read: \(error.message)")
                }
                return try RateCardLoader.load(data: data, name: rates)
            }
            let id = region ?? "cn"
            if RateCardLoader.bundledIDs.contains(id) { return try RateCardLoader.bundled(id) }
            if RateCardLoader.internationalRegions.contains(id) { return try RateCardLoader.bundled("intl-\(id)") }
            return try RateCardLoader.bundled(id)
        } catch let error as RateCardError {
            throw UsageError("\(error)")
        }
    }
}

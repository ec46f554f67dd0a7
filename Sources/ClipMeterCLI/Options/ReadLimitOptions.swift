import ArgumentParser
import Foundation
import Billing
import ClipMeterKit
import MediaProbe
import OSSAccess
import Quantities
import Timeline

/// How large a job source may be: shared by estimate, scan and timeline.
struct ReadLimitOptions: ParsableArguments {
    @Option(
        name: .customLong("max-manifest-bytes"),
        help: "Largest manifest, saved response or timeline read, in bytes (default 64 MB).")
    var maxManifestBytes: Int = ReadLimits.standard.maxBytes

    func validate() throws {
        guard (1...CountLimits.maxManifestBytes).contains(maxManifestBytes) else {
            throw ValidationError("--max-manifest-bytes must be between 1 and \(CountLimits.maxManifestBytes) (1 GiB)")
        }
    }

    var limits: ReadLimits { ReadLimits(maxBytes: maxManifestBytes, maxNodes: ReadLimits.standard.maxNodes) }
}

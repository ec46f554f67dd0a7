import ArgumentParser
import Foundation
import Billing
import ClipMeterKit
import MediaProbe
import OSSAccess
import Quantities
import Timeline

/// Assumptions where a timeline alone cannot decide a length.
struct TimelineFlags: ParsableArguments {
    @Option(
        name: .customLong("assume-tts-seconds"),
        help: "Length to assume for each AI_TTS / AI_Avatar clip (otherwise the length is unknown).")
    var assumeTTSSeconds: String?

    @Option(
        name: .customLong("default-image-seconds"),
        help: "Length of an image clip with neither Duration nor timeline times (otherwise 0, with a warning).")
    var defaultImageSeconds: String?

    func options() throws -> TimelineOptions {
        TimelineOptions(
            assumeTTSSeconds: try nonNegativeDecimal(assumeTTSSeconds, "--assume-tts-seconds"),
            defaultImageSeconds: try nonNegativeDecimal(defaultImageSeconds, "--default-image-seconds"))
    }
}

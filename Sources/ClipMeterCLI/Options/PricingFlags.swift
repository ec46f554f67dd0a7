import ArgumentParser
import Foundation
import Billing
import ClipMeterKit
import MediaProbe
import OSSAccess
import Quantities
import Timeline

/// Rounding scope and billing clock.
struct PricingFlags: ParsableArguments {
    @Option(help: "per-task (default: each task rounded on its own, as the billing document's example) or per-cycle.")
    var rounding: RoundingScope = .perTask

    @Option(help: "Billing time zone for hourly cycles and times written without an offset (default Asia/Shanghai).")
    var timezone: String = "Asia/Shanghai"

    @Option(
        name: .customLong("batch-inputs"),
        help:
            "per-batch (default: a batch's inputs count once against all its outputs) or per-output (once per output); the other reading is shown when it bills differently."
    )
    var batchInputs: BatchInputs = .perBatch

    func validate() throws {
        if TimeZone(identifier: timezone) == nil {
            throw ValidationError("--timezone \(timezone) is not a known time zone (e.g. Asia/Shanghai, UTC)")
        }
    }

    var timeZone: TimeZone { TimeZone(identifier: timezone) ?? PricingOptions.shanghai }

    func options(policy: DurationPolicy) -> PricingOptions {
        PricingOptions(rounding: rounding, timeZone: timeZone, durationPolicy: policy.rawValue, batchInputs: batchInputs)
    }
}

extension RoundingScope: ExpressibleByArgument {}
extension BatchInputs: ExpressibleByArgument {}

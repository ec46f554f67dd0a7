import ArgumentParser
import ClipMeterKit

/// The flags with which `scan` and `estimate` both measure and price jobs: declared once, so that the two commands
/// cannot come to read the same flag differently.
struct PricingRunOptions: ParsableArguments {
    @OptionGroup var rateOptions: RateOptions
    @OptionGroup var pricing: PricingFlags
    @OptionGroup var measure: MeasureOptions
    @OptionGroup var resolve: ResolveOptions
    @OptionGroup var timelineFlags: TimelineFlags
    @OptionGroup var budget: BudgetOptions

    /// The card, pricing options, duration policy and timeline options the flags choose; reading the card and the
    /// timeline flags can fail, so a scan that replays its stored bill calls this only when it prices after all.
    func settings() throws -> BillingSettings {
        BillingSettings(
            card: try rateOptions.card(), pricing: pricing.options(policy: measure.durationPolicy),
            policy: measure.durationPolicy, timeline: try timelineFlags.options())
    }
}

import Foundation

/// The length of each output of a one-click (batch) production job before it runs, per the IMS rule:
/// a global voice-over sets it; otherwise `FixedDuration`, else `SingleShotDuration` × number of media groups;
/// `MaxDuration` caps it. Pure, so `estimate` can price a batch job from its configs alone.
public enum BatchOutputLength {
    /// Estimates one output's length; `count` outputs per job multiply it in `totalDuration`.
    /// - Parameters:
    ///   - globalVoiceOver: the voice-over's length if the job has one (`.unresolved` for speech still to be
    ///     synthesized), nil when it has none.
    ///   - fixedDuration: `EditingConfig`'s `FixedDuration`.
    ///   - singleShotDuration: `SingleShotDuration`, used per media group.
    ///   - groupCount: the number of media groups in `InputConfig`.
    ///   - maxDuration: `OutputConfig.MaxDuration`.
    ///   - count: `OutputConfig.Count` (default 1).
    public static func estimate(
        globalVoiceOver: SourceLength?, fixedDuration: Decimal?, singleShotDuration: Decimal?, groupCount: Int,
        maxDuration: Decimal?, count: Int = 1
    ) -> BatchOutputEstimate {
        var warnings: [TimelineWarning] = []
        var duration: Decimal?
        let basis: String
        switch globalVoiceOver {
        case .seconds(let seconds)?:
            duration = seconds
            basis = "global voice-over"
        case .unresolved(let reason)?:
            basis = "global voice-over"
            warnings.append(.voiceOverUnknown(reason: reason))
        case nil:
            if let fixedDuration {
                duration = fixedDuration
                basis = "FixedDuration"
            } else if let singleShotDuration, groupCount > 0 {
                duration = singleShotDuration * Decimal(groupCount)
                basis = "SingleShotDuration × \(groupCount) groups"
            } else {
                basis = "none"
                warnings.append(.noBatchLengthBasis)
            }
        }
        if let maxDuration {
            if let value = duration, value > maxDuration {
                warnings.append(.batchCapped(basis: basis, length: value, cap: maxDuration))
                duration = maxDuration
            } else if duration == nil {
                warnings.append(.atMostMaxDuration(maxDuration))
            }
        }
        return BatchOutputEstimate(duration: duration, count: max(count, 0), basis: basis, warnings: warnings)
    }
}

/// One batch output's expected length, what decided it, and what could not be known.
public struct BatchOutputEstimate: Sendable, Equatable {
    /// Seconds per output; nil when unknown (the reason is in `warnings`).
    public var duration: Decimal?
    /// Outputs per job (`Count`).
    public var count: Int
    /// "global voice-over", "FixedDuration", "SingleShotDuration × N groups" or "none".
    public var basis: String
    /// Why the length is unknown, or what capped it.
    public var warnings: [TimelineWarning]

    /// All outputs together: `duration × count`.
    public var totalDuration: Decimal? { duration.map { $0 * Decimal(count) } }
}

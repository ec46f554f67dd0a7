import Foundation
import MediaProbe
import Timeline

/// The words a user reads for the typed diagnostics of the lower modules, with the flag that acts on each.
///
/// `MediaProbe` and `Timeline` say what happened (a case and its values, a description naming no flag); only
/// here, at the edge, are the command-line options named, so a renamed flag is renamed in one place.
public enum Wording {
    // MARK: - MediaProbe

    /// A probe warning as `probe` and the bills print it.
    public static func text(_ warning: ProbeWarning) -> String {
        switch warning {
        case .estimatedFromBitrate: return "\(warning) (use --mode exact)"
        default: return warning.description
        }
    }

    /// A probe error's message with what to pass for the file to be read, as `probe` and the bills print it.
    public static func text(_ error: ProbeError) -> String {
        guard let remedy = error.remedy else { return error.message }
        return "\(error.message) (\(advice(remedy)))"
    }

    /// The flags that give the consent a refused read lacked.
    static func advice(_ remedy: ProbeRemedy) -> String {
        switch remedy {
        case .allowNetwork:
            return "use --allow-network"
        case .readObjectInPlace(let ossURL):
            return "use --allow-network or --oss-endpoint URL, or measure a synced copy: --oss-map \(ossURL)=LOCAL_DIR"
        }
    }

    // MARK: - Timeline

    /// A timeline warning as `timeline` and the bills print it.
    public static func text(_ warning: TimelineWarning) -> String { warning.text(naming: flag) }

    /// The flag that sets each timeline setting a warning may name.
    @Sendable public static func flag(_ setting: TimelineSetting) -> String? {
        switch setting {
        case .defaultImageSeconds: return "--default-image-seconds"
        case .assumeTTSSeconds: return "--assume-tts-seconds"
        }
    }

    // MARK: - Measurements

    /// A measurement's note that its file may still be syncing.
    public static func text(_ state: SyncState) -> String {
        switch state {
        case .changedWhileMeasured:
            return "may still be syncing: the file changed while it was measured; scan again once it is complete"
        case let .modifiedRecently(age, settle):
            return "may still be syncing: modified \(String(format: "%.1f", max(age, 0))) s before it was measured (within --settle \(settle) s)"
        }
    }

    /// Everything a measurement noticed, in words: the probe's warnings, then whether the file may still be syncing.
    public static func warnings(_ measurement: MediaMeasurement) -> [String] {
        measurement.warnings.map(text) + (measurement.syncing.map { [text($0)] } ?? [])
    }
}

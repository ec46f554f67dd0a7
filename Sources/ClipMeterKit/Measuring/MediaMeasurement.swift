import Billing
import Foundation
import Quantities
import MediaProbe

/// What billing needs to know about one measured file, small enough to cache in the ledger for every file
/// of a large tree: the billing duration under each policy, the picture size and codec, and the warnings.
///
/// Keeping all three policies' figures lets a job carry a `boundary` warning when another policy would put it
/// on a different billed minute, without measuring the file again.
struct MediaMeasurement: Sendable, Equatable, Codable {
    /// Billing seconds keyed by `DurationPolicy.rawValue`; a policy the file has no figure for is absent.
    var seconds: [String: Decimal]
    /// Display size of the main video stream (rotation applied), nil for audio-only files.
    var width: Int?
    /// Display height of the main video stream.
    var height: Int?
    /// FFmpeg codec name of the main video stream, nil for audio-only files.
    var codec: String?
    /// `header`, `index` or `packets`: how the duration was obtained.
    var durationSource: String
    /// What the probe noticed (bit-rate estimates, guessed last-packet durations), by case.
    var warnings: [ProbeWarning]
    /// Set when the file may still be syncing as it was measured. Never cached: it depends on when the file was
    /// read, not on its content.
    var syncing: SyncState?

    /// What this measurement tells a job's reader about `file`: the probe's warnings, then whether it may still
    /// be syncing.
    func notes(about file: String) -> [JobNote] {
        warnings.map { JobNote.measurement(file: file, $0) } + (syncing.map { [JobNote.syncing(file: file, $0)] } ?? [])
    }

    /// Reduces full probe facts to what billing uses.
    init(facts: MediaFacts) {
        var seconds: [String: Decimal] = [:]
        for policy in DurationPolicy.allCases {
            if let value = facts.duration(policy: policy) { seconds[policy.rawValue] = value }
        }
        self.seconds = seconds
        let size = facts.videoDisplaySize
        self.width = size?.width
        self.height = size?.height
        self.codec = facts.videoCodec
        self.durationSource = facts.durationSource.rawValue
        self.warnings = facts.warnings
    }

    /// The billing duration under `policy`, nil when the file has no figure for it (e.g. `video` on audio).
    func seconds(policy: DurationPolicy) -> Decimal? { seconds[policy.rawValue] }

    /// The file as billing sees it, with the other policies' figures for boundary warnings; nil when the file
    /// has no duration under `policy`.
    func measuredMedia(path: String, policy: DurationPolicy) -> MeasuredMedia? {
        guard let billed = seconds(policy: policy) else { return nil }
        var others = seconds
        others[policy.rawValue] = nil
        return MeasuredMedia(
            path: path, seconds: Seconds(billed), width: width, height: height, codec: codec,
            alternativeSeconds: others.mapValues(Seconds.init))
    }

    // MARK: - Codable (seconds as exact decimal text)

    enum CodingKeys: String, CodingKey { case seconds, width, height, codec, durationSource, warnings }

    /// One cached warning: typed as this version writes it, or the words an older version wrote (kept as
    /// `.recorded`, so a ledger from before the typed warnings is still read and nothing is measured again).
    private struct CachedWarning: Decodable {
        var warning: ProbeWarning

        init(from decoder: Decoder) throws {
            if let words = try? decoder.singleValueContainer().decode(String.self) {
                warning = .recorded(words)
            } else {
                warning = try ProbeWarning(from: decoder)
            }
        }
    }

    /// Seconds are written as strings so a cached figure reads back digit for digit.
    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(seconds.mapValues { "\($0)" }, forKey: .seconds)
        try c.encodeIfPresent(width, forKey: .width)
        try c.encodeIfPresent(height, forKey: .height)
        try c.encodeIfPresent(codec, forKey: .codec)
        try c.encode(durationSource, forKey: .durationSource)
        try c.encode(warnings, forKey: .warnings)
    }

    /// Reads what `encode(to:)` writes.
    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let texts = try c.decode([String: String].self, forKey: .seconds)
        var seconds: [String: Decimal] = [:]
        for (key, text) in texts {
            guard let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else {
                throw DecodingError.dataCorruptedError(forKey: .seconds, in: c, debugDescription: "not a number: \(text)")
            }
            seconds[key] = value
        }
        self.seconds = seconds
        width = try c.decodeIfPresent(Int.self, forKey: .width)
        height = try c.decodeIfPresent(Int.self, forKey: .height)
        codec = try c.decodeIfPresent(String.self, forKey: .codec)
        durationSource = try c.decode(String.self, forKey: .durationSource)
        warnings = try c.decodeIfPresent([CachedWarning].self, forKey: .warnings)?.map(\.warning) ?? []
    }
}

/// Why a measured file may still be syncing (`--settle`): its bill is then not stored as a replay.
enum SyncState: Sendable, Hashable {
    /// The file changed between the start and the end of its measurement.
    case changedWhileMeasured
    /// The file was modified `age` seconds before it was measured, within the `settle` seconds allowed.
    case modifiedRecently(age: Double, settle: Double)
}

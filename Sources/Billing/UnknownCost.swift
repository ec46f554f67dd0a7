import Foundation

/// Why a job's cost cannot be known. Each case makes the job an error (`cost` nil, out of every total, exit 1):
/// a budget gate must never pass because ClipMeter priced what it did not know at 0.
public indirect enum UnknownCost: Codable, Sendable, Equatable, Hashable {
    /// The card has no price for what the job uses (a feature, an edition, a codec or tier, audio-only).
    case noPrice(String)
    /// A per-file feature needs the output's resolution to pick a tier, and nothing states it.
    case unknownResolution(file: String)
    /// No configuration bounds the output's length (AI- or TTS-driven with no `MaxDuration`/`FixedDuration`);
    /// `field` is the configuration field that would bound it.
    case unbounded(field: String, detail: CarriedNote)
    /// Nothing that the feature bills was measured or stated (no media, no output, no duration).
    case nothingMeasured(String)

    /// The error code in `errors`: `no-price`, `unknown-resolution`, `unbounded`, `nothing-measured`.
    public var code: String {
        switch self {
        case .noPrice: return "no-price"
        case .unknownResolution: return "unknown-resolution"
        case .unbounded: return "unbounded"
        case .nothingMeasured: return "nothing-measured"
        }
    }

    /// The reason in words, as the job's `reason` shows it: "unbounded: …".
    public var message: String {
        switch self {
        case .noPrice, .unknownResolution: return "no price: \(detail)"
        case .unbounded: return "unbounded: \(detail)"
        case .nothingMeasured: return "nothing measured: \(detail)"
        }
    }

    /// The reason without its kind, for lists that show the code beside it.
    public var detail: String {
        switch self {
        case .noPrice(let why): return why
        case .unknownResolution(let file):
            return "resolution of \(file) unknown; state the output resolution (Width/Height)"
        case .unbounded(let field, let detail): return "\(detail); set \(field) to bound it"
        case .nothingMeasured(let why): return why
        }
    }
}

/// How a batch's inputs count against its outputs.
///
/// The billing document bills "input + output duration per task". A batch submission is the task by default:
/// its inputs are supplied and analysed once, its outputs summed. The other reading counts the inputs once per
/// output (each output its own task); the bill shows it whenever it would cost differently.
public enum BatchInputs: String, Codable, Sendable, CaseIterable {
    case perBatch = "per-batch"
    case perOutput = "per-output"
}

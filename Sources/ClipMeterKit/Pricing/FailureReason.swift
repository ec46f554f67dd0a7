import MediaProbe

/// Why a job or a file could not be priced, as the layer that found it typed it: pricing records the reason and
/// the output layer (`Wording`) words it, naming the flags that would fix it.
enum FailureReason: Sendable, Equatable {
    /// A sentence that names no flag, said as it is.
    case words(String)
    /// The problems of a job its source describes badly, said one after another.
    case problems([JobProblem])
    /// A file the prober could not measure.
    case probe(ProbeError)
    /// What a job's note says, as the failure's whole reason (a timeline whose length is unknown).
    case note(JobNote)

    static func == (a: FailureReason, b: FailureReason) -> Bool {
        switch (a, b) {
        case (.words(let x), .words(let y)): return x == y
        case (.problems(let x), .problems(let y)): return x == y
        case (.probe(let x), .probe(let y)): return x.code == y.code && x.description == y.description
        case (.note(let x), .note(let y)): return x == y
        default: return false
        }
    }
}

import Foundation

/// What a note about a job must be for Billing to carry it: a typed value of the layer that found it (a loader,
/// a measurement, a timeline) that the output layer words through `description`.
public protocol NoteContent: Hashable, Sendable, CustomStringConvertible {}

/// A note about a job from where it came from, carried through pricing as the layer that found it typed it:
/// Billing cannot know those layers' types, and words are given only when the bill is shown or recorded. Notes
/// read back from a ledger are the words an older run wrote, kept as they were.
public struct CarriedNote: Hashable, Sendable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    private enum Content: Sendable {
        case typed(any NoteContent)
        case recorded(String)
    }

    private let content: Content

    /// A note as its layer typed it.
    public init(_ note: some NoteContent) { content = .typed(note) }

    /// A note that is only words: read back from a ledger, or written by hand in a test.
    public init(recorded words: String) { content = .recorded(words) }

    public init(stringLiteral value: String) { self.init(recorded: value) }

    public var description: String {
        switch content {
        case .typed(let note): return note.description
        case .recorded(let words): return words
        }
    }

    public static func == (a: CarriedNote, b: CarriedNote) -> Bool {
        switch (a.content, b.content) {
        case (.typed(let x), .typed(let y)): return AnyHashable(x) == AnyHashable(y)
        case (.recorded(let x), .recorded(let y)): return x == y
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch content {
        case .typed(let note): hasher.combine(AnyHashable(note))
        case .recorded(let words): hasher.combine(words)
        }
    }

    /// Its words, as the ledger has always stored a job's note.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public init(from decoder: Decoder) throws {
        self.init(recorded: try decoder.singleValueContainer().decode(String.self))
    }
}

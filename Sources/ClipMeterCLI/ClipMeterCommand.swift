import ArgumentParser

/// The `clipmeter` root command; subcommands live one per file.
public struct ClipMeterCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "clipmeter",
        abstract: "Measure media with FFmpeg and price it the way Alibaba Cloud IMS and MPS bill it.",
        subcommands: []
    )
    public init() {}
}

import ArgumentParser
import ClipMeterKit
import Foundation
import MediaProbe

/// ClipMeter's own version; `--version` adds the FFmpeg libraries it runs with.
public enum ClipMeterVersion {
    public static let number = "0.8.0"
    /// `clipmeter 0.8.0 (libavformat …, libavcodec …, libavutil …)`.
    public static var text: String { "clipmeter \(number) (\(LibraryVersions.summary))" }
}

/// The `clipmeter` root command; each subcommand lives in its own file under Subcommands/.
public struct ClipMeterCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "clipmeter",
        abstract: "Measure media with FFmpeg and price it the way Alibaba Cloud IMS and MPS bill it.",
        discussion: "Exit codes: 0 success, 1 some input could not be measured or a job is invalid, 2 usage error, 3 --max-cost exceeded.",
        version: ClipMeterVersion.text,
        subcommands: ClipMeterCommand.subcommandTypes
    )

    /// Filled in by the subcommand files' registry so adding a command touches one list.
    static var subcommandTypes: [ParsableCommand.Type] { Subcommands.all }

    public init() {}

    /// Parses, runs and exits with the exit codes of docs/contract.md: usage errors are 2, not ArgumentParser's 64.
    /// A failed write to stdout makes the status 2, whatever the command returned.
    public static func runAndExit(_ arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> Never {
        StandardOutput.holdClosedDescriptors()
        setvbuf(stdout, nil, _IOFBF, 1 << 16)
        var status: Int32
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            status = 0
        } catch {
            status = report(error)
        }
        if let failure = StandardOutput.finish() {
            Terminal.err(StandardOutput.failureMessage(failure))
            status = ExitStatus.usage
        }
        Foundation.exit(status)
    }

    private static func report(_ error: Error) -> Int32 {
        if let exit = error as? ExitCode { return exit.rawValue }
        if let usage = error as? UsageError {
            Terminal.err("clipmeter: \(usage.message)")
            return ExitStatus.usage
        }
        let code = exitCode(for: error).rawValue
        let message = fullMessage(for: error)
        if code == 0 {
            if !message.isEmpty { print(message) }
            return 0
        }
        if !message.isEmpty { Terminal.err(message) }
        return code == ExitCode.validationFailure.rawValue || code == 64 ? ExitStatus.usage : code
    }
}

/// A usage problem found after parsing (unreadable manifest or rate card, bad flag value): exit 2.
public struct UsageError: Error, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

import ArgumentParser

/// Every subcommand, in the order `--help` lists them.
enum Subcommands {
    static let all: [ParsableCommand.Type] = [
        ProbeCommand.self, EstimateCommand.self, ScanCommand.self, BillCommand.self, ReconcileCommand.self, TimelineCommand.self,
        RatesCommand.self,
    ]
}

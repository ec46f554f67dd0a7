import ArgumentParser
import ClipMeterKit

/// `clipmeter estimate`: parse, hand the request to `EstimateSession`, print the report, judge the budget.
struct EstimateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "estimate",
        abstract: "Price one job from flags, or the jobs of manifests, saved IMS responses and Submit* request bodies.",
        discussion: """
            Examples:
              clipmeter estimate --feature image-text-matching --input in.mp4 --output out.mp4 --tokens 900 --explain
              clipmeter estimate --feature video-editing --timeline timeline.json --output-resolution 1920x1080
              clipmeter estimate jobs.yaml --max-cost 50
              clipmeter estimate submit.json --oss-map oss://bucket=/data/bucket --max-cost 20 --explain
            Sources: manifests (JSON/YAML), saved IMS responses (GetBatchMediaProducingJob, GetMediaProducingJob, \
            ListMediaProducingJobs, GetSmartHandleJob) and Submit* request bodies. A request whose outputs are only \
            bounded is priced as a range (cost is its high end); one that nothing bounds, or that has no price, is an \
            error (exit 1), never 0.
            Exit codes: 0 priced, 1 a file could not be measured, a job is invalid, unbounded or has no price (the \
            rest is still priced), 2 usage error, 3 the total exceeds --max-cost (the estimate is printed first).
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json, csv }

    @OptionGroup var job: FlagJobOptions
    @OptionGroup var priced: PricingRunOptions
    @Option(help: "table (default), json or csv.") var format: Format = .table
    @Option(help: "The IMS API of request bodies without an \"Action\" field (e.g. SubmitBatchMediaProducingJob).") var api: String?
    @Argument(help: "Manifests (JSON/YAML), saved IMS responses and Submit* request bodies.") var sources: [String] = []
    @OptionGroup var ledger: EstimateLedgerOptions

    func validate() throws { try job.validate(besideFiles: sources, api: api) }

    func run() throws {
        let maxCost = try BillOutcome.budget(priced.budget.maxCost)
        let settings = try priced.settings()
        let request = EstimateRequest(
            sources: sources,
            flagJob: job.describesJob(besideFiles: !sources.isEmpty) ? try job.job(timeZone: priced.pricing.timeZone) : nil,
            feature: job.feature, api: api.flatMap(IMSRequestAPI.init(name:)), output: try job.outputFacts(),
            resolver: try priced.resolve.resolver(roots: [], measure: priced.measure), probe: priced.measure.probeOptions,
            jobs: priced.measure.jobs,
            settings: settings,
            settleSeconds: priced.measure.settle)
        let report: BillReport
        let store = try ledger.open()
        do { report = try EstimateSession.run(request, ledger: store) } catch { throw UsageError(LedgerChoice.message(for: error)) }
        BillFormat(rawValue: format.rawValue)?.print(report, explain: priced.budget.explain)
        try BillOutcome.finish(report, maxCost: maxCost)
    }
}

import ArgumentParser
import Foundation
import Billing
import ClipMeterKit
import MediaProbe
import OSSAccess
import Quantities
import Timeline

extension ProbeMode: ExpressibleByArgument {}
extension DurationPolicy: ExpressibleByArgument {}

/// How files are measured: shared by probe, estimate, timeline and scan.
struct MeasureOptions: ParsableArguments {
    @Option(help: "auto (default): header when it came from timestamps, else exact; fast: headers only; exact: always timestamps.")
    var mode: ProbeMode = .auto

    @Option(name: .customLong("duration-policy"), help: "Which duration bills: container (default), longest-stream or video.")
    var durationPolicy: DurationPolicy = .container

    @Option(help: "Files measured at once (default: number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(name: .customLong("time-limit"), help: "Per-file time limit in seconds.")
    var timeLimit: Double = 30

    @Flag(
        name: .customLong("allow-network"),
        help: "Let FFmpeg open network URLs, and read OSS objects no --oss-map resolves in place (off: local files only).")
    var allowNetwork = false

    @Option(
        name: .customLong("oss-endpoint"),
        help:
            "Endpoint OSS objects are read in place through (https://oss-REGION[-internal].aliyuncs.com, a gateway); implies reading unmapped OSS objects by range requests. Credentials: ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET[/SECURITY_TOKEN], none for public objects."
    )
    var ossEndpoint: String?

    @Option(name: .customLong("remote-jobs"), help: "OSS objects measured at once (default 16; they wait on the network, not the cores).")
    var remoteJobs: Int = 16

    @Option(
        help:
            "A file modified less than this many seconds before it is measured may still be syncing: its job says so, and a scan holding it stores no replay (default 2)."
    )
    var settle: Double = ScanReplay.settleSeconds

    /// A day: longer is no time limit at all, and `inf` or `1e308` would overflow the microseconds FFmpeg counts.
    static let maximumTimeLimit: Double = 86_400

    func validate() throws {
        guard (1...CountLimits.maxJobs).contains(jobs) else {
            throw ValidationError("--jobs must be between 1 and \(CountLimits.maxJobs)")
        }
        guard timeLimit.isFinite, timeLimit > 0, timeLimit <= Self.maximumTimeLimit else {
            throw ValidationError("--time-limit must be a number of seconds above 0 and at most \(Int(Self.maximumTimeLimit)) (a day)")
        }
        guard (1...256).contains(remoteJobs) else { throw ValidationError("--remote-jobs must be between 1 and 256") }
        guard settle.isFinite, settle >= 0, settle <= Self.maximumTimeLimit else {
            throw ValidationError("--settle must be a number of seconds from 0 to \(Int(Self.maximumTimeLimit))")
        }
        if let ossEndpoint, OSSEndpoint(ossEndpoint) == nil {
            throw ValidationError(
                "--oss-endpoint \(ossEndpoint): expected http(s)://host[:port], e.g. https://oss-cn-hangzhou-internal.aliyuncs.com")
        }
    }

    var probeOptions: ProbeOptions {
        ProbeOptions(mode: mode, timeLimit: timeLimit, allowNetwork: allowNetwork, ossEndpoint: ossEndpoint, remoteJobs: remoteJobs)
    }
}

/// Which rate card prices the jobs: `--rates FILE` or `--region R` (default `cn`).
struct RateOptions: ParsableArguments {
    @Option(help: "A rate card file (JSON or YAML) with the bundled cards' schema.")
    var rates: String?

    @Option(
        help:
            "Bundled card: cn (default, CNY) or intl-REGION (USD), REGION one of \(RateCardLoader.internationalRegions.joined(separator: ", "))."
    )
    var region: String?

    func validate() throws {
        if rates != nil && region != nil { throw ValidationError("--rates and --region are exclusive: a custom card has its own prices") }
    }

    /// The card in use; any problem with it is a usage error (exit 2) naming the file and field.
    func card() throws -> RateCard {
        do {
            if let rates {
                let data: Data
                do {
                    data = try RegularFile.read(rates, maxBytes: ReadLimits.standard.maxBytes)
                } catch let error as FileReadError {
                    throw UsageError("rate card \(rates): cannot be read: \(error.message)")
                }
                return try RateCardLoader.load(data: data, name: rates)
            }
            let id = region ?? "cn"
            if RateCardLoader.bundledIDs.contains(id) { return try RateCardLoader.bundled(id) }
            if RateCardLoader.internationalRegions.contains(id) { return try RateCardLoader.bundled("intl-\(id)") }
            return try RateCardLoader.bundled(id)
        } catch let error as RateCardError {
            throw UsageError("\(error)")
        }
    }
}

/// Rounding scope and billing clock.
struct PricingFlags: ParsableArguments {
    @Option(help: "per-task (default: each task rounded on its own, as the billing document's example) or per-cycle.")
    var rounding: RoundingScope = .perTask

    @Option(help: "Billing time zone for hourly cycles and times written without an offset (default Asia/Shanghai).")
    var timezone: String = "Asia/Shanghai"

    @Option(
        name: .customLong("batch-inputs"),
        help:
            "per-batch (default: a batch's inputs count once against all its outputs) or per-output (once per output); the other reading is shown when it bills differently."
    )
    var batchInputs: BatchInputs = .perBatch

    func validate() throws {
        if TimeZone(identifier: timezone) == nil {
            throw ValidationError("--timezone \(timezone) is not a known time zone (e.g. Asia/Shanghai, UTC)")
        }
    }

    var timeZone: TimeZone { TimeZone(identifier: timezone) ?? PricingOptions.shanghai }

    func options(policy: DurationPolicy) -> PricingOptions {
        PricingOptions(rounding: rounding, timeZone: timeZone, durationPolicy: policy.rawValue, batchInputs: batchInputs)
    }
}

extension RoundingScope: ExpressibleByArgument {}
extension BatchInputs: ExpressibleByArgument {}

/// Where media named by jobs and timelines may be found, and the roots they may not escape.
struct ResolveOptions: ParsableArguments {
    @Option(name: .customLong("media-root"), help: "Folder where relative media names are also looked up.")
    var mediaRoot: String?

    @Option(name: .customLong("oss-map"), help: "oss://bucket/prefix=./local/dir: where an OSS prefix was synced to (repeatable).")
    var ossMap: [String] = []

    @Option(name: .customLong("media-map"), help: "MediaId=PATH, or a JSON file {\"MediaId\": \"path\"} (repeatable).")
    var mediaMap: [String] = []

    /// Every command that resolves media also reads job sources or timelines: the size cap travels with it.
    @OptionGroup var readLimits: ReadLimitOptions

    /// Parsed `--oss-map` entries; a malformed one is a usage error.
    func ossMappings() throws -> [OSSMapping] {
        do { return try ossMap.map { try OSSMapping(parsing: $0) } } catch { throw UsageError("\(error)") }
    }

    /// `--media-map` entries, from `ID=PATH` pairs and JSON map files.
    func mediaMapping() throws -> [String: String] {
        var result: [String: String] = [:]
        for entry in mediaMap {
            let isMapFile = PathKind.isRegularFile(entry)
            if !isMapFile, let equals = entry.firstIndex(of: "=") {
                let id = String(entry[..<equals]).trimmingCharacters(in: .whitespaces)
                let path = String(entry[entry.index(after: equals)...]).trimmingCharacters(in: .whitespaces)
                guard !id.isEmpty, !path.isEmpty else { throw UsageError("--media-map \(entry): expected MediaId=PATH") }
                result[id] = path
            } else {
                guard let data = try? RegularFile.read(entry, maxBytes: ReadLimits.standard.maxBytes),
                    let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
                else {
                    throw UsageError("--media-map \(entry): expected MediaId=PATH or a readable JSON object file {\"MediaId\": \"path\"}")
                }
                let base = (entry as NSString).deletingLastPathComponent
                for (id, value) in object {
                    guard let path = value as? String else {
                        throw UsageError("--media-map \(entry): the value of \(id) is not a path string")
                    }
                    result[id] = path.hasPrefix("/") || base.isEmpty ? path : (base as NSString).appendingPathComponent(path)
                }
            }
        }
        return result
    }

    /// A resolver whose allowed roots are `roots` plus the folders named here; unmapped OSS objects become
    /// references read in place when `measure` consents (`--allow-network`, `--oss-endpoint`).
    func resolver(roots: [String], measure: MeasureOptions) throws -> PathResolver {
        var resolver = PathResolver(roots: roots, mediaRoot: mediaRoot, ossMappings: try ossMappings(), mediaMap: try mediaMapping())
        resolver.readLimits = readLimits.limits
        resolver.readsObjectsInPlace = measure.probeOptions.readsObjectsInPlace
        return resolver
    }
}

/// Assumptions where a timeline alone cannot decide a length.
struct TimelineFlags: ParsableArguments {
    @Option(
        name: .customLong("assume-tts-seconds"),
        help: "Length to assume for each AI_TTS / AI_Avatar clip (otherwise the length is unknown).")
    var assumeTTSSeconds: String?

    @Option(
        name: .customLong("default-image-seconds"),
        help: "Length of an image clip with neither Duration nor timeline times (otherwise 0, with a warning).")
    var defaultImageSeconds: String?

    func options() throws -> TimelineOptions {
        TimelineOptions(
            assumeTTSSeconds: try nonNegativeDecimal(assumeTTSSeconds, "--assume-tts-seconds"),
            defaultImageSeconds: try nonNegativeDecimal(defaultImageSeconds, "--default-image-seconds"))
    }
}

/// Parses a non-negative exact decimal number of seconds or money from a flag, whole text or usage error
/// (`1-2` and `1.2.3` were once read as 1 and 1.2).
func nonNegativeDecimal(_ text: String?, _ flag: String, maximum: Decimal? = nil) throws -> Decimal? {
    guard let text else { return nil }
    switch StrictDecimal.parse(text) {
    case .failure(let problem):
        throw UsageError("\(flag) \(text): \(problem)")
    case .success(let value):
        guard value >= 0 else { throw UsageError("\(flag) \(text): expected a number ≥ 0") }
        if let maximum, value > maximum { throw UsageError("\(flag) \(text): more than the maximum of \(maximum)") }
        return value
    }
}

/// The largest values the count flags take: each bounds threads, descriptors or memory, and a number such as
/// 2^62 must be a usage error, not an attempt to start that many workers.
enum CountLimits {
    /// `--jobs`: files measured at once (each holds a thread, a descriptor and a demuxer).
    static let maxJobs = 1024
    /// `--max-manifest-bytes`: 1 GiB, sixteen times the default; a source is held in memory whole.
    static let maxManifestBytes = 1 << 30
    /// `--shards` and `CLIPMETER_SHARDS`: machines sharing one tree.
    static let maxShards = 100_000
}

/// How large a job source may be: shared by estimate, scan and timeline.
struct ReadLimitOptions: ParsableArguments {
    @Option(
        name: .customLong("max-manifest-bytes"),
        help: "Largest manifest, saved response or timeline read, in bytes (default 64 MB).")
    var maxManifestBytes: Int = ReadLimits.standard.maxBytes

    func validate() throws {
        guard (1...CountLimits.maxManifestBytes).contains(maxManifestBytes) else {
            throw ValidationError("--max-manifest-bytes must be between 1 and \(CountLimits.maxManifestBytes) (1 GiB)")
        }
    }

    var limits: ReadLimits { ReadLimits(maxBytes: maxManifestBytes, maxNodes: ReadLimits.standard.maxNodes) }
}

/// File-type checks for flag values.
enum PathKind {
    static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// A regular file (through symlinks): a FIFO given as `--timeline` or `--media-map` would block its reader.
    static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }
}

/// Whose charges a FOCUS export lists: shared by scan and bill, read only when `--format focus` is chosen.
struct BillingAccountOptions: ParsableArguments {
    static let idVariable = "CLIPMETER_BILLING_ACCOUNT"
    static let nameVariable = "CLIPMETER_BILLING_ACCOUNT_NAME"

    @Option(
        name: .customLong("billing-account"),
        help:
            "FOCUS BillingAccountId, e.g. acs:ram::ACCOUNT_ID:root for your Alibaba Cloud account (default $CLIPMETER_BILLING_ACCOUNT, else clipmeter-unassigned, which is no Alibaba Cloud account)."
    )
    var id: String?
    @Option(
        name: .customLong("billing-account-name"),
        help: "FOCUS BillingAccountName (default $CLIPMETER_BILLING_ACCOUNT_NAME, else the account id).")
    var name: String?

    /// The account from the flags, else the environment, else `BillingAccount.unassigned`; text FOCUS cannot
    /// carry is a usage error naming where it came from.
    func account(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> BillingAccount {
        func value(_ given: String?, flag: String, variable: String) throws -> String? {
            let text: String, source: String
            if let given {
                (text, source) = (given, flag)
            } else if let set = environment[variable], !set.isEmpty {  // an empty variable is an unset one
                (text, source) = (set, variable)
            } else {
                return nil
            }
            if let problem = BillingAccount.problem(with: text) { throw UsageError("\(source) \(text): \(problem)") }
            return text
        }
        let id = try value(self.id, flag: "--billing-account", variable: Self.idVariable)
        let name = try value(self.name, flag: "--billing-account-name", variable: Self.nameVariable)
        guard let id else {
            if name != nil {
                throw UsageError("--billing-account-name needs --billing-account (or \(Self.idVariable)): a name alone names no account")
            }
            return .unassigned
        }
        return BillingAccount(id: id, name: name)
    }
}

import Foundation
import Ledger
import MediaProbe

/// Measures the files a run needs, each once: unchanged files come from the cache, the rest are probed in
/// parallel (bounded by `jobs`) and written back to the cache in batches as they finish, so a run killed
/// half-way keeps what it measured and the next run picks up from there.
///
/// OSS objects read in place are keyed by one HEAD request each (bucket, key, ETag, size), so an unchanged
/// object is answered from the cache without a media byte read; they are measured on their own pool
/// (`ProbeOptions.remoteJobs`): they wait on the network, and must not hold the cores' slots meanwhile.
public final class MediaMeasurer {
    /// The probe settings; the cache key includes their mode.
    public let prober: MediaProber
    /// Files probed at once.
    public let jobs: Int
    /// Ledger-backed cache, nil with `--no-ledger`.
    public let cache: MeasurementCache?
    /// Called after each file (done, total) on one thread at a time: drives the progress bar.
    public var progress: ((Int, Int) -> Void)?
    /// Files measured by probing in this run, and files answered from the cache.
    public private(set) var probedCount = 0
    public private(set) var cachedCount = 0
    /// Why the cache could not be read or written (the run goes on without it); reported once.
    public private(set) var cacheProblems: [String] = []
    /// A local file modified less than this many seconds before it is measured may still be syncing
    /// (`--settle`): its measurement says so. So does one that changed while it was measured.
    public var settleSeconds: Double = 2
    /// True once a measured file was found still syncing.
    public private(set) var sawUnsettledFile = false

    /// Outcomes so far, by path.
    /// By the path's bytes: `café` in NFC and in NFD are two files.
    private var results: [ByteKey: Result<MediaMeasurement, ProbeError>] = [:]
    /// Writes wait here until a batch is full.
    private var pending: [(key: MeasurementKey, facts: Data)] = []
    static let batchSize = 256

    /// A measurer; `cache` may be nil.
    ///
    /// Every local path measured here comes from `PathResolver`, links already resolved and confined to the roots,
    /// so the prober refuses a link it meets on one (a file swapped for a link to outside after the listing).
    public init(prober: MediaProber, jobs: Int, cache: MeasurementCache? = nil) {
        var prober = prober
        prober.options.refusesLinks = true
        self.prober = prober
        self.jobs = max(1, jobs)
        self.cache = cache
    }

    /// The outcome for a path measured earlier by `measure(_:)`.
    func outcome(for path: String) -> Result<MediaMeasurement, ProbeError>? { results[ByteKey(path)] }

    /// Measures every path not measured yet in this run (duplicates and earlier paths are skipped).
    public func measure(_ paths: [String]) {
        let todo = Set(paths.map(ByteKey.init).filter { results[$0] == nil }).sorted().map(\.text)
        guard !todo.isEmpty else { return }
        let mode = prober.options.mode
        var keys: [ByteKey: MeasurementKey] = [:]
        let remote = todo.filter { self.prober.readsInPlace($0) }
        let identities = objectIdentities(remote)
        for path in todo {
            if let identity = identities[path] {
                switch identity {
                // Without an ETag a rewrite of the same size would look unchanged: such objects are never cached.
                case .success(let object): keys[ByteKey(path)] = object.etag.isEmpty ? nil : MeasurementKey.object(object, mode: mode)
                case .failure(let error): results[ByteKey(path)] = .failure(error)
                }
            } else {
                keys[ByteKey(path)] = MeasurementKey.current(path: path, mode: mode)
            }
        }

        var cached: [MeasurementKey: Data] = [:]
        if let cache {
            do { cached = try cache.lookup(Array(keys.values)) } catch { noteCacheProblem(error) }
        }
        var misses: [String] = []
        var done = 0
        let decoder = JSONDecoder()
        for path in todo where results[ByteKey(path)] == nil {
            if let key = keys[ByteKey(path)], let data = cached[key], let outcome = try? decoder.decode(CachedOutcome.self, from: data) {
                switch outcome {
                case .measured(let measurement): results[ByteKey(path)] = .success(syncing(path, measurement, before: key, after: key))
                case .failed(let code, let message, let operation):
                    results[ByteKey(path)] = .failure(
                        ProbeError(
                            path: path, code: ProbeErrorCode(rawValue: code) ?? .io,
                            operation: operation, message: message))
                }
                cachedCount += 1
                done += 1
                progress?(done, todo.count)
            } else {
                misses.append(path)
            }
        }

        let prober = self.prober
        let encoder = JSONEncoder()
        let failedEarly = todo.filter { identities[$0] != nil && results[ByteKey($0)] != nil && keys[ByteKey($0)] == nil }
        done += failedEarly.count
        if !failedEarly.isEmpty { progress?(done, todo.count) }
        let remoteMisses = misses.filter { identities[$0] != nil }
        let localMisses = misses.filter { identities[$0] == nil }
        func deliver(_ path: String, _ outcome: ProbeOutcome) {
            probedCount += 1
            done += 1
            switch outcome.result {
            case .success(let facts):
                let measurement = MediaMeasurement(facts: facts)
                let after = identities[path] == nil ? MeasurementKey.current(path: path, mode: mode) : keys[ByteKey(path)]
                results[ByteKey(path)] = .success(syncing(path, measurement, before: keys[ByteKey(path)], after: after))
                // Cached without the syncing note (the note depends on when it is read, not on the file), and
                // only when the file did not change under the probe: its key then still names what was read.
                if let key = keys[ByteKey(path)], key == after, let data = try? encoder.encode(CachedOutcome.measured(measurement)) {
                    remember(key, data)
                }
            case .failure(let error):
                results[ByteKey(path)] = .failure(error)
                if CachedOutcome.stableErrors.contains(error.code), let key = keys[ByteKey(path)],
                    let data = try? encoder.encode(
                        CachedOutcome.failed(
                            code: error.code.rawValue, message: error.message,
                            operation: error.operation))
                {
                    remember(key, data)
                }
            }
            progress?(done, todo.count)
        }
        ParallelProbe(jobs: jobs, ordered: false).run(localMisses, work: { prober.probe($0) }) { index, outcome in
            deliver(localMisses[index], outcome)
        }
        let known = identities.compactMapValues { try? $0.get() }
        ParallelProbe(jobs: prober.options.remoteJobs, ordered: false).run(
            remoteMisses,
            work: { path in
                prober.probeObject(path, identity: known[path])
            }
        ) { index, outcome in
            deliver(remoteMisses[index], outcome)
        }
        flush()
    }

    /// The measurement with a "may still be syncing" note when the local file changed while it was measured, or
    /// was modified within `settleSeconds` of now (a sync or a render still writing it).
    private func syncing(
        _ path: String, _ measurement: MediaMeasurement, before: MeasurementKey?,
        after: MeasurementKey?
    ) -> MediaMeasurement {
        guard let before, !prober.readsInPlace(path) else { return measurement }
        var noted = measurement
        if before != after {
            sawUnsettledFile = true
            noted.syncing = .changedWhileMeasured
            return noted
        }
        let age = Date().timeIntervalSince1970 - Double(before.modifiedAtNanos) / 1_000_000_000
        if age < settleSeconds {
            sawUnsettledFile = true
            noted.syncing = .modifiedRecently(age: age, settle: settleSeconds)
        }
        return noted
    }

    /// One HEAD per object, on the remote pool.
    private func objectIdentities(_ paths: [String]) -> [String: Result<ObjectIdentity, ProbeError>] {
        var found: [String: Result<ObjectIdentity, ProbeError>] = [:]
        let prober = self.prober
        ParallelProbe(jobs: prober.options.remoteJobs, ordered: false).run(paths, work: { prober.objectIdentity($0) }) { index, identity in
            if let identity { found[paths[index]] = identity }
        }
        return found
    }

    /// Forgets the outcomes of this run (after pricing), so rendering a large bill does not also hold them.
    public func releaseOutcomes() { results = [:] }

    /// Writes what is pending to the cache.
    public func flush() {
        guard let cache, !pending.isEmpty else { return }
        do { try cache.store(pending) } catch { noteCacheProblem(error) }
        pending.removeAll(keepingCapacity: true)
    }

    private func remember(_ key: MeasurementKey, _ data: Data) {
        guard cache != nil else { return }
        pending.append((key, data))
        if pending.count >= Self.batchSize { flush() }
    }

    private func noteCacheProblem(_ error: Error) {
        let text = "\(error)"
        if !cacheProblems.contains(text) { cacheProblems.append(text) }
    }
}

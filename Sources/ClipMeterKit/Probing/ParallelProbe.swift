import Dispatch
import Foundation
import MediaProbe

/// Measures many files with bounded parallelism and hands each outcome to a callback as soon as order allows.
///
/// In `ordered` mode outcomes arrive in input order through a reorder window of a few times `jobs`, so
/// output is stable and memory stays bounded by the window, not by the number of files. Unordered mode
/// delivers each outcome the moment it is ready (NDJSON streaming).
public struct ParallelProbe: Sendable {
    public var jobs: Int
    public var ordered: Bool

    /// More workers than this only contend (each is a thread with its own stack); a larger `jobs` is clamped, so
    /// no count a caller passes can overflow the window arithmetic or exhaust the address space.
    public static let maximumJobs = 1024

    public init(jobs: Int, ordered: Bool) {
        self.jobs = min(max(1, jobs), Self.maximumJobs)
        self.ordered = ordered
    }

    /// Runs `work` on every item on up to `jobs` threads; `deliver` runs on one thread at a time.
    ///
    /// The workers are threads of their own, not Dispatch's: a probe blocks (on a disk, on a socket, on a server
    /// that stalls until the time limit), and blocked Dispatch workers hold the few threads Dispatch runs at once
    /// on a small machine, so everything else queued on Dispatch waits behind them. Threads that block only hold
    /// themselves.
    public func run<Item: Sendable, Output>(
        _ items: [Item], work: @escaping @Sendable (Item) -> Output,
        deliver: (Int, Output) -> Void
    ) {
        guard !items.isEmpty else { return }
        // At most this many outcomes wait for delivery: the ordered window, or one per worker.
        let slots = DispatchSemaphore(value: ordered ? jobs * 4 : jobs)
        let ready = DispatchSemaphore(value: 0)
        let lock = NSLock()
        let box = Box<Output>()
        for _ in 0..<min(jobs, items.count) {
            let worker = Thread {
                while true {
                    // A slot before an index: indexes are taken in order, so the next one to deliver is always
                    // being worked on and the ordered window cannot fill up with later ones.
                    slots.wait()
                    lock.lock()
                    let index = box.taken
                    box.taken += 1
                    lock.unlock()
                    guard index < items.count else {
                        slots.signal()
                        return
                    }
                    let output = work(items[index])
                    lock.lock()
                    box.finished[index] = output
                    box.order.append(index)
                    lock.unlock()
                    ready.signal()
                }
            }
            worker.stackSize = Self.workerStackSize
            worker.start()
        }
        var next = 0
        var delivered = 0
        while delivered < items.count {
            ready.wait()
            lock.lock()
            var batch: [(Int, Output)] = []
            if ordered {
                while let output = box.finished.removeValue(forKey: next) {
                    batch.append((next, output))
                    next += 1
                }
            } else {
                for index in box.order { if let output = box.finished.removeValue(forKey: index) { batch.append((index, output)) } }
                box.order.removeAll(keepingCapacity: true)
            }
            lock.unlock()
            for (index, output) in batch {
                deliver(index, output)
                delivered += 1
                slots.signal()
            }
        }
    }
}

extension ParallelProbe {
    /// Stack of each worker: FFmpeg's demuxers need more than a small default; 256 workers stay within 1 GB of
    /// address space.
    static let workerStackSize = 4 << 20
}

/// Results waiting for delivery and the next index to take; guarded by the caller's lock.
private final class Box<Output>: @unchecked Sendable {
    var taken = 0
    var finished: [Int: Output] = [:]
    var order: [Int] = []
}

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

    public init(jobs: Int, ordered: Bool) {
        self.jobs = max(1, jobs)
        self.ordered = ordered
    }

    /// Runs `work` on every item on up to `jobs` threads; `deliver` runs on one thread at a time.
    public func run<Item: Sendable, Output>(_ items: [Item], work: @escaping @Sendable (Item) -> Output,
                                            deliver: (Int, Output) -> Void) {
        guard !items.isEmpty else { return }
        let window = ordered ? jobs * 4 : jobs
        let slots = DispatchSemaphore(value: window)
        let ready = DispatchSemaphore(value: 0)
        let lock = NSLock()
        let box = Box<Output>()
        let queue = DispatchQueue(label: "clipmeter.probe", attributes: .concurrent)
        let workers = DispatchSemaphore(value: jobs)
        let submitter = Thread {
            for (index, item) in items.enumerated() {
                slots.wait()
                workers.wait()
                queue.async {
                    let output = work(item)
                    workers.signal()
                    lock.lock()
                    box.finished[index] = output
                    box.order.append(index)
                    lock.unlock()
                    ready.signal()
                }
            }
        }
        submitter.stackSize = 1 << 20
        submitter.start()
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

/// Results waiting for delivery; guarded by the caller's lock.
private final class Box<Output>: @unchecked Sendable {
    var finished: [Int: Output] = [:]
    var order: [Int] = []
}

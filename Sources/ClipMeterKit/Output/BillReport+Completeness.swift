import Billing
import Foundation

extension BillReport {
    /// How many costs the total leaves out, each counted once: priced jobs whose cost cannot be known, and jobs
    /// or sources that could not be priced at all (a failure names its job, else its file).
    var unknownCosts: Int {
        var missing = Set(bill.jobs.filter { $0.unknown != nil }.map { "job \($0.id)" })
        for failure in failures {
            missing.insert(failure.jobID.map { "job \($0)" } ?? "source \(failure.path)")
        }
        return missing.count
    }

    /// The members the JSON bills put beside `total`, so a script that reads only the JSON knows whether the
    /// total is the whole bill: `totalComplete` (false when any cost is left out) and `unknownCosts` (how many).
    var completenessJSON: [(String, JSONValue)] {
        let count = unknownCosts
        return [("totalComplete", .bool(count == 0)), ("unknownCosts", .number(count))]
    }
}

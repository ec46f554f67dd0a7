import Billing
import Foundation

extension BillReport {
    /// How many costs the bill's total leaves out (`unknownCosts(of:failures:)` of the bill and its failures).
    var unknownCosts: Int { Self.unknownCosts(of: bill, failures: failures) }

    /// The members the JSON bills put beside `total`, so a script that reads only the JSON knows whether the
    /// total is the whole bill: `totalComplete` (false when any cost is left out) and `unknownCosts` (how many).
    var completenessJSON: [(String, JSONValue)] { Self.completenessJSON(of: bill, failures: failures) }

    /// How many costs `bill`'s total leaves out, each counted once: priced jobs whose cost cannot be known, and
    /// jobs or sources that could not be priced at all (a failure names its job, else its file).
    static func unknownCosts(of bill: Bill, failures: [Failure]) -> Int {
        var missing = Set(bill.jobs.filter { $0.unknown != nil }.map { "job \($0.id)" })
        for failure in failures {
            missing.insert(failure.jobID.map { "job \($0)" } ?? "source \(failure.path)")
        }
        return missing.count
    }

    /// `totalComplete` and `unknownCosts` for any total with its failures (the bill's, or a section's own).
    static func completenessJSON(of bill: Bill, failures: [Failure]) -> [(String, JSONValue)] {
        let count = unknownCosts(of: bill, failures: failures)
        return [("totalComplete", .bool(count == 0)), ("unknownCosts", .number(count))]
    }
}

import Billing
import Foundation
import Quantities

extension BillRenderer {
    // MARK: - CSV

    /// Columns of `csv(_:)`, in order.
    public static let csvColumns = [
        "jobId", "feature", "status", "finishedAt", "cycleStart", "component", "quantity", "unit", "billedQuantity",
        "unitPrice", "cost", "currency", "explain", "file",
    ]

    /// CSV: header + one row per line item: jobId, feature, status, finishedAt, cycleStart, component, quantity, unit,
    /// billedQuantity, unitPrice, cost, currency, explain, file. Failed/zero jobs with no items still get one row
    /// (component empty, cost 0, the reason in explain). Each report failure (a file that could not be measured, a
    /// job that could not be read) follows as a row with status `error`, cost 0 and "code: message" in explain, so
    /// the CSV shows what the exit code reports. RFC 4180 quoting via CSV.field; dates carry the billing zone's offset.
    public static func csv(_ report: BillReport) -> String {
        let bill = report.bill
        var rows: [[String]] = [csvColumns]
        for job in bill.jobs {
            let finished = job.finishedAt.map { ReportDate.iso($0, in: job.timeZone) } ?? ""
            let cycle = job.cycleStart.map { ReportDate.iso($0, in: job.timeZone) } ?? ""
            let head = [job.id, job.feature.rawValue, job.status.rawValue, finished, cycle]
            if job.items.isEmpty || job.unknown != nil {
                // No charge to itemise, or a cost that cannot be known: one row, its cost empty when unknown.
                let cost = job.unknown == nil ? MoneyText.string(job.cost?.amount ?? 0) : ""
                rows.append(head + ["", "", "", "", "", cost, bill.currency, Wording.reason(of: job) ?? "", ""])
                continue
            }
            for item in job.items {
                rows.append(
                    head + [
                        item.component, DecimalText.plain(item.quantity), item.unit.rawValue, NumberText.plain(item.billedQuantity),
                        item.unitPrice.map(MoneyText.string) ?? "", MoneyText.string(item.cost), bill.currency, item.explain,
                        item.file ?? "",
                    ])
            }
        }
        for failure in report.failures {
            rows.append([
                failure.jobID ?? "", "", "error", "", "", "", "", "", "", "", MoneyText.string(0), bill.currency,
                "\(failure.code): \(Wording.message(failure))", failure.path,
            ])
        }
        return CSV.document(rows)
    }
}

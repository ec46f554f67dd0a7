import Billing
import ClipMeterKit
import Foundation
import Ledger
import Reconcile

/// Gathers what `reconcile` compares: the bill files, the item map, and ClipMeter's side from ledgers or saved results.
/// Problems with the command line (no ledger, an unreadable item map, mixed currencies) are usage errors (exit 2);
/// a bill file or row that cannot be read is in the report's errors (exit 1), the rest still compared.
struct ReconcileInputs {
    var bills: [String]
    var ledgers: [String]
    var ledgerSchema: String?
    var results: [String]
    var itemMap: String?
    var timeZone: TimeZone

    func report(card: RateCard, from: Date?, to: Date?) throws -> ReconcileReport {
        let map = try loadItemMap()
        var reading = BillReading()
        for path in bills {
            do {
                let data = try RegularFile.read(path, maxBytes: ReadLimits.standard.maxBytes)
                reading.merge(try BillFile.read(data, file: path, zone: timeZone))
            } catch let error as FileReadError {
                reading.errors.append(.unreadableFile(file: path, reason: error.message))
            } catch let error as ReconcileError {
                reading.errors.append(error)
            }
        }
        let side = try clipMeterSide(card: card, from: from, to: to)
        let reconciler = Reconciler(card: card, itemMap: map, timeZone: timeZone, from: from, to: to)
        do {
            return try reconciler.reconcile(reading, side)
        } catch let error as ReconcileError {
            throw UsageError("\(error)")
        }
    }

    private func loadItemMap() throws -> ItemMap {
        guard let itemMap else { return .bundled }
        do {
            return try ItemMap.load(try RegularFile.read(itemMap, maxBytes: 4 << 20), file: itemMap)
        } catch let error as FileReadError {
            throw UsageError("item map \(itemMap): cannot be read: \(error.message)")
        } catch let error as ReconcileError {
            throw UsageError("\(error)")
        }
    }

    /// Ledgers and saved results; with neither, the ledger `bill` would read ($CLIPMETER_LEDGER or .clipmeter/ledger.sqlite).
    private func clipMeterSide(card: RateCard, from: Date?, to: Date?) throws -> ClipMeterSide {
        var side = ClipMeterSide()
        var paths = ledgers
        if paths.isEmpty && results.isEmpty { paths = [LedgerChoice.location(nil) ?? ".clipmeter/ledger.sqlite"] }
        if !paths.isEmpty {
            let opened = try LedgerChoice.openForReading(
                paths, schema: ledgerSchema, missing: "no such file (pass --ledger PATH, or a saved scan JSON, for ClipMeter's side)",
                urlLike: false)
            do {
                let recorded = try JobHistory.recorded(from: opened, from: from, to: to, timeZone: timeZone)
                side.add(
                    recorded.bill.jobs, currency: recorded.bill.currency, from: "ledger " + opened.map(\.path).joined(separator: ", "),
                    card: card)
            } catch {
                throw UsageError(LedgerChoice.message(for: error))
            }
        }
        for path in results {
            do {
                side.addSavedResult(try RegularFile.read(path, maxBytes: ReadLimits.standard.maxBytes), file: path, card: card)
            } catch let error as FileReadError {
                throw UsageError("\(path): cannot be read: \(error.message)")
            }
        }
        return side
    }
}

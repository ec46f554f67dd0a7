import Foundation
import GRDB

extension LedgerError {
    /// Translates whatever SQLite or the file system threw while doing `action` into a ledger error for `path`.
    init(_ error: Error, path: String, while action: String) {
        if let error = error as? LedgerError {
            self = error
            return
        }
        guard let error = error as? DatabaseError else {
            self = .io(path: path, message: "\(action): \(error.localizedDescription)")
            return
        }
        let detail = error.message ?? "\(error.resultCode)"
        switch error.resultCode {
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            self = .corrupt(path: path, message: detail)
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            self = .io(path: path, message: "\(action): another process kept it locked (\(detail))")
        case .SQLITE_FULL:
            self = .io(path: path, message: "\(action): the disk is full")
        case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_AUTH:
            self = .io(path: path, message: "\(action): it is read-only or access was denied (\(detail))")
        case .SQLITE_CANTOPEN:
            self = .io(path: path, message: "\(action): it cannot be opened (\(detail))")
        default:
            self = .io(path: path, message: "\(action): \(detail)")
        }
    }
}

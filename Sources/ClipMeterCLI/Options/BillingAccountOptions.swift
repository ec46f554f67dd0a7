import ArgumentParser
import Foundation
import Billing
import ClipMeterKit
import MediaProbe
import OSSAccess
import Quantities
import Timeline

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

import Foundation
import Quantities
import SwiftCSV

/// Reads the itemized bill CSV (the console export and the OSS-delivered `BillingItemDetail` file): English or Chinese
/// headers, or the API's field names; UTF-8 with or without a byte-order mark.
enum BillCSVReader {
    /// The columns reconciling reads, each with every header it is known by.
    enum Column: String, CaseIterable {
        case usageStart = "Usage Start Time", usageEnd = "Usage End Time", billingCycle = "Billing Cycle"
        case billingDate = "Billing Date", productCode = "Product Code", billingItemCode = "Billing Item Code"
        case billingItem = "Billing Item", instanceID = "Instance ID", usage = "Usage", usageUnit = "Usage Unit"
        case listPrice = "List Price", listPriceUnit = "List Price Unit", gross = "Pretax Gross Amount"
        case payable = "Pretax Amount", resourcePackage = "Deducted By Resource Package", invoiceDiscount = "Invoice Discount"
        case coupons = "Deducted By Coupons", cashCoupons = "Deducted By Cash Coupons", prepaidCard = "Deducted By Prepaid Card"
        case currency = "Currency"

        /// Chinese console labels and other spellings of the same column.
        var aliases: [String] {
            switch self {
            case .usageStart: return ["账单开始时间", "使用开始时间", "消费开始时间", "开始时间", "UsageStartTime"]
            case .usageEnd: return ["账单结束时间", "使用结束时间", "消费结束时间", "结束时间", "UsageEndTime"]
            case .billingCycle: return ["账期", "账单月份", "账单周期", "BillingCycle"]
            case .billingDate: return ["账单日期", "消费日期", "BillingDate"]
            case .productCode: return ["产品Code", "产品代码", "产品编码", "ProductCode"]
            case .billingItemCode: return ["计费项Code", "计费项编码", "计费项代码", "BillingItemCode"]
            case .billingItem: return ["计费项", "计费项名称", "BillingItem"]
            case .instanceID: return ["实例ID", "资源ID", "InstanceID"]
            case .usage: return ["用量", "使用量"]
            case .usageUnit: return ["用量单位", "使用量单位"]
            case .listPrice: return ["单价", "官网单价", "目录价"]
            case .listPriceUnit: return ["单价单位", "官网单价单位"]
            case .gross: return ["官网价", "原价", "税前原价", "PretaxGrossAmount"]
            case .payable: return ["应付金额", "税前应付金额", "PretaxAmount"]
            case .resourcePackage: return ["资源包抵扣", "资源包抵扣量", "DeductedByResourcePackage"]
            case .invoiceDiscount: return ["优惠金额", "InvoiceDiscount"]
            case .coupons: return ["优惠券抵扣", "DeductedByCoupons"]
            case .cashCoupons: return ["代金券抵扣", "DeductedByCashCoupons"]
            case .prepaidCard: return ["储值卡抵扣", "DeductedByPrepaidCard"]
            case .currency: return ["币种", "币别"]
            }
        }
    }

    /// Headers the bill has that reconciling does not need, in both languages: known, so never reported.
    static let knownOther: Set<String> = Set(
        [
            "Cost Center", "Account ID", "Account Name", "Owner Account ID", "Owner Account Name", "Product Name", "Product Type",
            "Product Detail", "Subscription Type", "Payment Time", "Service Duration", "Order No./Bill No.", "Item", "Billing Type",
            "Instance Name", "Resource Group", "Instance Tag", "Instance Config", "Instance Spec", "Internet IP", "Intranet IP",
            "Region", "Zone", "Commodity Code", "Pip Code", "Biz Type", "After Discount Amount", "Bill Account ID",
            "Bill Account Name", "Nick Name", "Owner ID", "Cash Amount", "Payment Amount", "Outstanding Amount", "Adjust Amount",
            "Service Period", "Service Period Unit", "Item Name", "Cost Unit", "Tag", "Deducted By Cash Coupon",
            "成本中心", "账号ID", "账号名称", "账号", "所有者账号ID", "所有者账号", "所有者账号名称", "财务单元", "产品", "产品名称",
            "产品类型", "产品明细", "消费类型", "支付时间", "服务时长", "订单号/账单号", "账单号", "订单号", "账单类型", "计费方式",
            "实例昵称", "资源组", "实例标签", "标签", "实例配置", "实例规格", "公网IP", "私网IP", "地域", "可用区", "现金支付",
            "信用额度退款抵扣", "未结清金额", "调账金额", "商品Code", "商品代码",
        ].map(normalise))

    /// Lower case without spaces and punctuation: "Usage Start Time", "UsageStartTime" and "usage_start_time" agree.
    static func normalise(_ header: String) -> String {
        String(header.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }.map(Character.init))
    }

    private static let lookup: [String: Column] = {
        var table: [String: Column] = [:]
        for column in Column.allCases {
            for name in [column.rawValue] + column.aliases { table[normalise(name)] = column }
        }
        return table
    }()

    /// True when `header` holds at least one column a bill CSV has: how a CSV is told from other text.
    static func looksLikeBill(_ header: [String]) -> Bool {
        header.contains { lookup[normalise($0)] != nil }
    }

    /// Rows and per-row errors; throws when a column reconciling needs is missing.
    static func read(_ text: String, file: String, zone: TimeZone) throws -> BillReading {
        let csv: EnumeratedCSV
        do {
            csv = try EnumeratedCSV(string: text, delimiter: .comma, loadColumns: false)
        } catch {
            throw ReconcileError.notABill(file: file, found: "text that is not valid CSV (\(error))")
        }
        let header = csv.header.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        guard looksLikeBill(header) else {
            let first = header.prefix(6).joined(separator: ", ")
            throw ReconcileError.notABill(
                file: file, found: "text whose first line (\(first.isEmpty ? "empty" : first)) names no bill column")
        }
        var index: [Column: Int] = [:]
        var unrecognised: [String] = []
        for (position, name) in header.enumerated() {
            let key = normalise(name)
            if let column = lookup[key] {
                if index[column] == nil { index[column] = position }
            } else if !knownOther.contains(key) && !key.isEmpty {
                unrecognised.append(name)
            }
        }
        var missing: [String] = []
        if index[.usageStart] == nil && index[.billingDate] == nil && index[.billingCycle] == nil {
            missing.append("Usage Start Time (账单开始时间) or Billing Cycle (账期)")
        }
        if index[.billingItem] == nil && index[.billingItemCode] == nil { missing.append("Billing Item (计费项)") }
        for column in [Column.usage, .usageUnit, .gross] where index[column] == nil {
            missing.append("\(column.rawValue) (\(column.aliases[0]))")
        }
        if !missing.isEmpty { throw ReconcileError.missingColumns(file: file, missing: missing, unrecognised: unrecognised) }

        var reading = BillReading()
        if !unrecognised.isEmpty {
            reading.warnings.append("\(file): columns not recognised, not read: \(unrecognised.joined(separator: ", "))")
        }
        if index[.currency] == nil {
            reading.warnings.append("\(file): no Currency column (an older bill file); its amounts are read in the rate card's currency")
        }
        for (number, cells) in csv.rows.enumerated() {
            let location = "\(file) row \(number + 2)"
            func cell(_ column: Column) -> String? {
                guard let position = index[column], position < cells.count else { return nil }
                let value = cells[position].trimmingCharacters(in: .whitespacesAndNewlines)
                return value.isEmpty ? nil : value
            }
            if cells.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
            if cell(.billingItem) == nil && cell(.billingItemCode) == nil && cell(.usageStart) == nil && cell(.billingDate) == nil {
                reading.warnings.append("\(location): no billing item and no time (a totals line?), not read")
                continue
            }
            do {
                reading.rows.append(try row(cell, location: location, zone: zone))
            } catch let error as ReconcileError {
                reading.errors.append(error)
            } catch {
                reading.errors.append(.unreadableRow(location: location, reason: "\(error)"))
            }
        }
        return reading
    }

    private static func row(_ cell: (Column) -> String?, location: String, zone: TimeZone) throws -> BillRow {
        func number(_ column: Column, required: Bool = false) throws -> Decimal? {
            guard let text = cell(column) else {
                if required { throw ReconcileError.unreadableRow(location: location, reason: "no \(column.rawValue)") }
                return nil
            }
            // Amounts may be written with thousands separators ("1,234.50").
            let plain = text.replacingOccurrences(of: ",", with: "")
            switch StrictDecimal.parse(plain) {
            case .success(let value): return value
            case .failure(let problem): throw ReconcileError.unreadableRow(location: location, reason: "\(column.rawValue): \(problem)")
            }
        }
        let period: Period
        if let startText = cell(.usageStart) {
            guard let start = BillDates.instant(startText, zone: zone) else {
                throw ReconcileError.unreadableRow(location: location, reason: "Usage Start Time \(startText) is not a date and time")
            }
            var granularity = Granularity.hour
            if let endText = cell(.usageEnd) {
                guard let end = BillDates.instant(endText, zone: zone) else {
                    throw ReconcileError.unreadableRow(location: location, reason: "Usage End Time \(endText) is not a date and time")
                }
                // An hourly file's rows end at the next hour (or a second before it); longer rows are days or months.
                let length = end.timeIntervalSince(start)
                granularity = length <= 3600 ? .hour : length <= 86400 ? .day : .month
            }
            period = Period.containing(start, granularity, in: zone)
        } else if let dated = try BillDates.period(
            day: cell(.billingDate).map { ("Billing Date", $0) }, month: cell(.billingCycle).map { ("Billing Cycle", $0) },
            zone: zone, location: location)
        {
            period = dated
        } else {
            throw ReconcileError.unreadableRow(location: location, reason: "no Usage Start Time, Billing Date or Billing Cycle")
        }
        let deductions = Deductions(
            resourcePackage: cell(.resourcePackage), coupons: try number(.coupons),
            cashCoupons: try number(.cashCoupons), prepaidCard: try number(.prepaidCard),
            invoiceDiscount: try number(.invoiceDiscount))
        return BillRow(
            location: location, source: .itemizedCSV, period: period, productCode: cell(.productCode),
            billingItemCode: cell(.billingItemCode), billingItem: cell(.billingItem), instanceID: cell(.instanceID),
            usage: try number(.usage), usageUnit: cell(.usageUnit), listPrice: try number(.listPrice),
            listPriceUnit: cell(.listPriceUnit), gross: try number(.gross, required: true), payable: try number(.payable),
            deductions: deductions, currency: cell(.currency))
    }
}

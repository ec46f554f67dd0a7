/// The bundled rate cards' JSON, compiled into the binary by SwiftPM (`.embedInCode` in Package.swift) from
/// `Sources/Billing/RateCards/*.json`: editing a card file is all it takes, and `clipmeter` needs no resource
/// folder beside it (a resource bundle would sit next to the build folder's binary, and `Bundle.module` traps when
/// an installed copy cannot find it).
enum BundledRateCardData {
    /// Card id (`cn`, `intl-singapore`, …) → the card file's exact bytes.
    static let json: [String: [UInt8]] = [
        "cn": PackageResources.cn_json,
        "intl-cn-mainland": PackageResources.intl_cn_mainland_json,
        "intl-hongkong": PackageResources.intl_hongkong_json,
        "intl-us-silicon-valley": PackageResources.intl_us_silicon_valley_json,
        "intl-frankfurt": PackageResources.intl_frankfurt_json,
        "intl-london": PackageResources.intl_london_json,
        "intl-singapore": PackageResources.intl_singapore_json,
        "intl-japan": PackageResources.intl_japan_json,
        "intl-indonesia": PackageResources.intl_indonesia_json,
        "intl-riyadh": PackageResources.intl_riyadh_json,
    ]
}

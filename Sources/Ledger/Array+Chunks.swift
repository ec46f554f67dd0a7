extension Array {
    /// Splits the array into consecutive slices of at most `size` elements.
    ///
    /// Lookups by many keys use one `IN (…)` query per slice: far fewer round trips than one query per key, while
    /// staying under SQLite's limit on bound parameters.
    func chunks(ofCount size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}

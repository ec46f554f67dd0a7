import Foundation

/// MOV/MP4 keep a sample table for every track, which libavformat turns into an index while opening: it says
/// where each sample lies in the file and when it plays, so it can check both the file's size and the header's
/// durations before a single packet is read.
enum MOVSampleIndex {
    /// A MOV/MP4 whose sample index points past the end of the file lost its tail: its header duration is a
    /// promise the data cannot keep.
    static func checkFitsFile(_ streams: [StreamHeader], facts: MediaFacts) throws(ProbeError) {
        for stream in streams {
            guard let end = stream.lastIndexEnd else { continue }
            if end > facts.size {
                throw ProbeError(
                    path: facts.path, code: .truncated, operation: "check the sample index",
                    message: "the file is cut short: its index needs \(end) bytes but the file has \(facts.size)")
            }
        }
    }

    /// MOV/MP4: each track's length in seconds by its sample table with the edit lists applied, estimated from
    /// the index libavformat built while opening: first to last sample time, plus one average sample.
    static func spans(_ streams: [StreamHeader]) -> [Int: Double] {
        var spans: [Int: Double] = [:]
        for stream in streams where !stream.isAttachedPicture && stream.timeBase.isValid {
            guard let index = stream.indexSpan, index.samples > 1, index.last > index.first else { continue }
            let ticks = (Double(index.last) - Double(index.first)) * Double(index.samples) / Double(index.samples - 1)
            spans[stream.index] = ticks * Double(stream.timeBase.num) / Double(stream.timeBase.den)
        }
        return spans
    }
}

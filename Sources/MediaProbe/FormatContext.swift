import CFFmpeg
import Foundation

/// Sole owner of one AVFormatContext: opened in `init`, closed only in `deinit`.
/// Callers copy what they need into value types; no raw AVStream pointer leaves this file's users.
final class FormatContext {
    let pointer: UnsafeMutablePointer<AVFormatContext>
    /// The interrupt deadline (monotonic ns) FFmpeg's callback reads; lives as long as the context.
    private let deadline: UnsafeMutablePointer<Int64>

    /// Opens `path` with only the `file` protocol (unless network is allowed) and a time limit set *before*
    /// avformat_open_input, so even a stuck open gives up.
    init(path: String, timeLimit: TimeInterval, allowNetwork: Bool) throws(OpenFailure) {
        deadline = .allocate(capacity: 1)
        deadline.pointee = cff_monotonic_ns() + Int64(timeLimit * 1_000_000_000)
        guard let ctx = avformat_alloc_context() else {
            deadline.deallocate()
            throw OpenFailure(code: cff_averror(ENOMEM), step: "allocate a format context")
        }
        cff_set_deadline_interrupt(ctx, deadline)
        var options: OpaquePointer? = nil
        av_dict_set(&options, "protocol_whitelist", allowNetwork ? "file,http,https,tcp,tls,crypto" : "file", 0)
        var ctxOptional: UnsafeMutablePointer<AVFormatContext>? = ctx
        let rc = avformat_open_input(&ctxOptional, path, nil, &options)
        av_dict_free(&options)
        guard rc >= 0, let opened = ctxOptional else {
            // avformat_open_input frees the context on failure.
            deadline.deallocate()
            throw OpenFailure(code: rc, step: "open")
        }
        // `pointer` is set only after the last throw: once every stored property is set, a throw runs
        // `deinit`, which would close the context (and free the deadline) a second time.
        let info = avformat_find_stream_info(opened, nil)
        if info < 0 {
            var p: UnsafeMutablePointer<AVFormatContext>? = opened
            avformat_close_input(&p)
            deadline.deallocate()
            throw OpenFailure(code: info, step: "read stream info")
        }
        pointer = opened
    }

    deinit {
        var p: UnsafeMutablePointer<AVFormatContext>? = pointer
        avformat_close_input(&p)
        deadline.deallocate()
    }

    /// True once the per-file time limit has passed.
    var timedOut: Bool { cff_monotonic_ns() > deadline.pointee }

    var streamCount: Int { Int(pointer.pointee.nb_streams) }

    func stream(_ index: Int) -> UnsafeMutablePointer<AVStream>? {
        guard index >= 0, index < streamCount, let streams = pointer.pointee.streams else { return nil }
        return streams[index]
    }
}

/// An FFmpeg failure while opening: the return code and which step failed.
struct OpenFailure: Error {
    var code: Int32
    var step: String
}

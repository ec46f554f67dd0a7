internal import CFFmpeg
internal import CFFmpegShim
import Foundation
import OSSAccess

/// The AVIOContext an OSS object is read through: FFmpeg's reads and seeks become range reads of an
/// `OSSObjectReader`, which checks every answer. FFmpeg never opens a URL for an object, so no redirect, reconnect
/// or answer it cannot see the headers of reaches a demuxer.
final class ObjectInput {
    /// Who reads the bytes; its `failure` says why a read stopped.
    let reader: OSSObjectReader
    /// The object's URL without a query: only a name for FFmpeg's extension-based format scoring and messages.
    let name: String
    /// The AVIOContext, owned here: FFmpeg does not free a custom one.
    private(set) var context: UnsafeMutablePointer<AVIOContext>?
    private var position: Int64 = 0

    /// The same buffer size the local file reads use.
    private static let bufferSize: Int32 = 32_768

    init(reader: OSSObjectReader, name: String) throws(OpenFailure) {
        self.reader = reader
        self.name = name
        guard let buffer = av_malloc(Int(Self.bufferSize))?.assumingMemoryBound(to: UInt8.self) else {
            throw OpenFailure(code: cff_averror(ENOMEM), step: "allocate a read buffer")
        }
        context = avio_alloc_context(
            buffer, Self.bufferSize, 0, Unmanaged.passUnretained(self).toOpaque(),
            { opaque, buffer, size in
                guard let opaque, let buffer else { return cff_averror(EINVAL) }
                return Unmanaged<ObjectInput>.fromOpaque(opaque).takeUnretainedValue().read(buffer, Int(size))
            }, nil,
            { opaque, offset, whence in
                guard let opaque else { return Int64(cff_averror(EINVAL)) }
                return Unmanaged<ObjectInput>.fromOpaque(opaque).takeUnretainedValue().seek(offset, whence)
            })
        if context == nil {
            av_free(buffer)
            throw OpenFailure(code: cff_averror(ENOMEM), step: "allocate a read context")
        }
    }

    deinit {
        guard context != nil else { return }
        av_freep(&context!.pointee.buffer)
        avio_context_free(&context)
    }

    private func read(_ buffer: UnsafeMutablePointer<UInt8>, _ size: Int) -> Int32 {
        switch reader.read(into: UnsafeMutableRawBufferPointer(start: buffer, count: max(size, 0)), at: position) {
        case .success(0):
            return cff_averror_eof()
        case .success(let count):
            position += Int64(count)
            return Int32(count)
        case .failure(let error):
            return error.kind == .timeout ? cff_averror_exit() : cff_averror(EIO)
        }
    }

    /// SEEK_SET/CUR/END within the object, and AVSEEK_SIZE; a position past the end reads as the end, one
    /// before the start (or an offset whose sum overflows) is refused.
    private func seek(_ offset: Int64, _ whence: Int32) -> Int64 {
        let size = reader.head.size
        if whence & AVSEEK_SIZE != 0 { return size }
        let base: Int64
        switch whence & ~AVSEEK_FORCE {
        case SEEK_SET: base = 0
        case SEEK_CUR: base = position
        case SEEK_END: base = size
        default: return Int64(cff_averror(EINVAL))
        }
        let (target, overflow) = base.addingReportingOverflow(offset)
        guard !overflow, target >= 0 else { return Int64(cff_averror(EINVAL)) }
        position = target
        return target
    }
}

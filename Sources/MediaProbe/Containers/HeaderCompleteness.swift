internal import CFFmpeg
internal import CFFmpegShim

/// Decides whether a just-opened container's header already states everything `avformat_find_stream_info`
/// would add for ClipMeter's report, and fills in the two container timings that call would otherwise set.
///
/// Only the MOV/MP4 family qualifies: its `stsd` boxes state codec, picture size and audio format, `mdhd` and
/// the sample tables every stream's duration and average frame rate, `tkhd` the rotation. Matroska leaves
/// stream durations to the call, FLV creates its streams only while reading packets, MPEG-TS and raw streams
/// state almost nothing: all of those still decode.
enum HeaderCompleteness {
    static func answersEverything(_ ctx: UnsafeMutablePointer<AVFormatContext>) -> Bool {
        let c = ctx.pointee
        guard let name = cString(c.iformat?.pointee.name), name.hasPrefix("mov,mp4"),
            c.duration != cff_nopts_value(), c.duration > 0, c.nb_streams > 0, let streams = c.streams
        else { return false }
        for index in 0..<Int(c.nb_streams) {
            guard let st = streams[index], let par = st.pointee.codecpar else { return false }
            let p = par.pointee
            guard p.codec_id != AV_CODEC_ID_NONE else { return false }
            let attached = (st.pointee.disposition & AV_DISPOSITION_ATTACHED_PIC) != 0
            switch p.codec_type {
            case AVMEDIA_TYPE_VIDEO:
                guard p.width > 0, p.height > 0 else { return false }
                if !attached {
                    guard st.pointee.duration != cff_nopts_value(), st.pointee.duration > 0,
                        st.pointee.avg_frame_rate.num > 0, st.pointee.avg_frame_rate.den > 0
                    else { return false }
                }
            case AVMEDIA_TYPE_AUDIO:
                guard p.sample_rate > 0, p.ch_layout.nb_channels > 0,
                    st.pointee.duration != cff_nopts_value(), st.pointee.duration > 0
                else { return false }
            default:
                break
            }
        }
        return true
    }

    /// What the skipped call would have set: the duration counts as the streams' (`AVFMT_DURATION_FROM_STREAM`,
    /// as it is when every stream states one) and the start time is the earliest stream's.
    static func settleTimings(_ ctx: UnsafeMutablePointer<AVFormatContext>) {
        ctx.pointee.duration_estimation_method = AVFMT_DURATION_FROM_STREAM
        guard ctx.pointee.start_time == cff_nopts_value(), let streams = ctx.pointee.streams else { return }
        var earliest: Int64?
        for index in 0..<Int(ctx.pointee.nb_streams) {
            guard let st = streams[index], st.pointee.start_time != cff_nopts_value(), st.pointee.time_base.den > 0 else { continue }
            let start = av_rescale_q(st.pointee.start_time, st.pointee.time_base, AVRational(num: 1, den: Int32(cff_time_base())))
            earliest = min(earliest ?? start, start)
        }
        if let earliest { ctx.pointee.start_time = earliest }
    }
}

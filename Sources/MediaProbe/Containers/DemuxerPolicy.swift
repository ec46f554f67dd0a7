/// Which demuxers may run: those that read one self-contained file. Playlists, manifests, sequences and
/// anything else that names other files (HLS, DASH, concat, image2, IMF, VobSub, SDP/RTP) are left out, as
/// are devices, which read no file at all.
struct DemuxerPolicy {
    let names: Set<String>

    static let selfContained = DemuxerPolicy(names: [
        // Containers
        "mov", "mp4", "m4a", "3gp", "3g2", "mj2", "matroska", "webm", "mpegts", "mpeg", "flv", "live_flv", "avi",
        "asf", "asf_o", "wtv", "mxf", "gxf", "nut", "rm", "ogg", "wav", "w64", "aiff", "caf", "ivf", "dv", "nsv",
        "swf", "smjpeg", "pva", "nuv", "xwma", "wsaud", "rso", "mtv", "lxf", "kux", "ifv", "vivo", "bink",
        "binka", "smk", "thp", "mca", "dsf", "film_cpk", "roq", "3dostr", "psxstr",
        // Raw and single-stream audio
        "mp3", "aac", "ac3", "eac3", "dts", "dtshd", "truehd", "mlp", "flac", "ape", "wv", "tta", "tak", "mpc",
        "mpc8", "oma", "amr", "amrnb", "amrwb", "au", "voc", "loas", "gsm", "g722", "g723_1", "g729", "sbc",
        "ilbc", "codec2", "shn", "spdif", "sox", "ircam", "nistsphere", "qcp", "aptx", "aptx_hd", "dfpwm",
        // Raw video elementary streams and single images
        "h261", "h263", "h264", "hevc", "m4v", "mpegvideo", "vc1", "dirac", "dnxhd", "cavsvideo", "avs2", "avs3",
        "av1", "obu", "mjpeg", "yuv4mpegpipe", "gif", "apng", "jpeg_pipe", "png_pipe", "bmp_pipe", "webp_pipe",
        "tiff_pipe", "gif_pipe", "j2k_pipe", "jpegls_pipe", "jpegxl_pipe", "qoi_pipe", "psd_pipe",
    ])

    /// Demuxers that read other files by name: refused because of where they could lead.
    static let referencing: Set<String> = [
        "hls", "dash", "concat", "image2", "image2pipe", "webm_dash_manifest",
        "imf", "vobsub", "ffmetadata", "sdp", "rtp", "rtsp", "sap", "data",
        "mpjpeg", "tedcaptions",
    ]

    /// Comma-separated, as FFmpeg's `format_whitelist` option wants it.
    var whitelist: String { names.sorted().joined(separator: ",") }

    /// A demuxer's name may list aliases ("mov,mp4,m4a,3gp,3g2,mj2"); one allowed alias allows it, as in
    /// FFmpeg's own whitelist check.
    func allows(_ formatName: String) -> Bool {
        formatName.split(separator: ",").contains { names.contains(String($0)) }
    }
}

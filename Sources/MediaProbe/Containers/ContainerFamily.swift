/// The families of containers whose duration rules differ, named from libavformat's demuxer name list
/// ("mov,mp4,m4a,3gp,3g2,mj2"), so that a rule for one family is written once, in its file in this folder.
enum ContainerFamily: Equatable {
    /// MOV/MP4 and relatives: a sample table for every track (`MOVSampleIndex`, `HeaderCompleteness`).
    case mov
    /// MPEG-TS: no index, no trailer, a clock in every PES packet (`TransportStreamCut`).
    case transportStream
    /// FLV: no index, every tag followed by its size (`FLVTail`).
    case flv
    /// Matroska/WebM (Cues) and AVI (idx1): an index a timestamp seek goes through.
    case timestampIndexed
    /// Everything else: measured by reading every packet.
    case other

    init(demuxer names: String) {
        let names = Set(names.split(separator: ","))
        if names.contains("mov") {
            self = .mov
        } else if names.contains("mpegts") {
            self = .transportStream
        } else if names.contains("flv") {
            self = .flv
        } else if !names.isDisjoint(with: ["matroska", "webm", "avi"]) {
            self = .timestampIndexed
        } else {
            self = .other
        }
    }
}

import Billing
import XCTest

/// One reading of a codec's name, whoever wrote it, so a price list's `h264`/`h265` rows are found.
final class VideoCodecNameTests: XCTestCase {
    func testIMSMPSFFmpegAndEncoderSpellingsReadAsThePriceListNames() {
        let spellings: [String: [String]] = [
            "h264": [
                "H.264", "h264", "H264", "AVC", "avc1", "avc3", "x264", "libx264", "h264_nvenc", "H.264/AVC",
                "MPEG-4 AVC", " h.264 ", "libopenh264",
            ],
            "h265": ["H.265", "h265", "H265", "HEVC", "hevc", "hvc1", "hev1", "x265", "libx265", "hevc_qsv", "H.265/HEVC"],
            "av1": ["AV1", "av01", "libaom-av1", "libsvtav1", "librav1e", "av1_nvenc"],
            "vp9": ["VP9", "vp09", "libvpx-vp9"],
            "vp8": ["VP8", "libvpx"],
        ]
        for (name, written) in spellings {
            for spelling in written {
                XCTAssertEqual(VideoCodecName.normalized(spelling), name, spelling)
                XCTAssertEqual(Pricer.priceCodec(spelling), name, "the pricer reads codecs through the same normaliser: \(spelling)")
            }
        }
    }

    func testUnknownCodecsStayAsWrittenAndUnsetIsNil() {
        XCTAssertEqual(VideoCodecName.normalized("ProRes"), "prores")
        XCTAssertEqual(VideoCodecName.normalized("MPEG4"), "mpeg4", "MPEG-4 Part 2 is not AVC")
        XCTAssertEqual(VideoCodecName.normalized("gif"), "gif")
        XCTAssertNil(VideoCodecName.normalized(nil))
        XCTAssertNil(VideoCodecName.normalized("  "))
        XCTAssertEqual(Pricer.priceCodec(nil), "h264", "an unknown output codec is priced as h264, with a warning")
    }
}

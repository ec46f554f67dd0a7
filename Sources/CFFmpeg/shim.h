#ifndef CLIPMETER_CFFMPEG_SHIM_H
#define CLIPMETER_CFFMPEG_SHIM_H

#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libavutil/display.h>
#include <libavutil/error.h>
#include <libavutil/log.h>
#include <libavutil/dict.h>
#include <libavutil/mathematics.h>
#include <stdarg.h>
#include <stdint.h>

/// AVERROR(e) is a function-like macro Swift cannot import.
static inline int cff_averror(int e) { return AVERROR(e); }
/// AVERROR_EOF is built with FFERRTAG, a macro Swift cannot import.
static inline int cff_averror_eof(void) { return AVERROR_EOF; }
/// AVERROR_INVALIDDATA is built with FFERRTAG.
static inline int cff_averror_invaliddata(void) { return AVERROR_INVALIDDATA; }
/// AVERROR_EXIT is built with FFERRTAG; returned when the interrupt callback stops I/O.
static inline int cff_averror_exit(void) { return AVERROR_EXIT; }
/// AVERROR_DEMUXER_NOT_FOUND is built with FFERRTAG.
static inline int cff_averror_demuxer_not_found(void) { return AVERROR_DEMUXER_NOT_FOUND; }
/// AVERROR_PROTOCOL_NOT_FOUND is built with FFERRTAG.
static inline int cff_averror_protocol_not_found(void) { return AVERROR_PROTOCOL_NOT_FOUND; }
/// AV_NOPTS_VALUE is a macro with a cast Swift imports poorly.
static inline int64_t cff_nopts_value(void) { return AV_NOPTS_VALUE; }
/// AV_TIME_BASE is a plain macro but typed here so Swift sees an Int32.
static inline int cff_time_base(void) { return AV_TIME_BASE; }

/// The display matrix moved from stream side data to codecpar in FFmpeg 6.1; this hides the difference.
/// Returns NAN when the stream carries no display matrix.
static inline double cff_stream_rotation(const AVStream *st) {
    const int32_t *matrix = NULL;
#if LIBAVFORMAT_VERSION_MAJOR >= 61 || (LIBAVFORMAT_VERSION_MAJOR == 60 && LIBAVFORMAT_VERSION_MINOR >= 15)
    const AVPacketSideData *sd = av_packet_side_data_get(st->codecpar->coded_side_data,
                                                         st->codecpar->nb_coded_side_data,
                                                         AV_PKT_DATA_DISPLAYMATRIX);
    if (sd && sd->size >= 9 * 4) matrix = (const int32_t *)sd->data;
#else
    size_t size = 0;
    const uint8_t *data = av_stream_get_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, &size);
    if (data && size >= 9 * 4) matrix = (const int32_t *)data;
#endif
    if (!matrix) return NAN;
    return av_display_rotation_get(matrix);
}

/// Channel count moved from `channels` to `ch_layout.nb_channels` (FFmpeg 5.1); read whichever exists.
static inline int cff_channels(const AVCodecParameters *par) {
#if LIBAVUTIL_VERSION_MAJOR >= 57 && LIBAVUTIL_VERSION_MINOR >= 24 || LIBAVUTIL_VERSION_MAJOR >= 58
    return par->ch_layout.nb_channels;
#else
    return par->channels;
#endif
}

/// AV_PKT_FLAG_DISCARD marks edit-list pre-roll and priming packets that are decoded but never shown.
static inline int cff_pkt_is_discard(const AVPacket *pkt) { return (pkt->flags & AV_PKT_FLAG_DISCARD) != 0; }
/// AV_PKT_FLAG_CORRUPT marks packets the demuxer knows are damaged.
static inline int cff_pkt_is_corrupt(const AVPacket *pkt) { return (pkt->flags & AV_PKT_FLAG_CORRUPT) != 0; }

/// The interrupt callback must be a C function pointer; it reads a deadline (monotonic ns) from opaque.
/// Returns 1 (abort) once the deadline has passed, so a hanging read or a slow demuxer gives up.
#include <time.h>
static inline int cff_deadline_interrupt(void *opaque) {
    if (!opaque) return 0;
    const int64_t deadline = *(const int64_t *)opaque;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    int64_t now = (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
    return now > deadline ? 1 : 0;
}
/// Current monotonic time in nanoseconds, same clock as cff_deadline_interrupt.
static inline int64_t cff_monotonic_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}
/// Installs the deadline interrupt callback on a context; must happen before avformat_open_input.
static inline void cff_set_deadline_interrupt(AVFormatContext *ctx, int64_t *deadline) {
    ctx->interrupt_callback.callback = cff_deadline_interrupt;
    ctx->interrupt_callback.opaque = deadline;
}


/// Swift cannot write a C function that takes a va_list, so the log callback is this trampoline: it formats
/// the line with av_log_format_line2 (FFmpeg's own formatter; String(format:) crashes on some C99
/// specifiers) and hands plain text to a Swift sink. Only the module that installs it uses this state.
typedef void (*cff_log_sink)(int level, const char *line);
static cff_log_sink cff_current_log_sink = 0;
static inline void cff_log_trampoline(void *avcl, int level, const char *fmt, va_list vl) {
    if (level > AV_LOG_WARNING || !cff_current_log_sink) return;
    char line[1024];
    int print_prefix = 1;
    if (av_log_format_line2(avcl, level, fmt, vl, line, (int)sizeof line, &print_prefix) < 0) return;
    cff_current_log_sink(level, line);
}
/// Installs the trampoline as FFmpeg's log callback with `sink` receiving each formatted line.
static inline void cff_install_log_sink(cff_log_sink sink) {
    cff_current_log_sink = sink;
    av_log_set_level(AV_LOG_WARNING);
    av_log_set_callback(cff_log_trampoline);
}

#endif

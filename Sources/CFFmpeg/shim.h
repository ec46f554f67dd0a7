#ifndef CLIPMETER_CFFMPEG_SHIM_H
#define CLIPMETER_CFFMPEG_SHIM_H

// FFmpeg's headers as Swift sees them, plus what Swift cannot import: function-like macros re-exported as
// stateless `static inline` functions. Anything with a body worth the name, or any state, lives in the
// CFFmpegShim C target.

#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libavutil/error.h>
#include <libavutil/log.h>
#include <libavutil/dict.h>
#include <libavutil/mathematics.h>
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

#endif

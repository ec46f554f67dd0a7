#ifndef CLIPMETER_CFFMPEG_SHIM_PUBLIC_H
#define CLIPMETER_CFFMPEG_SHIM_PUBLIC_H

// The C half of ClipMeter's FFmpeg boundary: declarations only. Bodies and the little state there is (the
// log sink) live in shim.c, so every Swift file that imports this module shares one copy of them.

#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <stdint.h>

// MARK: - Confinement of one probe

/// Everything FFmpeg's callbacks need while one file is measured: the deadline, the one file (an open
/// descriptor) or URL FFmpeg may read, and how many bytes it read. Opaque to Swift.
typedef struct cff_probe_io cff_probe_io;

/// Makes the state for one probe. `fd` >= 0: FFmpeg reads this already opened regular file through a
/// custom AVIOContext and may open nothing at all by name. `fd` < 0: FFmpeg may open `url`, once, and
/// nothing else. The state owns `fd` from here on. Returns NULL when out of memory (`fd` is then closed).
cff_probe_io *cff_probe_io_create(int64_t deadline_ns, int fd, const char *url);

/// Installs the interrupt callback, the io_open guard and (for a descriptor) the custom AVIOContext on a
/// context made by avformat_alloc_context; must run before avformat_open_input. Returns 0 or an AVERROR.
int cff_probe_io_attach(cff_probe_io *io, AVFormatContext *ctx);

/// Runs libavformat's format probe over the descriptor's first bytes, as avformat_open_input would, so the
/// caller can vet the demuxer before any demuxer code runs. Returns the probe score or an AVERROR.
int cff_probe_io_probe_format(cff_probe_io *io, AVFormatContext *ctx, const char *url, const AVInputFormat **format);

/// Frees the state: the custom AVIOContext and its buffer, the descriptor, the URL copy. Call only after
/// the context that used it is closed (avformat_close_input) or freed by a failed avformat_open_input.
void cff_probe_io_free(cff_probe_io *io);

/// Bytes FFmpeg read from the descriptor so far (0 for a URL).
int64_t cff_probe_io_bytes_read(const cff_probe_io *io);
/// How many opens the io_open guard refused: a file that names other files (playlist, reference movie).
int cff_probe_io_refused_opens(const cff_probe_io *io);
/// 1 once the deadline has passed.
int cff_probe_io_timed_out(const cff_probe_io *io);

/// Bytes read by an opened context's own AVIOContext: for a URL, where FFmpeg's http protocol does the
/// reading and no descriptor counts it.
int64_t cff_context_bytes_read(const AVFormatContext *ctx);

/// Current monotonic time in nanoseconds, the clock the deadline is on.
int64_t cff_monotonic_ns(void);

// MARK: - Stream and packet fields Swift cannot read directly

/// The display rotation in degrees from the display matrix (which moved from stream side data to codecpar
/// in FFmpeg 6.1); NAN when the stream carries none.
double cff_stream_rotation(const AVStream *st);
/// The channel count, from `ch_layout` (FFmpeg ≥ 5.1) or the older `channels`.
int cff_channels(const AVCodecParameters *par);
/// 1 for packets flagged AV_PKT_FLAG_DISCARD (edit-list pre-roll, priming): decoded, never shown.
int cff_pkt_is_discard(const AVPacket *pkt);
/// 1 for packets flagged AV_PKT_FLAG_CORRUPT (for example an MPEG-TS PES packet cut short).
int cff_pkt_is_corrupt(const AVPacket *pkt);
/// End (byte offset + size) of a stream's last index entry, or -1 when it has no index.
int64_t cff_stream_last_index_end(AVStream *st);
/// The timestamps of a stream's index entries that are not flagged discard (for MOV/MP4: the sample table with
/// its edit lists applied): the first, the last, and how many entries; returns the count (0 without an index).
int64_t cff_stream_index_span(AVStream *st, int64_t *first, int64_t *last);

// MARK: - Logging

/// Receives each formatted FFmpeg log line (warning level or worse).
typedef void (*cff_log_sink)(int level, const char *line);
/// Installs FFmpeg's log callback, formatting lines with av_log_format_line2 (Swift cannot take a va_list,
/// and String(format:) crashes on some C99 specifiers) and handing the text to `sink`.
void cff_install_log_sink(cff_log_sink sink);

#endif

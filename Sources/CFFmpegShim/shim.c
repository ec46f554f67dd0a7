#include "CFFmpegShim.h"

#include <libavutil/avstring.h>
#include <libavutil/display.h>
#include <libavutil/log.h>
#include <libavutil/mem.h>
#include <errno.h>
#include <string.h>
#include <math.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

// MARK: - Confinement of one probe

/// Marks a cff_probe_io, so the io_open guard never trusts an `opaque` someone else set.
#define CFF_PROBE_IO_MAGIC 0x436C69704D657465LL

struct cff_probe_io {
    int64_t magic;
    int64_t deadline_ns;
    int fd;
    char *url;
    int url_opened;
    int refused;
    int64_t bytes_read;
    AVIOContext *avio;
    int (*default_io_open)(struct AVFormatContext *, AVIOContext **, const char *, int, AVDictionary **);
};

/// The same buffer size FFmpeg's own file protocol reads with.
enum { CFF_AVIO_BUFFER = 32768 };

int64_t cff_monotonic_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int cff_probe_io_timed_out(const cff_probe_io *io) {
    return io && cff_monotonic_ns() > io->deadline_ns;
}

/// FFmpeg's interrupt callback: 1 (give up) once the deadline has passed.
static int cff_interrupt(void *opaque) {
    return cff_probe_io_timed_out((const cff_probe_io *)opaque);
}

/// Reads the measured file; checks the deadline first, since FFmpeg does not call the interrupt callback
/// for custom I/O.
static int cff_read(void *opaque, uint8_t *buf, int size) {
    cff_probe_io *io = opaque;
    if (cff_probe_io_timed_out(io)) return AVERROR_EXIT;
    ssize_t n;
    do {
        n = read(io->fd, buf, (size_t)size);
    } while (n < 0 && errno == EINTR && !cff_probe_io_timed_out(io));
    if (n < 0) return AVERROR(errno);
    if (n == 0) return AVERROR_EOF;
    io->bytes_read += n;
    return (int)n;
}

static int64_t cff_seek(void *opaque, int64_t offset, int whence) {
    cff_probe_io *io = opaque;
    if (whence & AVSEEK_SIZE) {
        struct stat st;
        if (fstat(io->fd, &st) != 0) return AVERROR(errno);
        return (int64_t)st.st_size;
    }
    off_t at = lseek(io->fd, (off_t)offset, whence & ~AVSEEK_FORCE);
    return at < 0 ? AVERROR(errno) : (int64_t)at;
}

/// Every open a demuxer asks for by name comes here: HLS segments, DASH BaseURLs, concat entries, MOV
/// data references, image sequences. Only the one URL being measured is let through, once; with a
/// descriptor even that is never asked for.
static int cff_io_open_guard(struct AVFormatContext *s, AVIOContext **pb, const char *url, int flags,
                             AVDictionary **options) {
    cff_probe_io *io = s ? (cff_probe_io *)s->opaque : NULL;
    if (!io || io->magic != CFF_PROBE_IO_MAGIC) return AVERROR(EPERM);
    if (io->url && !io->url_opened && url && (flags & AVIO_FLAG_WRITE) == 0 && strcmp(url, io->url) == 0
        && io->default_io_open) {
        io->url_opened = 1;
        return io->default_io_open(s, pb, url, flags, options);
    }
    io->refused += 1;
    // Only up to a query string: a signed URL's query carries its signature.
    const char *shown = url ? url : "?";
    int shown_length = (int)strcspn(shown, "?#");
    av_log(s, AV_LOG_ERROR, "refused to open another file (%.*s): only the file being measured may be read\n",
           shown_length, shown);
    return AVERROR(EPERM);
}

cff_probe_io *cff_probe_io_create(int64_t deadline_ns, int fd, const char *url) {
    cff_probe_io *io = av_mallocz(sizeof *io);
    if (!io) {
        if (fd >= 0) close(fd);
        return NULL;
    }
    io->magic = CFF_PROBE_IO_MAGIC;
    io->deadline_ns = deadline_ns;
    io->fd = fd;
    if (url && fd < 0) {
        io->url = av_strdup(url);
        if (!io->url) {
            av_free(io);
            return NULL;
        }
    }
    return io;
}

int cff_probe_io_attach(cff_probe_io *io, AVFormatContext *ctx) {
    if (!io || !ctx) return AVERROR(EINVAL);
    ctx->interrupt_callback.callback = cff_interrupt;
    ctx->interrupt_callback.opaque = io;
    ctx->opaque = io;
    if (ctx->io_open != cff_io_open_guard) io->default_io_open = ctx->io_open;
    ctx->io_open = cff_io_open_guard;
    if (io->fd < 0) return 0;
    if (!io->avio) {
        unsigned char *buffer = av_malloc(CFF_AVIO_BUFFER);
        if (!buffer) return AVERROR(ENOMEM);
        io->avio = avio_alloc_context(buffer, CFF_AVIO_BUFFER, 0, io, cff_read, NULL, cff_seek);
        if (!io->avio) {
            av_free(buffer);
            return AVERROR(ENOMEM);
        }
    }
    ctx->pb = io->avio;
    ctx->flags |= AVFMT_FLAG_CUSTOM_IO;
    return 0;
}

int cff_probe_io_probe_format(cff_probe_io *io, AVFormatContext *ctx, const char *url, const AVInputFormat **format) {
    if (!io || !io->avio || !format) return AVERROR(EINVAL);
    *format = NULL;
    return av_probe_input_buffer2(io->avio, format, url, ctx, 0, 0);
}

void cff_probe_io_free(cff_probe_io *io) {
    if (!io) return;
    if (io->avio) {
        av_freep(&io->avio->buffer);
        avio_context_free(&io->avio);
    }
    if (io->fd >= 0) close(io->fd);
    av_freep(&io->url);
    io->magic = 0;
    av_free(io);
}

int64_t cff_probe_io_bytes_read(const cff_probe_io *io) { return io ? io->bytes_read : 0; }

int cff_probe_io_refused_opens(const cff_probe_io *io) { return io ? io->refused : 0; }

int64_t cff_context_bytes_read(const AVFormatContext *ctx) {
    return ctx && ctx->pb ? ctx->pb->bytes_read : 0;
}

// MARK: - Stream and packet fields

double cff_stream_rotation(const AVStream *st) {
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

int cff_channels(const AVCodecParameters *par) {
#if LIBAVUTIL_VERSION_MAJOR >= 57 && LIBAVUTIL_VERSION_MINOR >= 24 || LIBAVUTIL_VERSION_MAJOR >= 58
    return par->ch_layout.nb_channels;
#else
    return par->channels;
#endif
}

int cff_pkt_is_discard(const AVPacket *pkt) { return (pkt->flags & AV_PKT_FLAG_DISCARD) != 0; }

int cff_pkt_is_corrupt(const AVPacket *pkt) { return (pkt->flags & AV_PKT_FLAG_CORRUPT) != 0; }

int64_t cff_stream_last_index_end(AVStream *st) {
    int count = avformat_index_get_entries_count(st);
    if (count <= 0) return -1;
    const AVIndexEntry *last = avformat_index_get_entry(st, count - 1);
    return last ? last->pos + last->size : -1;
}

int64_t cff_stream_index_span(AVStream *st, int64_t *first, int64_t *last) {
    int count = avformat_index_get_entries_count(st);
    int64_t kept = 0;
    for (int i = 0; i < count; i++) {
        const AVIndexEntry *entry = avformat_index_get_entry(st, i);
        if (!entry || (entry->flags & AVINDEX_DISCARD_FRAME)) continue;
        if (kept == 0 || entry->timestamp < *first) *first = entry->timestamp;
        if (kept == 0 || entry->timestamp > *last) *last = entry->timestamp;
        kept++;
    }
    return kept;
}

// MARK: - Logging

/// The one sink for the whole process; FFmpeg's log callback is process-wide too.
static cff_log_sink current_log_sink = NULL;

static void cff_log_trampoline(void *avcl, int level, const char *fmt, va_list vl) {
    if (level > AV_LOG_WARNING || !current_log_sink) return;
    char line[1024];
    int print_prefix = 1;
    if (av_log_format_line2(avcl, level, fmt, vl, line, (int)sizeof line, &print_prefix) < 0) return;
    current_log_sink(level, line);
}

void cff_install_log_sink(cff_log_sink sink) {
    current_log_sink = sink;
    av_log_set_level(AV_LOG_WARNING);
    av_log_set_callback(cff_log_trampoline);
}

#include "CDigests.h"

#include <libavutil/error.h>
#include <libavutil/hmac.h>
#include <libavutil/mem.h>
#include <libavutil/sha.h>

int cdg_hmac(int sha256, const uint8_t *key, unsigned key_length, const uint8_t *data, unsigned data_length,
             uint8_t *out) {
    AVHMAC *hmac = av_hmac_alloc(sha256 ? AV_HMAC_SHA256 : AV_HMAC_SHA1);
    if (!hmac) return AVERROR(ENOMEM);
    int length = av_hmac_calc(hmac, data, data_length, key, key_length, out, 32);
    av_hmac_free(hmac);
    return length;
}

int cdg_sha256(const uint8_t *data, size_t length, uint8_t *out) {
    struct AVSHA *sha = av_sha_alloc();
    if (!sha) return AVERROR(ENOMEM);
    av_sha_init(sha, 256);
    av_sha_update(sha, data, length);
    av_sha_final(sha, out);
    av_free(sha);
    return 0;
}

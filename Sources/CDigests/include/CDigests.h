// The digests ClipMeter needs (OSS request signing, bounded job keys), in a target of their own so that code that
// hashes does not import the FFmpeg shim. The bodies call libavutil's implementations: the binary links libavutil
// anyway, so no second crypto library is built or shipped (docs/development.md, "Why digests from libavutil").
#ifndef CDIGESTS_H
#define CDIGESTS_H

#include <stddef.h>
#include <stdint.h>

/// HMAC of `data` under `key`: SHA-1 (`sha256` = 0, 20 bytes) or SHA-256 (32 bytes) into `out` (32 bytes of
/// room). Returns the digest length, or a negative number when out of memory.
int cdg_hmac(int sha256, const uint8_t *key, unsigned key_length, const uint8_t *data, unsigned data_length,
             uint8_t *out);

/// SHA-256 of `data` into `out` (32 bytes). Returns 0, or a negative number when out of memory.
int cdg_sha256(const uint8_t *data, size_t length, uint8_t *out);

#endif

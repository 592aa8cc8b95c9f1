#ifndef WW_COMMON_SHA256_H
#define WW_COMMON_SHA256_H

#include <stddef.h>
#include <stdint.h>

/*
 * SHA-256 (FIPS 180-4) in plain C, so that models/ hashes canonical
 * definitions without OpenSSL. Streaming: init, update any number of times,
 * final.
 */
typedef struct {
	uint32_t h[8];
	uint64_t total; /* bytes hashed so far */
	unsigned char block[64];
	size_t used; /* bytes waiting in block */
} ww_sha256;

void ww_sha256_init(ww_sha256 *c);
void ww_sha256_update(ww_sha256 *c, const void *data, size_t len);
/* Finish and write the 32-byte digest; `c` must be initialised again
 * before reuse. */
void ww_sha256_final(ww_sha256 *c, unsigned char digest[32]);
/* One call: the lowercase hex digest of `data` into `hex_out` (65 bytes
 * with the NUL). */
void ww_sha256_hex(const void *data, size_t len, char hex_out[65]);

/* Which block function runs: "sha-ni" (x86 SHA extensions, chosen at run
 * time when the CPU has them) or "portable". */
const char *ww_sha256_impl(void);
/* Tests and benchmarks only: nonzero forces the portable code, 0 goes back
 * to the best one. Not thread-safe; set it before hashing. */
void ww_sha256_force_portable(int on);

#endif

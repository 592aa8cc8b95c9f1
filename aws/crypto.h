#ifndef WW_AWS_CRYPTO_H
#define WW_AWS_CRYPTO_H

#include <stddef.h>

/*
 * The hashes SigV4 needs, over OpenSSL. Only aws/ includes OpenSSL; the rest
 * of the code (models/) uses common/sha256.c.
 */
#define WW_SHA256_LEN 32

/* SHA-256 of `len` bytes at `data` into `out`. */
void ww_crypto_sha256(const void *data, size_t len, unsigned char out[WW_SHA256_LEN]);

/* HMAC-SHA256 of `data` under `key` into `out`. */
void ww_crypto_hmac_sha256(const void *key, size_t key_len, const void *data, size_t len,
			   unsigned char out[WW_SHA256_LEN]);

/* Lowercase hex of `len` bytes into `out`, which holds 2 * len + 1 bytes. */
void ww_crypto_hex(const unsigned char *in, size_t len, char *out);

/* Overwrite `len` bytes at `p` in a way the compiler cannot drop. */
void ww_crypto_wipe(void *p, size_t len);

#endif

#include "aws/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK 64 /* SHA-256 block size */

/* SHA-256 fetched once: in OpenSSL 3 an implicit fetch per call (as
 * EVP_sha256() and the one-shot HMAC() do) costs more than the hash of a
 * short input; with it, one SigV4 signature took 56 us instead of ~10. */
static pthread_once_t md_once = PTHREAD_ONCE_INIT;
static EVP_MD *md;

/* One digest context per thread, reused: EVP_MD_CTX_new and _free around
 * every hash cost about a quarter of a short hash, and a signature takes
 * four of them. Freed when the thread ends. */
static pthread_key_t ctx_key;

static void ctx_free(void *p)
{
	EVP_MD_CTX_free(p);
}

static void md_init(void)
{
	md = EVP_MD_fetch(NULL, "SHA256", NULL);
	if (pthread_key_create(&ctx_key, ctx_free))
		md = NULL;
}

/* SHA-256 over up to two pieces (HMAC's pad block and message). Failures
 * are allocation failures: as with ww_xmalloc, there is no useful way on. */
static void digest2(const void *a, size_t alen, const void *b, size_t blen,
		    unsigned char out[WW_SHA256_LEN])
{
	EVP_MD_CTX *ctx;
	unsigned int n = WW_SHA256_LEN;

	pthread_once(&md_once, md_init);
	if (!md)
		abort();
	if (!(ctx = pthread_getspecific(ctx_key))) {
		if (!(ctx = EVP_MD_CTX_new()) || pthread_setspecific(ctx_key, ctx))
			abort();
	}
	if (!EVP_DigestInit_ex2(ctx, md, NULL) || !EVP_DigestUpdate(ctx, a, alen) ||
	    (blen && !EVP_DigestUpdate(ctx, b, blen)) || !EVP_DigestFinal_ex(ctx, out, &n))
		abort();
}

void ww_crypto_sha256(const void *data, size_t len, unsigned char out[WW_SHA256_LEN])
{
	digest2(data, len, NULL, 0, out);
}

/* HMAC (RFC 2104) over the fetched SHA-256. */
void ww_crypto_hmac_sha256(const void *key, size_t key_len, const void *data, size_t len,
			   unsigned char out[WW_SHA256_LEN])
{
	unsigned char k[BLOCK] = {0}, pad[BLOCK], inner[WW_SHA256_LEN];
	size_t i;

	if (key_len > BLOCK)
		digest2(key, key_len, NULL, 0, k);
	else if (key_len)
		memcpy(k, key, key_len);
	for (i = 0; i < BLOCK; i++)
		pad[i] = k[i] ^ 0x36;
	digest2(pad, BLOCK, data, len, inner);
	for (i = 0; i < BLOCK; i++)
		pad[i] = k[i] ^ 0x5c;
	digest2(pad, BLOCK, inner, sizeof(inner), out);
	OPENSSL_cleanse(k, sizeof(k));
	OPENSSL_cleanse(pad, sizeof(pad));
	OPENSSL_cleanse(inner, sizeof(inner));
}

void ww_crypto_hex(const unsigned char *in, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * len] = '\0';
}

void ww_crypto_wipe(void *p, size_t len)
{
	if (p)
		OPENSSL_cleanse(p, len);
}

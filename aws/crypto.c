#include "aws/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdlib.h>

void ww_crypto_sha256(const void *data, size_t len, unsigned char out[WW_SHA256_LEN])
{
	unsigned int n = WW_SHA256_LEN;

	/* EVP_Digest only fails on allocation failure: as with ww_xmalloc,
	 * there is no useful way to go on. */
	if (!EVP_Digest(data, len, out, &n, EVP_sha256(), NULL))
		abort();
}

void ww_crypto_hmac_sha256(const void *key, size_t key_len, const void *data, size_t len,
			   unsigned char out[WW_SHA256_LEN])
{
	unsigned int n = WW_SHA256_LEN;

	if (!HMAC(EVP_sha256(), key, (int)key_len, data, len, out, &n))
		abort();
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

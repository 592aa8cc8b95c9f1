#include "common/sha256.h"

#include <pthread.h>
#include <string.h>

/* The x86 SHA extensions (SHA-NI) hash about five times faster than the
 * portable code; they are used when the CPU has them, found at run time,
 * so one binary runs everywhere. */
#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#define HAVE_SHANI_PATH 1
#include <cpuid.h>
#include <immintrin.h>
#else
#define HAVE_SHANI_PATH 0
#endif

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

#define ROTR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void compress(uint32_t h[8], const unsigned char *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, hh, t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
	for (i = 16; i < 64; i++) {
		uint32_t s0 = ROTR(w[i - 15], 7) ^ ROTR(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ROTR(w[i - 2], 17) ^ ROTR(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
	for (i = 0; i < 64; i++) {
		t1 = hh + (ROTR(e, 6) ^ ROTR(e, 11) ^ ROTR(e, 25)) + ((e & f) ^ (~e & g)) + K[i] +
		     w[i];
		t2 = (ROTR(a, 2) ^ ROTR(a, 13) ^ ROTR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
		hh = g, g = f, f = e, e = d + t1, d = c, c = b, b = a, a = t1 + t2;
	}
	h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e, h[5] += f, h[6] += g, h[7] += hh;
}

static void compress_portable(uint32_t h[8], const unsigned char *p, size_t blocks)
{
	for (; blocks; blocks--, p += 64)
		compress(h, p);
}

#if HAVE_SHANI_PATH
/* The round and message-schedule structure of Intel's SHA-NI reference
 * code: the state lives as ABEF/CDGH halves, four rounds per step. */
__attribute__((target("sha,sse4.1,ssse3"))) static void
compress_shani(uint32_t h[8], const unsigned char *p, size_t blocks)
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
	__m128i st0, st1, tmp, abef, cdgh, msg, w[4];
	int i;

	tmp = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)(const void *)&h[0]), 0xB1);
	st1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)(const void *)&h[4]), 0x1B);
	st0 = _mm_alignr_epi8(tmp, st1, 8);    /* ABEF */
	st1 = _mm_blend_epi16(st1, tmp, 0xF0); /* CDGH */
	for (; blocks; blocks--, p += 64) {
		abef = st0;
		cdgh = st1;
		for (i = 0; i < 4; i++)
			w[i] = _mm_shuffle_epi8(
			    _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * i)), bswap);
#pragma GCC unroll 16
		for (i = 0; i < 16; i++) {
			msg = _mm_add_epi32(
			    w[i & 3], _mm_loadu_si128((const __m128i *)(const void *)&K[4 * i]));
			st1 = _mm_sha256rnds2_epu32(st1, st0, msg);
			st0 = _mm_sha256rnds2_epu32(st0, st1, _mm_shuffle_epi32(msg, 0x0E));
			if (i < 12) {
				/* W[t..t+3] for t = 4i + 16, replacing W[4i..4i+3] */
				tmp = _mm_sha256msg1_epu32(w[i & 3], w[(i + 1) & 3]);
				tmp = _mm_add_epi32(
				    tmp, _mm_alignr_epi8(w[(i + 3) & 3], w[(i + 2) & 3], 4));
				w[i & 3] = _mm_sha256msg2_epu32(tmp, w[(i + 3) & 3]);
			}
		}
		st0 = _mm_add_epi32(st0, abef);
		st1 = _mm_add_epi32(st1, cdgh);
	}
	tmp = _mm_shuffle_epi32(st0, 0x1B);    /* FEBA */
	st1 = _mm_shuffle_epi32(st1, 0xB1);    /* DCHG */
	st0 = _mm_blend_epi16(tmp, st1, 0xF0); /* DCBA */
	st1 = _mm_alignr_epi8(st1, tmp, 8);    /* HGFE */
	_mm_storeu_si128((__m128i *)(void *)&h[0], st0);
	_mm_storeu_si128((__m128i *)(void *)&h[4], st1);
}

static int cpu_has_shani(void)
{
	unsigned a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSSE3) || !(c & bit_SSE4_1))
		return 0;
	if (__get_cpuid_max(0, NULL) < 7)
		return 0;
	__cpuid_count(7, 0, a, b, c, d);
	return (b >> 29) & 1; /* CPUID.(EAX=7,ECX=0):EBX.SHA */
}
#endif

typedef void (*compress_fn)(uint32_t h[8], const unsigned char *p, size_t blocks);

static pthread_once_t pick_once = PTHREAD_ONCE_INIT;
static compress_fn best = compress_portable;
static int force_portable;

static void pick(void)
{
#if HAVE_SHANI_PATH
	if (cpu_has_shani())
		best = compress_shani;
#endif
}

static compress_fn compressor(void)
{
	pthread_once(&pick_once, pick);
	return force_portable ? compress_portable : best;
}

const char *ww_sha256_impl(void)
{
	return compressor() == compress_portable ? "portable" : "sha-ni";
}

void ww_sha256_force_portable(int on)
{
	force_portable = on;
}

void ww_sha256_init(ww_sha256 *c)
{
	static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
				       0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
	memcpy(c->h, iv, sizeof(iv));
	c->total = 0;
	c->used = 0;
}

void ww_sha256_update(ww_sha256 *c, const void *data, size_t len)
{
	const unsigned char *p = data;
	compress_fn fn;

	c->total += len;
	if (c->used + len < 64) {
		if (len)
			memcpy(c->block + c->used, p, len);
		c->used += len;
		return;
	}
	fn = compressor();
	if (c->used) {
		size_t take = 64 - c->used;
		memcpy(c->block + c->used, p, take);
		p += take, len -= take;
		fn(c->h, c->block, 1);
		c->used = 0;
	}
	if (len >= 64) {
		fn(c->h, p, len / 64);
		p += len & ~(size_t)63;
		len &= 63;
	}
	if (len)
		memcpy(c->block, p, len);
	c->used = len;
}

void ww_sha256_final(ww_sha256 *c, unsigned char digest[32])
{
	uint64_t bits = c->total * 8;
	compress_fn fn = compressor();
	int i;

	c->block[c->used++] = 0x80;
	if (c->used > 56) {
		memset(c->block + c->used, 0, 64 - c->used);
		fn(c->h, c->block, 1);
		c->used = 0;
	}
	memset(c->block + c->used, 0, 56 - c->used);
	for (i = 0; i < 8; i++)
		c->block[56 + i] = (unsigned char)(bits >> (56 - 8 * i));
	fn(c->h, c->block, 1);
	for (i = 0; i < 8; i++) {
		digest[4 * i] = (unsigned char)(c->h[i] >> 24);
		digest[4 * i + 1] = (unsigned char)(c->h[i] >> 16);
		digest[4 * i + 2] = (unsigned char)(c->h[i] >> 8);
		digest[4 * i + 3] = (unsigned char)c->h[i];
	}
}

void ww_sha256_hex(const void *data, size_t len, char hex_out[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char d[32];
	ww_sha256 c;
	int i;

	ww_sha256_init(&c);
	ww_sha256_update(&c, data, len);
	ww_sha256_final(&c, d);
	for (i = 0; i < 32; i++) {
		hex_out[2 * i] = hex[d[i] >> 4];
		hex_out[2 * i + 1] = hex[d[i] & 15];
	}
	hex_out[64] = '\0';
}

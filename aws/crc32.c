#include "aws/crc32.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

/* Slicing-by-8: table k holds the CRC of a byte followed by k zero bytes,
 * so eight lookups fold eight bytes at once (about five times the speed of
 * a byte per lookup, on every response body the client checks). */
static uint32_t crc_table[8][256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void build_table(void)
{
	uint32_t i, k, c;

	for (i = 0; i < 256; i++) {
		c = i;
		for (k = 0; k < 8; k++)
			c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
		crc_table[0][i] = c;
	}
	for (i = 0; i < 256; i++)
		for (k = 1; k < 8; k++)
			crc_table[k][i] =
			    (crc_table[k - 1][i] >> 8) ^ crc_table[0][crc_table[k - 1][i] & 0xff];
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint32_t ww_crc32(uint32_t crc, const void *data, size_t len)
{
	const unsigned char *p = data;
	uint32_t hi;

	pthread_once(&crc_once, build_table);
	crc = ~crc;
	for (; len >= 8; len -= 8, p += 8) {
		crc ^= le32(p);
		hi = le32(p + 4);
		crc = crc_table[7][crc & 0xff] ^ crc_table[6][(crc >> 8) & 0xff] ^
		      crc_table[5][(crc >> 16) & 0xff] ^ crc_table[4][crc >> 24] ^
		      crc_table[3][hi & 0xff] ^ crc_table[2][(hi >> 8) & 0xff] ^
		      crc_table[1][(hi >> 16) & 0xff] ^ crc_table[0][hi >> 24];
	}
	for (; len; len--, p++)
		crc = crc_table[0][(crc ^ *p) & 0xff] ^ (crc >> 8);
	return ~crc;
}

int ww_crc32_matches(const char *header, const void *body, size_t len)
{
	char *end;
	unsigned long long want;

	if (!header || *header < '0' || *header > '9')
		return 0;
	errno = 0;
	want = strtoull(header, &end, 10);
	if (errno || *end || want > 0xFFFFFFFFull)
		return 0;
	return (uint32_t)want == ww_crc32(0, body, len);
}

#include "aws/crc32.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

static uint32_t crc_table[256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

/* One entry per byte value: the byte shifted through the polynomial eight
 * times, so the main loop handles a whole byte per lookup. */
static void build_table(void)
{
	uint32_t i, k, c;

	for (i = 0; i < 256; i++) {
		c = i;
		for (k = 0; k < 8; k++)
			c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
}

uint32_t ww_crc32(uint32_t crc, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i;

	pthread_once(&crc_once, build_table);
	crc = ~crc;
	for (i = 0; i < len; i++)
		crc = crc_table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
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

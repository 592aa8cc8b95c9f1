#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "aws/crc32.h"

static void test_crc32_known_vectors(void **state)
{
	static const char fox[] = "The quick brown fox jumps over the lazy dog";

	(void)state;
	assert_int_equal(ww_crc32(0, "", 0), 0);
	assert_int_equal(ww_crc32(0, "a", 1), 0xE8B7BE43u);
	assert_int_equal(ww_crc32(0, "123456789", 9), 0xCBF43926u); /* the CRC-32 check value */
	assert_int_equal(ww_crc32(0, fox, strlen(fox)), 0x414FA339u);
}

/* Bodies and headers a DynamoDB-compatible server really sends (dynalite's
 * fixed answers to a GET and to an unknown operation). */
static void test_crc32_server_bodies(void **state)
{
	static const char healthy[] = "healthy: dynamodb.us-east-1.amazonaws.com ";
	static const char unknown[] = "<UnknownOperationException/>\n";

	(void)state;
	assert_int_equal(ww_crc32(0, healthy, strlen(healthy)), 3128867991u);
	assert_int_equal(ww_crc32(0, unknown, strlen(unknown)), 3552371480u);
	assert_true(ww_crc32_matches("3128867991", healthy, strlen(healthy)));
	assert_true(ww_crc32_matches("3552371480", unknown, strlen(unknown)));
}

static void test_crc32_incremental_equals_whole(void **state)
{
	unsigned char data[1000];
	uint32_t whole, part;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 7 + 3);
	whole = ww_crc32(0, data, sizeof(data));
	part = ww_crc32(0, data, 1);
	part = ww_crc32(part, data + 1, 499);
	part = ww_crc32(part, data + 500, 500);
	assert_int_equal(whole, part);
}

static void test_crc32_matches_rejects_bad_headers(void **state)
{
	(void)state;
	assert_false(ww_crc32_matches("3128867990", "x", 1));
	assert_false(ww_crc32_matches("", "", 0));
	assert_false(ww_crc32_matches(NULL, "", 0));
	assert_false(ww_crc32_matches("-1", "", 0));
	assert_false(ww_crc32_matches("0x0", "", 0));
	assert_false(ww_crc32_matches("4294967296", "", 0)); /* 2^32 wraps to 0: still refused */
	assert_false(ww_crc32_matches("12 ", "", 0));
	assert_true(ww_crc32_matches("0", "", 0));
	assert_true(ww_crc32_matches("2286445522", "123", 3));
}

/* The definition, one bit at a time. */
static uint32_t crc32_bitwise(const unsigned char *p, size_t len)
{
	uint32_t c = 0xFFFFFFFFu;
	int k;

	while (len--) {
		c ^= *p++;
		for (k = 0; k < 8; k++)
			c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
	}
	return ~c;
}

/* Eight bytes at a time, then the tail: every length and start offset
 * around those boundaries against the bitwise definition. */
static void test_crc32_every_length_and_offset(void **state)
{
	unsigned char data[600];
	size_t i, off, len;

	(void)state;
	for (i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 131 + 17 + (i >> 3));
	for (off = 0; off < 8; off++)
		for (len = 0; len + off <= sizeof(data); len += len < 80 ? 1 : 37)
			assert_int_equal(ww_crc32(0, data + off, len), crc32_bitwise(data + off, len));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc32_known_vectors),
		cmocka_unit_test(test_crc32_server_bodies),
		cmocka_unit_test(test_crc32_incremental_equals_whole),
		cmocka_unit_test(test_crc32_every_length_and_offset),
		cmocka_unit_test(test_crc32_matches_rejects_bad_headers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

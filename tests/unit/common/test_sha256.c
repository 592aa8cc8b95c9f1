#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "common/buf.h"
#include "common/sha256.h"

/* FIPS 180-4 / NIST CAVP example vectors. */
static void test_sha256_nist_vectors(void **state)
{
	char hex[65];

	(void)state;
	ww_sha256_hex("", 0, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	ww_sha256_hex("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	ww_sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex);
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	ww_sha256_hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
		      112, hex);
	assert_string_equal(hex, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

static void test_sha256_million_a_streamed(void **state)
{
	static char chunk[1001];
	unsigned char d[32];
	ww_sha256 c;
	int i;
	static const unsigned char want[32] = {
		0xcd, 0xc7, 0x6e, 0x5c, 0x99, 0x14, 0xfb, 0x92, 0x81, 0xa1, 0xc7,
		0xe2, 0x84, 0xd7, 0x3e, 0x67, 0xf1, 0x80, 0x9a, 0x48, 0xa4, 0x97,
		0x20, 0x0e, 0x04, 0x6d, 0x39, 0xcc, 0xc7, 0x11, 0x2c, 0xd0
	};

	(void)state;
	memset(chunk, 'a', sizeof(chunk));
	ww_sha256_init(&c);
	for (i = 0; i < 1000; i++)
		ww_sha256_update(&c, chunk, i % 2 ? 999 : 1001); /* odd splits */
	ww_sha256_final(&c, d);
	assert_memory_equal(d, want, 32);
}

/* Every length around the 55/56/64-byte padding boundaries, one call
 * against byte-at-a-time updates. */
static void test_sha256_split_equals_whole(void **state)
{
	char data[200];
	size_t len, i;

	(void)state;
	for (i = 0; i < sizeof(data); i++)
		data[i] = (char)(i * 7 + 3);
	for (len = 0; len <= sizeof(data); len++) {
		unsigned char a[32], b[32];
		ww_sha256 c;
		ww_sha256_init(&c);
		ww_sha256_update(&c, data, len);
		ww_sha256_final(&c, a);
		ww_sha256_init(&c);
		for (i = 0; i < len; i++)
			ww_sha256_update(&c, data + i, 1);
		ww_sha256_final(&c, b);
		assert_memory_equal(a, b, 32);
	}
}

/* Every test again on the portable code, whatever the CPU has. */
static int portable_setup(void **state)
{
	(void)state;
	ww_sha256_force_portable(1);
	assert_string_equal(ww_sha256_impl(), "portable");
	return 0;
}

static int portable_teardown(void **state)
{
	(void)state;
	ww_sha256_force_portable(0);
	return 0;
}

static void digest_of(const unsigned char *data, size_t len, size_t split, unsigned char d[32])
{
	ww_sha256 c;

	ww_sha256_init(&c);
	ww_sha256_update(&c, data, split);
	ww_sha256_update(&c, data + split, len - split);
	ww_sha256_final(&c, d);
}

/* The fast path (SHA-NI where the CPU has it) against the portable one on
 * random data of every length 0..2000, each split at a random point. */
static void test_sha256_paths_agree(void **state)
{
	static unsigned char data[2000];
	uint32_t x = 2463534242u;
	size_t len, i;

	(void)state;
	for (i = 0; i < sizeof(data); i++) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		data[i] = (unsigned char)x;
	}
	for (len = 0; len <= sizeof(data); len++) {
		unsigned char a[32], b[32];
		size_t split;
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		split = len ? x % (len + 1) : 0;
		ww_sha256_force_portable(0);
		digest_of(data, len, split, a);
		ww_sha256_force_portable(1);
		digest_of(data, len, len - split, b);
		ww_sha256_force_portable(0);
		assert_memory_equal(a, b, 32);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_nist_vectors),
		cmocka_unit_test(test_sha256_million_a_streamed),
		cmocka_unit_test(test_sha256_split_equals_whole),
		cmocka_unit_test(test_sha256_paths_agree),
	};
	const struct CMUnitTest portable[] = {
		cmocka_unit_test(test_sha256_nist_vectors),
		cmocka_unit_test(test_sha256_million_a_streamed),
		cmocka_unit_test(test_sha256_split_equals_whole),
	};
	int rc;

	print_message("sha256: fast path is %s\n", ww_sha256_impl());
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	return rc | cmocka_run_group_tests_name("sha256 portable", portable, portable_setup,
						 portable_teardown);
}

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/num.h"

static void expect_fmt(double x, const char *want)
{
	char out[32];
	int n = ww_num_format(x, out);

	assert_string_equal(out, want);
	assert_int_equal(n, (int)strlen(want));
}

static void test_num_format_plain(void **state)
{
	(void)state;
	expect_fmt(0, "0");
	expect_fmt(-0.0, "0");
	expect_fmt(1, "1");
	expect_fmt(-1.5, "-1.5");
	expect_fmt(0.1, "0.1");
	expect_fmt(0.1 + 0.2, "0.30000000000000004");
	expect_fmt(0.6018822594026548, "0.6018822594026548");
	expect_fmt(9007199254740992.0, "9007199254740992");
	expect_fmt(1e20, "100000000000000000000");
	expect_fmt(123456789012345680000.0, "123456789012345680000");
	expect_fmt(0.000001, "0.000001");
}

static void test_num_format_exponent(void **state)
{
	(void)state;
	expect_fmt(1e21, "1e+21");
	expect_fmt(1e-7, "1e-7");
	expect_fmt(1.234e-7, "1.234e-7");
	expect_fmt(-1.5e-10, "-1.5e-10");
	expect_fmt(5e-324, "5e-324");
	expect_fmt(1.7976931348623157e308, "1.7976931348623157e+308");
	expect_fmt(1e-130, "1e-130");
}

/* The fast paths' edges: integers up to 2^53 printed without snprintf,
 * shortest forms of 15, 16 and 17 digits, subnormals (which search from
 * one digit because 15 digits do not survive a trip through them). */
static void test_num_format_fast_path_edges(void **state)
{
	(void)state;
	expect_fmt(9007199254740991.0, "9007199254740991");
	expect_fmt(-9007199254740991.0, "-9007199254740991");
	expect_fmt(9007199254740994.0, "9007199254740994");
	expect_fmt(18446744073709551616.0, "18446744073709552000");
	expect_fmt(7, "7");
	expect_fmt(10, "10");
	expect_fmt(0.123456789012345, "0.123456789012345");
	expect_fmt(0.1234567890123456, "0.1234567890123456");
	expect_fmt(0.12345678901234568, "0.12345678901234568");
	expect_fmt(2.5, "2.5");
	expect_fmt(1e-323, "1e-323");
	expect_fmt(2.225073858507201e-308, "2.225073858507201e-308");
	expect_fmt(2.2250738585072014e-308, "2.2250738585072014e-308");
	expect_fmt(4.9406564584124654e-320, "4.9407e-320");
}

/* 3000 doubles (random bit patterns, short decimals, wide magnitudes) as
 * node's String(x) printed them: tests/fixtures/num/js_tostring.txt. */
static void test_num_format_matches_javascript(void **state)
{
	FILE *f = fopen("tests/fixtures/num/js_tostring.txt", "r");
	char line[128], bits[17], want[64], out[32];
	int n = 0;

	(void)state;
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		uint64_t u;
		double x;
		assert_int_equal(sscanf(line, "%16s %63s", bits, want), 2);
		u = strtoull(bits, NULL, 16);
		memcpy(&x, &u, sizeof(x));
		ww_num_format(x, out);
		if (strcmp(out, want))
			fail_msg("%s: got %s, want %s", bits, out, want);
		n++;
	}
	fclose(f);
	assert_true(n > 3000);
}

static void test_num_format_round_trips(void **state)
{
	uint64_t s = 88172645463325252ull;
	int i;

	(void)state;
	for (i = 0; i < 100000; i++) {
		double x, back;
		char out[32];
		s ^= s << 13, s ^= s >> 7, s ^= s << 17;
		memcpy(&x, &s, sizeof(x));
		if (x != x || x - x != 0)
			continue;
		ww_num_format(x, out);
		assert_int_equal(ww_num_parse(out, &back), 0);
		assert_memory_equal(&x, &back, sizeof(x));
	}
}

static void test_num_parse_rejects(void **state)
{
	double x;

	(void)state;
	assert_int_equal(ww_num_parse("12.5", &x), 0);
	assert_true(x == 12.5);
	assert_int_equal(ww_num_parse("1E+2", &x), 0);
	assert_true(x == 100);
	assert_int_equal(ww_num_parse("", &x), -1);
	assert_int_equal(ww_num_parse("0x10", &x), -1);
	assert_int_equal(ww_num_parse("inf", &x), -1);
	assert_int_equal(ww_num_parse("1e400", &x), -1);
	assert_int_equal(ww_num_parse("1e-400", &x), -1);
	assert_int_equal(ww_num_parse("12abc", &x), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_num_format_plain),
		cmocka_unit_test(test_num_format_exponent),
		cmocka_unit_test(test_num_format_fast_path_edges),
		cmocka_unit_test(test_num_format_matches_javascript),
		cmocka_unit_test(test_num_format_round_trips),
		cmocka_unit_test(test_num_parse_rejects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

#include "common/num.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The shortest digits of `x` (> 0, finite): the fewest significant digits
 * that strtod reads back as x. Returns the digit count and sets the decimal
 * exponent n so that x = 0.d1d2... * 10^n.
 *
 * Any decimal of at most 15 significant digits survives decimal -> double
 * -> 15 digits (DBL_DIG), so when x has a shortest form of k <= 15 digits,
 * x printed with 15 digits is those k digits followed by zeros: one
 * snprintf at 15 digits (trailing zeros dropped) finds every such x, and
 * only the others need 16 or 17. Same digits as trying 1, 2, ... 17.
 * Subnormals carry fewer than 53 bits, the guarantee does not hold for
 * them, and they still search from 1 digit. */
static int shortest_digits(double x, char digits[24], int *n)
{
	char tmp[40];
	int prec, k = 0, i;
	char *e;

	for (prec = x < DBL_MIN ? 1 : 15; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, x);
		if (prec == 17 || strtod(tmp, NULL) == x)
			break;
	}
	/* tmp is d.ddde[+-]XX */
	for (i = 0; tmp[i] && tmp[i] != 'e'; i++)
		if (tmp[i] >= '0' && tmp[i] <= '9')
			digits[k++] = tmp[i];
	e = strchr(tmp, 'e');
	*n = (int)strtol(e + 1, NULL, 10) + 1;
	while (k > 1 && digits[k - 1] == '0')
		k--;
	digits[k] = '\0';
	return k;
}

/* Digits of an integral 0 < x < 2^53 into out (no NUL); returns the count. */
static int put_integer(char *out, double x)
{
	uint64_t v = (uint64_t)x;
	char t[20];
	int n = 0, i;

	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		out[i] = t[n - 1 - i];
	return n;
}

int ww_num_format(double x, char out[32])
{
	char d[24];
	int k, n, len = 0;

	if (isnan(x))
		return snprintf(out, 32, "NaN");
	if (isinf(x))
		return snprintf(out, 32, "%s", x < 0 ? "-Infinity" : "Infinity");
	if (x == 0)
		return snprintf(out, 32, "0");
	if (x < 0) {
		out[len++] = '-';
		x = -x;
	}
	/* Integers below 2^53 are their own shortest form. */
	if (x < 9007199254740992.0 && x == floor(x)) {
		len += put_integer(out + len, x);
		out[len] = '\0';
		return len;
	}
	k = shortest_digits(x, d, &n);
	return len + ww_num_layout(out + len, d, k, n);
}

int ww_num_layout(char *out, const char *d, int k, int n)
{
	int len = 0, i;

	if (k <= n && n <= 21) {
		memcpy(out, d, (size_t)k);
		len = k;
		for (i = 0; i < n - k; i++)
			out[len++] = '0';
	} else if (0 < n && n <= 21) {
		memcpy(out, d, (size_t)n);
		len = n;
		out[len++] = '.';
		memcpy(out + len, d + n, (size_t)(k - n));
		len += k - n;
	} else if (-6 < n && n <= 0) {
		out[len++] = '0';
		out[len++] = '.';
		for (i = 0; i < -n; i++)
			out[len++] = '0';
		memcpy(out + len, d, (size_t)k);
		len += k;
	} else {
		out[len++] = d[0];
		if (k > 1) {
			out[len++] = '.';
			memcpy(out + len, d + 1, (size_t)(k - 1));
			len += k - 1;
		}
		len += snprintf(out + len, (size_t)(31 - len), "e%c%d", n - 1 < 0 ? '-' : '+',
				n - 1 < 0 ? 1 - n : n - 1);
		return len;
	}
	out[len] = '\0';
	return len;
}

int ww_num_parse(const char *text, double *out)
{
	char *end;
	double v;
	const char *p;
	int nonzero = 0;

	if (!text || !*text)
		return -1;
	/* Decimal only: strtod would also take hex, "inf" and "nan". */
	if (text[strspn(text, "0123456789+-.eE")])
		return -1;
	errno = 0;
	v = strtod(text, &end);
	if (*end || end == text)
		return -1;
	for (p = text; *p && *p != 'e' && *p != 'E'; p++)
		if (*p >= '1' && *p <= '9')
			nonzero = 1;
	if (isinf(v) || isnan(v) || (errno == ERANGE && v == 0 && nonzero) || (v == 0 && nonzero))
		return -1;
	*out = v;
	return 0;
}

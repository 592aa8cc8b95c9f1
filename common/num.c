#include "common/num.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The shortest digits of `x` (> 0, finite): the fewest significant digits
 * that strtod reads back as x. Returns the digit count and sets the decimal
 * exponent n so that x = 0.d1d2... * 10^n. */
static int shortest_digits(double x, char digits[24], int *n)
{
	char tmp[40];
	int prec, k = 0, i;
	char *e;

	for (prec = 1; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, x);
		if (strtod(tmp, NULL) == x)
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

int ww_num_format(double x, char out[32])
{
	char d[24];
	int k, n, len = 0, i;

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
	if (x < 9007199254740992.0 && x == floor(x))
		return len + snprintf(out + len, 32 - len, "%.0f", x);
	k = shortest_digits(x, d, &n);
	if (k <= n && n <= 21) {
		memcpy(out + len, d, k);
		len += k;
		for (i = 0; i < n - k; i++)
			out[len++] = '0';
	} else if (0 < n && n <= 21) {
		memcpy(out + len, d, n);
		len += n;
		out[len++] = '.';
		memcpy(out + len, d + n, k - n);
		len += k - n;
	} else if (-6 < n && n <= 0) {
		out[len++] = '0';
		out[len++] = '.';
		for (i = 0; i < -n; i++)
			out[len++] = '0';
		memcpy(out + len, d, k);
		len += k;
	} else {
		out[len++] = d[0];
		if (k > 1) {
			out[len++] = '.';
			memcpy(out + len, d + 1, k - 1);
			len += k - 1;
		}
		len += snprintf(out + len, 32 - len, "e%c%d", n - 1 < 0 ? '-' : '+',
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

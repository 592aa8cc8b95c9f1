#ifndef WW_COMMON_NUM_H
#define WW_COMMON_NUM_H

/*
 * Numbers as JavaScript prints them: the shortest decimal that reads back as
 * the same double, laid out as Number.prototype.toString does (ECMA-262
 * Number::toString): plain digits for 1e-7 < |x| < 1e21, else d.ddde+N.
 * This is the number form of the canonical JSON (RFC 8785) and of the N
 * values wwseed writes, so a number survives JSON -> C -> DynamoDB -> JSON
 * bit-exactly.
 */

/* Write `x` into `out` (NUL-terminated, at most 25 bytes with the NUL).
 * -0 prints "0"; NaN and infinities print "NaN", "Infinity", "-Infinity"
 * (they never come from JSON). Returns the length. */
int ww_num_format(double x, char out[32]);

/* The layout step alone: `k` significant digits `d` (no trailing zeros)
 * times 10^(n-k), written as Number::toString lays them out, without the
 * sign (callers that know the digits already, e.g. from a number's own
 * text, skip the shortest-digits search). At most 30 bytes with the NUL
 * for k <= 17. Returns the length. */
int ww_num_layout(char *out, const char *d, int k, int n);

/* Parse decimal text (JSON or DynamoDB N form) into `*out`. Returns 0, or
 * -1 when the text is not a number or does not fit a double (overflow, or a
 * non-zero value that rounds to zero). */
int ww_num_parse(const char *text, double *out);

#endif

/*
 * Micro-benchmark of common/sha256.c (make bench-sha256): MB/s of the
 * block function the CPU gets (SHA-NI where present) and of the portable
 * one, on buffers the size of a definition's canonical text and larger.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/sha256.h"

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double mb_per_s(const unsigned char *buf, size_t len, size_t total)
{
	unsigned char d[32];
	size_t reps = total / len, i;
	double t0 = now_s();
	ww_sha256 c;

	for (i = 0; i < reps; i++) {
		ww_sha256_init(&c);
		ww_sha256_update(&c, buf, len);
		ww_sha256_final(&c, d);
	}
	return (double)(reps * len) / (now_s() - t0) / 1e6;
}

int main(int argc, char **argv)
{
	static const size_t sizes[] = {64, 1000, 3000, 65536, 1 << 20};
	size_t total = (size_t)(argc > 1 ? atof(argv[1]) : 256) << 20, i;
	unsigned char *buf = malloc(1 << 20);
	const char *best;

	for (i = 0; i < (1u << 20); i++)
		buf[i] = (unsigned char)(i * 131 + 7);
	best = ww_sha256_impl();
	printf("%-10s %12s %12s\n", "bytes", best, "portable");
	for (i = 0; i < sizeof(sizes) / sizeof(*sizes); i++) {
		double fast, slow;
		ww_sha256_force_portable(0);
		fast = mb_per_s(buf, sizes[i], total);
		ww_sha256_force_portable(1);
		slow = mb_per_s(buf, sizes[i], total / 4);
		printf("%-10zu %9.0f MB/s %9.0f MB/s\n", sizes[i], fast, slow);
	}
	free(buf);
	return 0;
}

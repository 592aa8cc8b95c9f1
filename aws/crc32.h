#ifndef WW_AWS_CRC32_H
#define WW_AWS_CRC32_H

#include <stddef.h>
#include <stdint.h>

/*
 * CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, the zlib/PNG one):
 * DynamoDB sends it over every response body in the x-amz-crc32 header.
 */

/* Continue `crc` (0 to start) over `len` bytes at `data`; returns the new
 * CRC. Feeding a body in pieces gives the same result as in one call. */
uint32_t ww_crc32(uint32_t crc, const void *data, size_t len);

/* Check a response body against the decimal text of an x-amz-crc32 header.
 * Returns 1 if they match, 0 if not or if `header` is not a number. */
int ww_crc32_matches(const char *header, const void *body, size_t len);

#endif

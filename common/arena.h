#ifndef WW_COMMON_ARENA_H
#define WW_COMMON_ARENA_H

#include <stddef.h>

/*
 * A bump allocator over a chain of blocks that never move: what is put in
 * stays where it was put until the chain is freed. The JSON parser's
 * documents and the definition set's kept text both use it.
 */
typedef struct ww_arena_block ww_arena_block;
struct ww_arena_block {
	ww_arena_block *prev;
	size_t used, cap;
	max_align_t data[];
};

/* `n` bytes from the chain at `*head`, at an offset that is a multiple of
 * `align` (a power of two, at most alignof(max_align_t)); a new block is
 * `first` bytes, then twice the last up to 1 MiB, or `n` when larger.
 * Never NULL. */
void *ww_arena_alloc(ww_arena_block **head, size_t n, size_t align, size_t first);
void ww_arena_free(ww_arena_block **head);

#endif

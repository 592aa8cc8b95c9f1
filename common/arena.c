#include "common/arena.h"

#include <stdlib.h>

#include "common/buf.h"

void *ww_arena_alloc(ww_arena_block **head, size_t n, size_t align, size_t first)
{
	ww_arena_block *b = *head;
	size_t at = b ? (b->used + align - 1) & ~(align - 1) : 0;

	if (!b || at > b->cap || b->cap - at < n) {
		size_t cap = b ? b->cap * 2 : first;
		if (cap > (1u << 20))
			cap = 1u << 20;
		if (cap < n)
			cap = n;
		b = ww_xmalloc(sizeof(*b) + cap);
		b->prev = *head;
		b->used = 0;
		b->cap = cap;
		*head = b;
		at = 0;
	}
	b->used = at + n;
	return (char *)b->data + at;
}

void ww_arena_free(ww_arena_block **head)
{
	while (*head) {
		ww_arena_block *prev = (*head)->prev;
		free(*head);
		*head = prev;
	}
}

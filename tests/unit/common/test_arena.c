#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/arena.h"

static size_t chain_length(const ww_arena_block *b)
{
	size_t n = 0;

	for (; b; b = b->prev)
		n++;
	return n;
}

static void test_arena_aligns_and_keeps_what_it_holds(void **state)
{
	ww_arena_block *head = NULL;
	char *a, *b, *c;

	(void)state;
	a = ww_arena_alloc(&head, 3, 1, 64);
	memcpy(a, "abc", 3);
	b = ww_arena_alloc(&head, 5, 1, 64);
	assert_ptr_equal(b, a + 3); /* packed when align is 1 */
	c = ww_arena_alloc(&head, 8, 8, 64);
	assert_int_equal((uintptr_t)c % 8, 0);
	assert_ptr_equal(c, a + 8); /* 3 + 5 bytes, then the next multiple of 8 */
	assert_int_equal(chain_length(head), 1);
	/* A block that is full starts the next, twice as large; earlier
	 * bytes stay where they were. */
	ww_arena_alloc(&head, 60, 8, 64);
	assert_int_equal(chain_length(head), 2);
	assert_int_equal(head->cap, 128);
	assert_memory_equal(a, "abc", 3);
	/* A request larger than the next block gets a block of its size. */
	ww_arena_alloc(&head, 5000, 8, 64);
	assert_int_equal(head->cap, 5000);
	assert_int_equal(chain_length(head), 3);
	ww_arena_free(&head);
	assert_null(head);
}

static void test_arena_blocks_stop_growing_at_one_mib(void **state)
{
	ww_arena_block *head = NULL;
	int i;

	(void)state;
	for (i = 0; i < 40; i++)
		ww_arena_alloc(&head, 700 * 1024, 1, 65536);
	assert_int_equal(head->cap, 1u << 20);
	ww_arena_free(&head);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_arena_aligns_and_keeps_what_it_holds),
	    cmocka_unit_test(test_arena_blocks_stop_growing_at_one_mib),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

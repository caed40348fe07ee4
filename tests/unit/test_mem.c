/*
 * test_mem.c - allocation wrappers and the chunked arena.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

static void xstrndup_copies_embedded_nul(void **state)
{
	(void)state;
	char *p = ls_xstrndup("ab\0cd", 5);
	assert_memory_equal(p, "ab\0cd", 5);
	assert_int_equal(p[5], '\0');
	free(p);
	p = ls_xstrdup("hello");
	assert_string_equal(p, "hello");
	free(p);
}

static void xmalloc_zero_is_usable(void **state)
{
	(void)state;
	void *p = ls_xmalloc(0);
	assert_non_null(p);
	free(p);
	p = ls_xcalloc(0, 8);
	assert_non_null(p);
	free(p);
	int *a = ls_xcalloc(16, sizeof *a);
	for (int i = 0; i < 16; i++)
		assert_int_equal(a[i], 0);
	a = ls_xreallocarray(a, 1000, sizeof *a);
	a[999] = 7;
	assert_int_equal(a[999], 7);
	free(a);
}

static void xgrow_doubles_and_keeps_contents(void **state)
{
	(void)state;
	int *a = NULL;
	size_t cap = 0;
	a = ls_xgrow(a, &cap, 1, sizeof *a);
	assert_int_equal(cap, 16);
	for (int i = 0; i < 1000; i++) {
		a = ls_xgrow(a, &cap, (size_t)i + 1, sizeof *a);
		a[i] = i;
	}
	assert_int_equal(cap, 1024);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(a[i], i);
	int *same = ls_xgrow(a, &cap, 10, sizeof *a); /* enough room: unchanged */
	assert_ptr_equal(same, a);
	assert_int_equal(cap, 1024);
	a = ls_xgrow(a, &cap, 5000, sizeof *a); /* a jump past one doubling */
	assert_int_equal(cap, 8192);
	assert_int_equal(a[999], 999);
	free(a);
}

static void arena_pointers_are_aligned_and_distinct(void **state)
{
	(void)state;
	ls_arena a;
	ls_arena_init(&a, 256);
	char *prev = NULL;
	for (size_t i = 0; i < 1000; i++) {
		char *p = ls_arena_alloc(&a, i % 37 + 1);
		assert_int_equal((uintptr_t)p % alignof(max_align_t), 0);
		memset(p, (int)(i & 0xff), i % 37 + 1);
		assert_true(p != prev);
		prev = p;
	}
	assert_true(a.used >= 1000);
	ls_arena_fini(&a);
	assert_null(a.head);
}

/* Data written earlier survives later allocations, across chunk changes. */
static void arena_keeps_contents_across_chunks(void **state)
{
	(void)state;
	ls_arena a;
	ls_arena_init(&a, 128);
	char *strs[500];
	for (int i = 0; i < 500; i++) {
		char tmp[32];
		snprintf(tmp, sizeof tmp, "string-%d", i);
		strs[i] = ls_arena_strdup(&a, tmp);
	}
	for (int i = 0; i < 500; i++) {
		char tmp[32];
		snprintf(tmp, sizeof tmp, "string-%d", i);
		assert_string_equal(strs[i], tmp);
	}
	ls_arena_fini(&a);
}

static void arena_oversized_blocks(void **state)
{
	(void)state;
	ls_arena a;
	ls_arena_init(&a, 64);
	char *small1 = ls_arena_alloc(&a, 8);
	memset(small1, 'x', 8);
	char *big = ls_arena_alloc(&a, 10000);
	memset(big, 'y', 10000);
	char *small2 = ls_arena_alloc(&a, 8);
	memset(small2, 'z', 8);
	/* The small allocations keep sharing the first chunk. */
	assert_true(small2 > small1 && small2 - small1 < 64);
	for (int i = 0; i < 10000; i++)
		assert_int_equal(big[i], 'y');
	assert_int_equal(small1[7], 'x');
	ls_arena_fini(&a);
}

static void arena_calloc_and_strndup(void **state)
{
	(void)state;
	ls_arena a;
	ls_arena_init(&a, 0);
	assert_int_equal(a.chunk_size, LS_ARENA_DEFAULT_CHUNK);
	uint64_t *v = ls_arena_calloc(&a, 100, sizeof *v);
	for (int i = 0; i < 100; i++)
		assert_int_equal(v[i], 0);
	char *s = ls_arena_strndup(&a, "abcdef", 3);
	assert_string_equal(s, "abc");
	char *e = ls_arena_strndup(&a, NULL, 0);
	assert_string_equal(e, "");
	ls_arena_fini(&a);
	ls_arena_fini(&a); /* fini twice is harmless */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(xstrndup_copies_embedded_nul),
		cmocka_unit_test(xmalloc_zero_is_usable),
		cmocka_unit_test(xgrow_doubles_and_keeps_contents),
		cmocka_unit_test(arena_pointers_are_aligned_and_distinct),
		cmocka_unit_test(arena_keeps_contents_across_chunks),
		cmocka_unit_test(arena_oversized_blocks),
		cmocka_unit_test(arena_calloc_and_strndup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

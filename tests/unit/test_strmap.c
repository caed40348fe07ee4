/*
 * test_strmap.c - the string-keyed hash map: absent keys, growth past many
 * resizes, keys that differ only in length, and the empty key.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/strmap.h"

static void empty_map_finds_nothing(void **state)
{
	(void)state;
	ls_strmap m;
	memset(&m, 0, sizeof m);
	assert_int_equal(ls_strmap_get(&m, "a", 1), -1);
	ls_strmap_fini(&m);
}

static void values_survive_growth(void **state)
{
	(void)state;
	static char keys[5000][12];
	ls_strmap m;
	memset(&m, 0, sizeof m);
	for (uint32_t i = 0; i < 5000; i++) {
		snprintf(keys[i], sizeof keys[i], "k%u", i);
		ls_strmap_put(&m, keys[i], strlen(keys[i]), i * 3);
	}
	assert_int_equal(m.n, 5000);
	assert_true(m.cap >= 10000);
	for (uint32_t i = 0; i < 5000; i++)
		assert_int_equal(ls_strmap_get(&m, keys[i], strlen(keys[i])), (long)i * 3);
	assert_int_equal(ls_strmap_get(&m, "k5000", 5), -1);
	/* A prefix is another key. */
	assert_int_equal(ls_strmap_get(&m, "k1", 2), 3);
	assert_int_equal(ls_strmap_get(&m, "k1", 1), -1);
	ls_strmap_put(&m, "", 0, 7);
	assert_int_equal(ls_strmap_get(&m, "", 0), 7);
	ls_strmap_fini(&m);
	assert_int_equal(m.n, 0);
	assert_int_equal(ls_strmap_get(&m, "k1", 2), -1);
}

static void hash_is_fnv1a_folded(void **state)
{
	(void)state;
	/* FNV-1a of "" is its offset basis; the fold mixes the high bits down. */
	uint64_t h = UINT64_C(14695981039346656037);
	assert_true(ls_strmap_hash("", 0) == (h ^ (h >> 29)));
	assert_true(ls_strmap_hash("ab", 2) != ls_strmap_hash("ba", 2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(empty_map_finds_nothing),
		cmocka_unit_test(values_survive_growth),
		cmocka_unit_test(hash_is_fnv1a_folded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * strmap.h - a hash map from byte strings to small integers (an index into
 * the caller's own table), open addressing with linear probing, kept at
 * most half full.
 *
 * Ownership: the map borrows its keys, which must outlive it (keep them in
 * an arena); it owns its slot array. A zeroed map is empty and ready.
 */
#ifndef LS_CORE_STRMAP_H
#define LS_CORE_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ls_strmap_slot {
	const char *key;
	size_t len;
	uint64_t hash;
	uint32_t val;
	bool used;
} ls_strmap_slot;

typedef struct ls_strmap {
	ls_strmap_slot *slots;
	size_t cap, n;
} ls_strmap;

/* The map's hash: FNV-1a, with the high bits folded down for a power-of-two mask. */
uint64_t ls_strmap_hash(const void *data, size_t n);
/* The value of key k[0..n), or -1 when it is absent. */
long ls_strmap_get(const ls_strmap *m, const char *k, size_t n);
/* Add k[0..n), which must be absent, with value v. */
void ls_strmap_put(ls_strmap *m, const char *k, size_t n, uint32_t v);
/* Free the slots; the map is empty again. */
void ls_strmap_fini(ls_strmap *m);

#endif

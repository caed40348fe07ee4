/*
 * strmap.c - string-keyed hash map (see strmap.h).
 */
#include "core/strmap.h"

#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

uint64_t ls_strmap_hash(const void *data, size_t n)
{
	const unsigned char *p = data;
	uint64_t h = UINT64_C(14695981039346656037);
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= UINT64_C(1099511628211);
	}
	return h ^ (h >> 29);
}

long ls_strmap_get(const ls_strmap *m, const char *k, size_t n)
{
	if (m->cap == 0)
		return -1;
	uint64_t h = ls_strmap_hash(k, n);
	for (size_t i = (size_t)h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		const ls_strmap_slot *sl = &m->slots[i];
		if (!sl->used)
			return -1;
		if (sl->hash == h && sl->len == n && memcmp(sl->key, k, n) == 0)
			return (long)sl->val;
	}
}

static void insert(ls_strmap_slot *slots, size_t cap, const ls_strmap_slot *e)
{
	size_t i = (size_t)e->hash & (cap - 1);
	while (slots[i].used)
		i = (i + 1) & (cap - 1);
	slots[i] = *e;
}

void ls_strmap_put(ls_strmap *m, const char *k, size_t n, uint32_t v)
{
	if ((m->n + 1) * 2 > m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 64;
		ls_strmap_slot *ns = ls_xcalloc(cap, sizeof *ns);
		for (size_t i = 0; i < m->cap; i++)
			if (m->slots[i].used)
				insert(ns, cap, &m->slots[i]);
		free(m->slots);
		m->slots = ns;
		m->cap = cap;
	}
	ls_strmap_slot e = { k, n, ls_strmap_hash(k, n), v, true };
	insert(m->slots, m->cap, &e);
	m->n++;
}

void ls_strmap_fini(ls_strmap *m)
{
	free(m->slots);
	memset(m, 0, sizeof *m);
}

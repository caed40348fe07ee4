/*
 * mem.c - abort-on-OOM allocation wrappers and the chunked arena.
 *
 * Arena invariant: head points at the newest chunk; each chunk's `off` is the
 * first free byte of its payload and is always a multiple of LS_ALIGN, so
 * every pointer handed out is suitably aligned for max_align_t.
 */
#include "core/mem.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LS_ALIGN alignof(max_align_t)

void ls_oom(size_t size)
{
	fprintf(stderr, "leaksim: out of memory (requested %zu bytes)\n", size);
	fflush(stderr);
	abort();
}

void *ls_xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	if (p == NULL)
		ls_oom(size);
	return p;
}

void *ls_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (p == NULL)
		ls_oom(n * size);
	return p;
}

void *ls_xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size ? size : 1);
	if (q == NULL)
		ls_oom(size);
	return q;
}

void *ls_xreallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		ls_oom(SIZE_MAX);
	return ls_xrealloc(p, n * size);
}

void *ls_xgrow(void *p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return p;
	size_t c = *cap ? *cap : 16;
	while (c < need)
		c = c > SIZE_MAX / 2 ? need : 2 * c;
	p = ls_xreallocarray(p, c, size);
	*cap = c;
	return p;
}

char *ls_xstrndup(const char *s, size_t n)
{
	char *p = ls_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *ls_xstrdup(const char *s)
{
	return ls_xstrndup(s, strlen(s));
}

/* ----------------------------------------------------------------- arena */

struct ls_arena_chunk {
	ls_arena_chunk *prev;
	size_t cap;
	size_t off;
	alignas(max_align_t) unsigned char data[];
};

void ls_arena_init(ls_arena *a, size_t chunk_size)
{
	a->head = NULL;
	a->chunk_size = chunk_size ? chunk_size : LS_ARENA_DEFAULT_CHUNK;
	a->used = 0;
}

void ls_arena_fini(ls_arena *a)
{
	ls_arena_chunk *c = a->head;
	while (c) {
		ls_arena_chunk *prev = c->prev;
		free(c);
		c = prev;
	}
	a->head = NULL;
	a->used = 0;
}

void *ls_arena_alloc(ls_arena *a, size_t size)
{
	if (size > SIZE_MAX - LS_ALIGN)
		ls_oom(size);
	size_t need = (size + LS_ALIGN - 1) & ~(LS_ALIGN - 1);
	ls_arena_chunk *c = a->head;
	if (c == NULL || c->cap - c->off < need) {
		size_t cap = need > a->chunk_size ? need : a->chunk_size;
		if (cap > SIZE_MAX - sizeof *c)
			ls_oom(cap);
		ls_arena_chunk *n = ls_xmalloc(sizeof *n + cap);
		n->cap = cap;
		n->off = 0;
		if (c != NULL && need > a->chunk_size && c->cap - c->off >= LS_ALIGN) {
			/* An oversized block goes behind the current chunk, which keeps
			 * serving small requests. */
			n->prev = c->prev;
			c->prev = n;
			n->off = need;
			a->used += size;
			return n->data;
		}
		n->prev = c;
		a->head = c = n;
	}
	void *p = c->data + c->off;
	c->off += need;
	a->used += size;
	return p;
}

void *ls_arena_calloc(ls_arena *a, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		ls_oom(SIZE_MAX);
	void *p = ls_arena_alloc(a, n * size);
	memset(p, 0, n * size);
	return p;
}

char *ls_arena_strndup(ls_arena *a, const char *s, size_t n)
{
	if (n == SIZE_MAX)
		ls_oom(n);
	char *p = ls_arena_alloc(a, n + 1);
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *ls_arena_strdup(ls_arena *a, const char *s)
{
	return ls_arena_strndup(a, s, strlen(s));
}

/*
 * mem.h - allocation that cannot fail, and a chunked arena.
 *
 * leaksim treats out-of-memory as fatal: the ls_x* wrappers print a message
 * and abort, so callers never check for NULL. Objects that share one lifetime
 * (a compiled rule set, a batch of events, a loaded scenario) live in an
 * ls_arena and are freed together.
 *
 * Ownership: ls_x* return owned memory (free with free()); arena allocations
 * are owned by the arena and die with ls_arena_fini().
 */
#ifndef LS_CORE_MEM_H
#define LS_CORE_MEM_H

#include <stddef.h>

#include "core/err.h"

/* Abort with a message naming the failed request. */
LS_NORETURN void ls_oom(size_t size);

void *ls_xmalloc(size_t size);
void *ls_xcalloc(size_t n, size_t size);
void *ls_xrealloc(void *p, size_t size);
/* realloc for arrays: aborts if n * size overflows. */
void *ls_xreallocarray(void *p, size_t n, size_t size);
/*
 * Grow an array of `size`-byte elements so that it holds at least `need`
 * elements, doubling its capacity *cap (16 at first). Returns the array
 * (possibly moved); aborts on overflow or out-of-memory.
 */
void *ls_xgrow(void *p, size_t *cap, size_t need, size_t size);
char *ls_xstrdup(const char *s);
/* Copy exactly n bytes of s (which may hold NULs) and append a terminator. */
char *ls_xstrndup(const char *s, size_t n);

/*
 * A chunked bump allocator. Chunks are never moved, so pointers stay valid
 * until fini. Allocations larger than a chunk get a chunk of their own.
 */
typedef struct ls_arena_chunk ls_arena_chunk;
typedef struct ls_arena {
	ls_arena_chunk *head; /* most recent chunk */
	size_t chunk_size;    /* default payload size of new chunks */
	size_t used;          /* total bytes handed out (for stats) */
} ls_arena;

#define LS_ARENA_DEFAULT_CHUNK (64u * 1024u)

/* chunk_size 0 selects LS_ARENA_DEFAULT_CHUNK. */
void ls_arena_init(ls_arena *a, size_t chunk_size);
/* Free every chunk; the arena may be re-initialised. Accepts a zeroed arena. */
void ls_arena_fini(ls_arena *a);
/* size bytes aligned for any object type; never NULL. size 0 is valid. */
void *ls_arena_alloc(ls_arena *a, size_t size);
/* Zero-filled allocation of n * size bytes; aborts on overflow. */
void *ls_arena_calloc(ls_arena *a, size_t n, size_t size);
/* NUL-terminated copy of n bytes of s. */
char *ls_arena_strndup(ls_arena *a, const char *s, size_t n);
char *ls_arena_strdup(ls_arena *a, const char *s);

#endif

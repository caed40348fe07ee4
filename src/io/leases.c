/*
 * leases.c - the lease table: read once, sorted by (ip, start), searched.
 */
#include "io/leases.h"

#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "io/logreader.h"

static int cmp_lease(const void *x, const void *y)
{
	const ls_lease *a = x, *b = y;
	int c = strcmp(a->ip, b->ip);
	if (c)
		return c;
	return a->start < b->start ? -1 : a->start > b->start;
}

static bool get_time(const ls_event *ev, const char *name, ls_time *t)
{
	const ls_field *f = ls_event_get(ev, ls_sv_from_cstr(name));
	return f && ls_time_parse_rfc3339(f->value, t, NULL) == LS_OK;
}

static char *get_str(const ls_event *ev, const char *name)
{
	const ls_field *f = ls_event_get(ev, ls_sv_from_cstr(name));
	return f && f->type == LS_VALUE_STRING ? ls_xstrndup(f->value.ptr, f->value.len) : NULL;
}

ls_err ls_leases_load(ls_leases *t, const char *path, size_t *bad, ls_diag *d)
{
	memset(t, 0, sizeof *t);
	size_t nbad = 0;
	ls_logreader r;
	ls_err e = ls_logreader_open(&r, path, "timestamp", d);
	if (e != LS_OK)
		return e;
	for (;;) {
		ls_diag ld;
		ls_diag_clear(&ld);
		e = ls_logreader_next(&r, &ld);
		if (e == LS_ERR_NOTFOUND) {
			e = LS_OK;
			break;
		}
		if (e == LS_ERR_IO) {
			if (d)
				*d = ld;
			break;
		}
		if (e != LS_OK) {
			nbad++;
			continue;
		}
		const ls_field *ev = ls_event_get(&r.ev, LS_SV_LIT("event"));
		ls_time start, end;
		char *ip = get_str(&r.ev, "ip");
		if (ip == NULL || !get_time(&r.ev, "lease_start", &start) ||
		    !get_time(&r.ev, "lease_end", &end)) {
			free(ip);
			nbad++;
			continue;
		}
		if (ev && ls_sv_eq_cstr(ev->value, "DHCPRELEASE")) {
			/* Cut the latest lease of this address short. */
			for (size_t i = t->n; i-- > 0;)
				if (strcmp(t->v[i].ip, ip) == 0) {
					if (t->v[i].end > end)
						t->v[i].end = end;
					break;
				}
			free(ip);
			continue;
		}
		t->v = ls_xgrow(t->v, &t->cap, t->n + 1, sizeof *t->v);
		ls_lease *l = &t->v[t->n++];
		l->ip = ip;
		l->host = get_str(&r.ev, "host");
		l->user = get_str(&r.ev, "user");
		l->start = start;
		l->end = end;
	}
	ls_logreader_close(&r);
	if (t->n > 1)
		qsort(t->v, t->n, sizeof *t->v, cmp_lease);
	if (bad)
		*bad = nbad;
	return e;
}

void ls_leases_fini(ls_leases *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].ip);
		free(t->v[i].host);
		free(t->v[i].user);
	}
	free(t->v);
	memset(t, 0, sizeof *t);
}

static int cmp_ip(ls_sv ip, const char *b)
{
	size_t bl = strlen(b), n = ip.len < bl ? ip.len : bl;
	int c = memcmp(ip.ptr, b, n);
	return c ? c : ip.len < bl ? -1 : ip.len > bl;
}

const ls_lease *ls_leases_find(const ls_leases *t, ls_sv ip, ls_time at)
{
	/* The last lease of ip that starts at or before `at`. */
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_ip(ip, t->v[mid].ip);
		if (c > 0 || (c == 0 && t->v[mid].start <= at))
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i-- > 0;) {
		if (cmp_ip(ip, t->v[i].ip) != 0)
			return NULL;
		if (t->v[i].end >= at)
			return &t->v[i];
	}
	return NULL;
}

/*
 * leases.h - who held which address when: the DHCP leases of a dataset,
 * for enriching network events with the user and host behind an address.
 *
 * Loaded from dhcp.jsonl (records with ip, host, user, lease_start,
 * lease_end; a DHCPRELEASE ends the lease it names at its time). A lookup
 * finds the lease of an IPv4 or IPv6 address text that covers an instant
 * (start <= t <= end); when leases overlap, the one that started last wins.
 *
 * Ownership: the table owns its strings.
 */
#ifndef LS_IO_LEASES_H
#define LS_IO_LEASES_H

#include <stddef.h>

#include "core/err.h"
#include "core/str.h"
#include "core/time.h"

typedef struct ls_lease {
	char *ip, *host, *user;
	ls_time start, end;
} ls_lease;

typedef struct ls_leases {
	ls_lease *v;
	size_t n, cap;
} ls_leases;

/* Read every lease of a dhcp.jsonl file into *t (initialised here).
 * Unparsable lines are skipped and counted in *bad (may be NULL).
 * LS_ERR_IO with d when the file cannot be read. */
ls_err ls_leases_load(ls_leases *t, const char *path, size_t *bad, ls_diag *d) LS_WUR;
void ls_leases_fini(ls_leases *t);

/* The lease of address ip covering t, or NULL. */
const ls_lease *ls_leases_find(const ls_leases *t, ls_sv ip, ls_time t_at);

#endif

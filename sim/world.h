/*
 * world.h - the fictional organisation: its people, laptops, servers and the
 * outside world they talk to.
 *
 * The world is a pure function of the scenario. Everything about person i
 * (name, role, laptop, habits) is drawn from person i's own random stream,
 * so adding a person changes nobody else. Addresses are synthetic: internal
 * ones in 10.0.0.0/8, external ones in the documentation ranges, names under
 * .example/.test/.invalid (SPEC 1.1), except the real public names a service
 * profile allows.
 *
 * Ownership: sim_world_create returns an owned world; it borrows the
 * scenario, which must outlive it.
 */
#ifndef SIM_WORLD_H
#define SIM_WORLD_H

#include <stdbool.h>
#include <stdint.h>

#include "core/rng.h"
#include "sim/scenario.h"

/* Entity id spaces: the top 16 bits say what kind of actor it is. */
#define SIM_ENT_PERSON(i) ((UINT64_C(1) << 48) | (uint64_t)(i))
#define SIM_ENT_SERVER(i) ((UINT64_C(2) << 48) | (uint64_t)(i))
#define SIM_ENT_OUTSIDE(i) ((UINT64_C(3) << 48) | (uint64_t)(i))
#define SIM_ENT_WORLD (UINT64_C(4) << 48)

/* Each laptop owns a private slice of the DHCP pool, so leases can change
 * address without two laptops ever colliding, whatever the head count. */
#define SIM_DHCP_POOL_BASE 0x0A400000u /* 10.64.0.0/10 */
#define SIM_DHCP_SLICE 8u

typedef enum sim_server_id {
	SIM_SRV_DB = 0, /* the register database */
	SIM_SRV_JUMP,
	SIM_SRV_FILE,
	SIM_SRV_APP,
	SIM_SRV_BACKUP,
	SIM_SRV_DNS,
	SIM_SRV_PROXY,
	SIM_SRV_DHCP,
	SIM_SRV__COUNT
} sim_server_id;

typedef struct sim_server {
	const char *name; /* short host name, e.g. "db01" */
	char fqdn[64];
	uint32_t ip;
} sim_server;

typedef struct sim_person {
	uint32_t index;
	sim_role role;
	uint32_t team;
	char given[16];
	char family[20];
	char account[32];  /* e.g. "k.varon" */
	char host[16];     /* laptop, e.g. "LT-00042" */
	unsigned char mac[6];
	int start_offset_min; /* personal offset from the scenario's mean start */
	int workday_adj_min;  /* personal adjustment of the day's length */
	double web_factor;    /* browsing intensity relative to the mean */
	bool messenger;       /* uses the messenger client */
	bool cloud_sync;      /* runs the cloud-sync client */
	uint32_t browser;     /* index into the browser table */
	unsigned char key[LS_RNG_KEYBYTES]; /* the person's stream key */
} sim_person;

/* A web site on the outside: fictional name and documentation address. */
typedef struct sim_site {
	char host[48];
	uint32_t ip;
	bool https;
} sim_site;

#define SIM_SITES 400
/* The first sites are fixed; the benign model refers to them by index. */
enum {
	SIM_SITE_INTRANET = 0,
	SIM_SITE_OS_UPDATE,
	SIM_SITE_CLOUD_SYNC,
	SIM_SITE_SOFTWARE,
	SIM_SITE__FIXED = 8 /* the first site drawn by popularity */
};
#define SIM_MSGR_DCS 5

typedef struct sim_world {
	const sim_scenario *sc;
	sim_person *people;
	uint32_t npeople;
	sim_server server[SIM_SRV__COUNT];
	sim_site site[SIM_SITES];
	uint32_t msgr_dc_ip[SIM_MSGR_DCS]; /* the messenger's data centres (native path) */
	const char *msgr_image;            /* client executable path */
	const char *msgr_api_host;         /* bot-API host name */
	uint32_t msgr_api_ip;
	const char *msgr_web_host;
	uint32_t msgr_web_ip;
	uint32_t upstream_dns_ip; /* the resolver's upstream, outside */
	const char *domain;       /* the organisation's DNS domain */
	char netbios[16];         /* Windows domain name, e.g. "CORP" */
	unsigned char world_key[LS_RNG_KEYBYTES];
	/* The insider's planned campaign (sim/campaign.h), or NULL: set by the
	 * generator before the first day, then only read. */
	const struct sim_campaign *campaign;
} sim_world;

sim_world *sim_world_create(const sim_scenario *sc);
void sim_world_destroy(sim_world *w);

/* The address person p's laptop holds under lease number `lease`. */
uint32_t sim_world_lease_ip(const sim_world *w, const sim_person *p, ls_rng *r);

/* Dotted-quad text of an IPv4 address (host byte order); returns its length. */
size_t sim_ip_text(uint32_t ip, char out[16]);

/* Stream for entity-specific purposes, derived from the world's seed. */
void sim_world_rng(const sim_world *w, ls_rng *r, uint64_t entity, const char *purpose);

#endif

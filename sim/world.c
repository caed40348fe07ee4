/*
 * world.c - building the organisation from the scenario.
 *
 * Names are assembled from syllables, so they belong to nobody; web sites
 * are two invented words under .example or .test. Every random choice about
 * person i comes from the stream (seed, SIM_ENT_PERSON(i), "person").
 */
#include "sim/world.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

static const char *const onsets[] = { "b", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r",
	                              "s", "t", "v", "z", "br", "dr", "kl", "tr", "sh" };
static const char *const vowels[] = { "a", "e", "i", "o", "u", "ai", "ea", "io", "y" };
static const char *const codas[] = { "", "", "", "n", "r", "l", "s", "th", "m", "nd" };

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* A capitalised invented word of `syl` syllables. */
static void make_word(ls_rng *r, unsigned syl, char *out, size_t cap)
{
	ls_buf b = LS_BUF_INIT;
	for (unsigned i = 0; i < syl; i++) {
		ls_buf_append_cstr(&b, onsets[ls_rng_below(r, COUNT(onsets))]);
		ls_buf_append_cstr(&b, vowels[ls_rng_below(r, COUNT(vowels))]);
		if (i + 1 == syl)
			ls_buf_append_cstr(&b, codas[ls_rng_below(r, COUNT(codas))]);
	}
	if (b.len >= cap)
		ls_buf_truncate(&b, cap - 1);
	memcpy(out, b.data, b.len + 1);
	if (out[0] >= 'a' && out[0] <= 'z')
		out[0] = (char)(out[0] - 32);
	ls_buf_fini(&b);
}

static void lower_into(ls_buf *b, const char *s)
{
	for (; *s; s++)
		ls_buf_append_char(b, (*s >= 'A' && *s <= 'Z') ? (char)(*s + 32) : *s);
}

void sim_world_rng(const sim_world *w, ls_rng *r, uint64_t entity, const char *purpose)
{
	ls_rng parent;
	ls_rng_init_key(&parent, w->world_key);
	ls_rng_child(r, &parent, entity, purpose);
	ls_rng_fini(&parent);
}

size_t sim_ip_text(uint32_t ip, char out[16])
{
	/* Hot path of every log line: no allocation, no printf. */
	size_t k = 0;
	for (int i = 3; i >= 0; i--) {
		unsigned v = (ip >> (8 * i)) & 0xff;
		if (v >= 100)
			out[k++] = (char)('0' + v / 100);
		if (v >= 10)
			out[k++] = (char)('0' + v / 10 % 10);
		out[k++] = (char)('0' + v % 10);
		if (i)
			out[k++] = '.';
	}
	out[k] = '\0';
	return k;
}

uint32_t sim_world_lease_ip(const sim_world *w, const sim_person *p, ls_rng *r)
{
	(void)w;
	uint32_t slot = (uint32_t)ls_rng_below(r, SIM_DHCP_SLICE);
	/* Skip .0 and .255 style addresses by starting each slice at an offset of 1. */
	return SIM_DHCP_POOL_BASE + 256u + p->index * SIM_DHCP_SLICE + slot;
}

static void make_person(sim_world *w, uint32_t i)
{
	const sim_scenario *sc = w->sc;
	sim_person *p = &w->people[i];
	ls_rng r;
	sim_world_rng(w, &r, SIM_ENT_PERSON(i), "person");
	p->index = i;
	p->role = (sim_role)ls_rng_weighted(&r, sc->role_mix, SIM_ROLE__COUNT);
	p->team = i / sc->team_size;
	make_word(&r, 1 + (unsigned)ls_rng_below(&r, 2), p->given, sizeof p->given);
	make_word(&r, 2 + (unsigned)ls_rng_below(&r, 2), p->family, sizeof p->family);
	ls_buf b = LS_BUF_INIT;
	char initial[2] = { p->given[0], 0 };
	lower_into(&b, initial);
	lower_into(&b, p->family);
	ls_buf_append_u64(&b, i % 1000); /* unique without looking at anyone else */
	snprintf(p->account, sizeof p->account, "%s", b.data);
	ls_buf_fini(&b);
	snprintf(p->host, sizeof p->host, "LT-%05u", i + 1);
	ls_rng_bytes(&r, p->mac, sizeof p->mac);
	p->mac[0] = (unsigned char)((p->mac[0] & 0xfc) | 0x02); /* locally administered, unicast */
	p->start_offset_min = (int)ls_rng_normal(&r, 0.0, (double)sc->start_sd_min);
	if (p->role == SIM_ROLE_DEVELOPER)
		p->start_offset_min += 25; /* developers start later */
	p->workday_adj_min = (int)ls_rng_normal(&r, 0.0, 20.0);
	p->web_factor = ls_rng_lognormal(&r, -0.125, 0.5);
	p->messenger = ls_rng_bernoulli(&r, sc->messenger_users);
	p->cloud_sync = ls_rng_bernoulli(&r, sc->cloud_sync_users);
	p->browser = (uint32_t)ls_rng_below(&r, 3);
	ls_rng_bytes(&r, p->key, sizeof p->key);
	ls_rng_fini(&r);
}

static void make_server(sim_world *w, sim_server_id id, const char *name, uint32_t last_octet)
{
	sim_server *s = &w->server[id];
	s->name = name;
	snprintf(s->fqdn, sizeof s->fqdn, "%s.%s", name, w->domain);
	s->ip = 0x0A0A0000u | last_octet; /* 10.10.0.0/24: the server network */
}

/* Fixed sites the benign model refers to by index. */
static const char *const fixed_sites[] = {
	"intranet.corp-portal.example", /* SIM_SITE_INTRANET */
	"update.osvendor.example",      /* SIM_SITE_OS_UPDATE */
	"sync.cloudbox.example",        /* SIM_SITE_CLOUD_SYNC */
	"downloads.softhub.test",       /* SIM_SITE_SOFTWARE */
	"mail.webmail.example",
	"news.dailyharbour.example",
	"search.findit.example",
	"video.streamly.test",
};

static void make_sites(sim_world *w)
{
	ls_rng r;
	sim_world_rng(w, &r, SIM_ENT_WORLD, "sites");
	for (size_t i = 0; i < SIM_SITES; i++) {
		sim_site *s = &w->site[i];
		if (i < COUNT(fixed_sites)) {
			snprintf(s->host, sizeof s->host, "%s", fixed_sites[i]);
		} else {
			char a[16], b[16];
			make_word(&r, 2, a, sizeof a);
			make_word(&r, 1 + (unsigned)ls_rng_below(&r, 2), b, sizeof b);
			ls_buf n = LS_BUF_INIT;
			static const char *const sub[] = { "www.", "www.", "", "cdn.", "app." };
			ls_buf_append_cstr(&n, sub[ls_rng_below(&r, COUNT(sub))]);
			lower_into(&n, a);
			lower_into(&n, b);
			ls_buf_append_cstr(&n, ls_rng_bernoulli(&r, 0.8) ? ".example" : ".test");
			snprintf(s->host, sizeof s->host, "%s", n.data);
			ls_buf_fini(&n);
		}
		/* 198.51.100.0/24 and 203.0.113.0/24, avoiding .0 and .255. */
		uint32_t base = ls_rng_bernoulli(&r, 0.5) ? 0xC6336400u : 0xCB007100u;
		s->ip = base | (uint32_t)(1 + ls_rng_below(&r, 199));
		s->https = ls_rng_bernoulli(&r, 0.93);
	}
	ls_rng_fini(&r);
}

sim_world *sim_world_create(const sim_scenario *sc)
{
	sim_world *w = ls_xcalloc(1, sizeof *w);
	w->sc = sc;
	w->domain = sc->org_domain;
	/* The world key: every stream of this run descends from it. */
	ls_rng r;
	ls_rng_init(&r, sc->seed, SIM_ENT_WORLD, "world");
	ls_rng_bytes(&r, w->world_key, sizeof w->world_key);
	ls_rng_fini(&r);

	snprintf(w->netbios, sizeof w->netbios, "CORP");
	make_server(w, SIM_SRV_DB, "db01", 10);
	make_server(w, SIM_SRV_JUMP, "jump01", 11);
	make_server(w, SIM_SRV_FILE, "fs01", 12);
	make_server(w, SIM_SRV_APP, "app01", 13);
	make_server(w, SIM_SRV_BACKUP, "bak01", 14);
	make_server(w, SIM_SRV_DNS, "dns01", 53);
	make_server(w, SIM_SRV_PROXY, "proxy01", 80);
	make_server(w, SIM_SRV_DHCP, "dhcp01", 67);
	make_sites(w);

	for (uint32_t i = 0; i < SIM_MSGR_DCS; i++)
		w->msgr_dc_ip[i] = 0xCB0071C8u + i; /* 203.0.113.200.. */
	w->upstream_dns_ip = 0xC0000235u;       /* 192.0.2.53 */
	if (sc->profile == SIM_PROFILE_TELEGRAM) {
		w->msgr_image = "Telegram.exe";
		w->msgr_api_host = "api.telegram.org";
		w->msgr_web_host = "web.telegram.org";
	} else {
		w->msgr_image = "msgr.exe";
		w->msgr_api_host = "api.msgr.example";
		w->msgr_web_host = "web.msgr.example";
	}
	w->msgr_api_ip = 0xCB0071D2u; /* 203.0.113.210 */
	w->msgr_web_ip = 0xCB0071D3u;

	w->npeople = sc->people;
	w->people = ls_xcalloc(w->npeople, sizeof *w->people);
	for (uint32_t i = 0; i < w->npeople; i++)
		make_person(w, i);
	return w;
}

void sim_world_destroy(sim_world *w)
{
	if (w == NULL)
		return;
	free(w->people);
	free(w);
}

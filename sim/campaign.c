/*
 * campaign.c - planning the insider's campaign and acting it out.
 */
#include "sim/campaign.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/mem.h"
#include "sim/benign.h"

#define MIN LS_USEC_PER_MIN
#define SEC LS_USEC_PER_SEC
#define HOUR LS_USEC_PER_HOUR

/* Link speeds of the model, in megabits per second. */
#define DB_MBPS 200.0    /* the database's result stream */
#define LAN_MBPS 100.0   /* server to laptop */
#define UPLINK_MBPS 40.0 /* the laptop's share of the egress */
#define USB_MBPS 160.0   /* a USB stick */

/* ------------------------------------------------------------ byte model */

/*
 * Archive model, calibrated on the register's own exports (200,000 and
 * 1,950,000 rows, seed 1) with the reference tools: zip -6 (Info-ZIP 3.0),
 * xz -6 for 7-Zip's LZMA2 (liblzma 5.4) and zstd -3 (1.5.4). The ratio
 * (compressed / original) moved by less than 0.002 between the two sizes.
 */
static const double archive_ratio[4][3] = {
	/*               csv     copy    insert */
	[SIM_TOOL_ZIP] = { 0.3501, 0.3494, 0.3069 },
	[SIM_TOOL_7Z] = { 0.2375, 0.2426, 0.2047 },
	[SIM_TOOL_ZSTD] = { 0.3403, 0.3415, 0.2976 },
};

uint64_t sim_archive_bytes(sim_tool tool, sim_xfmt fmt, bool password, uint64_t bytes,
                           size_t name_len)
{
	if (tool == SIM_TOOL_NONE || (unsigned)tool > SIM_TOOL_ZSTD ||
	    (unsigned)fmt > SIM_XFMT_INSERT)
		return bytes;
	double body = (double)bytes * archive_ratio[tool][fmt];
	uint64_t n = (uint64_t)body + ((double)(uint64_t)body < body);
	switch (tool) {
	case SIM_TOOL_ZIP:
		/* local header 30 + name, central directory 46 + name, end record
		 * 22; WinZip AES-256: 16 salt + 2 verifier + 10 MAC + 2 x 11 extra */
		n += 98 + 2 * (uint64_t)name_len + (password ? 50 : 0);
		break;
	case SIM_TOOL_7Z:
		/* signature header 32, end header 150 (encrypted: 230) */
		n += 32 + (password ? 230 : 150);
		break;
	case SIM_TOOL_ZSTD:
		/* frame header 13, checksum 4, 3 per 128 KiB block */
		n += 17 + 3 * ((n + 131071) / 131072);
		break;
	case SIM_TOOL_NONE: break;
	}
	return n;
}

/* WireGuard: inner IPv4+TCP headers (40), padded to 16, plus 32 bytes of
 * data-message header and tag, per segment of at most 1,380 payload bytes;
 * three bare segments (handshake and close) and the 148-byte initiation. */
uint64_t sim_vpn_bytes(uint64_t payload)
{
	uint64_t full = payload / 1380, rest = payload % 1380;
	uint64_t n = 148 + 3 * (48 + 32) + full * (1424 + 32);
	if (rest)
		n += ((rest + 40 + 15) / 16) * 16 + 32;
	return n;
}

/* SSH (chacha20-poly1305): 4 length + 1 pad length + 9 channel-data header +
 * padding + 16 tag per 32 KiB chunk; the handshake and session set-up. */
static uint64_t ssh_down(uint64_t s)
{
	return 6200 + s + 48 * ((s + 32767) / 32768);
}

static uint64_t ssh_up(uint64_t s)
{
	return 4100 + 36 * ((s + 32767) / 32768);
}

/* HTTPS download: the response head (250) and body in TLS records. */
static uint64_t https_down(uint64_t s)
{
	uint64_t p = s + 250;
	return SIM_CHANNEL_TLS_HELLO_DOWN + p +
	       SIM_CHANNEL_TLS_RECORD_OVERHEAD *
	               ((p + SIM_CHANNEL_TLS_RECORD_MAX - 1) / SIM_CHANNEL_TLS_RECORD_MAX);
}

/* The database's result stream: a 5-byte message header per line, 64 bytes
 * of statement framing. */
static uint64_t db_stream(uint64_t bytes, uint64_t lines)
{
	return bytes + 5 * lines + 64;
}

/* ------------------------------------------------------------- helpers */

static int weekday(const sim_world *w, uint32_t day)
{
	return ls_time_weekday(sim_day_start(w, day) + (ls_time)w->sc->utc_offset_min * MIN);
}

static bool is_weekday(const sim_world *w, uint32_t day)
{
	return weekday(w, day) < 5;
}

/* The first weekday at or after `day` (may be past the period). */
static uint32_t next_weekday(const sim_world *w, uint32_t day)
{
	while (!is_weekday(w, day))
		day++;
	return day;
}

static uint32_t day_of(const sim_world *w, ls_time t)
{
	return (uint32_t)((t - w->sc->start) / LS_USEC_PER_DAY);
}

/* The working window of a day (local): in hours 10:00-16:30, after 19:30-23:30. */
static void window(const sim_world *w, uint32_t day, bool after, ls_time *from, ls_time *to)
{
	ls_time d0 = sim_day_start(w, day);
	*from = d0 + (after ? 19 * 60 + 30 : 10 * 60) * MIN;
	*to = d0 + (after ? 23 * 60 + 30 : 16 * 60 + 30) * MIN;
}

static ls_time secs(double s)
{
	return (ls_time)(s * (double)SEC);
}

/* Seconds to compress `bytes` with the tool. */
static double compress_seconds(sim_tool tool, uint64_t bytes)
{
	double mbps = tool == SIM_TOOL_7Z     ? 8.0
	              : tool == SIM_TOOL_ZIP  ? 40.0
	              : tool == SIM_TOOL_ZSTD ? 150.0
	                                      : 300.0; /* a plain copy */
	return 2.0 + (double)bytes / (mbps * 1e6);
}

static const char *tool_ext(sim_tool t)
{
	return t == SIM_TOOL_ZIP ? ".zip" : t == SIM_TOOL_7Z ? ".7z" : ".zst";
}

static const unsigned char *tool_magic(sim_tool t, size_t *n)
{
	static const unsigned char zip[] = { 0x50, 0x4b, 0x03, 0x04 };
	static const unsigned char sz[] = { 0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0x00, 0x04 };
	static const unsigned char zst[] = { 0x28, 0xb5, 0x2f, 0xfd };
	*n = t == SIM_TOOL_7Z ? sizeof sz : 4;
	return t == SIM_TOOL_ZIP ? zip : t == SIM_TOOL_7Z ? sz : zst;
}

static void add_step(sim_campaign *c, sim_label l, ls_time t, ls_time end)
{
	unsigned s = (unsigned)(l - SIM_STEP__FIRST);
	if (!c->step_used[s] || t < c->step_start[s])
		c->step_start[s] = t;
	if (!c->step_used[s] || end > c->step_end[s])
		c->step_end[s] = end;
	c->step_used[s] = true;
}

/* The campaign day entry for `day`, created in day order. */
static sim_camp_day *day_entry(sim_campaign *c, size_t *cap, uint32_t day)
{
	for (size_t i = 0; i < c->ndays; i++)
		if (c->days[i].day == day)
			return &c->days[i];
	c->days = ls_xgrow(c->days, cap, c->ndays + 1, sizeof *c->days);
	size_t i = c->ndays++;
	while (i > 0 && c->days[i - 1].day > day) {
		c->days[i] = c->days[i - 1];
		i--;
	}
	memset(&c->days[i], 0, sizeof c->days[i]);
	c->days[i].day = day;
	return &c->days[i];
}

/* ------------------------------------------------------------- the plan */

static ls_err pick_people(sim_campaign *c, ls_rng *r, ls_diag *d)
{
	const sim_world *w = c->w;
	const sim_campaign_cfg *cfg = c->cfg;
	uint32_t *cand = ls_xcalloc(w->npeople, sizeof *cand);
	uint32_t n = 0;
	for (uint32_t i = 0; i < w->npeople; i++)
		if (w->people[i].role == cfg->insider)
			cand[n++] = i;
	/* Nobody of that role in a small world: anyone but a DBA, then anyone. */
	for (int pass = 0; n == 0 && pass < 2; pass++)
		for (uint32_t i = 0; i < w->npeople; i++)
			if (pass == 1 || w->people[i].role != SIM_ROLE_DBA)
				cand[n++] = i;
	c->insider = cand[ls_rng_below(r, n)];
	c->victim = -1;
	c->account = w->people[c->insider].account;
	if (cfg->account == SIM_CRED_STOLEN_DBA) {
		n = 0;
		for (uint32_t i = 0; i < w->npeople; i++)
			if (w->people[i].role == SIM_ROLE_DBA && i != c->insider)
				cand[n++] = i;
		if (n == 0) {
			free(cand);
			return ls_diag_set(d, LS_ERR_RANGE, w->sc->name, 0, 0,
			                   "campaign: access.account stolen_dba needs a DBA other "
			                   "than the insider (organisation.roles.dba)");
		}
		c->victim = (int32_t)cand[ls_rng_below(r, n)];
		c->account = w->people[c->victim].account;
	}
	free(cand);
	return LS_OK;
}

/* The export: real rows, real bytes, its SHA-256, then the archive. */
static ls_err plan_export(sim_campaign *c, ls_rng *r, ls_diag *d)
{
	const sim_campaign_cfg *cfg = c->cfg;
	const sim_scenario *sc = c->w->sc;
	static const char *const fmt_names[] = { "csv", "copy", "insert" };
	static const sim_export_format fmts[] = { SIM_EXPORT_CSV, SIM_EXPORT_SQL_COPY,
		                                  SIM_EXPORT_SQL_INSERT };
	/* The session id has a stream of its own: it shares nothing with the
	 * draws that picked the people. */
	unsigned char raw[16];
	ls_rng sr;
	ls_rng_child(&sr, r, 0, "export-session");
	ls_rng_bytes(&sr, raw, sizeof raw);
	ls_rng_fini(&sr);
	for (int i = 0; i < 16; i++)
		snprintf(c->session + 2 * i, 3, "%02x", raw[i]);
	c->reg = ls_xmalloc(sizeof *c->reg);
	ls_err e = sim_register_init(c->reg, sc->seed, sc->register_rows);
	if (e != LS_OK)
		return ls_diag_set(d, e, NULL, 0, 0, "campaign: cannot derive the register");
	c->export_format = fmt_names[cfg->format];
	c->spec.session_id = c->session;
	c->spec.format = fmts[cfg->format];
	c->spec.lo = 0;
	c->spec.hi = cfg->rows ? cfg->rows : 0;
	e = sim_register_export(c->reg, &c->spec, NULL, NULL, &c->export, d);
	if (e != LS_OK)
		return e;
	snprintf(c->export_name, sizeof c->export_name, "%s",
	         cfg->format == SIM_XFMT_CSV ? "members_export.csv" : "members_export.sql");
	const char *acct = c->w->people[c->insider].account;
	snprintf(c->export_path_server, sizeof c->export_path_server, "/home/%s/%s", c->account,
	         c->export_name);
	snprintf(c->export_path_laptop, sizeof c->export_path_laptop, "C:\\Users\\%s\\%s\\%s", acct,
	         cfg->via == SIM_VIA_DIRECT ? "Documents" : "Downloads", c->export_name);

	if (cfg->tool == SIM_TOOL_NONE) {
		c->leaked_name = c->export_name;
		c->leaked_size = c->export.bytes;
		memcpy(c->leaked_sha256, c->export.sha256, 32);
		c->archive_bytes = c->export.bytes;
		return LS_OK;
	}
	snprintf(c->archive_name, sizeof c->archive_name, "%s%s",
	         cfg->tool == SIM_TOOL_ZSTD ? c->export_name : "members_export",
	         tool_ext(cfg->tool));
	c->archive_bytes = sim_archive_bytes(cfg->tool, cfg->format, cfg->password, c->export.bytes,
	                                     strlen(c->export_name));
	ls_rng_bytes(r, c->archive_key, sizeof c->archive_key);
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	e = sim_campaign_write_archive(c, NULL, &st);
	if (e != LS_OK)
		return e;
	crypto_hash_sha256_final(&st, c->archive_sha256);
	c->leaked_name = c->archive_name;
	c->leaked_size = c->archive_bytes;
	memcpy(c->leaked_sha256, c->archive_sha256, 32);
	return LS_OK;
}

/* Cut the leaked file into uploads and size each one on its path. */
static ls_err plan_uploads(sim_campaign *c, ls_diag *d)
{
	const sim_campaign_cfg *cfg = c->cfg;
	uint64_t vol = (uint64_t)cfg->split_mb * 1024 * 1024;
	if (vol == 0 && cfg->path != SIM_PATH_NATIVE && c->leaked_size > SIM_CAMPAIGN_BOT_VOLUME) {
		if (cfg->tool != SIM_TOOL_ZIP && cfg->tool != SIM_TOOL_7Z)
			return ls_diag_set(
			        d, LS_ERR_RANGE, c->w->sc->name, 0, 0,
			        "campaign: the bot path takes files up to 50 MB and this one "
			        "is %llu bytes; use staging.tool zip or 7z with split_mb",
			        (unsigned long long)c->leaked_size);
		vol = SIM_CAMPAIGN_BOT_VOLUME;
	}
	if (vol == 0 && c->leaked_size > SIM_CHANNEL_MAX_FILE)
		vol = SIM_CAMPAIGN_NATIVE_VOLUME;
	if (vol > SIM_CAMPAIGN_BOT_VOLUME && cfg->path != SIM_PATH_NATIVE)
		return ls_diag_set(
		        d, LS_ERR_RANGE, c->w->sc->name, 0, 0,
		        "campaign: staging.split_mb must be at most 45 for the bot path");
	uint64_t n = vol ? (c->leaked_size + vol - 1) / vol : 1;
	if (n == 0)
		n = 1;
	if (n > 100000)
		return ls_diag_set(d, LS_ERR_RANGE, c->w->sc->name, 0, 0,
		                   "campaign: %llu volumes; raise staging.split_mb",
		                   (unsigned long long)n);
	c->uploads = ls_xcalloc((size_t)n, sizeof *c->uploads);
	c->nuploads = (size_t)n;
	for (uint64_t i = 0; i < n; i++) {
		sim_camp_upload *u = &c->uploads[i];
		u->offset = i * vol;
		u->size =
		        vol ? (c->leaked_size - u->offset < vol ? c->leaked_size - u->offset : vol)
		            : c->leaked_size;
		if (vol)
			snprintf(u->file, sizeof u->file, "%s.%03llu", c->leaked_name,
			         (unsigned long long)i + 1);
		else
			snprintf(u->file, sizeof u->file, "%s", c->leaked_name);
		u->path = cfg->path == SIM_PATH_MIXED ? (i % 2 ? SIM_PATH_BOT : SIM_PATH_NATIVE)
		                                      : cfg->path;
		if (u->path == SIM_PATH_NATIVE) {
			if (sim_channel_plan_upload(u->size, cfg->sessions, &u->native) != LS_OK)
				return ls_diag_set(d, LS_ERR_RANGE, c->w->sc->name, 0, 0,
				                   "campaign: %s is too large for the native path",
				                   u->file);
			u->wire = u->native.up_total;
			u->down = u->native.down_total;
			u->parts = u->native.parts;
			u->sessions = u->native.nsessions;
		} else {
			if (sim_channel_plan_bot_upload(u->size, c->w->msgr_api_host, u->file,
			                                &u->bot) != LS_OK)
				return ls_diag_set(d, LS_ERR_RANGE, c->w->sc->name, 0, 0,
				                   "campaign: %s is too large for the bot path",
				                   u->file);
			/* Through the proxy the laptop sends the CONNECT and the TLS
			 * stream; through a VPN it talks TLS to the API directly. */
			u->wire = cfg->vpn ? u->bot.tunnel_up_bytes : u->bot.up_bytes;
			u->down = cfg->vpn ? u->bot.tunnel_down_bytes : u->bot.down_bytes;
			u->parts = 1;
			u->sessions = 1;
		}
		c->totals_wire += u->wire;
		c->totals_parts += u->parts;
		c->totals_sessions += u->sessions;
	}
	return LS_OK;
}

/* How long an upload takes: the link, or the rate limit if slower. */
static ls_time upload_time(const sim_campaign *c, const sim_camp_upload *u)
{
	double s = (double)u->wire * 8.0 / (UPLINK_MBPS * 1e6) + 1.5;
	if (c->cfg->rate_mb_per_hour > 0) {
		double limited = (double)u->size / (c->cfg->rate_mb_per_hour * 1e6) * 3600.0;
		if (limited > s)
			s = limited;
	}
	return secs(s);
}

/* Lay the steps out in time from weekday `first`; false if they overrun the period. */
static bool plan_schedule(sim_campaign *c, uint32_t first, ls_rng *r)
{
	const sim_world *w = c->w;
	const sim_scenario *sc = w->sc;
	const sim_campaign_cfg *cfg = c->cfg;
	bool after = cfg->hours == SIM_HOURS_AFTER;
	size_t cap = 0;
	free(c->days);
	c->days = NULL;
	c->ndays = 0;
	memset(c->step_used, 0, sizeof c->step_used);
	ls_time period_end = sc->start + (ls_time)sc->days * LS_USEC_PER_DAY;

	/* Access and collection, one session a day. */
	uint32_t ncollect = cfg->method == SIM_COLLECT_PAGINATED ? cfg->collect_days : 1;
	/* The audit counts the register's rows; the canaries ride along unseen. */
	uint64_t rows = c->export.rows, bytes = c->export.bytes;
	uint32_t day = next_weekday(w, first);
	sim_camp_day *last = NULL;
	uint32_t last_day = 0;
	for (uint32_t k = 0; k < ncollect; k++, day = next_weekday(w, day + 1)) {
		if (day >= sc->days)
			return false;
		sim_camp_day *cd = day_entry(c, &cap, day);
		ls_time from, to;
		window(w, day, after, &from, &to);
		cd->collect = true;
		cd->access_t = from + sim_jitter(r, 40 * MIN);
		cd->db_t =
		        cd->access_t + (cfg->via == SIM_VIA_JUMP ? 3 * MIN + sim_jitter(r, 2 * MIN)
		                                                 : MIN + sim_jitter(r, MIN));
		cd->rows_lo = rows * k / ncollect;
		cd->rows = rows * (k + 1) / ncollect - cd->rows_lo;
		cd->bytes_lo = bytes * k / ncollect;
		cd->bytes = bytes * (k + 1) / ncollect - cd->bytes_lo;
		uint64_t pages =
		        cfg->method == SIM_COLLECT_PAGINATED
		                ? (cd->rows + SIM_CAMPAIGN_PAGE_ROWS - 1) / SIM_CAMPAIGN_PAGE_ROWS
		                : 1;
		ls_time t = cd->db_t + 10 * SEC;
		for (uint64_t p = 0; p < pages; p++)
			t += 20 * SEC + sim_jitter(r, 40 * SEC) +
			     secs((double)cd->bytes / (double)(pages ? pages : 1) * 8.0 /
			          (DB_MBPS * 1e6));
		cd->db_end = t;
		cd->close_t = t + 2 * MIN;
		add_step(c, SIM_STEP_ACCESS, cd->access_t, cd->db_t);
		add_step(c, SIM_STEP_COLLECTION, cd->db_t, cd->db_end);
		last = cd;
		last_day = day;
	}

	/* Staging, transfer and log editing on the last collection day. */
	last->last_collect = true;
	ls_time t = last->db_end + MIN;
	/* Without an archiver, staging is a plain copy into a staging folder. */
	bool staged_server = cfg->stage_where == SIM_WHERE_SERVER;
	bool staged_laptop = cfg->stage_where == SIM_WHERE_LAPTOP;
	if (staged_server) {
		last->stage_t = t + sim_jitter(r, MIN);
		last->stage_end = last->stage_t + secs(compress_seconds(cfg->tool, bytes));
		add_step(c, SIM_STEP_STAGING, last->stage_t, last->stage_end);
		t = last->stage_end + MIN;
	}
	if (cfg->via == SIM_VIA_JUMP) {
		uint64_t s = staged_server ? c->archive_bytes : bytes; /* = bytes without a tool */
		double secs_x = cfg->transfer == SIM_XFER_USB
		                        ? (double)s * 8.0 / (USB_MBPS * 1e6)
		                        : (double)ssh_down(s) * 8.0 / (LAN_MBPS * 1e6);
		last->xfer_t = t + sim_jitter(r, 2 * MIN);
		last->xfer_end = last->xfer_t + secs(2.0 + secs_x);
		add_step(c, SIM_STEP_TRANSFER, last->xfer_t, last->xfer_end);
		t = last->xfer_end + MIN;
	}
	if (staged_laptop) {
		last->stage_t = t + sim_jitter(r, MIN);
		last->stage_end = last->stage_t + secs(compress_seconds(cfg->tool, bytes));
		add_step(c, SIM_STEP_STAGING, last->stage_t, last->stage_end);
		t = last->stage_end + MIN;
	}
	if (cfg->edit_log) {
		last->edit_t = t + sim_jitter(r, MIN);
		add_step(c, SIM_STEP_ANTI_FORENSICS, last->edit_t, last->edit_t + 2 * SEC);
		t = last->edit_t + 30 * SEC;
	}
	last->close_t = t + 2 * MIN;
	ls_time ready = t;

	/* The uploads. */
	size_t i = 0;
	if (cfg->schedule == SIM_SCHED_BURST) {
		ls_time at = ready + 2 * MIN + sim_jitter(r, MIN);
		for (; i < c->nuploads; i++) {
			sim_camp_upload *u = &c->uploads[i];
			u->t = at;
			u->end = at + upload_time(c, u);
			at = u->end + 30 * SEC + sim_jitter(r, 60 * SEC);
		}
	} else {
		bool eve = cfg->schedule == SIM_SCHED_AFTER_HOURS;
		ls_time from, to;
		window(w, last_day, eve, &from, &to);
		day = ready < to - 30 * MIN ? last_day : next_weekday(w, last_day + 1);
		for (uint32_t k = 0; k < cfg->exfil_days && i < c->nuploads;
		     k++, day = next_weekday(w, day + 1)) {
			window(w, day, eve, &from, &to);
			ls_time at = from + sim_jitter(r, 20 * MIN);
			if (day == last_day && at < ready + 2 * MIN)
				at = ready + 2 * MIN + sim_jitter(r, MIN);
			size_t left = c->nuploads - i, days_left = cfg->exfil_days - k;
			size_t today = (left + days_left - 1) / days_left;
			for (size_t j = 0; j < today; j++, i++) {
				sim_camp_upload *u = &c->uploads[i];
				u->t = at;
				u->end = at + upload_time(c, u);
				at = u->end + 2 * MIN + sim_jitter(r, 6 * MIN);
			}
		}
	}
	for (size_t k = 0; k < c->nuploads; k++) {
		sim_camp_upload *u = &c->uploads[k];
		u->day = day_of(w, u->t);
		if (u->day >= sc->days)
			return false;
		sim_camp_day *cd = day_entry(c, &cap, u->day);
		if (cd->upload_hi == 0)
			cd->upload_lo = k;
		cd->upload_hi = k + 1;
		add_step(c, SIM_STEP_EXFILTRATION, u->t, u->end);
	}
	ls_time exfil_end = c->uploads[c->nuploads - 1].end;
	sim_camp_day *lx = day_entry(c, &cap, c->uploads[c->nuploads - 1].day);
	lx->last_exfil = true;
	if (cfg->delete_staging || cfg->clear_history) {
		lx->clean_t = exfil_end + 3 * MIN + sim_jitter(r, 2 * MIN);
		add_step(c, SIM_STEP_ANTI_FORENSICS, lx->clean_t, lx->clean_t + 25 * SEC);
	}
	/* A collection day's session lasts through a burst on the same day. */
	if (cfg->schedule == SIM_SCHED_BURST && last->close_t < exfil_end + 2 * MIN)
		last->close_t = exfil_end + 2 * MIN;
	if (cfg->via == SIM_VIA_JUMP)
		for (size_t k = 0; k < c->ndays; k++)
			if (c->days[k].collect)
				add_step(c, SIM_STEP_ACCESS, c->days[k].access_t,
				         c->days[k].close_t);

	/* The delay is an upper bound: a period that ends sooner sees the post
	 * in its last half hour. */
	c->publish_t = exfil_end + (ls_time)cfg->publish_delay_min * MIN + sim_jitter(r, 10 * MIN);
	if (c->publish_t >= period_end - 5 * MIN)
		c->publish_t = period_end - 30 * MIN + sim_jitter(r, 25 * MIN);
	if (c->publish_t <= exfil_end)
		return false;
	add_step(c, SIM_STEP_PUBLICATION, c->publish_t, c->publish_t);
	c->post_id = 1 + ls_rng_below(r, 900);

	/* Each day's laptop window covers all of that day's actions. */
	for (size_t k = 0; k < c->ndays; k++) {
		sim_camp_day *cd = &c->days[k];
		ls_time lo = INT64_MAX, hi = INT64_MIN;
		ls_time ts[] = { cd->access_t, cd->close_t,  cd->stage_t, cd->stage_end,
			         cd->xfer_t,   cd->xfer_end, cd->edit_t,  cd->clean_t + 25 * SEC };
		for (size_t j = 0; j < sizeof ts / sizeof ts[0]; j++) {
			if (ts[j] <= 25 * SEC)
				continue;
			lo = ts[j] < lo ? ts[j] : lo;
			hi = ts[j] > hi ? ts[j] : hi;
		}
		for (size_t j = cd->upload_lo; j < cd->upload_hi; j++) {
			lo = c->uploads[j].t - MIN < lo ? c->uploads[j].t - MIN : lo;
			hi = c->uploads[j].end > hi ? c->uploads[j].end : hi;
		}
		cd->from = lo - 2 * MIN;
		cd->to = hi + 2 * MIN;
	}
	return true;
}

ls_err sim_campaign_plan(const sim_world *w, sim_campaign **out, ls_diag *d)
{
	*out = NULL;
	const sim_campaign_cfg *cfg = &w->sc->campaign;
	if (!cfg->enabled)
		return LS_OK;
	sim_campaign *c = ls_xcalloc(1, sizeof *c);
	c->w = w;
	c->cfg = cfg;
	ls_rng r;
	sim_world_rng(w, &r, SIM_ENT_WORLD, "campaign");
	ls_err e = pick_people(c, &r, d);
	if (e == LS_OK)
		e = plan_export(c, &r, d);
	if (e == LS_OK)
		e = plan_uploads(c, d);
	if (e == LS_OK) {
		/* Start on the requested day, or the latest of days 2, 1, 0 that fits. */
		bool fits = false;
		uint32_t explicit_day = cfg->start_day;
		uint32_t tries[3] = { 2, 1, 0 };
		size_t ntries = 3;
		if (explicit_day != SIM_START_DAY_AUTO) {
			tries[0] = explicit_day;
			ntries = 1;
		}
		for (size_t k = 0; k < ntries && !fits; k++) {
			if (tries[k] >= w->sc->days)
				continue;
			ls_rng sr;
			ls_rng_child(&sr, &r, tries[k], "schedule");
			fits = plan_schedule(c, tries[k], &sr);
			ls_rng_fini(&sr);
			c->start_day = tries[k];
		}
		if (!fits)
			e = ls_diag_set(
			        d, LS_ERR_RANGE, w->sc->name, 0, 0,
			        "campaign: the steps do not fit in the period (%u days%s); add "
			        "days or shorten collection.days, exfiltration.days or "
			        "publication.delay_minutes",
			        w->sc->days,
			        explicit_day == SIM_START_DAY_AUTO ? "" : " from start_day");
	}
	ls_rng_fini(&r);
	if (e != LS_OK) {
		sim_campaign_free(c);
		return e;
	}
	*out = c;
	return LS_OK;
}

void sim_campaign_free(sim_campaign *c)
{
	if (c == NULL)
		return;
	if (c->reg) {
		sim_register_fini(c->reg);
		free(c->reg);
	}
	sodium_memzero(c->archive_key, sizeof c->archive_key);
	free(c->uploads);
	free(c->days);
	free(c);
}

const sim_camp_day *sim_campaign_day(const sim_campaign *c, uint32_t person, uint32_t day)
{
	if (c == NULL || person != c->insider)
		return NULL;
	for (size_t i = 0; i < c->ndays; i++)
		if (c->days[i].day == day)
			return &c->days[i];
	return NULL;
}

/* ----------------------------------------------------------- the content */

ls_err sim_campaign_write_export(const sim_campaign *c, sim_sink_fn sink, void *ctx, ls_diag *d)
{
	sim_export_result res;
	return sim_register_export(c->reg, &c->spec, sink, ctx, &res, d);
}

/*
 * The archive's stand-in content: the format's magic bytes, then the
 * ChaCha20 keystream under the archive key (compressed and encrypted data
 * look like that), archive_bytes in all. With a NULL sink, ctx is a SHA-256
 * state to feed.
 */
ls_err sim_campaign_write_archive(const sim_campaign *c, sim_sink_fn sink, void *ctx)
{
	static const unsigned char nonce[crypto_stream_chacha20_NONCEBYTES];
	enum { CHUNK = 1 << 16 };
	unsigned char *buf = ls_xcalloc(1, CHUNK);
	size_t nmagic;
	const unsigned char *magic = tool_magic(c->cfg->tool, &nmagic);
	ls_err e = LS_OK;
	for (uint64_t off = 0; off < c->archive_bytes && e == LS_OK; off += CHUNK) {
		size_t n =
		        c->archive_bytes - off < CHUNK ? (size_t)(c->archive_bytes - off) : CHUNK;
		memset(buf, 0, n);
		crypto_stream_chacha20_xor_ic(buf, buf, n, nonce, off / 64, c->archive_key);
		if (off == 0)
			memcpy(buf, magic, nmagic < n ? nmagic : n);
		if (sink)
			e = sink(ctx, buf, n);
		else
			crypto_hash_sha256_update(ctx, buf, n);
	}
	free(buf);
	return e;
}

/* ---------------------------------------------------------- techniques */

void sim_campaign_techniques(const sim_campaign *c, unsigned step, const char *out[8])
{
	const sim_campaign_cfg *cfg = c->cfg;
	size_t n = 0;
	switch (step + SIM_STEP__FIRST) {
	case SIM_STEP_ACCESS:
		out[n++] = "T1078";
		if (cfg->via == SIM_VIA_JUMP)
			out[n++] = "T1021.004";
		break;
	case SIM_STEP_COLLECTION:
		out[n++] = "T1213.006";
		if (cfg->method == SIM_COLLECT_PG_DUMP)
			out[n++] = "T1005";
		break;
	case SIM_STEP_STAGING:
		out[n++] = cfg->stage_where == SIM_WHERE_SERVER ? "T1074.002" : "T1074.001";
		if (cfg->tool != SIM_TOOL_NONE)
			out[n++] = "T1560.001";
		if (cfg->renamed)
			out[n++] = "T1036.003";
		break;
	case SIM_STEP_TRANSFER:
		out[n++] = cfg->transfer == SIM_XFER_USB ? "T1025" : "T1105";
		if (cfg->transfer != SIM_XFER_USB)
			out[n++] = "T1048";
		break;
	case SIM_STEP_EXFILTRATION:
		out[n++] = "T1567";
		if (c->nuploads > 1 || cfg->rate_mb_per_hour > 0)
			out[n++] = "T1030";
		if (cfg->schedule != SIM_SCHED_BURST)
			out[n++] = "T1029";
		if (cfg->vpn)
			out[n++] = "T1572";
		break;
	case SIM_STEP_ANTI_FORENSICS:
		if (cfg->edit_log)
			out[n++] = cfg->via == SIM_VIA_JUMP ? "T1070.002" : "T1070.001";
		if (cfg->clear_history)
			out[n++] = "T1070.003";
		if (cfg->delete_staging)
			out[n++] = "T1070.004";
		break;
	default: break;
	}
	out[n] = NULL;
}

/* ----------------------------------------------------------- acting out */

/* One line from sshd[spid] on the jump host. */
static void sshd_line(sim_laptop *l, ls_time t, uint32_t spid, const char *msg)
{
	sim_syslog s = { .ts = t,
		         .pri = SIM_PRI_AUTHPRIV_INFO,
		         .host = l->w->server[SIM_SRV_JUMP].name,
		         .app = "sshd",
		         .pid = spid,
		         .msg = msg };
	sim_emit_syslog(&l->a, &s);
}

/* The account's sshd log-in (its owner's uid), and sftp's subsystem line. */
static void ssh_lines(const sim_campaign *c, sim_laptop *l, ls_time t, uint16_t port, uint32_t spid,
                      bool sftp)
{
	uint32_t owner = c->victim >= 0 ? (uint32_t)c->victim : c->insider;
	sim_sshd_login(l, t, c->account, SIM_UID(owner), port, c->victim >= 0, spid);
	if (sftp) {
		char msg[160];
		snprintf(msg, sizeof msg, "subsystem request for sftp by user %s", c->account);
		sshd_line(l, t + 35000, spid, msg);
	}
}

static void ssh_close_line(sim_laptop *l, ls_time t, const char *account, uint32_t spid)
{
	char msg[160];
	snprintf(msg, sizeof msg, "pam_unix(sshd:session): session closed for user %s", account);
	sshd_line(l, t, spid, msg);
}

/* The day's database session: access (the connection) and collection. */
static void db_collect(const sim_campaign *c, const sim_camp_day *cd, sim_laptop *l,
                       uint32_t client_ip, const char *app)
{
	const sim_world *w = c->w;
	const sim_campaign_cfg *cfg = c->cfg;
	ls_rng *r = &l->a.rng;
	char sid[24], msg[600];
	sim_hexid(r, sid, 8);
	sid[8] = '.';
	sim_hexid(r, sid + 9, 5);
	uint16_t port = sim_eph_port(r);
	sim_db db = { .user = c->account,
		      .dbname = "register",
		      .pid = 2000 + (uint32_t)ls_rng_below(r, 60000),
		      .remote_host = client_ip,
		      .remote_port = port,
		      .session_id = sid,
		      .session_start = cd->db_t,
		      .app_name = app,
		      .rows = -1 };
	uint64_t line = 1;
	l->a.label = SIM_STEP_ACCESS;
	snprintf(msg, sizeof msg,
	         "connection authorized: user=%s database=register application_name=%s", c->account,
	         app);
	db.ts = cd->db_t;
	db.line_num = line++;
	db.message = msg;
	sim_emit_db(&l->a, &db);

	l->a.label = SIM_STEP_COLLECTION;
	if (cd->rows_lo == 0)
		sim_log_export_id(&l->a, cd->db_t, c->session, c->account,
		                  cfg->via == SIM_VIA_JUMP ? w->server[SIM_SRV_JUMP].name
		                                           : l->p->host,
		                  c->export.rows, c->export_format);
	uint64_t pages = cfg->method == SIM_COLLECT_PAGINATED
	                         ? (cd->rows + SIM_CAMPAIGN_PAGE_ROWS - 1) / SIM_CAMPAIGN_PAGE_ROWS
	                         : 1;
	if (pages == 0)
		pages = 1;
	ls_time span = cd->db_end - cd->db_t - 10 * SEC;
	uint64_t stream = 0;
	for (uint64_t p = 0; p < pages; p++) {
		uint64_t lo = cd->rows * p / pages, hi = cd->rows * (p + 1) / pages;
		uint64_t blo = cd->bytes * p / pages, bhi = cd->bytes * (p + 1) / pages;
		const char *stmt = NULL;
		char buf[300];
		switch (cfg->method) {
		case SIM_COLLECT_COPY:
			stmt = cfg->format == SIM_XFMT_CSV ? "COPY (SELECT * FROM public.members) "
			                                     "TO STDOUT WITH CSV HEADER"
			                                   : "COPY public.members TO STDOUT";
			break;
		case SIM_COLLECT_SELECT: stmt = "SELECT * FROM public.members"; break;
		case SIM_COLLECT_PAGINATED:
			snprintf(buf, sizeof buf,
			         "SELECT * FROM public.members ORDER BY member_id LIMIT %u OFFSET "
			         "%llu",
			         SIM_CAMPAIGN_PAGE_ROWS, (unsigned long long)(cd->rows_lo + lo));
			stmt = buf;
			break;
		case SIM_COLLECT_PG_DUMP:
			stmt = "COPY public.members (member_id, full_name, branch, position, "
			       "birth_date, "
			       "join_date, resident_id, phone) TO stdout;";
			break;
		}
		snprintf(msg, sizeof msg, "AUDIT: SESSION,%llu,1,READ,SELECT,,,\"%s\",<not logged>",
		         (unsigned long long)p + 1, stmt);
		db.ts = cd->db_t + 10 * SEC + span * (ls_time)p / (ls_time)pages;
		db.line_num = line++;
		db.rows = (int64_t)(hi - lo);
		sim_emit_db(&l->a, &db);
		stream += db_stream(bhi - blo, hi - lo);
	}
	snprintf(msg, sizeof msg,
	         "disconnection: session time: %lld.%03d user=%s database=register",
	         (long long)((cd->db_end - cd->db_t) / SEC),
	         (int)((cd->db_end - cd->db_t) % SEC / 1000), c->account);
	db.ts = cd->db_end;
	db.line_num = line++;
	db.rows = -1;
	sim_emit_db(&l->a, &db);
	char uid[19];
	sim_zeek_uid(&l->a, uid);
	sim_tcp_conn(&l->a, cd->db_t - 3000, uid, client_ip, port, w->server[SIM_SRV_DB].ip, 5432,
	             "postgresql", cd->db_end - cd->db_t + 3000, 400 + 120 * (pages + 2),
	             900 + stream);
}

static void transfer(const sim_campaign *c, const sim_camp_day *cd, sim_laptop *l)
{
	const sim_world *w = c->w;
	const sim_campaign_cfg *cfg = c->cfg;
	const sim_server *jump = &w->server[SIM_SRV_JUMP];
	ls_rng *r = &l->a.rng;
	bool archived = cfg->tool != SIM_TOOL_NONE && cfg->stage_where == SIM_WHERE_SERVER;
	uint64_t size = archived ? c->archive_bytes : c->export.bytes;
	const char *name = archived ? c->archive_name : c->export_name;
	char cmd[400], target[200];
	snprintf(target, sizeof target, "C:\\Users\\%s\\Downloads\\%s%s", l->p->account, name,
	         archived && cfg->split_mb ? ".001" : "");
	l->a.label = SIM_STEP_TRANSFER;
	sim_proc p;
	ls_time t = cd->xfer_t;
	if (cfg->transfer == SIM_XFER_USB) {
		snprintf(target, sizeof target, "C:\\Users\\%s\\Documents\\%s", l->p->account,
		         name);
		sim_emit_file_create(&l->a, &l->ctx, &l->explorer, cd->xfer_end - SEC, target);
		return;
	}
	uint16_t port = sim_eph_port(r);
	char uid[19];
	if (cfg->transfer == SIM_XFER_HTTPS) {
		snprintf(cmd, sizeof cmd,
		         "curl.exe -k -o C:\\Users\\%s\\Downloads\\%s https://%s:8443/%s",
		         l->p->account, name, jump->fqdn, name);
		sim_laptop_spawn(l, &p, t, "C:\\Windows\\System32\\curl.exe", cmd);
		sim_emit_network_connect(&l->a, &l->ctx, &p, t + 150000, l->ip, port, jump->ip,
		                         8443, jump->fqdn);
		sim_zeek_uid(&l->a, uid);
		sim_tcp_conn(&l->a, t + 150000, uid, l->ip, port, jump->ip, 8443, "ssl",
		             cd->xfer_end - t - 150000, SIM_CHANNEL_TLS_HELLO_UP + 180 + 22,
		             https_down(size));
		sim_ssl s = { .ts = t + 150000,
			      .uid = uid,
			      .orig_h = l->ip,
			      .orig_p = port,
			      .resp_h = jump->ip,
			      .resp_p = 8443,
			      .server_name = jump->fqdn,
			      .established = true,
			      .resumed = false };
		sim_emit_ssl(&l->a, &s);
	} else {
		bool sftp = cfg->transfer == SIM_XFER_SFTP;
		if (sftp)
			snprintf(cmd, sizeof cmd, "sftp %s@%s", c->account, jump->fqdn);
		else if (archived)
			snprintf(cmd, sizeof cmd,
			         "scp %s@%s:/home/%s/%s%s C:\\Users\\%s\\Downloads\\", c->account,
			         jump->fqdn, c->account, name, cfg->split_mb ? ".*" : "",
			         l->p->account);
		else
			snprintf(cmd, sizeof cmd, "scp %s@%s:%s C:\\Users\\%s\\Downloads\\",
			         c->account, jump->fqdn, c->export_path_server, l->p->account);
		sim_laptop_spawn(l, &p, t,
		                 sftp ? "C:\\Windows\\System32\\OpenSSH\\sftp.exe"
		                      : "C:\\Windows\\System32\\OpenSSH\\scp.exe",
		                 cmd);
		sim_emit_network_connect(&l->a, &l->ctx, &p, t + 200000, l->ip, port, jump->ip, 22,
		                         jump->fqdn);
		uint32_t spid = 1000 + (uint32_t)ls_rng_below(r, 30000);
		ssh_lines(c, l, t + 500000, port, spid, sftp);
		ssh_close_line(l, cd->xfer_end, c->account, spid);
		sim_zeek_uid(&l->a, uid);
		sim_tcp_conn(&l->a, t + 200000, uid, l->ip, port, jump->ip, 22, "ssh",
		             cd->xfer_end - t - 200000, ssh_up(size), ssh_down(size));
	}
	sim_emit_file_create(&l->a, &l->ctx, &p, cd->xfer_end - SEC, target);
}

static void stage_laptop(const sim_campaign *c, const sim_camp_day *cd, sim_laptop *l)
{
	const sim_campaign_cfg *cfg = c->cfg;
	char image[200], cmd[600], target[200];
	const char *acct = l->p->account;
	l->a.label = SIM_STEP_STAGING;
	if (cfg->tool == SIM_TOOL_NONE) {
		/* No archiver: the export is copied as it is into a staging folder. */
		sim_proc p;
		snprintf(target, sizeof target, "C:\\Users\\%s\\AppData\\Local\\Temp\\~stg\\%s",
		         acct, c->export_name);
		snprintf(cmd, sizeof cmd, "cmd.exe /c copy /y %s %s", c->export_path_laptop,
		         target);
		sim_laptop_spawn(l, &p, cd->stage_t, "C:\\Windows\\System32\\cmd.exe", cmd);
		sim_emit_file_create(&l->a, &l->ctx, &p, cd->stage_end, target);
		return;
	}
	if (cfg->renamed)
		snprintf(image, sizeof image, "C:\\Users\\%s\\AppData\\Local\\Temp\\svhost.exe",
		         acct);
	else if (cfg->tool == SIM_TOOL_ZSTD)
		snprintf(image, sizeof image, "C:\\Program Files\\zstd\\zstd.exe");
	else
		snprintf(image, sizeof image, "C:\\Program Files\\7-Zip\\7z.exe");
	char vol[24] = "";
	if (cfg->split_mb)
		snprintf(vol, sizeof vol, "-v%um ", cfg->split_mb);
	snprintf(target, sizeof target, "C:\\Users\\%s\\Documents\\%s", acct, c->archive_name);
	if (cfg->tool == SIM_TOOL_ZSTD)
		snprintf(cmd, sizeof cmd, "\"%s\" -19 -T0 %s -o %s", image, c->export_path_laptop,
		         target);
	else if (cfg->tool == SIM_TOOL_ZIP)
		snprintf(cmd, sizeof cmd, "\"%s\" a -tzip %s%s%s %s", image,
		         cfg->password ? "-p*** -mem=AES256 " : "", vol, target,
		         c->export_path_laptop);
	else
		snprintf(cmd, sizeof cmd, "\"%s\" a -t7z %s%s%s %s", image,
		         cfg->password ? "-p*** -mhe=on " : "", vol, target, c->export_path_laptop);
	sim_proc p;
	/* A renamed archiver keeps its PE name, as Sysmon reports it. */
	l->next_original = cfg->renamed ? "7z.exe" : NULL;
	sim_laptop_spawn(l, &p, cd->stage_t, image, cmd);
	l->next_original = NULL;
	/* One file per volume, as each fills. */
	size_t n = c->nuploads;
	for (size_t i = 0; i < n; i++) {
		ls_time t =
		        cd->stage_t + (cd->stage_end - cd->stage_t) * (ls_time)(i + 1) / (ls_time)n;
		char f[240];
		snprintf(f, sizeof f, "C:\\Users\\%s\\Documents\\%s", acct, c->uploads[i].file);
		sim_emit_file_create(&l->a, &l->ctx, &p, t, n > 1 ? f : target);
	}
}

static void vpn_flow(sim_laptop *l, ls_time t, ls_time dur, uint64_t up, uint64_t down)
{
	char uid[19];
	sim_zeek_uid(&l->a, uid);
	sim_conn cn = { .ts = t,
		        .uid = uid,
		        .orig_h = l->ip,
		        .orig_p = sim_eph_port(&l->a.rng),
		        .resp_h = SIM_CAMPAIGN_VPN_IP,
		        .resp_p = SIM_CAMPAIGN_VPN_PORT,
		        .proto = "udp",
		        .service = NULL,
		        .duration = dur,
		        .orig_bytes = sim_vpn_bytes(up),
		        .resp_bytes = sim_vpn_bytes(down),
		        .conn_state = "SF",
		        .history = "Dd",
		        .orig_pkts = 4 + up / 1380 + (up % 1380 != 0),
		        .resp_pkts = 4 + down / 1380 + (down % 1380 != 0) };
	sim_emit_conn(&l->a, &cn);
}

static void upload(const sim_campaign *c, const sim_camp_upload *u, uint16_t group, sim_laptop *l,
                   const sim_proc *msgr)
{
	const sim_world *w = c->w;
	const sim_campaign_cfg *cfg = c->cfg;
	ls_rng *r = &l->a.rng;
	l->a.label = SIM_STEP_EXFILTRATION;
	l->a.group = group;
	ls_time dur = u->end - u->t;
	if (u->path == SIM_PATH_NATIVE) {
		char path[200];
		sim_proc p;
		if (msgr && msgr->ts < u->t) {
			p = *msgr;
		} else {
			sim_laptop_messenger_path(l, path, sizeof path);
			sim_laptop_spawn(l, &p, u->t - MIN, path, path);
		}
		uint32_t dc = w->msgr_dc_ip[ls_rng_below(r, SIM_MSGR_DCS)];
		for (uint32_t s = 0; s < u->native.nsessions; s++) {
			ls_time t = u->t + (ls_time)s * 1500000;
			uint16_t sport = sim_eph_port(r);
			sim_emit_network_connect(&l->a, &l->ctx, &p, t, l->ip, sport, dc, 443,
			                         NULL);
			if (!cfg->vpn) {
				char uid[19];
				sim_zeek_uid(&l->a, uid);
				sim_tcp_conn(&l->a, t, uid, l->ip, sport, dc, 443, NULL,
				             dur - (ls_time)s * 1500000,
				             u->native.session[s].up_bytes,
				             u->native.session[s].down_bytes);
			}
		}
	} else {
		char image[200], cmd[400];
		snprintf(image, sizeof image,
		         "C:\\Users\\%s\\AppData\\Local\\Programs\\Python\\Python312\\python.exe",
		         l->p->account);
		snprintf(cmd, sizeof cmd, "\"%s\" upload.py --file %s", image, u->file);
		sim_proc p;
		sim_laptop_spawn(l, &p, u->t - 2 * SEC, image, cmd);
		uint16_t sport = sim_eph_port(r);
		if (cfg->vpn) {
			sim_emit_dns_query(&l->a, &l->ctx, &p, u->t - SEC, w->msgr_api_host,
			                   w->msgr_api_ip);
			sim_emit_network_connect(&l->a, &l->ctx, &p, u->t, l->ip, sport,
			                         w->msgr_api_ip, 443, w->msgr_api_host);
		} else {
			const sim_server *proxy = &w->server[SIM_SRV_PROXY];
			sim_emit_network_connect(&l->a, &l->ctx, &p, u->t, l->ip, sport, proxy->ip,
			                         3128, proxy->fqdn);
			sim_upstream_lookup(l, u->t + 1000, w->msgr_api_host, w->msgr_api_ip);
			sim_bot_flows(l, u->t, dur, sport, &u->bot);
		}
	}
	if (cfg->vpn)
		vpn_flow(l, u->t - 200000, dur + 200000, u->wire, u->down);
	l->a.group = 0;
}

void sim_campaign_act(const sim_campaign *c, const sim_camp_day *cd, sim_laptop *l,
                      const sim_proc *msgr)
{
	const sim_world *w = c->w;
	const sim_campaign_cfg *cfg = c->cfg;
	const sim_server *jump = &w->server[SIM_SRV_JUMP];
	ls_rng *r = &l->a.rng;
	char cmd[400];
	uint16_t ssh_port = 0;
	uint32_t spid = 0;
	sim_proc client;

	if (cd->collect) {
		l->a.label = SIM_STEP_ACCESS;
		if (cfg->via == SIM_VIA_JUMP) {
			snprintf(cmd, sizeof cmd, "ssh %s@%s", c->account, jump->fqdn);
			sim_laptop_spawn(l, &client, cd->access_t,
			                 "C:\\Windows\\System32\\OpenSSH\\ssh.exe", cmd);
			ssh_port = sim_eph_port(r);
			sim_emit_network_connect(&l->a, &l->ctx, &client, cd->access_t + 200000,
			                         l->ip, ssh_port, jump->ip, 22, jump->fqdn);
			spid = 1000 + (uint32_t)ls_rng_below(r, 30000);
			ssh_lines(c, l, cd->access_t + 500000, ssh_port, spid, false);
			db_collect(c, cd, l, jump->ip, "psql");
		} else {
			const sim_server *db = &w->server[SIM_SRV_DB];
			bool dbeaver = cfg->method == SIM_COLLECT_SELECT;
			const char *image =
			        dbeaver ? "C:\\Program Files\\DBeaver\\dbeaver.exe"
			                : "C:\\Program Files\\PostgreSQL\\16\\bin\\psql.exe";
			if (dbeaver)
				snprintf(cmd, sizeof cmd, "\"%s\"", image);
			else
				snprintf(cmd, sizeof cmd, "\"%s\" -h %s -U %s register", image,
				         db->fqdn, c->account);
			sim_laptop_spawn(l, &client, cd->access_t, image, cmd);
			sim_emit_network_connect(&l->a, &l->ctx, &client, cd->db_t - SEC, l->ip,
			                         sim_eph_port(r), db->ip, 5432, db->fqdn);
			db_collect(c, cd, l, l->ip, dbeaver ? "DBeaver 24.0.2 - Main" : "psql");
			if (cd->last_collect) {
				l->a.label = SIM_STEP_COLLECTION;
				sim_emit_file_create(&l->a, &l->ctx, &client, cd->db_end,
				                     c->export_path_laptop);
			}
		}
	}
	if (cd->last_collect) {
		if (cfg->via == SIM_VIA_JUMP)
			transfer(c, cd, l);
		if (cfg->stage_where == SIM_WHERE_LAPTOP)
			stage_laptop(c, cd, l);
		if (cfg->edit_log) {
			l->a.label = SIM_STEP_ANTI_FORENSICS;
			if (cfg->via == SIM_VIA_JUMP) {
				char msg[300];
				snprintf(msg, sizeof msg,
				         "%s : TTY=pts/%u ; PWD=/home/%s ; USER=root ; "
				         "COMMAND=/usr/bin/sed -i "
				         "/%s/d /var/log/auth.log",
				         c->account, (unsigned)ls_rng_below(r, 8), c->account,
				         l->p->host);
				sim_syslog su = { .ts = cd->edit_t,
					          .pri = SIM_PRI_AUTHPRIV_NOTICE,
					          .host = jump->name,
					          .app = "sudo",
					          .pid = spid + 3 + (uint32_t)ls_rng_below(r, 50),
					          .msg = msg };
				sim_emit_syslog(&l->a, &su);
			} else {
				sim_proc p;
				sim_laptop_spawn(l, &p, cd->edit_t,
				                 "C:\\Windows\\System32\\wevtutil.exe",
				                 "wevtutil.exe cl "
				                 "\"Microsoft-Windows-PowerShell/Operational\"");
			}
		}
	}
	for (size_t i = cd->upload_lo; i < cd->upload_hi; i++)
		upload(c, &c->uploads[i], (uint16_t)(i + 1), l, msgr);
	if (cd->last_exfil && cd->clean_t) {
		l->a.label = SIM_STEP_ANTI_FORENSICS;
		sim_proc p;
		if (cfg->delete_staging) {
			if (cfg->tool != SIM_TOOL_NONE)
				snprintf(cmd, sizeof cmd,
				         "cmd.exe /c del /q C:\\Users\\%s\\Documents\\%s* %s",
				         l->p->account, c->archive_name, c->export_path_laptop);
			else
				snprintf(cmd, sizeof cmd,
				         "cmd.exe /c del /q "
				         "C:\\Users\\%s\\AppData\\Local\\Temp\\~stg\\%s %s",
				         l->p->account, c->export_name, c->export_path_laptop);
			sim_laptop_spawn(l, &p, cd->clean_t, "C:\\Windows\\System32\\cmd.exe", cmd);
		}
		if (cfg->clear_history)
			sim_laptop_spawn(
			        l, &p, cd->clean_t + 20 * SEC,
			        "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
			        "powershell.exe -NoProfile -Command \"Remove-Item "
			        "(Get-PSReadlineOption).HistorySavePath\"");
	}
	if (cd->collect && cfg->via == SIM_VIA_JUMP) {
		l->a.label = SIM_STEP_ACCESS;
		ssh_close_line(l, cd->close_t, c->account, spid);
		char uid[19];
		sim_zeek_uid(&l->a, uid);
		ls_time dur = cd->close_t - cd->access_t - 200000;
		sim_tcp_conn(&l->a, cd->access_t + 200000, uid, l->ip, ssh_port, jump->ip, 22,
		             "ssh", dur, 3000 + (uint64_t)(dur / SEC) * 60,
		             5000 + (uint64_t)(dur / SEC) * 400);
	}
	l->a.label = SIM_LABEL_NONE;
}

void sim_campaign_outside_day(const sim_campaign *c, sim_batch *b, uint32_t day)
{
	if (c == NULL || day_of(c->w, c->publish_t) != day)
		return;
	sim_actor a;
	sim_actor_init_world(&a, c->w, b, SIM_ENT_OUTSIDE(100), "channel", day);
	a.label = SIM_STEP_PUBLICATION;
	char sha[65];
	for (int i = 0; i < 32; i++)
		snprintf(sha + 2 * i, 3, "%02x", c->leaked_sha256[i]);
	sim_post p = { .ts = c->publish_t,
		       .channel = c->cfg->channel,
		       .post_id = c->post_id,
		       .text = "New file",
		       .file_name = c->leaked_name,
		       .file_size = c->leaked_size,
		       .file_sha256 = sha,
		       .views = (uint64_t)ls_rng_lognormal(&a.rng, 9.0, 0.8) };
	sim_emit_post(&a, &p);
	sim_actor_fini(&a);
}

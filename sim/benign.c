/*
 * benign.c - the organisation's ordinary week.
 *
 * A person's day: a schedule drawn from their habits (start time, drift,
 * lunch, overtime, leave, travel, weekends), then actions placed in the
 * active hours with a diurnal shape: logon and unlock, DHCP leases, the
 * browser through the proxy, DNS, the file server, the messenger, and the
 * role's own work (database queries and exports, SSH to the jump host,
 * scp). Sizes are heavy-tailed (lognormal and Pareto). Hard negatives —
 * large exports, big messenger sends, archives, cloud sync, big downloads,
 * the nightly pg_dump — come out of the same code paths as everything else.
 *
 * Sensor placement: Zeek sees the egress and the link between the user and
 * server networks, so a laptop's connection to a server appears in conn.log,
 * as does the proxy's connection to the outside; the proxy logs every
 * request; Sysmon runs on every laptop; the servers send auth.log; the
 * database writes its audit log; the DHCP server logs leases.
 */
#include "sim/benign.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "sim/channel.h"
#include "sim/campaign.h"
#include "sim/laptop.h"
#include "sim/sensors.h"

#define MIN LS_USEC_PER_MIN
#define SEC LS_USEC_PER_SEC
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

ls_time sim_day_start(const sim_world *w, uint32_t day)
{
	return w->sc->start + (ls_time)day * LS_USEC_PER_DAY;
}

/* Local weekday of a day: 0 Monday .. 6 Sunday. */
static int local_weekday(const sim_world *w, uint32_t day)
{
	return ls_time_weekday(sim_day_start(w, day) + (ls_time)w->sc->utc_offset_min * MIN);
}

uint16_t sim_eph_port(ls_rng *r)
{
	return (uint16_t)(49152 + ls_rng_below(r, 16384));
}

ls_time sim_jitter(ls_rng *r, ls_time span)
{
	return (ls_time)ls_rng_below(r, (uint64_t)(span > 0 ? span : 1));
}

/* Packets for a payload, at a typical 1,400-byte segment, plus handshake/acks. */
static uint64_t pkts(uint64_t bytes)
{
	return 2 + bytes / 1400 + (bytes % 1400 != 0);
}

/* Transfer time at `mbps` megabits per second, at least 20 ms. */
ls_time sim_xfer_time(uint64_t bytes, double mbps)
{
	double s = (double)bytes * 8.0 / (mbps * 1e6);
	ls_time t = (ls_time)(s * (double)SEC);
	return t < 20000 ? 20000 : t;
}

void sim_tcp_conn(sim_actor *a, ls_time ts, const char *uid, uint32_t oh, uint16_t op, uint32_t rh,
                  uint16_t rp, const char *service, ls_time dur, uint64_t ob, uint64_t rb)
{
	sim_conn c = { .ts = ts,
		       .uid = uid,
		       .orig_h = oh,
		       .orig_p = op,
		       .resp_h = rh,
		       .resp_p = rp,
		       .proto = "tcp",
		       .service = service,
		       .duration = dur,
		       .orig_bytes = ob,
		       .resp_bytes = rb,
		       .conn_state = "SF",
		       .history = "ShADadFf",
		       .orig_pkts = pkts(ob),
		       .resp_pkts = pkts(rb) };
	sim_emit_conn(a, &c);
}

/* --------------------------------------------------------- a laptop's day */

static const char *const browsers[][3] = {
	{ "C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe",
	  "\"C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe\"",
	  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
	  "Chrome/124.0 Safari/537.36 Edg/124.0" },
	{ "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe",
	  "\"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe\"",
	  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
	  "Chrome/124.0 Safari/537.36" },
	{ "C:\\Program Files\\Mozilla Firefox\\firefox.exe",
	  "\"C:\\Program Files\\Mozilla Firefox\\firefox.exe\"",
	  "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0" },
};

typedef sim_laptop laptop;

static uint32_t new_pid(laptop *l)
{
	l->next_pid += 4 * (1 + (uint32_t)ls_rng_below(&l->a.rng, 200));
	return l->next_pid;
}

/* Start a process (Sysmon EID 1) as a child of explorer. */
void sim_laptop_spawn(laptop *l, sim_proc *p, ls_time ts, const char *image, const char *cmdline)
{
	memset(p, 0, sizeof *p);
	p->ts = ts;
	sim_process_guid(&l->a, p->guid);
	p->pid = new_pid(l);
	p->image = image;
	p->cmdline = cmdline;
	p->cwd = "C:\\Windows\\System32\\";
	p->parent_guid = l->explorer.guid;
	p->parent_pid = l->explorer.pid;
	p->parent_image = l->explorer.image;
	p->parent_cmdline = l->explorer.cmdline;
	p->integrity = "Medium";
	p->original = l->next_original;
	sim_emit_process_create(&l->a, &l->ctx, p);
}

/* A laptop's DNS lookup through the resolver: Sysmon EID 22 and dns.log. */
void sim_laptop_lookup(laptop *l, const sim_proc *p, ls_time ts, const char *name, uint32_t answer)
{
	char uid[19];
	sim_zeek_uid(&l->a, uid);
	sim_emit_dns_query(&l->a, &l->ctx, p, ts, name, answer);
	sim_dns d = { .ts = ts,
		      .uid = uid,
		      .orig_h = l->ip,
		      .resp_h = l->w->server[SIM_SRV_DNS].ip,
		      .orig_p = sim_eph_port(&l->a.rng),
		      .trans_id = (uint16_t)ls_rng_below(&l->a.rng, 65536),
		      .rtt = 300 + sim_jitter(&l->a.rng, 2000),
		      .query = name,
		      .qtype = 1,
		      .rcode = answer ? 0 : 3,
		      .answer_ip = answer,
		      .ttl = 300 };
	sim_emit_dns(&l->a, &d);
}

/* The proxy resolves an outside name through the resolver, which asks upstream. */
void sim_upstream_lookup(laptop *l, ls_time ts, const char *name, uint32_t answer)
{
	char uid[19];
	sim_zeek_uid(&l->a, uid);
	sim_dns d = { .ts = ts,
		      .uid = uid,
		      .orig_h = l->w->server[SIM_SRV_DNS].ip,
		      .resp_h = l->w->upstream_dns_ip,
		      .orig_p = sim_eph_port(&l->a.rng),
		      .trans_id = (uint16_t)ls_rng_below(&l->a.rng, 65536),
		      .rtt = 8000 + sim_jitter(&l->a.rng, 30000),
		      .query = name,
		      .qtype = 1,
		      .rcode = 0,
		      .answer_ip = answer,
		      .ttl = 300 };
	sim_emit_dns(&l->a, &d);
}

/*
 * One web request through the proxy: the proxy's log line, the laptop's
 * connection to the proxy, and for HTTPS the proxy's CONNECT tunnel to the
 * site with its TLS handshake (SNI) on the egress.
 */
static void web_request(laptop *l, const sim_proc *proc, ls_time ts, const sim_site *site,
                        const char *method, const char *path, uint64_t up, uint64_t down)
{
	const sim_world *w = l->w;
	ls_rng *r = &l->a.rng;
	uint32_t proxy = w->server[SIM_SRV_PROXY].ip;
	const char *ua = browsers[l->p->browser][2];
	if (ls_rng_bernoulli(r, 0.15))
		sim_upstream_lookup(l, ts, site->host, site->ip);
	ls_time dur = 40 * 1000 + sim_xfer_time(up + down, 40.0) + sim_jitter(r, 200 * 1000);
	sim_proxy px = { .ts = ts,
		         .c_ip = l->ip,
		         .user = l->p->account,
		         .method = site->https ? "CONNECT" : method,
		         .host = site->host,
		         .port = site->https ? 443 : 80,
		         .path = site->https ? NULL : path,
		         .useragent = ua,
		         .cs_bytes = up,
		         .sc_bytes = down,
		         .status = 200,
		         .dst_ip = site->ip,
		         .duration = dur };
	sim_emit_proxy(&l->a, &px);
	char uid1[19], uid2[19];
	sim_zeek_uid(&l->a, uid1);
	uint16_t cport = sim_eph_port(r);
	/* Browsers keep connections to the proxy open; a new one now and then shows in Sysmon. */
	if (proc && ls_rng_bernoulli(r, 0.2))
		sim_emit_network_connect(&l->a, &l->ctx, proc, ts, l->ip, cport, proxy, 3128,
		                         w->server[SIM_SRV_PROXY].fqdn);
	sim_tcp_conn(&l->a, ts, uid1, l->ip, cport, proxy, 3128, "http", dur, up + 420, down + 310);
	sim_zeek_uid(&l->a, uid2);
	ls_time t2 = ts + 2000 + sim_jitter(r, 3000);
	uint16_t sport = sim_eph_port(r);
	sim_tcp_conn(&l->a, t2, uid2, proxy, sport, site->ip, site->https ? 443 : 80,
	             site->https ? "ssl" : "http", dur - 2000, up + 180, down + 120);
	if (site->https) {
		sim_ssl s = { .ts = t2,
			      .uid = uid2,
			      .orig_h = proxy,
			      .orig_p = sport,
			      .resp_h = site->ip,
			      .resp_p = 443,
			      .server_name = site->host,
			      .established = true,
			      .resumed = ls_rng_bernoulli(r, 0.4) };
		sim_emit_ssl(&l->a, &s);
	}
}

static const char *const page_paths[] = {
	"/",
	"/index.html",
	"/news/today.html",
	"/search?q=weather",
	"/login",
	"/assets/app.js",
	"/img/banner.png",
	"/api/v2/items?page=2",
	"/docs/help.html",
	"/account/settings",
	"/video/clip.mp4",
	"/feed.xml",
};

static void browse(laptop *l, const sim_proc *browser, ls_time ts)
{
	ls_rng *r = &l->a.rng;
	/* Popularity of sites is Zipf-like: a few sites take most visits. */
	size_t n = SIM_SITES - SIM_SITE__FIXED;
	size_t idx = SIM_SITE__FIXED + (size_t)ls_rng_zipf(r, n, 1.05) - 1;
	if (ls_rng_bernoulli(r, 0.08))
		idx = SIM_SITE_INTRANET;
	const sim_site *site = &l->w->site[idx];
	bool post = ls_rng_bernoulli(r, 0.1);
	uint64_t up = post ? (uint64_t)ls_rng_lognormal(r, 7.5, 1.2)
	                   : (uint64_t)ls_rng_lognormal(r, 6.0, 0.4);
	uint64_t down = (uint64_t)ls_rng_pareto(r, 900.0, 1.1);
	if (down > 80u * 1024 * 1024)
		down = 80u * 1024 * 1024;
	web_request(l, browser, ts, site, post ? "POST" : "GET",
	            page_paths[ls_rng_below(r, COUNT(page_paths))], up, down);
}

/* ------------------------------------------------------------- messenger */

typedef struct msgr_state {
	sim_proc proc;
	uint64_t up, down; /* accumulated chat traffic of the current session */
	ls_time session_start;
	uint32_t dc;
	uint16_t sport;
	char uid[19];
	bool open;
} msgr_state;

static void msgr_session_open(laptop *l, msgr_state *m, ls_time ts)
{
	m->open = true;
	m->session_start = ts;
	m->up = 700;
	m->down = 3600;
	m->dc = l->w->msgr_dc_ip[ls_rng_below(&l->a.rng, SIM_MSGR_DCS)];
	m->sport = sim_eph_port(&l->a.rng);
	sim_zeek_uid(&l->a, m->uid);
	sim_emit_network_connect(&l->a, &l->ctx, &m->proc, ts, l->ip, m->sport, m->dc, 443, NULL);
}

static void msgr_session_close(laptop *l, msgr_state *m, ls_time ts)
{
	if (!m->open)
		return;
	sim_tcp_conn(&l->a, m->session_start, m->uid, l->ip, m->sport, m->dc, 443, NULL,
	             ts - m->session_start, m->up, m->down);
	m->open = false;
}

/* A file sent over the native path: parallel short upload sessions. */
static void msgr_send_file(laptop *l, msgr_state *m, ls_time ts, uint64_t size)
{
	ls_rng *r = &l->a.rng;
	uint32_t sessions = size < 1024 * 1024 ? 1 : size < 32u * 1024 * 1024 ? 2 : 4;
	sim_channel_upload plan;
	if (size > SIM_CHANNEL_MAX_FILE || sim_channel_plan_upload(size, sessions, &plan) != LS_OK)
		return;
	uint32_t dc = l->w->msgr_dc_ip[ls_rng_below(r, SIM_MSGR_DCS)];
	for (uint32_t s = 0; s < plan.nsessions; s++) {
		char uid[19];
		uint16_t sport = sim_eph_port(r);
		ls_time t = ts + (ls_time)s * 30000 + sim_jitter(r, 20000);
		sim_zeek_uid(&l->a, uid);
		sim_emit_network_connect(&l->a, &l->ctx, &m->proc, t, l->ip, sport, dc, 443, NULL);
		sim_tcp_conn(
		        &l->a, t, uid, l->ip, sport, dc, 443, NULL,
		        sim_xfer_time(plan.session[s].up_bytes, 20.0 + ls_rng_double(r) * 30.0),
		        plan.session[s].up_bytes, plan.session[s].down_bytes);
	}
}

void sim_bot_flows(sim_laptop *l, ls_time t, ls_time dur, uint16_t sport,
                   const sim_channel_bot_upload *up)
{
	const sim_world *w = l->w;
	ls_rng *r = &l->a.rng;
	const sim_server *proxy = &w->server[SIM_SRV_PROXY];
	sim_proxy px = { .ts = t,
		         .c_ip = l->ip,
		         .user = l->p->account,
		         .method = "CONNECT",
		         .host = w->msgr_api_host,
		         .port = 443,
		         .path = NULL,
		         .useragent = SIM_CHANNEL_BOT_USER_AGENT,
		         .cs_bytes = up->up_bytes,
		         .sc_bytes = up->down_bytes,
		         .status = 200,
		         .dst_ip = w->msgr_api_ip,
		         .duration = dur };
	sim_emit_proxy(&l->a, &px);
	char uid1[19], uid2[19];
	sim_zeek_uid(&l->a, uid1);
	sim_tcp_conn(&l->a, t, uid1, l->ip, sport, proxy->ip, 3128, "http", dur, up->up_bytes,
	             up->down_bytes);
	sim_zeek_uid(&l->a, uid2);
	ls_time t2 = t + 20000 + sim_jitter(r, 20000);
	uint16_t pport = sim_eph_port(r);
	sim_tcp_conn(&l->a, t2, uid2, proxy->ip, pport, w->msgr_api_ip, 443, "ssl", dur - 20000,
	             up->tunnel_up_bytes, up->tunnel_down_bytes);
	sim_ssl ss = { .ts = t2,
		       .uid = uid2,
		       .orig_h = proxy->ip,
		       .orig_p = pport,
		       .resp_h = w->msgr_api_ip,
		       .resp_p = 443,
		       .server_name = w->msgr_api_host,
		       .established = true,
		       .resumed = false };
	sim_emit_ssl(&l->a, &ss);
}

void sim_sshd_login(sim_laptop *l, ls_time t, const char *account, uint32_t uid, uint16_t port,
                    bool password, uint32_t spid)
{
	const sim_server *jump = &l->w->server[SIM_SRV_JUMP];
	char msg[256], ipt[16];
	sim_ip_text(l->ip, ipt);
	if (password)
		snprintf(msg, sizeof msg, "Accepted password for %s from %s port %u ssh2", account,
		         ipt, port);
	else
		snprintf(msg, sizeof msg,
		         "Accepted publickey for %s from %s port %u ssh2: ED25519 SHA256:sim%06u",
		         account, ipt, port, (unsigned)((uid - 1000) % 1000000));
	sim_syslog s = { .ts = t,
		         .pri = SIM_PRI_AUTHPRIV_INFO,
		         .host = jump->name,
		         .app = "sshd",
		         .pid = spid,
		         .msg = msg };
	sim_emit_syslog(&l->a, &s);
	snprintf(msg, sizeof msg,
	         "pam_unix(sshd:session): session opened for user %s(uid=%u) by (uid=0)", account,
	         uid);
	s.ts += 20000;
	sim_emit_syslog(&l->a, &s);
}

/*
 * A developer's build script posts its log to a team channel through the
 * messenger's bot API: the HTTPS path with a visible host name, resolved by
 * the proxy, tunnelled with CONNECT, with SNI on the egress.
 */
static void bot_post(laptop *l, ls_time ts)
{
	const sim_world *w = l->w;
	ls_rng *r = &l->a.rng;
	char name[64], cmd[300], image[200];
	snprintf(name, sizeof name, "build-%u.log", (unsigned)ls_rng_below(r, 100000));
	uint64_t size = (uint64_t)ls_rng_lognormal(r, 10.5, 1.0) + 200;
	sim_channel_bot_upload up;
	if (sim_channel_plan_bot_upload(size, w->msgr_api_host, name, &up) != LS_OK)
		return;
	snprintf(image, sizeof image,
	         "C:\\Users\\%s\\AppData\\Local\\Programs\\Python\\Python312\\python.exe",
	         l->p->account);
	snprintf(cmd, sizeof cmd, "\"%s\" notify_build.py --file %s", image, name);
	sim_proc p;
	sim_laptop_spawn(l, &p, ts, image, cmd);
	const sim_server *proxy = &w->server[SIM_SRV_PROXY];
	ls_time t = ts + 300000 + sim_jitter(r, 500000);
	uint16_t sport = sim_eph_port(r);
	sim_emit_network_connect(&l->a, &l->ctx, &p, t, l->ip, sport, proxy->ip, 3128, proxy->fqdn);
	sim_upstream_lookup(l, t + 1000, w->msgr_api_host, w->msgr_api_ip);
	ls_time dur = 150000 + sim_xfer_time(up.up_bytes, 30.0);
	sim_bot_flows(l, t, dur, sport, &up);
}

/* ------------------------------------------------------------ role work */

static const char *const queries[] = {
	"SELECT count(*) FROM members WHERE branch = $1",
	"SELECT member_id, full_name, position FROM members WHERE member_id = $1",
	"SELECT branch, count(*) FROM members GROUP BY branch",
	"SELECT * FROM members WHERE join_date >= $1 ORDER BY join_date LIMIT 200",
	"UPDATE members SET position = $1 WHERE member_id = $2",
	"SELECT position, count(*) FROM members GROUP BY position",
};

void sim_laptop_messenger_path(const sim_laptop *l, char *out, size_t cap)
{
	snprintf(out, cap, "C:\\Users\\%s\\AppData\\Roaming\\%s\\%s", l->p->account,
	         l->w->sc->profile == SIM_PROFILE_TELEGRAM ? "Telegram Desktop" : "Msgr",
	         l->w->msgr_image);
}

void sim_hexid(ls_rng *r, char *out, size_t digits)
{
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < digits; i++)
		out[i] = hex[ls_rng_below(r, 16)];
	out[digits] = '\0';
}

/* A database session: connection, n statements, disconnection (pgAudit style). */
static void sim_db_session(sim_actor *a, const sim_world *w, ls_time ts, const char *user,
                           const char *app, uint32_t client_ip, int nq, const char *export_stmt,
                           int64_t export_rows)
{
	ls_rng *r = &a->rng;
	char sid[24], msg[512];
	sim_hexid(r, sid, 8);
	sid[8] = '.';
	sim_hexid(r, sid + 9, 5);
	uint32_t pid = 2000 + (uint32_t)ls_rng_below(r, 60000);
	uint16_t port = sim_eph_port(r);
	sim_db d = { .user = user,
		     .dbname = "register",
		     .pid = pid,
		     .remote_host = client_ip,
		     .remote_port = port,
		     .session_id = sid,
		     .session_start = ts,
		     .app_name = app,
		     .rows = -1 };
	ls_time t = ts;
	uint64_t line = 1;
	snprintf(msg, sizeof msg,
	         "connection authorized: user=%s database=register application_name=%s", user, app);
	d.ts = t;
	d.line_num = line++;
	d.message = msg;
	sim_emit_db(a, &d);
	uint64_t resp = 900;
	for (int i = 0; i < nq; i++) {
		t += 2 * SEC + (ls_time)ls_rng_exponential(r, 1.0 / 40.0) * SEC;
		int64_t rows = (int64_t)ls_rng_pareto(r, 1.0, 1.3);
		snprintf(msg, sizeof msg, "AUDIT: SESSION,%d,1,READ,SELECT,,,\"%s\",<not logged>",
		         i + 1, queries[ls_rng_below(r, COUNT(queries))]);
		d.ts = t;
		d.line_num = line++;
		d.rows = rows;
		sim_emit_db(a, &d);
		resp += 200 + (uint64_t)rows * 120;
	}
	if (export_stmt) {
		t += 5 * SEC + sim_jitter(r, 60 * SEC);
		snprintf(msg, sizeof msg, "AUDIT: SESSION,%d,1,READ,SELECT,,,\"%s\",<not logged>",
		         nq + 1, export_stmt);
		d.ts = t;
		d.line_num = line++;
		d.rows = export_rows;
		sim_emit_db(a, &d);
		/* The result stream as the campaign's model counts it (docs/campaign.md):
		 * the rows at the register's mean export width (149 bytes a CSV row,
		 * 132 in COPY text), 5 bytes of message header each, 64 of framing. */
		uint64_t width = strcmp(app, "pg_dump") == 0 ? 132 : 149;
		uint64_t body = (uint64_t)export_rows * width;
		resp += body + 5 * (uint64_t)export_rows + 64;
		t += sim_xfer_time(body, 200.0);
	}
	t += SEC + sim_jitter(r, 30 * SEC);
	snprintf(msg, sizeof msg,
	         "disconnection: session time: %lld.%03d user=%s database=register",
	         (long long)((t - ts) / SEC), (int)((t - ts) % SEC / 1000), user);
	d.ts = t;
	d.line_num = line++;
	d.rows = -1;
	sim_emit_db(a, &d);
	char uid[19];
	sim_zeek_uid(a, uid);
	sim_tcp_conn(a, ts - 3000, uid, client_ip, port, w->server[SIM_SRV_DB].ip, 5432,
	             "postgresql", t - ts + 3000, 400 + 120 * (uint64_t)(nq + 2), resp);
}

static void ssh_session(laptop *l, ls_time ts, bool scp_download)
{
	const sim_world *w = l->w;
	ls_rng *r = &l->a.rng;
	const sim_server *jump = &w->server[SIM_SRV_JUMP];
	char cmd[256], msg[256];
	sim_proc p;
	uint64_t down = 0;
	if (scp_download) {
		down = (uint64_t)ls_rng_lognormal(r, 16.0, 1.5);
		snprintf(cmd, sizeof cmd,
		         "scp %s@%s:/srv/share/%s-%u.tar.gz C:\\Users\\%s\\Downloads\\",
		         l->p->account, jump->fqdn, "logs", (unsigned)ls_rng_below(r, 1000),
		         l->p->account);
		sim_laptop_spawn(l, &p, ts, "C:\\Windows\\System32\\OpenSSH\\scp.exe", cmd);
	} else {
		snprintf(cmd, sizeof cmd, "ssh %s@%s", l->p->account, jump->fqdn);
		sim_laptop_spawn(l, &p, ts, "C:\\Windows\\System32\\OpenSSH\\ssh.exe", cmd);
	}
	uint16_t port = sim_eph_port(r);
	ls_time t = ts + 200000;
	sim_emit_network_connect(&l->a, &l->ctx, &p, t, l->ip, port, jump->ip, 22, jump->fqdn);
	uint32_t spid = 1000 + (uint32_t)ls_rng_below(r, 30000);
	sim_sshd_login(l, t + 300000, l->p->account, SIM_UID(l->p->index), port, false, spid);
	sim_syslog s = { .ts = t + 320000,
		         .pri = SIM_PRI_AUTHPRIV_INFO,
		         .host = jump->name,
		         .app = "sshd",
		         .pid = spid,
		         .msg = msg };
	ls_time dur = scp_download ? sim_xfer_time(down, 200.0) + 2 * SEC
	                           : (ls_time)ls_rng_lognormal(r, 6.0, 1.0) * SEC;
	uint64_t up = scp_download ? 4000 : 3000 + (uint64_t)(dur / SEC) * 60;
	if (!scp_download)
		down = 5000 + (uint64_t)(dur / SEC) * 400;
	if (l->p->role == SIM_ROLE_IT_ADMIN && !scp_download && ls_rng_bernoulli(r, 0.6)) {
		static const char *const cmds[] = { "/usr/bin/systemctl status postgresql",
			                            "/usr/bin/journalctl -u sshd --since today",
			                            "/usr/bin/apt-get upgrade -y",
			                            "/usr/bin/df -h" };
		snprintf(msg, sizeof msg, "%s : TTY=pts/%u ; PWD=/home/%s ; USER=root ; COMMAND=%s",
		         l->p->account, (unsigned)ls_rng_below(r, 8), l->p->account,
		         cmds[ls_rng_below(r, COUNT(cmds))]);
		sim_syslog su = { .ts = t + dur / 2,
			          .pri = SIM_PRI_AUTHPRIV_NOTICE,
			          .host = jump->name,
			          .app = "sudo",
			          .pid = spid + 3 + (uint32_t)ls_rng_below(r, 50),
			          .msg = msg };
		sim_emit_syslog(&l->a, &su);
	}
	snprintf(msg, sizeof msg, "pam_unix(sshd:session): session closed for user %s",
	         l->p->account);
	s.ts = t + dur;
	sim_emit_syslog(&l->a, &s);
	char uid[19];
	sim_zeek_uid(&l->a, uid);
	sim_tcp_conn(&l->a, t, uid, l->ip, port, jump->ip, 22, "ssh", dur, up, down);
}

static void make_archive(laptop *l, ls_time ts, bool encrypted)
{
	ls_rng *r = &l->a.rng;
	char cmd[600], target[200];
	static const char *const names[] = { "project-files", "photos",  "reports-q1",
		                             "backup",        "minutes", "invoices" };
	const char *name = names[ls_rng_below(r, COUNT(names))];
	bool zip = ls_rng_bernoulli(r, 0.4);
	snprintf(target, sizeof target, "C:\\Users\\%s\\Documents\\%s.%s", l->p->account, name,
	         zip ? "zip" : "7z");
	sim_proc p;
	if (zip) {
		snprintf(cmd, sizeof cmd,
		         "\"C:\\Program Files\\7-Zip\\7z.exe\" a -tzip %s%s "
		         "C:\\Users\\%s\\Documents\\%s\\*",
		         encrypted ? "-p*** " : "", target, l->p->account, name);
	} else {
		snprintf(cmd, sizeof cmd,
		         "\"C:\\Program Files\\7-Zip\\7z.exe\" a %s%s "
		         "C:\\Users\\%s\\Documents\\%s\\*",
		         encrypted ? "-p*** -mhe=on " : "", target, l->p->account, name);
	}
	sim_laptop_spawn(l, &p, ts, "C:\\Program Files\\7-Zip\\7z.exe", cmd);
	sim_emit_file_create(&l->a, &l->ctx, &p, ts + 500000 + sim_jitter(r, 20 * SEC), target);
}

/* ------------------------------------------------------------ the day */

typedef struct span {
	ls_time from, to;
} span;

/* A time in the spans, uniformly by length. */
static ls_time pick_time(ls_rng *r, const span *s, int n)
{
	ls_time total = 0;
	for (int i = 0; i < n; i++)
		total += s[i].to - s[i].from;
	ls_time x = sim_jitter(r, total);
	for (int i = 0; i < n; i++) {
		ls_time len = s[i].to - s[i].from;
		if (x < len)
			return s[i].from + x;
		x -= len;
	}
	return s[n - 1].to - 1;
}

static int cmp_time(const void *x, const void *y)
{
	ls_time a = *(const ls_time *)x, b = *(const ls_time *)y;
	return a < b ? -1 : a > b;
}

/* n sorted times in the spans. */
static ls_time *times_in(ls_rng *r, const span *s, int ns, uint64_t n)
{
	ls_time *t = ls_xcalloc(n ? n : 1, sizeof *t);
	for (uint64_t i = 0; i < n; i++)
		t[i] = pick_time(r, s, ns);
	qsort(t, n, sizeof *t, cmp_time);
	return t;
}

void sim_person_day(const sim_world *w, sim_batch *b, uint32_t person, uint32_t day)
{
	const sim_scenario *sc = w->sc;
	const sim_person *p = &w->people[person];
	laptop L;
	memset(&L, 0, sizeof L);
	laptop *l = &L;
	l->w = w;
	l->p = p;
	sim_actor_init(&l->a, w, b, SIM_ENT_PERSON(person), p->key, day);
	ls_rng *r = &l->a.rng;
	l->day0 = sim_day_start(w, day);
	int wd = local_weekday(w, day);
	bool weekend = wd >= 5;

	/* Who works today, and when (minutes after local midnight). */
	bool works = weekend ? ls_rng_bernoulli(r, sc->weekend_work_prob)
	                     : !ls_rng_bernoulli(r, sc->leave_prob + sc->travel_prob);
	double start_min = (double)sc->start_mean_min + p->start_offset_min +
	                   ls_rng_normal(r, 0.0, (double)sc->drift_min);
	double len_min = (double)sc->workday_min + p->workday_adj_min + ls_rng_normal(r, 0.0, 15.0);
	if (ls_rng_bernoulli(r, sc->overtime_prob))
		len_min += ls_rng_exponential(r, 1.0 / 80.0);
	if (weekend) {
		start_min += 90 + ls_rng_normal(r, 0.0, 60.0);
		len_min = 90 + ls_rng_exponential(r, 1.0 / 120.0);
	}
	/* The insider works the campaign's days, whatever their habits say. */
	const sim_camp_day *camp = sim_campaign_day(w->campaign, person, day);
	if (camp)
		works = true;
	if (!works) {
		sim_actor_fini(&l->a);
		return;
	}
	if (start_min < 300)
		start_min = 300;
	if (start_min > 900)
		start_min = 900;
	if (start_min + len_min > 23 * 60 + 45)
		len_min = 23 * 60 + 45 - start_min;
	ls_time t_in = l->day0 + (ls_time)(start_min * (double)MIN);
	ls_time t_out = t_in + (ls_time)(len_min * (double)MIN);
	ls_time lunch = l->day0 + (ls_time)((720 + ls_rng_normal(r, 10.0, 15.0)) * (double)MIN);
	ls_time lunch_end = lunch + (ls_time)sc->lunch_min * MIN;
	span spans[2];
	int nspans = 0;
	if (!weekend && lunch > t_in + 30 * MIN && lunch_end < t_out - 30 * MIN) {
		spans[nspans++] = (span){ t_in + 5 * MIN, lunch };
		spans[nspans++] = (span){ lunch_end, t_out - 2 * MIN };
	} else {
		spans[nspans++] = (span){ t_in + 5 * MIN, t_out - 2 * MIN };
		lunch = 0;
	}
	/* The laptop stays on (or comes on early) for the campaign's actions;
	 * ordinary work keeps to the usual spans. */
	if (camp) {
		if (camp->from - 15 * MIN < t_in)
			t_in = camp->from - 15 * MIN;
		if (camp->to + 5 * MIN > t_out)
			t_out = camp->to + 5 * MIN;
	}
	double active_h = 0;
	for (int i = 0; i < nspans; i++)
		active_h += (double)(spans[i].to - spans[i].from) / (double)LS_USEC_PER_HOUR;

	/* Identity of the laptop for today. */
	snprintf(l->fqdn, sizeof l->fqdn, "%s.%s", p->host, w->domain);
	snprintf(l->user, sizeof l->user, "%s\\%s", w->netbios, p->account);
	l->ctx.computer = l->fqdn;
	l->ctx.user = l->user;
	l->next_pid = 600 + (uint32_t)ls_rng_below(r, 400);

	/* DHCP: a fresh lease at arrival, renewed at half-life while on. */
	l->ip = sim_world_lease_ip(w, p, r);
	ls_time lease = (ls_time)sc->dhcp_lease_min * MIN;
	for (ls_time t = t_in - 90 * SEC; t < t_out; t += lease / 2) {
		sim_dhcp d = { .ts = t,
			       .event = "DHCPACK",
			       .ip = l->ip,
			       .mac = p->mac,
			       .host = p->host,
			       .user = p->account,
			       .lease_start = t,
			       .lease_end = t + lease,
			       .server = w->server[SIM_SRV_DHCP].ip };
		sim_emit_dhcp(&l->a, &d);
	}

	/* Logon and the shell. */
	char logon_id[20] = "0x";
	sim_hexid(r, logon_id + 2, 6);
	sim_emit_logon(&l->a, &l->ctx, t_in, p->account, w->netbios, 2, logon_id, 0);
	memset(&l->explorer, 0, sizeof l->explorer);
	l->explorer.ts = t_in + 3 * SEC;
	sim_process_guid(&l->a, l->explorer.guid);
	l->explorer.pid = new_pid(l);
	l->explorer.image = "C:\\Windows\\explorer.exe";
	l->explorer.cmdline = "C:\\Windows\\Explorer.EXE";
	l->explorer.cwd = "C:\\Windows\\system32\\";
	char userinit_guid[39];
	sim_process_guid(&l->a, userinit_guid);
	l->explorer.parent_guid = userinit_guid;
	l->explorer.parent_pid = new_pid(l);
	l->explorer.parent_image = "C:\\Windows\\System32\\userinit.exe";
	l->explorer.parent_cmdline = "C:\\Windows\\system32\\userinit.exe";
	l->explorer.integrity = "Medium";
	sim_emit_process_create(&l->a, &l->ctx, &l->explorer);

	sim_proc browser;
	sim_laptop_spawn(l, &browser, t_in + 40 * SEC + sim_jitter(r, 120 * SEC),
	                 browsers[p->browser][0], browsers[p->browser][1]);
	sim_laptop_lookup(l, &browser, browser.ts + SEC, w->server[SIM_SRV_PROXY].fqdn,
	                  w->server[SIM_SRV_PROXY].ip);

	/* Messenger: a client session per working block, chats and file sends. */
	msgr_state m;
	memset(&m, 0, sizeof m);
	char *image = NULL;
	if (p->messenger) {
		char path[160];
		sim_laptop_messenger_path(l, path, sizeof path);
		image = ls_xstrdup(path);
		sim_laptop_spawn(l, &m.proc, t_in + 60 * SEC + sim_jitter(r, 180 * SEC), image,
		                 image);
		uint64_t nmsg = ls_rng_poisson(r, sc->messenger_msgs_per_day * (active_h / 8.0));
		uint64_t nin =
		        ls_rng_poisson(r, sc->messenger_msgs_per_day * 1.3 * (active_h / 8.0));
		for (int s = 0; s < nspans; s++) {
			msgr_session_open(l, &m, spans[s].from + sim_jitter(r, 60 * SEC));
			span one = spans[s];
			double share =
			        (double)(one.to - one.from) / (active_h * (double)LS_USEC_PER_HOUR);
			uint64_t k = (uint64_t)((double)(nmsg + nin) * share + 0.5);
			for (uint64_t i = 0; i < k; i++) {
				uint64_t up, down;
				double len = ls_rng_lognormal(r, 3.5, 0.9) + 1;
				size_t n = len > 4096 ? 4096 : (size_t)len;
				if (i < nmsg * k / (nmsg + nin + 1))
					sim_channel_message_bytes(n, &up, &down);
				else
					sim_channel_message_recv_bytes(n, &up, &down);
				m.up += up;
				m.down += down;
			}
			msgr_session_close(l, &m, one.to);
		}
		uint64_t nfiles = ls_rng_poisson(r, sc->messenger_files_per_day);
		for (uint64_t i = 0; i < nfiles; i++) {
			uint64_t size = (uint64_t)ls_rng_lognormal(r, 12.5, 1.4);
			msgr_send_file(l, &m, pick_time(r, spans, nspans), size);
		}
		if (ls_rng_bernoulli(r, sc->big_send_prob)) {
			/* A video or a big document: tens to hundreds of megabytes. */
			uint64_t size = (uint64_t)ls_rng_lognormal(r, 18.5, 0.8);
			l->a.label = SIM_DECOY_VIDEO_SEND;
			msgr_send_file(l, &m, pick_time(r, spans, nspans), size);
			l->a.label = SIM_LABEL_NONE;
		}
	}

	/* Browsing, with a diurnal shape given by the working spans. */
	uint64_t nweb = ls_rng_poisson(r, sc->web_per_hour * p->web_factor * active_h);
	ls_time *tw = times_in(r, spans, nspans, nweb);
	for (uint64_t i = 0; i < nweb; i++)
		browse(l, &browser, tw[i]);
	free(tw);

	/* The file server: SMB sessions with heavy-tailed transfers. */
	uint64_t nfs = ls_rng_poisson(r, sc->fileserver_ops_per_day * active_h / 8.0);
	for (uint64_t i = 0; i < nfs; i++) {
		char uid[19];
		sim_zeek_uid(&l->a, uid);
		uint64_t down = (uint64_t)ls_rng_pareto(r, 20000.0, 1.2);
		uint64_t up =
		        ls_rng_bernoulli(r, 0.3) ? (uint64_t)ls_rng_pareto(r, 15000.0, 1.3) : 2000;
		ls_time t = pick_time(r, spans, nspans);
		sim_tcp_conn(&l->a, t, uid, l->ip, sim_eph_port(r), w->server[SIM_SRV_FILE].ip, 445,
		             "smb", sim_xfer_time(up + down, 300.0) + 200000, up, down);
	}

	/* Role work. */
	if (p->role == SIM_ROLE_ANALYST || p->role == SIM_ROLE_DBA) {
		bool dba = p->role == SIM_ROLE_DBA;
		double rate = dba ? sc->dba_queries_per_day : sc->analyst_queries_per_day;
		uint64_t nq = ls_rng_poisson(r, rate * active_h / 8.0);
		const char *app = dba ? "psql" : "DBeaver 24.0.2 - Main";
		while (nq > 0) {
			int k = (int)(1 + ls_rng_below(r, 8));
			if ((uint64_t)k > nq)
				k = (int)nq;
			nq -= (uint64_t)k;
			sim_db_session(&l->a, w, pick_time(r, spans, nspans), p->account, app,
			               l->ip, k, NULL, -1);
		}
		/* Hard negative: a large export (exports_per_week per analyst or DBA). */
		if (!weekend && ls_rng_bernoulli(r, sc->exports_per_week / 5.0 > 1
		                                            ? 1
		                                            : sc->exports_per_week / 5.0)) {
			int64_t rows = (int64_t)ls_rng_lognormal(r, 10.5, 1.4);
			if ((uint64_t)rows > sc->register_rows)
				rows = (int64_t)sc->register_rows;
			l->a.label = SIM_DECOY_ANALYST_EXPORT;
			ls_time te = pick_time(r, spans, nspans);
			sim_log_export(&l->a, te, p->account, p->host, (uint64_t)rows, "csv");
			sim_db_session(&l->a, w, te, p->account, dba ? "psql" : app, l->ip, 1,
			               dba ? "COPY (SELECT * FROM members WHERE branch = ANY($1)) "
			                     "TO STDOUT WITH CSV HEADER"
			                   : "SELECT member_id, full_name, branch, position, "
			                     "join_date FROM members WHERE join_date >= $1",
			               rows);
			l->a.label = SIM_LABEL_NONE;
		}
	}
	if (p->role == SIM_ROLE_DEVELOPER || p->role == SIM_ROLE_IT_ADMIN ||
	    p->role == SIM_ROLE_DBA) {
		uint64_t ns = ls_rng_poisson(r, sc->ssh_sessions_per_day * active_h / 8.0);
		for (uint64_t i = 0; i < ns; i++)
			ssh_session(l, pick_time(r, spans, nspans), false);
	}
	if (p->role == SIM_ROLE_DEVELOPER && ls_rng_bernoulli(r, 0.3)) {
		l->a.label = SIM_DECOY_BOT_UPLOAD;
		bot_post(l, pick_time(r, spans, nspans));
		l->a.label = SIM_LABEL_NONE;
	}
	if (p->role == SIM_ROLE_IT_ADMIN) {
		uint64_t nscp = ls_rng_poisson(r, sc->admin_scp_per_day);
		l->a.label = SIM_DECOY_ADMIN_SCP;
		for (uint64_t i = 0; i < nscp; i++)
			ssh_session(l, pick_time(r, spans, nspans), true);
		l->a.label = SIM_LABEL_NONE;
	}

	/* Hard negatives of anyone. */
	if (ls_rng_bernoulli(r, sc->archive_prob)) {
		ls_time t = pick_time(r, spans, nspans);
		bool encrypted = ls_rng_bernoulli(r, sc->encrypted_archive_frac);
		l->a.label = encrypted ? SIM_DECOY_PASSWORD_ARCHIVE : SIM_LABEL_NONE;
		make_archive(l, t, encrypted);
		l->a.label = SIM_LABEL_NONE;
	}
	if (p->cloud_sync) {
		const sim_site *cs = &w->site[SIM_SITE_CLOUD_SYNC];
		char sync_image[160];
		snprintf(sync_image, sizeof sync_image,
		         "C:\\Users\\%s\\AppData\\Local\\CloudBox\\CloudBoxSync.exe", p->account);
		sim_proc sync;
		sim_laptop_spawn(l, &sync, t_in + 2 * MIN + sim_jitter(r, 3 * MIN), sync_image,
		                 sync_image);
		for (ls_time t = t_in + 10 * MIN + sim_jitter(r, 40 * MIN); t < t_out;
		     t += 30 * MIN + sim_jitter(r, 60 * MIN)) {
			uint64_t up = (uint64_t)ls_rng_lognormal(r, 13.0, 1.6);
			l->a.label = SIM_DECOY_CLOUD_SYNC;
			web_request(l, &sync, t, cs, "POST", "/api/v1/upload", up, 600);
			l->a.label = SIM_LABEL_NONE;
		}
	}
	/* The OS checks for updates a few times a day (small requests). */
	for (ls_time t = t_in + 15 * MIN + sim_jitter(r, 60 * MIN); t < t_out;
	     t += 4 * LS_USEC_PER_HOUR + sim_jitter(r, LS_USEC_PER_HOUR)) {
		const sim_site *os = &w->site[SIM_SITE_OS_UPDATE];
		web_request(l, NULL, t, os, "GET", "/v6/check", 1800,
		            (uint64_t)ls_rng_lognormal(r, 9.0, 0.8));
	}
	if (ls_rng_bernoulli(r, sc->big_download_prob)) {
		const sim_site *site =
		        &w->site[ls_rng_bernoulli(r, 0.6) ? SIM_SITE_OS_UPDATE : SIM_SITE_SOFTWARE];
		uint64_t down = (uint64_t)(ls_rng_double(r) * 3.5e9) + 400u * 1024 * 1024;
		l->a.label = SIM_DECOY_BIG_DOWNLOAD;
		web_request(l, &browser, pick_time(r, spans, nspans), site, "GET",
		            "/releases/installer-x64.iso", 900, down);
		l->a.label = SIM_LABEL_NONE;
	}

	if (camp)
		sim_campaign_act(w->campaign, camp, l, p->messenger ? &m.proc : NULL);
	free(image);

	/* Lunch lock/unlock, then logoff and lease release. */
	if (lunch) {
		char unlock_id[20] = "0x";
		sim_hexid(r, unlock_id + 2, 6);
		sim_emit_logon(&l->a, &l->ctx, lunch_end + sim_jitter(r, 3 * MIN), p->account,
		               w->netbios, 7, unlock_id, 0);
	}
	sim_emit_logoff(&l->a, &l->ctx, t_out, p->account, w->netbios, 2, logon_id);
	sim_dhcp rel = { .ts = t_out + 30 * SEC,
		         .event = "DHCPRELEASE",
		         .ip = l->ip,
		         .mac = p->mac,
		         .host = p->host,
		         .user = p->account,
		         .lease_start = t_in - 90 * SEC,
		         .lease_end = t_out + 30 * SEC,
		         .server = w->server[SIM_SRV_DHCP].ip };
	sim_emit_dhcp(&l->a, &rel);
	sim_actor_fini(&l->a);
}

/* ------------------------------------------------------------ servers */

/* Diurnal load of the member-facing app, 0..1, by local hour. */
static double app_load(int hour)
{
	static const double load[24] = { 0.15, 0.1, 0.08, 0.08, 0.1, 0.15, 0.3, 0.55,
		                         0.85, 1.0, 1.0,  0.95, 0.8, 0.9,  1.0, 0.95,
		                         0.9,  0.8, 0.7,  0.6,  0.5, 0.4,  0.3, 0.2 };
	return load[hour % 24];
}

void sim_servers_day(const sim_world *w, sim_batch *b, uint32_t day)
{
	const sim_scenario *sc = w->sc;
	ls_time day0 = sim_day_start(w, day);

	/* The app server's service account, through a pool reconnecting hourly. */
	sim_actor a;
	sim_actor_init_world(&a, w, b, SIM_ENT_SERVER(SIM_SRV_APP), "actor", day);
	for (int h = 0; h < 24; h++) {
		ls_time h0 = day0 + (ls_time)h * LS_USEC_PER_HOUR;
		int nq = (int)ls_rng_poisson(&a.rng,
		                             sc->app_queries_per_min * 60.0 * app_load(h) / 20.0);
		/* Each "query" here is a batch of ~20 the audit policy logs as one session. */
		sim_db_session(&a, w, h0 + sim_jitter(&a.rng, 5 * MIN), "svc_app", "member-portal",
		               w->server[SIM_SRV_APP].ip, nq, NULL, -1);
	}
	sim_actor_fini(&a);

	/* cron and monitoring on every Linux server, every ten minutes. */
	static const sim_server_id linux_servers[] = { SIM_SRV_DB,  SIM_SRV_JUMP,   SIM_SRV_FILE,
		                                       SIM_SRV_APP, SIM_SRV_BACKUP, SIM_SRV_PROXY };
	for (size_t i = 0; i < COUNT(linux_servers); i++) {
		const sim_server *s = &w->server[linux_servers[i]];
		sim_actor_init_world(&a, w, b, SIM_ENT_SERVER(linux_servers[i]), "cron", day);
		for (int k = 0; k < 144; k++) {
			ls_time t = day0 + (ls_time)k * 10 * MIN +
			            1000 * (ls_time)ls_rng_below(&a.rng, 900);
			uint32_t pid = 10000 + (uint32_t)ls_rng_below(&a.rng, 50000);
			sim_syslog sl = { .ts = t,
				          .pri = SIM_PRI_CRON_INFO,
				          .host = s->name,
				          .app = "CRON",
				          .pid = pid,
				          .msg = "pam_unix(cron:session): session opened for user "
				                 "root(uid=0) by (uid=0)" };
			sim_emit_syslog(&a, &sl);
			sl.ts += 20000;
			sl.msg = "(root) CMD (/usr/lib/monitoring/check-health.sh >/dev/null 2>&1)";
			sim_emit_syslog(&a, &sl);
			sl.ts += 900000 + 1000 * (ls_time)ls_rng_below(&a.rng, 2000);
			sl.msg = "pam_unix(cron:session): session closed for user root";
			sim_emit_syslog(&a, &sl);
		}
		sim_actor_fini(&a);
	}

	/* Package updates: each Linux server refreshes its package lists at night. */
	for (size_t i = 0; i < COUNT(linux_servers); i++) {
		const sim_server *srv = &w->server[linux_servers[i]];
		const sim_server *proxy = &w->server[SIM_SRV_PROXY];
		const sim_site *repo = &w->site[SIM_SITE_OS_UPDATE];
		sim_actor_init_world(&a, w, b, SIM_ENT_SERVER(linux_servers[i]), "updates", day);
		ls_time t = day0 + 3 * LS_USEC_PER_HOUR + sim_jitter(&a.rng, 30 * MIN);
		static const char *const files[] = {
			"/debian/dists/stable/InRelease",
			"/debian/dists/stable/main/binary-amd64/Packages.xz",
			"/debian-security/dists/stable-security/InRelease"
		};
		for (size_t k = 0; k < COUNT(files);
		     k++, t += 400000 + sim_jitter(&a.rng, 900000)) {
			uint64_t down = k == 1 ? (uint64_t)ls_rng_lognormal(&a.rng, 15.5, 0.3)
			                       : (uint64_t)ls_rng_lognormal(&a.rng, 11.0, 0.3);
			ls_time dur = sim_xfer_time(down, 100.0) + 30000;
			sim_proxy px = { .ts = t,
				         .c_ip = srv->ip,
				         .user = NULL,
				         .method = "GET",
				         .host = repo->host,
				         .port = 80,
				         .path = files[k],
				         .useragent = "Debian APT-HTTP/1.3 (2.6.1)",
				         .cs_bytes = 240,
				         .sc_bytes = down,
				         .status = 200,
				         .dst_ip = repo->ip,
				         .duration = dur };
			sim_emit_proxy(&a, &px);
			char uid[19];
			sim_zeek_uid(&a, uid);
			sim_tcp_conn(&a, t + 5000, uid, proxy->ip, sim_eph_port(&a.rng), repo->ip,
			             80, "http", dur, 420, down + 300);
		}
		sim_actor_fini(&a);
	}

	/* The nightly pg_dump of the register to the backup server. */
	if (sc->nightly_backup) {
		const sim_server *bak = &w->server[SIM_SRV_BACKUP];
		sim_actor_init_world(&a, w, b, SIM_ENT_SERVER(SIM_SRV_BACKUP), "backup", day);
		a.label = SIM_DECOY_DBA_BACKUP;
		ls_time t =
		        day0 + (ls_time)sc->backup_time_min * MIN + sim_jitter(&a.rng, 20 * SEC);
		char cmd[300];
		ls_civil c;
		ls_time_to_civil(day0 + (ls_time)sc->utc_offset_min * MIN, &c);
		snprintf(cmd, sizeof cmd,
		         "(backup) CMD (pg_dump -h %s -U backup -Fc register > "
		         "/srv/backup/register-%04d%02d%02d.dump)",
		         w->server[SIM_SRV_DB].fqdn, c.year, c.month, c.day);
		sim_syslog sl = { .ts = t,
			          .pri = SIM_PRI_CRON_INFO,
			          .host = bak->name,
			          .app = "CRON",
			          .pid = 20000 + (uint32_t)ls_rng_below(&a.rng, 40000),
			          .msg = cmd };
		sim_emit_syslog(&a, &sl);
		sim_log_export(&a, t + 400000, "backup", bak->name, sc->register_rows, "pg_dump");
		sim_db_session(
		        &a, w, t + 400000, "backup", "pg_dump", bak->ip, 2,
		        "COPY public.members (member_id, full_name, branch, position, birth_date, "
		        "join_date, resident_id, phone) TO stdout;",
		        (int64_t)sc->register_rows);
		sim_actor_fini(&a);
	}
}

/* ------------------------------------------------------------ channels */

static const char *const channel_names[] = { "harbour-city-news", "weekend-recipes",
	                                     "tech-deals-daily", "union-announcements" };

void sim_channels_day(const sim_world *w, sim_batch *b, uint32_t day)
{
	ls_time day0 = sim_day_start(w, day);
	for (size_t i = 0; i < COUNT(channel_names); i++) {
		sim_actor a;
		sim_actor_init_world(&a, w, b, SIM_ENT_OUTSIDE(i), "channel", day);
		uint64_t n = ls_rng_poisson(&a.rng, 3.0);
		ls_time *ts = ls_xcalloc(n ? n : 1, sizeof *ts);
		for (uint64_t k = 0; k < n; k++)
			ts[k] = day0 + (ls_time)(7 * 60 + ls_rng_below(&a.rng, 15 * 60)) * MIN +
			        sim_jitter(&a.rng, MIN);
		qsort(ts, n, sizeof *ts, cmp_time);
		for (uint64_t k = 0; k < n; k++) {
			char name[64], sha[65];
			bool file = ls_rng_bernoulli(&a.rng, 0.35);
			bool video = ls_rng_bernoulli(&a.rng, 0.5);
			snprintf(name, sizeof name, "%s-%u.%s", video ? "clip" : "issue",
			         (unsigned)ls_rng_below(&a.rng, 100000), video ? "mp4" : "pdf");
			sim_hexid(&a.rng, sha, 64);
			sim_post p = { .ts = ts[k],
				       .channel = channel_names[i],
				       .post_id = (uint64_t)day * 100 + k + 1,
				       .text = file ? "New file" : "Update",
				       .file_name = file ? name : NULL,
				       .file_size = file ? (uint64_t)ls_rng_lognormal(
				                                   &a.rng, video ? 17.0 : 13.5, 1.0)
				                         : 0,
				       .file_sha256 = sha,
				       .views = (uint64_t)ls_rng_lognormal(&a.rng, 7.0, 1.0) };
			sim_emit_post(&a, &p);
		}
		free(ts);
		sim_actor_fini(&a);
	}
}

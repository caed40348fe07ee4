/*
 * json.c - the JSON Lines sources: proxy, Sysmon-style endpoint events,
 * PostgreSQL jsonlog audit, DHCP and the messaging service.
 *
 * Every record starts with "timestamp" (RFC 3339, UTC, microseconds) and
 * "rid". Endpoint records use Sysmon's field names and carry EventID,
 * Channel, Provider_Name and Computer, so Sigma's windows rules apply.
 */
#include <string.h>

#include "core/json.h"
#include "sim/sensors.h"

static void ip_str(ls_jw *w, uint32_t v)
{
	char t[16];
	ls_jw_str(w, ls_sv_make(t, sim_ip_text(v, t)));
}

/* Open a record: {"timestamp":...,"rid":... */
/* Returns the time the source's clock logs (see sim_rec_begin). */
static ls_time open_rec(sim_actor *a, sim_source src, ls_time ts, ls_jw *w)
{
	char rid[SIM_RID_LEN + 1];
	ls_buf *b = sim_rec_begin(a, src, &ts, rid);
	ls_jw_init(w, b);
	ls_jw_object_begin(w);
	LS_JW_KEY(w, "timestamp");
	ls_jw_time(w, ts, 6);
	LS_JW_KEY(w, "rid");
	ls_jw_str(w, ls_sv_make(rid, SIM_RID_LEN));
	return ts;
}

static void close_rec(sim_actor *a, sim_source src, ls_jw *w)
{
	ls_jw_object_end(w);
	sim_rec_end(a, src);
}

/* ------------------------------------------------------------------ proxy */

void sim_emit_proxy(sim_actor *a, const sim_proxy *p)
{
	ls_jw w;
	open_rec(a, SIM_SRC_PROXY, p->ts, &w);
	LS_JW_KEY(&w, "c-ip");
	ip_str(&w, p->c_ip);
	LS_JW_KEY(&w, "cs-username");
	ls_jw_str_cstr(&w, p->user ? p->user : "-");
	LS_JW_KEY(&w, "cs-method");
	ls_jw_str_cstr(&w, p->method);
	LS_JW_KEY(&w, "cs-host");
	ls_jw_str_cstr(&w, p->host);
	LS_JW_KEY(&w, "c-uri");
	{
		/* The full URL; stem, query and extension are views of the path. */
		bool connect = p->path == NULL;
		ls_buf *u = ls_jw_str_begin(&w);
		if (connect) {
			ls_buf_append_cstr(u, p->host);
			ls_buf_append_char(u, ':');
			ls_buf_append_u64(u, p->port);
		} else {
			ls_buf_append_cstr(u, p->port == 443 ? "https://" : "http://");
			ls_buf_append_cstr(u, p->host);
			ls_json_escape(u, ls_sv_from_cstr(p->path));
		}
		ls_jw_str_end(&w);
		const char *path = connect ? "" : p->path;
		const char *q = strchr(path, '?');
		size_t stem_len = q ? (size_t)(q - path) : strlen(path);
		LS_JW_KEY(&w, "c-uri-stem");
		ls_jw_str(&w, ls_sv_make(path, stem_len));
		LS_JW_KEY(&w, "c-uri-query");
		ls_jw_str_cstr(&w, q ? q + 1 : "");
		const char *dot = NULL;
		for (size_t i = stem_len; i > 0; i--) {
			if (path[i - 1] == '/')
				break;
			if (path[i - 1] == '.') {
				dot = path + i;
				break;
			}
		}
		LS_JW_KEY(&w, "c-uri-extension");
		ls_jw_str(&w, dot ? ls_sv_make(dot, (size_t)(path + stem_len - dot)) : LS_SV_LIT(""));
	}
	LS_JW_KEY(&w, "cs-version");
	ls_jw_str_cstr(&w, "HTTP/1.1");
	LS_JW_KEY(&w, "c-useragent");
	ls_jw_str_cstr(&w, p->useragent);
	LS_JW_KEY(&w, "cs-bytes");
	ls_jw_u64(&w, p->cs_bytes);
	LS_JW_KEY(&w, "sc-bytes");
	ls_jw_u64(&w, p->sc_bytes);
	LS_JW_KEY(&w, "sc-status");
	ls_jw_u64(&w, p->status);
	LS_JW_KEY(&w, "dst-ip");
	ip_str(&w, p->dst_ip);
	LS_JW_KEY(&w, "time-taken");
	ls_jw_u64(&w, (uint64_t)(p->duration / 1000));
	close_rec(a, SIM_SRC_PROXY, &w);
}

/* ----------------------------------------------------------------- sysmon */

static void utc_time(ls_jw *w, ls_time t)
{
	/* Sysmon's UtcTime: "YYYY-MM-DD hh:mm:ss.mmm". */
	ls_time_format_fields(ls_jw_str_begin(w), t, '-', ' ', ':', 3);
	ls_jw_str_end(w);
}

static void sysmon_head(ls_jw *w, int eid, const sim_host_ctx *h, ls_time ts)
{
	LS_JW_KEY(w, "EventID");
	ls_jw_u64(w, (uint64_t)eid);
	LS_JW_KEY(w, "Channel");
	ls_jw_str_cstr(w, "Microsoft-Windows-Sysmon/Operational");
	LS_JW_KEY(w, "Provider_Name");
	ls_jw_str_cstr(w, "Microsoft-Windows-Sysmon");
	LS_JW_KEY(w, "Computer");
	ls_jw_str_cstr(w, h->computer);
	LS_JW_KEY(w, "UtcTime");
	utc_time(w, ts);
}

static void proc_ref(ls_jw *w, const sim_proc *p)
{
	LS_JW_KEY(w, "ProcessGuid");
	ls_jw_str_cstr(w, p->guid);
	LS_JW_KEY(w, "ProcessId");
	ls_jw_u64(w, p->pid);
	LS_JW_KEY(w, "Image");
	ls_jw_str_cstr(w, p->image);
}

void sim_emit_process_create(sim_actor *a, const sim_host_ctx *h, const sim_proc *p)
{
	ls_jw w;
	ls_time lt = open_rec(a, SIM_SRC_SYSMON, p->ts, &w);
	sysmon_head(&w, 1, h, lt);
	proc_ref(&w, p);
	const char *base = strrchr(p->image, '\\');
	LS_JW_KEY(&w, "OriginalFileName");
	ls_jw_str_cstr(&w, p->original ? p->original : base ? base + 1 : p->image);
	LS_JW_KEY(&w, "CommandLine");
	ls_jw_str_cstr(&w, p->cmdline);
	LS_JW_KEY(&w, "CurrentDirectory");
	ls_jw_str_cstr(&w, p->cwd);
	LS_JW_KEY(&w, "User");
	ls_jw_str_cstr(&w, h->user);
	LS_JW_KEY(&w, "IntegrityLevel");
	ls_jw_str_cstr(&w, p->integrity ? p->integrity : "Medium");
	LS_JW_KEY(&w, "ParentProcessGuid");
	ls_jw_str_cstr(&w, p->parent_guid);
	LS_JW_KEY(&w, "ParentProcessId");
	ls_jw_u64(&w, p->parent_pid);
	LS_JW_KEY(&w, "ParentImage");
	ls_jw_str_cstr(&w, p->parent_image);
	LS_JW_KEY(&w, "ParentCommandLine");
	ls_jw_str_cstr(&w, p->parent_cmdline);
	close_rec(a, SIM_SRC_SYSMON, &w);
}

void sim_emit_network_connect(sim_actor *a, const sim_host_ctx *h, const sim_proc *p, ls_time ts,
                              uint32_t src_ip, uint16_t src_port, uint32_t dst_ip,
                              uint16_t dst_port, const char *dst_host)
{
	ls_jw w;
	ls_time lt = open_rec(a, SIM_SRC_SYSMON, ts, &w);
	sysmon_head(&w, 3, h, lt);
	proc_ref(&w, p);
	LS_JW_KEY(&w, "User");
	ls_jw_str_cstr(&w, h->user);
	LS_JW_KEY(&w, "Protocol");
	ls_jw_str_cstr(&w, "tcp");
	LS_JW_KEY(&w, "Initiated");
	ls_jw_bool(&w, true);
	LS_JW_KEY(&w, "SourceIp");
	ip_str(&w, src_ip);
	LS_JW_KEY(&w, "SourceHostname");
	ls_jw_str_cstr(&w, h->computer);
	LS_JW_KEY(&w, "SourcePort");
	ls_jw_u64(&w, src_port);
	LS_JW_KEY(&w, "DestinationIp");
	ip_str(&w, dst_ip);
	LS_JW_KEY(&w, "DestinationHostname");
	ls_jw_str_cstr(&w, dst_host ? dst_host : "-");
	LS_JW_KEY(&w, "DestinationPort");
	ls_jw_u64(&w, dst_port);
	close_rec(a, SIM_SRC_SYSMON, &w);
}

void sim_emit_file_create(sim_actor *a, const sim_host_ctx *h, const sim_proc *p, ls_time ts,
                          const char *target)
{
	ls_jw w;
	ls_time lt = open_rec(a, SIM_SRC_SYSMON, ts, &w);
	sysmon_head(&w, 11, h, lt);
	proc_ref(&w, p);
	LS_JW_KEY(&w, "TargetFilename");
	ls_jw_str_cstr(&w, target);
	LS_JW_KEY(&w, "CreationUtcTime");
	utc_time(&w, lt);
	LS_JW_KEY(&w, "User");
	ls_jw_str_cstr(&w, h->user);
	close_rec(a, SIM_SRC_SYSMON, &w);
}

void sim_emit_dns_query(sim_actor *a, const sim_host_ctx *h, const sim_proc *p, ls_time ts,
                        const char *query, uint32_t answer_ip)
{
	ls_jw w;
	ls_time lt = open_rec(a, SIM_SRC_SYSMON, ts, &w);
	sysmon_head(&w, 22, h, lt);
	proc_ref(&w, p);
	LS_JW_KEY(&w, "QueryName");
	ls_jw_str_cstr(&w, query);
	LS_JW_KEY(&w, "QueryStatus");
	ls_jw_str_cstr(&w, answer_ip ? "0" : "9003");
	LS_JW_KEY(&w, "QueryResults");
	if (answer_ip) {
		char t[16];
		sim_ip_text(answer_ip, t);
		ls_buf *q = ls_jw_str_begin(&w);
		ls_buf_append_cstr(q, "::ffff:");
		ls_buf_append_cstr(q, t);
		ls_buf_append_char(q, ';');
		ls_jw_str_end(&w);
	} else {
		ls_jw_str_cstr(&w, "-");
	}
	LS_JW_KEY(&w, "User");
	ls_jw_str_cstr(&w, h->user);
	close_rec(a, SIM_SRC_SYSMON, &w);
}

static void security_head(ls_jw *w, int eid, const sim_host_ctx *h)
{
	LS_JW_KEY(w, "EventID");
	ls_jw_u64(w, (uint64_t)eid);
	LS_JW_KEY(w, "Channel");
	ls_jw_str_cstr(w, "Security");
	LS_JW_KEY(w, "Provider_Name");
	ls_jw_str_cstr(w, "Microsoft-Windows-Security-Auditing");
	LS_JW_KEY(w, "Computer");
	ls_jw_str_cstr(w, h->computer);
}

/* The fields 4624 and 4634 share. */
static void logon_fields(ls_jw *w, const sim_host_ctx *h, int eid, const char *account,
                         const char *domain, int logon_type, const char *logon_id)
{
	security_head(w, eid, h);
	LS_JW_KEY(w, "TargetUserName");
	ls_jw_str_cstr(w, account);
	LS_JW_KEY(w, "TargetDomainName");
	ls_jw_str_cstr(w, domain);
	LS_JW_KEY(w, "TargetLogonId");
	ls_jw_str_cstr(w, logon_id);
	LS_JW_KEY(w, "LogonType");
	ls_jw_u64(w, (uint64_t)logon_type);
}

void sim_emit_logon(sim_actor *a, const sim_host_ctx *h, ls_time ts, const char *account,
                    const char *domain, int logon_type, const char *logon_id, uint32_t ip)
{
	ls_jw w;
	open_rec(a, SIM_SRC_SYSMON, ts, &w);
	logon_fields(&w, h, 4624, account, domain, logon_type, logon_id);
	LS_JW_KEY(&w, "LogonProcessName");
	ls_jw_str_cstr(&w, logon_type == 3 ? "NtLmSsp" : "User32");
	LS_JW_KEY(&w, "AuthenticationPackageName");
	ls_jw_str_cstr(&w, logon_type == 3 ? "NTLM" : "Negotiate");
	LS_JW_KEY(&w, "WorkstationName");
	ls_jw_str(&w, ls_sv_make(h->computer, strcspn(h->computer, ".")));
	LS_JW_KEY(&w, "IpAddress");
	if (ip)
		ip_str(&w, ip);
	else
		ls_jw_str_cstr(&w, "127.0.0.1");
	close_rec(a, SIM_SRC_SYSMON, &w);
}

void sim_emit_logoff(sim_actor *a, const sim_host_ctx *h, ls_time ts, const char *account,
                     const char *domain, int logon_type, const char *logon_id)
{
	ls_jw w;
	open_rec(a, SIM_SRC_SYSMON, ts, &w);
	logon_fields(&w, h, 4634, account, domain, logon_type, logon_id);
	close_rec(a, SIM_SRC_SYSMON, &w);
}

/* ------------------------------------------------------------- PostgreSQL */

void sim_emit_db(sim_actor *a, const sim_db *d)
{
	ls_jw w;
	open_rec(a, SIM_SRC_DB_AUDIT, d->ts, &w);
	LS_JW_KEY(&w, "user");
	ls_jw_str_cstr(&w, d->user);
	LS_JW_KEY(&w, "dbname");
	ls_jw_str_cstr(&w, d->dbname);
	LS_JW_KEY(&w, "pid");
	ls_jw_u64(&w, d->pid);
	LS_JW_KEY(&w, "remote_host");
	ip_str(&w, d->remote_host);
	LS_JW_KEY(&w, "remote_port");
	ls_jw_u64(&w, d->remote_port);
	LS_JW_KEY(&w, "session_id");
	ls_jw_str_cstr(&w, d->session_id);
	LS_JW_KEY(&w, "line_num");
	ls_jw_u64(&w, d->line_num);
	LS_JW_KEY(&w, "session_start");
	ls_jw_time(&w, sim_logged_time(a, SIM_SRC_DB_AUDIT, d->session_start), 0);
	LS_JW_KEY(&w, "error_severity");
	ls_jw_str_cstr(&w, "LOG");
	LS_JW_KEY(&w, "message");
	ls_jw_str_cstr(&w, d->message);
	LS_JW_KEY(&w, "application_name");
	ls_jw_str_cstr(&w, d->app_name);
	LS_JW_KEY(&w, "backend_type");
	ls_jw_str_cstr(&w, "client backend");
	if (d->rows >= 0) {
		LS_JW_KEY(&w, "rows");
		ls_jw_i64(&w, d->rows);
	}
	close_rec(a, SIM_SRC_DB_AUDIT, &w);
}

/* ------------------------------------------------------------------- DHCP */

void sim_emit_dhcp(sim_actor *a, const sim_dhcp *d)
{
	ls_jw w;
	open_rec(a, SIM_SRC_DHCP, d->ts, &w);
	LS_JW_KEY(&w, "event");
	ls_jw_str_cstr(&w, d->event);
	LS_JW_KEY(&w, "ip");
	ip_str(&w, d->ip);
	LS_JW_KEY(&w, "mac");
	{
		static const char hex[] = "0123456789abcdef";
		char m[18];
		for (int i = 0; i < 6; i++) {
			m[3 * i] = hex[d->mac[i] >> 4];
			m[3 * i + 1] = hex[d->mac[i] & 15];
			m[3 * i + 2] = i < 5 ? ':' : '\0';
		}
		ls_jw_str_cstr(&w, m);
	}
	LS_JW_KEY(&w, "host");
	ls_jw_str_cstr(&w, d->host);
	LS_JW_KEY(&w, "user");
	ls_jw_str_cstr(&w, d->user);
	LS_JW_KEY(&w, "lease_start");
	ls_jw_time(&w, sim_logged_time(a, SIM_SRC_DHCP, d->lease_start), 0);
	LS_JW_KEY(&w, "lease_end");
	ls_jw_time(&w, sim_logged_time(a, SIM_SRC_DHCP, d->lease_end), 0);
	LS_JW_KEY(&w, "server");
	ip_str(&w, d->server);
	close_rec(a, SIM_SRC_DHCP, &w);
}

/* -------------------------------------------------------------- messaging */

void sim_emit_post(sim_actor *a, const sim_post *p)
{
	ls_jw w;
	open_rec(a, SIM_SRC_MESSAGING, p->ts, &w);
	LS_JW_KEY(&w, "event");
	ls_jw_str_cstr(&w, "channel_post");
	LS_JW_KEY(&w, "channel");
	ls_jw_str_cstr(&w, p->channel);
	LS_JW_KEY(&w, "post_id");
	ls_jw_u64(&w, p->post_id);
	LS_JW_KEY(&w, "text");
	ls_jw_str_cstr(&w, p->text);
	if (p->file_name) {
		LS_JW_KEY(&w, "file_name");
		ls_jw_str_cstr(&w, p->file_name);
		LS_JW_KEY(&w, "file_size");
		ls_jw_u64(&w, p->file_size);
		LS_JW_KEY(&w, "file_sha256");
		ls_jw_str_cstr(&w, p->file_sha256);
	}
	LS_JW_KEY(&w, "views");
	ls_jw_u64(&w, p->views);
	close_rec(a, SIM_SRC_MESSAGING, &w);
}

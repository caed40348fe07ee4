/*
 * zeek.c - Zeek TSV logs: conn.log, dns.log and ssl.log.
 *
 * Columns are Zeek's own (conn, dns and ssl as Zeek 6 writes them) followed
 * by leaksim's "rid" column. Unset values are "-", empty ones "(empty)",
 * times are epoch seconds with microseconds, intervals seconds with
 * microseconds. A uid is shared by every log line of one connection.
 */
#include <string.h>

#include "sim/sensors.h"

static const char conn_fields[] =
	"ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\t"
	"orig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\t"
	"orig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents\trid";
static const char conn_types[] =
	"time\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\t"
	"bool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]\tstring";
static const char dns_fields[] =
	"ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id\trtt\tquery\t"
	"qclass\tqclass_name\tqtype\tqtype_name\trcode\trcode_name\tAA\tTC\tRD\tRA\tZ\t"
	"answers\tTTLs\trejected\trid";
static const char dns_types[] =
	"time\tstring\taddr\tport\taddr\tport\tenum\tcount\tinterval\tstring\tcount\tstring\t"
	"count\tstring\tcount\tstring\tbool\tbool\tbool\tbool\tcount\tvector[string]\t"
	"vector[interval]\tbool\tstring";
static const char ssl_fields[] =
	"ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tversion\tcipher\tcurve\t"
	"server_name\tresumed\tlast_alert\tnext_protocol\testablished\tssl_history\t"
	"cert_chain_fps\tclient_cert_chain_fps\tsni_matches_cert\trid";
static const char ssl_types[] =
	"time\tstring\taddr\tport\taddr\tport\tstring\tstring\tstring\tstring\tbool\tstring\t"
	"string\tbool\tstring\tvector[string]\tvector[string]\tbool\tstring";

void sim_zeek_header(ls_buf *b, sim_source src, ls_time open)
{
	const char *path = src == SIM_SRC_CONN ? "conn" : src == SIM_SRC_DNS ? "dns" : "ssl";
	const char *fields = src == SIM_SRC_CONN ? conn_fields
	                     : src == SIM_SRC_DNS ? dns_fields
	                                          : ssl_fields;
	const char *types = src == SIM_SRC_CONN ? conn_types
	                    : src == SIM_SRC_DNS ? dns_types
	                                         : ssl_types;
	ls_buf_append_cstr(b, "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n"
	                      "#unset_field\t-\n#path\t");
	ls_buf_append_cstr(b, path);
	ls_buf_append_cstr(b, "\n#open\t");
	ls_time_format_fields(b, open, '-', '-', '-', 0);
	ls_buf_append_cstr(b, "\n#fields\t");
	ls_buf_append_cstr(b, fields);
	ls_buf_append_cstr(b, "\n#types\t");
	ls_buf_append_cstr(b, types);
	ls_buf_append_char(b, '\n');
}

void sim_zeek_close(ls_buf *b, ls_time close)
{
	ls_buf_append_cstr(b, "#close\t");
	ls_time_format_fields(b, close, '-', '-', '-', 0);
	ls_buf_append_char(b, '\n');
}

static void ip(ls_buf *b, uint32_t v)
{
	char t[16];
	ls_buf_append(b, t, sim_ip_text(v, t));
}

static void tab(ls_buf *b)
{
	ls_buf_append_char(b, '\t');
}

static void col_str(ls_buf *b, const char *s)
{
	tab(b);
	ls_buf_append_cstr(b, s && *s ? s : (s ? "(empty)" : "-"));
}

static void col_u64(ls_buf *b, uint64_t v)
{
	tab(b);
	ls_buf_append_u64(b, v);
}

/* Seconds with six decimals: Zeek's interval rendering. */
static void col_interval(ls_buf *b, ls_time us)
{
	tab(b);
	ls_buf_append_u64(b, (uint64_t)(us / LS_USEC_PER_SEC));
	ls_buf_append_char(b, '.');
	ls_buf_append_u64_padded(b, (uint64_t)(us % LS_USEC_PER_SEC), 6);
}

static void endpoints(ls_buf *b, ls_time ts, const char *uid, uint32_t oh, uint16_t op,
                      uint32_t rh, uint16_t rp)
{
	ls_time_format_zeek(b, ts);
	col_str(b, uid);
	tab(b);
	ip(b, oh);
	col_u64(b, op);
	tab(b);
	ip(b, rh);
	col_u64(b, rp);
}

/* IP header bytes: 20 per IPv4 packet plus the TCP (32 with timestamps) or UDP (8) header. */
static uint64_t ip_bytes(const char *proto, uint64_t payload, uint64_t pkts)
{
	return payload + pkts * (strcmp(proto, "udp") == 0 ? 28u : 52u);
}

void sim_emit_conn(sim_actor *a, const sim_conn *c)
{
	char rid[SIM_RID_LEN + 1];
	ls_time ts = c->ts;
	ls_buf *b = sim_rec_begin(a, SIM_SRC_CONN, &ts, rid);
	endpoints(b, ts, c->uid, c->orig_h, c->orig_p, c->resp_h, c->resp_p);
	col_str(b, c->proto);
	col_str(b, c->service);
	col_interval(b, c->duration);
	col_u64(b, c->orig_bytes);
	col_u64(b, c->resp_bytes);
	col_str(b, c->conn_state);
	bool lo = (c->orig_h >> 24) == 10, lr = (c->resp_h >> 24) == 10;
	col_str(b, lo ? "T" : "F");
	col_str(b, lr ? "T" : "F");
	col_u64(b, 0);
	col_str(b, c->history);
	col_u64(b, c->orig_pkts);
	col_u64(b, ip_bytes(c->proto, c->orig_bytes, c->orig_pkts));
	col_u64(b, c->resp_pkts);
	col_u64(b, ip_bytes(c->proto, c->resp_bytes, c->resp_pkts));
	col_str(b, NULL);
	col_str(b, rid);
	sim_rec_end(a, SIM_SRC_CONN);
}

static const char *qtype_name(uint16_t t)
{
	switch (t) {
	case 1: return "A";
	case 28: return "AAAA";
	case 12: return "PTR";
	case 33: return "SRV";
	case 16: return "TXT";
	default: return "A";
	}
}

void sim_emit_dns(sim_actor *a, const sim_dns *d)
{
	char rid[SIM_RID_LEN + 1];
	ls_time ts = d->ts;
	ls_buf *b = sim_rec_begin(a, SIM_SRC_DNS, &ts, rid);
	endpoints(b, ts, d->uid, d->orig_h, d->orig_p, d->resp_h, 53);
	col_str(b, "udp");
	col_u64(b, d->trans_id);
	col_interval(b, d->rtt);
	col_str(b, d->query);
	col_u64(b, 1);
	col_str(b, "C_INTERNET");
	col_u64(b, d->qtype);
	col_str(b, qtype_name(d->qtype));
	col_u64(b, d->rcode);
	col_str(b, d->rcode == 0 ? "NOERROR" : d->rcode == 3 ? "NXDOMAIN" : "SERVFAIL");
	col_str(b, "F");
	col_str(b, "F");
	col_str(b, "T");
	col_str(b, d->rcode == 0 || d->rcode == 3 ? "T" : "F");
	col_u64(b, 0);
	if (d->answer_ip) {
		tab(b);
		ip(b, d->answer_ip);
		col_interval(b, (ls_time)d->ttl * LS_USEC_PER_SEC);
	} else {
		col_str(b, NULL);
		col_str(b, NULL);
	}
	col_str(b, "F");
	col_str(b, rid);
	sim_rec_end(a, SIM_SRC_DNS);
}

void sim_emit_ssl(sim_actor *a, const sim_ssl *s)
{
	char rid[SIM_RID_LEN + 1];
	ls_time ts = s->ts;
	ls_buf *b = sim_rec_begin(a, SIM_SRC_SSL, &ts, rid);
	endpoints(b, ts, s->uid, s->orig_h, s->orig_p, s->resp_h, s->resp_p);
	col_str(b, "TLSv13");
	col_str(b, "TLS_AES_128_GCM_SHA256");
	col_str(b, "x25519");
	col_str(b, s->server_name);
	col_str(b, s->resumed ? "T" : "F");
	col_str(b, NULL);
	col_str(b, s->server_name ? "h2" : NULL);
	col_str(b, s->established ? "T" : "F");
	col_str(b, s->established ? "CsiI" : "Cs");
	col_str(b, NULL);
	col_str(b, NULL);
	col_str(b, NULL);
	col_str(b, rid);
	sim_rec_end(a, SIM_SRC_SSL);
}

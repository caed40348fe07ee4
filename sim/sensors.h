/*
 * sensors.h - what each sensor writes when it sees an action.
 *
 * One function per record type turns a plain struct into one line of its
 * source's real format and hands it to the batch (emit.h). Field names follow
 * the Sigma taxonomy in JSON Lines, Zeek's own columns in Zeek logs and RFC
 * 5424 in auth.log, each with a record id: a "rid" field, a "rid" column, or
 * [leaksim@32473 rid="..."] structured data. Every timestamp is UTC.
 *
 * Strings in these structs are borrowed for the duration of the call.
 */
#ifndef SIM_SENSORS_H
#define SIM_SENSORS_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/emit.h"

/* --------------------------------------------------------------- Zeek */

typedef struct sim_conn {
	ls_time ts;
	const char *uid;
	uint32_t orig_h, resp_h;
	uint16_t orig_p, resp_p;
	const char *proto;   /* "tcp" | "udp" */
	const char *service; /* NULL: unset */
	ls_time duration;
	uint64_t orig_bytes, resp_bytes;
	const char *conn_state; /* "SF", "S0", ... */
	const char *history;
	uint64_t orig_pkts, resp_pkts;
} sim_conn;

typedef struct sim_dns {
	ls_time ts;
	const char *uid;
	uint32_t orig_h, resp_h;
	uint16_t orig_p;
	uint16_t trans_id;
	ls_time rtt;
	const char *query;
	uint16_t qtype; /* 1 A, 28 AAAA, 12 PTR ... */
	uint8_t rcode;  /* 0 NOERROR, 3 NXDOMAIN */
	uint32_t answer_ip; /* 0: no answer */
	uint32_t ttl;
} sim_dns;

typedef struct sim_ssl {
	ls_time ts;
	const char *uid;
	uint32_t orig_h, resp_h;
	uint16_t orig_p, resp_p;
	const char *server_name; /* NULL: no SNI */
	bool established;
	bool resumed;
} sim_ssl;

void sim_emit_conn(sim_actor *a, const sim_conn *c);
void sim_emit_dns(sim_actor *a, const sim_dns *d);
void sim_emit_ssl(sim_actor *a, const sim_ssl *s);
/* The Zeek header of a log file (#separator ... #types), with #open at `open`. */
void sim_zeek_header(ls_buf *b, sim_source src, ls_time open);
/* The closing line "#close\tYYYY-MM-DD-HH-MM-SS". */
void sim_zeek_close(ls_buf *b, ls_time close);

/* ------------------------------------------------------------- syslog */

/* RFC 5424 PRI values used by the servers. */
#define SIM_PRI_AUTHPRIV_INFO (10 * 8 + 6)
#define SIM_PRI_AUTHPRIV_NOTICE (10 * 8 + 5)
#define SIM_PRI_CRON_INFO (9 * 8 + 6)

typedef struct sim_syslog {
	ls_time ts;
	int pri;
	const char *host;
	const char *app;
	uint32_t pid;
	const char *msg;
} sim_syslog;

void sim_emit_syslog(sim_actor *a, const sim_syslog *s);

/* ------------------------------------------------------------ JSON sources */

typedef struct sim_proxy {
	ls_time ts;
	uint32_t c_ip;
	const char *user;
	const char *method;  /* GET, POST, CONNECT, ... */
	const char *host;
	uint16_t port;
	const char *path;    /* "/a/b.html?x=1"; NULL for CONNECT */
	const char *useragent;
	uint64_t cs_bytes;   /* client to server: the upload */
	uint64_t sc_bytes;
	uint16_t status;
	uint32_t dst_ip;
	ls_time duration;
} sim_proxy;

void sim_emit_proxy(sim_actor *a, const sim_proxy *p);

typedef struct sim_host_ctx {
	const char *computer; /* FQDN of the Windows host */
	const char *user;     /* DOMAIN\account */
} sim_host_ctx;

typedef struct sim_proc {
	ls_time ts;
	char guid[39];
	uint32_t pid;
	const char *image;
	const char *cmdline;
	const char *cwd;
	const char *parent_guid;
	uint32_t parent_pid;
	const char *parent_image;
	const char *parent_cmdline;
	const char *integrity; /* "Medium", "High", "System" */
	const char *original;  /* the PE's OriginalFileName; NULL: the image's base name */
} sim_proc;

void sim_emit_process_create(sim_actor *a, const sim_host_ctx *h, const sim_proc *p);
void sim_emit_network_connect(sim_actor *a, const sim_host_ctx *h, const sim_proc *p, ls_time ts,
                              uint32_t src_ip, uint16_t src_port, uint32_t dst_ip,
                              uint16_t dst_port, const char *dst_host);
void sim_emit_file_create(sim_actor *a, const sim_host_ctx *h, const sim_proc *p, ls_time ts,
                          const char *target);
void sim_emit_dns_query(sim_actor *a, const sim_host_ctx *h, const sim_proc *p, ls_time ts,
                        const char *query, uint32_t answer_ip);
void sim_emit_logon(sim_actor *a, const sim_host_ctx *h, ls_time ts, const char *account,
                    const char *domain, int logon_type, const char *logon_id, uint32_t ip);
void sim_emit_logoff(sim_actor *a, const sim_host_ctx *h, ls_time ts, const char *account,
                     const char *domain, int logon_type, const char *logon_id);

typedef struct sim_db {
	ls_time ts;
	const char *user;
	const char *dbname;
	uint32_t pid;
	uint32_t remote_host;
	uint16_t remote_port;
	const char *session_id;
	uint64_t line_num;
	ls_time session_start;
	const char *app_name;
	const char *message;  /* the full log message */
	int64_t rows;         /* -1: not applicable */
} sim_db;

void sim_emit_db(sim_actor *a, const sim_db *d);

typedef struct sim_dhcp {
	ls_time ts;
	const char *event; /* "DHCPACK", "DHCPRELEASE" */
	uint32_t ip;
	const unsigned char *mac;
	const char *host;
	const char *user;
	ls_time lease_start, lease_end;
	uint32_t server;
} sim_dhcp;

void sim_emit_dhcp(sim_actor *a, const sim_dhcp *d);

typedef struct sim_post {
	ls_time ts;
	const char *channel;
	uint64_t post_id;
	const char *text;
	const char *file_name; /* NULL: a text post */
	uint64_t file_size;
	const char *file_sha256;
	uint64_t views;
} sim_post;

void sim_emit_post(sim_actor *a, const sim_post *p);

#endif

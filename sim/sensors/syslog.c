/*
 * syslog.c - RFC 5424 lines for auth.log (sshd, sudo, cron on the servers).
 *
 *   <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID - [leaksim@32473 rid="..."] MSG
 *
 * 32473 is the private enterprise number reserved for documentation (RFC
 * 5612), so the SD-ID names no real organisation.
 */
#include "sim/sensors.h"

void sim_emit_syslog(sim_actor *a, const sim_syslog *s)
{
	char rid[SIM_RID_LEN + 1];
	ls_time ts = s->ts;
	ls_buf *b = sim_rec_begin(a, SIM_SRC_AUTH, &ts, rid);
	ls_buf_append_char(b, '<');
	ls_buf_append_u64(b, (uint64_t)s->pri);
	ls_buf_append_cstr(b, ">1 ");
	ls_time_format_rfc5424(b, ts, 6, 0);
	ls_buf_append_char(b, ' ');
	ls_buf_append_cstr(b, s->host);
	ls_buf_append_char(b, ' ');
	ls_buf_append_cstr(b, s->app);
	ls_buf_append_char(b, ' ');
	ls_buf_append_u64(b, s->pid);
	ls_buf_append_cstr(b, " - [leaksim@32473 rid=\"");
	ls_buf_append_cstr(b, rid);
	ls_buf_append_cstr(b, "\"] ");
	ls_buf_append_cstr(b, s->msg);
	sim_rec_end(a, SIM_SRC_AUTH);
}

/*
 * laptop.h - a person's laptop for one day, and the small actions every
 * actor on it shares (inside sim/ only).
 *
 * The benign day (benign.c) and the insider's campaign (campaign.c) act
 * through the same functions, so a campaign record is written by exactly
 * the code that writes an ordinary one: same fields, same order, same ids.
 */
#ifndef SIM_LAPTOP_H
#define SIM_LAPTOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/channel.h"
#include "sim/emit.h"
#include "sim/sensors.h"
#include "sim/world.h"

typedef struct sim_laptop {
	sim_actor a;
	const sim_world *w;
	const sim_person *p;
	char fqdn[64];
	char user[64];
	uint32_t ip; /* today's DHCP lease */
	ls_time day0;
	sim_host_ctx ctx;
	sim_proc explorer;
	char explorer_cmd[8];
	uint32_t next_pid;
	const char *next_original; /* OriginalFileName of the next spawn (NULL: its image's) */
} sim_laptop;

/* An ephemeral source port, 49152..65535. */
uint16_t sim_eph_port(ls_rng *r);
/* A uniform offset in [0, span) (0 for span <= 0). */
ls_time sim_jitter(ls_rng *r, ls_time span);
/* Transfer time of `bytes` at `mbps` megabits per second, at least 20 ms. */
ls_time sim_xfer_time(uint64_t bytes, double mbps);
/* A completed TCP connection (state SF) in conn.log. */
void sim_tcp_conn(sim_actor *a, ls_time ts, const char *uid, uint32_t oh, uint16_t op, uint32_t rh,
                  uint16_t rp, const char *service, ls_time dur, uint64_t ob, uint64_t rb);
/* Start a process (Sysmon EID 1) as a child of the laptop's explorer.exe. */
void sim_laptop_spawn(sim_laptop *l, sim_proc *p, ls_time ts, const char *image,
                      const char *cmdline);
/* A DNS lookup by process p through the resolver: Sysmon EID 22 and dns.log. */
void sim_laptop_lookup(sim_laptop *l, const sim_proc *p, ls_time ts, const char *name,
                       uint32_t answer);
/* The proxy's resolver asking upstream for an outside name (dns.log). */
void sim_upstream_lookup(sim_laptop *l, ls_time ts, const char *name, uint32_t answer);
/* A person's numeric user id on the Linux servers. */
#define SIM_UID(person_index) (1000u + (uint32_t)(person_index))

/*
 * sshd on the jump host accepting `account` (uid) from the laptop: the
 * "Accepted publickey" (or, with password, "Accepted password") line and
 * the PAM "session opened" line 20 ms later, both from sshd[spid].
 */
void sim_sshd_login(sim_laptop *l, ls_time t, const char *account, uint32_t uid, uint16_t port,
                    bool password, uint32_t spid);
/*
 * A bot API upload through the proxy from the laptop's port sport: the proxy's
 * CONNECT line, the laptop->proxy and proxy->API flows, the TLS line (SNI).
 */
void sim_bot_flows(sim_laptop *l, ls_time t, ls_time dur, uint16_t sport,
                   const sim_channel_bot_upload *up);
/* The messenger client's executable path on this laptop (its user's profile). */
void sim_laptop_messenger_path(const sim_laptop *l, char *out, size_t cap);
/* `digits` random lower-case hex digits and a NUL. */
void sim_hexid(ls_rng *r, char *out, size_t digits);

#endif

/*
 * benign.h - the ordinary life of the organisation: people's working days
 * and the servers' own routines.
 *
 * Each function runs one actor for one local day and puts its records into a
 * batch. An actor draws only from its own streams (emit.h), so the records of
 * person i depend on nothing but the scenario, the seed and i.
 */
#ifndef SIM_BENIGN_H
#define SIM_BENIGN_H

#include <stdint.h>

#include "sim/emit.h"

/* Local midnight (as a UTC instant) of day `day` of the scenario. */
ls_time sim_day_start(const sim_world *w, uint32_t day);

/* Person i's day. */
void sim_person_day(const sim_world *w, sim_batch *b, uint32_t person, uint32_t day);
/* The servers' day: the app's queries, cron and monitoring, the nightly backup. */
void sim_servers_day(const sim_world *w, sim_batch *b, uint32_t day);
/* Public channels of the messaging service, run by people outside. */
void sim_channels_day(const sim_world *w, sim_batch *b, uint32_t day);

#endif

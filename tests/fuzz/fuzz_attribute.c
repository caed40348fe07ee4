/*
 * fuzz_attribute.c - libFuzzer target for reading a leaked file for
 * attribution (sim/attrib.h) and scoring it (forensics/attribute.h).
 *
 * The input is a leaked file, read against a small register (seed 3, 3,000
 * rows: the seed corpus holds pieces of its real exports, so the fuzzer
 * starts from rows with valid ids, canaries and values) and checked
 * against two sessions. A rejection must come with a diagnostic naming the
 * file; an accepted file's counts must add up, its chances be
 * probabilities, and every p-value and bound one too. Any broken promise
 * aborts.
 */
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "forensics/attribute.h"
#include "sim/attrib.h"
#include "sim/register.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sim_register reg;
static bool ready;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!ready) {
		if (sim_register_init(&reg, 3, 3000) != LS_OK)
			abort();
		ready = true;
	}
	char *text = malloc(size ? size : 1);
	if (text == NULL)
		return 0;
	if (size)
		memcpy(text, data, size);
	sim_leak *lk = NULL;
	ls_diag d;
	ls_diag_clear(&d);
	ls_err e = sim_leak_read(&lk, &reg, text, size, "fuzz", &d);
	if (e != LS_OK) {
		if (lk != NULL || d.err != e || d.message[0] == '\0' || d.file == NULL ||
		    strcmp(d.file, "fuzz") != 0)
			abort();
		free(text);
		return 0;
	}
	const sim_leak_info *in = sim_leak_info_of(lk);
	if (in->columns == 0 || in->columns > SIM_COL_ALL ||
	    in->distinct + in->duplicates != in->records ||
	    in->register_rows + in->canary_rows + in->noise > in->distinct ||
	    !(in->chance >= 0) || !isfinite(in->chance))
		abort();
	ls_attr_dims dims = { .n = SIM_DIM__COUNT };
	for (unsigned k = 0; k < SIM_DIM__COUNT; k++) {
		if (!(in->log_pi[k] <= 0))
			abort();
		dims.log_pi[k] = in->log_pi[k];
	}
	static const char *const ids[2] = { "fuzz-a", "fuzz-b" };
	double lp[2];
	for (int i = 0; i < 2; i++) {
		sim_leak_evidence ev;
		if (sim_leak_session(lk, ids[i], 3000, &ev, NULL) != LS_OK)
			abort();
		if (ev.matched > ev.canaries || ev.nshow > SIM_LEAK_SHOW_CANARIES ||
		    ev.nshow > ev.matched || ev.dims_matched >= (1u << SIM_DIM__COUNT))
			abort();
		ls_attr_evidence ae = { ev.canaries, ev.matched, in->chance, ev.dims_matched };
		lp[i] = ls_attr_log_pvalue(&ae, &dims);
		if (!(lp[i] <= 0) || isnan(lp[i]))
			abort();
	}
	ls_attr_decision dec;
	ls_attr_decide(lp, 2, LS_ATTR_THRESHOLD, &dec);
	if (dec.best > 1 || !(dec.log_bound <= 0) || dec.log_bound < dec.log_p_best)
		abort();
	sim_leak_destroy(lk);
	free(text);
	return 0;
}

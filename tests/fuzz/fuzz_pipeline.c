/*
 * fuzz_pipeline.c - libFuzzer target for pipelines and placeholder files.
 *
 * The input is loaded both as a processing pipeline and as a placeholder
 * file. A rejection must carry a message and a position; a loaded pipeline
 * must map a few field names and a logsource without crashing, and a
 * loaded placeholder file must answer lookups. Loading twice must agree.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sigma/pipeline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ls_pipeline *p = NULL, *q = NULL;
	ls_diag d, e;
	ls_diag_clear(&d);
	ls_diag_clear(&e);
	ls_err r1 = ls_pipeline_load_mem(&p, (const char *)data, size, "fuzz.yml", &d);
	ls_err r2 = ls_pipeline_load_mem(&q, (const char *)data, size, "fuzz.yml", &e);
	if (r1 != r2 || (r1 != LS_OK && (d.message[0] == '\0' || strcmp(d.message, e.message))))
		abort();
	if (r1 == LS_OK) {
		static const char *const fields[] = { "Image", "CommandLine", "", "x.y" };
		ls_pl_logsource ls = { "process_creation", "windows", NULL }, out;
		bool changed[3];
		ls_buf b = LS_BUF_INIT;
		for (size_t i = 0; i < 4; i++)
			ls_pipeline_field(p, &ls, ls_sv_from_cstr(fields[i]), &b);
		ls_pipeline_logsource(p, &ls, &out, changed);
		ls_buf_fini(&b);
	} else if (p != NULL) {
		abort();
	}
	ls_pipeline_free(p);
	ls_pipeline_free(q);

	ls_placeholders *ph = NULL;
	ls_diag_clear(&d);
	if (ls_placeholders_load_mem(&ph, (const char *)data, size, "fuzz.yml", &d) == LS_OK) {
		const ls_sv *v;
		size_t n;
		(void)ls_placeholders_lookup(ph, LS_SV_LIT("admins"), &v, &n);
	} else if (ph != NULL || d.message[0] == '\0') {
		abort();
	}
	ls_placeholders_free(ph);
	return 0;
}

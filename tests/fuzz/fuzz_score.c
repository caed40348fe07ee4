/*
 * fuzz_score.c - libFuzzer target for the scorer's readers.
 *
 * The input is read three ways: as an answer key, as an alerts file (JSON
 * Lines) scored against a fixed one-step answer key, and as an
 * expectations file. A rejection must come with a located diagnostic of the
 * same error. Whatever is accepted is scored, and the report must be one
 * line of JSON that the document reader accepts, and text that is valid
 * UTF-8. Any broken promise aborts.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/str.h"
#include "io/event.h"
#include "io/jdoc.h"
#include "score/score.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char KEY[] =
        "{\"campaigns\":[{\"id\":\"c\",\"steps\":[{\"name\":\"exfiltration\",\"techniques\":"
        "[\"T1567\"],\"start\":\"2026-03-04T10:00:00Z\",\"end\":\"2026-03-04T10:30:00Z\","
        "\"records\":[{\"source\":\"conn\",\"rid\":\"x1\"}],\"earliest_detectable\":"
        "{\"conn\":\"2026-03-04T10:00:00Z\"}}]}],\"decoys\":[{\"kind\":\"k\",\"records\":"
        "[{\"source\":\"conn\",\"rid\":\"d1\"}]}]}";
static const char MANIFEST[] = "{\"days\":2}";

static void check_err(ls_err e, const ls_diag *d)
{
	if (e != LS_ERR_PARSE && e != LS_ERR_TOOLONG && e != LS_ERR_IO)
		abort();
	if (d->err != e || d->message[0] == '\0' || d->file == NULL)
		abort();
}

/* Render both ways and check what came out. */
static void check_report(ls_score *s, ls_score_expect *E)
{
	ls_score_compute(s);
	if (E)
		ls_score_expect_check(s, E);
	ls_buf out = LS_BUF_INIT;
	ls_score_write_json(s, E, &out);
	if (out.len == 0 || out.data[out.len - 1] != '\n' || memchr(out.data, '\n', out.len - 1))
		abort();
	ls_jdoc doc;
	if (ls_jdoc_parse(&doc, out.data, out.len, NULL, "report", NULL) != LS_OK ||
	    doc.root->kind != LS_JOBJECT || ls_jnode_get(doc.root, "rules") == NULL)
		abort();
	ls_jdoc_fini(&doc);
	ls_buf_reset(&out);
	ls_score_write_text(s, &out);
	if (!ls_utf8_valid(ls_buf_sv(&out), NULL))
		abort();
	ls_buf_fini(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	ls_diag d;

	/* An answer key. */
	ls_score s;
	ls_score_init(&s);
	ls_diag_clear(&d);
	if (ls_score_parse_manifest(&s, MANIFEST, strlen(MANIFEST), "m", NULL) != LS_OK)
		abort();
	ls_err e = ls_score_parse_key(&s, text, size, "key", &d);
	if (e != LS_OK)
		check_err(e, &d);
	else
		check_report(&s, NULL);
	ls_score_fini(&s);

	/* Alerts against a fixed key. */
	ls_score_init(&s);
	if (ls_score_parse_manifest(&s, MANIFEST, strlen(MANIFEST), "m", NULL) != LS_OK ||
	    ls_score_parse_key(&s, KEY, strlen(KEY), "k", NULL) != LS_OK)
		abort();
	FILE *f = size ? fmemopen((void *)data, size, "rb") : NULL;
	if (f) {
		ls_diag_clear(&d);
		e = ls_score_read_alerts(&s, f, "alerts", &d);
		fclose(f);
		if (e != LS_OK) {
			check_err(e, &d);
			if (d.line == 0 || d.col == 0)
				abort();
		} else {
			check_report(&s, NULL);
		}
	}
	ls_score_fini(&s);

	/* Expectations, judged against the fixed key and no alerts. */
	ls_score_expect E;
	ls_diag_clear(&d);
	e = ls_score_expect_parse(&E, text, size, "expect", &d);
	if (e != LS_OK) {
		check_err(e, &d);
	} else {
		ls_score_init(&s);
		if (ls_score_parse_manifest(&s, MANIFEST, strlen(MANIFEST), "m", NULL) != LS_OK ||
		    ls_score_parse_key(&s, KEY, strlen(KEY), "k", NULL) != LS_OK)
			abort();
		ls_score_expect_rows(&s, &E);
		check_report(&s, &E);
		ls_score_fini(&s);
	}
	ls_score_expect_fini(&E);
	return 0;
}

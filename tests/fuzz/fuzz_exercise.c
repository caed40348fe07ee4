/*
 * fuzz_exercise.c - libFuzzer target for the exercise pack's readers.
 *
 * The input is read five ways: as an answers file, as a questions.yaml, as
 * the sealed answer key's payload, as a pack.json, and (when short enough)
 * as an answer of every kind. A rejection must come with a diagnostic of the same error
 * and leave the output empty. An accepted answers file is graded against a
 * fixed answer key and renders back through the answers-line format to
 * the same answers; accepted questions, payloads and pack descriptions render back to what
 * parses to the same thing; a canonical answer is canonical (canonicalising
 * it again changes nothing) and matches itself. Any broken promise aborts.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/str.h"
#include "forensics/exercise.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_rejection(ls_err e, const ls_diag *d)
{
	if ((e != LS_ERR_PARSE && e != LS_ERR_TOOLONG && e != LS_ERR_UNSUPPORTED) || d->err != e ||
	    d->message[0] == '\0' || d->file == NULL)
		abort();
}

static void fuzz_answers(const char *text, size_t size)
{
	ls_exanswers a;
	ls_diag d;
	ls_diag_clear(&d);
	ls_err e = ls_exercise_answers_parse(text, size, "answers.yaml", LS_EXERCISE_QUESTIONS, &a,
	                                     &d);
	if (e != LS_OK) {
		check_rejection(e, &d);
		for (size_t i = 0; i <= LS_EXERCISE_QUESTIONS; i++)
			if (a.text[i])
				abort();
		return;
	}
	/* Grade against a key with one question of every kind but one. */
	static const char *const topics[] = { "insider_account", "laptop", "collection_start",
		                              "export_session", "rows", "upload_bytes", "channel" };
	static const char *const truth[] = { "kbiolidro4", "LT-00005", "2026-03-03T12:11:48Z",
		                             "1cebc80d.c5778", "20000", "2983606", "harbour-leaks" };
	ls_extrainee t;
	memset(&t, 0, sizeof t);
	t.trainee = 1;
	t.n = sizeof topics / sizeof *topics;
	for (size_t i = 0; i < t.n; i++) {
		t.topic[i] = (char *)topics[i];
		t.answer[i] = (char *)truth[i];
	}
	ls_exgrade g;
	ls_exercise_grade(&t, &a, &g);
	if (g.score > g.max || g.max != t.n)
		abort();
	/* Rendered back line by line, the answers read the same. */
	ls_buf b = LS_BUF_INIT;
	size_t given = 0;
	for (unsigned i = 1; i <= LS_EXERCISE_QUESTIONS; i++)
		if (a.text[i]) {
			ls_exercise_answers_line(i, a.text[i], &b);
			given++;
		}
	if (given != a.count)
		abort();
	ls_exanswers back;
	if (ls_exercise_answers_parse(b.data ? b.data : "", b.len, "again", LS_EXERCISE_QUESTIONS,
	                              &back, NULL) != LS_OK ||
	    back.count != a.count)
		abort();
	for (unsigned i = 1; i <= LS_EXERCISE_QUESTIONS; i++)
		if ((a.text[i] == NULL) != (back.text[i] == NULL) ||
		    (a.text[i] && strcmp(a.text[i], back.text[i]) != 0))
			abort();
	ls_exercise_answers_fini(&back);
	ls_buf_fini(&b);
	ls_exercise_answers_fini(&a);
}

static void fuzz_questions(const char *text, size_t size)
{
	ls_exquestions qs, back;
	ls_diag d;
	ls_diag_clear(&d);
	ls_err e = ls_exercise_questions_parse(text, size, "questions.yaml", &qs, &d);
	if (e != LS_OK) {
		check_rejection(e, &d);
		if (qs.n != 0)
			abort();
		return;
	}
	ls_buf b = LS_BUF_INIT;
	ls_exercise_questions_render(&qs, &b);
	if (ls_exercise_questions_parse(b.data, b.len, "again", &back, NULL) != LS_OK ||
	    back.n != qs.n || memcmp(back.q, qs.q, sizeof qs.q) != 0 || back.trainee != qs.trainee)
		abort();
	ls_buf_fini(&b);
}

static void fuzz_payload(const char *text, size_t size)
{
	ls_expayload p, back;
	ls_diag d;
	ls_diag_clear(&d);
	ls_err e = ls_exercise_payload_parse(text, size, "payload", &p, &d);
	if (e != LS_OK) {
		check_rejection(e, &d);
		if (p.nt != 0 || p.t != NULL)
			abort();
		return;
	}
	ls_buf b = LS_BUF_INIT, again = LS_BUF_INIT;
	ls_exercise_payload_render(&p, &b);
	if (ls_exercise_payload_parse(b.data, b.len, "again", &back, NULL) != LS_OK ||
	    back.nt != p.nt)
		abort();
	ls_exercise_payload_render(&back, &again);
	if (again.len != b.len || memcmp(again.data, b.data, b.len) != 0)
		abort();
	ls_exercise_payload_fini(&back);
	ls_exercise_payload_fini(&p);
	ls_buf_fini(&b);
	ls_buf_fini(&again);
}

static void fuzz_pack(const char *text, size_t size)
{
	ls_expack p, back;
	ls_diag d;
	ls_diag_clear(&d);
	ls_err e = ls_exercise_pack_parse(text, size, "pack.json", &p, &d);
	if (e != LS_OK) {
		check_rejection(e, &d);
		if (p.trainees != 0)
			abort();
		return;
	}
	ls_buf b = LS_BUF_INIT;
	ls_exercise_pack_render(&p, &b);
	if (ls_exercise_pack_parse(b.data, b.len, "again", &back, NULL) != LS_OK ||
	    memcmp(&back, &p, sizeof p) != 0)
		abort();
	ls_buf_fini(&b);
}

static void fuzz_canon(const char *text, size_t size)
{
	if (size > LS_EXERCISE_ANSWER_MAX + 8)
		return;
	for (int k = 0; k < LS_EXKIND__COUNT; k++) {
		ls_buf c = LS_BUF_INIT, c2 = LS_BUF_INIT, why = LS_BUF_INIT;
		ls_err e = ls_exercise_canon((ls_exkind)k, ls_sv_make(text, size), &c, NULL, &why);
		if (e != LS_OK) {
			if (e != LS_ERR_PARSE || why.len == 0)
				abort();
		} else {
			/* Canonical forms are fixed points and match themselves. */
			if (ls_exercise_canon((ls_exkind)k, ls_buf_sv(&c), &c2, NULL, NULL) != LS_OK ||
			    c2.len != c.len || memcmp(c2.data, c.data, c.len) != 0 ||
			    !ls_exercise_match((ls_exkind)k, ls_buf_sv(&c), ls_sv_make(text, size), NULL))
				abort();
		}
		ls_buf_fini(&c);
		ls_buf_fini(&c2);
		ls_buf_fini(&why);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = size ? (const char *)data : "";
	fuzz_answers(text, size);
	fuzz_questions(text, size);
	fuzz_payload(text, size);
	fuzz_pack(text, size);
	fuzz_canon(text, size);
	return 0;
}

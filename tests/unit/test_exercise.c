/*
 * test_exercise.c - exercise packs: canonical answers and their tolerances,
 * the answers file (accepted forms and located errors), questions.yaml
 * round trips and errors, the salted hashes behind offline checks (times
 * at the neighbouring minutes), sign-then-seal and its failures, grading,
 * the truth read from a hand-made dataset (every answer, the stages, a
 * missing sensor) and from a generated one, and cutting logs of each
 * format.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "core/mem.h"
#include "core/str.h"
#include "core/time.h"
#include "forensics/exercise.h"
#include "forensics/keys.h"
#include "sim/gen.h"
#include "testutil.h"

/* --------------------------------------------------------------- helpers */

static void write_text(const char *dir, const char *name, const char *text)
{
	char *p = tu_join(dir, name);
	FILE *f = fopen(p, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
	free(p);
}

static void mkdir_in(const char *dir, const char *name)
{
	char *p = tu_join(dir, name);
	assert_int_equal(mkdir(p, 0777), 0);
	free(p);
}

/* canon(kind, in) must give want (NULL: must fail). */
static void expect_canon(ls_exkind kind, const char *in, const char *want)
{
	ls_buf out = LS_BUF_INIT, why = LS_BUF_INIT;
	ls_err e = ls_exercise_canon(kind, ls_sv_from_cstr(in), &out, NULL, &why);
	if (want == NULL) {
		if (e == LS_OK)
			fail_msg("'%s' as %s was accepted as '%s'", in, ls_exkind_name(kind), out.data);
		assert_true(why.len > 0);
	} else {
		if (e != LS_OK)
			fail_msg("'%s' as %s: %s", in, ls_exkind_name(kind), why.data);
		assert_string_equal(out.data, want);
	}
	ls_buf_fini(&out);
	ls_buf_fini(&why);
}

/* ------------------------------------------------------- canonicalisation */

static void canon_names(void **state)
{
	(void)state;
	expect_canon(LS_EXKIND_ACCOUNT, "kbiolidro4", "kbiolidro4");
	expect_canon(LS_EXKIND_ACCOUNT, "  KBioLidro4\t", "kbiolidro4");
	expect_canon(LS_EXKIND_ACCOUNT, "CORP\\kbiolidro4", "kbiolidro4");
	expect_canon(LS_EXKIND_ACCOUNT, "kbiolidro4@corp.example", "kbiolidro4");
	expect_canon(LS_EXKIND_ACCOUNT, "CORP\\", NULL);
	expect_canon(LS_EXKIND_HOST, "LT-00005", "lt-00005");
	expect_canon(LS_EXKIND_HOST, "lt-00005.corp.example", "lt-00005");
	expect_canon(LS_EXKIND_HOST, ".corp", NULL);
	expect_canon(LS_EXKIND_CHANNEL, "@Harbour-Leaks", "harbour-leaks");
	expect_canon(LS_EXKIND_CHANNEL, "#harbour-leaks", "harbour-leaks");
	expect_canon(LS_EXKIND_TOKEN, " 1CEBC80D.c5778 ", "1cebc80d.c5778");
	expect_canon(LS_EXKIND_TOKEN, "a   b", "a b");
	expect_canon(LS_EXKIND_TOKEN, "", NULL);
	expect_canon(LS_EXKIND_TOKEN, "   ", NULL);
}

static void canon_numbers(void **state)
{
	(void)state;
	expect_canon(LS_EXKIND_COUNT, "20000", "20000");
	expect_canon(LS_EXKIND_COUNT, "20,000", "20000");
	expect_canon(LS_EXKIND_COUNT, "1 950 000", "1950000");
	expect_canon(LS_EXKIND_COUNT, "1_950_000", "1950000");
	expect_canon(LS_EXKIND_COUNT, "1'950'000 rows", "1950000");
	expect_canon(LS_EXKIND_COUNT, "007", "7");
	expect_canon(LS_EXKIND_COUNT, "20.000", NULL);
	expect_canon(LS_EXKIND_COUNT, ",20000", NULL);
	expect_canon(LS_EXKIND_COUNT, "20000,", NULL);
	expect_canon(LS_EXKIND_COUNT, "-5", NULL);
	expect_canon(LS_EXKIND_COUNT, "twenty", NULL);
	expect_canon(LS_EXKIND_COUNT, "99999999999999999999", NULL);
	expect_canon(LS_EXKIND_BYTES, "2983606", "2983606");
	expect_canon(LS_EXKIND_BYTES, "2,983,606 bytes", "2983606");
	expect_canon(LS_EXKIND_BYTES, "2983606B", "2983606");
	expect_canon(LS_EXKIND_BYTES, "2.983606 MB", "2983606");
	expect_canon(LS_EXKIND_BYTES, "1 KiB", "1024");
	expect_canon(LS_EXKIND_BYTES, "0.5 kib", "512");
	expect_canon(LS_EXKIND_BYTES, "1.5 GiB", "1610612736");
	expect_canon(LS_EXKIND_BYTES, "2.98 MB", "2980000");
	expect_canon(LS_EXKIND_BYTES, "2.9836065 MB", NULL); /* half a byte */
	expect_canon(LS_EXKIND_BYTES, "3 parsecs", NULL);
	expect_canon(LS_EXKIND_BYTES, "2.5", NULL);
	expect_canon(LS_EXKIND_BYTES, "1.", NULL);
	expect_canon(LS_EXKIND_BYTES, "99999999999 TiB", NULL);
}

static void canon_times(void **state)
{
	(void)state;
	const char *want = "2026-03-03T12:11Z";
	expect_canon(LS_EXKIND_TIME, "2026-03-03T12:11:48.332611Z", want);
	expect_canon(LS_EXKIND_TIME, "2026-03-03T12:11:48Z", want);
	expect_canon(LS_EXKIND_TIME, "2026-03-03t12:11:00z", want);
	expect_canon(LS_EXKIND_TIME, "2026-03-03 12:11", want);
	expect_canon(LS_EXKIND_TIME, "2026-03-03  12:11 UTC", want);
	expect_canon(LS_EXKIND_TIME, "2026-03-03T12:11Z", want);
	expect_canon(LS_EXKIND_TIME, "2026-03-03T20:11:59+08:00", want);
	expect_canon(LS_EXKIND_TIME, "2026-03-03 20:11 +0800", want);
	expect_canon(LS_EXKIND_TIME, "2026-03-03T07:11-05", want);
	expect_canon(LS_EXKIND_TIME, "2026-03-04T00:11+11:60", NULL);
	expect_canon(LS_EXKIND_TIME, "1772539908.329611", want);
	expect_canon(LS_EXKIND_TIME, "2026-03-04 00:41 +12:30", want);
	expect_canon(LS_EXKIND_TIME, "2026-03-03", NULL);
	expect_canon(LS_EXKIND_TIME, "12:11", NULL);
	expect_canon(LS_EXKIND_TIME, "2026-02-30 12:11", NULL);
	expect_canon(LS_EXKIND_TIME, "2026-03-03 24:00", NULL);
	expect_canon(LS_EXKIND_TIME, "2026-03-03 12:11 CET", NULL);
	expect_canon(LS_EXKIND_TIME, "2026-03-03 12:11:48.", NULL);
	expect_canon(LS_EXKIND_TIME, "yesterday", NULL);
}

static void canon_limits(void **state)
{
	(void)state;
	char big[LS_EXERCISE_ANSWER_MAX + 2];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	expect_canon(LS_EXKIND_TOKEN, big, NULL);
	ls_buf out = LS_BUF_INIT;
	assert_int_equal(ls_exercise_canon(LS_EXKIND_TOKEN, ls_sv_make("a\0b", 3), &out, NULL, NULL),
	                 LS_ERR_PARSE);
	ls_buf_fini(&out);
	ls_exkind k;
	for (int i = 0; i < LS_EXKIND__COUNT; i++) {
		assert_int_equal(ls_exkind_parse(ls_sv_from_cstr(ls_exkind_name((ls_exkind)i)), &k),
		                 LS_OK);
		assert_int_equal(k, i);
	}
	assert_int_equal(ls_exkind_parse(LS_SV_LIT("colour"), &k), LS_ERR_PARSE);
}

static void match_tolerance(void **state)
{
	(void)state;
	ls_buf why = LS_BUF_INIT;
	ls_sv truth = LS_SV_LIT("2026-03-03T12:11:48Z");
	assert_true(ls_exercise_match(LS_EXKIND_TIME, truth, LS_SV_LIT("2026-03-03 12:11"), &why));
	assert_int_equal(why.len, 0);
	assert_true(ls_exercise_match(LS_EXKIND_TIME, truth, LS_SV_LIT("2026-03-03 12:10"), NULL));
	assert_true(ls_exercise_match(LS_EXKIND_TIME, truth, LS_SV_LIT("2026-03-03 12:12:59"), NULL));
	assert_false(ls_exercise_match(LS_EXKIND_TIME, truth, LS_SV_LIT("2026-03-03 12:13"), &why));
	assert_string_equal(why.data, "read as 2026-03-03T12:13Z");
	assert_false(ls_exercise_match(LS_EXKIND_TIME, truth, LS_SV_LIT("2026-03-03 12:09"), NULL));
	assert_false(ls_exercise_match(LS_EXKIND_TIME, truth, LS_SV_LIT("noon"), &why));
	assert_non_null(strstr(why.data, "not a time"));
	assert_true(ls_exercise_match(LS_EXKIND_BYTES, LS_SV_LIT("2983606"),
	                              LS_SV_LIT("2 983 606 B"), NULL));
	assert_false(ls_exercise_match(LS_EXKIND_BYTES, LS_SV_LIT("2983606"), LS_SV_LIT("2983607"),
	                               &why));
	assert_string_equal(why.data, "read as 2983607");
	assert_true(ls_exercise_match(LS_EXKIND_HOST, LS_SV_LIT("jump01"),
	                              LS_SV_LIT("JUMP01.corp.example"), NULL));
	assert_false(ls_exercise_match(LS_EXKIND_ACCOUNT, LS_SV_LIT("kbio4"), LS_SV_LIT("kbio"), NULL));
	ls_buf_fini(&why);
}

/* ----------------------------------------------------------- answers file */

static ls_err parse_answers(const char *text, ls_exanswers *a, ls_diag *d)
{
	ls_diag_clear(d);
	return ls_exercise_answers_parse(text, strlen(text), "answers.yaml", 12, a, d);
}

static void answers_accepted(void **state)
{
	(void)state;
	ls_exanswers a;
	ls_diag d;
	assert_int_equal(parse_answers("# mine\n1: kbiolidro4\nq2: \"LT-00005\"\nQ5: 2026-03-03 "
	                               "12:11\n7: 20,000\n012: '@harbour-leaks'\n3:\n4: ~\n6: \"\"\n",
	                               &a, &d),
	                 LS_OK);
	assert_int_equal(a.count, 5);
	assert_string_equal(a.text[1], "kbiolidro4");
	assert_string_equal(a.text[2], "LT-00005");
	assert_string_equal(a.text[5], "2026-03-03 12:11");
	assert_string_equal(a.text[7], "20,000");
	assert_string_equal(a.text[12], "@harbour-leaks");
	assert_null(a.text[3]);
	assert_null(a.text[4]);
	assert_null(a.text[6]);
	ls_exercise_answers_fini(&a);
	assert_int_equal(parse_answers("", &a, &d), LS_OK);
	assert_int_equal(a.count, 0);
	assert_int_equal(parse_answers("# nothing yet\n\n", &a, &d), LS_OK);
	assert_int_equal(a.count, 0);
	assert_int_equal(parse_answers("---\n...\n", &a, &d), LS_OK);
	assert_int_equal(a.count, 0);
	/* What `answers` prints reads back. */
	ls_buf b = LS_BUF_INIT;
	ls_exercise_answers_line(3, "a \"quoted\" \\ value: # not a comment", &b);
	assert_int_equal(parse_answers(b.data, &a, &d), LS_OK);
	assert_string_equal(a.text[3], "a \"quoted\" \\ value: # not a comment");
	ls_exercise_answers_fini(&a);
	ls_buf_fini(&b);
}

static void expect_answers_error(const char *text, unsigned long line, unsigned long col,
                                 const char *msg)
{
	ls_exanswers a;
	ls_diag d;
	ls_err e = parse_answers(text, &a, &d);
	if (e == LS_OK)
		fail_msg("accepted: %s", text);
	assert_int_equal(a.count, 0);
	for (int i = 0; i <= LS_EXERCISE_QUESTIONS; i++)
		assert_null(a.text[i]);
	assert_string_equal(d.file, "answers.yaml");
	if (d.line != line || d.col != col || strstr(d.message, msg) == NULL)
		fail_msg("'%s': got %lu:%lu: %s; want %lu:%lu: ...%s...", text, d.line, d.col,
		         d.message, line, col, msg);
	ls_exercise_answers_fini(&a);
}

static void answers_errors(void **state)
{
	(void)state;
	expect_answers_error("- one\n- two\n", 1, 1, "expected a mapping");
	expect_answers_error("just text\n", 1, 1, "expected a mapping");
	expect_answers_error("1: a\n13: b\n", 2, 1, "not a question number (1 to 12)");
	expect_answers_error("0: a\n", 1, 1, "not a question number");
	expect_answers_error("x: a\n", 1, 1, "not a question number");
	expect_answers_error("1: a\n2: b\n1: c\n", 3, 1, "answered twice");
	expect_answers_error("1: a\nq1: c\n", 2, 1, "answered twice");
	expect_answers_error("1:\n  - a\n", 2, 3, "expected one answer");
	expect_answers_error("1: {a: b}\n", 1, 4, "expected one answer");
	expect_answers_error("1: \"a\\0b\"\n", 1, 4, "NUL");
	expect_answers_error("1: [a\n", 2, 1, "syntax error");
	expect_answers_error("1: a\n---\n2: b\n", 2, 1, "one document");
	expect_answers_error("1: &x a\n2: *x\n", 2, 4, "alias");
	expect_answers_error("? [a]\n: b\n", 1, 3, "question number");
	char big[400];
	memset(big, 0, sizeof big);
	memcpy(big, "1: ", 3);
	memset(big + 3, 'x', 300);
	big[303] = '\n';
	expect_answers_error(big, 1, 4, "longer than");
}

/* ------------------------------------------------------------- questions */

static void sample_questions(ls_exquestions *qs)
{
	memset(qs, 0, sizeof *qs);
	memcpy(qs->pack, "0123456789abcdef", 17);
	qs->trainee = 2;
	qs->stages = 3;
	qs->opslimit = crypto_pwhash_OPSLIMIT_MIN;
	qs->memlimit = crypto_pwhash_MEMLIMIT_MIN;
	const ls_extopic *cat = ls_exercise_catalogue();
	qs->n = LS_EXERCISE_QUESTIONS;
	for (size_t i = 0; i < qs->n; i++) {
		qs->q[i].number = (unsigned)i + 1;
		qs->q[i].topic = &cat[i];
		qs->q[i].stage = (unsigned)(i % 3) + 1;
		memset(qs->q[i].salt, (int)i, sizeof qs->q[i].salt);
		memset(qs->q[i].hash, 0xa0 + (int)i, sizeof qs->q[i].hash);
	}
}

static void questions_round_trip(void **state)
{
	(void)state;
	ls_exquestions qs, back;
	sample_questions(&qs);
	ls_buf text = LS_BUF_INIT, again = LS_BUF_INIT;
	ls_exercise_questions_render(&qs, &text);
	ls_diag d;
	ls_diag_clear(&d);
	assert_int_equal(ls_exercise_questions_parse(text.data, text.len, "q.yaml", &back, &d),
	                 LS_OK);
	assert_int_equal(back.n, qs.n);
	assert_int_equal(back.trainee, 2);
	assert_int_equal(back.stages, 3);
	assert_string_equal(back.pack, qs.pack);
	assert_memory_equal(back.q, qs.q, sizeof qs.q);
	ls_exercise_questions_render(&back, &again);
	assert_int_equal(again.len, text.len);
	assert_memory_equal(again.data, text.data, text.len);
	ls_buf_fini(&text);
	ls_buf_fini(&again);
}

/* Render the sample, replace `from` (first occurrence) with `to`, parse: must fail at line:col. */
static void expect_questions_error(const char *from, const char *to, const char *msg)
{
	ls_exquestions qs, back;
	sample_questions(&qs);
	ls_buf text = LS_BUF_INIT, ed = LS_BUF_INIT;
	ls_exercise_questions_render(&qs, &text);
	char *at = strstr(text.data, from);
	assert_non_null(at);
	ls_buf_append(&ed, text.data, (size_t)(at - text.data));
	ls_buf_append_cstr(&ed, to);
	ls_buf_append_cstr(&ed, at + strlen(from));
	ls_diag d;
	ls_diag_clear(&d);
	ls_err e = ls_exercise_questions_parse(ed.data, ed.len, "q.yaml", &back, &d);
	if (e == LS_OK)
		fail_msg("accepted with '%s' -> '%s'", from, to);
	assert_int_equal(back.n, 0);
	if (strstr(d.message, msg) == NULL || d.line == 0)
		fail_msg("'%s' -> '%s': %lu:%lu: %s (want %s)", from, to, d.line, d.col, d.message,
		         msg);
	ls_buf_fini(&text);
	ls_buf_fini(&ed);
}

static void questions_errors(void **state)
{
	(void)state;
	expect_questions_error("version: 1", "version: 2", "version");
	expect_questions_error("format: leaksim-exercise-questions", "format: other", "format");
	expect_questions_error("trainee: 2", "trainee: 2\nextra: 1", "unknown key");
	expect_questions_error("trainee: 2", "trainees: 2", "unknown key");
	expect_questions_error("pack: \"0123456789abcdef\"", "pack: \"0123456789ABCDEF\"", "hex");
	expect_questions_error("opslimit: 1", "opslimit: 99", "opslimit");
	expect_questions_error("memlimit: 8192", "memlimit: 1", "memlimit");
	expect_questions_error("kdf: argon2id13", "kdf: md5", "kdf");
	expect_questions_error("number: 2", "number: 3", "numbered in order");
	expect_questions_error("topic: laptop", "topic: insider_account", "asked twice");
	expect_questions_error("topic: laptop", "topic: weather", "not a known topic");
	expect_questions_error("kind: host", "kind: count", "kind");
	expect_questions_error("stage: 1", "stage: 9", "stage");
	expect_questions_error("salt: \"00", "salt: \"zz", "hex");
	expect_questions_error("questions:\n", "questions: 3\nunused:\n", "unknown key");
	expect_questions_error("trainee: 2", "trainee: [2]", "whole number");
	ls_exquestions back;
	ls_diag d;
	ls_diag_clear(&d);
	assert_int_equal(ls_exercise_questions_parse("", 0, "q.yaml", &back, &d), LS_ERR_PARSE);
	assert_non_null(strstr(d.message, "empty"));
}

/* ------------------------------------------------------------ hash, check */

static void check_offline(void **state)
{
	(void)state;
	ls_exquestions qs;
	sample_questions(&qs);
	/* Question 5 (collection_start, a time) and 7 (rows). */
	ls_buf c = LS_BUF_INIT;
	assert_int_equal(ls_exercise_canon(LS_EXKIND_TIME, LS_SV_LIT("2026-03-03T12:11:48Z"), &c,
	                                   NULL, NULL),
	                 LS_OK);
	assert_int_equal(ls_exercise_hash(qs.opslimit, qs.memlimit, qs.q[4].salt, LS_EXKIND_TIME,
	                                  ls_buf_sv(&c), qs.q[4].hash),
	                 LS_OK);
	ls_buf_reset(&c);
	assert_int_equal(ls_exercise_canon(LS_EXKIND_COUNT, LS_SV_LIT("20000"), &c, NULL, NULL),
	                 LS_OK);
	assert_int_equal(ls_exercise_hash(qs.opslimit, qs.memlimit, qs.q[6].salt, LS_EXKIND_COUNT,
	                                  ls_buf_sv(&c), qs.q[6].hash),
	                 LS_OK);
	ls_buf_fini(&c);
	bool right;
	ls_buf why = LS_BUF_INIT;
	static const struct {
		size_t q;
		const char *answer;
		bool right;
	} cases[] = {
		{ 4, "2026-03-03 12:11", true },     { 4, "2026-03-03T20:12+08:00", true },
		{ 4, "2026-03-03 12:10:01", true },  { 4, "2026-03-03 12:13", false },
		{ 4, "2026-03-03 12:09:59", false }, { 4, "not a time", false },
		{ 6, "20,000", true },               { 6, "20 000 rows", true },
		{ 6, "20001", false },               { 6, "", false },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		assert_int_equal(ls_exercise_check(&qs, &qs.q[cases[i].q],
		                                   ls_sv_from_cstr(cases[i].answer), &right, &why),
		                 LS_OK);
		if (right != cases[i].right)
			fail_msg("check '%s': %s", cases[i].answer, right ? "right" : why.data);
		if (!right)
			assert_true(why.len > 0);
	}
	/* The same answer under another salt hashes differently. */
	unsigned char h1[LS_EXERCISE_HASHBYTES], h2[LS_EXERCISE_HASHBYTES];
	assert_int_equal(ls_exercise_hash(qs.opslimit, qs.memlimit, qs.q[0].salt, LS_EXKIND_COUNT,
	                                  LS_SV_LIT("20000"), h1),
	                 LS_OK);
	assert_int_equal(ls_exercise_hash(qs.opslimit, qs.memlimit, qs.q[1].salt, LS_EXKIND_COUNT,
	                                  LS_SV_LIT("20000"), h2),
	                 LS_OK);
	assert_memory_not_equal(h1, h2, sizeof h1);
	ls_buf_fini(&why);
}

/* ----------------------------------------------------------- seal, grade */

static void sample_payload(ls_expayload *p, const ls_seckey *pack, const ls_seckey *inst)
{
	memset(p, 0, sizeof *p);
	memcpy(p->signer, pack->pub.sign, sizeof p->signer);
	memcpy(p->instructor, inst->pub.box, sizeof p->instructor);
	p->scenario = ls_xstrdup("small");
	p->seed = 7;
	p->nt = 2;
	p->t = ls_xcalloc(2, sizeof *p->t);
	static const char *const answers[2][3] = { { "kbiolidro4", "2026-03-03T12:11:48Z", "20000" },
		                                   { "abc9", "2026-03-04T01:00:00Z", "19" } };
	static const char *const topics[3] = { "insider_account", "laptop", "rows" };
	for (size_t t = 0; t < 2; t++) {
		p->t[t].trainee = (unsigned)t + 1;
		p->t[t].seed = 7 + t;
		memset(p->t[t].questions_hash, (int)t, 32);
		p->t[t].n = 3;
		for (size_t q = 0; q < 3; q++) {
			p->t[t].topic[q] = ls_xstrdup(topics[q]);
			p->t[t].answer[q] = ls_xstrdup(answers[t][q]);
		}
	}
	/* "laptop" is a host: make its answers hosts. */
	free(p->t[0].answer[1]);
	free(p->t[1].answer[1]);
	p->t[0].answer[1] = ls_xstrdup("LT-00005");
	p->t[1].answer[1] = ls_xstrdup("LT-00017");
}

static void seal_round_trip(void **state)
{
	(void)state;
	ls_seckey pack, inst, other;
	ls_keys_generate(&pack);
	ls_keys_generate(&inst);
	ls_keys_generate(&other);
	ls_expayload p, back;
	sample_payload(&p, &pack, &inst);
	ls_buf text = LS_BUF_INIT, sealed = LS_BUF_INIT, plain = LS_BUF_INIT, again = LS_BUF_INIT;
	ls_exercise_payload_render(&p, &text);
	ls_exercise_seal(&pack, &inst.pub, text.data, text.len, &sealed);
	assert_int_equal(sealed.len, text.len + LS_KEYS_SIGBYTES + LS_KEYS_SEALBYTES);
	for (size_t i = 0; i + 10 <= sealed.len; i++)
		assert_false(memcmp(sealed.data + i, "kbiolidro4", 10) == 0);
	ls_diag d;
	ls_diag_clear(&d);
	assert_int_equal(ls_exercise_open(&inst, pack.pub.sign, sealed.data, sealed.len, &plain, &d),
	                 LS_OK);
	assert_int_equal(plain.len, text.len);
	assert_memory_equal(plain.data, text.data, text.len);
	assert_int_equal(ls_exercise_payload_parse(plain.data, plain.len, "p", &back, &d), LS_OK);
	ls_exercise_payload_render(&back, &again);
	assert_int_equal(again.len, text.len);
	assert_memory_equal(again.data, text.data, text.len);
	assert_int_equal(back.seed, 7);
	assert_int_equal(back.nt, 2);
	assert_string_equal(back.t[1].answer[0], "abc9");
	ls_exercise_payload_fini(&back);

	/* Another instructor's key cannot open it. */
	ls_buf_reset(&plain);
	assert_int_equal(ls_exercise_open(&other, pack.pub.sign, sealed.data, sealed.len, &plain, &d),
	                 LS_ERR_CRYPTO);
	assert_non_null(strstr(d.message, "another key"));
	assert_int_equal(plain.len, 0);
	/* A flipped byte is caught. */
	sealed.data[sealed.len / 2] ^= 1;
	assert_int_equal(ls_exercise_open(&inst, pack.pub.sign, sealed.data, sealed.len, &plain, &d),
	                 LS_ERR_CRYPTO);
	sealed.data[sealed.len / 2] ^= 1;
	/* Sealed by someone else's pack key: the signature does not verify. */
	ls_buf_reset(&sealed);
	ls_exercise_seal(&other, &inst.pub, text.data, text.len, &sealed);
	assert_int_equal(ls_exercise_open(&inst, pack.pub.sign, sealed.data, sealed.len, &plain, &d),
	                 LS_ERR_CRYPTO);
	assert_non_null(strstr(d.message, "not signed"));
	assert_int_equal(ls_exercise_open(&inst, pack.pub.sign, "", 0, &plain, &d), LS_ERR_CRYPTO);

	/* Malformed payloads are refused, located. */
	static const char *const bad[] = {
		"[]",
		"{\"format\":\"x\"}",
		"{\"format\":\"leaksim-exercise-answers\",\"version\":2}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_not_equal(ls_exercise_payload_parse(bad[i], strlen(bad[i]), "p", &back, &d),
		                     LS_OK);
		assert_int_equal(back.nt, 0);
	}
	ls_exercise_payload_fini(&p);
	ls_buf_fini(&text);
	ls_buf_fini(&sealed);
	ls_buf_fini(&plain);
	ls_buf_fini(&again);
	ls_keys_wipe(&pack);
	ls_keys_wipe(&inst);
	ls_keys_wipe(&other);
}

static void grading(void **state)
{
	(void)state;
	ls_seckey pack, inst;
	ls_keys_generate(&pack);
	ls_keys_generate(&inst);
	ls_expayload p;
	sample_payload(&p, &pack, &inst);
	ls_exanswers a;
	ls_diag d;
	ls_exgrade g;
	assert_int_equal(parse_answers("1: CORP\\KBioLidro4\n2: lt-00005.corp.example\n3: 20 001\n",
	                               &a, &d),
	                 LS_OK);
	ls_exercise_grade(&p.t[0], &a, &g);
	assert_int_equal(g.score, 2);
	assert_int_equal(g.max, 3);
	assert_true(g.item[0].right && g.item[1].right && !g.item[2].right);
	assert_non_null(strstr(g.item[2].feedback, "read as 20001"));
	assert_non_null(strstr(g.item[2].feedback, "db_audit.jsonl"));
	/* The other trainee's truth marks the same answers wrong. */
	ls_exercise_grade(&p.t[1], &a, &g);
	assert_int_equal(g.score, 0);
	ls_exercise_answers_fini(&a);
	/* Nothing answered. */
	ls_exercise_grade(&p.t[0], NULL, &g);
	assert_int_equal(g.score, 0);
	assert_false(g.item[0].answered);
	assert_non_null(strstr(g.item[0].feedback, "not answered"));
	ls_buf out = LS_BUF_INIT;
	ls_exercise_grade_json(&g, 1, "answers.yaml:1:1: bad", &out);
	assert_true(strncmp(out.data, "{\"score\":0,\"max\":3,", 19) == 0);
	assert_non_null(strstr(out.data, "\"error\":\"answers.yaml:1:1: bad\""));
	ls_buf_reset(&out);
	ls_exercise_grade_text(&g, 1, &out);
	assert_true(strncmp(out.data, "trainee 1: 0 of 3 right\n", 24) == 0);
	ls_buf_fini(&out);
	ls_exercise_payload_fini(&p);
	ls_keys_wipe(&pack);
	ls_keys_wipe(&inst);
}

static void pack_json(void **state)
{
	(void)state;
	ls_seckey k, inst;
	ls_keys_generate(&k);
	ls_keys_generate(&inst);
	ls_expack p, back;
	memset(&p, 0, sizeof p);
	ls_keys_fingerprint(&k.pub, p.pack);
	memcpy(p.signer, k.pub.sign, sizeof p.signer);
	ls_keys_fingerprint(&inst.pub, p.instructor_fp);
	memcpy(p.instructor, inst.pub.box, sizeof p.instructor);
	memcpy(p.scenario, "small", 6);
	p.trainees = 3;
	p.stages = true;
	ls_buf text = LS_BUF_INIT, ed = LS_BUF_INIT;
	ls_exercise_pack_render(&p, &text);
	ls_diag d;
	ls_diag_clear(&d);
	assert_int_equal(ls_exercise_pack_parse(text.data, text.len, "pack.json", &back, &d), LS_OK);
	assert_memory_equal(&back, &p, sizeof p);
	static const struct {
		const char *from, *to, *msg;
	} bad[] = {
		{ "\"trainees\":3", "\"trainees\":0", "1 to 99" },
		{ "\"trainees\":3", "\"trainees\":3,\"extra\":1", "unknown member" },
		{ "\"stages\":true", "\"stages\":1", "\"stages\"" },
		{ "\"version\":1", "\"version\":2", "not supported" },
		{ "\"format\":\"leaksim-exercise-pack\"", "\"format\":\"x\"", "format" },
		{ "\"x25519\":\"", "\"x25519\":\"00", "64 hex digits" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char *at = strstr(text.data, bad[i].from);
		assert_non_null(at);
		ls_buf_reset(&ed);
		ls_buf_append(&ed, text.data, (size_t)(at - text.data));
		ls_buf_append_cstr(&ed, bad[i].to);
		ls_buf_append_cstr(&ed, at + strlen(bad[i].from));
		assert_int_equal(ls_exercise_pack_parse(ed.data, ed.len, "pack.json", &back, &d),
		                 LS_ERR_PARSE);
		if (strstr(d.message, bad[i].msg) == NULL || d.line != 1)
			fail_msg("%s: %s", bad[i].to, d.message);
		assert_int_equal(back.trainees, 0);
	}
	/* A fingerprint that is not the signer's. */
	ls_buf_reset(&ed);
	ls_buf_append_cstr(&ed, text.data);
	char *fp = strstr(ed.data, p.pack);
	fp[0] = fp[0] == '0' ? '1' : '0';
	assert_int_equal(ls_exercise_pack_parse(ed.data, ed.len, "pack.json", &back, &d), LS_ERR_PARSE);
	assert_non_null(strstr(d.message, "not the fingerprint"));
	ls_buf_fini(&text);
	ls_buf_fini(&ed);
	ls_keys_wipe(&k);
	ls_keys_wipe(&inst);
}

/* ------------------------------------------------------------------ truth */

static const char KEY_JSON[] =
        "{\"campaigns\":[{\"actors\":[{\"user\":\"dba7\",\"credential\":\"stolen\"},"
        "{\"user\":\"alice1\",\"credential\":\"own\"}],\"hosts\":[\"LT-00001\",\"jump01\",\"db01\"],"
        "\"steps\":["
        "{\"name\":\"access\",\"start\":\"2026-03-04T10:00:00Z\",\"end\":\"2026-03-04T10:30:10Z\","
        "\"records\":[]},"
        "{\"name\":\"collection\",\"start\":\"2026-03-04T10:05:00Z\",\"end\":\"2026-03-04T10:06:30Z\","
        "\"records\":[{\"source\":\"conn\",\"rid\":\"r1\"},{\"source\":\"db_audit\",\"rid\":\"r2\"}]},"
        "{\"name\":\"exfiltration\",\"start\":\"2026-03-04T10:20:00.5Z\","
        "\"end\":\"2026-03-04T10:25:00Z\",\"records\":[]},"
        "{\"name\":\"publication\",\"start\":\"2026-03-05T01:00:00Z\","
        "\"end\":\"2026-03-05T01:00:00Z\",\"records\":[]}],"
        "\"totals\":{\"rows\":1234567},"
        "\"uploads\":[{\"end\":\"2026-03-04T10:22:00Z\",\"wire_bytes\":1000,\"vpn\":false},"
        "{\"end\":\"2026-03-04T10:24:59Z\",\"wire_bytes\":2000,\"vpn\":true}],"
        "\"leaked_file\":{\"size\":2900,\"export_session\":\"abc\"},"
        "\"publication\":{\"channel\":\"leaks-test\"}}],"
        "\"dirty\":{\"missing_sensor\":";

static char *truth_dir(const char *missing, bool with_campaign)
{
	char *dir = tu_tempdir();
	mkdir_in(dir, "truth");
	mkdir_in(dir, "logs");
	ls_buf key = LS_BUF_INIT;
	ls_buf_append_cstr(&key, KEY_JSON);
	ls_buf_append_cstr(&key, missing);
	ls_buf_append_cstr(&key, "}}\n");
	write_text(dir, "truth/answer-key.json",
	           with_campaign ? key.data : "{\"campaigns\":[],\"decoys\":[]}\n");
	ls_buf_fini(&key);
	write_text(dir, "truth/export-sessions.jsonl",
	           "{\"session\":\"zzz\",\"account\":\"x\",\"host\":\"y\"}\n"
	           "{\"session\":\"abc\",\"account\":\"dba7\",\"host\":\"jump01\"}\n");
	write_text(dir, "logs/db_audit.jsonl",
	           "{\"timestamp\":\"2026-03-04T10:05:01Z\",\"rid\":\"r2x\",\"session_id\":\"no\"}\n"
	           "{\"timestamp\":\"2026-03-04T10:05:02Z\",\"rid\":\"r2\",\"session_id\":\"AB12.cd\"}\n");
	return dir;
}

static void truth_hand_made(void **state)
{
	(void)state;
	char *dir = truth_dir("null", true);
	ls_extruth t;
	ls_diag d;
	ls_diag_clear(&d);
	if (ls_exercise_truth_load(dir, &t, &d) != LS_OK)
		fail_msg("%s:%lu:%lu: %s", d.file, d.line, d.col, d.message);
	static const char *const want[] = {
		"alice1",         "LT-00001",  "dba7",                 "jump01",
		"2026-03-04T10:05:00Z", "AB12.cd", "1234567",          "2026-03-04T10:20:00Z",
		"2026-03-04T10:24:59Z", "3548",    "2900",             "leaks-test",
	};
	assert_int_equal(t.n, 12);
	for (size_t i = 0; i < 12; i++) {
		assert_ptr_equal(t.topic[i], &ls_exercise_catalogue()[i]);
		assert_string_equal(t.answer[i], want[i]);
	}
	/* Cuts: the minute after each step's end, in order. */
	assert_int_equal(t.ncuts, 4);
	static const char *const cuts[] = { "2026-03-04T10:07:00Z", "2026-03-04T10:26:00Z",
		                            "2026-03-04T10:31:00Z", "2026-03-05T01:01:00Z" };
	for (size_t k = 0; k < 4; k++) {
		ls_time c;
		assert_int_equal(ls_time_parse_rfc3339(ls_sv_from_cstr(cuts[k]), &c, NULL), LS_OK);
		assert_int_equal(t.cut[k], c);
	}
	/* Stages: a step's start decides, or its end for rows, exfil_end and upload_bytes. */
	static const unsigned stages[] = { 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 4, 4 };
	for (size_t i = 0; i < 12; i++)
		assert_int_equal(t.stage[i], stages[i]);
	ls_exercise_truth_fini(&t);
	tu_rmdir(dir);

	/* A missing database audit log takes away the questions only it answers. */
	dir = truth_dir("\"db_audit\"", true);
	assert_int_equal(ls_exercise_truth_load(dir, &t, &d), LS_OK);
	assert_int_equal(t.n, 8);
	static const char *const left[] = { "insider_account", "laptop",    "collection_start",
		                            "exfil_start",     "exfil_end", "upload_bytes",
		                            "leaked_size",     "channel" };
	for (size_t i = 0; i < 8; i++)
		assert_string_equal(t.topic[i]->topic, left[i]);
	ls_exercise_truth_fini(&t);
	tu_rmdir(dir);

	dir = truth_dir("null", false);
	assert_int_equal(ls_exercise_truth_load(dir, &t, &d), LS_ERR_RANGE);
	assert_non_null(strstr(d.message, "no campaign"));
	tu_rmdir(dir);

	/* A truth file of the wrong shape is located. */
	dir = truth_dir("null", true);
	write_text(dir, "truth/answer-key.json", "{\"campaigns\":[{\"actors\":3}]}");
	assert_int_equal(ls_exercise_truth_load(dir, &t, &d), LS_ERR_PARSE);
	assert_string_equal(d.file, "truth/answer-key.json");
	assert_int_equal(d.line, 1);
	assert_non_null(strstr(d.message, "\"actors\""));
	write_text(dir, "truth/answer-key.json", "{");
	assert_int_equal(ls_exercise_truth_load(dir, &t, &d), LS_ERR_PARSE);
	tu_rmdir(dir);
}

static void truth_generated(void **state)
{
	(void)state;
	char *dir = tu_tempdir();
	sim_scenario sc;
	ls_diag d;
	ls_diag_clear(&d);
	assert_int_equal(sim_scenario_resolve(&sc, "small", &d), LS_OK);
	sim_gen_stats st;
	assert_int_equal(sim_generate(&sc, dir, NULL, &st, NULL, NULL, &d), LS_OK);
	ls_extruth t;
	if (ls_exercise_truth_load(dir, &t, &d) != LS_OK)
		fail_msg("%s:%lu: %s", d.file, d.line, d.message);
	assert_int_equal(t.n, LS_EXERCISE_QUESTIONS);
	assert_string_equal(t.answer[0], st.campaign.insider);
	assert_string_equal(t.answer[1], st.campaign.laptop);
	char rows[32];
	snprintf(rows, sizeof rows, "%llu", (unsigned long long)st.campaign.rows);
	assert_string_equal(t.answer[6], rows);
	snprintf(rows, sizeof rows, "%llu", (unsigned long long)st.campaign.wire_bytes);
	assert_string_equal(t.answer[9], rows);
	snprintf(rows, sizeof rows, "%llu", (unsigned long long)st.campaign.leaked_bytes);
	assert_string_equal(t.answer[10], rows);
	assert_true(t.ncuts >= 4);
	for (size_t k = 1; k < t.ncuts; k++)
		assert_true(t.cut[k] > t.cut[k - 1]);
	for (size_t i = 0; i < t.n; i++) {
		assert_true(t.stage[i] >= 1 && t.stage[i] <= t.ncuts);
		ls_buf c = LS_BUF_INIT;
		assert_int_equal(ls_exercise_canon(t.topic[i]->kind, ls_sv_from_cstr(t.answer[i]), &c,
		                                   NULL, NULL),
		                 LS_OK);
		ls_buf_fini(&c);
	}
	ls_exercise_truth_fini(&t);
	sim_scenario_fini(&sc);
	tu_rmdir(dir);
}

/* -------------------------------------------------------------- cut logs */

static void expect_cut(const char *in, const char *cut, const char *want, uint64_t records)
{
	char *dir = tu_tempdir();
	write_text(dir, "in.log", in);
	char *src = tu_join(dir, "in.log"), *dst = tu_join(dir, "out.log");
	ls_time t = LS_TIME_MAX;
	if (cut)
		assert_int_equal(ls_time_parse_rfc3339(ls_sv_from_cstr(cut), &t, NULL), LS_OK);
	uint64_t n;
	ls_diag d;
	ls_diag_clear(&d);
	if (ls_exercise_cut_log(src, dst, t, &n, &d) != LS_OK)
		fail_msg("%s:%lu: %s", d.file, d.line, d.message);
	ls_buf out = LS_BUF_INIT;
	assert_true(tu_read_file(dst, &out));
	assert_string_equal(out.data ? out.data : "", want);
	assert_int_equal(n, records);
	/* Never replaces an existing file. */
	assert_int_equal(ls_exercise_cut_log(src, dst, t, &n, &d), LS_ERR_EXISTS);
	ls_buf_fini(&out);
	free(src);
	free(dst);
	tu_rmdir(dir);
}

static void cut_logs(void **state)
{
	(void)state;
	static const char zeek[] = "#separator \\x09\n#fields\tts\tuid\n"
	                           "1772539900.000000\ta\n1772539908.329611\tb\n1772539909.000000\tc\n"
	                           "#close\t2026-03-03-16-00-00\n";
	expect_cut(zeek, NULL, zeek, 3);
	expect_cut(zeek, "2026-03-03T12:11:48.329611Z",
	           "#separator \\x09\n#fields\tts\tuid\n1772539900.000000\ta\n1772539908.329611\tb\n",
	           2);
	expect_cut(zeek, "2000-01-01T00:00:00Z", "#separator \\x09\n#fields\tts\tuid\n", 0);
	static const char jsonl[] = "{\"timestamp\":\"2026-03-03T12:00:00Z\",\"rid\":\"a\"}\n"
	                            "{\"rid\":\"b\",\"timestamp\":\"2026-03-03T12:05:00Z\"}\n"
	                            "{\"timestamp\":\"2026-03-03T12:10:00.5Z\",\"rid\":\"c\"}";
	expect_cut(jsonl, "2026-03-03T12:05:00Z",
	           "{\"timestamp\":\"2026-03-03T12:00:00Z\",\"rid\":\"a\"}\n"
	           "{\"rid\":\"b\",\"timestamp\":\"2026-03-03T12:05:00Z\"}\n",
	           2);
	expect_cut(jsonl, NULL, jsonl, 3);
	static const char syslog[] = "<78>1 2026-03-01T16:00:00.036000Z fs01 CRON 1 - - a\n"
	                             "<78>1 2026-03-01T16:00:01Z fs01 CRON 1 - - b\n";
	expect_cut(syslog, "2026-03-01T16:00:00.5Z",
	           "<78>1 2026-03-01T16:00:00.036000Z fs01 CRON 1 - - a\n", 1);
	expect_cut("", "2026-03-01T16:00:00Z", "", 0);

	/* A record without a time is located. */
	char *dir = tu_tempdir();
	write_text(dir, "in.log", "{\"timestamp\":\"2026-03-03T12:00:00Z\"}\n{\"rid\":\"x\"}\n");
	char *src = tu_join(dir, "in.log"), *dst = tu_join(dir, "out.log");
	uint64_t n;
	ls_diag d;
	ls_diag_clear(&d);
	assert_int_equal(ls_exercise_cut_log(src, dst, LS_TIME_MAX, &n, &d), LS_ERR_PARSE);
	assert_int_equal(d.line, 2);
	assert_false(tu_exists(dst));
	char *none = tu_join(dir, "none.log");
	assert_int_equal(ls_exercise_cut_log(none, dst, LS_TIME_MAX, &n, &d), LS_ERR_NOTFOUND);
	free(none);
	free(src);
	free(dst);
	tu_rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(canon_names),        cmocka_unit_test(canon_numbers),
		cmocka_unit_test(canon_times),        cmocka_unit_test(canon_limits),
		cmocka_unit_test(match_tolerance),    cmocka_unit_test(answers_accepted),
		cmocka_unit_test(answers_errors),     cmocka_unit_test(questions_round_trip),
		cmocka_unit_test(questions_errors),   cmocka_unit_test(check_offline),
		cmocka_unit_test(seal_round_trip),    cmocka_unit_test(grading),
		cmocka_unit_test(pack_json),
		cmocka_unit_test(truth_hand_made),    cmocka_unit_test(truth_generated),
		cmocka_unit_test(cut_logs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

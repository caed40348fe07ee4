/*
 * exercise.h - exercise packs: questions drawn from a dataset's answer key,
 * the signed and sealed answer key, salted answer hashes for offline
 * self-checks, tolerant grading, and the trainees' copies of the logs
 * (docs/exercises.md has the pack's layout and every format).
 *
 * A pack turns one or more generated datasets into trainee material that
 * holds the evidence (the logs) but not the truth: no answer key, no
 * export-session log, no watermark key. Each question's answer is taken
 * from the answer key (truth/answer-key.json), the export-session log
 * (truth/export-sessions.jsonl) or, for the database session id, from the
 * audit-log record the answer key names. The answers are kept in three
 * forms:
 *
 *   - the instructor's: every trainee's answers in one JSON payload,
 *     signed with the pack's Ed25519 key and sealed to the instructor's
 *     X25519 key (crypto_box_seal): answers.sealed;
 *   - the trainee's: per question a salt and an Argon2id hash
 *     (crypto_pwhash) of the canonical answer, in questions.yaml, so that
 *     one answer can be checked offline without revealing the others;
 *   - nothing else: no file of the trainee material holds an answer.
 *
 * Canonicalisation makes grading tolerant: names ignore case (and a
 * DOMAIN\ prefix or a domain suffix), numbers ignore thousands separators,
 * byte counts accept exact units, times are read in several notations and
 * compared to the minute with one minute of tolerance either way. The same
 * rules serve grading (plain text) and self-checking (hashes: a time
 * checks the neighbouring minutes too).
 *
 * Ownership: every struct here is caller-owned and released by its fini
 * (which accepts a zeroed struct); strings inside are owned by the struct.
 * Secret inputs (key structs) are borrowed and never copied.
 */
#ifndef LS_FORENSICS_EXERCISE_H
#define LS_FORENSICS_EXERCISE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

#include "core/err.h"
#include "core/str.h"
#include "core/time.h"
#include "forensics/keys.h"

/* The question catalogue's size: a pack asks at most this many. */
#define LS_EXERCISE_QUESTIONS 12
/* A pack asks at least this many (questions whose evidence a dirty dataset lacks are left out). */
#define LS_EXERCISE_QUESTIONS_MIN 8
/* Trainees per pack (folders trainee-01 .. trainee-99). */
#define LS_EXERCISE_TRAINEES_MAX 99
/* Longest answer read, in bytes. */
#define LS_EXERCISE_ANSWER_MAX 256
/* Largest questions, answers or pack file read. */
#define LS_EXERCISE_FILE_MAX (1024u * 1024u)
/* Largest sealed answer key read. */
#define LS_EXERCISE_SEALED_MAX (16u * 1024u * 1024u)
#define LS_EXERCISE_SALTBYTES crypto_pwhash_SALTBYTES /* 16 */
#define LS_EXERCISE_HASHBYTES 32
/* Stage folders per trainee: one per campaign step at most. */
#define LS_EXERCISE_STAGES_MAX 8
/* The Argon2id limits a pack uses (libsodium's "interactive" ones). */
#define LS_EXERCISE_OPSLIMIT crypto_pwhash_OPSLIMIT_INTERACTIVE
#define LS_EXERCISE_MEMLIMIT crypto_pwhash_MEMLIMIT_INTERACTIVE
/* A time answer is right within this many minutes of the truth's minute. */
#define LS_EXERCISE_TIME_TOLERANCE_MIN 1

/* ------------------------------------------------------------- answers */

/* How an answer is read and compared. */
typedef enum ls_exkind {
	LS_EXKIND_ACCOUNT = 0, /* case-insensitive; a DOMAIN\ prefix and an @domain suffix dropped */
	LS_EXKIND_HOST,        /* case-insensitive; the part before the first '.' */
	LS_EXKIND_CHANNEL,     /* case-insensitive; a leading '@' or '#' dropped */
	LS_EXKIND_TOKEN,       /* case-insensitive, as written */
	LS_EXKIND_COUNT,       /* a whole number; separators , _ ' and space ignored */
	LS_EXKIND_BYTES,       /* a whole number of bytes, or an exact value with a unit */
	LS_EXKIND_TIME,        /* a UTC instant, compared to the minute (+/- tolerance) */
	LS_EXKIND__COUNT
} ls_exkind;

/* "account", "host", "channel", "token", "count", "bytes", "time". */
const char *ls_exkind_name(ls_exkind k);
/* The kind named s; LS_ERR_PARSE if none. */
ls_err ls_exkind_parse(ls_sv s, ls_exkind *out) LS_WUR;

/*
 * Canonicalise answer as kind: append the canonical text to out and, for a
 * time, set *minute to the minute's start (may be NULL). LS_ERR_PARSE when
 * the answer cannot be read as that kind (empty, not a number, not a time,
 * a byte value with a fraction of a byte, longer than
 * LS_EXERCISE_ANSWER_MAX); why (may be NULL) then receives the reason.
 * Canonical forms: names lower case, numbers plain decimal, times
 * "YYYY-MM-DDTHH:MMZ".
 */
ls_err ls_exercise_canon(ls_exkind kind, ls_sv answer, ls_buf *out, ls_time *minute,
                         ls_buf *why) LS_WUR;
/* Append the canonical text of the minute starting at t ("YYYY-MM-DDTHH:MMZ"). */
void ls_exercise_canon_minute(ls_time t, ls_buf *out);

/*
 * Whether answer is right for truth (both canonicalised as kind; a time
 * within LS_EXERCISE_TIME_TOLERANCE_MIN minutes). why (may be NULL) gets
 * the reason a wrong answer was read as it was ("not a whole number", "read
 * as 2026-03-04T10:15Z"); it is left empty for a right one.
 */
bool ls_exercise_match(ls_exkind kind, ls_sv truth, ls_sv answer, ls_buf *why);

/* ------------------------------------------------------------ questions */

/* One entry of the catalogue: what is asked and where the evidence is. */
typedef struct ls_extopic {
	const char *topic;    /* stable id, e.g. "insider_account" */
	ls_exkind kind;
	const char *step;     /* the campaign step it is about */
	const char *question; /* the text asked */
	const char *format;   /* the answer's format, as told to the trainee */
	const char *logs;     /* which logs answer it (for feedback and docs) */
	bool whole_step;      /* answerable only once the step is over (else once it began) */
} ls_extopic;

/* The catalogue, LS_EXERCISE_QUESTIONS entries in asking order. */
const ls_extopic *ls_exercise_catalogue(void);
/* The entry for topic, or NULL. */
const ls_extopic *ls_exercise_topic(ls_sv topic);

/* One question as a trainee's questions.yaml holds it. */
typedef struct ls_exquestion {
	unsigned number; /* 1-based */
	const ls_extopic *topic;
	unsigned stage; /* the first stage folder that answers it; 0 without stages */
	unsigned char salt[LS_EXERCISE_SALTBYTES];
	unsigned char hash[LS_EXERCISE_HASHBYTES];
} ls_exquestion;

/* A trainee's questions.yaml. */
typedef struct ls_exquestions {
	char pack[LS_KEYS_FINGERPRINT_HEX + 1]; /* the pack key's fingerprint */
	unsigned trainee;                       /* 1-based */
	unsigned stages;                        /* stage folders; 0 without --stage */
	unsigned long long opslimit;            /* Argon2id */
	size_t memlimit;
	ls_exquestion q[LS_EXERCISE_QUESTIONS];
	size_t n;
} ls_exquestions;

/* Append the questions.yaml text. */
void ls_exercise_questions_render(const ls_exquestions *qs, ls_buf *out);
/*
 * Parse a questions.yaml (len bytes). Strict: every key known and of its
 * type, questions numbered 1..n in order, topics from the catalogue,
 * Argon2id limits within libsodium's interactive..sensitive range.
 * LS_ERR_PARSE / LS_ERR_TOOLONG with file:line:col.
 */
ls_err ls_exercise_questions_parse(const char *text, size_t len, const char *file,
                                   ls_exquestions *out, ls_diag *d) LS_WUR;

/*
 * The self-check hash of a canonical answer: crypto_pwhash (Argon2id 1.3,
 * 32 bytes) of "leaksim-exercise-v1" 0x00 KIND 0x00 CANONICAL under the
 * question's salt. LS_ERR_CRYPTO if libsodium fails (out of memory).
 */
ls_err ls_exercise_hash(unsigned long long opslimit, size_t memlimit,
                        const unsigned char salt[LS_EXERCISE_SALTBYTES], ls_exkind kind,
                        ls_sv canonical, unsigned char out[LS_EXERCISE_HASHBYTES]) LS_WUR;
/*
 * Check answer against question q of qs offline: canonicalise, hash,
 * compare (a time also at the neighbouring minutes). *right is set; why
 * as in ls_exercise_match. LS_ERR_CRYPTO if hashing fails.
 */
ls_err ls_exercise_check(const ls_exquestions *qs, const ls_exquestion *q, ls_sv answer,
                         bool *right, ls_buf *why) LS_WUR;

/* ---------------------------------------------------------------- truth */

/* What a dataset says the answers are, and where its stages end. */
typedef struct ls_extruth {
	const ls_extopic *topic[LS_EXERCISE_QUESTIONS]; /* the questions asked, in order */
	char *answer[LS_EXERCISE_QUESTIONS];           /* their answers, as displayed */
	/* The first stage answering each: the first cut after its step began, or
	 * ended for a whole_step topic. */
	unsigned stage[LS_EXERCISE_QUESTIONS];
	size_t n;
	/* Stage k holds the records before cut[k-1]: a minute boundary after a step's end. */
	ls_time cut[LS_EXERCISE_STAGES_MAX];
	size_t ncuts;
} ls_extruth;

/*
 * Read dir/truth/answer-key.json, dir/truth/export-sessions.jsonl and
 * dir/logs/db_audit.jsonl and fill t: the questions whose evidence the
 * dataset has (a missing sensor removes those that need only it; at least
 * LS_EXERCISE_QUESTIONS_MIN remain or it is LS_ERR_RANGE) with their
 * answers, and the stage cuts: for each campaign step, the first minute
 * boundary after its end (distinct, in order; a step ending at 12:11:48
 * gives 12:12:00, so a stage's newest record does not mark the step's
 * last one). LS_ERR_RANGE also for a dataset without a campaign; LS_ERR_PARSE
 * (located) for truth files that do not have the documented shape.
 */
ls_err ls_exercise_truth_load(const char *dir, ls_extruth *t, ls_diag *d) LS_WUR;
void ls_exercise_truth_fini(ls_extruth *t);

/* ------------------------------------------------------------ answers file */

/* A parsed answers file: question number -> answer. */
typedef struct ls_exanswers {
	char *text[LS_EXERCISE_QUESTIONS + 1]; /* by number; NULL: not answered */
	size_t count;                          /* answers given (null values not counted) */
} ls_exanswers;

/*
 * Parse an answers file: a YAML mapping from question numbers (1..nq; "q3"
 * and "Q3" are read as 3) to one answer each (a scalar; null or empty
 * means unanswered), comments allowed. An empty file or one with only
 * comments has no answers. Anything else (a YAML error, a list, a number
 * out of range, a question answered twice, a nested value, an answer
 * longer than LS_EXERCISE_ANSWER_MAX or holding NUL) is LS_ERR_PARSE or
 * LS_ERR_TOOLONG with file:line:col, and *out holds no answers.
 */
ls_err ls_exercise_answers_parse(const char *text, size_t len, const char *file, unsigned nq,
                                 ls_exanswers *out, ls_diag *d) LS_WUR;
void ls_exercise_answers_fini(ls_exanswers *a);
/* Append "N: \"ANSWER\"\n" (YAML double-quoted) for one answer. */
void ls_exercise_answers_line(unsigned number, const char *answer, ls_buf *out);

/* ------------------------------------------------------- the sealed key */

/* One trainee's part of the answer key. */
typedef struct ls_extrainee {
	unsigned trainee;
	uint64_t seed; /* the seed of this trainee's world */
	unsigned char questions_hash[32]; /* BLAKE2b-256 of the trainee's questions.yaml */
	char *topic[LS_EXERCISE_QUESTIONS];
	char *answer[LS_EXERCISE_QUESTIONS];
	size_t n;
} ls_extrainee;

/* The sealed payload: every trainee's answers and what binds them to the pack. */
typedef struct ls_expayload {
	unsigned char signer[LS_KEYS_SIGN_PUBLICBYTES];   /* the pack key */
	unsigned char instructor[LS_KEYS_BOX_PUBLICBYTES]; /* sealed to this */
	char *scenario;
	uint64_t seed; /* the base seed */
	unsigned stages; /* 1 with staged release */
	ls_extrainee *t;
	size_t nt;
} ls_expayload;

void ls_exercise_payload_render(const ls_expayload *p, ls_buf *out);
/* Strict JSON; LS_ERR_PARSE located. */
ls_err ls_exercise_payload_parse(const char *text, size_t len, const char *file,
                                 ls_expayload *out, ls_diag *d) LS_WUR;
void ls_exercise_payload_fini(ls_expayload *p);

/*
 * Sign then seal: append crypto_box_seal(sig || payload) to instructor's
 * X25519 key, sig being pack's Ed25519 signature of
 * "leaksim-exercise-answers-v1" 0x00 payload.
 */
void ls_exercise_seal(const ls_seckey *pack, const ls_pubkey *instructor, const void *payload,
                      size_t len, ls_buf *out);
/*
 * Open and check: LS_ERR_CRYPTO with a message when the box does not open
 * with instructor's key (sealed to another key, or altered) or the
 * signature is not pack_sign's; otherwise the payload is appended to out.
 */
ls_err ls_exercise_open(const ls_seckey *instructor,
                        const unsigned char pack_sign[LS_KEYS_SIGN_PUBLICBYTES],
                        const void *sealed, size_t len, ls_buf *out, ls_diag *d) LS_WUR;

/* ------------------------------------------------------------ pack.json */

/* What a pack is: pack.json at its root. */
typedef struct ls_expack {
	char pack[LS_KEYS_FINGERPRINT_HEX + 1];       /* the pack key's fingerprint */
	unsigned char signer[LS_KEYS_SIGN_PUBLICBYTES]; /* the pack key */
	char instructor_fp[LS_KEYS_FINGERPRINT_HEX + 1];
	unsigned char instructor[LS_KEYS_BOX_PUBLICBYTES]; /* the answers are sealed to this */
	char scenario[128];
	unsigned trainees;
	bool stages;
} ls_expack;

/* Append pack.json's text (one JSON object and a newline). */
void ls_exercise_pack_render(const ls_expack *p, ls_buf *out);
/*
 * Parse pack.json strictly: every member present with its type, no other,
 * the fingerprint the signer's, 1..LS_EXERCISE_TRAINEES_MAX trainees.
 * LS_ERR_PARSE (located) otherwise; *out is zeroed on error.
 */
ls_err ls_exercise_pack_parse(const char *text, size_t len, const char *file, ls_expack *out,
                              ls_diag *d) LS_WUR;

/* ---------------------------------------------------------------- grading */

typedef struct ls_exgrade_item {
	unsigned number;
	const ls_extopic *topic;
	bool answered, right;
	char feedback[256];
} ls_exgrade_item;

typedef struct ls_exgrade {
	ls_exgrade_item item[LS_EXERCISE_QUESTIONS];
	size_t n;
	unsigned score, max;
} ls_exgrade;

/* Mark answers (may be NULL: nothing answered) against trainee t's truth. */
void ls_exercise_grade(const ls_extrainee *t, const ls_exanswers *answers, ls_exgrade *g);
/* The grade as one JSON object and a newline: {"score","max","questions":[...]};
 * error (may be NULL) adds an "error" member. */
void ls_exercise_grade_json(const ls_exgrade *g, unsigned trainee, const char *error, ls_buf *out);
/* The grade as text: a score line and a line per question. */
void ls_exercise_grade_text(const ls_exgrade *g, unsigned trainee, ls_buf *out);

/* ------------------------------------------------------------ the logs */

/*
 * Copy the log file src to dst (created, never replaced), keeping only the
 * records whose time is at or before cut (LS_TIME_MAX: all of them). The
 * format is told by the first line (Zeek TSV, JSON Lines, RFC 5424
 * syslog); Zeek header lines are kept, its #close line only when nothing
 * was cut. *records gets the records written (Zeek header lines not
 * counted). A record without a readable time is LS_ERR_PARSE located at
 * src:line.
 */
ls_err ls_exercise_cut_log(const char *src, const char *dst, ls_time cut, uint64_t *records,
                           ls_diag *d) LS_WUR;

#endif

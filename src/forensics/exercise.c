/*
 * exercise.c - exercise packs: the question catalogue, canonical answers,
 * salted answer hashes, the answers file, the signed and sealed answer
 * key, grading, and cutting logs for staged release (exercise.h,
 * docs/exercises.md).
 *
 * Everything that reads a file a trainee can edit (questions.yaml, an
 * answers file) or that an attacker can hand an instructor (the sealed
 * payload once it opens and verifies) is strict: each value is checked for
 * kind, range and length and an error names file:line:col. Canonical
 * answers are the only thing hashed, so grading and self-checking agree.
 */
#include "forensics/exercise.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/atomic.h"
#include "core/json.h"
#include "core/mem.h"
#include "io/event.h"
#include "io/jdoc.h"
#include "io/yaml.h"

#define PAYLOAD_FORMAT "leaksim-exercise-answers"
#define QUESTIONS_FORMAT "leaksim-exercise-questions"
#define SIGN_DOMAIN "leaksim-exercise-answers-v1"
#define HASH_DOMAIN "leaksim-exercise-v1"
#define KDF_NAME "argon2id13"

/* ================================================================ kinds */

static const char *const kind_names[LS_EXKIND__COUNT] = {
	"account", "host", "channel", "token", "count", "bytes", "time",
};

const char *ls_exkind_name(ls_exkind k)
{
	return (unsigned)k < LS_EXKIND__COUNT ? kind_names[k] : "?";
}

ls_err ls_exkind_parse(ls_sv s, ls_exkind *out)
{
	for (int k = 0; k < LS_EXKIND__COUNT; k++)
		if (ls_sv_eq_cstr(s, kind_names[k])) {
			*out = (ls_exkind)k;
			return LS_OK;
		}
	return LS_ERR_PARSE;
}

/* ====================================================== canonical answers */

static bool is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static ls_err why_fail(ls_buf *why, const char *fmt, ...) LS_PRINTF(2, 3);
static ls_err why_fail(ls_buf *why, const char *fmt, ...)
{
	if (why) {
		char msg[256];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(msg, sizeof msg, fmt, ap);
		va_end(ap);
		ls_buf_reset(why);
		ls_buf_append_cstr(why, msg);
	}
	return LS_ERR_PARSE;
}

/* Lower case, whitespace runs as one space. */
static void append_name(ls_buf *out, ls_sv s)
{
	bool space = false;
	for (size_t i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.ptr[i];
		if (is_space(c)) {
			space = true;
			continue;
		}
		if (space)
			ls_buf_append_char(out, ' ');
		space = false;
		ls_buf_append_char(out, (char)lower(c));
	}
}

static ls_err canon_name(ls_exkind kind, ls_sv s, ls_buf *out, ls_buf *why)
{
	if (kind == LS_EXKIND_ACCOUNT) {
		for (size_t i = s.len; i > 0; i--)
			if (s.ptr[i - 1] == '\\') {
				s = ls_sv_sub(s, i, s.len - i);
				break;
			}
		size_t at = ls_sv_find_char(s, '@');
		if (at != SIZE_MAX)
			s.len = at;
	} else if (kind == LS_EXKIND_HOST) {
		size_t dot = ls_sv_find_char(s, '.');
		if (dot != SIZE_MAX)
			s.len = dot;
	} else if (kind == LS_EXKIND_CHANNEL) {
		while (s.len && (s.ptr[0] == '@' || s.ptr[0] == '#'))
			s = ls_sv_trim(ls_sv_sub(s, 1, s.len - 1));
	}
	s = ls_sv_trim(s);
	if (s.len == 0)
		return why_fail(why, "empty %s", ls_exkind_name(kind));
	append_name(out, s);
	return LS_OK;
}

static bool is_sep(int c)
{
	return c == ',' || c == '_' || c == '\'' || c == ' ';
}

/*
 * Digits with separators between them: s[*pos..] up to the first byte that
 * is neither. *v gets the value; false (with why) on overflow or a stray
 * separator. ndigits counts the digits read.
 */
static bool read_digits(ls_sv s, size_t *pos, uint64_t *v, unsigned *ndigits, bool seps,
                        ls_buf *why)
{
	uint64_t acc = 0;
	unsigned nd = 0;
	size_t i = *pos;
	while (i < s.len) {
		int c = (unsigned char)s.ptr[i];
		if (is_digit(c)) {
			if (acc > (UINT64_MAX - (uint64_t)(c - '0')) / 10) {
				why_fail(why, "too large a number");
				return false;
			}
			acc = acc * 10 + (uint64_t)(c - '0');
			nd++;
			i++;
		} else if (seps && is_sep(c) && nd > 0 && i + 1 < s.len &&
		           is_digit((unsigned char)s.ptr[i + 1])) {
			i++;
		} else {
			break;
		}
	}
	*pos = i;
	*v = acc;
	*ndigits = nd;
	return true;
}

static ls_err canon_count(ls_sv s, ls_buf *out, ls_buf *why)
{
	/* A trailing "rows" or "row" is allowed. */
	static const char *const words[] = { "rows", "row" };
	for (size_t w = 0; w < 2; w++) {
		size_t wl = strlen(words[w]);
		if (s.len > wl && ls_sv_eq_nocase(ls_sv_sub(s, s.len - wl, wl),
		                                  ls_sv_make(words[w], wl))) {
			s = ls_sv_trim(ls_sv_sub(s, 0, s.len - wl));
			break;
		}
	}
	size_t pos = 0;
	uint64_t v;
	unsigned nd;
	if (!read_digits(s, &pos, &v, &nd, true, why))
		return LS_ERR_PARSE;
	if (nd == 0 || pos != s.len)
		return why_fail(why, "not a whole number (digits, with , _ ' or spaces between "
		                     "groups)");
	ls_buf_append_u64(out, v);
	return LS_OK;
}

static bool mul_ok(uint64_t a, uint64_t b, uint64_t *r)
{
	return !__builtin_mul_overflow(a, b, r);
}

static ls_err canon_bytes(ls_sv s, ls_buf *out, ls_buf *why)
{
	static const struct {
		const char *name;
		uint64_t mult;
	} units[] = {
		{ "b", 1 },
		{ "byte", 1 },
		{ "bytes", 1 },
		{ "kb", 1000 },
		{ "kib", 1024 },
		{ "mb", 1000000 },
		{ "mib", 1048576 },
		{ "gb", 1000000000 },
		{ "gib", 1073741824 },
		{ "tb", 1000000000000 },
		{ "tib", 1099511627776 },
	};
	size_t pos = 0;
	uint64_t ip, fp = 0;
	unsigned nd, fd = 0;
	if (!read_digits(s, &pos, &ip, &nd, true, why))
		return LS_ERR_PARSE;
	if (nd == 0)
		return why_fail(why, "not a byte count (a whole number, or a value with a unit)");
	if (pos < s.len && s.ptr[pos] == '.') {
		pos++;
		if (!read_digits(s, &pos, &fp, &fd, false, why))
			return LS_ERR_PARSE;
		if (fd == 0 || fd > 12)
			return why_fail(why, "not a byte count: expected 1 to 12 digits after '.'");
	}
	while (pos < s.len && is_space((unsigned char)s.ptr[pos]))
		pos++;
	ls_sv unit = ls_sv_sub(s, pos, s.len - pos);
	uint64_t mult = 0;
	if (unit.len == 0) {
		mult = 1;
	} else {
		for (size_t u = 0; u < sizeof units / sizeof *units; u++)
			if (ls_sv_eq_nocase(unit, ls_sv_from_cstr(units[u].name)))
				mult = units[u].mult;
		if (mult == 0)
			return why_fail(why,
			                "not a byte count: unknown unit (B, kB, KiB, MB, MiB, GB, GiB, "
			                "TB, TiB)");
	}
	uint64_t scale = 1, num, total;
	for (unsigned i = 0; i < fd; i++)
		scale *= 10;
	if (!mul_ok(ip, scale, &num) || num > UINT64_MAX - fp || !mul_ok(num + fp, mult, &total))
		return why_fail(why, "too large a byte count");
	if (total % scale != 0)
		return why_fail(why, "not a whole number of bytes");
	ls_buf_append_u64(out, total / scale);
	return LS_OK;
}

/* n digits at s[*pos] as a number; false unless all are digits. */
static bool fixed_digits(ls_sv s, size_t *pos, unsigned n, int *out)
{
	if (*pos + n > s.len)
		return false;
	int v = 0;
	for (unsigned i = 0; i < n; i++) {
		int c = (unsigned char)s.ptr[*pos + i];
		if (!is_digit(c))
			return false;
		v = v * 10 + (c - '0');
	}
	*pos += n;
	*out = v;
	return true;
}

static bool take(ls_sv s, size_t *pos, char c)
{
	if (*pos < s.len && s.ptr[*pos] == c) {
		(*pos)++;
		return true;
	}
	return false;
}

/* The zone at the end of a time: "", Z, UTC, GMT, +hh:mm, +hhmm, +hh. */
static bool read_zone(ls_sv z, int *offset_min)
{
	*offset_min = 0;
	if (z.len == 0 || ls_sv_eq_nocase(z, LS_SV_LIT("z")) ||
	    ls_sv_eq_nocase(z, LS_SV_LIT("utc")) || ls_sv_eq_nocase(z, LS_SV_LIT("gmt")))
		return true;
	if (z.ptr[0] != '+' && z.ptr[0] != '-')
		return false;
	size_t pos = 1;
	int hh, mm = 0;
	if (!fixed_digits(z, &pos, 2, &hh))
		return false;
	if (pos < z.len) {
		take(z, &pos, ':');
		if (!fixed_digits(z, &pos, 2, &mm))
			return false;
	}
	if (pos != z.len || hh > 23 || mm > 59)
		return false;
	*offset_min = (z.ptr[0] == '-' ? -1 : 1) * (hh * 60 + mm);
	return true;
}

static ls_time floor_minute(ls_time t)
{
	ls_time r = t % LS_USEC_PER_MIN;
	return t - r - (r < 0 ? LS_USEC_PER_MIN : 0);
}

static ls_err canon_time(ls_sv s, ls_buf *out, ls_time *minute, ls_buf *why)
{
	ls_time t;
	size_t pos = 0;
	/* Epoch seconds, as Zeek writes them. */
	while (pos < s.len && (is_digit((unsigned char)s.ptr[pos]) || s.ptr[pos] == '.'))
		pos++;
	if (pos == s.len && s.len >= 9) {
		if (ls_time_parse_zeek(s, &t, NULL) != LS_OK)
			return why_fail(why, "not a time: bad epoch seconds");
		goto done;
	}
	pos = 0;
	ls_civil c;
	memset(&c, 0, sizeof c);
	if (!fixed_digits(s, &pos, 4, &c.year) || !take(s, &pos, '-') ||
	    !fixed_digits(s, &pos, 2, &c.month) || !take(s, &pos, '-') ||
	    !fixed_digits(s, &pos, 2, &c.day))
		goto bad;
	if (!take(s, &pos, 'T') && !take(s, &pos, 't')) {
		if (pos >= s.len || s.ptr[pos] != ' ')
			goto bad;
		while (pos < s.len && s.ptr[pos] == ' ')
			pos++;
	}
	if (!fixed_digits(s, &pos, 2, &c.hour) || !take(s, &pos, ':') ||
	    !fixed_digits(s, &pos, 2, &c.minute))
		goto bad;
	if (take(s, &pos, ':')) {
		if (!fixed_digits(s, &pos, 2, &c.second))
			goto bad;
		if (take(s, &pos, '.')) {
			unsigned nd = 0;
			while (pos < s.len && is_digit((unsigned char)s.ptr[pos]) && nd < 9) {
				pos++;
				nd++;
			}
			if (nd == 0)
				goto bad;
		}
	}
	while (pos < s.len && s.ptr[pos] == ' ')
		pos++;
	int off;
	if (!read_zone(ls_sv_sub(s, pos, s.len - pos), &off))
		return why_fail(why, "not a time: unknown time zone (use Z, UTC or +hh:mm)");
	if (ls_time_from_civil(&c, &t) != LS_OK)
		return why_fail(why, "not a time: a field is out of range");
	t -= (ls_time)off * LS_USEC_PER_MIN;
	if (t < LS_TIME_MIN || t > LS_TIME_MAX)
		return why_fail(why, "not a time: out of range");
done:
	t = floor_minute(t);
	if (minute)
		*minute = t;
	ls_exercise_canon_minute(t, out);
	return LS_OK;
bad:
	return why_fail(why, "not a time: expected YYYY-MM-DD HH:MM (UTC) or RFC 3339, "
	                     "e.g. YYYY-MM-DDTHH:MM:SSZ or with an offset +hh:mm");
}

void ls_exercise_canon_minute(ls_time t, ls_buf *out)
{
	ls_buf b = LS_BUF_INIT;
	ls_time_format_rfc3339(&b, floor_minute(t), 0, 0);
	/* "YYYY-MM-DDTHH:MM:SSZ" -> "YYYY-MM-DDTHH:MMZ" */
	if (b.len >= 20) {
		ls_buf_append(out, b.data, b.len - 4);
		ls_buf_append_char(out, 'Z');
	}
	ls_buf_fini(&b);
}

ls_err ls_exercise_canon(ls_exkind kind, ls_sv answer, ls_buf *out, ls_time *minute, ls_buf *why)
{
	if (why)
		ls_buf_reset(why);
	if (answer.len > LS_EXERCISE_ANSWER_MAX)
		return why_fail(why, "longer than %u bytes", LS_EXERCISE_ANSWER_MAX);
	if (memchr(answer.ptr ? answer.ptr : "", '\0', answer.len))
		return why_fail(why, "holds a NUL byte");
	ls_sv s = ls_sv_trim(answer);
	if (s.len == 0)
		return why_fail(why, "empty");
	switch (kind) {
	case LS_EXKIND_ACCOUNT:
	case LS_EXKIND_HOST:
	case LS_EXKIND_CHANNEL:
	case LS_EXKIND_TOKEN: return canon_name(kind, s, out, why);
	case LS_EXKIND_COUNT: return canon_count(s, out, why);
	case LS_EXKIND_BYTES: return canon_bytes(s, out, why);
	case LS_EXKIND_TIME: return canon_time(s, out, minute, why);
	default: return why_fail(why, "unknown kind");
	}
}

bool ls_exercise_match(ls_exkind kind, ls_sv truth, ls_sv answer, ls_buf *why)
{
	ls_buf a = LS_BUF_INIT, t = LS_BUF_INIT;
	ls_time ma = 0, mt = 0;
	bool right = false;
	if (why)
		ls_buf_reset(why);
	if (ls_exercise_canon(kind, truth, &t, &mt, NULL) != LS_OK) {
		why_fail(why, "the answer key's own answer cannot be read as a %s",
		         ls_exkind_name(kind));
		goto out;
	}
	if (ls_exercise_canon(kind, answer, &a, &ma, why) != LS_OK)
		goto out;
	if (kind == LS_EXKIND_TIME) {
		ls_time diff = ma > mt ? ma - mt : mt - ma;
		right = diff <= LS_EXERCISE_TIME_TOLERANCE_MIN * LS_USEC_PER_MIN;
	} else {
		right = a.len == t.len && memcmp(a.data, t.data, a.len) == 0;
	}
	if (!right && why) {
		ls_buf_reset(why);
		ls_buf_append_cstr(why, "read as ");
		ls_buf_append(why, a.data, a.len);
	}
out:
	if (t.data)
		sodium_memzero(t.data, t.len);
	ls_buf_fini(&a);
	ls_buf_fini(&t);
	return right;
}

/* ============================================================ catalogue */

/* Sources any one of which holds a question's evidence. */
typedef struct topic_need {
	const char *sources[3];
} topic_need;

static const ls_extopic catalogue[LS_EXERCISE_QUESTIONS] = {
	{ "insider_account", LS_EXKIND_ACCOUNT, "access",
	  "Which account did the insider use on their own laptop?",
	  "an account name as the logs write it; case, a DOMAIN\\ prefix and an @domain suffix "
	  "are ignored",
	  "sysmon.jsonl (User, TargetUserName on the laptop), dhcp.jsonl (user)", false },
	{ "laptop", LS_EXKIND_HOST, "access", "What is the host name of the insider's laptop?",
	  "a host name as the logs write it; case and a domain suffix are ignored",
	  "sysmon.jsonl (Computer), dhcp.jsonl (host)", false },
	{ "db_account", LS_EXKIND_ACCOUNT, "collection",
	  "Which database account ran the export of the member register?",
	  "an account name as the database audit log writes it; case is ignored",
	  "db_audit.jsonl (user of the export statements)", false },
	{ "export_host", LS_EXKIND_HOST, "collection",
	  "From which host did the database session of the export connect?",
	  "a host name; case and a domain suffix are ignored",
	  "db_audit.jsonl (remote_host), named with dhcp.jsonl, auth.log or conn.log", false },
	{ "collection_start", LS_EXKIND_TIME, "collection",
	  "When did the collection start (the database session that began it connected)?",
	  "a UTC time to the minute: YYYY-MM-DD HH:MM (UTC) or RFC 3339 (YYYY-MM-DDTHH:MM:SSZ, "
	  "any offset); one minute either way is accepted",
	  "conn.log (the flow to db01 port 5432), db_audit.jsonl (session_start)", false },
	{ "export_session", LS_EXKIND_TOKEN, "collection",
	  "What is the session_id of the database session in which the collection began?",
	  "the session_id as the database audit log writes it (hex digits, a dot, hex digits); "
	  "case is ignored",
	  "db_audit.jsonl (session_id)", false },
	{ "rows", LS_EXKIND_COUNT, "collection",
	  "How many register rows were exported, in all?",
	  "a whole number; separators between digit groups (, _ ' or a space) are ignored",
	  "db_audit.jsonl (rows of the export statements, summed)", true },
	{ "exfil_start", LS_EXKIND_TIME, "exfiltration",
	  "When did the upload of the data to the messaging service start?",
	  "a UTC time to the minute: YYYY-MM-DD HH:MM (UTC) or RFC 3339 (YYYY-MM-DDTHH:MM:SSZ, "
	  "any offset); one minute either way is accepted",
	  "conn.log (the laptop's upload flows), sysmon.jsonl (the client's network events)", false },
	{ "exfil_end", LS_EXKIND_TIME, "exfiltration",
	  "When did the last upload end (its flow's start plus its duration)?",
	  "a UTC time to the minute: YYYY-MM-DD HH:MM (UTC) or RFC 3339 (YYYY-MM-DDTHH:MM:SSZ, "
	  "any offset); one minute either way is accepted",
	  "conn.log (ts + duration of the last upload flow)", true },
	{ "upload_bytes", LS_EXKIND_BYTES, "exfiltration",
	  "How many bytes did the laptop send upstream in those uploads, as conn.log counts them?",
	  "a whole number of bytes, exact; separators are ignored, and a value with a unit (kB, "
	  "KiB, MB, MiB, GB, GiB) counts if it is exactly that many bytes",
	  "conn.log (orig_bytes of the laptop's upload flows, summed)", true },
	{ "leaked_size", LS_EXKIND_BYTES, "publication",
	  "How large was the file the channel posted, in bytes?",
	  "a whole number of bytes, exact; separators are ignored, and a value with a unit counts "
	  "if it is exactly that many bytes",
	  "messaging.jsonl (file_size of the post)", false },
	{ "channel", LS_EXKIND_CHANNEL, "publication",
	  "On which channel of the messaging service was the file posted?",
	  "the channel's name; case and a leading @ or # are ignored",
	  "messaging.jsonl (channel)", false },
};

static const topic_need needs[LS_EXERCISE_QUESTIONS] = {
	{ { "sysmon", "dhcp", NULL } }, { { "sysmon", "dhcp", NULL } },
	{ { "db_audit", NULL, NULL } },  { { "db_audit", NULL, NULL } },
	{ { "conn", "db_audit", NULL } }, { { "db_audit", NULL, NULL } },
	{ { "db_audit", NULL, NULL } },  { { "conn", "sysmon", NULL } },
	{ { "conn", NULL, NULL } },      { { "conn", NULL, NULL } },
	{ { "messaging", NULL, NULL } }, { { "messaging", NULL, NULL } },
};

const ls_extopic *ls_exercise_catalogue(void)
{
	return catalogue;
}

const ls_extopic *ls_exercise_topic(ls_sv topic)
{
	for (size_t i = 0; i < LS_EXERCISE_QUESTIONS; i++)
		if (ls_sv_eq_cstr(topic, catalogue[i].topic))
			return &catalogue[i];
	return NULL;
}

/* ============================================================ questions */

/*
 * A YAML double-quoted scalar: JSON's escapes, which YAML shares, and \u
 * escapes for what YAML 1.1 does not allow raw or reads differently: the
 * C1 controls (U+0080-U+009F, among them NEL, a line break), LS and PS
 * (line breaks), a byte order mark, and U+FFFE/U+FFFF, so that the text
 * reads back unchanged.
 */
static void yaml_str(ls_buf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t start = 0, i = 0, n = strlen(s);
	ls_buf_append_char(out, '"');
	while (i < n) {
		unsigned cp = 0;
		size_t len = 0;
		if (p[i] == 0xC2 && i + 1 < n && p[i + 1] >= 0x80 && p[i + 1] <= 0x9F) {
			cp = p[i + 1];
			len = 2;
		} else if (i + 2 < n && ((p[i] == 0xE2 && p[i + 1] == 0x80 &&
		                          (p[i + 2] == 0xA8 || p[i + 2] == 0xA9)) ||
		                         (p[i] == 0xEF && p[i + 1] == 0xBB && p[i + 2] == 0xBF) ||
		                         (p[i] == 0xEF && p[i + 1] == 0xBF &&
		                          (p[i + 2] == 0xBE || p[i + 2] == 0xBF)))) {
			cp = (unsigned)(p[i] & 0x0F) << 12 | (unsigned)(p[i + 1] & 0x3F) << 6 |
			     (unsigned)(p[i + 2] & 0x3F);
			len = 3;
		}
		if (len == 0) {
			i++;
			continue;
		}
		ls_json_escape(out, ls_sv_make(s + start, i - start));
		ls_buf_printf(out, "\\u%04x", cp);
		i += len;
		start = i;
	}
	ls_json_escape(out, ls_sv_make(s + start, n - start));
	ls_buf_append_char(out, '"');
}

void ls_exercise_questions_render(const ls_exquestions *qs, ls_buf *out)
{
	ls_buf_printf(out,
	              "# leaksim exercise: the questions for trainee %u (docs/exercises.md).\n"
	              "# Answer in a YAML file that maps each question's number to your answer:\n"
	              "#   1: your answer to question 1\n"
	              "#   2: \"your answer to question 2\"\n"
	              "# Check one answer offline, without learning any other:\n"
	              "#   leaksim exercise check --pack DIR --question N --answer TEXT\n",
	              qs->trainee);
	if (qs->stages)
		ls_buf_printf(out,
		              "# The logs come in %u stages (stage-1 ... stage-%u, then dataset/);\n"
		              "# each question's stage is the first whose logs answer it.\n",
		              qs->stages, qs->stages);
	ls_buf_printf(out,
	              "format: " QUESTIONS_FORMAT "\n"
	              "version: 1\n"
	              "pack: \"%s\"\n"
	              "trainee: %u\n"
	              "stages: %u\n"
	              "check:\n"
	              "  kdf: " KDF_NAME "\n"
	              "  opslimit: %llu\n"
	              "  memlimit: %zu\n"
	              "questions:\n",
	              qs->pack, qs->trainee, qs->stages, qs->opslimit, qs->memlimit);
	for (size_t i = 0; i < qs->n; i++) {
		const ls_exquestion *q = &qs->q[i];
		ls_buf_printf(out, "  - number: %u\n    topic: %s\n    kind: %s\n    stage: %u\n",
		              q->number, q->topic->topic, ls_exkind_name(q->topic->kind), q->stage);
		ls_buf_append_cstr(out, "    question: ");
		yaml_str(out, q->topic->question);
		ls_buf_append_cstr(out, "\n    answer_format: ");
		yaml_str(out, q->topic->format);
		ls_buf_append_cstr(out, "\n    salt: \"");
		ls_buf_append_hex(out, q->salt, sizeof q->salt);
		ls_buf_append_cstr(out, "\"\n    hash: \"");
		ls_buf_append_hex(out, q->hash, sizeof q->hash);
		ls_buf_append_cstr(out, "\"\n");
	}
}

/* A mapping's members checked against a list of keys, each at most once. */
typedef struct ymap {
	const char *const *keys;
	size_t nkeys;
	const ls_ynode *val[16];
	const ls_ynode *key[16];
} ymap;

static ls_err ymap_read(ymap *m, const ls_ynode *node, const char *what, const char *file,
                        ls_diag *d)
{
	memset(m->val, 0, sizeof m->val);
	memset(m->key, 0, sizeof m->key);
	if (node == NULL || node->kind != LS_YNODE_MAP)
		return ls_ynode_fail(d, LS_ERR_PARSE, file, node, "%s: expected a mapping, got %s",
		                     what, node ? ls_ynode_kind_name(node) : "nothing");
	for (const ls_ynode *k = node->first; k; k = k->next ? k->next->next : NULL) {
		const ls_ynode *v = k->next;
		size_t i;
		if (k->kind != LS_YNODE_SCALAR)
			return ls_ynode_fail(d, LS_ERR_PARSE, file, k, "%s: a key must be a name",
			                     what);
		for (i = 0; i < m->nkeys; i++)
			if (ls_sv_eq_cstr(ls_ynode_sv(k), m->keys[i]))
				break;
		if (i == m->nkeys) {
			char shown[64];
			return ls_ynode_fail(d, LS_ERR_PARSE, file, k, "%s: unknown key '%s'", what,
			                     ls_yaml_shown(k->text, k->len, shown, sizeof shown));
		}
		if (m->val[i])
			return ls_ynode_fail(d, LS_ERR_PARSE, file, k, "%s: '%s' given twice", what,
			                     m->keys[i]);
		m->val[i] = v;
		m->key[i] = k;
	}
	for (size_t i = 0; i < m->nkeys; i++)
		if (m->val[i] == NULL)
			return ls_ynode_fail(d, LS_ERR_PARSE, file, node, "%s: '%s' is missing", what,
			                     m->keys[i]);
	return LS_OK;
}

static ls_err y_u64(const ls_ynode *n, const char *what, uint64_t lo, uint64_t hi,
                    const char *file, ls_diag *d, uint64_t *out)
{
	uint64_t v;
	if (n->kind != LS_YNODE_SCALAR || !ls_ynode_is_plain(n) ||
	    ls_sv_to_u64(ls_ynode_sv(n), &v) != LS_OK || v < lo || v > hi)
		return ls_ynode_fail(d, LS_ERR_PARSE, file, n,
		                     "%s: expected a whole number from %llu to %llu", what,
		                     (unsigned long long)lo, (unsigned long long)hi);
	*out = v;
	return LS_OK;
}

static ls_err y_str(const ls_ynode *n, const char *what, const char *file, ls_diag *d,
                    ls_sv *out)
{
	if (n->kind != LS_YNODE_SCALAR || ls_ynode_is_null(n) || memchr(n->text, '\0', n->len))
		return ls_ynode_fail(d, LS_ERR_PARSE, file, n, "%s: expected a string, got %s", what,
		                     ls_ynode_kind_name(n));
	*out = ls_ynode_sv(n);
	return LS_OK;
}

static ls_err y_hex(const ls_ynode *n, const char *what, unsigned char *out, size_t bytes,
                    const char *file, ls_diag *d)
{
	ls_sv s;
	ls_err e = y_str(n, what, file, d, &s);
	if (e != LS_OK)
		return e;
	bool ok = s.len == 2 * bytes;
	for (size_t i = 0; ok && i < bytes; i++) {
		int hi = s.ptr[2 * i], lo = s.ptr[2 * i + 1];
		bool lower_hex = ((hi >= '0' && hi <= '9') || (hi >= 'a' && hi <= 'f')) &&
		                 ((lo >= '0' && lo <= '9') || (lo >= 'a' && lo <= 'f'));
		if (!lower_hex)
			ok = false;
		else
			out[i] = (unsigned char)(ls_hex_value(hi) * 16 + ls_hex_value(lo));
	}
	if (!ok)
		return ls_ynode_fail(d, LS_ERR_PARSE, file, n,
		                     "%s: expected %zu lower-case hex digits", what, 2 * bytes);
	return LS_OK;
}

static ls_err parse_question(const ls_ynode *item, size_t idx, const char *file,
                             ls_exquestions *out, ls_diag *d)
{
	static const char *const keys[] = { "number",        "topic", "kind", "stage", "question",
		                            "answer_format", "salt",  "hash" };
	ymap m = { keys, 8, { 0 }, { 0 } };
	ls_err e = ymap_read(&m, item, "question", file, d);
	if (e != LS_OK)
		return e;
	ls_exquestion *q = &out->q[idx];
	uint64_t v;
	if ((e = y_u64(m.val[0], "number", 1, LS_EXERCISE_QUESTIONS, file, d, &v)) != LS_OK)
		return e;
	if (v != idx + 1)
		return ls_ynode_fail(d, LS_ERR_PARSE, file, m.val[0],
		                     "number: expected %zu (questions are numbered in order)",
		                     idx + 1);
	q->number = (unsigned)v;
	ls_sv s;
	if ((e = y_str(m.val[1], "topic", file, d, &s)) != LS_OK)
		return e;
	q->topic = ls_exercise_topic(s);
	if (q->topic == NULL)
		return ls_ynode_fail(d, LS_ERR_PARSE, file, m.val[1], "topic: not a known topic");
	for (size_t j = 0; j < idx; j++)
		if (out->q[j].topic == q->topic)
			return ls_ynode_fail(d, LS_ERR_PARSE, file, m.val[1],
			                     "topic: asked twice (question %zu)", j + 1);
	ls_exkind k;
	if ((e = y_str(m.val[2], "kind", file, d, &s)) != LS_OK)
		return e;
	if (ls_exkind_parse(s, &k) != LS_OK || k != q->topic->kind)
		return ls_ynode_fail(d, LS_ERR_PARSE, file, m.val[2], "kind: expected %s for %s",
		                     ls_exkind_name(q->topic->kind), q->topic->topic);
	if ((e = y_u64(m.val[3], "stage", 0, out->stages, file, d, &v)) != LS_OK)
		return e;
	if ((out->stages > 0) != (v > 0))
		return ls_ynode_fail(d, LS_ERR_PARSE, file, m.val[3],
		                     "stage: expected %s", out->stages ? "1 or more" : "0");
	q->stage = (unsigned)v;
	if ((e = y_str(m.val[4], "question", file, d, &s)) != LS_OK ||
	    (e = y_str(m.val[5], "answer_format", file, d, &s)) != LS_OK)
		return e;
	if ((e = y_hex(m.val[6], "salt", q->salt, sizeof q->salt, file, d)) != LS_OK)
		return e;
	return y_hex(m.val[7], "hash", q->hash, sizeof q->hash, file, d);
}

ls_err ls_exercise_questions_parse(const char *text, size_t len, const char *file,
                                   ls_exquestions *out, ls_diag *d)
{
	memset(out, 0, sizeof *out);
	if (len > LS_EXERCISE_FILE_MAX)
		return ls_diag_set(d, LS_ERR_TOOLONG, file, 0, 0, "larger than %u bytes",
		                   LS_EXERCISE_FILE_MAX);
	ls_yaml y;
	ls_yaml_limits lim = { 1, 4096, "a questions file is one document" };
	ls_err e = ls_yaml_parse(&y, text, len, &lim, file, d);
	if (e != LS_OK)
		goto out;
	if (y.ndocs == 0 || y.docs[0].root == NULL) {
		e = ls_diag_set(d, LS_ERR_PARSE, file, 1, 1, "empty: expected the questions");
		goto out;
	}
	static const char *const keys[] = { "format", "version", "pack",     "trainee",
		                            "stages", "check",   "questions" };
	ymap m = { keys, 7, { 0 }, { 0 } };
	const ls_ynode *root = y.docs[0].root;
	if ((e = ymap_read(&m, root, "questions file", file, d)) != LS_OK)
		goto out;
	ls_sv s;
	uint64_t v;
	if ((e = y_str(m.val[0], "format", file, d, &s)) != LS_OK)
		goto out;
	if (!ls_sv_eq_cstr(s, QUESTIONS_FORMAT)) {
		e = ls_ynode_fail(d, LS_ERR_PARSE, file, m.val[0], "format: expected " QUESTIONS_FORMAT);
		goto out;
	}
	if ((e = y_u64(m.val[1], "version", 1, 1, file, d, &v)) != LS_OK)
		goto out;
	if ((e = y_str(m.val[2], "pack", file, d, &s)) != LS_OK)
		goto out;
	unsigned char fp[LS_KEYS_FINGERPRINT_HEX / 2];
	if ((e = y_hex(m.val[2], "pack", fp, sizeof fp, file, d)) != LS_OK)
		goto out;
	memcpy(out->pack, s.ptr, LS_KEYS_FINGERPRINT_HEX);
	out->pack[LS_KEYS_FINGERPRINT_HEX] = '\0';
	if ((e = y_u64(m.val[3], "trainee", 1, LS_EXERCISE_TRAINEES_MAX, file, d, &v)) != LS_OK)
		goto out;
	out->trainee = (unsigned)v;
	if ((e = y_u64(m.val[4], "stages", 0, LS_EXERCISE_STAGES_MAX, file, d, &v)) != LS_OK)
		goto out;
	out->stages = (unsigned)v;
	{
		static const char *const ckeys[] = { "kdf", "opslimit", "memlimit" };
		ymap c = { ckeys, 3, { 0 }, { 0 } };
		if ((e = ymap_read(&c, m.val[5], "check", file, d)) != LS_OK)
			goto out;
		if ((e = y_str(c.val[0], "kdf", file, d, &s)) != LS_OK)
			goto out;
		if (!ls_sv_eq_cstr(s, KDF_NAME)) {
			e = ls_ynode_fail(d, LS_ERR_PARSE, file, c.val[0], "kdf: expected " KDF_NAME);
			goto out;
		}
		if ((e = y_u64(c.val[1], "opslimit", crypto_pwhash_OPSLIMIT_MIN,
		               crypto_pwhash_OPSLIMIT_SENSITIVE, file, d, &v)) != LS_OK)
			goto out;
		out->opslimit = v;
		if ((e = y_u64(c.val[2], "memlimit", crypto_pwhash_MEMLIMIT_MIN,
		               crypto_pwhash_MEMLIMIT_SENSITIVE, file, d, &v)) != LS_OK)
			goto out;
		out->memlimit = (size_t)v;
	}
	const ls_ynode *qs = m.val[6];
	if (qs->kind != LS_YNODE_SEQ) {
		e = ls_ynode_fail(d, LS_ERR_PARSE, file, qs, "questions: expected a list, got %s",
		                  ls_ynode_kind_name(qs));
		goto out;
	}
	size_t n = 0;
	for (const ls_ynode *it = qs->first; it; it = it->next) {
		if (n == LS_EXERCISE_QUESTIONS) {
			e = ls_ynode_fail(d, LS_ERR_PARSE, file, it, "questions: more than %d",
			                  LS_EXERCISE_QUESTIONS);
			goto out;
		}
		if ((e = parse_question(it, n, file, out, d)) != LS_OK)
			goto out;
		n++;
	}
	if (n == 0) {
		e = ls_ynode_fail(d, LS_ERR_PARSE, file, qs, "questions: the list is empty");
		goto out;
	}
	out->n = n;
out:
	ls_yaml_fini(&y);
	if (e != LS_OK)
		memset(out, 0, sizeof *out);
	return e;
}

/* ================================================================ hashes */

ls_err ls_exercise_hash(unsigned long long opslimit, size_t memlimit,
                        const unsigned char salt[LS_EXERCISE_SALTBYTES], ls_exkind kind,
                        ls_sv canonical, unsigned char out[LS_EXERCISE_HASHBYTES])
{
	ls_buf pw = LS_BUF_INIT;
	ls_buf_append(&pw, HASH_DOMAIN, sizeof HASH_DOMAIN); /* with its NUL */
	ls_buf_append_cstr(&pw, ls_exkind_name(kind));
	ls_buf_append_char(&pw, '\0');
	ls_buf_append_sv(&pw, canonical);
	int rc = crypto_pwhash(out, LS_EXERCISE_HASHBYTES, pw.data, pw.len, salt, opslimit, memlimit,
	                       crypto_pwhash_ALG_ARGON2ID13);
	sodium_memzero(pw.data, pw.len);
	ls_buf_fini(&pw);
	return rc == 0 ? LS_OK : LS_ERR_CRYPTO;
}

ls_err ls_exercise_check(const ls_exquestions *qs, const ls_exquestion *q, ls_sv answer,
                         bool *right, ls_buf *why)
{
	*right = false;
	ls_buf c = LS_BUF_INIT;
	ls_time minute = 0;
	ls_err e = LS_OK;
	if (ls_exercise_canon(q->topic->kind, answer, &c, &minute, why) != LS_OK)
		goto out;
	int tries = q->topic->kind == LS_EXKIND_TIME ? 2 * LS_EXERCISE_TIME_TOLERANCE_MIN + 1 : 1;
	for (int i = 0; i < tries && !*right; i++) {
		if (q->topic->kind == LS_EXKIND_TIME) {
			ls_buf_reset(&c);
			/* The answer's own minute first, then one earlier, one later. */
			int k = (i + 1) / 2 * (i % 2 ? -1 : 1);
			ls_exercise_canon_minute(minute + (ls_time)k * LS_USEC_PER_MIN, &c);
		}
		unsigned char h[LS_EXERCISE_HASHBYTES];
		e = ls_exercise_hash(qs->opslimit, qs->memlimit, q->salt, q->topic->kind,
		                     ls_buf_sv(&c), h);
		if (e != LS_OK)
			goto out;
		*right = sodium_memcmp(h, q->hash, sizeof h) == 0;
	}
	if (!*right && why) {
		ls_buf_reset(why);
		ls_buf_append_cstr(why, "read as ");
		if (q->topic->kind == LS_EXKIND_TIME) {
			ls_buf_reset(&c);
			ls_exercise_canon_minute(minute, &c);
		}
		ls_buf_append(why, c.data, c.len);
	}
out:
	ls_buf_fini(&c);
	return e;
}

/* ================================================================= truth */

typedef struct jctx {
	const char *file;
	ls_diag *d;
} jctx;

static ls_err j_get(jctx *c, const ls_jnode *obj, const char *key, ls_jkind kind,
                    const ls_jnode **out)
{
	const ls_jnode *v = ls_jnode_get(obj, key);
	if (v == NULL || v->kind != kind)
		return ls_jnode_fail(c->d, LS_ERR_PARSE, c->file, v ? v : obj,
		                     "\"%s\": expected %s, got %s", key, ls_jkind_name(kind),
		                     ls_jnode_kind_name(v));
	*out = v;
	return LS_OK;
}

static ls_err j_str(jctx *c, const ls_jnode *obj, const char *key, const char **out)
{
	const ls_jnode *v;
	ls_err e = j_get(c, obj, key, LS_JSTRING, &v);
	if (e == LS_OK && (v->len == 0 || strlen(v->text) != v->len))
		e = ls_jnode_fail(c->d, LS_ERR_PARSE, c->file, v, "\"%s\": expected a non-empty "
		                  "string without NUL", key);
	if (e == LS_OK)
		*out = v->text;
	return e;
}

static ls_err j_u64(jctx *c, const ls_jnode *obj, const char *key, uint64_t *out)
{
	const ls_jnode *v;
	ls_err e = j_get(c, obj, key, LS_JNUMBER, &v);
	if (e == LS_OK && ls_jnode_u64(v, out) != LS_OK)
		e = ls_jnode_fail(c->d, LS_ERR_PARSE, c->file, v,
		                  "\"%s\": expected a whole number", key);
	return e;
}

static ls_err j_time(jctx *c, const ls_jnode *obj, const char *key, ls_time *out)
{
	const ls_jnode *v;
	ls_err e = j_get(c, obj, key, LS_JSTRING, &v);
	if (e == LS_OK && ls_time_parse_rfc3339(ls_jnode_sv(v), out, NULL) != LS_OK)
		e = ls_jnode_fail(c->d, LS_ERR_PARSE, c->file, v,
		                  "\"%s\": expected an RFC 3339 time", key);
	return e;
}

/* WireGuard's upstream bytes for P bytes of TCP payload (docs/campaign.md). */
static uint64_t vpn_bytes(uint64_t p)
{
	uint64_t r = p % 1380;
	return 148 + 3 * 80 + p / 1380 * 1456 + (r ? 16 * ((r + 40 + 15) / 16) + 32 : 0);
}

static char *time_text(ls_time t)
{
	ls_buf b = LS_BUF_INIT;
	ls_time_format_rfc3339(&b, t, 0, 0);
	return ls_buf_steal(&b);
}

static char *u64_text(uint64_t v)
{
	ls_buf b = LS_BUF_INIT;
	ls_buf_append_u64(&b, v);
	return ls_buf_steal(&b);
}

static ls_err read_file(const char *path, size_t max, ls_buf *out, ls_diag *d)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return ls_diag_set(d, errno == ENOENT ? LS_ERR_NOTFOUND : LS_ERR_IO, path, 0, 0,
		                   "cannot open: %s", strerror(errno));
	char chunk[65536];
	size_t n;
	ls_err e = LS_OK;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (out->len + n > max) {
			e = ls_diag_set(d, LS_ERR_TOOLONG, path, 0, 0, "larger than %zu bytes", max);
			break;
		}
		ls_buf_append(out, chunk, n);
	}
	if (e == LS_OK && ferror(f))
		e = ls_diag_set(d, LS_ERR_IO, path, 0, 0, "read error");
	fclose(f);
	return e;
}

/* The export-session log's entry for session: its account and host. */
static ls_err find_export(const char *dir, const char *session, char **account, char **host,
                          ls_diag *d)
{
	static char file[] = "truth/export-sessions.jsonl";
	ls_buf path = LS_BUF_INIT, text = LS_BUF_INIT;
	ls_buf_printf(&path, "%s/%s", dir, file);
	ls_err e = read_file(path.data, LS_JDOC_BYTES_MAX, &text, d);
	ls_buf_fini(&path);
	if (e != LS_OK) {
		if (d)
			d->file = file;
		ls_buf_fini(&text);
		return e;
	}
	jctx c = { file, d };
	ls_sv rest = ls_buf_sv(&text);
	unsigned long line = 0;
	e = LS_ERR_NOTFOUND;
	while (rest.len > 0 && e == LS_ERR_NOTFOUND) {
		ls_sv l;
		rest = ls_sv_cut(rest, '\n', &l, NULL);
		line++;
		ls_jdoc doc;
		ls_jdoc_opts o = { 0, 0, 0, line };
		ls_err pe = ls_jdoc_parse(&doc, l.ptr, l.len, &o, file, d);
		const char *s, *a, *h;
		if (pe == LS_OK && (pe = j_str(&c, doc.root, "session", &s)) == LS_OK &&
		    strcmp(s, session) == 0) {
			if ((pe = j_str(&c, doc.root, "account", &a)) == LS_OK &&
			    (pe = j_str(&c, doc.root, "host", &h)) == LS_OK) {
				*account = ls_xstrdup(a);
				*host = ls_xstrdup(h);
				e = LS_OK;
			}
		}
		ls_jdoc_fini(&doc);
		if (pe != LS_OK)
			e = pe;
	}
	if (e == LS_ERR_NOTFOUND)
		ls_diag_set(d, LS_ERR_PARSE, file, 0, 0,
		            "the leaked file's export session %s is not in the log", session);
	ls_buf_fini(&text);
	return e;
}

static bool contains(ls_sv hay, ls_sv needle)
{
	if (needle.len == 0 || needle.len > hay.len)
		return needle.len == 0;
	for (size_t i = 0; i + needle.len <= hay.len; i++)
		if (hay.ptr[i] == needle.ptr[0] && memcmp(hay.ptr + i, needle.ptr, needle.len) == 0)
			return true;
	return false;
}

/* The session_id of the db_audit record rid, or NULL when the log does not hold it. */
static ls_err find_db_session(const char *dir, const char *rid, char **out, ls_diag *d)
{
	static char file[] = "logs/db_audit.jsonl";
	*out = NULL;
	ls_buf path = LS_BUF_INIT, needle = LS_BUF_INIT;
	ls_buf_printf(&path, "%s/%s", dir, file);
	ls_buf_printf(&needle, "\"rid\":\"%s\"", rid);
	FILE *f = fopen(path.data, "rb");
	ls_buf_fini(&path);
	ls_err e = LS_OK;
	if (f == NULL) {
		if (errno != ENOENT)
			e = ls_diag_set(d, LS_ERR_IO, file, 0, 0, "cannot open: %s", strerror(errno));
		ls_buf_fini(&needle);
		return e;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned long ln = 0;
	jctx c = { file, d };
	while (*out == NULL && e == LS_OK && (n = getline(&line, &cap, f)) > 0) {
		ln++;
		if (!contains(ls_sv_make(line, (size_t)n), ls_buf_sv(&needle)))
			continue;
		ls_jdoc doc;
		ls_jdoc_opts o = { 0, 0, 0, ln };
		size_t len = (size_t)n;
		if (line[len - 1] == '\n')
			len--;
		const char *s;
		e = ls_jdoc_parse(&doc, line, len, &o, file, d);
		if (e == LS_OK && (e = j_str(&c, doc.root, "session_id", &s)) == LS_OK)
			*out = ls_xstrdup(s);
		ls_jdoc_fini(&doc);
	}
	if (e == LS_OK && ferror(f))
		e = ls_diag_set(d, LS_ERR_IO, file, 0, 0, "read error");
	free(line);
	fclose(f);
	ls_buf_fini(&needle);
	return e;
}

static const char *const step_order[] = { "access",       "collection",  "staging",
	                                  "transfer",     "exfiltration", "publication",
	                                  "anti_forensics" };
#define NSTEPS (sizeof step_order / sizeof *step_order)

static int step_index(const char *name)
{
	for (size_t i = 0; i < NSTEPS; i++)
		if (strcmp(name, step_order[i]) == 0)
			return (int)i;
	return -1;
}

static bool available(size_t q, const char *missing)
{
	if (missing == NULL)
		return true;
	for (size_t i = 0; i < 3 && needs[q].sources[i]; i++)
		if (strcmp(needs[q].sources[i], missing) != 0)
			return true;
	return false;
}

ls_err ls_exercise_truth_load(const char *dir, ls_extruth *t, ls_diag *d)
{
	static char file[] = "truth/answer-key.json";
	memset(t, 0, sizeof *t);
	ls_buf path = LS_BUF_INIT;
	ls_buf_printf(&path, "%s/%s", dir, file);
	ls_jdoc doc;
	ls_err e = ls_jdoc_load(&doc, path.data, NULL, d);
	ls_buf_fini(&path);
	char *ans[LS_EXERCISE_QUESTIONS] = { 0 };
	bool have_step[NSTEPS] = { 0 };
	ls_time step_start[NSTEPS], step_end[NSTEPS];
	char *db_account = NULL, *export_host = NULL, *db_session = NULL;
	if (e != LS_OK) {
		if (d)
			d->file = file;
		goto out;
	}
	jctx c = { file, d };
	const ls_jnode *camps, *camp, *n, *v;
	if ((e = j_get(&c, doc.root, "campaigns", LS_JARRAY, &camps)) != LS_OK)
		goto out;
	if (camps->len == 0) {
		e = ls_jnode_fail(d, LS_ERR_RANGE, file, camps,
		                  "the dataset has no campaign: there is nothing to ask");
		goto out;
	}
	camp = ls_jnode_at(camps, 0);
	if (camp->kind != LS_JOBJECT) {
		e = ls_jnode_fail(d, LS_ERR_PARSE, file, camp, "a campaign: expected an object");
		goto out;
	}
	/* 1: the insider's own account. */
	if ((e = j_get(&c, camp, "actors", LS_JARRAY, &n)) != LS_OK)
		goto out;
	for (size_t i = 0; i < n->len && ans[0] == NULL; i++) {
		const ls_jnode *a = ls_jnode_at(n, i);
		const char *user;
		if (ls_jnode_is_str(ls_jnode_get(a, "credential"), "own")) {
			if ((e = j_str(&c, a, "user", &user)) != LS_OK)
				goto out;
			ans[0] = ls_xstrdup(user);
		}
	}
	if (ans[0] == NULL) {
		e = ls_jnode_fail(d, LS_ERR_PARSE, file, n, "no actor with \"credential\": \"own\"");
		goto out;
	}
	/* 2: the laptop, the first of the hosts. */
	if ((e = j_get(&c, camp, "hosts", LS_JARRAY, &n)) != LS_OK)
		goto out;
	v = ls_jnode_at(n, 0);
	if (v == NULL || v->kind != LS_JSTRING || v->len == 0 || strlen(v->text) != v->len) {
		e = ls_jnode_fail(d, LS_ERR_PARSE, file, v ? v : n,
		                  "\"hosts\": expected the laptop's name first");
		goto out;
	}
	ans[1] = ls_xstrdup(v->text);
	/* The steps: their ends, the collection's start and first database record. */
	if ((e = j_get(&c, camp, "steps", LS_JARRAY, &n)) != LS_OK)
		goto out;
	const char *first_db_rid = NULL;
	ls_time coll_start = 0, exfil_start = 0;
	for (size_t i = 0; i < n->len; i++) {
		const ls_jnode *st = ls_jnode_at(n, i), *recs;
		const char *name;
		ls_time start, end;
		if ((e = j_str(&c, st, "name", &name)) != LS_OK ||
		    (e = j_time(&c, st, "start", &start)) != LS_OK ||
		    (e = j_time(&c, st, "end", &end)) != LS_OK ||
		    (e = j_get(&c, st, "records", LS_JARRAY, &recs)) != LS_OK)
			goto out;
		int si = step_index(name);
		if (si < 0 || have_step[si]) {
			e = ls_jnode_fail(d, LS_ERR_PARSE, file, ls_jnode_get(st, "name"),
			                  si < 0 ? "not a campaign step" : "a step listed twice");
			goto out;
		}
		have_step[si] = true;
		step_start[si] = start;
		step_end[si] = end;
		if (strcmp(name, "collection") == 0) {
			coll_start = start;
			for (size_t r = 0; r < recs->len && first_db_rid == NULL; r++) {
				const ls_jnode *rec = ls_jnode_at(recs, r);
				const char *src, *rid;
				if ((e = j_str(&c, rec, "source", &src)) != LS_OK ||
				    (e = j_str(&c, rec, "rid", &rid)) != LS_OK)
					goto out;
				if (strcmp(src, "db_audit") == 0)
					first_db_rid = rid;
			}
		} else if (strcmp(name, "exfiltration") == 0) {
			exfil_start = start;
		}
	}
	static const char *const required[] = { "access", "collection", "exfiltration",
		                                "publication" };
	for (size_t i = 0; i < 4; i++)
		if (!have_step[step_index(required[i])]) {
			e = ls_jnode_fail(d, LS_ERR_PARSE, file, n, "the campaign has no %s step",
			                  required[i]);
			goto out;
		}
	ans[4] = time_text(coll_start);
	ans[7] = time_text(exfil_start);
	/* 7: rows. */
	uint64_t u;
	const ls_jnode *tot;
	if ((e = j_get(&c, camp, "totals", LS_JOBJECT, &tot)) != LS_OK ||
	    (e = j_u64(&c, tot, "rows", &u)) != LS_OK)
		goto out;
	ans[6] = u64_text(u);
	/* 9, 10: the uploads' end and the laptop's upstream bytes. */
	if ((e = j_get(&c, camp, "uploads", LS_JARRAY, &n)) != LS_OK)
		goto out;
	if (n->len == 0) {
		e = ls_jnode_fail(d, LS_ERR_PARSE, file, n, "\"uploads\": expected one or more");
		goto out;
	}
	uint64_t up = 0;
	ls_time last_end = 0;
	for (size_t i = 0; i < n->len; i++) {
		const ls_jnode *upl = ls_jnode_at(n, i), *vpn;
		ls_time end;
		uint64_t wire;
		if ((e = j_time(&c, upl, "end", &end)) != LS_OK ||
		    (e = j_u64(&c, upl, "wire_bytes", &wire)) != LS_OK ||
		    (e = j_get(&c, upl, "vpn", LS_JBOOL, &vpn)) != LS_OK)
			goto out;
		if (strcmp(vpn->text, "true") == 0)
			wire = vpn_bytes(wire);
		if (up > UINT64_MAX - wire) {
			e = ls_jnode_fail(d, LS_ERR_RANGE, file, upl, "too many bytes");
			goto out;
		}
		up += wire;
		if (i == 0 || end > last_end)
			last_end = end;
	}
	ans[8] = time_text(last_end);
	ans[9] = u64_text(up);
	/* 11: the leaked file; 3, 4 from its export session. */
	const ls_jnode *lf, *pub;
	const char *session, *channel;
	if ((e = j_get(&c, camp, "leaked_file", LS_JOBJECT, &lf)) != LS_OK ||
	    (e = j_u64(&c, lf, "size", &u)) != LS_OK ||
	    (e = j_str(&c, lf, "export_session", &session)) != LS_OK)
		goto out;
	ans[10] = u64_text(u);
	if ((e = j_get(&c, camp, "publication", LS_JOBJECT, &pub)) != LS_OK ||
	    (e = j_str(&c, pub, "channel", &channel)) != LS_OK)
		goto out;
	ans[11] = ls_xstrdup(channel);
	if ((e = find_export(dir, session, &db_account, &export_host, d)) != LS_OK)
		goto out;
	ans[2] = db_account;
	ans[3] = export_host;
	db_account = export_host = NULL;
	/* 6: the database session, from the audit log's record. */
	if (first_db_rid && (e = find_db_session(dir, first_db_rid, &db_session, d)) != LS_OK)
		goto out;
	ans[5] = db_session;
	db_session = NULL;

	/* What a missing sensor leaves unanswerable. */
	const char *missing = NULL;
	const ls_jnode *dirty = ls_jnode_get(doc.root, "dirty");
	const ls_jnode *ms = ls_jnode_get(dirty, "missing_sensor");
	if (ms && ms->kind == LS_JSTRING)
		missing = ms->text;

	/*
	 * The stage cuts: the minute boundary after each step's end (so that
	 * a stage's newest record is not the step's last one), distinct, in
	 * time order.
	 */
	for (size_t i = 0; i < NSTEPS; i++) {
		if (!have_step[i])
			continue;
		ls_time b = floor_minute(step_end[i]) + LS_USEC_PER_MIN;
		size_t k = 0;
		while (k < t->ncuts && t->cut[k] < b)
			k++;
		if (k < t->ncuts && t->cut[k] == b)
			continue;
		memmove(&t->cut[k + 1], &t->cut[k], (t->ncuts - k) * sizeof *t->cut);
		t->cut[k] = b;
		t->ncuts++;
	}
	for (size_t q = 0; q < LS_EXERCISE_QUESTIONS; q++) {
		if (ans[q] == NULL || !available(q, missing))
			continue;
		int si = step_index(catalogue[q].step);
		ls_time at = catalogue[q].whole_step ? step_end[si] : step_start[si];
		unsigned stage = 0;
		for (size_t k = t->ncuts; k > 0; k--)
			if (t->cut[k - 1] > at)
				stage = (unsigned)k;
		t->topic[t->n] = &catalogue[q];
		t->answer[t->n] = ans[q];
		t->stage[t->n] = stage;
		ans[q] = NULL;
		t->n++;
	}
	if (t->n < LS_EXERCISE_QUESTIONS_MIN) {
		e = ls_diag_set(d, LS_ERR_RANGE, file, 0, 0,
		                "only %zu questions are answerable from this dataset's logs "
		                "(at least %d are needed)",
		                t->n, LS_EXERCISE_QUESTIONS_MIN);
		goto out;
	}
out:
	for (size_t q = 0; q < LS_EXERCISE_QUESTIONS; q++)
		free(ans[q]);
	free(db_account);
	free(export_host);
	free(db_session);
	ls_jdoc_fini(&doc);
	if (e != LS_OK)
		ls_exercise_truth_fini(t);
	return e;
}

void ls_exercise_truth_fini(ls_extruth *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < LS_EXERCISE_QUESTIONS; i++)
		if (t->answer[i]) {
			sodium_memzero(t->answer[i], strlen(t->answer[i]));
			free(t->answer[i]);
		}
	memset(t, 0, sizeof *t);
}

/* ========================================================== answers file */

void ls_exercise_answers_fini(ls_exanswers *a)
{
	if (a == NULL)
		return;
	for (size_t i = 0; i <= LS_EXERCISE_QUESTIONS; i++)
		free(a->text[i]);
	memset(a, 0, sizeof *a);
}

void ls_exercise_answers_line(unsigned number, const char *answer, ls_buf *out)
{
	ls_buf_printf(out, "%u: ", number);
	yaml_str(out, answer);
	ls_buf_append_char(out, '\n');
}

ls_err ls_exercise_answers_parse(const char *text, size_t len, const char *file, unsigned nq,
                                 ls_exanswers *out, ls_diag *d)
{
	memset(out, 0, sizeof *out);
	if (nq > LS_EXERCISE_QUESTIONS)
		nq = LS_EXERCISE_QUESTIONS;
	if (len > LS_EXERCISE_FILE_MAX)
		return ls_diag_set(d, LS_ERR_TOOLONG, file, 0, 0, "larger than %u bytes",
		                   LS_EXERCISE_FILE_MAX);
	ls_yaml y;
	ls_yaml_limits lim = { 1, 1024, "an answers file is one document" };
	ls_err e = ls_yaml_parse(&y, text, len, &lim, file, d);
	if (e != LS_OK)
		goto out;
	const ls_ynode *root = y.ndocs ? y.docs[0].root : NULL;
	if (root == NULL || ls_ynode_is_null(root))
		goto out; /* empty: no answers */
	if (root->kind != LS_YNODE_MAP) {
		e = ls_ynode_fail(d, LS_ERR_PARSE, file, root,
		                  "expected a mapping of question numbers to answers "
		                  "(\"1: answer\"), got %s",
		                  ls_ynode_kind_name(root));
		goto out;
	}
	bool seen[LS_EXERCISE_QUESTIONS + 1] = { 0 };
	for (const ls_ynode *k = root->first; k; k = k->next ? k->next->next : NULL) {
		const ls_ynode *v = k->next;
		char shown[64];
		if (k->kind != LS_YNODE_SCALAR) {
			e = ls_ynode_fail(d, LS_ERR_PARSE, file, k,
			                  "expected a question number as the key, got %s",
			                  ls_ynode_kind_name(k));
			goto out;
		}
		ls_sv ks = ls_sv_trim(ls_ynode_sv(k));
		if (ks.len > 1 && (ks.ptr[0] == 'q' || ks.ptr[0] == 'Q'))
			ks = ls_sv_sub(ks, 1, ks.len - 1);
		uint64_t num;
		if (ks.len == 0 || ks.len > 3 || ls_sv_to_u64(ks, &num) != LS_OK || num < 1 ||
		    num > nq) {
			e = ls_ynode_fail(d, LS_ERR_PARSE, file, k,
			                  "'%s' is not a question number (1 to %u)",
			                  ls_yaml_shown(k->text, k->len, shown, sizeof shown), nq);
			goto out;
		}
		if (seen[num]) {
			e = ls_ynode_fail(d, LS_ERR_PARSE, file, k, "question %u is answered twice",
			                  (unsigned)num);
			goto out;
		}
		seen[num] = true;
		if (v->kind != LS_YNODE_SCALAR) {
			e = ls_ynode_fail(d, LS_ERR_PARSE, file, v,
			                  "question %u: expected one answer (text), got %s",
			                  (unsigned)num, ls_ynode_kind_name(v));
			goto out;
		}
		if (ls_ynode_is_null(v))
			continue;
		if (v->len > LS_EXERCISE_ANSWER_MAX) {
			e = ls_ynode_fail(d, LS_ERR_TOOLONG, file, v,
			                  "question %u: the answer is longer than %d bytes",
			                  (unsigned)num, LS_EXERCISE_ANSWER_MAX);
			goto out;
		}
		if (memchr(v->text, '\0', v->len)) {
			e = ls_ynode_fail(d, LS_ERR_PARSE, file, v,
			                  "question %u: the answer holds a NUL byte", (unsigned)num);
			goto out;
		}
		if (ls_sv_trim(ls_ynode_sv(v)).len == 0)
			continue;
		out->text[num] = ls_xstrndup(v->text, v->len);
		out->count++;
	}
out:
	ls_yaml_fini(&y);
	if (e != LS_OK)
		ls_exercise_answers_fini(out);
	return e;
}

/* ============================================================= payload */

void ls_exercise_payload_render(const ls_expayload *p, ls_buf *out)
{
	ls_jw w;
	ls_jw_init(&w, out);
	ls_jw_object_begin(&w);
	ls_jw_key_cstr(&w, "format");
	ls_jw_str_cstr(&w, PAYLOAD_FORMAT);
	ls_jw_key_cstr(&w, "version");
	ls_jw_u64(&w, 1);
	ls_jw_key_cstr(&w, "signer");
	ls_jw_hex(&w, p->signer, sizeof p->signer);
	ls_jw_key_cstr(&w, "instructor");
	ls_jw_hex(&w, p->instructor, sizeof p->instructor);
	ls_jw_key_cstr(&w, "scenario");
	ls_jw_str_cstr(&w, p->scenario ? p->scenario : "");
	ls_jw_key_cstr(&w, "seed");
	ls_jw_u64(&w, p->seed);
	ls_jw_key_cstr(&w, "stages");
	ls_jw_u64(&w, p->stages);
	ls_jw_key_cstr(&w, "trainees");
	ls_jw_array_begin(&w);
	for (size_t i = 0; i < p->nt; i++) {
		const ls_extrainee *t = &p->t[i];
		ls_jw_object_begin(&w);
		ls_jw_key_cstr(&w, "trainee");
		ls_jw_u64(&w, t->trainee);
		ls_jw_key_cstr(&w, "seed");
		ls_jw_u64(&w, t->seed);
		ls_jw_key_cstr(&w, "questions_blake2b");
		ls_jw_hex(&w, t->questions_hash, sizeof t->questions_hash);
		ls_jw_key_cstr(&w, "answers");
		ls_jw_array_begin(&w);
		for (size_t q = 0; q < t->n; q++) {
			ls_jw_object_begin(&w);
			ls_jw_key_cstr(&w, "topic");
			ls_jw_str_cstr(&w, t->topic[q]);
			ls_jw_key_cstr(&w, "answer");
			ls_jw_str_cstr(&w, t->answer[q]);
			ls_jw_object_end(&w);
		}
		ls_jw_array_end(&w);
		ls_jw_object_end(&w);
	}
	ls_jw_array_end(&w);
	ls_jw_object_end(&w);
	ls_buf_append_char(out, '\n');
}

static ls_err j_hex(jctx *c, const ls_jnode *obj, const char *key, unsigned char *out,
                    size_t bytes)
{
	const ls_jnode *v;
	ls_err e = j_get(c, obj, key, LS_JSTRING, &v);
	if (e != LS_OK)
		return e;
	bool ok = v->len == 2 * bytes;
	for (size_t i = 0; ok && i < bytes; i++) {
		int hi = ls_hex_value((unsigned char)v->text[2 * i]);
		int lo = ls_hex_value((unsigned char)v->text[2 * i + 1]);
		if (hi < 0 || lo < 0)
			ok = false;
		else
			out[i] = (unsigned char)(hi * 16 + lo);
	}
	if (!ok)
		return ls_jnode_fail(c->d, LS_ERR_PARSE, c->file, v, "\"%s\": expected %zu hex digits",
		                     key, 2 * bytes);
	return LS_OK;
}

ls_err ls_exercise_payload_parse(const char *text, size_t len, const char *file,
                                 ls_expayload *out, ls_diag *d)
{
	memset(out, 0, sizeof *out);
	ls_jdoc doc;
	ls_jdoc_opts o = { LS_EXERCISE_SEALED_MAX, 0, 8, 0 };
	ls_err e = ls_jdoc_parse(&doc, text, len, &o, file, d);
	if (e != LS_OK)
		goto out;
	jctx c = { file, d };
	const char *s;
	uint64_t u;
	const ls_jnode *ts;
	if (doc.root->kind != LS_JOBJECT) {
		e = ls_jnode_fail(d, LS_ERR_PARSE, file, doc.root, "expected an object");
		goto out;
	}
	if ((e = j_str(&c, doc.root, "format", &s)) != LS_OK)
		goto out;
	if (strcmp(s, PAYLOAD_FORMAT) != 0) {
		e = ls_jnode_fail(d, LS_ERR_PARSE, file, ls_jnode_get(doc.root, "format"),
		                  "\"format\": expected \"" PAYLOAD_FORMAT "\"");
		goto out;
	}
	if ((e = j_u64(&c, doc.root, "version", &u)) != LS_OK)
		goto out;
	if (u != 1) {
		e = ls_jnode_fail(d, LS_ERR_UNSUPPORTED, file, ls_jnode_get(doc.root, "version"),
		                  "version %llu is not supported", (unsigned long long)u);
		goto out;
	}
	if ((e = j_hex(&c, doc.root, "signer", out->signer, sizeof out->signer)) != LS_OK ||
	    (e = j_hex(&c, doc.root, "instructor", out->instructor, sizeof out->instructor)) !=
	            LS_OK ||
	    (e = j_str(&c, doc.root, "scenario", &s)) != LS_OK ||
	    (e = j_u64(&c, doc.root, "seed", &out->seed)) != LS_OK ||
	    (e = j_u64(&c, doc.root, "stages", &u)) != LS_OK ||
	    (e = j_get(&c, doc.root, "trainees", LS_JARRAY, &ts)) != LS_OK)
		goto out;
	out->scenario = ls_xstrdup(s);
	out->stages = u != 0;
	if (ts->len == 0 || ts->len > LS_EXERCISE_TRAINEES_MAX) {
		e = ls_jnode_fail(d, LS_ERR_PARSE, file, ts, "\"trainees\": expected 1 to %d",
		                  LS_EXERCISE_TRAINEES_MAX);
		goto out;
	}
	out->t = ls_xcalloc(ts->len, sizeof *out->t);
	out->nt = ts->len;
	for (size_t i = 0; i < ts->len; i++) {
		const ls_jnode *tn = ls_jnode_at(ts, i), *as;
		ls_extrainee *t = &out->t[i];
		if (tn->kind != LS_JOBJECT) {
			e = ls_jnode_fail(d, LS_ERR_PARSE, file, tn, "a trainee: expected an object");
			goto out;
		}
		if ((e = j_u64(&c, tn, "trainee", &u)) != LS_OK)
			goto out;
		if (u != i + 1) {
			e = ls_jnode_fail(d, LS_ERR_PARSE, file, ls_jnode_get(tn, "trainee"),
			                  "\"trainee\": expected %zu", i + 1);
			goto out;
		}
		t->trainee = (unsigned)u;
		if ((e = j_u64(&c, tn, "seed", &t->seed)) != LS_OK ||
		    (e = j_hex(&c, tn, "questions_blake2b", t->questions_hash,
		               sizeof t->questions_hash)) != LS_OK ||
		    (e = j_get(&c, tn, "answers", LS_JARRAY, &as)) != LS_OK)
			goto out;
		if (as->len == 0 || as->len > LS_EXERCISE_QUESTIONS) {
			e = ls_jnode_fail(d, LS_ERR_PARSE, file, as, "\"answers\": expected 1 to %d",
			                  LS_EXERCISE_QUESTIONS);
			goto out;
		}
		for (size_t q = 0; q < as->len; q++) {
			const ls_jnode *an = ls_jnode_at(as, q);
			const char *topic, *answer;
			if (an->kind != LS_JOBJECT) {
				e = ls_jnode_fail(d, LS_ERR_PARSE, file, an, "an answer: expected an object");
				goto out;
			}
			if ((e = j_str(&c, an, "topic", &topic)) != LS_OK ||
			    (e = j_str(&c, an, "answer", &answer)) != LS_OK)
				goto out;
			const ls_extopic *tp = ls_exercise_topic(ls_sv_from_cstr(topic));
			if (tp == NULL) {
				e = ls_jnode_fail(d, LS_ERR_PARSE, file, ls_jnode_get(an, "topic"),
				                  "not a known topic");
				goto out;
			}
			ls_buf cb = LS_BUF_INIT;
			ls_err ce = ls_exercise_canon(tp->kind, ls_sv_from_cstr(answer), &cb, NULL, NULL);
			ls_buf_fini(&cb);
			if (ce != LS_OK) {
				e = ls_jnode_fail(d, LS_ERR_PARSE, file, ls_jnode_get(an, "answer"),
				                  "not a %s", ls_exkind_name(tp->kind));
				goto out;
			}
			t->topic[q] = ls_xstrdup(topic);
			t->answer[q] = ls_xstrdup(answer);
			t->n = q + 1;
		}
	}
out:
	ls_jdoc_fini(&doc);
	if (e != LS_OK)
		ls_exercise_payload_fini(out);
	return e;
}

void ls_exercise_payload_fini(ls_expayload *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->nt; i++) {
		for (size_t q = 0; q < LS_EXERCISE_QUESTIONS; q++) {
			free(p->t[i].topic[q]);
			if (p->t[i].answer[q]) {
				sodium_memzero(p->t[i].answer[q], strlen(p->t[i].answer[q]));
				free(p->t[i].answer[q]);
			}
		}
	}
	free(p->t);
	free(p->scenario);
	memset(p, 0, sizeof *p);
}

/* ====================================================== sign and seal */

static void wipe_buf(ls_buf *b)
{
	if (b->data)
		sodium_memzero(b->data, b->cap);
	ls_buf_fini(b);
}

void ls_exercise_seal(const ls_seckey *pack, const ls_pubkey *instructor, const void *payload,
                      size_t len, ls_buf *out)
{
	ls_buf msg = LS_BUF_INIT, plain = LS_BUF_INIT;
	ls_buf_append(&msg, SIGN_DOMAIN, sizeof SIGN_DOMAIN); /* with its NUL */
	ls_buf_append(&msg, payload, len);
	unsigned char sig[LS_KEYS_SIGBYTES];
	ls_keys_sign(pack, msg.data, msg.len, sig);
	ls_buf_append(&plain, sig, sizeof sig);
	ls_buf_append(&plain, payload, len);
	ls_keys_seal(instructor, plain.data, plain.len, out);
	wipe_buf(&msg);
	wipe_buf(&plain);
}

ls_err ls_exercise_open(const ls_seckey *instructor,
                        const unsigned char pack_sign[LS_KEYS_SIGN_PUBLICBYTES],
                        const void *sealed, size_t len, ls_buf *out, ls_diag *d)
{
	ls_buf plain = LS_BUF_INIT, msg = LS_BUF_INIT;
	ls_err e = ls_keys_open(instructor, sealed, len, &plain);
	if (e != LS_OK) {
		e = ls_diag_set(d, LS_ERR_CRYPTO, NULL, 0, 0,
		                "does not open with this instructor key: it was sealed to another "
		                "key, or it was altered");
		goto out;
	}
	if (plain.len < LS_KEYS_SIGBYTES) {
		e = ls_diag_set(d, LS_ERR_CRYPTO, NULL, 0, 0, "too short to hold a signature");
		goto out;
	}
	ls_buf_append(&msg, SIGN_DOMAIN, sizeof SIGN_DOMAIN);
	ls_buf_append(&msg, plain.data + LS_KEYS_SIGBYTES, plain.len - LS_KEYS_SIGBYTES);
	ls_pubkey pk;
	memset(&pk, 0, sizeof pk);
	memcpy(pk.sign, pack_sign, sizeof pk.sign);
	if (ls_keys_verify(&pk, msg.data, msg.len, (const unsigned char *)plain.data) != LS_OK) {
		e = ls_diag_set(d, LS_ERR_CRYPTO, NULL, 0, 0,
		                "the answer key inside is not signed by the pack's key");
		goto out;
	}
	ls_buf_append(out, plain.data + LS_KEYS_SIGBYTES, plain.len - LS_KEYS_SIGBYTES);
out:
	wipe_buf(&plain);
	wipe_buf(&msg);
	return e;
}

/* ============================================================= pack.json */

#define PACK_FORMAT "leaksim-exercise-pack"

void ls_exercise_pack_render(const ls_expack *p, ls_buf *out)
{
	ls_jw w;
	ls_jw_init(&w, out);
	ls_jw_object_begin(&w);
	ls_jw_key_cstr(&w, "format");
	ls_jw_str_cstr(&w, PACK_FORMAT);
	ls_jw_key_cstr(&w, "version");
	ls_jw_u64(&w, 1);
	ls_jw_key_cstr(&w, "leaksim");
	ls_jw_str_cstr(&w, LS_VERSION);
	ls_jw_key_cstr(&w, "pack");
	ls_jw_str_cstr(&w, p->pack);
	ls_jw_key_cstr(&w, "signer");
	ls_jw_hex(&w, p->signer, sizeof p->signer);
	ls_jw_key_cstr(&w, "instructor");
	ls_jw_object_begin(&w);
	ls_jw_key_cstr(&w, "fingerprint");
	ls_jw_str_cstr(&w, p->instructor_fp);
	ls_jw_key_cstr(&w, "x25519");
	ls_jw_hex(&w, p->instructor, sizeof p->instructor);
	ls_jw_object_end(&w);
	ls_jw_key_cstr(&w, "scenario");
	ls_jw_str_cstr(&w, p->scenario);
	ls_jw_key_cstr(&w, "trainees");
	ls_jw_u64(&w, p->trainees);
	ls_jw_key_cstr(&w, "stages");
	ls_jw_bool(&w, p->stages);
	ls_jw_object_end(&w);
	ls_buf_append_char(out, '\n');
}

/* Members of obj must be exactly keys (n of them). */
static ls_err j_only(jctx *c, const ls_jnode *obj, const char *const *keys, size_t n)
{
	for (size_t i = 0; i < obj->len; i++) {
		bool known = false;
		for (size_t k = 0; k < n; k++)
			known = known || strcmp(obj->members[i].key, keys[k]) == 0;
		if (!known)
			return ls_jnode_fail(c->d, LS_ERR_PARSE, c->file, &obj->members[i].value,
			                     "unknown member \"%s\"", obj->members[i].key);
	}
	return LS_OK;
}

static ls_err j_fp(jctx *c, const ls_jnode *obj, const char *key, char out[LS_KEYS_FINGERPRINT_HEX + 1])
{
	unsigned char raw[LS_KEYS_FINGERPRINT_HEX / 2];
	const char *s;
	ls_err e = j_hex(c, obj, key, raw, sizeof raw);
	if (e == LS_OK && (e = j_str(c, obj, key, &s)) == LS_OK) {
		memcpy(out, s, LS_KEYS_FINGERPRINT_HEX);
		out[LS_KEYS_FINGERPRINT_HEX] = '\0';
	}
	return e;
}

ls_err ls_exercise_pack_parse(const char *text, size_t len, const char *file, ls_expack *out,
                              ls_diag *d)
{
	memset(out, 0, sizeof *out);
	ls_jdoc doc;
	ls_jdoc_opts o = { LS_EXERCISE_FILE_MAX, 0, 4, 0 };
	ls_err e = ls_jdoc_parse(&doc, text, len, &o, file, d);
	if (e != LS_OK)
		goto out;
	jctx c = { file, d };
	static const char *const keys[] = { "format",   "version",  "leaksim", "pack",  "signer",
		                            "instructor", "scenario", "trainees", "stages" };
	static const char *const ikeys[] = { "fingerprint", "x25519" };
	const ls_jnode *r = doc.root, *ins, *st;
	const char *s;
	uint64_t u;
	if (r->kind != LS_JOBJECT) {
		e = ls_jnode_fail(d, LS_ERR_PARSE, file, r, "expected an object");
		goto out;
	}
	if ((e = j_only(&c, r, keys, 9)) != LS_OK || (e = j_str(&c, r, "format", &s)) != LS_OK)
		goto out;
	if (strcmp(s, PACK_FORMAT) != 0) {
		e = ls_jnode_fail(d, LS_ERR_PARSE, file, ls_jnode_get(r, "format"),
		                  "\"format\": expected \"" PACK_FORMAT "\"");
		goto out;
	}
	if ((e = j_u64(&c, r, "version", &u)) != LS_OK)
		goto out;
	if (u != 1) {
		e = ls_jnode_fail(d, LS_ERR_PARSE, file, ls_jnode_get(r, "version"),
		                  "version %llu is not supported", (unsigned long long)u);
		goto out;
	}
	if ((e = j_str(&c, r, "leaksim", &s)) != LS_OK || (e = j_fp(&c, r, "pack", out->pack)) != LS_OK ||
	    (e = j_hex(&c, r, "signer", out->signer, sizeof out->signer)) != LS_OK ||
	    (e = j_get(&c, r, "instructor", LS_JOBJECT, &ins)) != LS_OK ||
	    (e = j_only(&c, ins, ikeys, 2)) != LS_OK ||
	    (e = j_fp(&c, ins, "fingerprint", out->instructor_fp)) != LS_OK ||
	    (e = j_hex(&c, ins, "x25519", out->instructor, sizeof out->instructor)) != LS_OK ||
	    (e = j_str(&c, r, "scenario", &s)) != LS_OK || (e = j_u64(&c, r, "trainees", &u)) != LS_OK ||
	    (e = j_get(&c, r, "stages", LS_JBOOL, &st)) != LS_OK)
		goto out;
	if (strlen(s) >= sizeof out->scenario) {
		e = ls_jnode_fail(d, LS_ERR_PARSE, file, ls_jnode_get(r, "scenario"),
		                  "\"scenario\": longer than %zu bytes", sizeof out->scenario - 1);
		goto out;
	}
	memcpy(out->scenario, s, strlen(s) + 1);
	if (u < 1 || u > LS_EXERCISE_TRAINEES_MAX) {
		e = ls_jnode_fail(d, LS_ERR_PARSE, file, ls_jnode_get(r, "trainees"),
		                  "\"trainees\": expected 1 to %d", LS_EXERCISE_TRAINEES_MAX);
		goto out;
	}
	out->trainees = (unsigned)u;
	out->stages = strcmp(st->text, "true") == 0;
	{
		ls_pubkey pk;
		memset(&pk, 0, sizeof pk);
		memcpy(pk.sign, out->signer, sizeof pk.sign);
		char fp[LS_KEYS_FINGERPRINT_HEX + 1];
		ls_keys_fingerprint(&pk, fp);
		if (strcmp(fp, out->pack) != 0)
			e = ls_jnode_fail(d, LS_ERR_PARSE, file, ls_jnode_get(r, "pack"),
			                  "\"pack\": not the fingerprint of \"signer\"");
	}
out:
	ls_jdoc_fini(&doc);
	if (e != LS_OK)
		memset(out, 0, sizeof *out);
	return e;
}

/* =============================================================== grading */

void ls_exercise_grade(const ls_extrainee *t, const ls_exanswers *answers, ls_exgrade *g)
{
	memset(g, 0, sizeof *g);
	ls_buf why = LS_BUF_INIT;
	for (size_t i = 0; i < t->n && i < LS_EXERCISE_QUESTIONS; i++) {
		ls_exgrade_item *it = &g->item[g->n++];
		it->number = (unsigned)i + 1;
		it->topic = ls_exercise_topic(ls_sv_from_cstr(t->topic[i]));
		const char *a = answers ? answers->text[i + 1] : NULL;
		it->answered = a != NULL;
		if (it->topic == NULL) {
			snprintf(it->feedback, sizeof it->feedback, "unknown topic");
			continue;
		}
		if (!it->answered) {
			snprintf(it->feedback, sizeof it->feedback, "not answered; the evidence is in %s",
			         it->topic->logs);
			continue;
		}
		it->right = ls_exercise_match(it->topic->kind, ls_sv_from_cstr(t->answer[i]),
		                              ls_sv_from_cstr(a), &why);
		if (it->right) {
			snprintf(it->feedback, sizeof it->feedback, "right");
			g->score++;
		} else {
			snprintf(it->feedback, sizeof it->feedback, "wrong (%s); the evidence is in %s",
			         why.data ? why.data : "", it->topic->logs);
		}
	}
	g->max = (unsigned)g->n;
	ls_buf_fini(&why);
}

void ls_exercise_grade_json(const ls_exgrade *g, unsigned trainee, const char *error, ls_buf *out)
{
	ls_jw w;
	ls_jw_init(&w, out);
	ls_jw_object_begin(&w);
	ls_jw_key_cstr(&w, "score");
	ls_jw_u64(&w, g->score);
	ls_jw_key_cstr(&w, "max");
	ls_jw_u64(&w, g->max);
	ls_jw_key_cstr(&w, "trainee");
	ls_jw_u64(&w, trainee);
	ls_jw_key_cstr(&w, "questions");
	ls_jw_array_begin(&w);
	for (size_t i = 0; i < g->n; i++) {
		const ls_exgrade_item *it = &g->item[i];
		ls_jw_object_begin(&w);
		ls_jw_key_cstr(&w, "number");
		ls_jw_u64(&w, it->number);
		ls_jw_key_cstr(&w, "topic");
		ls_jw_str_cstr(&w, it->topic ? it->topic->topic : "");
		ls_jw_key_cstr(&w, "answered");
		ls_jw_bool(&w, it->answered);
		ls_jw_key_cstr(&w, "right");
		ls_jw_bool(&w, it->right);
		ls_jw_key_cstr(&w, "feedback");
		ls_jw_str_cstr(&w, it->feedback);
		ls_jw_object_end(&w);
	}
	ls_jw_array_end(&w);
	if (error) {
		ls_jw_key_cstr(&w, "error");
		ls_jw_str_cstr(&w, error);
	}
	ls_jw_object_end(&w);
	ls_buf_append_char(out, '\n');
}

void ls_exercise_grade_text(const ls_exgrade *g, unsigned trainee, ls_buf *out)
{
	ls_buf_printf(out, "trainee %u: %u of %u right\n", trainee, g->score, g->max);
	for (size_t i = 0; i < g->n; i++) {
		const ls_exgrade_item *it = &g->item[i];
		ls_buf_printf(out, "  %2u  %-17s %s\n", it->number, it->topic ? it->topic->topic : "?",
		              it->feedback);
	}
}

/* ======================================================== cutting logs */

typedef enum logfmt { FMT_EMPTY, FMT_ZEEK, FMT_JSONL, FMT_SYSLOG } logfmt;

/* The time of one record line (without its newline). */
static ls_err record_time(logfmt fmt, ls_sv l, ls_time *t)
{
	if (fmt == FMT_ZEEK) {
		ls_sv head;
		ls_sv_cut(l, '\t', &head, NULL);
		return ls_time_parse_zeek(head, t, NULL);
	}
	if (fmt == FMT_SYSLOG) {
		/* <PRI>VERSION SP TIMESTAMP SP ... */
		size_t gt = ls_sv_find_char(l, '>');
		if (gt == SIZE_MAX)
			return LS_ERR_PARSE;
		ls_sv rest = ls_sv_sub(l, gt + 1, l.len - gt - 1), ver, ts;
		rest = ls_sv_cut(rest, ' ', &ver, NULL);
		ls_sv_cut(rest, ' ', &ts, NULL);
		bool nil;
		if (ls_time_parse_rfc5424(ts, t, &nil, NULL) != LS_OK || nil)
			return LS_ERR_PARSE;
		return LS_OK;
	}
	static const char key[] = "{\"timestamp\":\"";
	if (ls_sv_starts_with(l, LS_SV_LIT(key))) {
		ls_sv rest = ls_sv_sub(l, sizeof key - 1, l.len), ts;
		bool found;
		ls_sv_cut(rest, '"', &ts, &found);
		if (found && ls_time_parse_rfc3339(ts, t, NULL) == LS_OK)
			return LS_OK;
	}
	/* Anything else: read the object and its "timestamp". */
	ls_jdoc doc;
	ls_err e = ls_jdoc_parse(&doc, l.ptr, l.len, NULL, NULL, NULL);
	if (e == LS_OK) {
		const ls_jnode *v = ls_jnode_get(doc.root, "timestamp");
		e = v && v->kind == LS_JSTRING ? ls_time_parse_rfc3339(ls_jnode_sv(v), t, NULL)
		                               : LS_ERR_PARSE;
	}
	ls_jdoc_fini(&doc);
	return e;
}

ls_err ls_exercise_cut_log(const char *src, const char *dst, ls_time cut, uint64_t *records,
                           ls_diag *d)
{
	*records = 0;
	FILE *in = fopen(src, "rb");
	if (in == NULL)
		return ls_diag_set(d, errno == ENOENT ? LS_ERR_NOTFOUND : LS_ERR_IO, src, 0, 0,
		                   "cannot open: %s", strerror(errno));
	ls_afile af;
	ls_err e = ls_afile_open(&af, dst, false, d);
	if (e != LS_OK) {
		fclose(in);
		return e;
	}
	char *line = NULL, *close_line = NULL;
	size_t cap = 0, close_len = 0;
	ssize_t n;
	unsigned long ln = 0;
	logfmt fmt = FMT_EMPTY;
	bool dropped = false;
	while ((n = getline(&line, &cap, in)) > 0) {
		ln++;
		size_t len = (size_t)n;
		if (len > LS_LINE_MAX) {
			e = ls_diag_set(d, LS_ERR_TOOLONG, src, ln, 0, "a line longer than %u bytes",
			                LS_LINE_MAX);
			break;
		}
		if (fmt == FMT_EMPTY)
			fmt = line[0] == '#' ? FMT_ZEEK : line[0] == '<' ? FMT_SYSLOG : FMT_JSONL;
		if (fmt == FMT_ZEEK && line[0] == '#') {
			if (strncmp(line, "#close", 6) == 0) {
				free(close_line);
				close_line = ls_xstrndup(line, len);
				close_len = len;
			} else if (fwrite(line, 1, len, af.fp) != len) {
				e = ls_diag_set(d, LS_ERR_IO, dst, 0, 0, "write error");
				break;
			}
			continue;
		}
		ls_sv l = ls_sv_make(line, len && line[len - 1] == '\n' ? len - 1 : len);
		ls_time t;
		if (record_time(fmt, l, &t) != LS_OK) {
			e = ls_diag_set(d, LS_ERR_PARSE, src, ln, 1,
			                "a record whose time cannot be read (as %s)",
			                fmt == FMT_ZEEK ? "Zeek TSV" : fmt == FMT_SYSLOG ? "RFC 5424 syslog"
			                                                                 : "JSON Lines");
			break;
		}
		if (t > cut) {
			dropped = true;
			continue;
		}
		if (fwrite(line, 1, len, af.fp) != len) {
			e = ls_diag_set(d, LS_ERR_IO, dst, 0, 0, "write error");
			break;
		}
		(*records)++;
	}
	if (e == LS_OK && ferror(in))
		e = ls_diag_set(d, LS_ERR_IO, src, 0, 0, "read error");
	if (e == LS_OK && close_line && !dropped && fwrite(close_line, 1, close_len, af.fp) != close_len)
		e = ls_diag_set(d, LS_ERR_IO, dst, 0, 0, "write error");
	free(line);
	free(close_line);
	fclose(in);
	if (e == LS_OK)
		return ls_afile_commit(&af, d);
	ls_afile_abort(&af);
	return e;
}

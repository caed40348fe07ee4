/*
 * audit.c - the synthetic-only audit: classifiers, value scanning and the
 * walk over a dataset.
 *
 * Scanning a value makes a few cheap passes, each skipped when a quick
 * memchr shows it cannot match: IPv6 literals (needs ':'), IPv4 literals
 * (needs '.'), URLs (needs "://"), e-mail addresses (needs '@'), host names
 * in host-like fields, and 18-character ID tokens. The literal-finding rules
 * are spelled out in audit.h; the helpers below implement them one to one.
 */
#include "forensics/audit.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/mem.h"
#include "io/event.h"
#include "io/jsonl.h"
#include "io/syslog.h"
#include "io/zeek.h"

/* Largest manifest or other whole-document JSON file audited. */
#define AUDIT_DOC_MAX (256u * 1024u * 1024u)
/* Deepest directory nesting followed under logs/ and truth/. */
#define AUDIT_DIR_DEPTH_MAX 32
/* Longest piece of a value quoted in a finding. */
#define AUDIT_SHOW_MAX 120

/* ------------------------------------------------------------ characters */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum(char c)
{
	return is_digit(c) || is_alpha(c);
}

/* Letters, digits and '_': what an address literal must not touch. */
static bool is_word(char c)
{
	return is_alnum(c) || c == '_';
}

static bool is_v6char(char c)
{
	return ls_hex_value((unsigned char)c) >= 0 || c == ':' || c == '.';
}

static bool is_v4char(char c)
{
	return is_digit(c) || c == '.';
}

/* Characters of host names as they appear in logs (DNS labels, '_' for SRV). */
static bool is_hostchar(char c)
{
	return is_alnum(c) || c == '-' || c == '.' || c == '_';
}

static bool ends_nocase(ls_sv s, const char *suffix)
{
	ls_sv x = ls_sv_from_cstr(suffix);
	return s.len >= x.len && ls_sv_eq_nocase(ls_sv_sub(s, s.len - x.len, x.len), x);
}

/* ----------------------------------------------------------------- names */

const char *ls_audit_kind_name(ls_audit_kind kind)
{
	switch (kind) {
	case LS_AUDIT_PUBLIC_ADDRESS: return "public address";
	case LS_AUDIT_REAL_DOMAIN: return "real domain";
	case LS_AUDIT_VALID_ID: return "valid ID number";
	case LS_AUDIT_UNPARSEABLE: return "cannot parse";
	case LS_AUDIT_UNREADABLE: return "cannot read";
	case LS_AUDIT__COUNT: break;
	}
	return "unknown";
}

ls_err ls_audit_profile_parse(ls_sv name, ls_audit_profile *out)
{
	if (ls_sv_eq_cstr(name, "msgr")) {
		*out = LS_AUDIT_PROFILE_MSGR;
		return LS_OK;
	}
	if (ls_sv_eq_cstr(name, "telegram")) {
		*out = LS_AUDIT_PROFILE_TELEGRAM;
		return LS_OK;
	}
	return LS_ERR_NOTFOUND;
}

/* ------------------------------------------------------------ addresses */

bool ls_audit_parse_ipv4(ls_sv s, uint32_t *out)
{
	uint32_t v = 0;
	size_t i = 0;
	for (int part = 0; part < 4; part++) {
		if (part > 0) {
			if (i >= s.len || s.ptr[i] != '.')
				return false;
			i++;
		}
		size_t start = i;
		unsigned n = 0;
		while (i < s.len && is_digit(s.ptr[i]) && i - start < 3)
			n = n * 10 + (unsigned)(s.ptr[i++] - '0');
		if (i == start || (i < s.len && is_digit(s.ptr[i])))
			return false;
		if ((i - start > 1 && s.ptr[start] == '0') || n > 255)
			return false;
		v = v << 8 | n;
	}
	if (i != s.len)
		return false;
	*out = v;
	return true;
}

bool ls_audit_parse_ipv6(ls_sv s, uint8_t out[16])
{
	uint16_t g[8];
	int n = 0, gap = -1;
	size_t i = 0;
	if (s.len < 2)
		return false;
	if (s.ptr[0] == ':') {
		if (s.ptr[1] != ':')
			return false;
		gap = 0;
		i = 2;
	}
	while (i < s.len) {
		size_t start = i;
		uint32_t v = 0;
		while (i < s.len && ls_hex_value((unsigned char)s.ptr[i]) >= 0 && i - start < 5)
			v = v << 4 | (uint32_t)ls_hex_value((unsigned char)s.ptr[i++]);
		if (i < s.len && s.ptr[i] == '.') {
			/* A dotted IPv4 tail fills the last two groups. */
			uint32_t v4;
			if (n > 6 || !ls_audit_parse_ipv4(ls_sv_sub(s, start, s.len), &v4))
				return false;
			g[n++] = (uint16_t)(v4 >> 16);
			g[n++] = (uint16_t)(v4 & 0xffff);
			i = s.len;
			break;
		}
		if (i == start || i - start > 4 || n == 8)
			return false;
		g[n++] = (uint16_t)v;
		if (i == s.len)
			break;
		if (s.ptr[i] != ':')
			return false;
		i++;
		if (i < s.len && s.ptr[i] == ':') {
			if (gap >= 0)
				return false;
			gap = n;
			i++;
		} else if (i == s.len) {
			return false; /* a single trailing ':' */
		}
	}
	if (gap < 0 ? n != 8 : n > 7)
		return false;
	uint16_t full[8] = { 0 };
	if (gap < 0) {
		memcpy(full, g, sizeof full);
	} else {
		for (int k = 0; k < gap; k++)
			full[k] = g[k];
		for (int k = gap; k < n; k++)
			full[8 - (n - k)] = g[k];
	}
	for (int k = 0; k < 8; k++) {
		out[2 * k] = (uint8_t)(full[k] >> 8);
		out[2 * k + 1] = (uint8_t)(full[k] & 0xff);
	}
	return true;
}

bool ls_audit_ipv4_allowed(uint32_t a)
{
	return (a >> 24) == 10 ||         /* 10.0.0.0/8 */
	       (a >> 8) == 0xc00002 ||    /* 192.0.2.0/24 */
	       (a >> 8) == 0xc63364 ||    /* 198.51.100.0/24 */
	       (a >> 8) == 0xcb0071 ||    /* 203.0.113.0/24 */
	       (a >> 24) == 127 ||        /* loopback */
	       a == 0 || a == 0xffffffff; /* unspecified, broadcast */
}

bool ls_audit_ipv6_allowed(const uint8_t a[16])
{
	static const uint8_t doc[4] = { 0x20, 0x01, 0x0d, 0xb8 };
	static const uint8_t zero[16] = { 0 };
	if (memcmp(a, doc, 4) == 0)
		return true;
	if (memcmp(a, zero, 15) == 0 && (a[15] == 0 || a[15] == 1))
		return true; /* :: and ::1 */
	if (memcmp(a, zero, 10) == 0 && a[10] == 0xff && a[11] == 0xff)
		return ls_audit_ipv4_allowed((uint32_t)a[12] << 24 | (uint32_t)a[13] << 16 |
		                             (uint32_t)a[14] << 8 | a[15]);
	return false;
}

/* ---------------------------------------------------------------- hosts */

static bool has_alpha(ls_sv s)
{
	for (size_t i = 0; i < s.len; i++)
		if (is_alpha(s.ptr[i]))
			return true;
	return false;
}

/* "d.c.b.a.in-addr.arpa" (labels before the suffix in `labels`) of an allowed address. */
static bool reverse_v4_allowed(ls_sv labels)
{
	uint32_t addr = 0;
	ls_sv rest = labels;
	for (int k = 0; k < 4; k++) {
		ls_sv part;
		bool more;
		rest = ls_sv_cut(rest, '.', &part, &more);
		if (part.len == 0 || part.len > 3 || (k < 3) != more)
			return false;
		unsigned n = 0;
		for (size_t i = 0; i < part.len; i++) {
			if (!is_digit(part.ptr[i]))
				return false;
			n = n * 10 + (unsigned)(part.ptr[i] - '0');
		}
		if (n > 255 || (part.len > 1 && part.ptr[0] == '0'))
			return false;
		addr |= (uint32_t)n << (8 * k); /* the first label is the last octet */
	}
	return ls_audit_ipv4_allowed(addr);
}

/* 32 reversed nibbles "b.a.9.8....ip6.arpa" of an allowed address. */
static bool reverse_v6_allowed(ls_sv labels)
{
	if (labels.len != 63)
		return false;
	uint8_t a[16] = { 0 };
	for (size_t k = 0; k < 32; k++) {
		int h = ls_hex_value((unsigned char)labels.ptr[2 * k]);
		if (h < 0 || (k < 31 && labels.ptr[2 * k + 1] != '.'))
			return false;
		size_t nib = 31 - k; /* nibble index from the most significant */
		a[nib / 2] |= (uint8_t)(nib % 2 ? h : h << 4);
	}
	return ls_audit_ipv6_allowed(a);
}

bool ls_audit_host_allowed(ls_sv h, ls_audit_profile profile)
{
	if (h.len && h.ptr[h.len - 1] == '.')
		h.len--;
	size_t dot = SIZE_MAX;
	for (size_t i = h.len; i-- > 0;)
		if (h.ptr[i] == '.') {
			dot = i;
			break;
		}
	if (dot == SIZE_MAX)
		return true; /* a single label names nothing outside */
	if (!has_alpha(ls_sv_sub(h, dot + 1, h.len)))
		return true; /* numbers only: rule 1's business */
	if (ends_nocase(h, ".example") || ends_nocase(h, ".test") || ends_nocase(h, ".invalid"))
		return true;
	if (profile == LS_AUDIT_PROFILE_TELEGRAM &&
	    (ls_sv_eq_nocase(h, LS_SV_LIT("api.telegram.org")) ||
	     ls_sv_eq_nocase(h, LS_SV_LIT("web.telegram.org"))))
		return true;
	if (ends_nocase(h, ".in-addr.arpa"))
		return reverse_v4_allowed(ls_sv_sub(h, 0, h.len - 13));
	if (ends_nocase(h, ".ip6.arpa"))
		return reverse_v6_allowed(ls_sv_sub(h, 0, h.len - 9));
	return false;
}

bool ls_audit_host_field(ls_sv name)
{
	static const char *const names[] = { "Computer",       "DestinationHostname",
		                             "SourceHostname", "QueryName",
		                             "query",          "server_name",
		                             "cs-host",        "host",
		                             "hostname",       "domain",
		                             "answers",        "r-dns" };
	ls_sv last = name;
	for (size_t i = name.len; i-- > 0;)
		if (name.ptr[i] == '.') {
			last = ls_sv_sub(name, i + 1, name.len);
			break;
		}
	for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
		ls_sv n = ls_sv_from_cstr(names[k]);
		if (ls_sv_eq_nocase(name, n) || ls_sv_eq_nocase(last, n))
			return true;
	}
	return false;
}

/* ------------------------------------------------------------------- IDs */

char ls_audit_id_check(const char *digits)
{
	static const int weight[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	int sum = 0;
	for (int k = 0; k < 17; k++)
		sum += (digits[k] - '0') * weight[k];
	int check = (12 - sum % 11) % 11;
	return check == 10 ? 'X' : (char)('0' + check);
}

bool ls_audit_id_valid(ls_sv s)
{
	if (s.len != 18)
		return false;
	for (size_t k = 0; k < 17; k++)
		if (!is_digit(s.ptr[k]))
			return false;
	char last = s.ptr[17];
	if (last == 'x')
		last = 'X';
	if (!is_digit(last) && last != 'X')
		return false;
	return ls_audit_id_check(s.ptr) == last;
}

/* -------------------------------------------------------------- scanning */

#define SEEN_MAX 32

typedef struct scanner {
	ls_sv v;
	ls_audit_profile profile;
	ls_audit_hit_fn hit;
	void *ctx;
	struct {
		ls_audit_kind kind;
		ls_sv text;
	} seen[SEEN_MAX];
	size_t nseen;
} scanner;

/* Report text once per value. */
static void report(scanner *sc, ls_audit_kind kind, ls_sv text)
{
	for (size_t i = 0; i < sc->nseen; i++)
		if (sc->seen[i].kind == kind && ls_sv_eq(sc->seen[i].text, text))
			return;
	if (sc->nseen < SEEN_MAX) {
		sc->seen[sc->nseen].kind = kind;
		sc->seen[sc->nseen].text = text;
		sc->nseen++;
	}
	sc->hit(sc->ctx, kind, text);
}

/*
 * Whether the maximal run of IPv6 characters v[a, b) is an IPv6 literal by
 * the rules of audit.h; if so *lit is the literal (trailing '.'s or a single
 * ':' dropped) and addr its value.
 */
static bool v6_literal(ls_sv v, size_t a, size_t b, ls_sv *lit, uint8_t addr[16])
{
	size_t colons = 0;
	for (size_t i = a; i < b; i++)
		colons += v.ptr[i] == ':';
	if (colons < 2)
		return false;
	if ((a > 0 && is_word(v.ptr[a - 1])) || (b < v.len && is_word(v.ptr[b])))
		return false;
	while (b > a && v.ptr[b - 1] == '.')
		b--;
	if (b - a >= 2 && v.ptr[b - 1] == ':' && v.ptr[b - 2] != ':')
		b--;
	*lit = ls_sv_sub(v, a, b - a);
	return ls_audit_parse_ipv6(*lit, addr);
}

static void scan_ipv6(scanner *sc)
{
	ls_sv v = sc->v;
	size_t i = 0;
	while (i < v.len) {
		if (!is_v6char(v.ptr[i])) {
			i++;
			continue;
		}
		size_t a = i;
		while (i < v.len && is_v6char(v.ptr[i]))
			i++;
		ls_sv lit;
		uint8_t addr[16];
		if (v6_literal(v, a, i, &lit, addr) && !ls_audit_ipv6_allowed(addr))
			report(sc, LS_AUDIT_PUBLIC_ADDRESS, lit);
	}
}

static void scan_ipv4(scanner *sc)
{
	ls_sv v = sc->v;
	size_t i = 0;
	while (i < v.len) {
		if (!is_v4char(v.ptr[i])) {
			i++;
			continue;
		}
		size_t start = i;
		while (i < v.len && is_v4char(v.ptr[i]))
			i++;
		size_t cs = start, ce = i;
		while (cs < ce && v.ptr[cs] == '.')
			cs++;
		while (ce > cs && v.ptr[ce - 1] == '.')
			ce--;
		if (cs == ce || (start > 0 && is_word(v.ptr[start - 1])) ||
		    (i < v.len && is_word(v.ptr[i])))
			continue;
		uint32_t addr;
		ls_sv core = ls_sv_sub(v, cs, ce - cs);
		if (!ls_audit_parse_ipv4(core, &addr) || ls_audit_ipv4_allowed(addr))
			continue;
		/* The tail of an IPv6 literal was judged with it. */
		size_t a = cs, b = ce;
		while (a > 0 && is_v6char(v.ptr[a - 1]))
			a--;
		while (b < v.len && is_v6char(v.ptr[b]))
			b++;
		ls_sv lit;
		uint8_t a6[16];
		if (a < cs && v6_literal(v, a, b, &lit, a6))
			continue;
		report(sc, LS_AUDIT_PUBLIC_ADDRESS, core);
	}
}

static void check_host(scanner *sc, ls_sv host)
{
	while (host.len && (host.ptr[0] == '.' || host.ptr[0] == '-'))
		host = ls_sv_sub(host, 1, host.len);
	while (host.len && (host.ptr[host.len - 1] == '.' || host.ptr[host.len - 1] == '-'))
		host.len--;
	if (host.len && ls_sv_find_char(host, '.') != SIZE_MAX &&
	    !ls_audit_host_allowed(host, sc->profile))
		report(sc, LS_AUDIT_REAL_DOMAIN, host);
}

/* Every dotted name in a host-like field. */
static void scan_host_names(scanner *sc)
{
	ls_sv v = sc->v;
	size_t i = 0;
	while (i < v.len) {
		if (!is_hostchar(v.ptr[i])) {
			i++;
			continue;
		}
		size_t a = i;
		while (i < v.len && is_hostchar(v.ptr[i]))
			i++;
		check_host(sc, ls_sv_sub(v, a, i - a));
	}
}

/* The host of every scheme://[user@]host[:port] in the value. */
static void scan_urls(scanner *sc)
{
	ls_sv v = sc->v;
	for (size_t i = 1; i + 3 <= v.len; i++) {
		if (v.ptr[i] != ':' || v.ptr[i + 1] != '/' || v.ptr[i + 2] != '/')
			continue;
		size_t s = i;
		while (s > 0 && (is_alnum(v.ptr[s - 1]) || v.ptr[s - 1] == '+' ||
		                 v.ptr[s - 1] == '-' || v.ptr[s - 1] == '.'))
			s--;
		while (s < i && !is_alpha(v.ptr[s]))
			s++;
		if (s == i)
			continue; /* no scheme */
		size_t a = i + 3, e = a;
		while (e < v.len && (unsigned char)v.ptr[e] > ' ' &&
		       !strchr("/?#\"'<>\\^`{|}", v.ptr[e]))
			e++;
		for (size_t k = a; k < e; k++) /* skip user info */
			if (v.ptr[k] == '@')
				a = k + 1;
		size_t h = a;
		while (h < e && is_hostchar(v.ptr[h]))
			h++;
		check_host(sc, ls_sv_sub(v, a, h - a));
	}
}

/* The domain of every local@domain in the value. */
static void scan_emails(scanner *sc)
{
	ls_sv v = sc->v;
	for (size_t i = 0; i < v.len; i++) {
		if (v.ptr[i] != '@')
			continue;
		size_t l = i;
		while (l > 0 && (is_alnum(v.ptr[l - 1]) || strchr("._%+-", v.ptr[l - 1])))
			l--;
		if (l == i)
			continue;
		size_t e = i + 1;
		while (e < v.len && (is_alnum(v.ptr[e]) || v.ptr[e] == '-' || v.ptr[e] == '.'))
			e++;
		check_host(sc, ls_sv_sub(v, i + 1, e - i - 1));
	}
}

static void scan_ids(scanner *sc)
{
	ls_sv v = sc->v;
	size_t i = 0;
	while (i < v.len) {
		if (!is_alnum(v.ptr[i])) {
			i++;
			continue;
		}
		size_t a = i;
		while (i < v.len && is_alnum(v.ptr[i]))
			i++;
		ls_sv tok = ls_sv_sub(v, a, i - a);
		if (ls_audit_id_valid(tok))
			report(sc, LS_AUDIT_VALID_ID, tok);
	}
}

static bool contains(ls_sv v, const char *needle)
{
	size_t n = strlen(needle);
	for (size_t i = 0; i + n <= v.len; i++)
		if (v.ptr[i] == needle[0] && memcmp(v.ptr + i, needle, n) == 0)
			return true;
	return false;
}

void ls_audit_scan(ls_sv value, bool host_like, ls_audit_profile profile, ls_audit_hit_fn hit,
                   void *ctx)
{
	scanner sc;
	sc.v = value;
	sc.profile = profile;
	sc.hit = hit;
	sc.ctx = ctx;
	sc.nseen = 0;
	if (value.len == 0)
		return;
	bool colon = ls_sv_find_char(value, ':') != SIZE_MAX;
	bool dot = ls_sv_find_char(value, '.') != SIZE_MAX;
	if (colon)
		scan_ipv6(&sc);
	if (dot)
		scan_ipv4(&sc);
	if (dot && host_like)
		scan_host_names(&sc);
	if (dot && colon && contains(value, "://"))
		scan_urls(&sc);
	if (dot && ls_sv_find_char(value, '@') != SIZE_MAX)
		scan_emails(&sc);
	if (value.len >= 18)
		scan_ids(&sc);
}

/* --------------------------------------------------------------- dataset */

typedef struct auditor {
	const char *root;
	ls_audit_profile profile;
	ls_audit_finding_fn found;
	void *ctx;
	ls_audit_stats *st;
	const char *rel;     /* the file being audited, relative to root */
	unsigned long line;  /* the record being audited */
	const ls_field *fld; /* the field being scanned */
	bool in_name;        /* scanning the field's name rather than its value */
	ls_buf detail;
	ls_buf path;
	ls_event ev;
	ls_arena arena;
} auditor;

/* Append s for a human: control and invalid bytes as \xNN, cut at max bytes. */
static void append_shown(ls_buf *b, ls_sv s, size_t max)
{
	size_t i = 0;
	while (i < s.len && i < max) {
		unsigned char c = (unsigned char)s.ptr[i];
		size_t n = c < 0x80 ? 1 : ls_utf8_char_len(s.ptr + i, s.len - i);
		if (c < 0x20 || c == 0x7f || n == 0) {
			ls_buf_printf(b, "\\x%02x", c);
			i++;
		} else {
			ls_buf_append(b, s.ptr + i, n);
			i += n;
		}
	}
	if (i < s.len)
		ls_buf_append_cstr(b, "...");
}

static void emit(auditor *au, unsigned long line, ls_audit_kind kind)
{
	ls_audit_finding f = { au->rel, line, kind, au->detail.data ? au->detail.data : "" };
	au->st->findings++;
	au->found(au->ctx, &f);
}

static void emit_text(auditor *au, unsigned long line, ls_audit_kind kind, const char *fmt, ...)
        LS_PRINTF(4, 5);

static void emit_text(auditor *au, unsigned long line, ls_audit_kind kind, const char *fmt, ...)
{
	char msg[LS_DIAG_MSG_MAX + 64];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	ls_buf_reset(&au->detail);
	ls_buf_append_cstr(&au->detail, msg);
	emit(au, line, kind);
}

/* A parse failure as a finding: "column C: message". */
static void emit_diag(auditor *au, const ls_diag *d)
{
	if (d->col)
		emit_text(au, d->line, LS_AUDIT_UNPARSEABLE, "column %lu: %s", d->col, d->message);
	else
		emit_text(au, d->line, LS_AUDIT_UNPARSEABLE, "%s", d->message);
}

static void on_hit(void *ctx, ls_audit_kind kind, ls_sv text)
{
	auditor *au = ctx;
	ls_buf_reset(&au->detail);
	if (kind == LS_AUDIT_VALID_ID) {
		/* Never repeat what may be a real person's number. */
		ls_buf_append(&au->detail, text.ptr, 6);
		ls_buf_append_cstr(&au->detail, "********");
		ls_buf_append(&au->detail, text.ptr + 14, 4);
	} else {
		append_shown(&au->detail, text, AUDIT_SHOW_MAX);
	}
	if (au->fld == NULL) {
		ls_buf_append_cstr(&au->detail, " in the text");
	} else {
		ls_buf_append_cstr(&au->detail,
		                   au->in_name ? " in the name of field " : " in field ");
		append_shown(&au->detail, au->fld->name, AUDIT_SHOW_MAX);
	}
	emit(au, au->line, kind);
}

/* Scan every field of ev; doc is the document text when lines come from positions. */
static void audit_event(auditor *au, const ls_event *ev, ls_sv doc)
{
	for (size_t i = 0; i < ev->n; i++) {
		const ls_field *f = &ev->fields[i];
		au->fld = f;
		au->line = doc.ptr ? ls_json_line_of(doc, f->pos) : ev->line;
		au->in_name = false;
		ls_audit_scan(f->value, ls_audit_host_field(f->name), au->profile, on_hit, au);
		au->in_name = true;
		ls_audit_scan(f->name, false, au->profile, on_hit, au);
	}
	au->fld = NULL;
}

/* Free the arena now and then: events are audited one at a time. */
static void recycle(auditor *au)
{
	if (au->arena.used > 4u * 1024u * 1024u) {
		ls_arena_fini(&au->arena);
		ls_arena_init(&au->arena, 0);
	}
}

/* F_LOG is settled into F_ZEEK or F_SYSLOG by the file's first line. */
enum format { F_JSONL, F_JSON, F_LOG, F_ZEEK, F_SYSLOG, F_TEXT };

static enum format format_of(const char *rel)
{
	ls_sv p = ls_sv_from_cstr(rel);
	if (ls_sv_ends_with(p, LS_SV_LIT(".jsonl")) || ls_sv_ends_with(p, LS_SV_LIT(".ndjson")))
		return F_JSONL;
	if (ls_sv_ends_with(p, LS_SV_LIT(".json")))
		return F_JSON;
	if (ls_sv_ends_with(p, LS_SV_LIT(".log")))
		return F_LOG;
	return F_TEXT;
}

/* Read all of f into b; false (errno set) on a read error or if it exceeds max. */
static bool slurp(FILE *f, ls_buf *b, size_t max, bool *too_big)
{
	char chunk[65536];
	size_t n;
	*too_big = false;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (b->len + n > max) {
			*too_big = true;
			return false;
		}
		ls_buf_append(b, chunk, n);
	}
	return !ferror(f);
}

static void audit_document(auditor *au, FILE *f)
{
	ls_buf text = LS_BUF_INIT;
	bool too_big;
	if (!slurp(f, &text, AUDIT_DOC_MAX, &too_big)) {
		if (too_big)
			emit_text(au, 0, LS_AUDIT_UNREADABLE, "larger than %u bytes",
			          (unsigned)AUDIT_DOC_MAX);
		else
			emit_text(au, 0, LS_AUDIT_UNREADABLE, "read error: %s", strerror(errno));
		ls_buf_fini(&text);
		return;
	}
	ls_diag d;
	ls_diag_clear(&d);
	ls_sv doc = ls_buf_sv(&text);
	if (ls_json_parse_document(doc, AUDIT_DOC_MAX, &au->ev, &au->arena, &d) != LS_OK) {
		emit_diag(au, &d);
	} else {
		au->st->records++;
		audit_event(au, &au->ev, doc);
	}
	ls_buf_fini(&text);
}

static void audit_lines(auditor *au, FILE *f, enum format fmt)
{
	ls_line_reader r;
	ls_line_reader_init(&r, f);
	ls_zeek_reader zeek;
	ls_zeek_init(&zeek);
	ls_sv line;
	ls_diag d;
	for (;;) {
		ls_diag_clear(&d);
		ls_err e = ls_line_reader_next(&r, &line, &d);
		if (e == LS_ERR_NOTFOUND)
			break;
		if (e == LS_ERR_IO) {
			emit_text(au, r.line + 1, LS_AUDIT_UNREADABLE, "%s", d.message);
			break;
		}
		if (e == LS_ERR_TOOLONG) {
			emit_diag(au, &d);
			continue;
		}
		bool record = true;
		ls_diag_clear(&d);
		switch (fmt) {
		case F_JSONL: e = ls_jsonl_parse(line, r.line, &au->ev, &au->arena, &d); break;
		case F_ZEEK:
			e = ls_zeek_feed(&zeek, line, r.line, &au->ev, &au->arena, &record, &d);
			break;
		case F_SYSLOG: e = ls_syslog_parse(line, r.line, &au->ev, &au->arena, &d); break;
		case F_JSON:
		case F_LOG: abort(); /* settled by audit_file */
		case F_TEXT: {
			size_t bad = 0;
			if (memchr(line.ptr, '\0', line.len))
				e = ls_diag_set(&d, LS_ERR_PARSE, NULL, r.line, 0,
				                "a NUL byte: not a text file");
			else if (!ls_utf8_valid(line, &bad))
				e = ls_diag_set(&d, LS_ERR_PARSE, NULL, r.line, bad + 1,
				                "invalid UTF-8: not a text file");
			ls_event_reset(&au->ev);
			break;
		}
		}
		if (e != LS_OK) {
			emit_diag(au, &d);
			continue;
		}
		if (!record)
			continue;
		au->st->records++;
		if (fmt == F_TEXT) {
			au->fld = NULL;
			au->line = r.line;
			ls_audit_scan(line, false, au->profile, on_hit, au);
		} else {
			audit_event(au, &au->ev, LS_SV_NULL);
		}
		recycle(au);
	}
	ls_zeek_fini(&zeek);
	ls_line_reader_fini(&r);
}

static void audit_file(auditor *au, const char *rel)
{
	au->rel = rel;
	au->st->files++;
	ls_buf_reset(&au->path);
	ls_buf_printf(&au->path, "%s/%s", au->root, rel);
	struct stat st;
	if (stat(au->path.data, &st) != 0) {
		emit_text(au, 0, LS_AUDIT_UNREADABLE, "%s", strerror(errno));
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		emit_text(au, 0, LS_AUDIT_UNREADABLE, "not a regular file");
		return;
	}
	FILE *f = fopen(au->path.data, "rb");
	if (f == NULL) {
		emit_text(au, 0, LS_AUDIT_UNREADABLE, "%s", strerror(errno));
		return;
	}
	enum format fmt = format_of(rel);
	if (fmt == F_JSON) {
		audit_document(au, f);
	} else {
		if (fmt == F_LOG) {
			/* A Zeek log starts with its #separator line; anything else is syslog. */
			char head[10];
			size_t n = fread(head, 1, sizeof head, f);
			bool zeek =
			        n == sizeof head && memcmp(head, "#separator", sizeof head) == 0;
			fmt = zeek ? F_ZEEK : F_SYSLOG;
			rewind(f);
		}
		audit_lines(au, f, fmt);
	}
	fclose(f);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Audit every file under root/rel, depth first, each directory's entries in
 * bytewise name order. Only a failure to list root/rel itself is an error;
 * everything below it becomes a finding.
 */
static ls_err walk(auditor *au, const char *rel, int depth, ls_diag *d)
{
	ls_buf dirpath = LS_BUF_INIT;
	ls_buf_printf(&dirpath, "%s/%s", au->root, rel);
	DIR *dir = opendir(dirpath.data);
	if (dir == NULL) {
		ls_err e = ls_diag_set(d, LS_ERR_IO, rel, 0, 0, "cannot list directory: %s",
		                       strerror(errno));
		ls_buf_fini(&dirpath);
		return e;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *ent;
	while ((ent = readdir(dir)) != NULL) {
		if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0)
			continue;
		names = ls_xgrow(names, &cap, n + 1, sizeof *names);
		ls_buf p = LS_BUF_INIT;
		ls_buf_printf(&p, "%s/%s", rel, ent->d_name);
		names[n++] = ls_buf_steal(&p);
	}
	closedir(dir);
	if (n > 1)
		qsort(names, n, sizeof *names, cmp_str);
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		ls_buf_reset(&dirpath);
		ls_buf_printf(&dirpath, "%s/%s", au->root, names[i]);
		/* Directories are entered only when real, never through a link. */
		if (lstat(dirpath.data, &st) == 0 && S_ISDIR(st.st_mode)) {
			if (depth >= AUDIT_DIR_DEPTH_MAX) {
				au->rel = names[i];
				au->st->files++;
				emit_text(au, 0, LS_AUDIT_UNREADABLE,
				          "directories nested too deep");
				continue;
			}
			ls_err sub = walk(au, names[i], depth + 1, d);
			if (sub != LS_OK) {
				au->rel = names[i];
				au->st->files++;
				emit_text(au, 0, LS_AUDIT_UNREADABLE, "%s", d->message);
				ls_diag_clear(d);
			}
			continue;
		}
		audit_file(au, names[i]);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	ls_buf_fini(&dirpath);
	return LS_OK;
}

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Read and parse manifest.json and pick the profile; the manifest is then audited. */
static ls_err load_manifest(auditor *au, ls_buf *text, ls_diag *d)
{
	ls_buf_reset(&au->path);
	ls_buf_printf(&au->path, "%s/manifest.json", au->root);
	FILE *f = fopen(au->path.data, "rb");
	if (f == NULL)
		return ls_diag_set(d, errno == ENOENT ? LS_ERR_NOTFOUND : LS_ERR_IO, au->root, 0, 0,
		                   "cannot open manifest.json: %s (is this a leaksim dataset?)",
		                   strerror(errno));
	bool too_big;
	bool ok = slurp(f, text, AUDIT_DOC_MAX, &too_big);
	int err = errno;
	fclose(f);
	if (!ok)
		return ls_diag_set(d, LS_ERR_IO, au->root, 0, 0, "cannot read manifest.json: %s",
		                   too_big ? "too large" : strerror(err));
	ls_err e = ls_json_parse_document(ls_buf_sv(text), AUDIT_DOC_MAX, &au->ev, &au->arena, d);
	if (e != LS_OK) {
		d->file = "manifest.json";
		return e;
	}
	const ls_field *p = ls_event_get(&au->ev, LS_SV_LIT("profile"));
	au->profile = LS_AUDIT_PROFILE_MSGR;
	if (p == NULL)
		return LS_OK;
	if (p->type != LS_VALUE_STRING || ls_audit_profile_parse(p->value, &au->profile) != LS_OK)
		return ls_diag_set(d, LS_ERR_RANGE, "manifest.json",
		                   ls_json_line_of(ls_buf_sv(text), p->pos), p->pos + 1,
		                   "unknown profile '%.*s' (expected \"msgr\" or \"telegram\")",
		                   (int)(p->value.len > 40 ? 40 : p->value.len), p->value.ptr);
	return LS_OK;
}

ls_err ls_audit_dataset(const char *dir, ls_audit_finding_fn found, void *ctx,
                        ls_audit_stats *stats, ls_diag *d)
{
	auditor au;
	memset(&au, 0, sizeof au);
	memset(stats, 0, sizeof *stats);
	au.root = dir;
	au.found = found;
	au.ctx = ctx;
	au.st = stats;
	ls_event_init(&au.ev);
	ls_arena_init(&au.arena, 0);
	ls_buf manifest = LS_BUF_INIT;
	ls_err e = LS_OK;

	if (!is_dir(dir)) {
		e = ls_diag_set(d, LS_ERR_NOTFOUND, dir, 0, 0, "no such directory");
		goto out;
	}
	e = load_manifest(&au, &manifest, d);
	if (e != LS_OK)
		goto out;
	ls_buf_reset(&au.path);
	ls_buf_printf(&au.path, "%s/logs", dir);
	if (!is_dir(au.path.data)) {
		e = ls_diag_set(d, LS_ERR_NOTFOUND, dir, 0, 0,
		                "no logs/ directory (is this a leaksim dataset?)");
		goto out;
	}
	stats->profile = au.profile;

	au.rel = "manifest.json";
	stats->files++;
	stats->records++;
	audit_event(&au, &au.ev, ls_buf_sv(&manifest));

	e = walk(&au, "logs", 0, d);
	if (e != LS_OK)
		goto out;
	ls_buf_reset(&au.path);
	ls_buf_printf(&au.path, "%s/truth", dir);
	if (is_dir(au.path.data))
		e = walk(&au, "truth", 0, d);
out:
	ls_buf_fini(&manifest);
	ls_buf_fini(&au.detail);
	ls_buf_fini(&au.path);
	ls_event_fini(&au.ev);
	ls_arena_fini(&au.arena);
	return e;
}

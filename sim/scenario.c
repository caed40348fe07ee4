/*
 * scenario.c - scenario defaults, the strict YAML loader, and the built-ins.
 *
 * Loading runs in two stages. First io/yaml.h turns the text into a small
 * tree of nodes, while the structural limits are enforced: one document, no
 * aliases (so no "billion laughs"), no tags, collections nested at most
 * LS_YAML_DEPTH_MAX deep, at most SIM_SCENARIO_NODES_MAX nodes. Building the
 * tree is iterative, so hostile nesting cannot exhaust the C stack, and a
 * syntax error anywhere in the text is reported before any schema error.
 * Then the tree is checked
 * against the schema: one table of keys per section, each row naming its
 * type, field and allowed range. The walk descends only into known sections,
 * so it recurses no deeper than the schema does.
 *
 * Scalars are typed by the schema, not by YAML's implicit resolution. A
 * number or boolean needs a plain (unquoted) scalar in a strict decimal form;
 * a string, a date, a time of day or an offset takes plain or quoted text. So
 * `08:45` and `+08:00` need no quotes (YAML 1.1 would read them as base-60
 * integers), while `days: "7"` is an error rather than a silent conversion.
 *
 * The result is built in a local scenario and handed over only when all of
 * it checked out, so a caller never sees half a scenario.
 */
#include "sim/scenario.h"
#include "sim/emit.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "core/mem.h"
#include "io/yaml.h"

/* ------------------------------------------------------------- the model */

static const char *const role_names[SIM_ROLE__COUNT] = {
	[SIM_ROLE_OFFICE] = "office",       [SIM_ROLE_ANALYST] = "analyst",
	[SIM_ROLE_DEVELOPER] = "developer", [SIM_ROLE_DBA] = "dba",
	[SIM_ROLE_IT_ADMIN] = "it_admin",   [SIM_ROLE_EXECUTIVE] = "executive",
};

static const char *const profile_names[] = {
	[SIM_PROFILE_MSGR] = "msgr",
	[SIM_PROFILE_TELEGRAM] = "telegram",
};
#define PROFILE_COUNT (sizeof profile_names / sizeof profile_names[0])

const char *sim_role_name(sim_role r)
{
	if ((unsigned)r >= SIM_ROLE__COUNT)
		return "unknown";
	return role_names[r];
}

const char *sim_profile_name(sim_profile p)
{
	if ((unsigned)p >= PROFILE_COUNT)
		return "unknown";
	return profile_names[p];
}

ls_err sim_role_parse(ls_sv name, sim_role *out)
{
	for (int r = 0; r < SIM_ROLE__COUNT; r++) {
		if (ls_sv_eq_cstr(name, role_names[r])) {
			*out = (sim_role)r;
			return LS_OK;
		}
	}
	return LS_ERR_NOTFOUND;
}

ls_err sim_profile_parse(ls_sv name, sim_profile *out)
{
	for (size_t p = 0; p < PROFILE_COUNT; p++) {
		if (ls_sv_eq_cstr(name, profile_names[p])) {
			*out = (sim_profile)p;
			return LS_OK;
		}
	}
	return LS_ERR_NOTFOUND;
}

/* ------------------------------------------------------------ presets */

static const char *const preset_names[SIM_PRESET__COUNT] = {
	[SIM_PRESET_REGISTER_LEAK] = "register-leak",
	[SIM_PRESET_EASY] = "easy",
	[SIM_PRESET_MEDIUM] = "medium",
	[SIM_PRESET_HARD] = "hard",
};

const char *sim_preset_name(sim_preset p)
{
	return (unsigned)p < SIM_PRESET__COUNT ? preset_names[p] : "unknown";
}

void sim_campaign_preset(sim_campaign_cfg *c, sim_preset p)
{
	bool enabled = c->enabled;
	uint32_t start_day = c->start_day;
	free(c->channel);
	memset(c, 0, sizeof *c);
	c->enabled = enabled;
	c->start_day = start_day;
	c->preset = p;
	c->insider = SIM_ROLE_ANALYST;
	c->collect_days = 1;
	c->sessions = 4;
	c->exfil_days = 1;
	c->channel = ls_xstrdup("harbour-leaks");
	c->publish_delay_min = 14 * 60;
	switch (p) {
	case SIM_PRESET__COUNT:
	case SIM_PRESET_REGISTER_LEAK:
		/* An analyst, after hours, through the jump host: one COPY of the
		 * whole register to CSV, scp to the laptop, the CSV itself sent
		 * over the native path, posted the next morning. */
		c->hours = SIM_HOURS_AFTER;
		c->transfer = SIM_XFER_SCP;
		c->clear_history = true;
		break;
	case SIM_PRESET_EASY:
		/* One bulk burst after hours: a DB client on the laptop, a zip,
		 * straight out over the native path. */
		c->via = SIM_VIA_DIRECT;
		c->hours = SIM_HOURS_AFTER;
		c->method = SIM_COLLECT_SELECT;
		c->tool = SIM_TOOL_ZIP;
		c->publish_delay_min = 120;
		break;
	case SIM_PRESET_MEDIUM:
		/* In hours, chunked: a password 7z in 20 MiB volumes, sent at
		 * 60 MB an hour through the working day. */
		c->hours = SIM_HOURS_IN;
		c->tool = SIM_TOOL_7Z;
		c->password = true;
		c->split_mb = 20;
		c->transfer = SIM_XFER_SFTP;
		c->sessions = 2;
		c->rate_mb_per_hour = 60;
		c->schedule = SIM_SCHED_IN_HOURS;
		c->publish_delay_min = 6 * 60;
		c->delete_staging = true;
		break;
	case SIM_PRESET_HARD:
		/* Low and slow through a DBA's stolen account: pages over three
		 * days, a renamed 7z in 5 MiB volumes, one session at 8 MB an
		 * hour over four working days, tracks covered. */
		c->account = SIM_CRED_STOLEN_DBA;
		c->hours = SIM_HOURS_IN;
		c->method = SIM_COLLECT_PAGINATED;
		c->collect_days = 3;
		c->tool = SIM_TOOL_7Z;
		c->password = true;
		c->split_mb = 5;
		c->renamed = true;
		c->sessions = 1;
		c->rate_mb_per_hour = 8;
		c->schedule = SIM_SCHED_IN_HOURS;
		c->exfil_days = 4;
		c->publish_delay_min = 24 * 60;
		c->clear_history = true;
		c->delete_staging = true;
		c->edit_log = true;
		break;
	}
}

/* The default start date, 2026-03-02 (a Monday), as if its midnight were UTC. */
static ls_time default_date(void)
{
	static const ls_civil c = { .year = 2026, .month = 3, .day = 2 };
	ls_time t = 0;
	ls_err e = ls_time_from_civil(&c, &t);
	assert(e == LS_OK);
	(void)e;
	return t;
}

void sim_scenario_defaults(sim_scenario *s)
{
	memset(s, 0, sizeof *s);
	s->name = ls_xstrdup("default");
	s->description = ls_xstrdup("");
	s->seed = 1;
	s->utc_offset_min = 8 * 60;
	s->start = default_date() - (ls_time)s->utc_offset_min * LS_USEC_PER_MIN;
	s->days = 7;
	s->profile = SIM_PROFILE_MSGR;

	s->org_name = ls_xstrdup("Harbourside Members Union");
	s->org_domain = ls_xstrdup("corp.example");
	s->people = 200;
	s->team_size = 8;
	s->role_mix[SIM_ROLE_OFFICE] = 55;
	s->role_mix[SIM_ROLE_ANALYST] = 12;
	s->role_mix[SIM_ROLE_DEVELOPER] = 12;
	s->role_mix[SIM_ROLE_DBA] = 3;
	s->role_mix[SIM_ROLE_IT_ADMIN] = 4;
	s->role_mix[SIM_ROLE_EXECUTIVE] = 14;

	s->start_mean_min = 8 * 60 + 45;
	s->start_sd_min = 35;
	s->workday_min = 540;
	s->lunch_min = 50;
	s->overtime_prob = 0.15;
	s->weekend_work_prob = 0.04;
	s->leave_prob = 0.04;
	s->travel_prob = 0.02;
	s->drift_min = 12;

	s->dhcp_lease_min = 480;

	s->web_per_hour = 30;
	s->messenger_users = 0.6;
	s->messenger_msgs_per_day = 25;
	s->messenger_files_per_day = 1.0;
	s->fileserver_ops_per_day = 15;
	s->analyst_queries_per_day = 20;
	s->dba_queries_per_day = 30;
	s->app_queries_per_min = 12;
	s->ssh_sessions_per_day = 3;

	s->nightly_backup = true;
	s->backup_time_min = 2 * 60;
	s->exports_per_week = 0.5;
	s->big_send_prob = 0.04;
	s->archive_prob = 0.05;
	s->encrypted_archive_frac = 0.3;
	s->cloud_sync_users = 0.2;
	s->big_download_prob = 0.03;
	s->admin_scp_per_day = 0.5;

	s->register_rows = 1950000;
	s->delay_s = 300;
	s->missing_sensor = -1;

	s->campaign.enabled = true;
	s->campaign.start_day = SIM_START_DAY_AUTO;
	sim_campaign_preset(&s->campaign, SIM_PRESET_REGISTER_LEAK);
}

void sim_scenario_fini(sim_scenario *s)
{
	if (s == NULL)
		return;
	free(s->name);
	free(s->description);
	free(s->org_name);
	free(s->org_domain);
	free(s->campaign.channel);
	s->name = s->description = s->org_name = s->org_domain = s->campaign.channel = NULL;
}

/* -------------------------------------------------------- the node tree */

typedef ls_ynode node;
#define NODE_SCALAR LS_YNODE_SCALAR
#define NODE_SEQ LS_YNODE_SEQ
#define NODE_MAP LS_YNODE_MAP

typedef struct loader {
	const char *file;
	ls_diag *d;
	sim_scenario *s;       /* the scenario being filled */
	ls_time date;          /* local midnight of the start date, as if it were UTC */
	const node *campaign;  /* the campaign mapping, for cross-key checks */
	const node *start_day; /* its start_day value, if given */
} loader;

static ls_err vfail(loader *L, ls_err err, unsigned long line, unsigned long col, const char *fmt,
                    va_list ap) LS_PRINTF(5, 0);

static ls_err vfail(loader *L, ls_err err, unsigned long line, unsigned long col, const char *fmt,
                    va_list ap)
{
	return ls_diag_vset(L->d, err, L->file, line, col, fmt, ap);
}

/* Record an error at a node and return err. */
static ls_err fail_node(loader *L, ls_err err, const node *n, const char *fmt, ...) LS_PRINTF(4, 5);

static ls_err fail_node(loader *L, ls_err err, const node *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	err = vfail(L, err, n->line, n->col, fmt, ap);
	va_end(ap);
	return err;
}

static const char *shown(const char *text, size_t len, char *buf, size_t cap)
{
	return ls_yaml_shown(text, len, buf, cap);
}

/* -------------------------------------------------------- scalar values */

static bool is_plain(const node *n)
{
	return ls_ynode_is_plain(n);
}

/* A plain empty, "~" or "null" scalar: YAML's null, which no key accepts. */
static bool is_null(const node *n)
{
	return ls_ynode_is_null(n);
}

/* What a node is, for "expected X, got Y" messages. */
static const char *describe(const node *n, char *buf, size_t cap)
{
	char t[48];
	if (n->kind == NODE_MAP)
		return "a mapping";
	if (n->kind == NODE_SEQ)
		return "a sequence";
	if (is_null(n))
		return "an empty value";
	shown(n->text, n->len, t, sizeof t);
	switch (n->style) {
	case LS_YSTYLE_PLAIN: snprintf(buf, cap, "'%s'", t); break;
	case LS_YSTYLE_BLOCK: snprintf(buf, cap, "a block scalar"); break;
	default: snprintf(buf, cap, "the quoted string '%s'", t); break;
	}
	return buf;
}

static ls_err type_error(loader *L, const node *n, const char *path, const char *want)
{
	char buf[80];
	return fail_node(L, LS_ERR_PARSE, n, "%s: expected %s, got %s", path, want,
	                 describe(n, buf, sizeof buf));
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Digits only, at least one, no leading zero unless it is the only digit. */
static bool is_decimal_digits(ls_sv t)
{
	if (t.len == 0 || (t.len > 1 && t.ptr[0] == '0'))
		return false;
	for (size_t i = 0; i < t.len; i++)
		if (!is_digit(t.ptr[i]))
			return false;
	return true;
}

/* -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool is_decimal_number(ls_sv t)
{
	size_t i = 0, from;
	if (i < t.len && t.ptr[i] == '-')
		i++;
	for (from = i; i < t.len && is_digit(t.ptr[i]); i++)
		;
	if (i == from || (i - from > 1 && t.ptr[from] == '0'))
		return false;
	if (i < t.len && t.ptr[i] == '.') {
		for (from = ++i; i < t.len && is_digit(t.ptr[i]); i++)
			;
		if (i == from)
			return false;
	}
	if (i < t.len && (t.ptr[i] == 'e' || t.ptr[i] == 'E')) {
		i++;
		if (i < t.len && (t.ptr[i] == '+' || t.ptr[i] == '-'))
			i++;
		for (from = i; i < t.len && is_digit(t.ptr[i]); i++)
			;
		if (i == from)
			return false;
	}
	return i == t.len;
}

static ls_err uint_range_error(loader *L, const node *n, const char *path, uint64_t lo, uint64_t hi)
{
	char buf[48];
	return fail_node(L, LS_ERR_RANGE, n, "%s: must be between %llu and %llu, got %s", path,
	                 (unsigned long long)lo, (unsigned long long)hi,
	                 shown(n->text, n->len, buf, sizeof buf));
}

static ls_err get_uint(loader *L, const node *n, const char *path, uint64_t lo, uint64_t hi,
                       uint64_t *out)
{
	if (!is_plain(n) || is_null(n))
		return type_error(L, n, path, "an integer");
	ls_sv t = ls_sv_make(n->text, n->len);
	bool negative = t.len > 1 && t.ptr[0] == '-' && is_decimal_digits(ls_sv_sub(t, 1, t.len));
	if (negative && !ls_sv_eq_cstr(t, "-0"))
		return uint_range_error(L, n, path, lo, hi);
	if (!is_decimal_digits(t))
		return type_error(L, n, path, "a decimal integer");
	uint64_t x = 0;
	if (ls_sv_to_u64(t, &x) != LS_OK || x < lo || x > hi)
		return uint_range_error(L, n, path, lo, hi);
	*out = x;
	return LS_OK;
}

static ls_err get_double(loader *L, const node *n, const char *path, double lo, double hi,
                         double *out)
{
	char buf[48];
	if (!is_plain(n) || is_null(n))
		return type_error(L, n, path, "a number");
	ls_sv t = ls_sv_make(n->text, n->len);
	if (!is_decimal_number(t))
		return type_error(L, n, path, "a decimal number");
	/* The grammar above leaves nothing strtod could read past len. */
	char *end = NULL;
	double x = strtod(n->text, &end);
	if (end != n->text + n->len || !isfinite(x) || x < lo || x > hi)
		return fail_node(L, LS_ERR_RANGE, n, "%s: must be between %g and %g, got %s", path,
		                 lo, hi, shown(n->text, n->len, buf, sizeof buf));
	*out = x == 0 ? 0.0 : x; /* no -0 */
	return LS_OK;
}

static ls_err get_bool(loader *L, const node *n, const char *path, bool *out)
{
	if (is_plain(n) && ls_sv_eq_cstr(ls_sv_make(n->text, n->len), "true"))
		*out = true;
	else if (is_plain(n) && ls_sv_eq_cstr(ls_sv_make(n->text, n->len), "false"))
		*out = false;
	else
		return type_error(L, n, path, "true or false");
	return LS_OK;
}

/* Any scalar but null: its text. */
static ls_err get_text(loader *L, const node *n, const char *path, const char *want, ls_sv *out)
{
	if (n->kind != NODE_SCALAR || is_null(n))
		return type_error(L, n, path, want);
	*out = ls_sv_make(n->text, n->len);
	return LS_OK;
}

/* One line of text: minlen..maxlen bytes, no control characters. */
static ls_err get_line(loader *L, const node *n, const char *path, uint64_t minlen, uint64_t maxlen,
                       ls_sv *out)
{
	ls_sv t;
	ls_err err = get_text(L, n, path, "a string", &t);
	if (err != LS_OK)
		return err;
	if (t.len < minlen || t.len > maxlen)
		return fail_node(L, LS_ERR_RANGE, n, "%s: must be %llu to %llu bytes long, got %zu",
		                 path, (unsigned long long)minlen, (unsigned long long)maxlen,
		                 t.len);
	for (size_t i = 0; i < t.len; i++) {
		unsigned char c = (unsigned char)t.ptr[i];
		if (c < 0x20 || c == 0x7f)
			return fail_node(L, LS_ERR_RANGE, n,
			                 "%s: must be one line of text without control characters",
			                 path);
	}
	*out = t;
	return LS_OK;
}

static void set_string(char **field, ls_sv t)
{
	free(*field);
	*field = ls_xstrndup(t.ptr, t.len);
}

static int two_digits(const char *p)
{
	return (p[0] - '0') * 10 + (p[1] - '0');
}

/* True if t has digits where pattern has '9' and the same byte elsewhere. */
static bool matches(ls_sv t, const char *pattern)
{
	if (t.len != strlen(pattern))
		return false;
	for (size_t i = 0; i < t.len; i++) {
		if (pattern[i] == '9' ? !is_digit(t.ptr[i]) : t.ptr[i] != pattern[i])
			return false;
	}
	return true;
}

#define START_YEAR_MIN 1970
#define START_YEAR_MAX 9998

static ls_err get_date(loader *L, const node *n, const char *path, ls_time *out)
{
	static const char want[] = "a date YYYY-MM-DD";
	char buf[48];
	ls_sv t;
	ls_err err = get_text(L, n, path, want, &t);
	if (err != LS_OK)
		return err;
	if (!matches(t, "9999-99-99"))
		return type_error(L, n, path, want);
	ls_civil c = { .year = two_digits(t.ptr) * 100 + two_digits(t.ptr + 2),
		       .month = two_digits(t.ptr + 5),
		       .day = two_digits(t.ptr + 8) };
	shown(t.ptr, t.len, buf, sizeof buf);
	if (c.year < START_YEAR_MIN || c.year > START_YEAR_MAX)
		return fail_node(L, LS_ERR_RANGE, n,
		                 "%s: the year must be between %d and %d, got %s", path,
		                 START_YEAR_MIN, START_YEAR_MAX, buf);
	if (ls_time_from_civil(&c, out) != LS_OK)
		return fail_node(L, LS_ERR_RANGE, n, "%s: no such date %s", path, buf);
	return LS_OK;
}

#define UTC_OFFSET_MAX (14 * 60)

static ls_err get_offset(loader *L, const node *n, const char *path, int *out)
{
	static const char want[] = "a UTC offset +hh:mm or -hh:mm";
	char buf[48];
	ls_sv t;
	ls_err err = get_text(L, n, path, want, &t);
	if (err != LS_OK)
		return err;
	if (!matches(t, "+99:99") && !matches(t, "-99:99"))
		return type_error(L, n, path, want);
	int h = two_digits(t.ptr + 1), m = two_digits(t.ptr + 4);
	int v = (h * 60 + m) * (t.ptr[0] == '-' ? -1 : 1);
	if (m > 59 || v > UTC_OFFSET_MAX || v < -UTC_OFFSET_MAX)
		return fail_node(L, LS_ERR_RANGE, n,
		                 "%s: must be between -14:00 and +14:00 (minutes 00-59), got %s",
		                 path, shown(t.ptr, t.len, buf, sizeof buf));
	*out = v;
	return LS_OK;
}

static ls_err get_clock(loader *L, const node *n, const char *path, uint32_t *out)
{
	static const char want[] = "a time of day HH:MM";
	char buf[48];
	ls_sv t;
	ls_err err = get_text(L, n, path, want, &t);
	if (err != LS_OK)
		return err;
	if (!matches(t, "99:99"))
		return type_error(L, n, path, want);
	int h = two_digits(t.ptr), m = two_digits(t.ptr + 3);
	if (h > 23 || m > 59)
		return fail_node(L, LS_ERR_RANGE, n, "%s: no such time of day %s (00:00-23:59)",
		                 path, shown(t.ptr, t.len, buf, sizeof buf));
	*out = (uint32_t)(h * 60 + m);
	return LS_OK;
}

static ls_err get_profile(loader *L, const node *n, const char *path, sim_profile *out)
{
	static const char want[] = "msgr or telegram";
	char buf[48];
	ls_sv t;
	ls_err err = get_text(L, n, path, want, &t);
	if (err != LS_OK)
		return err;
	if (sim_profile_parse(t, out) != LS_OK)
		return fail_node(L, LS_ERR_RANGE, n, "%s: expected %s, got %s", path, want,
		                 describe(n, buf, sizeof buf));
	return LS_OK;
}

static ls_err get_source(loader *L, const node *n, const char *path, int *out)
{
	static const char want[] = "none or a source name (db_audit, auth, conn, dns, ssl, proxy, "
	                           "sysmon, dhcp, messaging)";
	char buf[48];
	ls_sv t;
	ls_err err = get_text(L, n, path, want, &t);
	if (err != LS_OK)
		return err;
	if (ls_sv_eq_cstr(t, "none")) {
		*out = -1;
		return LS_OK;
	}
	for (int i = 0; i < SIM_SRC__COUNT; i++)
		if (ls_sv_eq_cstr(t, sim_source_name[i])) {
			*out = i;
			return LS_OK;
		}
	return fail_node(L, LS_ERR_RANGE, n, "%s: expected %s, got %s", path, want,
	                 describe(n, buf, sizeof buf));
}

static bool is_host_char(char c)
{
	return (c >= 'a' && c <= 'z') || is_digit(c) || c == '-';
}

/*
 * A lower-case DNS name under .example, .test or .invalid (RFC 2606): labels
 * of 1-63 letters, digits and inner hyphens, 253 bytes at most.
 */
static ls_err get_domain(loader *L, const node *n, const char *path, ls_sv *out)
{
	char buf[48];
	ls_sv t;
	ls_err err = get_line(L, n, path, 1, 253, &t);
	if (err != LS_OK)
		return err;
	shown(t.ptr, t.len, buf, sizeof buf);
	size_t label = 0;
	for (size_t i = 0; i <= t.len; i++) {
		if (i == t.len || t.ptr[i] == '.') {
			if (label == 0 || label > 63 || t.ptr[i - label] == '-' ||
			    t.ptr[i - 1] == '-')
				return fail_node(
				        L, LS_ERR_RANGE, n,
				        "%s: '%s' is not a valid domain name (labels of 1-63 "
				        "letters, digits and inner hyphens)",
				        path, buf);
			label = 0;
		} else if (!is_host_char(t.ptr[i])) {
			return fail_node(L, LS_ERR_RANGE, n,
			                 "%s: '%s' is not a valid domain name (lower-case letters, "
			                 "digits, '-' and '.' only)",
			                 path, buf);
		} else {
			label++;
		}
	}
	if (!ls_sv_ends_with(t, LS_SV_LIT(".example")) && !ls_sv_ends_with(t, LS_SV_LIT(".test")) &&
	    !ls_sv_ends_with(t, LS_SV_LIT(".invalid")))
		return fail_node(L, LS_ERR_RANGE, n,
		                 "%s: must end in .example, .test or .invalid (fictional domains "
		                 "only), got '%s'",
		                 path, buf);
	*out = t;
	return LS_OK;
}

static ls_err get_enum(loader *L, const node *n, const char *path, const char *const *names,
                       size_t nnames, int *out)
{
	char want[200], buf[48];
	size_t k = (size_t)snprintf(want, sizeof want, "one of: ");
	for (size_t i = 0; i < nnames && k < sizeof want; i++)
		k += (size_t)snprintf(want + k, sizeof want - k, "%s%s", i ? ", " : "", names[i]);
	ls_sv t;
	ls_err err = get_text(L, n, path, want, &t);
	if (err != LS_OK)
		return err;
	for (size_t i = 0; i < nnames; i++)
		if (ls_sv_eq_cstr(t, names[i])) {
			*out = (int)i;
			return LS_OK;
		}
	return fail_node(L, LS_ERR_RANGE, n, "%s: expected %s, got %s", path, want,
	                 describe(n, buf, sizeof buf));
}

static ls_err get_start_day(loader *L, const node *n, const char *path, uint32_t *out)
{
	L->start_day = n;
	if (is_plain(n) && n->len == 4 && memcmp(n->text, "auto", 4) == 0) {
		*out = SIM_START_DAY_AUTO;
		return LS_OK;
	}
	uint64_t u = 0;
	ls_err err = get_uint(L, n, path, 0, SIM_DAYS_MAX - 1, &u);
	if (err == LS_OK)
		*out = (uint32_t)u;
	return err;
}

/* ---------------------------------------------------------------- schema */

typedef enum key_type {
	T_SECTION,   /* a nested mapping with its own keys */
	T_ROLES,     /* role name -> weight */
	T_RESERVED,  /* a key kept for a later version */
	T_LINE,      /* char *: one line of text, umin..umax bytes */
	T_DOMAIN,    /* char *: a fictional domain name */
	T_U32,       /* uint32_t in umin..umax */
	T_U64,       /* uint64_t in umin..umax */
	T_F64,       /* double in fmin..fmax */
	T_BOOL,      /* bool */
	T_CLOCK,     /* uint32_t: minutes after midnight from "HH:MM" */
	T_DATE,      /* the loader's start date */
	T_OFFSET,    /* int: minutes east of UTC from "+hh:mm" */
	T_PROFILE,   /* sim_profile */
	T_SOURCE,    /* int: a sim_source by its short name, or -1 for "none" */
	T_ENUM,      /* an enum field: the index of its name in names[0..nnames) */
	T_PRESET,    /* the campaign preset: applied before the section's other keys */
	T_START_DAY, /* uint32_t: a day of the period, or "auto" */
} key_type;

typedef struct section section;
typedef struct key_def {
	const char *name;
	key_type type;
	size_t off; /* of the field in sim_scenario */
	uint64_t umin, umax;
	double fmin, fmax;
	const section *sub;
	const char *const *names; /* T_ENUM */
	size_t nnames;
} key_def;

struct section {
	const key_def *keys;
	size_t n;
};

/* The largest number of keys of any section (at most 32: a bit mask). */
#define SECTION_KEYS_MAX 16

/* Upper bound of every rate (events per person per day, per hour, ...). */
#define RATE_MAX 10000.0

/* The schema: one row per key, one line per row (clang-format would pack them). */
/* clang-format off */
#define FIELD(f) .off = offsetof(sim_scenario, f)
#define K_U32(n, f, lo, hi) { .name = n, .type = T_U32, FIELD(f), .umin = lo, .umax = hi }
#define K_U64(n, f, lo, hi) { .name = n, .type = T_U64, FIELD(f), .umin = lo, .umax = hi }
#define K_F64(n, f, lo, hi) { .name = n, .type = T_F64, FIELD(f), .fmin = lo, .fmax = hi }
#define K_PROB(n, f) K_F64(n, f, 0.0, 1.0)
#define K_RATE(n, f) K_F64(n, f, 0.0, RATE_MAX)
#define K_LINE(n, f, lo, hi) { .name = n, .type = T_LINE, FIELD(f), .umin = lo, .umax = hi }
#define K_OF(n, t, f) { .name = n, .type = t, FIELD(f) }
#define K_SUB(n, s) { .name = n, .type = T_SECTION, .sub = &s }
#define SECTION(keys) { keys, sizeof keys / sizeof keys[0] }

static const key_def organisation_keys[] = {
	K_LINE("name", org_name, 1, 100),
	K_OF("domain", T_DOMAIN, org_domain),
	K_U32("people", people, 1, SIM_PEOPLE_MAX),
	K_U32("team_size", team_size, 2, 100),
	K_OF("roles", T_ROLES, role_mix),
};

static const key_def schedule_keys[] = {
	K_OF("start_mean", T_CLOCK, start_mean_min),
	K_U32("start_sd_minutes", start_sd_min, 0, 240),
	K_U32("workday_minutes", workday_min, 240, 900),
	K_U32("lunch_minutes", lunch_min, 0, 120),
	K_PROB("overtime_prob", overtime_prob),
	K_PROB("weekend_work_prob", weekend_work_prob),
	K_PROB("leave_prob", leave_prob),
	K_PROB("travel_prob", travel_prob),
	K_U32("drift_minutes", drift_min, 0, 120),
};

static const key_def network_keys[] = {
	K_U32("dhcp_lease_minutes", dhcp_lease_min, 30, 10080),
};

static const key_def behaviour_keys[] = {
	K_RATE("web_per_hour", web_per_hour),
	K_PROB("messenger_users", messenger_users),
	K_RATE("messenger_msgs_per_day", messenger_msgs_per_day),
	K_RATE("messenger_files_per_day", messenger_files_per_day),
	K_RATE("fileserver_ops_per_day", fileserver_ops_per_day),
	K_RATE("analyst_queries_per_day", analyst_queries_per_day),
	K_RATE("dba_queries_per_day", dba_queries_per_day),
	K_RATE("app_queries_per_minute", app_queries_per_min),
	K_RATE("ssh_sessions_per_day", ssh_sessions_per_day),
};

static const key_def hard_negative_keys[] = {
	K_OF("nightly_backup", T_BOOL, nightly_backup),
	K_OF("backup_time", T_CLOCK, backup_time_min),
	K_RATE("exports_per_week", exports_per_week),
	K_PROB("big_send_prob", big_send_prob),
	K_PROB("archive_prob", archive_prob),
	K_PROB("encrypted_archive_fraction", encrypted_archive_frac),
	K_PROB("cloud_sync_users", cloud_sync_users),
	K_PROB("big_download_prob", big_download_prob),
	K_RATE("admin_scp_per_day", admin_scp_per_day),
};

static const key_def skew_keys[] = {
	K_F64("db_audit", clock_skew_s[0], -86400.0, 86400.0),
	K_F64("auth", clock_skew_s[1], -86400.0, 86400.0),
	K_F64("conn", clock_skew_s[2], -86400.0, 86400.0),
	K_F64("dns", clock_skew_s[3], -86400.0, 86400.0),
	K_F64("ssl", clock_skew_s[4], -86400.0, 86400.0),
	K_F64("proxy", clock_skew_s[5], -86400.0, 86400.0),
	K_F64("sysmon", clock_skew_s[6], -86400.0, 86400.0),
	K_F64("dhcp", clock_skew_s[7], -86400.0, 86400.0),
	K_F64("messaging", clock_skew_s[8], -86400.0, 86400.0),
};
static const section skew_section = SECTION(skew_keys);

static const key_def dirty_keys[] = {
	K_PROB("drop_rate", drop_rate),
	K_PROB("duplicate_rate", duplicate_rate),
	K_PROB("delay_rate", delay_rate),
	K_U32("delay_seconds", delay_s, 1, 86400),
	K_OF("missing_sensor", T_SOURCE, missing_sensor),
	K_SUB("clock_skew_seconds", skew_section),
};

static const key_def register_keys[] = {
	K_U64("rows", register_rows, 1, 100000000),
};

static const char *const cred_names[] = { "own", "stolen_dba" };
static const char *const via_names[] = { "jump", "direct" };
static const char *const hours_names[] = { "in", "after" };
static const char *const collect_names[] = { "copy", "select", "paginated", "pg_dump" };
static const char *const xfmt_names[] = { "csv", "copy", "insert" };
static const char *const tool_names[] = { "none", "zip", "7z", "zstd" };
static const char *const where_names[] = { "laptop", "server" };
static const char *const transfer_names[] = { "scp", "sftp", "https", "usb" };
static const char *const path_names[] = { "native", "bot", "mixed" };
static const char *const schedule_names[] = { "burst", "in_hours", "after_hours" };

#define CFIELD(f) .off = offsetof(sim_scenario, campaign.f)
#define K_ENUM(n, f, tab) { .name = n, .type = T_ENUM, CFIELD(f), .names = tab, .nnames = sizeof tab / sizeof tab[0] }
#define K_CU32(n, f, lo, hi) { .name = n, .type = T_U32, CFIELD(f), .umin = lo, .umax = hi }
#define K_CBOOL(n, f) { .name = n, .type = T_BOOL, CFIELD(f) }

static const key_def access_keys[] = {
	K_ENUM("account", account, cred_names),
	K_ENUM("via", via, via_names),
	K_ENUM("hours", hours, hours_names),
};
static const key_def collection_keys[] = {
	K_ENUM("method", method, collect_names),
	K_CU32("days", collect_days, 1, 30),
	{ .name = "rows", .type = T_U64, CFIELD(rows), .umin = 0, .umax = 100000000 },
	K_ENUM("format", format, xfmt_names),
};
static const key_def staging_keys[] = {
	K_ENUM("tool", tool, tool_names),
	K_CBOOL("password", password),
	K_CU32("split_mb", split_mb, 0, 2048),
	K_CBOOL("renamed", renamed),
	K_ENUM("where", stage_where, where_names),
};
static const key_def transfer_keys[] = {
	K_ENUM("method", transfer, transfer_names),
};
static const key_def exfiltration_keys[] = {
	K_ENUM("path", path, path_names),
	K_CU32("sessions", sessions, 1, 8),
	{ .name = "rate_mb_per_hour", .type = T_F64, CFIELD(rate_mb_per_hour), .fmin = 0.0, .fmax = 1e6 },
	K_ENUM("schedule", schedule, schedule_names),
	K_CU32("days", exfil_days, 1, 30),
	K_CBOOL("vpn", vpn),
};
static const key_def publication_keys[] = {
	{ .name = "channel", .type = T_LINE, CFIELD(channel), .umin = 1, .umax = 64 },
	K_CU32("delay_minutes", publish_delay_min, 0, 30 * 24 * 60),
};
static const key_def anti_forensics_keys[] = {
	K_CBOOL("clear_history", clear_history),
	K_CBOOL("delete_staging", delete_staging),
	K_CBOOL("edit_log", edit_log),
};
static const section access_section = SECTION(access_keys);
static const section collection_section = SECTION(collection_keys);
static const section staging_section = SECTION(staging_keys);
static const section transfer_section = SECTION(transfer_keys);
static const section exfiltration_section = SECTION(exfiltration_keys);
static const section publication_section = SECTION(publication_keys);
static const section anti_forensics_section = SECTION(anti_forensics_keys);

static const key_def campaign_keys[] = {
	K_CBOOL("enabled", enabled),
	{ .name = "preset", .type = T_PRESET },
	K_ENUM("insider", insider, role_names),
	{ .name = "start_day", .type = T_START_DAY, CFIELD(start_day) },
	K_SUB("access", access_section),
	K_SUB("collection", collection_section),
	K_SUB("staging", staging_section),
	K_SUB("transfer", transfer_section),
	K_SUB("exfiltration", exfiltration_section),
	K_SUB("publication", publication_section),
	K_SUB("anti_forensics", anti_forensics_section),
};
static const section campaign_section = SECTION(campaign_keys);

static const section organisation_section = SECTION(organisation_keys);
static const section schedule_section = SECTION(schedule_keys);
static const section network_section = SECTION(network_keys);
static const section behaviour_section = SECTION(behaviour_keys);
static const section hard_negative_section = SECTION(hard_negative_keys);
static const section register_section = SECTION(register_keys);
static const section dirty_section = SECTION(dirty_keys);

static const key_def top_keys[] = {
	K_LINE("name", name, 1, 64),
	K_LINE("description", description, 0, 200),
	K_U64("seed", seed, 0, UINT64_MAX),
	{ .name = "start", .type = T_DATE },
	K_U32("days", days, 1, SIM_DAYS_MAX),
	K_OF("utc_offset", T_OFFSET, utc_offset_min),
	K_OF("profile", T_PROFILE, profile),
	K_SUB("organisation", organisation_section),
	K_SUB("schedule", schedule_section),
	K_SUB("network", network_section),
	K_SUB("behaviour", behaviour_section),
	K_SUB("hard_negatives", hard_negative_section),
	K_SUB("register", register_section),
	K_SUB("dirty", dirty_section),
	K_SUB("campaign", campaign_section),
};
/* clang-format on */

static const section top_section = SECTION(top_keys);

_Static_assert(sizeof top_keys / sizeof top_keys[0] <= SECTION_KEYS_MAX, "SECTION_KEYS_MAX");
_Static_assert(sizeof schedule_keys / sizeof schedule_keys[0] <= SECTION_KEYS_MAX,
               "SECTION_KEYS_MAX");
_Static_assert(SIM_ROLE__COUNT <= SECTION_KEYS_MAX, "SECTION_KEYS_MAX");

/* Longest key path in a message: "section.key" with a shortened user key. */
#define PATH_MAX_LEN 128

/* parent.key for messages, the key shown safely; "''" for an empty key. */
static void key_path(char *out, size_t cap, const char *parent, const node *key)
{
	char buf[48];
	const char *k = key->kind != NODE_SCALAR ? "?"
	                : key->len == 0          ? "''"
	                                         : shown(key->text, key->len, buf, sizeof buf);
	snprintf(out, cap, "%s%s%s", parent, *parent ? "." : "", k);
}

/*
 * Look a mapping key up among names[0..n). It must be a string, known, and
 * not seen before in this mapping (seen[i] remembers the key node that gave
 * names[i]). Returns the index, or -1 with the error recorded in *err. The
 * message for an unknown key lists the names, except those in the bit mask
 * unlisted (reserved keys).
 */
static int find_key(loader *L, const node *key, const char *parent, const char *kpath,
                    const char *const *names, size_t n, uint32_t unlisted, const node **seen,
                    ls_err *err)
{
	if (key->kind != NODE_SCALAR) {
		char buf[80];
		*err = fail_node(L, LS_ERR_PARSE, key, "%s: keys must be strings, got %s",
		                 *parent ? parent : "top level", describe(key, buf, sizeof buf));
		return -1;
	}
	size_t i;
	for (i = 0; i < n; i++)
		if (ls_sv_eq_cstr(ls_sv_make(key->text, key->len), names[i]))
			break;
	if (i == n) {
		ls_buf list = LS_BUF_INIT;
		for (size_t j = 0; j < n; j++)
			if (!(unlisted & UINT32_C(1) << j))
				ls_buf_printf(&list, "%s%s", list.len ? ", " : "", names[j]);
		*err = fail_node(L, LS_ERR_PARSE, key, "%s: unknown key (expected one of: %s)",
		                 kpath, list.data ? list.data : "");
		ls_buf_fini(&list);
		return -1;
	}
	if (seen[i]) {
		*err = fail_node(L, LS_ERR_PARSE, key,
		                 "%s: duplicate key (first given at line %lu, column %lu)", kpath,
		                 seen[i]->line, seen[i]->col);
		return -1;
	}
	seen[i] = key;
	return (int)i;
}

static ls_err walk_section(loader *L, const node *map, const section *sec, const char *path);

static ls_err walk_roles(loader *L, const node *map, const char *path)
{
	if (map->kind != NODE_MAP)
		return type_error(L, map, path, "a mapping of role names to weights");
	const node *seen[SECTION_KEYS_MAX] = { 0 };
	ls_err err = LS_OK;
	for (const node *k = map->first; k && k->next; k = k->next->next) {
		const node *v = k->next;
		char kpath[PATH_MAX_LEN];
		key_path(kpath, sizeof kpath, path, k);
		int r = find_key(L, k, path, kpath, role_names, SIM_ROLE__COUNT, 0, seen, &err);
		if (r < 0)
			return err;
		err = get_double(L, v, kpath, 0.0, RATE_MAX, &L->s->role_mix[r]);
		if (err != LS_OK)
			return err;
	}
	double sum = 0;
	for (int r = 0; r < SIM_ROLE__COUNT; r++)
		sum += L->s->role_mix[r];
	if (!(sum > 0))
		return fail_node(L, LS_ERR_RANGE, map, "%s: at least one weight must be above 0",
		                 path);
	return LS_OK;
}

/* A campaign's `preset:` sets every knob first, whatever its place in the mapping. */
static ls_err apply_preset(loader *L, const node *map, const char *path)
{
	for (const node *k = map->first; k && k->next; k = k->next->next) {
		if (k->kind != NODE_SCALAR || !ls_sv_eq_cstr(ls_sv_make(k->text, k->len), "preset"))
			continue;
		char kpath[PATH_MAX_LEN];
		key_path(kpath, sizeof kpath, path, k);
		int p = 0;
		ls_err err = get_enum(L, k->next, kpath, preset_names, SIM_PRESET__COUNT, &p);
		if (err != LS_OK)
			return err;
		sim_campaign_preset(&L->s->campaign, (sim_preset)p);
		return LS_OK; /* a second preset key is reported as a duplicate by the walk */
	}
	return LS_OK;
}

static ls_err set_value(loader *L, const key_def *kd, const node *key, const node *v,
                        const char *path)
{
	char *field = (char *)L->s + kd->off;
	uint64_t u = 0;
	ls_sv t;
	ls_err err;
	switch (kd->type) {
	case T_SECTION:
		if (v->kind != NODE_MAP)
			return type_error(L, v, path, "a mapping");
		if (kd->sub == &campaign_section) {
			L->campaign = v;
			err = apply_preset(L, v, path);
			if (err != LS_OK)
				return err;
		}
		return walk_section(L, v, kd->sub, path);
	case T_ROLES: return walk_roles(L, v, path);
	case T_RESERVED:
		return fail_node(L, LS_ERR_UNSUPPORTED, key,
		                 "%s: not supported yet (reserved for a later version)", path);
	case T_LINE:
		err = get_line(L, v, path, kd->umin, kd->umax, &t);
		if (err == LS_OK)
			set_string((char **)(void *)field, t);
		return err;
	case T_DOMAIN:
		err = get_domain(L, v, path, &t);
		if (err == LS_OK)
			set_string((char **)(void *)field, t);
		return err;
	case T_U32:
		err = get_uint(L, v, path, kd->umin, kd->umax, &u);
		if (err == LS_OK)
			*(uint32_t *)(void *)field = (uint32_t)u;
		return err;
	case T_U64: return get_uint(L, v, path, kd->umin, kd->umax, (uint64_t *)(void *)field);
	case T_F64: return get_double(L, v, path, kd->fmin, kd->fmax, (double *)(void *)field);
	case T_BOOL: return get_bool(L, v, path, (bool *)(void *)field);
	case T_CLOCK: return get_clock(L, v, path, (uint32_t *)(void *)field);
	case T_DATE: return get_date(L, v, path, &L->date);
	case T_OFFSET: return get_offset(L, v, path, (int *)(void *)field);
	case T_PROFILE: return get_profile(L, v, path, (sim_profile *)(void *)field);
	case T_SOURCE: return get_source(L, v, path, (int *)(void *)field);
	case T_ENUM: return get_enum(L, v, path, kd->names, kd->nnames, (int *)(void *)field);
	case T_PRESET: return LS_OK; /* applied before the section's other keys */
	case T_START_DAY: return get_start_day(L, v, path, (uint32_t *)(void *)field);
	}
	assert(!"unknown key type");
	return LS_ERR_STATE;
}

static ls_err walk_section(loader *L, const node *map, const section *sec, const char *path)
{
	const char *names[SECTION_KEYS_MAX];
	const node *seen[SECTION_KEYS_MAX] = { 0 };
	uint32_t reserved = 0;
	ls_err err = LS_OK;

	assert(sec->n <= SECTION_KEYS_MAX);
	for (size_t i = 0; i < sec->n; i++) {
		names[i] = sec->keys[i].name;
		if (sec->keys[i].type == T_RESERVED)
			reserved |= UINT32_C(1) << i;
	}
	/* libyaml gives every key a value (an empty scalar if none is written). */
	for (const node *k = map->first; k && k->next; k = k->next->next) {
		const node *v = k->next;
		char kpath[PATH_MAX_LEN];
		key_path(kpath, sizeof kpath, path, k);
		int i = find_key(L, k, path, kpath, names, sec->n, reserved, seen, &err);
		if (i < 0)
			return err;
		err = set_value(L, &sec->keys[i], k, v, kpath);
		if (err != LS_OK)
			return err;
	}
	return LS_OK;
}

static ls_err walk_root(loader *L, const node *root)
{
	char buf[80];
	if (root == NULL || is_null(root))
		return LS_OK; /* an empty document: all defaults */
	if (root->kind != NODE_MAP)
		return fail_node(L, LS_ERR_PARSE, root,
		                 "the top level of a scenario must be a mapping of keys, got %s",
		                 describe(root, buf, sizeof buf));
	return walk_section(L, root, &top_section, "");
}

/* The knobs that only make sense together, checked once every key is read. */
static ls_err check_campaign(loader *L)
{
	const sim_scenario *s = L->s;
	const sim_campaign_cfg *c = &s->campaign;
	const node *at = L->campaign;
	if (at == NULL || !c->enabled)
		return LS_OK;
	const char *why = NULL;
	if (c->password && c->tool != SIM_TOOL_ZIP && c->tool != SIM_TOOL_7Z)
		why = "staging.password needs staging.tool zip or 7z";
	else if (c->split_mb && c->tool != SIM_TOOL_ZIP && c->tool != SIM_TOOL_7Z)
		why = "staging.split_mb needs staging.tool zip or 7z";
	else if (c->renamed && c->tool == SIM_TOOL_NONE)
		why = "staging.renamed needs a staging.tool";
	else if (c->stage_where == SIM_WHERE_SERVER && c->via != SIM_VIA_JUMP)
		why = "staging.where server needs access.via jump";
	else if (c->method == SIM_COLLECT_PG_DUMP && c->format == SIM_XFMT_CSV)
		why = "collection.method pg_dump writes SQL: collection.format copy or insert";
	else if (c->rows > s->register_rows)
		why = "collection.rows is larger than register.rows";
	if (why)
		return fail_node(L, LS_ERR_RANGE, at, "campaign: %s", why);
	if (c->start_day != SIM_START_DAY_AUTO && c->start_day >= s->days)
		return fail_node(
		        L, LS_ERR_RANGE, L->start_day ? L->start_day : at,
		        "campaign.start_day: %u is past the last day of the period (days: %u)",
		        c->start_day, s->days);
	return LS_OK;
}

/* ----------------------------------------------------------------- loading */

ls_err sim_scenario_load_mem(sim_scenario *s, const char *text, size_t len, const char *file,
                             const char *name, ls_diag *d)
{
	sim_scenario tmp;
	loader L = { .file = file, .d = d, .s = &tmp, .date = default_date() };
	ls_yaml y;
	ls_err err;

	memset(&y, 0, sizeof y);
	sim_scenario_defaults(&tmp);
	if (name && *name)
		set_string(&tmp.name, ls_sv_from_cstr(name));
	if (len > SIM_SCENARIO_TEXT_MAX) {
		err = ls_diag_set(d, LS_ERR_TOOLONG, file, 0, 0,
		                  "a scenario may be at most %u bytes, this one is %zu",
		                  SIM_SCENARIO_TEXT_MAX, len);
		goto done;
	}
	static const ls_yaml_limits lim = { .max_docs = 1,
		                            .max_nodes = SIM_SCENARIO_NODES_MAX,
		                            .one_doc_reason =
		                                    "a scenario is exactly one document" };
	err = ls_yaml_parse(&y, text, len, &lim, file, d);
	if (err == LS_OK)
		err = walk_root(&L, y.ndocs ? y.docs[0].root : NULL);
	if (err == LS_OK)
		err = check_campaign(&L);
	if (err == LS_OK)
		tmp.start = L.date - (ls_time)tmp.utc_offset_min * LS_USEC_PER_MIN;
done:
	ls_yaml_fini(&y);
	if (err != LS_OK) {
		sim_scenario_fini(&tmp);
		memset(s, 0, sizeof *s);
		return err;
	}
	*s = tmp;
	return LS_OK;
}

ls_err sim_scenario_apply_mem(sim_scenario *s, const char *text, size_t len, const char *file,
                              ls_diag *d)
{
	loader L = { .file = file,
		     .d = d,
		     .s = s,
		     .date = s->start + (ls_time)s->utc_offset_min * LS_USEC_PER_MIN };
	if (len > SIM_SCENARIO_TEXT_MAX)
		return ls_diag_set(d, LS_ERR_TOOLONG, file, 0, 0,
		                   "a scenario may be at most %u bytes, this one is %zu",
		                   SIM_SCENARIO_TEXT_MAX, len);
	static const ls_yaml_limits lim = { .max_docs = 1,
		                            .max_nodes = SIM_SCENARIO_NODES_MAX,
		                            .one_doc_reason = "an override is exactly one document" };
	ls_yaml y;
	memset(&y, 0, sizeof y);
	ls_err err = ls_yaml_parse(&y, text, len, &lim, file, d);
	const node *root = err == LS_OK && y.ndocs ? y.docs[0].root : NULL;
	if (err == LS_OK)
		err = walk_root(&L, root);
	if (err == LS_OK) {
		/* The knobs that go together are checked against the whole result. */
		if (L.campaign == NULL)
			L.campaign = root;
		err = check_campaign(&L);
	}
	if (err == LS_OK)
		s->start = L.date - (ls_time)s->utc_offset_min * LS_USEC_PER_MIN;
	ls_yaml_fini(&y);
	return err;
}

ls_err sim_scenario_read_file(const char *path, ls_buf *out, ls_diag *d)
{
	char chunk[16384];
	size_t n;
	ls_err err = LS_OK;

	ls_buf_reset(out);
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return ls_diag_set(d, LS_ERR_IO, path, 0, 0, "cannot open: %s", strerror(errno));
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (n > SIM_SCENARIO_TEXT_MAX - out->len) {
			err = ls_diag_set(d, LS_ERR_TOOLONG, path, 0, 0,
			                  "a scenario may be at most %u bytes",
			                  SIM_SCENARIO_TEXT_MAX);
			break;
		}
		ls_buf_append(out, chunk, n);
	}
	if (err == LS_OK && ferror(f))
		err = ls_diag_set(d, LS_ERR_IO, path, 0, 0, "cannot read: %s", strerror(errno));
	fclose(f);
	return err;
}

/* The file name without directories and without a .yaml/.yml suffix. */
static char *file_stem(const char *path)
{
	const char *slash = strrchr(path, '/');
	ls_sv base = ls_sv_from_cstr(slash ? slash + 1 : path);
	if (ls_sv_ends_with(base, LS_SV_LIT(".yaml")))
		base.len -= 5;
	else if (ls_sv_ends_with(base, LS_SV_LIT(".yml")))
		base.len -= 4;
	return ls_xstrndup(base.ptr, base.len);
}

ls_err sim_scenario_load_file(sim_scenario *s, const char *path, ls_diag *d)
{
	ls_buf text = LS_BUF_INIT;
	ls_err err = sim_scenario_read_file(path, &text, d);
	if (err != LS_OK) {
		memset(s, 0, sizeof *s);
	} else {
		char *stem = file_stem(path);
		err = sim_scenario_load_mem(s, text.data, text.len, path, stem, d);
		free(stem);
	}
	ls_buf_fini(&text);
	return err;
}

bool sim_scenario_is_path(const char *name_or_path)
{
	ls_sv s = ls_sv_from_cstr(name_or_path);
	return ls_sv_find_char(s, '/') != SIZE_MAX || ls_sv_ends_with(s, LS_SV_LIT(".yaml")) ||
	       ls_sv_ends_with(s, LS_SV_LIT(".yml"));
}

const sim_builtin_scenario *sim_scenario_builtin(const char *name)
{
	for (size_t i = 0; i < sim_builtin_scenario_count; i++)
		if (strcmp(sim_builtin_scenarios[i].name, name) == 0)
			return &sim_builtin_scenarios[i];
	return NULL;
}

ls_err sim_scenario_resolve(sim_scenario *s, const char *name_or_path, ls_diag *d)
{
	static _Thread_local char file[256];

	if (sim_scenario_is_path(name_or_path))
		return sim_scenario_load_file(s, name_or_path, d);
	const sim_builtin_scenario *b = sim_scenario_builtin(name_or_path);
	if (b == NULL) {
		memset(s, 0, sizeof *s);
		return ls_diag_set(d, LS_ERR_NOTFOUND, name_or_path, 0, 0,
		                   "unknown scenario (see 'leaksim scenarios')");
	}
	snprintf(file, sizeof file, "sim/scenarios/%s.yaml", b->name);
	return sim_scenario_load_mem(s, (const char *)b->yaml, b->len, file, b->name, d);
}

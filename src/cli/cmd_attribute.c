/*
 * cmd_attribute.c - `leaksim attribute --dataset DIR FILE`: which export
 * session produced a leaked file?
 *
 * The command joins the two halves of attribution: the register's side
 * (sim/attrib.h reads the file and checks each logged session's watermark
 * against it) and the engine's statistics (forensics/attribute.h turns the
 * evidence into p-values, a false-attribution bound and a decision). The
 * dataset supplies the register (its seed, from manifest.json, and its row
 * count, the largest export in the log), the watermark key (checked
 * against the register's) and the export-session log.
 *
 * Exit status: 0 attributed, 1 unknown (not enough evidence), 2 a usage
 * error or bad input (an unreadable or malformed file, key or log).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "cli/cli.h"
#include "core/json.h"
#include "core/mem.h"
#include "core/str.h"
#include "forensics/attribute.h"
#include "io/jdoc.h"
#include "sim/attrib.h"
#include "sim/register.h"

#define CMD "attribute"

/* --------------------------------------------------------------- inputs */

static char *path_in(const char *dir, const char *name)
{
	ls_buf b = LS_BUF_INIT;
	ls_buf_printf(&b, "%s/%s", dir, name);
	return ls_buf_steal(&b);
}

/* The register's seed: manifest.json's "seed", else the answer key's. */
static ls_err load_seed(const char *dir, uint64_t *seed, char **from, ls_diag *d)
{
	static const char *const files[] = { "manifest.json", "truth/answer-key.json" };
	ls_err e = LS_ERR_NOTFOUND;
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		char *path = path_in(dir, files[i]);
		ls_jdoc doc;
		e = ls_jdoc_load(&doc, path, NULL, d);
		if (e == LS_OK) {
			const ls_jnode *n = ls_jnode_get(doc.root, "seed");
			if (n == NULL || n->kind != LS_JNUMBER || ls_jnode_u64(n, seed) != LS_OK)
				e = ls_jnode_fail(d, LS_ERR_PARSE, path, n ? n : doc.root,
				                  "expected \"seed\": the dataset's seed, a whole number");
		}
		ls_jdoc_fini(&doc);
		if (e == LS_OK) {
			*from = path;
			return LS_OK;
		}
		free(path);
		if (e != LS_ERR_NOTFOUND)
			return e;
	}
	return ls_diag_set(d, e, dir, 0, 0,
	                   "neither manifest.json nor truth/answer-key.json gives the seed");
}

static ls_err read_all(const char *path, ls_buf *b, ls_diag *d)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return ls_diag_set(d, errno == ENOENT ? LS_ERR_NOTFOUND : LS_ERR_IO, path, 0, 0,
		                   "cannot open: %s", strerror(errno));
	struct stat st;
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		return ls_diag_set(d, LS_ERR_IO, path, 0, 0, "is a directory");
	}
	if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
		ls_buf_reserve(b, (size_t)st.st_size);
	char chunk[1 << 16];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		ls_buf_append(b, chunk, n);
	ls_err e = ferror(f) ? ls_diag_set(d, LS_ERR_IO, path, 0, 0, "cannot read: %s",
	                                   strerror(errno))
	                     : LS_OK;
	fclose(f);
	return e;
}

/* -------------------------------------------------------------- numbers */

/* A probability given by its ln, as text: "1", "0.23", "4.1e-61", "0". */
static const char *prob_text(char *out, size_t cap, double ln_p)
{
	if (ln_p == -INFINITY) {
		snprintf(out, cap, "0");
		return out;
	}
	double l10 = ln_p / log(10.0);
	if (l10 >= -4) {
		snprintf(out, cap, "%.2g", pow(10.0, l10));
		return out;
	}
	double ex = floor(l10), m = pow(10.0, l10 - ex);
	if (m >= 9.95) {
		m /= 10;
		ex += 1;
	}
	snprintf(out, cap, "%.1fe%.0f", m, ex);
	return out;
}

#define PROB(lp) prob_text((char[40]){ 0 }, 40, (lp))

/* 1 - p, with as many nines as it takes. */
static const char *confidence_text(char *out, size_t cap, double ln_p)
{
	if (ln_p > log(1e-4)) {
		snprintf(out, cap, "%.4f", 1 - exp(ln_p));
		return out;
	}
	snprintf(out, cap, "1 - %s", prob_text((char[40]){ 0 }, 40, ln_p));
	return out;
}

static void json_prob(ls_jw *w, double ln_p)
{
	char t[48];
	if (ln_p == -INFINITY)
		snprintf(t, sizeof t, "0");
	else if (ln_p / log(10.0) > -300)
		snprintf(t, sizeof t, "%.6g", exp(ln_p));
	else
		snprintf(t, sizeof t, "0");
	ls_jw_raw(w, ls_sv_from_cstr(t));
}

static void json_log10(ls_jw *w, double ln_p)
{
	if (ln_p == -INFINITY) {
		ls_jw_null(w);
		return;
	}
	char t[48];
	snprintf(t, sizeof t, "%.4f", ln_p / log(10.0));
	ls_jw_raw(w, ls_sv_from_cstr(t));
}

/* -------------------------------------------------------------- output */

typedef struct result {
	const char *file;
	const sim_leak_info *info;
	const ls_attr_sessions *sessions;
	const sim_leak_evidence *ev;
	const double *log_p;
	ls_attr_decision dec;
	ls_attr_dims dims;
	const char *seed_from;
	uint64_t rows;
} result;

static unsigned shown_count(const result *r)
{
	unsigned n = 0;
	for (unsigned d = 0; d < SIM_DIM__COUNT; d++)
		n += r->info->log_pi[d] < 0;
	return n;
}

static unsigned agreed_count(const result *r, size_t s)
{
	unsigned n = 0;
	for (unsigned d = 0; d < SIM_DIM__COUNT; d++)
		n += r->info->log_pi[d] < 0 && (r->ev[s].dims_matched & (1u << d));
	return n;
}

static void text_evidence(const result *r, size_t s)
{
	const sim_leak_evidence *ev = &r->ev[s];
	ls_attr_evidence ae = { ev->canaries, ev->matched, r->info->chance, ev->dims_matched };
	printf("  evidence    %llu of its %llu canary rows (%.3g expected by chance); agrees on "
	       "%u of %u choices\n",
	       (unsigned long long)ev->matched, (unsigned long long)ev->canaries,
	       (double)ev->canaries * r->info->chance, agreed_count(r, s), shown_count(r));
	printf("  p-value     %s (canaries alone %s)\n", PROB(r->log_p[s]),
	       PROB(ls_attr_log_canary_tail(&ae)));
}

static void print_text(const result *r)
{
	const sim_leak_info *in = r->info;
	const ls_attr_decision *dec = &r->dec;
	printf("file          %s\n", r->file);
	printf("  read        %s, %llu rows (%llu distinct, %llu duplicates dropped",
	       in->format, (unsigned long long)in->records, (unsigned long long)in->distinct,
	       (unsigned long long)in->duplicates);
	if (in->malformed)
		printf(", %llu malformed skipped", (unsigned long long)in->malformed);
	if (in->other)
		printf(", %llu of other tables", (unsigned long long)in->other);
	if (in->cut)
		printf(", %llu cut off at an edge", (unsigned long long)in->cut);
	printf(")\n  columns    ");
	for (unsigned k = 0; k < SIM_REGISTER_COLUMNS; k++)
		if (in->columns & (1u << k))
			printf(" %s", sim_register_column_name(k));
	printf("%s\n", in->header ? "" : " (recognised by their values)");
	if (in->columns & SIM_COL_MEMBER_ID)
		printf("  rows        %llu of the register, %llu of the canary space, %llu neither\n",
		       (unsigned long long)in->register_rows, (unsigned long long)in->canary_rows,
		       (unsigned long long)in->noise);
	printf("  choices    ");
	unsigned shown = 0;
	for (unsigned d = 0; d < SIM_DIM__COUNT; d++) {
		if (!(in->log_pi[d] < 0))
			continue;
		printf("%s %s: %s (chance %s)", shown++ ? "," : "",
		       sim_leak_dim_name((sim_leak_dim)d), in->shown[d], PROB(in->log_pi[d]));
	}
	printf("%s\n", shown ? "" : " none shown");
	printf("register      seed from %s, %llu rows; %zu export sessions in the log\n",
	       r->seed_from, (unsigned long long)r->rows, r->sessions->n);
	printf("threshold     a false-attribution bound of at most %g\n", dec->threshold);
	if (dec->best == SIZE_MAX) {
		printf("verdict       unknown: the log lists no export session\n");
		return;
	}
	const ls_attr_session *s = &r->sessions->v[dec->best];
	if (dec->attributed)
		printf("verdict       attributed\n");
	else
		printf("verdict       unknown: the strongest session's bound %s is above the "
		       "threshold\n",
		       PROB(dec->log_bound));
	printf("%s %s\n", dec->attributed ? "session      " : "best session ", s->id);
	printf("  account     %s\n  host        %s\n  time        %s\n", s->account, s->host,
	       s->time);
	printf("  export      %llu rows, %s%s%s\n", (unsigned long long)s->rows, s->format,
	       s->kind ? ", " : "", s->kind ? s->kind : "");
	text_evidence(r, dec->best);
	printf("  bound       %s: the chance that any of the %zu sessions, had it not made the "
	       "file, shows this much evidence\n",
	       PROB(dec->log_bound), dec->n);
	printf("  confidence  %s\n", confidence_text((char[64]){ 0 }, 64, dec->log_bound));
	const sim_leak_evidence *ev = &r->ev[dec->best];
	for (size_t i = 0; i < ev->nshow; i++)
		printf("  canary      #%llu %s on line %lu\n", (unsigned long long)ev->show_j[i],
		       ev->show_id[i], ev->show_line[i]);
	for (size_t i = 0; i < r->sessions->n; i++) {
		if (i == dec->best || ls_attr_log_bound(r->log_p[i], dec->n) > log(dec->threshold))
			continue;
		printf("also          %s (%s on %s, %s): bound %s\n", r->sessions->v[i].id,
		       r->sessions->v[i].account, r->sessions->v[i].host, r->sessions->v[i].time,
		       PROB(ls_attr_log_bound(r->log_p[i], dec->n)));
	}
	if (dec->second != SIZE_MAX)
		printf("runner-up     %s: bound %s\n", r->sessions->v[dec->second].id,
		       PROB(dec->log_bound_second));
}

static void json_session(ls_jw *w, const result *r, size_t i)
{
	const ls_attr_session *s = &r->sessions->v[i];
	const sim_leak_evidence *ev = &r->ev[i];
	ls_jw_object_begin(w);
	LS_JW_KEY(w, "session");
	ls_jw_str_cstr(w, s->id);
	LS_JW_KEY(w, "account");
	ls_jw_str_cstr(w, s->account);
	LS_JW_KEY(w, "host");
	ls_jw_str_cstr(w, s->host);
	LS_JW_KEY(w, "time");
	ls_jw_str_cstr(w, s->time);
	LS_JW_KEY(w, "rows");
	ls_jw_u64(w, s->rows);
	LS_JW_KEY(w, "format");
	ls_jw_str_cstr(w, s->format);
	LS_JW_KEY(w, "kind");
	if (s->kind)
		ls_jw_str_cstr(w, s->kind);
	else
		ls_jw_null(w);
	LS_JW_KEY(w, "canaries");
	ls_jw_u64(w, ev->canaries);
	LS_JW_KEY(w, "canaries_found");
	ls_jw_u64(w, ev->matched);
	LS_JW_KEY(w, "choices_agreed");
	ls_jw_array_begin(w);
	for (unsigned d = 0; d < SIM_DIM__COUNT; d++)
		if (r->info->log_pi[d] < 0 && (ev->dims_matched & (1u << d)))
			ls_jw_str_cstr(w, sim_leak_dim_name((sim_leak_dim)d));
	ls_jw_array_end(w);
	LS_JW_KEY(w, "p_value");
	json_prob(w, r->log_p[i]);
	LS_JW_KEY(w, "log10_p_value");
	json_log10(w, r->log_p[i]);
	double lb = ls_attr_log_bound(r->log_p[i], r->dec.n);
	LS_JW_KEY(w, "bound");
	json_prob(w, lb);
	LS_JW_KEY(w, "log10_bound");
	json_log10(w, lb);
	LS_JW_KEY(w, "canaries_shown");
	ls_jw_array_begin(w);
	for (size_t k = 0; k < ev->nshow; k++) {
		ls_jw_object_begin(w);
		LS_JW_KEY(w, "rank");
		ls_jw_u64(w, ev->show_j[k]);
		LS_JW_KEY(w, "member_id");
		ls_jw_str_cstr(w, ev->show_id[k]);
		LS_JW_KEY(w, "line");
		ls_jw_u64(w, ev->show_line[k]);
		ls_jw_object_end(w);
	}
	ls_jw_array_end(w);
	ls_jw_object_end(w);
}

static void print_json(const result *r)
{
	const sim_leak_info *in = r->info;
	const ls_attr_decision *dec = &r->dec;
	ls_buf out = LS_BUF_INIT;
	ls_jw w;
	ls_jw_init(&w, &out);
	ls_jw_object_begin(&w);
	LS_JW_KEY(&w, "file");
	ls_jw_str_cstr(&w, r->file);
	LS_JW_KEY(&w, "verdict");
	ls_jw_str_cstr(&w, dec->attributed ? "attributed" : "unknown");
	LS_JW_KEY(&w, "threshold");
	char t[32];
	snprintf(t, sizeof t, "%g", dec->threshold);
	ls_jw_raw(&w, ls_sv_from_cstr(t));
	LS_JW_KEY(&w, "sessions");
	ls_jw_u64(&w, dec->n);
	LS_JW_KEY(&w, "attribution");
	if (dec->attributed)
		json_session(&w, r, dec->best);
	else
		ls_jw_null(&w);
	LS_JW_KEY(&w, "confidence");
	if (dec->attributed) {
		snprintf(t, sizeof t, "%.6g", -expm1(dec->log_bound));
		ls_jw_raw(&w, ls_sv_from_cstr(t));
	} else {
		ls_jw_null(&w);
	}
	LS_JW_KEY(&w, "best");
	if (dec->best != SIZE_MAX)
		json_session(&w, r, dec->best);
	else
		ls_jw_null(&w);
	LS_JW_KEY(&w, "runner_up");
	if (dec->second != SIZE_MAX)
		json_session(&w, r, dec->second);
	else
		ls_jw_null(&w);
	LS_JW_KEY(&w, "also");
	ls_jw_array_begin(&w);
	for (size_t i = 0; i < r->sessions->n; i++)
		if (i != dec->best && dec->attributed &&
		    ls_attr_log_bound(r->log_p[i], dec->n) <= log(dec->threshold))
			ls_jw_str_cstr(&w, r->sessions->v[i].id);
	ls_jw_array_end(&w);
	LS_JW_KEY(&w, "read");
	ls_jw_object_begin(&w);
	LS_JW_KEY(&w, "format");
	ls_jw_str_cstr(&w, in->format);
	LS_JW_KEY(&w, "columns");
	ls_jw_array_begin(&w);
	for (unsigned k = 0; k < SIM_REGISTER_COLUMNS; k++)
		if (in->columns & (1u << k))
			ls_jw_str_cstr(&w, sim_register_column_name(k));
	ls_jw_array_end(&w);
	LS_JW_KEY(&w, "header");
	ls_jw_bool(&w, in->header);
	LS_JW_KEY(&w, "records");
	ls_jw_u64(&w, in->records);
	LS_JW_KEY(&w, "distinct");
	ls_jw_u64(&w, in->distinct);
	LS_JW_KEY(&w, "duplicates");
	ls_jw_u64(&w, in->duplicates);
	LS_JW_KEY(&w, "malformed");
	ls_jw_u64(&w, in->malformed);
	LS_JW_KEY(&w, "other_tables");
	ls_jw_u64(&w, in->other);
	LS_JW_KEY(&w, "cut");
	ls_jw_u64(&w, in->cut);
	if (in->columns & SIM_COL_MEMBER_ID) {
		LS_JW_KEY(&w, "register_rows");
		ls_jw_u64(&w, in->register_rows);
		LS_JW_KEY(&w, "canary_rows");
		ls_jw_u64(&w, in->canary_rows);
		LS_JW_KEY(&w, "noise");
		ls_jw_u64(&w, in->noise);
	}
	LS_JW_KEY(&w, "chance_per_canary");
	snprintf(t, sizeof t, "%.6g", in->chance);
	ls_jw_raw(&w, ls_sv_from_cstr(t));
	LS_JW_KEY(&w, "choices");
	ls_jw_array_begin(&w);
	for (unsigned d = 0; d < SIM_DIM__COUNT; d++) {
		if (!(in->log_pi[d] < 0))
			continue;
		ls_jw_object_begin(&w);
		LS_JW_KEY(&w, "choice");
		ls_jw_str_cstr(&w, sim_leak_dim_name((sim_leak_dim)d));
		LS_JW_KEY(&w, "shown");
		ls_jw_str_cstr(&w, in->shown[d]);
		LS_JW_KEY(&w, "chance");
		json_prob(&w, in->log_pi[d]);
		LS_JW_KEY(&w, "log10_chance");
		json_log10(&w, in->log_pi[d]);
		ls_jw_object_end(&w);
	}
	ls_jw_array_end(&w);
	ls_jw_object_end(&w);
	ls_jw_object_end(&w);
	ls_buf_append_char(&out, '\n');
	fwrite(out.data, 1, out.len, stdout);
	ls_buf_fini(&out);
}

/* ---------------------------------------------------------------- command */

int ls_cmd_attribute(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dataset", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "threshold", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	const char *dataset = NULL;
	bool json = false;
	double threshold = LS_ATTR_THRESHOLD;
	int c;
	ls_cli_getopt_reset();
	while ((c = ls_cli_getopt(argc, argv, "d:jt:h", opts)) != -1) {
		switch (c) {
		case 'd': dataset = optarg; break;
		case 'j': json = true; break;
		case 't': {
			char *end;
			errno = 0;
			threshold = strtod(optarg, &end);
			if (errno != 0 || end == optarg || *end != '\0' || !(threshold > 0) ||
			    !(threshold < 1)) {
				ls_cli_error(CMD, "--threshold must be a probability between 0 and 1, "
				                  "not '%s'",
				             optarg);
				return LS_EXIT_USAGE;
			}
			break;
		}
		case 'h': ls_cli_print_usage(ls_cli_find(CMD)); return LS_EXIT_OK;
		default: return LS_EXIT_USAGE;
		}
	}
	if (dataset == NULL || argc - optind != 1) {
		ls_cli_error(CMD, dataset == NULL ? "--dataset DIR is required"
		                                  : "expected exactly one leaked FILE");
		fprintf(stderr, "Try 'leaksim %s --help'.\n", CMD);
		return LS_EXIT_USAGE;
	}
	const char *file = argv[optind];
	struct stat st;
	if (stat(dataset, &st) != 0 || !S_ISDIR(st.st_mode)) {
		ls_cli_error(CMD, "%s: not a dataset directory", dataset);
		return LS_EXIT_USAGE;
	}
	if (sodium_init() < 0) {
		ls_cli_error(CMD, "libsodium cannot start");
		return LS_EXIT_USAGE;
	}

	int status = LS_EXIT_USAGE;
	ls_diag d;
	ls_diag_clear(&d);
	unsigned char key[LS_ATTR_KEYBYTES];
	ls_attr_sessions sessions;
	sim_register *reg = ls_xcalloc(1, sizeof *reg);
	sim_leak *leak = NULL;
	sim_leak_evidence *ev = NULL;
	double *log_p = NULL;
	char *seed_from = NULL;
	ls_buf text = LS_BUF_INIT;
	char *key_path = path_in(dataset, "truth/watermark.key");
	char *log_path = path_in(dataset, "truth/export-sessions.jsonl");
	uint64_t seed = 0;
	ls_err e = ls_attr_key_load(key, key_path, &d);
	ls_err e2 = e == LS_OK ? ls_attr_sessions_load(&sessions, log_path, &d) : LS_OK;
	if (e != LS_OK)
		memset(&sessions, 0, sizeof sessions);
	if (e == LS_OK)
		e = e2;
	if (e == LS_OK)
		e = load_seed(dataset, &seed, &seed_from, &d);
	uint64_t rows = sessions.max_rows ? sessions.max_rows : 1;
	if (rows > SIM_REGISTER_ROWS_MAX)
		rows = SIM_REGISTER_ROWS_MAX;
	if (e == LS_OK)
		e = sim_register_init(reg, seed, rows) == LS_OK
		            ? LS_OK
		            : ls_diag_set(&d, LS_ERR_RANGE, log_path, 0, 0,
		                          "the register cannot have %llu rows",
		                          (unsigned long long)rows);
	if (e == LS_OK && sodium_memcmp(reg->wm_key, key, sizeof key) != 0)
		e = ls_diag_set(&d, LS_ERR_CRYPTO, key_path, 1, 1,
		                "not the watermark key of the register of seed %llu (%s)",
		                (unsigned long long)seed, seed_from);
	if (e == LS_OK)
		e = read_all(file, &text, &d);
	if (e == LS_OK)
		e = sim_leak_read(&leak, reg, text.data ? text.data : "", text.len, file, &d);
	if (e != LS_OK) {
		ls_cli_diag(CMD, &d);
		goto done;
	}

	size_t n = sessions.n;
	ev = ls_xcalloc(n ? n : 1, sizeof *ev);
	log_p = ls_xcalloc(n ? n : 1, sizeof *log_p);
	const sim_leak_info *info = sim_leak_info_of(leak);
	ls_attr_dims dims = { .n = SIM_DIM__COUNT };
	for (unsigned k = 0; k < SIM_DIM__COUNT; k++)
		dims.log_pi[k] = info->log_pi[k];
	for (size_t i = 0; i < n; i++) {
		if (sim_leak_session(leak, sessions.v[i].id, sessions.v[i].rows, &ev[i], &d) !=
		    LS_OK) {
			d.file = log_path;
			d.line = sessions.v[i].line;
			ls_cli_diag(CMD, &d);
			goto done;
		}
		ls_attr_evidence ae = { ev[i].canaries, ev[i].matched, info->chance,
			                ev[i].dims_matched };
		log_p[i] = ls_attr_log_pvalue(&ae, &dims);
	}
	result r = { .file = file,
		     .info = info,
		     .sessions = &sessions,
		     .ev = ev,
		     .log_p = log_p,
		     .dims = dims,
		     .seed_from = seed_from,
		     .rows = rows };
	ls_attr_decide(log_p, n, threshold, &r.dec);
	if (json)
		print_json(&r);
	else
		print_text(&r);
	status = r.dec.attributed ? LS_EXIT_OK : LS_EXIT_FOUND;
done:
	sodium_memzero(key, sizeof key);
	sim_leak_destroy(leak);
	sim_register_fini(reg);
	free(reg);
	free(ev);
	free(log_p);
	free(seed_from);
	free(key_path);
	free(log_path);
	ls_buf_fini(&text);
	ls_attr_sessions_fini(&sessions);
	return status;
}

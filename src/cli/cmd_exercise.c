/*
 * cmd_exercise.c - `leaksim exercise pack|answers|grade|check`: exercise
 * packs for instructors and trainees (docs/exercises.md).
 *
 * pack generates one world per trainee (or takes a given dataset for the
 * first), copies its logs into the trainee's folder without the truth,
 * re-seals them under the pack's own key so trainees can still verify
 * them, cuts staged copies when asked, writes the questions with salted
 * answer hashes, and seals every trainee's answers (signed with the pack
 * key) to the instructor. The whole pack is built under a temporary name
 * and appears only when complete; its root is sealed too, so `leaksim
 * verify PACK` checks every file. The pack's keys, salts and trainee seeds
 * all derive from the base seed (core/rng.h), so the same inputs give the
 * same bytes, except answers.sealed (crypto_box_seal draws an ephemeral
 * key) and the root manifest and signature that hash it.
 *
 * answers and grade open the sealed answer key with the instructor's
 * secret key, check the pack's signature and that the trainee's
 * questions.yaml is the one the answer key was made for; check needs only
 * questions.yaml.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/atomic.h"
#include "core/json.h"
#include "core/rng.h"
#include "core/str.h"
#include "core/time.h"
#include "forensics/exercise.h"
#include "forensics/integrity.h"
#include "forensics/keys.h"
#include "io/jdoc.h"
#include "io/manifest.h"
#include "sim/gen.h"

/* Seeds below this are few enough to try one by one: pack warns about them. */
#define SMALL_SEED (UINT64_C(1) << 32)

/* ---------------------------------------------------------------- helpers */

static int parse_uint(const char *cmd, const char *opt, const char *arg, uint64_t lo,
                      uint64_t hi, uint64_t *out)
{
	uint64_t v;
	if (ls_sv_to_u64(ls_sv_from_cstr(arg), &v) != LS_OK || v < lo || v > hi) {
		ls_cli_error(cmd, "%s: expected a whole number from %llu to %llu, got '%s'", opt,
		             (unsigned long long)lo, (unsigned long long)hi, arg);
		return -1;
	}
	*out = v;
	return 0;
}

static char *join(const char *a, const char *b)
{
	ls_buf p = LS_BUF_INIT;
	ls_buf_printf(&p, "%s/%s", a, b);
	return ls_buf_steal(&p);
}

static bool is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static ls_err make_dir(const char *path, ls_diag *d)
{
	if (mkdir(path, 0777) != 0)
		return ls_diag_set(d, LS_ERR_IO, path, 0, 0, "cannot create directory: %s",
		                   strerror(errno));
	return LS_OK;
}

static ls_err read_all(const char *path, size_t max, ls_buf *out, ls_diag *d)
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

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The regular files of dir, sorted; *n gets their number. NULL on error. */
static char **list_files(const char *dir, size_t *n, ls_diag *d)
{
	DIR *dp = opendir(dir);
	*n = 0;
	if (dp == NULL) {
		ls_diag_set(d, LS_ERR_IO, dir, 0, 0, "cannot list: %s", strerror(errno));
		return NULL;
	}
	char **names = ls_xcalloc(1, sizeof *names);
	struct dirent *de;
	while ((de = readdir(dp)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		char *full = join(dir, de->d_name);
		bool reg = is_file(full);
		free(full);
		if (!reg)
			continue;
		names = ls_xreallocarray(names, *n + 1, sizeof *names);
		names[(*n)++] = ls_xstrdup(de->d_name);
	}
	closedir(dp);
	qsort(names, *n, sizeof *names, cmp_str);
	return names;
}

static void free_list(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* Every file under root/rel (recursively), added to m with no record count. */
static ls_err add_tree(ls_manifest *m, const char *root, const char *rel, ls_diag *d)
{
	char *dir = rel[0] ? join(root, rel) : ls_xstrdup(root);
	DIR *dp = opendir(dir);
	if (dp == NULL) {
		ls_err e = ls_diag_set(d, LS_ERR_IO, dir, 0, 0, "cannot list: %s", strerror(errno));
		free(dir);
		return e;
	}
	char **names = NULL;
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(dp)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		names = ls_xreallocarray(names, n + 1, sizeof *names);
		names[n++] = ls_xstrdup(de->d_name);
	}
	closedir(dp);
	if (n)
		qsort(names, n, sizeof *names, cmp_str);
	ls_err e = LS_OK;
	for (size_t i = 0; i < n && e == LS_OK; i++) {
		char *r = rel[0] ? join(rel, names[i]) : ls_xstrdup(names[i]);
		char *full = join(root, r);
		struct stat st;
		if (lstat(full, &st) != 0)
			e = ls_diag_set(d, LS_ERR_IO, full, 0, 0, "cannot stat: %s", strerror(errno));
		else if (S_ISDIR(st.st_mode))
			e = add_tree(m, root, r, d);
		else
			e = ls_manifest_add_file(m, root, r, 0, d);
		free(full);
		free(r);
	}
	free_list(names, n);
	free(dir);
	return e;
}

/* ------------------------------------------------------------ pack: keys */

/* 32 bytes of the stream (base seed, entity, purpose). */
static void derive(uint64_t seed, uint64_t entity, const char *purpose, unsigned char out[32])
{
	ls_rng r;
	ls_rng_init(&r, seed, entity, purpose);
	ls_rng_bytes(&r, out, 32);
	ls_rng_fini(&r);
}

/* Trainee i's seed (1-based): the base seed for trainee 1, then derived ones. */
static void trainee_seeds(uint64_t base, uint64_t *seeds, unsigned n)
{
	seeds[0] = base;
	ls_rng r;
	ls_rng_init(&r, base, 0, "exercise/trainee-seeds");
	for (unsigned i = 1; i < n; i++) {
		bool dup;
		do {
			seeds[i] = ls_rng_u64(&r);
			dup = false;
			for (unsigned j = 0; j < i; j++)
				dup = dup || seeds[j] == seeds[i];
		} while (dup);
	}
	ls_rng_fini(&r);
}

/* ---------------------------------------------------------- pack: state */

typedef struct source_meta {
	char *scenario;  /* the dataset's scenario name */
	char **mkeys;    /* the manifest's other top-level members: their keys */
	char **mvals;    /* their values (JSON text) */
	size_t nmeta;
} source_meta;

static void source_meta_fini(source_meta *s)
{
	free(s->scenario);
	for (size_t i = 0; i < s->nmeta; i++) {
		free(s->mkeys[i]);
		free(s->mvals[i]);
	}
	free(s->mkeys);
	free(s->mvals);
	memset(s, 0, sizeof *s);
}

/*
 * Read a dataset's manifest: its scenario and seed, and every other
 * top-level member but the ones that describe files and integrity.
 */
static ls_err read_source_manifest(const char *dir, source_meta *s, uint64_t *seed, ls_diag *d)
{
	char *path = join(dir, "manifest.json");
	ls_jdoc doc;
	ls_err e = ls_jdoc_load(&doc, path, NULL, d);
	free(path);
	if (e != LS_OK)
		goto out;
	const ls_jnode *sc = ls_jnode_get(doc.root, "scenario"), *sd = ls_jnode_get(doc.root, "seed");
	if (sc == NULL || sc->kind != LS_JSTRING || sd == NULL || ls_jnode_u64(sd, seed) != LS_OK) {
		e = ls_jnode_fail(d, LS_ERR_PARSE, "manifest.json", doc.root,
		                  "expected \"scenario\" (a string) and \"seed\" (a whole number)");
		goto out;
	}
	free(s->scenario);
	s->scenario = ls_xstrdup(sc->text);
	for (size_t i = 0; i < doc.root->len; i++) {
		const ls_jmember *m = &doc.root->members[i];
		static const char *const skip[] = { "leaksim", "scenario", "seed", "integrity",
			                            "files", "exercise" };
		bool keep = true;
		for (size_t k = 0; k < sizeof skip / sizeof *skip; k++)
			keep = keep && strcmp(m->key, skip[k]) != 0;
		if (!keep)
			continue;
		ls_buf v = LS_BUF_INIT;
		ls_jw w;
		ls_jw_init(&w, &v);
		ls_jnode_write(&m->value, &w);
		s->mkeys = ls_xreallocarray(s->mkeys, s->nmeta + 1, sizeof *s->mkeys);
		s->mvals = ls_xreallocarray(s->mvals, s->nmeta + 1, sizeof *s->mvals);
		s->mkeys[s->nmeta] = ls_xstrdup(m->key);
		s->mvals[s->nmeta] = ls_buf_steal(&v);
		s->nmeta++;
	}
out:
	ls_jdoc_fini(&doc);
	return e;
}

/* The member of the source manifest named key, as JSON text, or NULL. */
static const char *source_value(const source_meta *s, const char *key)
{
	for (size_t i = 0; i < s->nmeta; i++)
		if (strcmp(s->mkeys[i], key) == 0)
			return s->mvals[i];
	return NULL;
}

typedef struct packer {
	const char *out;
	ls_adir ad;
	ls_seckey key; /* the pack's signing key */
	char fp[LS_KEYS_FINGERPRINT_HEX + 1];
	ls_pubkey instructor;
	uint64_t base;
	bool stage, quiet;
	unsigned trainees;
	source_meta src;
	ls_expayload payload;
} packer;

/*
 * Write one trainee dataset into dst from the logs of src (records before
 * `before`, or all when before is LS_TIME_MAX), then seal it.
 */
static ls_err write_dataset(packer *pk, const char *src, const char *dst, unsigned trainee,
                            unsigned stage, ls_time before, ls_diag *d)
{
	ls_err e = make_dir(dst, d);
	if (e != LS_OK)
		return e;
	char *slogs = join(src, "logs"), *dlogs = join(dst, "logs");
	size_t n = 0;
	char **names = NULL;
	ls_manifest m;
	ls_manifest_init(&m, pk->src.scenario, 0);
	ls_buf ex = LS_BUF_INIT;
	unsigned char master[LS_INTEGRITY_KEYBYTES];
	if ((e = make_dir(dlogs, d)) != LS_OK)
		goto out;
	names = list_files(slogs, &n, d);
	if (names == NULL) {
		e = LS_ERR_IO;
		goto out;
	}
	for (size_t i = 0; i < pk->src.nmeta; i++)
		ls_manifest_meta_json(&m, pk->src.mkeys[i], pk->src.mvals[i]);
	for (size_t i = 0; i < n && e == LS_OK; i++) {
		char *in = join(slogs, names[i]), *outp = join(dlogs, names[i]);
		char *rel = join("logs", names[i]);
		uint64_t records;
		e = ls_exercise_cut_log(in, outp, before == LS_TIME_MAX ? LS_TIME_MAX : before - 1,
		                        &records, d);
		if (e == LS_OK)
			e = ls_manifest_add_file(&m, dst, rel, records, d);
		free(in);
		free(outp);
		free(rel);
	}
	if (e != LS_OK)
		goto out;
	{
		ls_jw w;
		ls_jw_init(&w, &ex);
		ls_jw_object_begin(&w);
		ls_jw_key_cstr(&w, "pack");
		ls_jw_str_cstr(&w, pk->fp);
		ls_jw_key_cstr(&w, "trainee");
		ls_jw_u64(&w, trainee);
		ls_jw_key_cstr(&w, "stage");
		if (stage)
			ls_jw_u64(&w, stage);
		else
			ls_jw_null(&w);
		ls_jw_key_cstr(&w, "logs_before");
		if (before != LS_TIME_MAX)
			ls_jw_time(&w, before, 0);
		else
			ls_jw_null(&w);
		ls_jw_key_cstr(&w, "seed");
		ls_jw_str_cstr(&w, "withheld");
		ls_jw_object_end(&w);
	}
	ls_manifest_meta_json(&m, "exercise", ex.data);
	{
		char purpose[64];
		snprintf(purpose, sizeof purpose, "exercise/chain/stage-%u", stage);
		derive(pk->base, trainee, purpose, master);
	}
	e = ls_integrity_seal_dataset(dst, &m, &pk->key, master, NULL, d);
	sodium_memzero(master, sizeof master);
out:
	free_list(names, n);
	ls_buf_fini(&ex);
	ls_manifest_fini(&m);
	free(slogs);
	free(dlogs);
	return e;
}

static void no_progress(void *ctx, uint32_t done, uint32_t days, uint64_t records)
{
	(void)ctx;
	(void)done;
	(void)days;
	(void)records;
}

/* One trainee's folder: dataset/, stage-K/, questions.yaml, pack.pub. */
static ls_err pack_trainee(packer *pk, const char *src, unsigned trainee, uint64_t seed,
                           ls_diag *d)
{
	ls_extruth truth;
	ls_err e = ls_exercise_truth_load(src, &truth, d);
	if (e != LS_OK) {
		if (d && d->file && d->file[0] != '/') {
			/* Name the dataset the truth file belongs to. */
			static char where[4096];
			snprintf(where, sizeof where, "%s/%s", src, d->file);
			d->file = where;
		}
		return e;
	}
	char name[32];
	snprintf(name, sizeof name, "trainee-%02u", trainee);
	char *tdir = join(pk->ad.tmp, name);
	char *p = NULL;
	ls_buf text = LS_BUF_INIT;
	ls_exquestions qs;
	memset(&qs, 0, sizeof qs);
	if ((e = make_dir(tdir, d)) != LS_OK)
		goto out;
	p = join(tdir, "dataset");
	if ((e = write_dataset(pk, src, p, trainee, 0, LS_TIME_MAX, d)) != LS_OK)
		goto out;
	if (pk->stage) {
		for (size_t k = 0; k < truth.ncuts && e == LS_OK; k++) {
			char sname[32];
			snprintf(sname, sizeof sname, "stage-%zu", k + 1);
			free(p);
			p = join(tdir, sname);
			e = write_dataset(pk, src, p, trainee, (unsigned)k + 1, truth.cut[k], d);
		}
		if (e != LS_OK)
			goto out;
	}
	/* The questions with their salted hashes. */
	memcpy(qs.pack, pk->fp, sizeof qs.pack);
	qs.trainee = trainee;
	qs.stages = pk->stage ? (unsigned)truth.ncuts : 0;
	qs.opslimit = LS_EXERCISE_OPSLIMIT;
	qs.memlimit = LS_EXERCISE_MEMLIMIT;
	qs.n = truth.n;
	ls_rng salts;
	ls_rng_init(&salts, pk->base, trainee, "exercise/salts");
	for (size_t i = 0; i < truth.n && e == LS_OK; i++) {
		ls_exquestion *q = &qs.q[i];
		q->number = (unsigned)i + 1;
		q->topic = truth.topic[i];
		q->stage = pk->stage ? truth.stage[i] : 0;
		ls_rng_bytes(&salts, q->salt, sizeof q->salt);
		ls_buf c = LS_BUF_INIT;
		if (ls_exercise_canon(q->topic->kind, ls_sv_from_cstr(truth.answer[i]), &c, NULL,
		                      NULL) != LS_OK) {
			e = ls_diag_set(d, LS_ERR_PARSE, src, 0, 0,
			                "the answer key's answer to question %zu is not a %s", i + 1,
			                ls_exkind_name(q->topic->kind));
		} else if (ls_exercise_hash(qs.opslimit, qs.memlimit, q->salt, q->topic->kind,
		                            ls_buf_sv(&c), q->hash) != LS_OK) {
			e = ls_diag_set(d, LS_ERR_CRYPTO, src, 0, 0, "crypto_pwhash failed (memory?)");
		}
		if (c.data)
			sodium_memzero(c.data, c.len);
		ls_buf_fini(&c);
	}
	ls_rng_fini(&salts);
	if (e != LS_OK)
		goto out;
	ls_exercise_questions_render(&qs, &text);
	free(p);
	p = join(tdir, "questions.yaml");
	if ((e = ls_write_file_atomic(p, text.data, text.len, false, d)) != LS_OK)
		goto out;
	ls_extrainee *t = &pk->payload.t[trainee - 1];
	t->trainee = trainee;
	t->seed = seed;
	crypto_generichash(t->questions_hash, sizeof t->questions_hash,
	                   (const unsigned char *)text.data, text.len, NULL, 0);
	for (size_t i = 0; i < truth.n; i++) {
		t->topic[i] = ls_xstrdup(truth.topic[i]->topic);
		t->answer[i] = ls_xstrdup(truth.answer[i]);
	}
	t->n = truth.n;
	ls_buf_reset(&text);
	ls_keys_render_public(&pk->key.pub, &text);
	free(p);
	p = join(tdir, "pack.pub");
	e = ls_write_file_atomic(p, text.data, text.len, false, d);
out:
	ls_exercise_truth_fini(&truth);
	ls_buf_fini(&text);
	free(p);
	free(tdir);
	return e;
}

static void write_pack_json(const packer *pk, ls_buf *out)
{
	ls_expack p;
	memset(&p, 0, sizeof p);
	memcpy(p.pack, pk->fp, sizeof p.pack);
	memcpy(p.signer, pk->key.pub.sign, sizeof p.signer);
	ls_keys_fingerprint(&pk->instructor, p.instructor_fp);
	memcpy(p.instructor, pk->instructor.box, sizeof p.instructor);
	snprintf(p.scenario, sizeof p.scenario, "%s", pk->src.scenario);
	p.trainees = pk->trainees;
	p.stages = pk->stage;
	ls_exercise_pack_render(&p, out);
}

/* Apply a dataset manifest's people, days, start and profile to a scenario. */
static int apply_manifest(const source_meta *s, sim_scenario *sc)
{
	const char *v;
	uint64_t u;
	if ((v = source_value(s, "people")) && ls_sv_to_u64(ls_sv_from_cstr(v), &u) == LS_OK &&
	    u >= 1 && u <= SIM_PEOPLE_MAX)
		sc->people = (uint32_t)u;
	if ((v = source_value(s, "days")) && ls_sv_to_u64(ls_sv_from_cstr(v), &u) == LS_OK &&
	    u >= 1 && u <= SIM_DAYS_MAX)
		sc->days = (uint32_t)u;
	if ((v = source_value(s, "start")) && strlen(v) > 2) {
		ls_time t;
		if (ls_time_parse_rfc3339(ls_sv_make(v + 1, strlen(v) - 2), &t, NULL) == LS_OK)
			sc->start = t;
	}
	if ((v = source_value(s, "profile")) && strlen(v) > 2 &&
	    sim_profile_parse(ls_sv_make(v + 1, strlen(v) - 2), &sc->profile) != LS_OK)
		return -1;
	return 0;
}

static void verify_problem(void *ctx, const ls_integrity_problem *p)
{
	const char *dir = ctx;
	char line[32] = "";
	if (p->line)
		snprintf(line, sizeof line, ":%llu", (unsigned long long)p->line);
	ls_cli_error("exercise pack", "%s/%s%s: %s%s%s", dir, p->file, line,
	             ls_integrity_kind_name(p->kind), p->detail ? ": " : "",
	             p->detail ? p->detail : "");
}

static int cmd_pack(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dataset", required_argument, NULL, 'D' },
		{ "scenario", required_argument, NULL, 's' },
		{ "seed", required_argument, NULL, 'S' },
		{ "trainees", required_argument, NULL, 'n' },
		{ "stage", no_argument, NULL, 'g' },
		{ "instructor-pubkey", required_argument, NULL, 'I' },
		{ "out", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	const char *cmd = argv[0];
	const char *dataset = NULL, *scenario = NULL, *ipub = NULL;
	bool have_seed = false, force = false;
	uint64_t seed = 0, trainees = 1;
	packer pk;
	memset(&pk, 0, sizeof pk);
	int c;
	ls_cli_getopt_reset();
	while ((c = ls_cli_getopt(argc, argv, "D:s:S:n:gI:o:fqh", opts)) != -1) {
		switch (c) {
		case 'D': dataset = optarg; break;
		case 's': scenario = optarg; break;
		case 'S':
			if (parse_uint(cmd, "--seed", optarg, 0, UINT64_MAX, &seed) != 0)
				return LS_EXIT_USAGE;
			have_seed = true;
			break;
		case 'n':
			if (parse_uint(cmd, "--trainees", optarg, 1, LS_EXERCISE_TRAINEES_MAX,
			               &trainees) != 0)
				return LS_EXIT_USAGE;
			break;
		case 'g': pk.stage = true; break;
		case 'I': ipub = optarg; break;
		case 'o': pk.out = optarg; break;
		case 'f': force = true; break;
		case 'q': pk.quiet = true; break;
		case 'h': ls_cli_print_usage(ls_cli_find("exercise")); return LS_EXIT_OK;
		default: return LS_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		ls_cli_error(cmd, "unexpected argument '%s'", argv[optind]);
		return LS_EXIT_USAGE;
	}
	if ((dataset == NULL) == (scenario == NULL)) {
		ls_cli_error(cmd, "give either --dataset DIR or --scenario NAME --seed N");
		return LS_EXIT_USAGE;
	}
	if (dataset && have_seed) {
		ls_cli_error(cmd, "--seed goes with --scenario; a dataset's seed is in its manifest");
		return LS_EXIT_USAGE;
	}
	if (ipub == NULL || pk.out == NULL) {
		ls_cli_error(cmd, "--instructor-pubkey FILE and --out DIR are required");
		return LS_EXIT_USAGE;
	}
	pk.trainees = (unsigned)trainees;

	ls_diag d;
	ls_diag_clear(&d);
	int status = LS_EXIT_USAGE;
	sim_scenario sc;
	memset(&sc, 0, sizeof sc);
	bool have_sc = false, begun = false;
	uint64_t seeds[LS_EXERCISE_TRAINEES_MAX];
	char *work = NULL;
	ls_buf text = LS_BUF_INIT, sealed = LS_BUF_INIT;
	ls_manifest root;
	ls_manifest_init(&root, "exercise-pack", 0);

	if (ls_keys_load_public(ipub, &pk.instructor, &d) != LS_OK) {
		ls_cli_diag(cmd, &d);
		goto done;
	}
	if (dataset) {
		/* A sealed dataset must be intact before its logs go to trainees. */
		char *sig = join(dataset, "integrity/manifest.sig");
		bool sealed_ds = is_file(sig);
		free(sig);
		if (sealed_ds) {
			ls_integrity_stats st;
			if (ls_integrity_verify_dataset(dataset, NULL, verify_problem, (void *)dataset,
			                                &st, &d) != LS_OK) {
				ls_cli_diag(cmd, &d);
				goto done;
			}
			if (st.problems) {
				ls_cli_error(cmd, "%s is damaged ('leaksim verify %s' says where); "
				                  "refusing to pack it",
				             dataset, dataset);
				goto done;
			}
		}
		if (read_source_manifest(dataset, &pk.src, &pk.base, &d) != LS_OK) {
			ls_cli_diag(cmd, &d);
			goto done;
		}
		if (trainees > 1) {
			if (sim_scenario_resolve(&sc, pk.src.scenario, &d) != LS_OK) {
				ls_cli_error(cmd,
				             "trainee variants regenerate the dataset's scenario '%s', "
				             "which is neither built in nor a file here; pack with "
				             "--scenario FILE --seed N instead",
				             pk.src.scenario);
				goto done;
			}
			have_sc = true;
			if (apply_manifest(&pk.src, &sc) != 0) {
				ls_cli_error(cmd, "%s/manifest.json: unknown profile", dataset);
				goto done;
			}
		}
	} else {
		if (sim_scenario_resolve(&sc, scenario, &d) != LS_OK) {
			ls_cli_diag(cmd, &d);
			goto done;
		}
		have_sc = true;
		pk.base = have_seed ? seed : sc.seed;
		pk.src.scenario = ls_xstrdup(sc.name);
	}
	if (pk.base < SMALL_SEED && !pk.quiet)
		ls_cli_error(cmd,
		             "warning: seed %llu is small; whoever can guess the seed can regenerate "
		             "the answers, so use a random 64-bit seed for a real exercise",
		             (unsigned long long)pk.base);
	trainee_seeds(pk.base, seeds, pk.trainees);

	/* The pack's signing key, from the base seed. */
	{
		unsigned char ss[32], bs[32];
		derive(pk.base, 0, "exercise/pack-sign", ss);
		derive(pk.base, 0, "exercise/pack-box", bs);
		ls_keys_from_seeds(&pk.key, ss, bs);
		sodium_memzero(ss, sizeof ss);
		sodium_memzero(bs, sizeof bs);
		ls_keys_fingerprint(&pk.key.pub, pk.fp);
	}
	memcpy(pk.payload.signer, pk.key.pub.sign, sizeof pk.payload.signer);
	memcpy(pk.payload.instructor, pk.instructor.box, sizeof pk.payload.instructor);
	pk.payload.scenario = ls_xstrdup(pk.src.scenario);
	pk.payload.seed = pk.base;
	pk.payload.stages = pk.stage;
	pk.payload.t = ls_xcalloc(pk.trainees, sizeof *pk.payload.t);
	pk.payload.nt = pk.trainees;

	if (ls_adir_begin(&pk.ad, pk.out, force, &d) != LS_OK) {
		ls_cli_diag(cmd, &d);
		goto done;
	}
	begun = true;
	for (unsigned i = 1; i <= pk.trainees; i++) {
		const char *src = dataset;
		if (!(dataset && i == 1)) {
			char wname[32];
			snprintf(wname, sizeof wname, ".work-%02u", i);
			free(work);
			work = join(pk.ad.tmp, wname);
			sc.seed = seeds[i - 1];
			sim_gen_opts gopts;
			memset(&gopts, 0, sizeof gopts);
			sim_gen_stats gst;
			if (!pk.quiet && isatty(STDERR_FILENO))
				fprintf(stderr, "\rexercise pack: generating trainee %u of %u", i,
				        pk.trainees);
			if (make_dir(work, &d) != LS_OK ||
			    sim_generate(&sc, work, &gopts, &gst, no_progress, NULL, &d) != LS_OK) {
				ls_cli_diag(cmd, &d);
				goto done;
			}
			if (dataset == NULL && i == 1) {
				uint64_t s0;
				source_meta_fini(&pk.src);
				if (read_source_manifest(work, &pk.src, &s0, &d) != LS_OK) {
					ls_cli_diag(cmd, &d);
					goto done;
				}
			}
			src = work;
		}
		if (pack_trainee(&pk, src, i, seeds[i - 1], &d) != LS_OK) {
			ls_cli_diag(cmd, &d);
			goto done;
		}
		if (work && ls_rmtree(work) != LS_OK) {
			ls_cli_error(cmd, "cannot remove %s", work);
			goto done;
		}
	}
	if (!pk.quiet && isatty(STDERR_FILENO))
		fputc('\n', stderr);

	/* The answer key: signed, then sealed to the instructor. */
	ls_exercise_payload_render(&pk.payload, &text);
	ls_exercise_seal(&pk.key, &pk.instructor, text.data, text.len, &sealed);
	sodium_memzero(text.data, text.len);
	ls_buf_reset(&text);
	char *p = join(pk.ad.tmp, "answers.sealed");
	ls_err e = ls_write_file_atomic(p, sealed.data, sealed.len, false, &d);
	free(p);
	if (e == LS_OK) {
		write_pack_json(&pk, &text);
		p = join(pk.ad.tmp, "pack.json");
		e = ls_write_file_atomic(p, text.data, text.len, false, &d);
		free(p);
	}
	if (e == LS_OK) {
		ls_buf_reset(&text);
		ls_keys_render_public(&pk.key.pub, &text);
		p = join(pk.ad.tmp, "pack.pub");
		e = ls_write_file_atomic(p, text.data, text.len, false, &d);
		free(p);
	}
	/* The root seal: every file of the pack, signed with the pack key. */
	if (e == LS_OK)
		e = add_tree(&root, pk.ad.tmp, "", &d);
	if (e == LS_OK) {
		ls_buf_reset(&text);
		ls_buf_printf(&text, "{\"pack\":\"%s\",\"trainees\":%u,\"stages\":%s,\"seed\":\"withheld\"}",
		              pk.fp, pk.trainees, pk.stage ? "true" : "false");
		ls_manifest_meta_json(&root, "exercise", text.data);
		unsigned char master[LS_INTEGRITY_KEYBYTES];
		derive(pk.base, 0, "exercise/chain/root", master);
		e = ls_integrity_seal_dataset(pk.ad.tmp, &root, &pk.key, master, NULL, &d);
		sodium_memzero(master, sizeof master);
	}
	if (e != LS_OK || ls_adir_commit(&pk.ad, &d) != LS_OK) {
		ls_cli_diag(cmd, &d);
		goto done;
	}
	begun = false;
	status = LS_EXIT_OK;
	if (!pk.quiet) {
		char ifp[LS_KEYS_FINGERPRINT_HEX + 1];
		ls_keys_fingerprint(&pk.instructor, ifp);
		printf("%s: exercise pack, scenario %s, %u trainee%s, %zu questions each%s\n",
		       pk.out, pk.src.scenario, pk.trainees, pk.trainees == 1 ? "" : "s",
		       pk.payload.t[0].n, pk.stage ? ", staged release" : "");
		printf("  pack key %s signed the logs and the answer key\n", pk.fp);
		printf("  answers.sealed is sealed to instructor key %s\n", ifp);
		printf("  hand each trainee their folder: %s/trainee-01%s\n", pk.out,
		       pk.trainees > 1 ? " ..." : "");
	}
done:
	if (begun)
		ls_adir_abort(&pk.ad);
	if (have_sc)
		sim_scenario_fini(&sc);
	free(work);
	if (text.data)
		sodium_memzero(text.data, text.cap);
	ls_buf_fini(&text);
	ls_buf_fini(&sealed);
	ls_manifest_fini(&root);
	ls_exercise_payload_fini(&pk.payload);
	source_meta_fini(&pk.src);
	ls_keys_wipe(&pk.key);
	sodium_memzero(seeds, sizeof seeds);
	return status;
}

/* ------------------------------------------------ opening a pack's key */

typedef struct opened {
	char *root;        /* the pack's folder */
	unsigned trainee;  /* 1-based */
	unsigned trainees; /* in the pack */
	unsigned char signer[LS_KEYS_SIGN_PUBLICBYTES];
	unsigned char instructor[LS_KEYS_BOX_PUBLICBYTES];
	char fp[LS_KEYS_FINGERPRINT_HEX + 1];
	char ifp[LS_KEYS_FINGERPRINT_HEX + 1];
	ls_expayload payload;
	ls_exquestions qs;
} opened;

static void opened_fini(opened *o)
{
	free(o->root);
	ls_exercise_payload_fini(&o->payload);
	memset(o, 0, sizeof *o);
}

static ls_err load_questions(const char *path, ls_exquestions *qs, ls_diag *d)
{
	ls_buf text = LS_BUF_INIT;
	ls_err e = read_all(path, LS_EXERCISE_FILE_MAX, &text, d);
	if (e == LS_OK)
		e = ls_exercise_questions_parse(text.data ? text.data : "", text.len, path, qs, d);
	ls_buf_fini(&text);
	return e;
}

/* Read root/pack.json into o. Exit status or -1 to go on. */
static int read_pack_json(const char *cmd, opened *o)
{
	char *path = join(o->root, "pack.json");
	ls_buf text = LS_BUF_INIT;
	ls_diag d;
	ls_diag_clear(&d);
	ls_expack p;
	int status = -1;
	if (read_all(path, LS_EXERCISE_FILE_MAX, &text, &d) != LS_OK ||
	    ls_exercise_pack_parse(text.data ? text.data : "", text.len, path, &p, &d) != LS_OK) {
		ls_cli_diag(cmd, &d);
		status = LS_EXIT_USAGE;
	} else {
		memcpy(o->signer, p.signer, sizeof o->signer);
		memcpy(o->instructor, p.instructor, sizeof o->instructor);
		memcpy(o->fp, p.pack, sizeof o->fp);
		memcpy(o->ifp, p.instructor_fp, sizeof o->ifp);
		o->trainees = p.trainees;
	}
	ls_buf_fini(&text);
	free(path);
	return status;
}

/*
 * Find the pack and the trainee from --pack DIR (the pack's folder or a
 * trainee's folder inside it) and --trainee N (0: not given). Exit status
 * or -1 to go on.
 */
static int locate(const char *cmd, const char *dir, unsigned trainee, opened *o)
{
	char *pj = join(dir, "pack.json"), *qy = join(dir, "questions.yaml");
	int status = -1;
	ls_diag d;
	ls_diag_clear(&d);
	if (is_file(pj)) {
		o->root = ls_xstrdup(dir);
		if ((status = read_pack_json(cmd, o)) >= 0)
			goto out;
		if (trainee == 0 && o->trainees > 1) {
			ls_cli_error(cmd, "the pack has %u trainees: choose one with --trainee N, or "
			                  "give that trainee's folder as --pack",
			             o->trainees);
			status = LS_EXIT_USAGE;
			goto out;
		}
		o->trainee = trainee ? trainee : 1;
	} else if (is_file(qy)) {
		char *up = join(dir, "..");
		char *upj = join(up, "pack.json");
		bool ok = is_file(upj);
		free(upj);
		if (!ok) {
			free(up);
			ls_cli_error(cmd, "%s is a trainee's folder without its pack (no ../pack.json): "
			                  "give the instructor's copy of the pack",
			             dir);
			status = LS_EXIT_USAGE;
			goto out;
		}
		o->root = up;
		if ((status = read_pack_json(cmd, o)) >= 0)
			goto out;
		ls_exquestions qs;
		if (load_questions(qy, &qs, &d) != LS_OK) {
			ls_cli_diag(cmd, &d);
			status = LS_EXIT_USAGE;
			goto out;
		}
		if (trainee && trainee != qs.trainee) {
			ls_cli_error(cmd, "%s is trainee %u's folder, not trainee %u's", dir, qs.trainee,
			             trainee);
			status = LS_EXIT_USAGE;
			goto out;
		}
		o->trainee = qs.trainee;
	} else {
		ls_cli_error(cmd, "%s is not an exercise pack (no pack.json or questions.yaml)", dir);
		status = LS_EXIT_USAGE;
		goto out;
	}
	if (o->trainee > o->trainees) {
		ls_cli_error(cmd, "--trainee %u: the pack has %u trainee%s", o->trainee, o->trainees,
		             o->trainees == 1 ? "" : "s");
		status = LS_EXIT_USAGE;
	}
out:
	free(pj);
	free(qy);
	return status;
}

/*
 * Open the pack's answer key with the instructor's key and check it: the
 * pack's signature, the addressee, and the trainee's questions.yaml.
 * Exit status or -1 to go on.
 */
static int open_pack(const char *cmd, const char *dir, unsigned trainee, const char *keyfile,
                     opened *o)
{
	int status = locate(cmd, dir, trainee, o);
	if (status >= 0)
		return status;
	ls_seckey key;
	memset(&key, 0, sizeof key);
	ls_diag d;
	ls_diag_clear(&d);
	ls_buf sealed = LS_BUF_INIT, plain = LS_BUF_INIT, qtext = LS_BUF_INIT;
	char *sp = join(o->root, "answers.sealed");
	char name[32];
	snprintf(name, sizeof name, "trainee-%02u/questions.yaml", o->trainee);
	char *qp = join(o->root, name);
	if (ls_keys_load_secret(keyfile, &key, &d) != LS_OK) {
		ls_cli_diag(cmd, &d);
		status = LS_EXIT_USAGE;
		goto out;
	}
	if (sodium_memcmp(key.pub.box, o->instructor, sizeof o->instructor) != 0) {
		char kfp[LS_KEYS_FINGERPRINT_HEX + 1];
		ls_keys_fingerprint(&key.pub, kfp);
		ls_cli_error(cmd, "%s: the pack is addressed to instructor key %s, not to this key "
		                  "(%s)",
		             keyfile, o->ifp, kfp);
		status = LS_EXIT_USAGE;
		goto out;
	}
	if (read_all(sp, LS_EXERCISE_SEALED_MAX, &sealed, &d) != LS_OK) {
		ls_cli_diag(cmd, &d);
		status = LS_EXIT_USAGE;
		goto out;
	}
	if (ls_exercise_open(&key, o->signer, sealed.data ? sealed.data : "", sealed.len, &plain,
	                     &d) != LS_OK) {
		ls_cli_error(cmd, "%s: %s", sp, d.message);
		status = LS_EXIT_FOUND;
		goto out;
	}
	if (ls_exercise_payload_parse(plain.data, plain.len, "answers.sealed (opened)",
	                              &o->payload, &d) != LS_OK) {
		ls_cli_diag(cmd, &d);
		status = LS_EXIT_USAGE;
		goto out;
	}
	if (memcmp(o->payload.signer, o->signer, sizeof o->signer) != 0 ||
	    memcmp(o->payload.instructor, key.pub.box, sizeof key.pub.box) != 0) {
		ls_cli_error(cmd, "%s: the answer key names another pack key or instructor", sp);
		status = LS_EXIT_FOUND;
		goto out;
	}
	if (o->payload.nt != o->trainees || o->trainee > o->payload.nt) {
		ls_cli_error(cmd, "%s: the answer key has %zu trainees, pack.json says %u", sp,
		             o->payload.nt, o->trainees);
		status = LS_EXIT_FOUND;
		goto out;
	}
	if (read_all(qp, LS_EXERCISE_FILE_MAX, &qtext, &d) != LS_OK) {
		ls_cli_diag(cmd, &d);
		status = LS_EXIT_USAGE;
		goto out;
	}
	unsigned char h[32];
	crypto_generichash(h, sizeof h, (const unsigned char *)(qtext.data ? qtext.data : ""),
	                   qtext.len, NULL, 0);
	if (memcmp(h, o->payload.t[o->trainee - 1].questions_hash, sizeof h) != 0) {
		ls_cli_error(cmd, "%s: not the questions the signed answer key was made for "
		                  "(altered, or from another pack)",
		             qp);
		status = LS_EXIT_FOUND;
		goto out;
	}
	if (ls_exercise_questions_parse(qtext.data, qtext.len, qp, &o->qs, &d) != LS_OK) {
		ls_cli_diag(cmd, &d);
		status = LS_EXIT_USAGE;
		goto out;
	}
	if (o->qs.n != o->payload.t[o->trainee - 1].n) {
		ls_cli_error(cmd, "%s: %zu questions, the answer key has %zu", qp, o->qs.n,
		             o->payload.t[o->trainee - 1].n);
		status = LS_EXIT_FOUND;
		goto out;
	}
out:
	ls_keys_wipe(&key);
	if (plain.data)
		sodium_memzero(plain.data, plain.cap);
	ls_buf_fini(&plain);
	ls_buf_fini(&sealed);
	ls_buf_fini(&qtext);
	free(sp);
	free(qp);
	return status;
}

/* ------------------------------------------------------------- answers */

static int cmd_answers(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pack", required_argument, NULL, 'p' },
		{ "instructor-key", required_argument, NULL, 'k' },
		{ "trainee", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	const char *cmd = argv[0], *pack = NULL, *key = NULL;
	uint64_t trainee = 0;
	int c;
	ls_cli_getopt_reset();
	while ((c = ls_cli_getopt(argc, argv, "p:k:t:h", opts)) != -1) {
		switch (c) {
		case 'p': pack = optarg; break;
		case 'k': key = optarg; break;
		case 't':
			if (parse_uint(cmd, "--trainee", optarg, 1, LS_EXERCISE_TRAINEES_MAX, &trainee) !=
			    0)
				return LS_EXIT_USAGE;
			break;
		case 'h': ls_cli_print_usage(ls_cli_find("exercise")); return LS_EXIT_OK;
		default: return LS_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		ls_cli_error(cmd, "unexpected argument '%s'", argv[optind]);
		return LS_EXIT_USAGE;
	}
	if (pack == NULL || key == NULL) {
		ls_cli_error(cmd, "--pack DIR and --instructor-key FILE are required");
		return LS_EXIT_USAGE;
	}
	opened o;
	memset(&o, 0, sizeof o);
	int status = open_pack(cmd, pack, (unsigned)trainee, key, &o);
	if (status < 0) {
		const ls_extrainee *t = &o.payload.t[o.trainee - 1];
		ls_buf out = LS_BUF_INIT;
		ls_buf_printf(&out,
		              "# leaksim exercise answers: trainee %u of %u, pack %s\n"
		              "# (signed by the pack key %s, sealed to instructor key %s)\n"
		              "# scenario %s, base seed %llu; this trainee's world: seed %llu\n",
		              o.trainee, o.trainees, o.fp, o.fp, o.ifp, o.payload.scenario,
		              (unsigned long long)o.payload.seed, (unsigned long long)t->seed);
		for (size_t i = 0; i < t->n; i++) {
			const ls_extopic *tp = ls_exercise_topic(ls_sv_from_cstr(t->topic[i]));
			ls_buf_printf(&out, "\n# %zu. %s\n", i + 1, tp ? tp->question : t->topic[i]);
			ls_exercise_answers_line((unsigned)i + 1, t->answer[i], &out);
		}
		fwrite(out.data, 1, out.len, stdout);
		sodium_memzero(out.data, out.len);
		ls_buf_fini(&out);
		status = LS_EXIT_OK;
	}
	opened_fini(&o);
	return status;
}

/* ---------------------------------------------------------------- grade */

static int cmd_grade(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pack", required_argument, NULL, 'p' },
		{ "instructor-key", required_argument, NULL, 'k' },
		{ "answers", required_argument, NULL, 'a' },
		{ "trainee", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	const char *cmd = argv[0], *pack = NULL, *key = NULL, *answers = NULL;
	uint64_t trainee = 0;
	bool json = false;
	int c;
	ls_cli_getopt_reset();
	while ((c = ls_cli_getopt(argc, argv, "p:k:a:t:jh", opts)) != -1) {
		switch (c) {
		case 'p': pack = optarg; break;
		case 'k': key = optarg; break;
		case 'a': answers = optarg; break;
		case 't':
			if (parse_uint(cmd, "--trainee", optarg, 1, LS_EXERCISE_TRAINEES_MAX, &trainee) !=
			    0)
				return LS_EXIT_USAGE;
			break;
		case 'j': json = true; break;
		case 'h': ls_cli_print_usage(ls_cli_find("exercise")); return LS_EXIT_OK;
		default: return LS_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		ls_cli_error(cmd, "unexpected argument '%s'", argv[optind]);
		return LS_EXIT_USAGE;
	}
	if (pack == NULL || key == NULL || answers == NULL) {
		ls_cli_error(cmd, "--pack DIR, --instructor-key FILE and --answers FILE are required");
		return LS_EXIT_USAGE;
	}
	opened o;
	memset(&o, 0, sizeof o);
	int status = open_pack(cmd, pack, (unsigned)trainee, key, &o);
	if (status >= 0) {
		opened_fini(&o);
		return status;
	}
	const ls_extrainee *t = &o.payload.t[o.trainee - 1];
	ls_diag d;
	ls_diag_clear(&d);
	ls_buf text = LS_BUF_INIT, out = LS_BUF_INIT;
	ls_exanswers a;
	memset(&a, 0, sizeof a);
	char err[LS_DIAG_MSG_MAX + 512];
	err[0] = '\0';
	ls_err e = read_all(answers, LS_EXERCISE_FILE_MAX, &text, &d);
	if (e == LS_OK)
		e = ls_exercise_answers_parse(text.data ? text.data : "", text.len, answers,
		                              (unsigned)t->n, &a, &d);
	if (e != LS_OK)
		ls_diag_format(&d, err, sizeof err);
	ls_exgrade g;
	ls_exercise_grade(t, e == LS_OK ? &a : NULL, &g);
	if (json)
		ls_exercise_grade_json(&g, o.trainee, err[0] ? err : NULL, &out);
	else
		ls_exercise_grade_text(&g, o.trainee, &out);
	fwrite(out.data, 1, out.len, stdout);
	if (err[0]) {
		ls_cli_error(cmd, "%s (scored 0)", err);
		status = LS_EXIT_USAGE;
	} else {
		if (a.count == 0)
			ls_cli_error(cmd, "%s: no answers (scored 0)", answers);
		status = LS_EXIT_OK;
	}
	ls_exercise_answers_fini(&a);
	ls_buf_fini(&text);
	ls_buf_fini(&out);
	opened_fini(&o);
	return status;
}

/* ---------------------------------------------------------------- check */

static int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pack", required_argument, NULL, 'p' },
		{ "question", required_argument, NULL, 'n' },
		{ "answer", required_argument, NULL, 'a' },
		{ "trainee", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	const char *cmd = argv[0], *pack = NULL, *answer = NULL;
	uint64_t number = 0, trainee = 0;
	int c;
	ls_cli_getopt_reset();
	while ((c = ls_cli_getopt(argc, argv, "p:n:a:t:h", opts)) != -1) {
		switch (c) {
		case 'p': pack = optarg; break;
		case 'n':
			if (parse_uint(cmd, "--question", optarg, 1, LS_EXERCISE_QUESTIONS, &number) != 0)
				return LS_EXIT_USAGE;
			break;
		case 'a': answer = optarg; break;
		case 't':
			if (parse_uint(cmd, "--trainee", optarg, 1, LS_EXERCISE_TRAINEES_MAX, &trainee) !=
			    0)
				return LS_EXIT_USAGE;
			break;
		case 'h': ls_cli_print_usage(ls_cli_find("exercise")); return LS_EXIT_OK;
		default: return LS_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		ls_cli_error(cmd, "unexpected argument '%s'", argv[optind]);
		return LS_EXIT_USAGE;
	}
	if (pack == NULL || number == 0 || answer == NULL) {
		ls_cli_error(cmd, "--pack DIR, --question N and --answer TEXT are required");
		return LS_EXIT_USAGE;
	}
	/* The trainee's folder, or the pack's with --trainee (or a single trainee). */
	char *qy = join(pack, "questions.yaml");
	if (!is_file(qy)) {
		opened o;
		memset(&o, 0, sizeof o);
		int st = locate(cmd, pack, (unsigned)trainee, &o);
		if (st >= 0) {
			opened_fini(&o);
			free(qy);
			return st;
		}
		char name[32];
		snprintf(name, sizeof name, "trainee-%02u/questions.yaml", o.trainee);
		free(qy);
		qy = join(o.root, name);
		opened_fini(&o);
	}
	ls_exquestions qs;
	ls_diag d;
	ls_diag_clear(&d);
	int status = LS_EXIT_USAGE;
	if (load_questions(qy, &qs, &d) != LS_OK) {
		ls_cli_diag(cmd, &d);
		goto out;
	}
	if (trainee && trainee != qs.trainee) {
		ls_cli_error(cmd, "%s holds trainee %u's questions, not trainee %llu's", qy,
		             qs.trainee, (unsigned long long)trainee);
		goto out;
	}
	if (number > qs.n) {
		ls_cli_error(cmd, "--question %llu: there are %zu questions",
		             (unsigned long long)number, qs.n);
		goto out;
	}
	const ls_exquestion *q = &qs.q[number - 1];
	bool right;
	ls_buf why = LS_BUF_INIT;
	if (ls_exercise_check(&qs, q, ls_sv_from_cstr(answer), &right, &why) != LS_OK) {
		ls_cli_error(cmd, "crypto_pwhash failed (out of memory?)");
		ls_buf_fini(&why);
		goto out;
	}
	if (right)
		printf("question %llu: right\n", (unsigned long long)number);
	else
		printf("question %llu: wrong (%s)\n", (unsigned long long)number,
		       why.data ? why.data : "");
	ls_buf_fini(&why);
	status = right ? LS_EXIT_OK : LS_EXIT_FOUND;
out:
	free(qy);
	return status;
}

/* --------------------------------------------------------------- dispatch */

int ls_cmd_exercise(int argc, char **argv)
{
	static const struct {
		const char *name, *full;
		int (*fn)(int, char **);
	} subs[] = {
		{ "pack", "exercise pack", cmd_pack },
		{ "answers", "exercise answers", cmd_answers },
		{ "grade", "exercise grade", cmd_grade },
		{ "check", "exercise check", cmd_check },
	};
	if (argc < 2) {
		ls_cli_error("exercise", "expected pack, answers, grade or check (see 'leaksim "
		                         "exercise --help')");
		return LS_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		ls_cli_print_usage(ls_cli_find("exercise"));
		return LS_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof subs / sizeof *subs; i++)
		if (strcmp(argv[1], subs[i].name) == 0) {
			char **sub = ls_xcalloc((size_t)argc, sizeof *sub);
			sub[0] = (char *)subs[i].full;
			for (int j = 2; j < argc; j++)
				sub[j - 1] = argv[j];
			int status = subs[i].fn(argc - 1, sub);
			free(sub);
			return status;
		}
	ls_cli_error("exercise", "unknown subcommand '%s' (pack, answers, grade or check)",
	             argv[1]);
	return LS_EXIT_USAGE;
}

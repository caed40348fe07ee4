/*
 * pipeline.h - processing pipelines and placeholder files for Sigma rules.
 *
 * A pipeline adapts rules to the field names and logsources of the logs
 * they run on (taxonomy <-> ECS <-> Zeek), in the YAML form of pySigma's
 * processing pipelines, of which leaksim reads this subset:
 *
 *   name: sysmon-to-ecs
 *   priority: 20                # optional, informational
 *   transformations:
 *     - id: image                 # optional
 *       type: field_name_mapping
 *       mapping:
 *         Image: process.executable
 *         CommandLine: process.command_line
 *       rule_conditions:          # optional; all must hold
 *         - type: logsource
 *           category: process_creation
 *           product: windows
 *     - type: field_name_prefix
 *       prefix: "winlog.event_data."
 *     - type: change_logsource
 *       category: process
 *       product: linux
 *       service: auditd
 *
 * Transformations apply in order to every rule whose logsource meets their
 * conditions: field_name_mapping renames fields (one target name each),
 * field_name_prefix / field_name_suffix add to every field name, and
 * change_logsource replaces the rule's logsource. Anything else (another
 * transformation type, a list of targets, an unknown key) is an error with
 * file:line:col: nothing is silently ignored.
 *
 * A placeholder file maps names to lists of values for the `expand`
 * modifier:  admins: [alice, bob]   domain_controllers: ['DC1', 'DC2'].
 *
 * Ownership: both objects own their strings; free them with their _free.
 */
#ifndef LS_SIGMA_PIPELINE_H
#define LS_SIGMA_PIPELINE_H

#include <stddef.h>

#include "core/err.h"
#include "core/str.h"

typedef struct ls_pipeline ls_pipeline;

#define LS_PIPELINE_FILE_MAX (1024u * 1024u)

ls_err ls_pipeline_load(ls_pipeline **out, const char *path, ls_diag *d) LS_WUR;
ls_err ls_pipeline_load_mem(ls_pipeline **out, const char *text, size_t len, const char *file,
                            ls_diag *d) LS_WUR;
void ls_pipeline_free(ls_pipeline *p);

/* A rule's logsource as the pipeline sees it (NULL: not set). */
typedef struct ls_pl_logsource {
	const char *category, *product, *service;
} ls_pl_logsource;

/*
 * The field name a rule with logsource `ls` should read for `field`, after
 * every transformation that applies, appended to out (out is reset first).
 */
void ls_pipeline_field(const ls_pipeline *p, const ls_pl_logsource *ls, ls_sv field, ls_buf *out);

/*
 * The logsource after the pipeline's change_logsource transformations: for
 * each of category/product/service, *changed[i] is set when the pipeline
 * replaced it, with the new value (borrowed from the pipeline) in the
 * corresponding field of out.
 */
void ls_pipeline_logsource(const ls_pipeline *p, const ls_pl_logsource *in, ls_pl_logsource *out,
                           bool changed[3]);

typedef struct ls_placeholders ls_placeholders;

ls_err ls_placeholders_load(ls_placeholders **out, const char *path, ls_diag *d) LS_WUR;
ls_err ls_placeholders_load_mem(ls_placeholders **out, const char *text, size_t len,
                                const char *file, ls_diag *d) LS_WUR;
void ls_placeholders_free(ls_placeholders *p);
/* An ls_sig_env.placeholder callback over a placeholders object (ctx). */
ls_err ls_placeholders_lookup(void *ctx, ls_sv name, const ls_sv **values, size_t *n);

#endif

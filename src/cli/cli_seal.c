/*
 * cli_seal.c - sealing a dataset as it is generated, for the commands that
 * generate (generate, run): keys from the seed or a keygen signing key, the
 * logs sealed on a second thread while they are written, the rest when
 * generation hands over the finished manifest (forensics/integrity.h).
 */
#include <sodium.h>
#include <string.h>

#include "cli/cli.h"

static void seal_written(void *ctx, const char *rel, const void *p, size_t n)
{
	ls_cli_sealer *s = ctx;
	ls_integrity_stream_write(s->stream, rel, p, n);
}

static ls_err seal(void *ctx, const char *dir, ls_manifest *m, ls_diag *d)
{
	ls_cli_sealer *s = ctx;
	return ls_integrity_seal_dataset(dir, m, &s->signer, s->master, s->stream, d);
}

int ls_cli_sealer_setup(ls_cli_sealer *s, uint64_t seed, const char *sign_key,
                        sim_gen_opts *gopts, const char *cmd)
{
	memset(s, 0, sizeof *s);
	/* The seed gives the keys; a keygen key file replaces the signing key. */
	ls_integrity_derive(seed, &s->signer, s->master);
	if (sign_key) {
		ls_diag d;
		ls_diag_clear(&d);
		if (ls_keys_load_secret(sign_key, &s->signer, &d) != LS_OK) {
			ls_cli_diag(cmd, &d);
			return -1;
		}
	}
	s->stream = ls_integrity_stream_create(&s->signer, s->master);
	gopts->finish = seal;
	gopts->finish_ctx = s;
	gopts->on_write = seal_written;
	gopts->write_ctx = s;
	return 0;
}

void ls_cli_sealer_fini(ls_cli_sealer *s)
{
	ls_integrity_stream_destroy(s->stream);
	s->stream = NULL;
	ls_keys_wipe(&s->signer);
	sodium_memzero(s->master, sizeof s->master);
}

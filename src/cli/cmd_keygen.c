/*
 * cmd_keygen.c - `leaksim keygen --out PREFIX`: write a key pair.
 *
 * PREFIX.key (mode 0600) holds an Ed25519 signing key and an X25519 key for
 * sealed boxes; PREFIX.pub their public halves (forensics/keys.h,
 * docs/keys.md). Neither file is replaced without --force, and with
 * neither given nothing is written if one of them exists. The secret key is
 * wiped from memory before the command returns.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "core/str.h"
#include "forensics/keys.h"

int ls_cmd_keygen(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	const char *prefix = NULL;
	bool force = false;
	int c;
	ls_cli_getopt_reset();
	while ((c = ls_cli_getopt(argc, argv, "o:fh", opts)) != -1) {
		switch (c) {
		case 'o': prefix = optarg; break;
		case 'f': force = true; break;
		case 'h': ls_cli_print_usage(ls_cli_find("keygen")); return LS_EXIT_OK;
		default: return LS_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		ls_cli_error("keygen", "unexpected argument '%s'", argv[optind]);
		return LS_EXIT_USAGE;
	}
	if (prefix == NULL || prefix[0] == '\0') {
		ls_cli_error("keygen", "--out PREFIX is required");
		return LS_EXIT_USAGE;
	}
	ls_buf pub = LS_BUF_INIT, sec = LS_BUF_INIT;
	ls_buf_printf(&pub, "%s.pub", prefix);
	ls_buf_printf(&sec, "%s.key", prefix);
	int status = LS_EXIT_OK;
	ls_seckey k;
	memset(&k, 0, sizeof k);
	ls_diag d;
	ls_diag_clear(&d);
	struct stat st;
	if (!force) {
		/* Both names are checked before either file is written. */
		const char *names[2] = { sec.data, pub.data };
		for (int i = 0; i < 2; i++)
			if (lstat(names[i], &st) == 0) {
				ls_cli_error("keygen", "%s already exists (use --force to replace it)",
				             names[i]);
				status = LS_EXIT_USAGE;
				goto out;
			}
	}
	ls_keys_generate(&k);
	if (ls_keys_write_secret(sec.data, &k, force, &d) != LS_OK) {
		ls_cli_diag("keygen", &d);
		status = LS_EXIT_USAGE;
		goto out;
	}
	if (ls_keys_write_public(pub.data, &k.pub, force, &d) != LS_OK) {
		ls_cli_diag("keygen", &d);
		/* A secret without its public file is no use: take it back. */
		remove(sec.data);
		status = LS_EXIT_USAGE;
		goto out;
	}
	char fp[LS_KEYS_FINGERPRINT_HEX + 1];
	ls_keys_fingerprint(&k.pub, fp);
	printf("%s: secret key (Ed25519 + X25519, mode 0600)\n", sec.data);
	printf("%s: public key, fingerprint %s\n", pub.data, fp);
out:
	ls_keys_wipe(&k);
	ls_buf_fini(&pub);
	ls_buf_fini(&sec);
	return status;
}

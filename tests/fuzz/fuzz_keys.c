/*
 * fuzz_keys.c - libFuzzer target for the key file parser.
 *
 * The input is parsed as a public and as a secret key file. A rejection
 * must come with a diagnostic naming the same error (on its line or just
 * past the last one) and leave the output wiped. An accepted public key
 * must render and parse back to itself; an accepted secret key must be
 * consistent: its public halves belong to its secrets, so a signature made
 * with it verifies and a box sealed to it opens. Any broken promise aborts.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/str.h"
#include "forensics/keys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool zero(const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

static void check_rejection(ls_err e, const ls_diag *d, const uint8_t *data, size_t size)
{
	unsigned long lines = 1;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	if ((e != LS_ERR_PARSE && e != LS_ERR_TOOLONG && e != LS_ERR_CRYPTO) || d->err != e ||
	    d->message[0] == '\0')
		abort();
	if (e != LS_ERR_TOOLONG && (d->line == 0 || d->line > lines + 1))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	ls_diag d;
	ls_diag_clear(&d);
	ls_pubkey pub;
	ls_err e = ls_keys_parse_public(text, size, "fuzz.pub", &pub, &d);
	if (e == LS_OK) {
		ls_buf b = LS_BUF_INIT;
		ls_keys_render_public(&pub, &b);
		ls_pubkey again;
		if (ls_keys_parse_public(b.data, b.len, "again", &again, NULL) != LS_OK ||
		    memcmp(&again, &pub, sizeof pub) != 0)
			abort();
		ls_buf_fini(&b);
	} else {
		check_rejection(e, &d, data, size);
		if (!zero(&pub, sizeof pub))
			abort();
	}

	ls_diag_clear(&d);
	ls_seckey sec;
	e = ls_keys_parse_secret(text, size, "fuzz.key", &sec, &d);
	if (e == LS_OK) {
		static const char msg[] = "fuzz";
		unsigned char sig[LS_KEYS_SIGBYTES];
		ls_keys_sign(&sec, msg, sizeof msg - 1, sig);
		if (ls_keys_verify(&sec.pub, msg, sizeof msg - 1, sig) != LS_OK)
			abort();
		ls_buf sealed = LS_BUF_INIT, opened = LS_BUF_INIT;
		ls_keys_seal(&sec.pub, msg, sizeof msg - 1, &sealed);
		if (ls_keys_open(&sec, sealed.data, sealed.len, &opened) != LS_OK ||
		    opened.len != sizeof msg - 1 || memcmp(opened.data, msg, opened.len) != 0)
			abort();
		ls_buf_fini(&sealed);
		ls_buf_fini(&opened);
		ls_keys_wipe(&sec);
	} else {
		check_rejection(e, &d, data, size);
		if (!zero(&sec, sizeof sec))
			abort();
	}
	return 0;
}

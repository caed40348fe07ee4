/*
 * fuzz_channel.c - libFuzzer target for the messenger's frame decoder.
 *
 * The input is a stream of frames, decoded under the fixed fuzzing key
 * (bytes 0, 1, ..., 31: the key the seed corpus in tests/fuzz/corpus/channel
 * was made with, so that its valid seeds get past authentication). Promises
 * checked, any broken one aborts:
 *   - a rejection is LS_ERR_PARSE or LS_ERR_CRYPTO with a matching
 *     diagnostic whose column lies within the input or just past its end,
 *     and the output buffer is left exactly as it was;
 *   - an accepted input is exactly as long as the model says a file (or a
 *     message) of the decoded length is on the wire;
 *   - re-encrypting the plaintext gives frames of the same length that decode
 *     to the same plaintext.
 *
 * The decoder takes a pointer and a length, so the input needs no
 * terminator and must never be read past size.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/str.h"
#include "sim/channel.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Bytes the output buffer holds before decoding, to prove they survive. */
static const char sentinel[] = "sentinel";
#define SENTINEL_LEN (sizeof sentinel - 1)

static uint64_t be64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static void check_accepted(const unsigned char key[32], const uint8_t *data, size_t size,
                           const ls_buf *plain)
{
	const unsigned char *text = (const unsigned char *)plain->data + SENTINEL_LEN;
	size_t n = plain->len - SENTINEL_LEN;
	/* Accepted input starts with a whole frame header: kind at 5, id at 8. */
	if (size < SIM_CHANNEL_FRAME_HEADER)
		abort();
	unsigned kind = data[5];
	uint64_t id = be64(data + 8);
	uint64_t want = kind == SIM_CHANNEL_KIND_FILE ? sim_channel_file_frames_bytes(n)
	                                              : sim_channel_message_frame_bytes(n);
	if (want != size)
		abort();

	ls_buf again = LS_BUF_INIT, back = LS_BUF_INIT;
	ls_err e = kind == SIM_CHANNEL_KIND_FILE
	                   ? sim_channel_encrypt_file(key, id, text, n, &again)
	                   : sim_channel_encrypt_message(key, id, text, n, &again);
	if (e != LS_OK || again.len != size)
		abort();
	if (sim_channel_decrypt_frames(key, (const unsigned char *)again.data, again.len, &back,
	                               NULL) != LS_OK)
		abort();
	if (back.len != n || (n && memcmp(back.data, text, n) != 0))
		abort();
	ls_buf_fini(&again);
	ls_buf_fini(&back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char key[32];
	for (int i = 0; i < 32; i++)
		key[i] = (unsigned char)i;

	ls_buf plain = LS_BUF_INIT;
	ls_buf_append(&plain, sentinel, SENTINEL_LEN);
	ls_diag d;
	ls_diag_clear(&d);
	ls_err e = sim_channel_decrypt_frames(key, data, size, &plain, &d);
	if (e == LS_OK) {
		check_accepted(key, data, size, &plain);
	} else {
		if (e != LS_ERR_PARSE && e != LS_ERR_CRYPTO)
			abort();
		if (d.err != e || d.col == 0 || d.col > size + 1 || d.message[0] == '\0')
			abort();
		if (plain.len != SENTINEL_LEN || memcmp(plain.data, sentinel, SENTINEL_LEN) != 0)
			abort();
	}
	/* The same answer without a diagnostic to fill. */
	ls_buf_reset(&plain);
	if (sim_channel_decrypt_frames(key, data, size, &plain, NULL) != e)
		abort();
	ls_buf_fini(&plain);
	return 0;
}

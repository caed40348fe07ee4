/*
 * channel.c - the messenger's wire model and the real framing behind it.
 *
 * The model half is arithmetic on the constants of channel.h; the framing
 * half does the same thing with libsodium (crypto_secretstream_xchacha20-
 * poly1305, sodium_pad). The two are kept honest by tests/unit/test_channel.c,
 * which encrypts files and messages of many sizes and checks every byte count
 * the model gives, and by tests/fuzz/fuzz_channel.c, which checks that any
 * input the decoder accepts has exactly the modelled length.
 *
 * Invariants the model relies on:
 *   - every part but the last carries exactly part_size plaintext bytes, a
 *     multiple of SIM_CHANNEL_FILE_PAD, so only the last part is padded;
 *   - sodium_pad always adds 1..block bytes: n bytes pad to
 *     (n / block + 1) * block;
 *   - part 0's payload starts with the 24-byte secretstream header.
 */
#include "sim/channel.h"

#include <assert.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/mem.h"

_Static_assert(SIM_CHANNEL_STREAM_HEADER == crypto_secretstream_xchacha20poly1305_HEADERBYTES,
               "stream header size");
_Static_assert(SIM_CHANNEL_STREAM_ABYTES == crypto_secretstream_xchacha20poly1305_ABYTES,
               "stream message overhead");
_Static_assert(crypto_secretstream_xchacha20poly1305_KEYBYTES == 32, "stream key size");
_Static_assert(SIM_CHANNEL_MAX_SESSIONS >= 1, "at least one session");

#define KIB 1024u
#define MIB (1024u * 1024u)

/* Wire bytes per part that do not depend on its plaintext: the transport
 * record around the frame, the frame header and the secretstream overhead. */
#define PART_FIXED                                                                                 \
	(SIM_CHANNEL_RECORD_OVERHEAD + SIM_CHANNEL_FRAME_HEADER + SIM_CHANNEL_STREAM_ABYTES)

static const unsigned char frame_magic[4] = { 'L', 'S', 'M', 'F' };

/* ---------------------------------------------------------------- helpers */

/* What sodium_pad makes of n bytes: always at least one byte of padding. */
static uint64_t padded(uint64_t n, uint32_t block)
{
	return (n / block + 1) * block;
}

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static void put_be64(unsigned char *p, uint64_t v)
{
	put_be32(p, (uint32_t)(v >> 32));
	put_be32(p + 4, (uint32_t)v);
}

static uint32_t get_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static uint64_t get_be64(const unsigned char *p)
{
	return (uint64_t)get_be32(p) << 32 | get_be32(p + 4);
}

/* ------------------------------------------------------------- the ladder */

/* The part sizes of the ladder and the file sizes each one serves
 * ([lo, hi], inclusive). Together the rows cover 0..SIM_CHANNEL_MAX_FILE
 * without gaps or overlaps. */
static const struct tier {
	uint32_t part;
	uint64_t lo, hi;
} tiers[] = {
	{ 32 * KIB, 0, (uint64_t)MIB - 1 },
	{ 64 * KIB, MIB, (uint64_t)32 * MIB },
	{ 128 * KIB, (uint64_t)32 * MIB + 1, (uint64_t)SIM_CHANNEL_MAX_PARTS * 128 * KIB },
	{ 256 * KIB, (uint64_t)SIM_CHANNEL_MAX_PARTS * 128 * KIB + 1,
	  (uint64_t)SIM_CHANNEL_MAX_PARTS * 256 * KIB },
	{ 512 * KIB, (uint64_t)SIM_CHANNEL_MAX_PARTS * 256 * KIB + 1, SIM_CHANNEL_MAX_FILE },
};
#define NTIERS (sizeof tiers / sizeof tiers[0])

static const struct tier *tier_of_part(uint64_t part)
{
	for (size_t i = 0; i < NTIERS; i++)
		if (tiers[i].part == part)
			return &tiers[i];
	return NULL;
}

uint32_t sim_channel_part_size(uint64_t file_size)
{
	for (size_t i = 0; i < NTIERS; i++)
		if (file_size <= tiers[i].hi)
			return tiers[i].part;
	return 0;
}

uint32_t sim_channel_part_count(uint64_t file_size)
{
	uint32_t ps = sim_channel_part_size(file_size);
	if (ps == 0)
		return 0;
	if (file_size == 0)
		return 1;
	return (uint32_t)((file_size + ps - 1) / ps);
}

/* -------------------------------------------------------------- the model */

/* Plaintext bytes on the wire for part i of a file (padded if last). */
static uint64_t part_wire_plain(uint64_t file_size, uint32_t ps, uint32_t parts, uint32_t i)
{
	if (i + 1 < parts)
		return ps;
	return padded(file_size - (uint64_t)(parts - 1) * ps, SIM_CHANNEL_FILE_PAD);
}

uint64_t sim_channel_frame_bytes(uint64_t file_size, uint32_t part)
{
	uint32_t parts = sim_channel_part_count(file_size);
	if (part >= parts)
		return 0;
	uint32_t ps = sim_channel_part_size(file_size);
	return SIM_CHANNEL_FRAME_HEADER + (part == 0 ? SIM_CHANNEL_STREAM_HEADER : 0) +
	       part_wire_plain(file_size, ps, parts, part) + SIM_CHANNEL_STREAM_ABYTES;
}

uint64_t sim_channel_file_frames_bytes(uint64_t file_size)
{
	uint32_t parts = sim_channel_part_count(file_size);
	if (parts == 0)
		return 0;
	uint32_t ps = sim_channel_part_size(file_size);
	return (uint64_t)parts * (SIM_CHANNEL_FRAME_HEADER + SIM_CHANNEL_STREAM_ABYTES) +
	       SIM_CHANNEL_STREAM_HEADER + (uint64_t)(parts - 1) * ps +
	       part_wire_plain(file_size, ps, parts, parts - 1);
}

ls_err sim_channel_plan_upload(uint64_t file_size, uint32_t sessions, sim_channel_upload *out)
{
	memset(out, 0, sizeof *out);
	uint32_t ps = sim_channel_part_size(file_size);
	if (sessions < 1 || sessions > SIM_CHANNEL_MAX_SESSIONS || ps == 0)
		return LS_ERR_RANGE;
	uint32_t parts = sim_channel_part_count(file_size);
	uint32_t k = sessions < parts ? sessions : parts;
	uint32_t last_session = (parts - 1) % k;
	uint64_t last_plain = part_wire_plain(file_size, ps, parts, parts - 1);

	out->file_size = file_size;
	out->part_size = ps;
	out->parts = parts;
	out->nsessions = k;
	for (uint32_t j = 0; j < k; j++) {
		sim_channel_session *s = &out->session[j];
		/* Round robin: session j carries parts j, j + k, j + 2k, ... */
		s->parts = (parts - j + k - 1) / k;
		uint32_t full = s->parts - (j == last_session ? 1 : 0);
		s->up_bytes = SIM_CHANNEL_HELLO_UP + (uint64_t)s->parts * PART_FIXED +
		              (uint64_t)full * ps + (j == last_session ? last_plain : 0) +
		              (j == 0 ? SIM_CHANNEL_STREAM_HEADER : 0);
		s->down_bytes = SIM_CHANNEL_HELLO_DOWN + (uint64_t)s->parts * SIM_CHANNEL_ACK;
		out->up_total += s->up_bytes;
		out->down_total += s->down_bytes;
	}
	return LS_OK;
}

/*
 * Inverting the model. With k sessions, P parts of S bytes and a last part of
 * L bytes (file size F = (P - 1) S + L):
 *
 *   up_total = k HELLO_UP + STREAM_HEADER + P PART_FIXED + (P - 1) S + pad16(L)
 *
 * With E = up_total - k HELLO_UP - STREAM_HEADER and Q = E - P PART_FIXED -
 * (P - 1) S = pad16(L), Q is a multiple of 16 in [16, S + 16], which fixes P
 * for a given S (the ranges of E for P and P + 1 do not meet), and then
 * L in [Q - 16, Q - 1]. Trying each tier's S (and each k when unknown) and
 * keeping the answers that the ladder would really produce bounds F.
 */
ls_err sim_channel_estimate_file_size(uint64_t up_total, uint32_t sessions, uint64_t *lo,
                                      uint64_t *hi)
{
	/* No upload comes near twice the largest file; refusing early also keeps
	 * the arithmetic below far from wrapping. */
	if (sessions > SIM_CHANNEL_MAX_SESSIONS || up_total > 2 * SIM_CHANNEL_MAX_FILE)
		return LS_ERR_RANGE;
	uint32_t k0 = sessions ? sessions : 1;
	uint32_t k1 = sessions ? sessions : SIM_CHANNEL_MAX_SESSIONS;
	uint64_t best_lo = UINT64_MAX, best_hi = 0;
	bool found = false;

	for (uint32_t k = k0; k <= k1; k++) {
		uint64_t fixed = (uint64_t)k * SIM_CHANNEL_HELLO_UP + SIM_CHANNEL_STREAM_HEADER;
		if (up_total < fixed + PART_FIXED + SIM_CHANNEL_FILE_PAD)
			continue;
		uint64_t e = up_total - fixed;
		for (size_t t = 0; t < NTIERS; t++) {
			uint64_t s = tiers[t].part;
			uint64_t p =
			        (e - SIM_CHANNEL_FILE_PAD + s + PART_FIXED - 1) / (s + PART_FIXED);
			/* A plan never has more sessions than parts. */
			if (p < k || p > SIM_CHANNEL_MAX_PARTS)
				continue;
			uint64_t base = p * PART_FIXED + (p - 1) * s;
			if (e < base + SIM_CHANNEL_FILE_PAD || e > base + s + SIM_CHANNEL_FILE_PAD)
				continue;
			uint64_t q = e - base;
			if (q % SIM_CHANNEL_FILE_PAD != 0)
				continue;
			uint64_t lmin = q - SIM_CHANNEL_FILE_PAD, lmax = q - 1;
			if (p > 1 && lmin < 1)
				lmin = 1;
			if (lmax > s)
				lmax = s;
			uint64_t fmin = (p - 1) * s + lmin, fmax = (p - 1) * s + lmax;
			if (fmin < tiers[t].lo)
				fmin = tiers[t].lo;
			if (fmax > tiers[t].hi)
				fmax = tiers[t].hi;
			if (fmin > fmax)
				continue;
			found = true;
			if (fmin < best_lo)
				best_lo = fmin;
			if (fmax > best_hi)
				best_hi = fmax;
		}
	}
	if (!found)
		return LS_ERR_RANGE;
	*lo = best_lo;
	*hi = best_hi;
	return LS_OK;
}

uint64_t sim_channel_message_frame_bytes(size_t text_len)
{
	return SIM_CHANNEL_FRAME_HEADER + SIM_CHANNEL_STREAM_HEADER +
	       padded(text_len, SIM_CHANNEL_MESSAGE_PAD) + SIM_CHANNEL_STREAM_ABYTES;
}

void sim_channel_message_bytes(size_t text_len, uint64_t *up, uint64_t *down)
{
	assert(text_len <= SIM_CHANNEL_MESSAGE_MAX);
	*up = SIM_CHANNEL_RECORD_OVERHEAD + sim_channel_message_frame_bytes(text_len);
	*down = SIM_CHANNEL_ACK;
}

void sim_channel_message_recv_bytes(size_t text_len, uint64_t *up, uint64_t *down)
{
	assert(text_len <= SIM_CHANNEL_MESSAGE_MAX);
	*down = SIM_CHANNEL_RECORD_OVERHEAD + sim_channel_message_frame_bytes(text_len);
	*up = SIM_CHANNEL_ACK;
}

void sim_channel_file_message_bytes(size_t name_len, uint64_t *up, uint64_t *down)
{
	sim_channel_message_bytes(SIM_CHANNEL_FILE_META + name_len, up, down);
}

/* ---------------------------------------------------------------- bot API */

/*
 * The request is what python-requests sends for
 *   requests.post(url, data={"chat_id": ...}, files={"document": (name, f)})
 * with its header order; every fixed piece is one of these literals, shared by
 * the text builder and the arithmetic so that the two cannot drift apart.
 */
#define LIT(s) s, sizeof(s) - 1
static const char req_line[] = "POST /bot" SIM_CHANNEL_BOT_TOKEN "/sendDocument HTTP/1.1\r\n"
                               "Host: ";
static const char req_mid[] = "\r\nUser-Agent: " SIM_CHANNEL_BOT_USER_AGENT "\r\n"
                              "Accept-Encoding: gzip, deflate\r\n"
                              "Accept: */*\r\n"
                              "Connection: keep-alive\r\n"
                              "Content-Length: ";
static const char req_ctype[] = "\r\nContent-Type: multipart/form-data; boundary=";
static const char req_end[] = "\r\n\r\n";
static const char part_chat[] =
        "\r\nContent-Disposition: form-data; name=\"chat_id\"\r\n\r\n" SIM_CHANNEL_BOT_CHAT_ID
        "\r\n--";
static const char part_doc[] = "\r\nContent-Disposition: form-data; name=\"document\"; filename=\"";
static const char part_doc_end[] = "\"\r\nContent-Type: application/octet-stream\r\n\r\n";
static const char body_close[] = "\r\n--";
static const char body_close_end[] = "--\r\n";
static const char connect_a[] = "CONNECT ";
static const char connect_b[] = ":443 HTTP/1.1\r\nHost: ";
static const char connect_c[] = ":443\r\nUser-Agent: " SIM_CHANNEL_BOT_USER_AGENT "\r\n\r\n";

#define BOUNDARY_LEN 32u
#define BOUNDARY_TAG "leaksim/bot-boundary/v1"

/* Host names: letters, digits, dots and hyphens, 1..253 bytes. */
static bool host_ok(const char *host)
{
	size_t n = 0;
	for (const char *p = host; *p; p++, n++) {
		char c = *p;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		          (c >= '0' && c <= '9') || c == '.' || c == '-';
		if (!ok || n >= SIM_CHANNEL_BOT_HOST_MAX)
			return false;
	}
	return n > 0;
}

/* The filename parameter escapes '"', CR and LF as %22, %0D, %0A (as the
 * HTML form encoding does); everything else goes through as is. */
static size_t escaped_name_len(const char *name)
{
	size_t n = 0;
	for (const char *p = name; *p; p++)
		n += (*p == '"' || *p == '\r' || *p == '\n') ? 3 : 1;
	return n;
}

static bool bot_args_ok(const char *host, const char *file_name)
{
	size_t nlen = strlen(file_name);
	return host_ok(host) && nlen >= 1 && nlen <= SIM_CHANNEL_BOT_NAME_MAX;
}

static uint64_t bot_body_bytes(uint64_t file_size, const char *file_name)
{
	return 2 + BOUNDARY_LEN + (sizeof part_chat - 1) + BOUNDARY_LEN + (sizeof part_doc - 1) +
	       escaped_name_len(file_name) + (sizeof part_doc_end - 1) + file_size +
	       (sizeof body_close - 1) + BOUNDARY_LEN + (sizeof body_close_end - 1);
}

static uint64_t bot_head_bytes(size_t host_len, uint64_t body)
{
	return (sizeof req_line - 1) + host_len + (sizeof req_mid - 1) + ls_u64_digits(body) +
	       (sizeof req_ctype - 1) + BOUNDARY_LEN + (sizeof req_end - 1);
}

ls_err sim_channel_plan_bot_upload(uint64_t file_size, const char *host, const char *file_name,
                                   sim_channel_bot_upload *out)
{
	memset(out, 0, sizeof *out);
	if (file_size > SIM_CHANNEL_BOT_MAX_FILE || !bot_args_ok(host, file_name))
		return LS_ERR_RANGE;
	size_t hlen = strlen(host);
	uint64_t body = bot_body_bytes(file_size, file_name);
	uint64_t req = bot_head_bytes(hlen, body) + body;
	uint64_t records = (req + SIM_CHANNEL_TLS_RECORD_MAX - 1) / SIM_CHANNEL_TLS_RECORD_MAX;

	out->http_request_bytes = req;
	out->http_response_bytes = SIM_CHANNEL_BOT_RESPONSE_BYTES;
	out->connect_request_bytes = (sizeof connect_a - 1) + hlen + (sizeof connect_b - 1) + hlen +
	                             (sizeof connect_c - 1);
	out->tls_records_up = (uint32_t)records;
	out->tunnel_up_bytes =
	        SIM_CHANNEL_TLS_HELLO_UP + req + records * SIM_CHANNEL_TLS_RECORD_OVERHEAD;
	out->tunnel_down_bytes = SIM_CHANNEL_TLS_HELLO_DOWN + SIM_CHANNEL_BOT_RESPONSE_BYTES +
	                         SIM_CHANNEL_TLS_RECORD_OVERHEAD;
	out->up_bytes = out->connect_request_bytes + out->tunnel_up_bytes;
	out->down_bytes = SIM_CHANNEL_CONNECT_RESPONSE + out->tunnel_down_bytes;
	return LS_OK;
}

void sim_channel_bot_boundary(const char *file_name, char out[33])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char h[BOUNDARY_LEN / 2];
	crypto_generichash_state st;

	if (sodium_init() < 0)
		abort();
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	crypto_generichash_update(&st, (const unsigned char *)BOUNDARY_TAG,
	                          sizeof BOUNDARY_TAG - 1);
	crypto_generichash_update(&st, (const unsigned char *)file_name, strlen(file_name));
	crypto_generichash_final(&st, h, sizeof h);
	for (size_t i = 0; i < sizeof h; i++) {
		out[2 * i] = hex[h[i] >> 4];
		out[2 * i + 1] = hex[h[i] & 15];
	}
	out[BOUNDARY_LEN] = '\0';
}

ls_err sim_channel_bot_request(const char *host, const char *file_name, const unsigned char *data,
                               size_t len, ls_buf *out)
{
	if (len > SIM_CHANNEL_BOT_MAX_FILE || !bot_args_ok(host, file_name))
		return LS_ERR_RANGE;
	char b[BOUNDARY_LEN + 1];
	sim_channel_bot_boundary(file_name, b);

	ls_buf_append(out, LIT(req_line));
	ls_buf_append_cstr(out, host);
	ls_buf_append(out, LIT(req_mid));
	ls_buf_append_u64(out, bot_body_bytes(len, file_name));
	ls_buf_append(out, LIT(req_ctype));
	ls_buf_append(out, b, BOUNDARY_LEN);
	ls_buf_append(out, LIT(req_end));

	ls_buf_append(out, "--", 2);
	ls_buf_append(out, b, BOUNDARY_LEN);
	ls_buf_append(out, LIT(part_chat));
	ls_buf_append(out, b, BOUNDARY_LEN);
	ls_buf_append(out, LIT(part_doc));
	for (const char *p = file_name; *p; p++) {
		if (*p == '"')
			ls_buf_append(out, "%22", 3);
		else if (*p == '\r')
			ls_buf_append(out, "%0D", 3);
		else if (*p == '\n')
			ls_buf_append(out, "%0A", 3);
		else
			ls_buf_append_char(out, *p);
	}
	ls_buf_append(out, LIT(part_doc_end));
	ls_buf_append(out, data, len);
	ls_buf_append(out, LIT(body_close));
	ls_buf_append(out, b, BOUNDARY_LEN);
	ls_buf_append(out, LIT(body_close_end));
	return LS_OK;
}

void sim_channel_bot_connect_request(const char *host, ls_buf *out)
{
	ls_buf_append(out, LIT(connect_a));
	ls_buf_append_cstr(out, host);
	ls_buf_append(out, LIT(connect_b));
	ls_buf_append_cstr(out, host);
	ls_buf_append(out, LIT(connect_c));
}

/* Every variable field of the reply has a fixed width, so its size is a
 * constant; the values are placeholders. */
static const char resp_head[] = "HTTP/1.1 200 OK\r\n"
                                "Server: nginx/1.18.0\r\n"
                                "Content-Type: application/json\r\n"
                                "Content-Length: ";
static const char resp_head_end[] =
        "\r\n"
        "Connection: keep-alive\r\n"
        "Strict-Transport-Security: max-age=31536000; includeSubDomains; preload\r\n"
        "Access-Control-Allow-Origin: *\r\n"
        "Access-Control-Expose-Headers: Content-Length,Content-Type,Date,Server,Connection\r\n"
        "\r\n";
static const char resp_body[] =
        "{\"ok\":true,\"result\":{\"message_id\":100000,"
        "\"sender_chat\":{\"id\":" SIM_CHANNEL_BOT_CHAT_ID ",\"title\":\"SIMULATED\","
        "\"type\":\"channel\"},"
        "\"chat\":{\"id\":" SIM_CHANNEL_BOT_CHAT_ID ",\"title\":\"SIMULATED\","
        "\"type\":\"channel\"},"
        "\"date\":1000000000,"
        "\"document\":{\"file_id\":\"SIMULATED000000000000000000000000000000000000000000000000\","
        "\"file_unique_id\":\"SIMULATED0000000\"}}}";

void sim_channel_bot_response(ls_buf *out)
{
	ls_buf_append(out, LIT(resp_head));
	ls_buf_append_u64(out, sizeof resp_body - 1);
	ls_buf_append(out, LIT(resp_head_end));
	ls_buf_append(out, LIT(resp_body));
}

/* ------------------------------------------------------- the real framing */

static void frame_header(unsigned char *h, unsigned kind, uint64_t id, uint32_t index,
                         uint32_t count, uint32_t payload)
{
	memcpy(h, frame_magic, sizeof frame_magic);
	h[4] = SIM_CHANNEL_FRAME_VERSION;
	h[5] = (unsigned char)kind;
	h[6] = 0;
	h[7] = 0;
	put_be64(h + 8, id);
	put_be32(h + 16, index);
	put_be32(h + 20, count);
	put_be32(h + 24, payload);
}

/*
 * One secretstream over `parts` frames: full parts of ps bytes pushed as they
 * are, the last one padded to `block` and tagged FINAL. Each frame is written
 * straight into out; the header is the message's additional data.
 */
static ls_err encrypt_stream(const unsigned char key[32], unsigned kind, uint64_t id,
                             const unsigned char *data, size_t len, uint32_t ps, uint32_t parts,
                             uint32_t block, ls_buf *out)
{
	crypto_secretstream_xchacha20poly1305_state st;
	size_t orig = out->len;
	size_t last_len = len - (size_t)(parts - 1) * ps;
	size_t last_cap = (size_t)padded(last_len, block);
	unsigned char *last = ls_xmalloc(last_cap);
	ls_err err = LS_OK;

	if (sodium_init() < 0) {
		err = LS_ERR_CRYPTO;
		goto done;
	}
	if (last_len)
		memcpy(last, data + (size_t)(parts - 1) * ps, last_len);
	size_t last_padded;
	if (sodium_pad(&last_padded, last, last_len, block, last_cap) != 0 ||
	    last_padded != last_cap) {
		err = LS_ERR_CRYPTO;
		goto done;
	}
	for (uint32_t i = 0; i < parts; i++) {
		bool is_last = i + 1 == parts;
		const unsigned char *m = is_last ? last : data + (size_t)i * ps;
		size_t mlen = is_last ? last_padded : ps;
		size_t payload =
		        (i == 0 ? SIM_CHANNEL_STREAM_HEADER : 0) + mlen + SIM_CHANNEL_STREAM_ABYTES;
		ls_buf_reserve(out, SIM_CHANNEL_FRAME_HEADER + payload);
		unsigned char *h = (unsigned char *)out->data + out->len;
		unsigned char *c = h + SIM_CHANNEL_FRAME_HEADER;
		frame_header(h, kind, id, i, parts, (uint32_t)payload);
		if (i == 0) {
			if (crypto_secretstream_xchacha20poly1305_init_push(&st, c, key) != 0) {
				err = LS_ERR_CRYPTO;
				goto done;
			}
			c += SIM_CHANNEL_STREAM_HEADER;
		}
		unsigned char tag = is_last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
		                            : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
		if (crypto_secretstream_xchacha20poly1305_push(
		            &st, c, NULL, m, mlen, h, SIM_CHANNEL_FRAME_HEADER, tag) != 0) {
			err = LS_ERR_CRYPTO;
			goto done;
		}
		out->len += SIM_CHANNEL_FRAME_HEADER + payload;
		out->data[out->len] = '\0';
	}
done:
	sodium_memzero(&st, sizeof st);
	sodium_memzero(last, last_cap);
	free(last);
	if (err != LS_OK)
		ls_buf_truncate(out, orig);
	return err;
}

ls_err sim_channel_encrypt_file(const unsigned char key[32], uint64_t file_id,
                                const unsigned char *data, size_t len, ls_buf *frames_out)
{
	uint32_t ps = sim_channel_part_size(len);
	if (ps == 0)
		return LS_ERR_RANGE;
	return encrypt_stream(key, SIM_CHANNEL_KIND_FILE, file_id, data, len, ps,
	                      sim_channel_part_count(len), SIM_CHANNEL_FILE_PAD, frames_out);
}

ls_err sim_channel_encrypt_message(const unsigned char key[32], uint64_t message_id,
                                   const unsigned char *text, size_t len, ls_buf *frame_out)
{
	if (len > SIM_CHANNEL_MESSAGE_MAX)
		return LS_ERR_RANGE;
	return encrypt_stream(key, SIM_CHANNEL_KIND_MESSAGE, message_id, text, len,
	                      SIM_CHANNEL_MESSAGE_MAX, 1, SIM_CHANNEL_MESSAGE_PAD, frame_out);
}

/* ------------------------------------------------------------ the decoder */

/* Field offsets within a frame header, for diagnostics. */
enum {
	OFF_VERSION = 4,
	OFF_KIND = 5,
	OFF_RESERVED = 6,
	OFF_ID = 8,
	OFF_INDEX = 16,
	OFF_COUNT = 20,
	OFF_LENGTH = 24
};

/* Can some file of `count` parts have parts of t->part bytes? */
static bool count_fits_tier(const struct tier *t, uint32_t count)
{
	uint64_t fmin = (uint64_t)(count - 1) * t->part + 1;
	uint64_t fmax = (uint64_t)count * t->part;
	return fmin <= t->hi && fmax >= t->lo;
}

ls_err sim_channel_decrypt_frames(const unsigned char key[32], const unsigned char *frames,
                                  size_t len, ls_buf *plain_out, ls_diag *d)
{
	crypto_secretstream_xchacha20poly1305_state st;
	size_t orig = plain_out->len;
	size_t touched = orig; /* end of plaintext storage written, for wiping */
	size_t pos = 0, last_pos = 0;
	uint32_t expect = 0, count = 0;
	uint64_t ps = 0, total = 0, id = 0;
	unsigned kind = 0;
	ls_err err = LS_OK;

	memset(&st, 0, sizeof st);
	if (sodium_init() < 0) {
		err = ls_diag_set(d, LS_ERR_CRYPTO, NULL, 0, 0, "libsodium initialisation failed");
		goto done;
	}
	for (;;) {
		if (pos == len) {
			if (count == 0)
				err = ls_diag_set(d, LS_ERR_PARSE, NULL, 0, len + 1, "no frame");
			else
				err = ls_diag_set(
				        d, LS_ERR_PARSE, NULL, 0, len + 1,
				        "part %u of %u is missing: the stream ends without "
				        "its FINAL part",
				        (unsigned)expect, (unsigned)count);
			goto done;
		}
		const unsigned char *h = frames + pos;
		if (len - pos < SIM_CHANNEL_FRAME_HEADER) {
			err = ls_diag_set(d, LS_ERR_PARSE, NULL, 0, pos + 1,
			                  "truncated frame header: %zu of %u bytes", len - pos,
			                  SIM_CHANNEL_FRAME_HEADER);
			goto done;
		}
		if (memcmp(h, frame_magic, sizeof frame_magic) != 0) {
			err = ls_diag_set(d, LS_ERR_PARSE, NULL, 0, pos + 1, "bad frame magic");
			goto done;
		}
		if (h[OFF_VERSION] != SIM_CHANNEL_FRAME_VERSION) {
			err = ls_diag_set(d, LS_ERR_PARSE, NULL, 0, pos + OFF_VERSION + 1,
			                  "unsupported frame version %u", (unsigned)h[OFF_VERSION]);
			goto done;
		}
		unsigned k = h[OFF_KIND];
		if ((k != SIM_CHANNEL_KIND_FILE && k != SIM_CHANNEL_KIND_MESSAGE) ||
		    (expect > 0 && k != kind)) {
			err = ls_diag_set(d, LS_ERR_PARSE, NULL, 0, pos + OFF_KIND + 1,
			                  "unexpected frame kind %u", k);
			goto done;
		}
		if (h[OFF_RESERVED] != 0 || h[OFF_RESERVED + 1] != 0) {
			err = ls_diag_set(d, LS_ERR_PARSE, NULL, 0, pos + OFF_RESERVED + 1,
			                  "reserved bytes are not zero");
			goto done;
		}
		uint64_t fid = get_be64(h + OFF_ID);
		uint32_t index = get_be32(h + OFF_INDEX);
		uint32_t cnt = get_be32(h + OFF_COUNT);
		uint32_t plen = get_be32(h + OFF_LENGTH);
		if (expect > 0 && fid != id) {
			err = ls_diag_set(d, LS_ERR_PARSE, NULL, 0, pos + OFF_ID + 1,
			                  "frame id differs from part 0's");
			goto done;
		}
		if (index != expect) {
			err = ls_diag_set(d, LS_ERR_PARSE, NULL, 0, pos + OFF_INDEX + 1,
			                  "part index %u, expected %u", (unsigned)index,
			                  (unsigned)expect);
			goto done;
		}
		if (expect == 0) {
			if (cnt == 0 || cnt > SIM_CHANNEL_MAX_PARTS ||
			    (k == SIM_CHANNEL_KIND_MESSAGE && cnt != 1)) {
				err = ls_diag_set(d, LS_ERR_PARSE, NULL, 0, pos + OFF_COUNT + 1,
				                  "bad part count %u", (unsigned)cnt);
				goto done;
			}
			kind = k;
			id = fid;
			count = cnt;
		} else if (cnt != count) {
			err = ls_diag_set(d, LS_ERR_PARSE, NULL, 0, pos + OFF_COUNT + 1,
			                  "part count %u differs from part 0's %u", (unsigned)cnt,
			                  (unsigned)count);
			goto done;
		}

		/* The payload length: what the ladder and the padding allow. */
		bool is_last = index + 1 == count;
		uint32_t block = kind == SIM_CHANNEL_KIND_MESSAGE ? SIM_CHANNEL_MESSAGE_PAD
		                                                  : SIM_CHANNEL_FILE_PAD;
		size_t hdr = index == 0 ? SIM_CHANNEL_STREAM_HEADER : 0;
		size_t lpos = pos + OFF_LENGTH + 1;
		if (plen < hdr + SIM_CHANNEL_STREAM_ABYTES) {
			err = ls_diag_set(d, LS_ERR_PARSE, NULL, 0, lpos,
			                  "payload length %u is too short", (unsigned)plen);
			goto done;
		}
		uint64_t mlen = plen - hdr - SIM_CHANNEL_STREAM_ABYTES;
		if (!is_last && index == 0) {
			const struct tier *t = tier_of_part(mlen);
			if (t == NULL || !count_fits_tier(t, count)) {
				err = ls_diag_set(
				        d, LS_ERR_PARSE, NULL, 0, lpos,
				        "payload length %u: no file of %u parts has parts "
				        "of %llu bytes",
				        (unsigned)plen, (unsigned)count, (unsigned long long)mlen);
				goto done;
			}
			ps = mlen;
		} else if (!is_last && mlen != ps) {
			err = ls_diag_set(d, LS_ERR_PARSE, NULL, 0, lpos,
			                  "payload length %u: parts of this file are %llu bytes",
			                  (unsigned)plen, (unsigned long long)ps);
			goto done;
		} else if (is_last) {
			uint64_t max = kind == SIM_CHANNEL_KIND_MESSAGE
			                       ? padded(SIM_CHANNEL_MESSAGE_MAX, block)
			                       : (count == 1 ? tiers[0].part : ps) + block;
			if (mlen < block || mlen > max || mlen % block != 0) {
				err = ls_diag_set(d, LS_ERR_PARSE, NULL, 0, lpos,
				                  "payload length %u is not a padded last part",
				                  (unsigned)plen);
				goto done;
			}
		}
		if (plen > len - pos - SIM_CHANNEL_FRAME_HEADER) {
			err = ls_diag_set(d, LS_ERR_PARSE, NULL, 0, lpos,
			                  "payload of %u bytes runs past the end of the input "
			                  "(%zu bytes left)",
			                  (unsigned)plen, len - pos - SIM_CHANNEL_FRAME_HEADER);
			goto done;
		}

		/* The cryptography: the header is the additional data. */
		const unsigned char *c = h + SIM_CHANNEL_FRAME_HEADER;
		if (index == 0) {
			if (crypto_secretstream_xchacha20poly1305_init_pull(&st, c, key) != 0) {
				err = ls_diag_set(d, LS_ERR_CRYPTO, NULL, 0,
				                  pos + SIM_CHANNEL_FRAME_HEADER + 1,
				                  "bad secretstream header");
				goto done;
			}
			c += SIM_CHANNEL_STREAM_HEADER;
		}
		size_t cpos = (size_t)(c - frames) + 1;
		ls_buf_reserve(plain_out, (size_t)mlen);
		unsigned char *m = (unsigned char *)plain_out->data + plain_out->len;
		if (plain_out->len + mlen > touched)
			touched = plain_out->len + mlen;
		unsigned long long got = 0;
		unsigned char tag = 0;
		if (crypto_secretstream_xchacha20poly1305_pull(&st, m, &got, &tag, c,
		                                               mlen + SIM_CHANNEL_STREAM_ABYTES, h,
		                                               SIM_CHANNEL_FRAME_HEADER) != 0) {
			err = ls_diag_set(d, LS_ERR_CRYPTO, NULL, 0, cpos,
			                  "part %u does not authenticate", (unsigned)index);
			goto done;
		}
		unsigned char want = is_last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
		                             : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
		if (tag != want || got != mlen) {
			err = ls_diag_set(d, LS_ERR_CRYPTO, NULL, 0, cpos,
			                  "part %u has tag %u, expected %u", (unsigned)index,
			                  (unsigned)tag, (unsigned)want);
			goto done;
		}
		size_t keep = (size_t)got;
		if (is_last && sodium_unpad(&keep, m, (size_t)got, block) != 0) {
			err = ls_diag_set(d, LS_ERR_CRYPTO, NULL, 0, cpos,
			                  "part %u has bad padding", (unsigned)index);
			goto done;
		}
		plain_out->len += keep;
		plain_out->data[plain_out->len] = '\0';
		total += keep;
		last_pos = pos;
		pos += SIM_CHANNEL_FRAME_HEADER + (size_t)plen;
		expect++;
		if (is_last)
			break;
	}
	if (pos != len) {
		err = ls_diag_set(d, LS_ERR_PARSE, NULL, 0, pos + 1,
		                  "%zu bytes after the FINAL part", len - pos);
		goto done;
	}
	/* The file must be one the ladder sends this way. */
	if (kind == SIM_CHANNEL_KIND_FILE && (sim_channel_part_count(total) != count ||
	                                      (count > 1 && sim_channel_part_size(total) != ps))) {
		err = ls_diag_set(d, LS_ERR_PARSE, NULL, 0, last_pos + OFF_LENGTH + 1,
		                  "a file of %llu bytes is not sent as %u parts of %llu bytes",
		                  (unsigned long long)total, (unsigned)count,
		                  (unsigned long long)ps);
		goto done;
	}
done:
	sodium_memzero(&st, sizeof st);
	if (err != LS_OK) {
		if (touched > orig)
			sodium_memzero(plain_out->data + orig, touched - orig);
		ls_buf_truncate(plain_out, orig);
	}
	return err;
}

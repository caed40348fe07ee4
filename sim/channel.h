/*
 * channel.h - the secure messenger on the wire: an exact byte model of its
 * uploads and messages, backed by the real libsodium framing it models.
 *
 * The simulator writes network logs (Zeek conn.log orig_bytes/resp_bytes,
 * proxy cs-bytes/sc-bytes) whose byte counts must be exactly what a messenger
 * client would send, so that an analyst can reason from them as from real
 * traffic: an upload's size is recoverable to within one part. This module
 * is the single source of those numbers. docs/messenger.md documents the
 * model (frame layout, constants, formulas) with a worked example.
 *
 * Two halves:
 *   - the model: pure arithmetic, no allocation, no libsodium; the generator
 *     calls it per upload and per message;
 *   - the real thing: sim_channel_encrypt_file/_message and
 *     sim_channel_decrypt_frames do the actual secretstream framing, so tests
 *     prove that the model counts what the framing produces, and the frame
 *     decoder is fuzzed as a parser of untrusted input.
 *
 * Two paths leave a laptop:
 *   - native: frames in records of an obfuscated transport, one TCP
 *     connection per upload session, to the service's data-centre IPs (no DNS
 *     name, no SNI);
 *   - bot API: an HTTPS multipart POST to https://HOST/bot<token>/sendDocument
 *     through the web proxy (CONNECT), with an obviously fake token.
 *
 * Ownership: everything borrows its arguments; output buffers (ls_buf) are
 * caller-owned and only appended to. Nothing here keeps state between calls.
 */
#ifndef SIM_CHANNEL_H
#define SIM_CHANNEL_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/str.h"

/* ----------------------------------------------------------- constants */

/* Upload sessions per file, and parts per file (the ladder keeps files at or
 * below this many parts). */
#define SIM_CHANNEL_MAX_SESSIONS 8
#define SIM_CHANNEL_MAX_PARTS 4000u
/* Largest file the native path takes (4,000 parts of 512 KiB); larger files
 * must be split by the sender. */
#define SIM_CHANNEL_MAX_FILE ((uint64_t)4000 * 512 * 1024)
/* Longest chat message text in bytes; longer texts are sent as several. */
#define SIM_CHANNEL_MESSAGE_MAX 4096u

/* Frame layout (all integers big-endian):
 *   0 magic "LSMF" | 4 version 1 | 5 kind | 6 two zero bytes | 8 id (u64)
 *   16 part index (u32) | 20 part count (u32) | 24 payload length (u32)
 *   28 payload: [secretstream header, part 0 only] ciphertext
 * The whole 28-byte header is the secretstream message's additional data. */
#define SIM_CHANNEL_FRAME_HEADER 28u
#define SIM_CHANNEL_FRAME_VERSION 1u
#define SIM_CHANNEL_KIND_FILE 1u    /* a file part */
#define SIM_CHANNEL_KIND_MESSAGE 2u /* a chat message (one frame) */
/* crypto_secretstream_xchacha20poly1305_HEADERBYTES and _ABYTES. */
#define SIM_CHANNEL_STREAM_HEADER 24u
#define SIM_CHANNEL_STREAM_ABYTES 17u
/* sodium_pad block sizes: a file's last part, a chat message's text. */
#define SIM_CHANNEL_FILE_PAD 16u
#define SIM_CHANNEL_MESSAGE_PAD 256u

/* Native transport, counted as TCP payload (what Zeek's orig_bytes and
 * resp_bytes count). Every record is a 4-byte length, the body and a 16-byte
 * MAC; a session opens with a 64-byte obfuscation preamble and one
 * session-bind record up (196-byte body), and one session-ack record down
 * (132-byte body). The server acks each part or message with a record whose
 * body is the id and the part index (12 bytes). */
#define SIM_CHANNEL_RECORD_OVERHEAD 20u
#define SIM_CHANNEL_HELLO_UP 280u
#define SIM_CHANNEL_HELLO_DOWN 152u
#define SIM_CHANNEL_ACK 32u
/* Keepalive on a long-lived session: a ping record (8-byte body) each way. */
#define SIM_CHANNEL_PING 28u
/* Body of the chat message that announces a sent file on the long-lived
 * session, before its name: file key 32, id 8, size 8, part count 4, BLAKE2b
 * hash 32. */
#define SIM_CHANNEL_FILE_META 84u

/* Bot API path. */
#define SIM_CHANNEL_BOT_TOKEN "0000000000:SIMULATED" /* fake, never a credential */
#define SIM_CHANNEL_BOT_CHAT_ID "-1000000000000"     /* fake */
#define SIM_CHANNEL_BOT_USER_AGENT "python-requests/2.31.0"
#define SIM_CHANNEL_BOT_MAX_FILE ((uint64_t)50 * 1024 * 1024)
#define SIM_CHANNEL_BOT_HOST_MAX 253u
#define SIM_CHANNEL_BOT_NAME_MAX 255u
/* TLS 1.3: 5-byte record header + 1 inner content type + 16-byte AEAD tag
 * per record of at most 16,384 plaintext bytes. */
#define SIM_CHANNEL_TLS_RECORD_OVERHEAD 22u
#define SIM_CHANNEL_TLS_RECORD_MAX 16384u
/* Full TLS 1.3 handshake (X25519, ECDSA P-256 chain), docs/messenger.md:
 * up = ClientHello 517 + ChangeCipherSpec 6 + Finished 58;
 * down = ServerHello 127 + ChangeCipherSpec 6 + encrypted flight 2,989 +
 * two NewSessionTickets 2 x 239. */
#define SIM_CHANNEL_TLS_HELLO_UP 581u
#define SIM_CHANNEL_TLS_HELLO_DOWN 3600u
/* "HTTP/1.1 200 Connection established\r\n\r\n" from the proxy. */
#define SIM_CHANNEL_CONNECT_RESPONSE 39u
/* The API's reply to sendDocument: a fixed-size HTTP response (head + JSON). */
#define SIM_CHANNEL_BOT_RESPONSE_BYTES 624u

/* ---------------------------------------------------------- the ladder */

/* Part size for a file: 32 KiB under 1 MiB, 64 KiB up to 32 MiB inclusive,
 * then the smallest of 128/256/512 KiB that keeps it at <= 4,000 parts. A
 * zero-byte file has 32 KiB parts. 0 when file_size > SIM_CHANNEL_MAX_FILE. */
uint32_t sim_channel_part_size(uint64_t file_size);
/* ceil(file_size / part size), and 1 for a zero-byte file (one empty part).
 * 0 when the file is too large. */
uint32_t sim_channel_part_count(uint64_t file_size);

/* ----------------------------------------------------------- the model */

/* Bytes of frame `part` (header + payload) of a file; 0 when the file is too
 * large or part >= its part count. */
uint64_t sim_channel_frame_bytes(uint64_t file_size, uint32_t part);
/* Bytes of all of a file's frames: exactly what sim_channel_encrypt_file
 * appends. 0 when the file is too large. */
uint64_t sim_channel_file_frames_bytes(uint64_t file_size);

typedef struct sim_channel_session {
	uint32_t parts;      /* parts carried (part i goes to session i % nsessions) */
	uint64_t up_bytes;   /* client -> server TCP payload (Zeek orig_bytes) */
	uint64_t down_bytes; /* server -> client TCP payload (Zeek resp_bytes) */
} sim_channel_session;

typedef struct sim_channel_upload {
	uint64_t file_size;
	uint32_t part_size;
	uint32_t parts;
	uint32_t nsessions; /* min(sessions asked for, parts): no empty sessions */
	sim_channel_session session[SIM_CHANNEL_MAX_SESSIONS]; /* [nsessions..] zero */
	uint64_t up_total, down_total;                         /* sums over the sessions */
} sim_channel_upload;

/*
 * Plan the native upload of a file over `sessions` parallel upload sessions
 * (1..SIM_CHANNEL_MAX_SESSIONS). Each session is one TCP connection: the
 * handshake, then per part one transport record up and one ack down.
 * LS_ERR_RANGE for a bad session count or a file over SIM_CHANNEL_MAX_FILE
 * (*out is then zeroed). Pure arithmetic, O(sessions).
 */
ls_err sim_channel_plan_upload(uint64_t file_size, uint32_t sessions,
                               sim_channel_upload *out) LS_WUR;

/*
 * Bound a file's size from the upstream bytes of its upload: on success
 * *lo <= size <= *hi for every file size and session count the model maps to
 * up_total. With `sessions` known (1..8: the number of connections seen)
 * hi - lo < the file's part size; with sessions == 0 (unknown) the interval
 * widens by up to 7 x SIM_CHANNEL_HELLO_UP. LS_ERR_RANGE when no upload
 * produces up_total (or sessions > 8).
 */
ls_err sim_channel_estimate_file_size(uint64_t up_total, uint32_t sessions, uint64_t *lo,
                                      uint64_t *hi) LS_WUR;

/* Bytes of the one frame carrying a chat message of text_len bytes. */
uint64_t sim_channel_message_frame_bytes(size_t text_len);
/* TCP payload of sending one chat message of text_len bytes
 * (<= SIM_CHANNEL_MESSAGE_MAX) over an open long-lived session: the frame in a
 * record up, an ack down. */
void sim_channel_message_bytes(size_t text_len, uint64_t *up, uint64_t *down);
/* The same for receiving one: the frame comes down, the ack goes up. */
void sim_channel_message_recv_bytes(size_t text_len, uint64_t *up, uint64_t *down);
/* The message announcing a sent file (SIM_CHANNEL_FILE_META + name_len bytes
 * of text) on the long-lived session. */
void sim_channel_file_message_bytes(size_t name_len, uint64_t *up, uint64_t *down);

/* ------------------------------------------------------------- bot API */

typedef struct sim_channel_bot_upload {
	uint64_t up_bytes;              /* laptop -> proxy: CONNECT + TLS (proxy cs-bytes) */
	uint64_t down_bytes;            /* proxy -> laptop: 200 + TLS (proxy sc-bytes) */
	uint64_t http_request_bytes;    /* HTTP request, head + body */
	uint64_t http_response_bytes;   /* SIM_CHANNEL_BOT_RESPONSE_BYTES */
	uint64_t connect_request_bytes; /* the CONNECT request to the proxy */
	uint64_t tunnel_up_bytes;       /* TLS bytes proxy -> API server (Zeek orig_bytes) */
	uint64_t tunnel_down_bytes;     /* TLS bytes API server -> proxy (Zeek resp_bytes) */
	uint32_t tls_records_up;        /* application-data records of the request */
} sim_channel_bot_upload;

/*
 * Plan a bot API sendDocument upload of a file through the web proxy. host is
 * the API host (letters, digits, '.', '-'; 1..253 bytes); file_name is 1..255
 * bytes without NUL. LS_ERR_RANGE for a file over SIM_CHANNEL_BOT_MAX_FILE or
 * a bad host or name (*out is then zeroed). Pure arithmetic.
 */
ls_err sim_channel_plan_bot_upload(uint64_t file_size, const char *host, const char *file_name,
                                   sim_channel_bot_upload *out) LS_WUR;

/* The multipart boundary for a file name: 32 lower-case hex digits of
 * BLAKE2b-128("leaksim/bot-boundary/v1" || name), NUL-terminated. */
void sim_channel_bot_boundary(const char *file_name, char out[33]);

/*
 * Append the real HTTP request (request line, headers, multipart body with the
 * file's bytes) that the bot path sends; its length is the plan's
 * http_request_bytes. Same argument checks as sim_channel_plan_bot_upload.
 */
ls_err sim_channel_bot_request(const char *host, const char *file_name, const unsigned char *data,
                               size_t len, ls_buf *out) LS_WUR;
/* Append the CONNECT request the client sends to the proxy for host (host is
 * assumed valid, as checked by the functions above). */
void sim_channel_bot_connect_request(const char *host, ls_buf *out);
/* Append the API's fixed-size reply (SIM_CHANNEL_BOT_RESPONSE_BYTES bytes). */
void sim_channel_bot_response(ls_buf *out);

/* ---------------------------------------------------- the real framing */

/*
 * Encrypt a file as the native client does and append all its part frames to
 * frames_out: one secretstream per file under `key`, parts by the ladder, the
 * last part sodium_pad-ded to 16 bytes and tagged FINAL. Exactly
 * sim_channel_file_frames_bytes(len) bytes are appended; their content differs
 * per call (the stream header is random, as in real clients). LS_ERR_RANGE
 * for len > SIM_CHANNEL_MAX_FILE, LS_ERR_CRYPTO if libsodium fails (then
 * frames_out is left as it was).
 */
ls_err sim_channel_encrypt_file(const unsigned char key[32], uint64_t file_id,
                                const unsigned char *data, size_t len, ls_buf *frames_out) LS_WUR;

/* Encrypt a chat message as one frame (kind MESSAGE, its own secretstream,
 * text padded to 256 bytes, tagged FINAL) and append it: exactly
 * sim_channel_message_frame_bytes(len) bytes. LS_ERR_RANGE for
 * len > SIM_CHANNEL_MESSAGE_MAX. */
ls_err sim_channel_encrypt_message(const unsigned char key[32], uint64_t message_id,
                                   const unsigned char *text, size_t len, ls_buf *frame_out) LS_WUR;

/*
 * Decode and decrypt the frames of exactly one file (or one message) and
 * append its plaintext to plain_out. Strict: wrong magic, version, kind,
 * reserved bytes, id, part order or count, a payload length the ladder does
 * not allow, a truncated frame, a missing FINAL part or bytes after it give
 * LS_ERR_PARSE; a frame that does not authenticate, a wrong tag or bad
 * padding gives LS_ERR_CRYPTO. On error d (may be NULL) gets the error, a
 * message and in d->col the 1-based position (byte offset + 1) of the
 * offending field (len + 1 for a missing part), and plain_out is left as it
 * was (appended plaintext is wiped). Never reads outside frames[0..len).
 */
ls_err sim_channel_decrypt_frames(const unsigned char key[32], const unsigned char *frames,
                                  size_t len, ls_buf *plain_out, ls_diag *d) LS_WUR;

#endif

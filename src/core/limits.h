/*
 * limits.h - the named caps on untrusted input.
 *
 * Every reader and parser in leaksim bounds what it accepts by one of these
 * constants, so that hostile input is rejected with LS_ERR_TOOLONG and a
 * diagnostic instead of exhausting memory or the stack.
 */
#ifndef LS_CORE_LIMITS_H
#define LS_CORE_LIMITS_H

/* Longest timestamp text any time parser accepts. */
#define LS_TIME_TEXT_MAX 64
/* Longest single log line or JSON record. */
#define LS_LINE_MAX (1024u * 1024u)
/* Deepest nesting of JSON objects/arrays, written or read. */
#define LS_JSON_DEPTH_MAX 64
/* Deepest nesting of YAML documents (rules, scenarios). */
#define LS_YAML_DEPTH_MAX 64
/* Largest JSON document (an answer key, a manifest) read whole into a tree. */
#define LS_JDOC_BYTES_MAX (1024u * 1024u * 1024u)
/* Most values in one JSON document tree. */
#define LS_JDOC_NODES_MAX (64u * 1024u * 1024u)

#endif

/*
 * jw.h - a JSON writer: a document written straight into an lx_buf, for
 * the replies read most often (a case with its timeline, a page of cases).
 *
 * jansson builds a tree first: an allocation per value and per key, a
 * hashtable per object, then a walk to print it. A case with its timeline
 * made ~150 allocations; here it is one growing buffer. The output is
 * byte for byte what json_dumps(JSON_COMPACT | JSON_REAL_PRECISION(12))
 * prints for the same values in the same order (tests/unit/test_jw.c
 * checks it against jansson).
 *
 * Commas are the writer's business: keys and values say where they go,
 * and the writer puts a comma before every member but the first.
 */
#ifndef LX_JW_H
#define LX_JW_H

#include "lx.h"

#include <stdbool.h>
#include <stdint.h>

#define LX_JW_DEPTH 16

typedef struct lx_jw {
	lx_buf *b;
	int depth;
	bool more[LX_JW_DEPTH]; /* a member was written at this depth */
	bool keyed;             /* a key was written, its value comes next */
} lx_jw;

/* Starts a writer appending to b (the caller owns b). */
void lx_jw_init(lx_jw *w, lx_buf *b);
/* Opens or closes an object or array (c is '{', '}', '[' or ']'). */
void lx_jw_open(lx_jw *w, char c);
void lx_jw_close(lx_jw *w, char c);
/* Writes the key of the next member of an object (k is plain ASCII). */
void lx_jw_key(lx_jw *w, const char *k);
/* Values: a string (NULL writes null), integers, reals as jansson prints
 * them with 12 significant digits, booleans, null. */
void lx_jw_str(lx_jw *w, const char *s);
/* An id, a count or a size that 0 means "none" of: the number, or null for 0. */
void lx_jw_id(lx_jw *w, int64_t id);
void lx_jw_int(lx_jw *w, int64_t v);
void lx_jw_real(lx_jw *w, double v);
void lx_jw_bool(lx_jw *w, bool v);
void lx_jw_null(lx_jw *w);
/* Writes time t as local RFC 3339 time at offset_min (lx_time_format), or
 * null for 0 (the API's "not yet"). */
void lx_jw_time(lx_jw *w, lx_ms t, int offset_min);

/* Writes json, a complete JSON value the caller vouches for (text the
 * program itself stored, e.g. with json_dumps), or fallback when json is
 * NULL or empty. */
void lx_jw_raw(lx_jw *w, const char *json, const char *fallback);

#endif

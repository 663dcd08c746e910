/*
 * lx.h - the few things every room shares: allocation that never returns
 * NULL, a growable string buffer, status codes and time helpers.
 *
 * Pure: no I/O here besides aborting on out-of-memory.
 */
#ifndef LX_H
#define LX_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdbool.h>

/* Status codes shared by every module. 0 is success; negative is failure. */
enum {
	LX_OK = 0,
	LX_ERR = -1,       /* generic failure (I/O, driver) */
	LX_NOTFOUND = -2,  /* no such row / outside scope */
	LX_CONFLICT = -3,  /* illegal transition or stale version */
	LX_INVALID = -4,   /* well-formed but invalid value */
	LX_FORBIDDEN = -5, /* role does not allow it */
	LX_BUSY = -6,      /* database busy / unavailable */
	LX_BADREQ = -7,    /* malformed input */
	LX_ANSWERED = -8   /* a write route's check answered the request itself and
			    * the write job is not to run (a dry run) */
};

/* The LX_ code that stands for an HTTP error status (401/403 forbidden, 404
 * not found, 409 conflict, 422 invalid, 503 busy, other 4xx bad request,
 * 5xx error); LX_OK for anything below 400. */
int lx_code_of_status(int status);

/* Allocation wrappers: abort with a message on failure, never return NULL. */
void *lx_xmalloc(size_t n);
void *lx_xcalloc(size_t n, size_t m);
void *lx_xrealloc(void *p, size_t n);
/* Returns a malloc'd copy of s (NULL stays NULL); caller frees. */
char *lx_xstrdup(const char *s);
/* Returns a malloc'd copy of the first n bytes of s, NUL-terminated; caller frees. */
char *lx_xstrndup(const char *s, size_t n);
/* Returns a malloc'd printf-formatted string; caller frees. */
char *lx_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A growable byte buffer, always NUL-terminated after the first append. */
typedef struct lx_buf {
	char *data;
	size_t len;
	size_t cap;
} lx_buf;

void lx_buf_init(lx_buf *b);
void lx_buf_free(lx_buf *b);
void lx_buf_reset(lx_buf *b);
void lx_buf_append(lx_buf *b, const void *p, size_t n);
void lx_buf_puts(lx_buf *b, const char *s);
void lx_buf_putc(lx_buf *b, char c);
void lx_buf_printf(lx_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void lx_buf_vprintf(lx_buf *b, const char *fmt, va_list ap);
/* Returns the buffer's data, handing ownership to the caller; b is reset. */
char *lx_buf_steal(lx_buf *b);

/* Time: milliseconds since the Unix epoch, UTC. */
typedef int64_t lx_ms;
#define LX_DAY_MS (24LL * 3600 * 1000)

/* Returns the current wall-clock time in ms. */
lx_ms lx_now_ms(void);
/* The CLOCK_REALTIME moment ms milliseconds from now into *ts: the deadline
 * pthread_cond_timedwait takes. */
struct timespec;
void lx_deadline_in_ms(struct timespec *ts, long long ms);
/* Days from 1970-01-01 of a proleptic Gregorian date (m 1-12, d 1-31; no
 * range check), and back. */
int64_t lx_days_from_civil(int64_t y, unsigned m, unsigned d);
void lx_civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d);
/* Formats t as RFC 3339 with the given offset ("2026-04-01T09:30:00+08:00")
 * into out (at least 32 bytes). Returns out. */
char *lx_time_format(lx_ms t, int offset_min, char *out, size_t outsz);
/* The local date of t at offset_min ("2026-12-02") into out. Returns out. */
char *lx_local_day(lx_ms t, int offset_min, char out[11]);
/* Parses RFC 3339 / W3C datetime (with Z or +hh:mm, or a plain date
 * YYYY-MM-DD read in the server zone offset_min) into *out.
 * Returns LX_OK or LX_INVALID. */
int lx_time_parse(const char *s, int offset_min, lx_ms *out);

/* Returns true when s[0..n) is valid UTF-8 (no overlongs, no surrogates). */
bool lx_utf8_valid(const char *s, size_t n);
/* Reads s as a plain decimal number (sign, digits, a point, an exponent;
 * no hex, no inf or nan, no spaces) into *out. Returns whether it was one. */
bool lx_parse_decimal(const char *s, double *out);
/* Returns the number of code points in a valid UTF-8 string. */
size_t lx_utf8_len(const char *s);

/* Masks a phone number for display: "13812345678" -> "138****5678".
 * Returns a malloc'd string (NULL for NULL); caller frees. */
char *lx_mask_phone(const char *phone);
/* The key a phone number is found by: its digits, without a leading 0086
 * or the 86 before an 11-digit mobile ("+86 139-1234-5678" ->
 * "13912345678"). A malloc'd string the caller frees, or NULL for NULL or
 * a number without digits. */
char *lx_phone_key(const char *phone);

#endif

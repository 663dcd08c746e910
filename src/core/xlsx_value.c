/*
 * xlsx_value.c - a cell's text as the table shows it (xlsx_int.h): the
 * OOXML escapes, numbers as Excel shows them (integers without an
 * exponent, 15 significant digits), serial dates by the cell's style, and
 * the small text helpers of the parts' handlers.
 */
#include "xlsx_int.h"

#include <assert.h>
#include <expat.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zip.h>

/* Copies s into out (outsz > 0) for a message: at most outsz - 1 bytes,
 * anything but printable ASCII as '?', so a cut never splits a character. */
void lx_xlsx_ascii(const char *s, char *out, size_t outsz)
{
	size_t i = 0;
	assert(outsz > 0);
	for (; s[i] && i + 1 < outsz; i++)
		out[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	out[i] = '\0';
}

/* Returns the local name of an expat name "URI<sep>local" (or "local"). */
const char *lx_xlsx_local(const XML_Char *name)
{
	const char *sep = strrchr(name, LX_XLSX_NS_SEP);
	return sep ? sep + 1 : name;
}

/* Returns the value of the attribute with the local name local, in no
 * namespace (ns false) or in any (ns true, as r:id), or NULL. */
const char *lx_xlsx_attr(const XML_Char **atts, const char *local, bool ns)
{
	for (size_t i = 0; atts[i]; i += 2) {
		const char *sep = strrchr(atts[i], LX_XLSX_NS_SEP);
		if ((sep != NULL) == ns && strcmp(sep ? sep + 1 : atts[i], local) == 0)
			return atts[i + 1];
	}
	return NULL;
}

/* Whether s ends with suffix. */
bool lx_xlsx_ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/*
 * Reads the decimal digits s[0..n) into *v, saturating at max + 1 (max <
 * SIZE_MAX / 10). Returns false, *v untouched, when s is empty or holds
 * anything but digits.
 */
bool lx_xlsx_uint(const char *s, size_t n, size_t max, size_t *v)
{
	size_t r = 0;
	assert(max < SIZE_MAX / 10);
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		r = r * 10 + (size_t)(s[i] - '0');
		if (r > max)
			r = max + 1;
	}
	*v = r;
	return true;
}

/* Narrows s[0..*n) to its part without surrounding ASCII spaces/tabs. */
void lx_xlsx_trim(const char **s, size_t *n)
{
	while (*n > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

/* Appends code point cp (below 0x10000, not a surrogate) as UTF-8. */
static void lx_xlsx_put_utf8(lx_buf *o, unsigned cp)
{
	char u[3];
	assert(cp > 0 && cp < 0x10000 && (cp < 0xD800 || cp > 0xDFFF));
	if (cp < 0x80) {
		lx_buf_putc(o, (char)cp);
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		lx_buf_append(o, u, 2);
	} else {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		lx_buf_append(o, u, 3);
	}
}

/* The value of hex digit c, or -1. */
static int lx_xlsx_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * Appends s[0..n) to o with OOXML's _xHHHH_ escapes decoded (ST_Xstring: a
 * UTF-16 code unit, how Excel writes characters XML cannot hold, such as
 * CR as _x000D_, and "_x005F_" for a literal '_'). An escape of NUL or of
 * a surrogate half stays as it is, so the text remains valid UTF-8.
 */
void lx_xlsx_unescape(const char *s, size_t n, lx_buf *o)
{
	size_t from = 0, i = 0;
	while (i + 7 <= n) {
		const char *u = memchr(s + i, '_', n - i - 6);
		if (!u)
			break;
		i = (size_t)(u - s);
		int h[4] = {lx_xlsx_hex(s[i + 2]), lx_xlsx_hex(s[i + 3]), lx_xlsx_hex(s[i + 4]),
			    lx_xlsx_hex(s[i + 5])};
		if (s[i + 1] == 'x' && s[i + 6] == '_' && h[0] >= 0 && h[1] >= 0 && h[2] >= 0 && h[3] >= 0) {
			unsigned cp = (unsigned)(h[0] << 12 | h[1] << 8 | h[2] << 4 | h[3]);
			if (cp != 0 && (cp < 0xD800 || cp > 0xDFFF)) {
				lx_buf_append(o, s + from, i - from);
				lx_xlsx_put_utf8(o, cp);
				i += 7;
				from = i;
				continue;
			}
		}
		i++;
	}
	lx_buf_append(o, s + from, n - from);
}


/* Splits s[0..n) into *d; returns false when it is not a decimal number. */
bool lx_xlsx_dec_parse(const char *s, size_t n, lx_xlsx_dec *d)
{
	size_t i = 0;
	*d = (lx_xlsx_dec){0};
	if (i < n && (s[i] == '-' || s[i] == '+'))
		d->neg = s[i++] == '-';
	d->ip = s + i;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	d->in = (size_t)(s + i - d->ip);
	d->fp = s + i;
	if (i < n && s[i] == '.') {
		d->fp = s + ++i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		d->fn = (size_t)(s + i - d->fp);
	}
	if (d->in + d->fn == 0)
		return false;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		bool eneg = false;
		size_t e0;
		d->has_exp = true;
		i++;
		if (i < n && (s[i] == '-' || s[i] == '+'))
			eneg = s[i++] == '-';
		e0 = i;
		while (i < n && s[i] >= '0' && s[i] <= '9') {
			if (d->exp < 100000)
				d->exp = d->exp * 10 + (s[i] - '0');
			i++;
		}
		if (i == e0)
			return false;
		if (eneg)
			d->exp = -d->exp;
	}
	return i == n;
}

/* The k-th digit (0-based) of d's mantissa, integer digits first; '0' past the end. */
static char lx_xlsx_dec_digit(const lx_xlsx_dec *d, size_t k)
{
	if (k < d->in)
		return d->ip[k];
	return k - d->in < d->fn ? d->fp[k - d->in] : '0';
}

/*
 * Appends the number text s[0..n) as the table shows it: as written, except
 * that more than 15 significant digits are rounded to 15 (what Excel shows;
 * the rest is binary noise) and an integer in exponent form is written in
 * plain digits (a phone number typed as a number must not read 1.38E+10).
 * Text that is not a decimal number is appended as it is.
 */
void lx_xlsx_number(const char *s, size_t n, lx_buf *o)
{
	lx_xlsx_dec d;
	char g[40];
	if (!lx_xlsx_dec_parse(s, n, &d)) {
		lx_buf_append(o, s, n);
		return;
	}
	size_t nd = d.in + d.fn, first = 0, last = nd;
	while (first < nd && lx_xlsx_dec_digit(&d, first) == '0')
		first++;
	while (last > first && lx_xlsx_dec_digit(&d, last - 1) == '0')
		last--;
	if (last - first > 15) {
		char *z = lx_xstrndup(s, n);
		double v = strtod(z, NULL);
		free(z);
		if (!isfinite(v)) {
			lx_buf_append(o, s, n);
			return;
		}
		int gn = snprintf(g, sizeof g, "%.15g", v);
		assert(gn > 0 && (size_t)gn < sizeof g);
		s = g;
		n = (size_t)gn;
		bool ok = lx_xlsx_dec_parse(s, n, &d);
		assert(ok);
		(void)ok;
		nd = d.in + d.fn;
	}
	if (!d.has_exp) {
		lx_buf_append(o, s, n);
		return;
	}
	/* integer digits of the value: the mantissa's, moved by the exponent */
	long k = (long)d.in + d.exp;
	size_t nonzero = 0; /* one past the last non-zero mantissa digit */
	for (size_t i = 0; i < nd; i++) {
		if (lx_xlsx_dec_digit(&d, i) != '0')
			nonzero = i + 1;
	}
	if (nonzero == 0) {
		lx_buf_putc(o, '0');
		return;
	}
	if (k < (long)nonzero || k > LX_XLSX_MAX_DIGITS) {
		lx_buf_append(o, s, n); /* not an integer, or too long to write out */
		return;
	}
	if (d.neg)
		lx_buf_putc(o, '-');
	bool lead = true;
	for (size_t i = 0; i < (size_t)k; i++) {
		char c = lx_xlsx_dec_digit(&d, i);
		if (lead && c == '0')
			continue;
		lead = false;
		lx_buf_putc(o, c);
	}
}

/* Appends " HH:MM" (or "HH:MM" when alone) for secs seconds into a day. */
static void lx_xlsx_put_time(lx_buf *o, int64_t secs, bool alone)
{
	assert(secs >= 0 && secs < 86400);
	lx_buf_printf(o, "%s%02d:%02d", alone ? "" : " ", (int)(secs / 3600), (int)(secs % 3600 / 60));
}

/*
 * Appends the date of serial day v in the workbook's date system: 1900 (day
 * 1 is 1900-01-01 and day 60 the 1900-02-29 Lotus had and Excel keeps) or
 * 1904 (day 0 is 1904-01-01). Returns false, nothing appended, when v is
 * not a date from the system's start to 9999-12-31.
 */
bool lx_xlsx_serial_date(double v, bool date1904, lx_buf *o)
{
	if (!(v >= 0 && v < 3000000))
		return false;
	int64_t t = llround(v * 86400.0);
	int64_t days = t / 86400, secs = t % 86400;
	int y = 1900;
	unsigned m = 2, d = 29;
	if (!date1904 && days == 0) {
		lx_xlsx_put_time(o, secs, true); /* a time of day without a date */
		return true;
	}
	if (date1904 || days != 60) {
		int64_t unix_days = date1904 ? days - 24107 : days - (days < 60 ? 25568 : 25569);
		lx_civil_from_days(unix_days, &y, &m, &d);
		if (y > 9999)
			return false;
	}
	lx_buf_printf(o, "%04d-%02u-%02u", y, m, d);
	if (secs != 0)
		lx_xlsx_put_time(o, secs, false);
	return true;
}

/* Whether s[i..i+n) are n digits. */
static bool lx_xlsx_digits(const char *s, size_t len, size_t i, size_t n)
{
	if (i + n > len)
		return false;
	for (size_t k = i; k < i + n; k++) {
		if (s[k] < '0' || s[k] > '9')
			return false;
	}
	return true;
}

/*
 * Appends an ISO 8601 date (a t="d" cell, "2026-03-05T10:30:00") as the
 * serial dates are: "YYYY-MM-DD", " HH:MM" after it when the time is not
 * midnight. Returns false, nothing appended, when s does not start with a
 * date.
 */
bool lx_xlsx_iso_date(const char *s, size_t n, lx_buf *o)
{
	if (n < 10 || !lx_xlsx_digits(s, n, 0, 4) || s[4] != '-' || !lx_xlsx_digits(s, n, 5, 2) || s[7] != '-' ||
	    !lx_xlsx_digits(s, n, 8, 2))
		return false;
	lx_buf_append(o, s, 10);
	if (n >= 16 && (s[10] == 'T' || s[10] == ' ') && lx_xlsx_digits(s, n, 11, 2) && s[13] == ':' &&
	    lx_xlsx_digits(s, n, 14, 2)) {
		bool sec = n >= 19 && s[16] == ':' && lx_xlsx_digits(s, n, 17, 2);
		if (memcmp(s + 11, "00:00", 5) != 0 || (sec && memcmp(s + 17, "00", 2) != 0)) {
			lx_buf_putc(o, ' ');
			lx_buf_append(o, s + 11, 5);
		}
	}
	return true;
}

/* Whether a custom number format code shows a date or time: y, m or d
 * outside quoted text, [brackets] and \, _ and * escapes. */
bool lx_xlsx_code_is_date(const char *code)
{
	for (const char *p = code; *p; p++) {
		switch (*p) {
		case '"':
			p = strchr(p + 1, '"');
			if (!p)
				return false;
			break;
		case '[':
			p = strchr(p + 1, ']');
			if (!p)
				return false;
			break;
		case '\\':
		case '_':
		case '*':
			if (!p[1])
				return false;
			p++;
			break;
		case 'y': case 'Y': case 'm': case 'M': case 'd': case 'D':
			return true;
		default:
			break;
		}
	}
	return false;
}

/* Whether a built-in number format (no <numFmt> of its own) is a date or time. */
bool lx_xlsx_builtin_is_date(size_t id)
{
	return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) ||
	       (id >= 50 && id <= 58);
}


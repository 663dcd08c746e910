/*
 * jw.c - the JSON writer (jw.h).
 */
#include "jw.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void lx_jw_init(lx_jw *w, lx_buf *b)
{
	memset(w, 0, sizeof *w);
	w->b = b;
}

/* The separator before a value: none after a key, a comma after an
 * earlier member of the same array or object. */
static void lx_jw_sep(lx_jw *w)
{
	if (w->keyed) {
		w->keyed = false;
		return;
	}
	if (w->more[w->depth])
		lx_buf_putc(w->b, ',');
	w->more[w->depth] = true;
}

void lx_jw_open(lx_jw *w, char c)
{
	assert(c == '{' || c == '[');
	assert(w->depth + 1 < LX_JW_DEPTH);
	lx_jw_sep(w);
	lx_buf_putc(w->b, c);
	w->more[++w->depth] = false;
}

void lx_jw_close(lx_jw *w, char c)
{
	assert(c == '}' || c == ']');
	assert(w->depth > 0 && !w->keyed);
	w->depth--;
	lx_buf_putc(w->b, c);
}

/* Appends s quoted and escaped as jansson does without JSON_ENSURE_ASCII:
 * quote, backslash and control characters; UTF-8 passes through. */
static void lx_jw_quote(lx_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF"; /* as jansson */
	lx_buf_putc(b, '"');
	const char *run = s;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p >= 0x20 && *p != '"' && *p != '\\')
			continue;
		lx_buf_append(b, run, (size_t)((const char *)p - run));
		char esc[7] = {'\\', 0};
		size_t n = 2;
		switch (*p) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[*p >> 4];
			esc[5] = hex[*p & 15];
			n = 6;
		}
		lx_buf_append(b, esc, n);
		run = (const char *)p + 1;
	}
	lx_buf_puts(b, run);
	lx_buf_putc(b, '"');
}

void lx_jw_key(lx_jw *w, const char *k)
{
	assert(!w->keyed);
	lx_jw_sep(w);
	lx_jw_quote(w->b, k);
	lx_buf_putc(w->b, ':');
	w->keyed = true;
}

void lx_jw_str(lx_jw *w, const char *s)
{
	if (!s) {
		lx_jw_null(w);
		return;
	}
	lx_jw_sep(w);
	lx_jw_quote(w->b, s);
}

void lx_jw_int(lx_jw *w, int64_t v)
{
	char num[24];
	int n = snprintf(num, sizeof num, "%" PRId64, v);
	lx_jw_sep(w);
	lx_buf_append(w->b, num, (size_t)n);
}

void lx_jw_real(lx_jw *w, double v)
{
	/* jansson: "%.12g", ".0" added when that reads as an integer, and the
	 * exponent without '+' or leading zeros ("1e+20" -> "1e20") */
	char num[40];
	snprintf(num, sizeof num, "%.12g", v);
	lx_jw_sep(w);
	const char *e = strchr(num, 'e');
	if (!e) {
		lx_buf_puts(w->b, num);
		if (!strchr(num, '.'))
			lx_buf_puts(w->b, ".0");
		return;
	}
	lx_buf_append(w->b, num, (size_t)(e - num) + 1);
	const char *p = e + 1;
	if (*p == '-')
		lx_buf_putc(w->b, *p++);
	else if (*p == '+')
		p++;
	while (*p == '0')
		p++;
	lx_buf_puts(w->b, p);
}

void lx_jw_bool(lx_jw *w, bool v)
{
	lx_jw_sep(w);
	lx_buf_puts(w->b, v ? "true" : "false");
}

void lx_jw_null(lx_jw *w)
{
	lx_jw_sep(w);
	lx_buf_puts(w->b, "null");
}

void lx_jw_time(lx_jw *w, lx_ms t, int offset_min)
{
	char buf[40];
	if (t)
		lx_jw_str(w, lx_time_format(t, offset_min, buf, sizeof buf));
	else
		lx_jw_null(w);
}

void lx_jw_raw(lx_jw *w, const char *json, const char *fallback)
{
	lx_jw_sep(w);
	lx_buf_puts(w->b, json && *json ? json : fallback);
}

void lx_jw_id(lx_jw *w, int64_t id)
{
	if (id)
		lx_jw_int(w, id);
	else
		lx_jw_null(w);
}

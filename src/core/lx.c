/*
 * lx.c - allocation, buffers, time and UTF-8 helpers shared by every room.
 */

#include "lx.h"

#include <assert.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <math.h>
#include <string.h>
#include <time.h>

static void lx_oom(size_t n)
{
	fprintf(stderr, "lianxin: out of memory allocating %zu bytes\n", n);
	abort();
}

void *lx_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		lx_oom(n);
	return p;
}

void *lx_xcalloc(size_t n, size_t m)
{
	void *p = calloc(n ? n : 1, m ? m : 1);
	if (!p)
		lx_oom(n * m);
	return p;
}

void *lx_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		lx_oom(n);
	return q;
}

char *lx_xstrdup(const char *s)
{
	if (!s)
		return NULL;
	return lx_xstrndup(s, strlen(s));
}

char *lx_xstrndup(const char *s, size_t n)
{
	char *p = lx_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *lx_xasprintf(const char *fmt, ...)
{
	lx_buf b;
	va_list ap;
	lx_buf_init(&b);
	va_start(ap, fmt);
	lx_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (!b.data)
		return lx_xstrdup("");
	return lx_buf_steal(&b);
}

void lx_buf_init(lx_buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void lx_buf_free(lx_buf *b)
{
	free(b->data);
	lx_buf_init(b);
}

void lx_buf_reset(lx_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

static void lx_buf_grow(lx_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	b->data = lx_xrealloc(b->data, cap);
	b->cap = cap;
}

void lx_buf_append(lx_buf *b, const void *p, size_t n)
{
	lx_buf_grow(b, n);
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void lx_buf_puts(lx_buf *b, const char *s)
{
	lx_buf_append(b, s, strlen(s));
}

void lx_buf_putc(lx_buf *b, char c)
{
	lx_buf_append(b, &c, 1);
}

void lx_buf_vprintf(lx_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	assert(n >= 0);
	lx_buf_grow(b, (size_t)n);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void lx_buf_printf(lx_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	lx_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

char *lx_buf_steal(lx_buf *b)
{
	char *p = b->data;
	if (!p)
		p = lx_xstrdup("");
	lx_buf_init(b);
	return p;
}

void lx_deadline_in_ms(struct timespec *ts, long long ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	long long ns = ts->tv_nsec + ms * 1000000LL;
	ts->tv_sec += ns / 1000000000LL;
	ts->tv_nsec = ns % 1000000000LL;
}

lx_ms lx_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (lx_ms)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t lx_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void lx_civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
	z += 719468;
	const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	const unsigned doe = (unsigned)(z - era * 146097);
	const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const int64_t yy = (int64_t)yoe + era * 400;
	const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yy + (*m <= 2));
}

char *lx_time_format(lx_ms t, int offset_min, char *out, size_t outsz)
{
	int64_t secs = (t >= 0 ? t / 1000 : (t - 999) / 1000) + (int64_t)offset_min * 60;
	int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
	int64_t rem = secs - days * 86400;
	int y;
	unsigned mo, d;
	lx_civil_from_days(days, &y, &mo, &d);
	int off = offset_min < 0 ? -offset_min : offset_min;
	if (y < 0 || y > 9999 || off / 60 > 99 || outsz < 26) {
		snprintf(out, outsz, "%04d-%02u-%02uT%02d:%02d:%02d%c%02d:%02d", y, mo, d,
			 (int)(rem / 3600), (int)(rem % 3600 / 60), (int)(rem % 60),
			 offset_min < 0 ? '-' : '+', off / 60, off % 60);
		return out;
	}
	/* the same text by hand: every reply prints a dozen times, and
	 * snprintf was most of a case's JSON (docs/performance.md) */
	int f[] = {y / 100, y % 100, (int)mo, (int)d, (int)(rem / 3600), (int)(rem % 3600 / 60), (int)(rem % 60),
		   off / 60, off % 60};
	static const char sep[] = {0, '-', '-', 'T', ':', ':', 0, ':', 0};
	char *p = out;
	for (int i = 0; i < 9; i++) {
		if (i == 7)
			*p++ = offset_min < 0 ? '-' : '+';
		*p++ = (char)('0' + f[i] / 10);
		*p++ = (char)('0' + f[i] % 10);
		if (sep[i])
			*p++ = sep[i];
	}
	*p = '\0';
	return out;
}

static int lx_digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return LX_INVALID;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return LX_OK;
}

int lx_time_parse(const char *s, int offset_min, lx_ms *out)
{
	const char *p = s;
	int y, mo, d, h = 0, mi = 0, se = 0, ms = 0, off = offset_min;
	if (!s)
		return LX_INVALID;
	if (lx_digits(&p, 4, &y) || *p++ != '-' || lx_digits(&p, 2, &mo) || *p++ != '-' ||
	    lx_digits(&p, 2, &d))
		return LX_INVALID;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (lx_digits(&p, 2, &h) || *p++ != ':' || lx_digits(&p, 2, &mi))
			return LX_INVALID;
		if (*p == ':') {
			p++;
			if (lx_digits(&p, 2, &se))
				return LX_INVALID;
			if (*p == '.') {
				int scale = 100;
				p++;
				if (!isdigit((unsigned char)*p))
					return LX_INVALID;
				while (isdigit((unsigned char)*p)) {
					ms += (*p - '0') * scale;
					scale /= 10;
					p++;
				}
			}
		}
		if (*p == 'Z' || *p == 'z') {
			off = 0;
			p++;
		} else if (*p == '+' || *p == '-') {
			int sign = *p == '-' ? -1 : 1, oh, om;
			p++;
			if (lx_digits(&p, 2, &oh))
				return LX_INVALID;
			if (*p == ':')
				p++;
			if (lx_digits(&p, 2, &om) || oh > 23 || om > 59)
				return LX_INVALID;
			off = sign * (oh * 60 + om);
		} else {
			return LX_INVALID; /* a datetime must carry its zone */
		}
	}
	if (*p != '\0')
		return LX_INVALID;
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 || se > 60)
		return LX_INVALID;
	if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return LX_INVALID;
	int64_t days = lx_days_from_civil(y, (unsigned)mo, (unsigned)d);
	int64_t secs = days * 86400 + h * 3600 + mi * 60 + (se == 60 ? 59 : se) - (int64_t)off * 60;
	*out = secs * 1000 + ms;
	return LX_OK;
}

bool lx_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	while (p < end) {
		unsigned c = *p;
		if (c < 0x80) {
			if (c == 0)
				return false;
			p++;
			continue;
		}
		int len;
		unsigned cp;
		if (c >= 0xC2 && c <= 0xDF) {
			len = 2;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			len = 3;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			len = 4;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (end - p < len)
			return false;
		for (int i = 1; i < len; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i] & 0x3F);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		p += len;
	}
	return true;
}

size_t lx_utf8_len(const char *s)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p & 0xC0) != 0x80)
			n++;
	return n;
}

char *lx_mask_phone(const char *phone)
{
	if (!phone)
		return NULL;
	/* a mobile however it was typed ("+86 139-1234-5678") is shown as
	 * one: 139****5678, so no spelling shows more of it than another */
	char *key = lx_phone_key(phone);
	if (key && strlen(key) == 11 && key[0] == '1') {
		memset(key + 3, '*', 4);
		return key;
	}
	free(key);
	size_t n = strlen(phone);
	/* Mobile numbers keep the carrier prefix and the last four digits
	 * (138****5678); shorter numbers keep at most two at each end, so at
	 * least half of every number is hidden. */
	size_t head = n >= 11 ? 3 : n >= 7 ? 2 : n > 2 ? 1 : 0;
	size_t tail = n >= 11 ? 4 : n >= 7 ? 2 : 0;
	char *m = lx_xstrdup(phone);
	for (size_t i = head; i + tail < n; i++)
		m[i] = '*';
	return m;
}

int lx_code_of_status(int status)
{
	switch (status) {
	case 401:
	case 403:
		return LX_FORBIDDEN;
	case 404:
		return LX_NOTFOUND;
	case 409:
		return LX_CONFLICT;
	case 422:
		return LX_INVALID;
	case 503:
		return LX_BUSY;
	default:
		return status < 400 ? LX_OK : status >= 500 ? LX_ERR : LX_BADREQ;
	}
}

bool lx_parse_decimal(const char *s, double *out)
{
	const char *p = s;
	if (!s)
		return false;
	/* what a person writes: [-+]digits[.digits][e[-+]digits]; strtod
	 * would take hex (0x25 is 37), inf, nan and leading spaces too */
	if (*p == '-' || *p == '+')
		p++;
	size_t digits = strspn(p, "0123456789");
	p += digits;
	if (*p == '.') {
		size_t frac = strspn(p + 1, "0123456789");
		digits += frac;
		p += 1 + frac;
	}
	if (!digits)
		return false;
	if (*p == 'e' || *p == 'E') {
		const char *q = p + 1;
		if (*q == '-' || *q == '+')
			q++;
		size_t ed = strspn(q, "0123456789");
		if (!ed)
			return false;
		p = q + ed;
	}
	if (*p)
		return false;
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (*end || errno || !isfinite(v))
		return false;
	*out = v;
	return true;
}

char *lx_phone_key(const char *phone)
{
	if (!phone)
		return NULL;
	size_t n = 0, len = strlen(phone);
	char *k = lx_xmalloc(len + 1);
	for (const char *p = phone; *p; p++)
		if (*p >= '0' && *p <= '9')
			k[n++] = *p;
	k[n] = '\0';
	char *d = k;
	if (n > 4 && strncmp(d, "0086", 4) == 0)
		d += 4;
	else if (n == 13 && strncmp(d, "861", 3) == 0)
		d += 2;
	if (!*d) {
		free(k);
		return NULL;
	}
	memmove(k, d, strlen(d) + 1);
	return k;
}

char *lx_local_day(lx_ms t, int offset_min, char out[11])
{
	char iso[40];
	lx_time_format(t, offset_min, iso, sizeof iso);
	memcpy(out, iso, 10);
	out[10] = '\0';
	return out;
}

/*
 * scrub.c - masking personal numbers in free text (see scrub.h for the
 * rules), and the characters XML 1.0 cannot carry.
 *
 * The text is read once, left to right, as groups of digits (ASCII or
 * full-width) joined by short runs of separators. The groups of one such
 * run are kept in a small window; at its first group each kind of number is
 * tried in turn (an ID number, a mobile, a landline), and a match masks its
 * digits in place and takes its groups, else the first group is dropped and
 * the next one tried. A group of more than 18 digits is no number of ours.
 */
#include "scrub.h"

#include <stdlib.h>
#include <string.h>

#define LX_SCRUB_GMAX 18 /* the longest group worth its digits: an ID number */
#define LX_SCRUB_WIN 8   /* groups of one run held at once (a match takes at most 6) */
#define LX_SCRUB_GAP 3   /* separator characters between two groups of a number */
#define LX_SCRUB_CAT 24  /* digits of a few groups put together */

/* One group: its digits in ASCII, where each starts in the text and how
 * many bytes it spans (1, or 3 for a full-width digit). */
typedef struct lx_scrub_group {
	int n;                              /* digits; > LX_SCRUB_GMAX: too long */
	bool x;                             /* followed by an X (d[n], at[n], w[n]) */
	bool soft;                          /* only spaces and dashes part it from the last */
	char d[LX_SCRUB_GMAX + 2];
	size_t at[LX_SCRUB_GMAX + 1];
	unsigned char w[LX_SCRUB_GMAX + 1];
} lx_scrub_group;

/* The digits of consecutive groups put together. */
typedef struct lx_scrub_cat {
	int n;
	char d[LX_SCRUB_CAT + 1];
	size_t at[LX_SCRUB_CAT];
	unsigned char w[LX_SCRUB_CAT];
} lx_scrub_cat;

/* ---------------- characters ---------------- */

/* A digit at s[i]: its value into *v; returns its width, 0 for none. */
static size_t lx_digit_at(const unsigned char *s, size_t len, size_t i, int *v)
{
	if (s[i] >= '0' && s[i] <= '9') {
		*v = s[i] - '0';
		return 1;
	}
	/* full-width U+FF10..U+FF19: EF BC 90..99 */
	if (s[i] == 0xEF && i + 2 < len && s[i + 1] == 0xBC && s[i + 2] >= 0x90 && s[i + 2] <= 0x99) {
		*v = s[i + 2] - 0x90;
		return 3;
	}
	return 0;
}

/* The check digit X at s[i] (X, x, Ｘ, ｘ): returns its width, 0 for none. */
static size_t lx_x_at(const unsigned char *s, size_t len, size_t i)
{
	if (s[i] == 'X' || s[i] == 'x')
		return 1;
	if (s[i] == 0xEF && i + 2 < len &&
	    ((s[i + 1] == 0xBC && s[i + 2] == 0xB8) || (s[i + 1] == 0xBD && s[i + 2] == 0x98)))
		return 3;
	return 0;
}

/* A separator at s[i]: returns its width, 0 for none; *soft is cleared
 * unless it is a space or a dash (what may part the groups of an ID). */
static size_t lx_sep_at(const unsigned char *s, size_t len, size_t i, bool *soft)
{
	switch (s[i]) {
	case ' ':
	case '-':
		return 1;
	case '.':
	case '+':
	case '(':
	case ')':
		*soft = false;
		return 1;
	case 0xC2: /* U+00A0 no-break space */
		return i + 1 < len && s[i + 1] == 0xA0 ? 2 : 0;
	case 0xE3: /* U+3000 ideographic space */
		return i + 2 < len && s[i + 1] == 0x80 && s[i + 2] == 0x80 ? 3 : 0;
	case 0xE2: /* U+2013 en dash, U+2014 em dash */
		return i + 2 < len && s[i + 1] == 0x80 && (s[i + 2] == 0x93 || s[i + 2] == 0x94) ? 3 : 0;
	case 0xEF:
		if (i + 2 >= len || s[i + 1] != 0xBC)
			return 0;
		if (s[i + 2] == 0x8D) /* U+FF0D － */
			return 3;
		/* U+FF08 （ U+FF09 ） U+FF0B ＋ U+FF0E ． */
		if (s[i + 2] == 0x88 || s[i + 2] == 0x89 || s[i + 2] == 0x8B || s[i + 2] == 0x8E) {
			*soft = false;
			return 3;
		}
		return 0;
	default:
		return 0;
	}
}

/* Masks the character of width w at s[at]: '*', or '＊' (EF BC 8A) for a
 * full-width one, so the text keeps its length. */
static void lx_mask_at(char *s, size_t at, unsigned char w)
{
	if (w == 1) {
		s[at] = '*';
	} else {
		s[at] = (char)0xEF;
		s[at + 1] = (char)0xBC;
		s[at + 2] = (char)0x8A;
	}
}

/* Puts groups g[0..k) together (the X of the last one too when with_x).
 * Returns false when one is too long or they do not fit. */
static bool lx_cat(const lx_scrub_group *g, int k, bool with_x, lx_scrub_cat *c)
{
	c->n = 0;
	for (int j = 0; j < k; j++) {
		int m = g[j].n + (with_x && g[j].x ? 1 : 0);
		if (g[j].n > LX_SCRUB_GMAX || c->n + m > LX_SCRUB_CAT)
			return false;
		memcpy(c->d + c->n, g[j].d, (size_t)m);
		memcpy(c->at + c->n, g[j].at, (size_t)m * sizeof c->at[0]);
		memcpy(c->w + c->n, g[j].w, (size_t)m);
		c->n += m;
	}
	c->d[c->n] = '\0';
	return true;
}

static void lx_cat_mask(char *s, const lx_scrub_cat *c, int from, int to)
{
	for (int i = from; i < to && i < c->n; i++)
		lx_mask_at(s, c->at[i], c->w[i]);
}

static int lx_num(const char *d, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++)
		v = v * 10 + (d[i] - '0');
	return v;
}

/* ---------------- ID numbers ---------------- */

/* The province codes of GB/T 2260 (and 71 Taiwan, 81-83 the residence
 * permits of Hong Kong, Macao and Taiwan residents, 91 abroad). */
static bool lx_province_ok(int p)
{
	return (p >= 11 && p <= 15) || (p >= 21 && p <= 23) || (p >= 31 && p <= 37) ||
	       (p >= 41 && p <= 46) || (p >= 50 && p <= 54) || (p >= 61 && p <= 65) || p == 71 ||
	       (p >= 81 && p <= 83) || p == 91;
}

static bool lx_date_ok(int y, int m, int d)
{
	static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m < 1 || m > 12 || d < 1 || d > days[m - 1])
		return false;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m != 2 || d <= 28 || leap;
}

/* An ID number of 18 (the last may be X) or 15 characters whose province
 * and birth date are plausible. */
static bool lx_id_ok(const lx_scrub_cat *c)
{
	if (c->n != 18 && c->n != 15)
		return false;
	for (int i = 0; i < c->n; i++)
		if (c->d[i] < '0' || c->d[i] > '9')
			if (!(i == 17 && c->d[i] == 'X'))
				return false;
	if (!lx_province_ok(lx_num(c->d, 2)))
		return false;
	if (c->n == 18) {
		int y = lx_num(c->d + 6, 4);
		return y >= 1900 && y <= 2099 && lx_date_ok(y, lx_num(c->d + 10, 2), lx_num(c->d + 12, 2));
	}
	return lx_date_ok(1900 + lx_num(c->d + 6, 2), lx_num(c->d + 8, 2), lx_num(c->d + 10, 2));
}

/* An ID number in the first groups (at most six, 18 wins over 15): keeps the
 * area code. Returns the groups taken, 0 for none. */
static int lx_match_id(char *s, const lx_scrub_group *g, int ng)
{
	lx_scrub_cat c;
	int total = 0, best = 0;
	for (int k = 1; k <= ng && k <= 6; k++) {
		const lx_scrub_group *q = &g[k - 1];
		if (q->n > LX_SCRUB_GMAX || (k > 1 && !q->soft))
			break;
		total += q->n + (q->x ? 1 : 0);
		if (total > 18)
			break;
		if ((total == 18 || (total == 15 && !q->x)) && lx_cat(g, k, true, &c) && lx_id_ok(&c))
			best = k;
		if (q->x)
			break;
	}
	if (!best)
		return 0;
	lx_cat(g, best, true, &c);
	lx_cat_mask(s, &c, 6, c.n);
	return best;
}

/* ---------------- mobiles ---------------- */

static bool lx_mobile_ok(const char *d)
{
	return d[0] == '1' && d[1] >= '3' && d[1] <= '9';
}

/* A mobile: one group of 11 digits (13 with 86, 15 with 0086 glued on), or
 * up to three groups of three or more digits making 11. Masks the four
 * digits after the carrier prefix. Returns the groups taken, 0 for none. */
static int lx_match_mobile(char *s, const lx_scrub_group *g, int ng)
{
	const lx_scrub_group *q = &g[0];
	lx_scrub_cat c;
	if (q->n > LX_SCRUB_GMAX)
		return 0;
	int off = q->n == 11				     ? 0
		  : q->n == 13 && memcmp(q->d, "86", 2) == 0   ? 2
		  : q->n == 15 && memcmp(q->d, "0086", 4) == 0 ? 4
							       : -1;
	if (off >= 0 && lx_mobile_ok(q->d + off)) {
		for (int i = off + 3; i < off + 7; i++)
			lx_mask_at(s, q->at[i], q->w[i]);
		return 1;
	}
	int total = 0;
	for (int k = 1; k <= ng && k <= 3; k++) {
		if (g[k - 1].n < 3 || g[k - 1].n > LX_SCRUB_GMAX)
			return 0;
		total += g[k - 1].n;
		if (total > 11)
			return 0;
		if (total == 11) {
			if (k == 1 || !lx_cat(g, k, false, &c) || !lx_mobile_ok(c.d))
				return 0;
			lx_cat_mask(s, &c, 3, 7);
			return k;
		}
	}
	return 0;
}

/* ---------------- landlines ---------------- */

/* The length of the area code at the start of d[0..n) (with its 0): 3 for
 * 010 and 02x, 4 for 0[3-9]xx; 0 when d starts with none. */
static int lx_area_len(const char *d, int n)
{
	if (n < 3 || d[0] != '0')
		return 0;
	if ((d[1] == '1' && d[2] == '0') || d[1] == '2')
		return 3;
	return d[1] >= '3' && d[1] <= '9' && n >= 4 ? 4 : 0;
}

/* The same without the leading 0, after +86: 10 and 2x, or [3-9]xx. */
static int lx_area_len_intl(const char *d, int n)
{
	if (n < 2)
		return 0;
	if ((d[0] == '1' && d[1] == '0') || d[0] == '2')
		return 2;
	return d[0] >= '3' && d[0] <= '9' && n >= 3 ? 3 : 0;
}

/* The subscriber number in g[from..ng): one group of 7 or 8 digits, or 3-4
 * digits and 4 more, not starting with 0. Puts its digits in *c; returns
 * the groups taken, 0 for none. */
static int lx_subscriber(const lx_scrub_group *g, int from, int ng, lx_scrub_cat *c)
{
	if (from >= ng || g[from].n > LX_SCRUB_GMAX || g[from].d[0] == '0')
		return 0;
	if (g[from].n == 7 || g[from].n == 8)
		return lx_cat(g + from, 1, false, c) ? 1 : 0;
	if (from + 1 < ng && (g[from].n == 3 || g[from].n == 4) && g[from + 1].n == 4)
		return lx_cat(g + from, 2, false, c) ? 2 : 0;
	return 0;
}

/* A landline with its area code: glued (03532345678), or the area code as
 * a group of its own (0353-2345678, (0353)2345678, 010-1234-5678), or after
 * +86 / 0086 without its 0. Keeps the area code and masks the first four
 * digits of the number. Returns the groups taken, 0 for none. */
static int lx_match_landline(char *s, const lx_scrub_group *g, int ng)
{
	const lx_scrub_group *q = &g[0];
	lx_scrub_cat c;
	int k;
	if (q->n > LX_SCRUB_GMAX)
		return 0;
	int a = lx_area_len(q->d, q->n);
	if (a && (q->n - a == 7 || q->n - a == 8) && q->d[a] != '0') {
		for (int i = a; i < a + 4; i++)
			lx_mask_at(s, q->at[i], q->w[i]);
		return 1;
	}
	if (a && a == q->n && (k = lx_subscriber(g, 1, ng, &c)) > 0) {
		lx_cat_mask(s, &c, 0, 4);
		return 1 + k;
	}
	bool cc = (q->n == 2 && memcmp(q->d, "86", 2) == 0) || (q->n == 4 && memcmp(q->d, "0086", 4) == 0);
	if (!cc || ng < 2 || g[1].n > LX_SCRUB_GMAX)
		return 0;
	const lx_scrub_group *r = &g[1];
	a = lx_area_len_intl(r->d, r->n);
	if (a && a == r->n && (k = lx_subscriber(g, 2, ng, &c)) > 0) {
		lx_cat_mask(s, &c, 0, 4);
		return 2 + k;
	}
	if (a && (r->n - a == 7 || r->n - a == 8) && r->d[a] != '0') {
		for (int i = a; i < a + 4; i++)
			lx_mask_at(s, r->at[i], r->w[i]);
		return 2;
	}
	return 0;
}

/* ---------------- the scan ---------------- */

/* Tries every kind of number at g[0]; masks what matches. Returns the groups
 * done with (at least 1); *masked counts the numbers. */
static int lx_scrub_take(char *s, const lx_scrub_group *g, int ng, size_t *masked)
{
	int k = lx_match_id(s, g, ng);
	if (!k)
		k = lx_match_mobile(s, g, ng);
	if (!k)
		k = lx_match_landline(s, g, ng);
	if (k) {
		(*masked)++;
		return k;
	}
	return 1;
}

/* Matches and drops groups from the front of the window until at most keep
 * are left. */
static void lx_scrub_drain(char *s, lx_scrub_group *g, int *ng, int keep, size_t *masked)
{
	while (*ng > keep) {
		int k = lx_scrub_take(s, g, *ng, masked);
		memmove(g, g + k, (size_t)(*ng - k) * sizeof *g);
		*ng -= k;
	}
}

size_t lx_scrub_pii_inplace(char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	lx_scrub_group g[LX_SCRUB_WIN];
	int ng = 0, v;
	size_t masked = 0, i = 0, w;
	bool joined = false; /* the group starting at i joins the window */
	bool soft = false;   /* and only spaces and dashes part it from the last */

	while (i < len) {
		if (!lx_digit_at(u, len, i, &v)) {
			/* a continuation byte is never a digit or separator lead byte */
			i++;
			continue;
		}
		if (!joined)
			lx_scrub_drain(s, g, &ng, 0, &masked);
		else if (ng == LX_SCRUB_WIN)
			lx_scrub_drain(s, g, &ng, LX_SCRUB_WIN - 1, &masked);
		lx_scrub_group *q = &g[ng++];
		q->n = 0;
		q->x = false;
		q->soft = joined && soft;
		while (i < len && (w = lx_digit_at(u, len, i, &v)) > 0) {
			if (q->n < LX_SCRUB_GMAX) {
				q->d[q->n] = (char)('0' + v);
				q->at[q->n] = i;
				q->w[q->n] = (unsigned char)w;
			}
			q->n++;
			i += w;
		}
		if (q->n <= LX_SCRUB_GMAX)
			q->d[q->n] = '\0';
		joined = false;
		if (i < len && q->n < LX_SCRUB_GMAX && (w = lx_x_at(u, len, i)) > 0) {
			/* a check digit ends the run: nothing joins after it */
			q->x = true;
			q->d[q->n] = 'X';
			q->d[q->n + 1] = '\0';
			q->at[q->n] = i;
			q->w[q->n] = (unsigned char)w;
			i += w;
			continue;
		}
		size_t j = i;
		int seps = 0;
		soft = true;
		while (j < len && seps < LX_SCRUB_GAP && (w = lx_sep_at(u, len, j, &soft)) > 0) {
			j += w;
			seps++;
		}
		if (seps && j < len && lx_digit_at(u, len, j, &v)) {
			joined = true;
			i = j;
		}
	}
	lx_scrub_drain(s, g, &ng, 0, &masked);
	return masked;
}

char *lx_scrub_pii(const char *s)
{
	if (!s)
		return NULL;
	char *out = lx_xstrdup(s);
	lx_scrub_pii_inplace(out, strlen(out));
	return out;
}

size_t lx_scrub_json_inplace(char *json, size_t len)
{
	size_t masked = 0, i = 0;
	while (i < len) {
		if (json[i] != '"') {
			i++;
			continue;
		}
		size_t seg = ++i;
		while (i < len && json[i] != '"') {
			if (json[i] != '\\') {
				i++;
				continue;
			}
			/* an escape is left alone and parts the text around it */
			masked += lx_scrub_pii_inplace(json + seg, i - seg);
			i += i + 1 < len && json[i + 1] == 'u' ? 6 : 2;
			if (i > len)
				i = len;
			seg = i;
		}
		masked += lx_scrub_pii_inplace(json + seg, i - seg);
		i++;
	}
	return masked;
}

/* ---------------- XML characters ---------------- */

/* The width of the valid UTF-8 character at p[0..left), its code point into
 * *cp; 0 when the bytes are not one (overlong, surrogate, truncated). */
static size_t lx_utf8_char(const unsigned char *p, size_t left, unsigned *cp)
{
	size_t n;
	unsigned c = p[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
		c &= 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		c &= 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		c &= 0x07;
	} else {
		return 0;
	}
	if (left < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3F);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10FFFF)) || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return n;
}

char *lx_scrub_xml_chars(const char *s)
{
	if (!s)
		return NULL;
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i = 0;
	lx_buf b;
	lx_buf_init(&b);
	while (i < len) {
		unsigned cp = 0;
		size_t n = lx_utf8_char(p + i, len - i, &cp);
		if (!n) {
			lx_buf_append(&b, "\xEF\xBF\xBD", 3);
			i++;
			continue;
		}
		bool bad = (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0xFFFE || cp == 0xFFFF;
		if (!bad)
			lx_buf_append(&b, p + i, n);
		i += n;
	}
	return lx_buf_steal(&b);
}

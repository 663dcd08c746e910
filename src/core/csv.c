/*
 * csv.c - RFC 4180 CSV reader with UTF-8 / GBK (GB18030) detection.
 *
 * The input is first brought to UTF-8 as a whole (GB18030 never uses CR, LF,
 * '"' or ',' inside a multi-byte character, so converting first keeps the
 * line structure and line numbers of the original), then scanned once. All
 * field text lives in one buffer and all field pointers in one array, so a
 * table is four allocations whatever its size.
 */
#include "csv.h"
#include "lx.h"

#include <assert.h>
#include <errno.h>
#include <iconv.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LX_CSV_BOM "\xEF\xBB\xBF"

/* What lx_csv_parse allocates; lx_csv_free casts back (pub is first). */
typedef struct lx_csv_impl {
	lx_csv pub;
	char *text;    /* every field's bytes, each NUL-terminated */
	char **fields; /* every field pointer; rows[i].fields point into it */
} lx_csv_impl;

typedef struct lx_csv_parser {
	const char *s;    /* UTF-8 input, no BOM, no NUL */
	size_t n;
	size_t pos;
	size_t line;      /* 1-based line of s[pos] */
	lx_csv_builder b; /* the fields and rows read so far */
} lx_csv_parser;

static void lx_csv_seterr(char *err, size_t errsz, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void lx_csv_seterr(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;
	if (!err || errsz == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
}

/* Length of the line break at s[i] (2 for CRLF, 1 for LF or a lone CR), or 0. */
static size_t lx_csv_break_len(const char *s, size_t n, size_t i)
{
	assert(i < n);
	if (s[i] == '\n')
		return 1;
	if (s[i] == '\r')
		return i + 1 < n && s[i + 1] == '\n' ? 2 : 1;
	return 0;
}

/* 1-based line number of s[off] (off <= n). */
static size_t lx_csv_line_at(const char *s, size_t n, size_t off)
{
	size_t line = 1;
	assert(off <= n);
	for (size_t i = 0; i < off; i++) {
		if (s[i] == '\n' || (s[i] == '\r' && (i + 1 >= n || s[i + 1] != '\n')))
			line++;
	}
	return line;
}

/* Number of line breaks in s[0..n), a lone CR at the end counting as one. */
static size_t lx_csv_count_breaks(const char *s, size_t n)
{
	return lx_csv_line_at(s, n, n) - 1;
}

/*
 * Returns 0 when s[0..n) is valid UTF-8, else the 1-based line of the first
 * invalid sequence. Checking line by line is exact because no UTF-8
 * multi-byte sequence contains CR or LF.
 */
static size_t lx_csv_utf8_bad_line(const char *s, size_t n)
{
	size_t line = 1, start = 0, i = 0;
	for (;;) {
		size_t bl = i < n ? lx_csv_break_len(s, n, i) : 0;
		if (i < n && bl == 0) {
			i++;
			continue;
		}
		if (!lx_utf8_valid(s + start, i - start))
			return line;
		if (i >= n)
			return 0;
		i += bl;
		start = i;
		line++;
	}
}

/* Doubles the iconv output buffer, keeping *op and *ol pointing at its free part. */
static void lx_csv_grow_out(char **buf, size_t *cap, char **op, size_t *ol)
{
	size_t used = (size_t)(*op - *buf);
	*cap *= 2;
	*buf = lx_xrealloc(*buf, *cap);
	*op = *buf + used;
	*ol = *cap - used - 1; /* room for the terminating NUL */
}

/*
 * Converts in[0..len) from GB18030 to UTF-8. Returns LX_OK with a malloc'd,
 * NUL-terminated *out (caller frees) and its length in *outlen; LX_INVALID
 * with the offset of the first undecodable byte in *bad_off; LX_ERR when
 * iconv does not know GB18030.
 */
static int lx_csv_from_gb18030(const char *in, size_t len, char **out, size_t *outlen,
			       size_t *bad_off)
{
	int rc = LX_OK;
	iconv_t cd = iconv_open("UTF-8", "GB18030");
	if (cd == (iconv_t)-1)
		return LX_ERR;

	size_t cap = len + len / 2 + 16; /* 2 GBK bytes -> 3 UTF-8 bytes at most */
	char *buf = lx_xmalloc(cap);
	char *ip = (char *)in; /* iconv's prototype is not const-correct */
	size_t il = len;
	char *op = buf;
	size_t ol = cap - 1; /* room for the terminating NUL */
	while (il > 0) {
		if (iconv(cd, &ip, &il, &op, &ol) != (size_t)-1)
			continue; /* success means everything was consumed */
		if (errno == E2BIG) {
			lx_csv_grow_out(&buf, &cap, &op, &ol);
			continue;
		}
		/* EILSEQ (invalid sequence) or EINVAL (truncated at the end) */
		*bad_off = (size_t)(ip - in);
		rc = LX_INVALID;
		goto cleanup;
	}
	/* flush any shift state (GB18030 has none, but be correct) */
	while (iconv(cd, NULL, NULL, &op, &ol) == (size_t)-1) {
		if (errno != E2BIG) {
			*bad_off = len;
			rc = LX_INVALID;
			goto cleanup;
		}
		lx_csv_grow_out(&buf, &cap, &op, &ol);
	}
	*op = '\0';
	*outlen = (size_t)(op - buf);
	*out = buf;
	buf = NULL;
cleanup:
	free(buf);
	iconv_close(cd);
	return rc;
}

/* Starts a field at the end of b->text; its bytes and NUL are appended after. */
static void lx_csv_push_field(lx_csv_builder *b)
{
	if (b->noffs == b->capoffs) {
		b->capoffs = b->capoffs ? b->capoffs * 2 : 64;
		b->offs = lx_xrealloc(b->offs, b->capoffs * sizeof *b->offs);
	}
	b->offs[b->noffs++] = b->text.len;
}

void lx_csv_builder_init(lx_csv_builder *b)
{
	assert(b);
	*b = (lx_csv_builder){0};
	lx_buf_init(&b->text);
}

void lx_csv_builder_field(lx_csv_builder *b, const char *s, size_t n)
{
	assert(b && (s || n == 0));
	assert(n == 0 || !memchr(s, '\0', n));
	lx_csv_push_field(b);
	lx_buf_append(&b->text, s, n);
	lx_buf_putc(&b->text, '\0');
}

void lx_csv_builder_row(lx_csv_builder *b, size_t line)
{
	assert(b && b->noffs > b->row_first);
	if (b->nrows == b->caprows) {
		b->caprows = b->caprows ? b->caprows * 2 : 16;
		b->rows = lx_xrealloc(b->rows, b->caprows * sizeof *b->rows);
	}
	b->rows[b->nrows++] =
		(lx_csv_row){.line = line, .nfields = b->noffs - b->row_first, .fields = NULL};
	b->row_first = b->noffs;
}

static void lx_csv_skip_blanks(lx_csv_parser *p)
{
	while (p->pos < p->n && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t'))
		p->pos++;
}

/* Reads a quoted field starting at the opening quote into p->b.text. */
static int lx_csv_quoted(lx_csv_parser *p, char *err, size_t errsz)
{
	size_t open_line = p->line;
	assert(p->pos < p->n && p->s[p->pos] == '"');
	p->pos++;
	for (;;) {
		const char *q = memchr(p->s + p->pos, '"', p->n - p->pos);
		if (!q) {
			lx_csv_seterr(err, errsz, "line %zu: unterminated quoted field", open_line);
			return LX_INVALID;
		}
		size_t span = (size_t)(q - (p->s + p->pos));
		p->line += lx_csv_count_breaks(p->s + p->pos, span);
		lx_buf_append(&p->b.text, p->s + p->pos, span);
		p->pos += span + 1;
		if (p->pos < p->n && p->s[p->pos] == '"') {
			lx_buf_putc(&p->b.text, '"');
			p->pos++;
			continue;
		}
		break;
	}
	lx_csv_skip_blanks(p);
	if (p->pos < p->n && p->s[p->pos] != ',' && lx_csv_break_len(p->s, p->n, p->pos) == 0) {
		lx_csv_seterr(err, errsz, "line %zu: unexpected character after closing quote",
			      p->line);
		return LX_INVALID;
	}
	return LX_OK;
}

/* Reads an unquoted field (leading blanks already skipped), trimmed, into p->b.text. */
static void lx_csv_unquoted(lx_csv_parser *p)
{
	size_t start = p->pos;
	while (p->pos < p->n) {
		char c = p->s[p->pos];
		if (c == ',' || c == '\n' || c == '\r')
			break;
		p->pos++;
	}
	size_t end = p->pos;
	while (end > start && (p->s[end - 1] == ' ' || p->s[end - 1] == '\t'))
		end--;
	lx_buf_append(&p->b.text, p->s + start, end - start);
}

/* Reads one record and its line break; blank lines are read and dropped. */
static int lx_csv_record(lx_csv_parser *p, char *err, size_t errsz)
{
	size_t line = p->line, first = p->b.noffs, text0 = p->b.text.len;
	bool quoted;
	assert(first == p->b.row_first);
	for (;;) {
		lx_csv_skip_blanks(p);
		lx_csv_push_field(&p->b);
		quoted = p->pos < p->n && p->s[p->pos] == '"';
		if (quoted) {
			int rc = lx_csv_quoted(p, err, errsz);
			if (rc != LX_OK)
				return rc;
		} else {
			lx_csv_unquoted(p);
		}
		lx_buf_putc(&p->b.text, '\0');
		if (p->pos < p->n && p->s[p->pos] == ',') {
			p->pos++;
			continue;
		}
		break;
	}
	if (p->pos < p->n) {
		size_t bl = lx_csv_break_len(p->s, p->n, p->pos);
		assert(bl > 0);
		p->pos += bl;
		p->line++;
	}
	size_t nfields = p->b.noffs - first;
	assert(nfields >= 1);
	if (nfields == 1 && !quoted && p->b.text.data[text0] == '\0') {
		p->b.noffs = first; /* blank line: forget it */
		p->b.text.len = text0;
		return LX_OK;
	}
	lx_csv_builder_row(&p->b, line);
	return LX_OK;
}

lx_csv *lx_csv_builder_finish(lx_csv_builder *b, const char *encoding)
{
	assert(b && encoding);
	assert(b->row_first == b->noffs); /* no field outside a row */
	lx_csv_impl *t = lx_xcalloc(1, sizeof *t);
	t->text = lx_buf_steal(&b->text);
	t->fields = lx_xmalloc(b->noffs * sizeof *t->fields);
	for (size_t i = 0; i < b->noffs; i++)
		t->fields[i] = t->text + b->offs[i];
	size_t k = 0;
	for (size_t r = 0; r < b->nrows; r++) {
		b->rows[r].fields = t->fields + k;
		k += b->rows[r].nfields;
	}
	assert(k == b->noffs);
	t->pub.nrows = b->nrows;
	t->pub.rows = b->rows;
	b->rows = NULL;
	snprintf(t->pub.encoding, sizeof t->pub.encoding, "%s", encoding);
	lx_csv_builder_free(b);
	return &t->pub;
}

void lx_csv_builder_free(lx_csv_builder *b)
{
	assert(b);
	lx_buf_free(&b->text);
	free(b->offs);
	free(b->rows);
	lx_csv_builder_init(b);
}

/*
 * Brings data[0..len) (non-empty, no NUL) to UTF-8 without BOM: (*s, *n) is
 * either a slice of data or of a converted copy returned in *conv (caller
 * frees). Sets *encoding. Returns LX_OK, LX_INVALID or LX_ERR with err set.
 */
static int lx_csv_decode(const char *data, size_t len, const char **s, size_t *n, char **conv,
			 const char **encoding, char *err, size_t errsz)
{
	bool bom = len >= 3 && memcmp(data, LX_CSV_BOM, 3) == 0;
	*s = bom ? data + 3 : data;
	*n = bom ? len - 3 : len;
	*encoding = "utf-8";
	size_t bad_line = lx_csv_utf8_bad_line(*s, *n);
	if (bad_line == 0)
		return LX_OK;
	if (bom) {
		/* the BOM says UTF-8: trying GBK would only produce mojibake */
		lx_csv_seterr(err, errsz, "line %zu: invalid encoding (UTF-8 BOM but not valid UTF-8)",
			      bad_line);
		return LX_INVALID;
	}

	size_t bad_off = 0, clen = 0;
	int rc = lx_csv_from_gb18030(data, len, conv, &clen, &bad_off);
	if (rc == LX_ERR) {
		lx_csv_seterr(err, errsz, "line %zu: input is not UTF-8 and iconv cannot convert "
			      "from GB18030", bad_line);
		return LX_ERR;
	}
	if (rc == LX_INVALID) {
		/* report where the decoding that got further failed */
		size_t gbk_line = lx_csv_line_at(data, len, bad_off);
		lx_csv_seterr(err, errsz, "line %zu: invalid encoding (neither UTF-8 nor GBK)",
			      gbk_line > bad_line ? gbk_line : bad_line);
		return LX_INVALID;
	}
	*s = *conv;
	*n = clen;
	/* GB18030 has a BOM of its own (84 31 95 33 -> U+FEFF) */
	if (*n >= 3 && memcmp(*s, LX_CSV_BOM, 3) == 0) {
		*s += 3;
		*n -= 3;
	}
	/* iconv promises UTF-8; fields must be, so make sure (it is cheap) */
	size_t conv_bad = lx_csv_utf8_bad_line(*s, *n);
	if (conv_bad != 0) {
		lx_csv_seterr(err, errsz, "line %zu: invalid encoding (neither UTF-8 nor GBK)",
			      conv_bad);
		return LX_INVALID;
	}
	*encoding = "gbk";
	return LX_OK;
}

int lx_csv_parse(const char *data, size_t len, lx_csv **out, char *err, size_t errsz)
{
	int rc = LX_OK;
	char *conv = NULL;
	const char *s = "", *encoding = "utf-8";
	size_t n = 0;
	lx_csv_parser p = {0};

	assert(out);
	assert(data || len == 0);
	lx_csv_builder_init(&p.b);
	if (err && errsz > 0)
		err[0] = '\0';
	if (len > LX_CSV_MAX_INPUT) {
		lx_csv_seterr(err, errsz, "input too large (%zu bytes, the limit is 64 MiB)", len);
		rc = LX_INVALID;
		goto cleanup;
	}
	const char *nul = len > 0 ? memchr(data, '\0', len) : NULL;
	if (nul) {
		if (len >= 2 && ((data[0] == '\xFF' && data[1] == '\xFE') ||
				 (data[0] == '\xFE' && data[1] == '\xFF')))
			lx_csv_seterr(err, errsz, "line 1: invalid encoding (UTF-16 is not "
				      "supported; save as \"CSV UTF-8\")");
		else
			lx_csv_seterr(err, errsz, "line %zu: NUL byte in input",
				      lx_csv_line_at(data, len, (size_t)(nul - data)));
		rc = LX_INVALID;
		goto cleanup;
	}
	if (len > 0) {
		rc = lx_csv_decode(data, len, &s, &n, &conv, &encoding, err, errsz);
		if (rc != LX_OK)
			goto cleanup;
	}

	p.s = s;
	p.n = n;
	p.line = 1;
	while (p.pos < p.n) {
		rc = lx_csv_record(&p, err, errsz);
		if (rc != LX_OK)
			goto cleanup;
	}
	*out = lx_csv_builder_finish(&p.b, encoding);
cleanup:
	free(conv);
	lx_csv_builder_free(&p.b);
	return rc;
}

void lx_csv_free(lx_csv *t)
{
	if (!t)
		return;
	lx_csv_impl *impl = (lx_csv_impl *)t;
	free(impl->text);
	free(impl->fields);
	free(t->rows);
	free(impl);
}

/* True when header field h, without surrounding blanks, equals name (ASCII case-folded). */
static bool lx_csv_name_eq(const char *h, const char *name)
{
	size_t hn = strlen(h);
	while (hn > 0 && (*h == ' ' || *h == '\t')) {
		h++;
		hn--;
	}
	while (hn > 0 && (h[hn - 1] == ' ' || h[hn - 1] == '\t'))
		hn--;
	if (strlen(name) != hn)
		return false;
	for (size_t i = 0; i < hn; i++) {
		unsigned char a = (unsigned char)h[i], b = (unsigned char)name[i];
		if (a >= 'A' && a <= 'Z')
			a = (unsigned char)(a - 'A' + 'a');
		if (b >= 'A' && b <= 'Z')
			b = (unsigned char)(b - 'A' + 'a');
		if (a != b)
			return false;
	}
	return true;
}

int lx_csv_column(const lx_csv *t, const char *const *names)
{
	if (!t || t->nrows == 0 || !names)
		return -1;
	const lx_csv_row *h = &t->rows[0];
	for (size_t i = 0; i < h->nfields && i <= (size_t)INT_MAX; i++) {
		for (const char *const *nm = names; *nm; nm++) {
			if (lx_csv_name_eq(h->fields[i], *nm))
				return (int)i;
		}
	}
	return -1;
}

const char *lx_csv_field(const lx_csv_row *r, int i)
{
	assert(r);
	if (i < 0 || (size_t)i >= r->nfields)
		return "";
	return r->fields[i];
}

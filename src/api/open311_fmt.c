/*
 * open311_fmt.c - the wire formats of the Open311 GeoReport v2 endpoint.
 *
 * Every answer is built once as a jansson value and written either as JSON
 * (the spec's JSON mapping, the "Spark convention": a container of repeated
 * elements is an array, so lists are top-level arrays) or as XML with the
 * spec's element names under a utf-8 declaration. Also here: the GeoReport
 * error list and form bodies (urlencoded and multipart). Free text is
 * masked by core/scrub.c before it gets here.
 */
#include "open311.h"

#include <assert.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool lx_o311_fmt_parse(const char *s, lx_o311_fmt *out)
{
	if (s && strcmp(s, "xml") == 0) {
		*out = LX_O311_XML;
		return true;
	}
	if (s && strcmp(s, "json") == 0) {
		*out = LX_O311_JSON;
		return true;
	}
	return false;
}

/* ---------------- XML ---------------- */

/* The element name of an item of the array held by element `container`. */
static const char *lx_o311_item_name(const char *container)
{
	static const char *const names[][2] = {
		{"services", "service"},
		{"service_requests", "request"},
		{"attributes", "attribute"},
		{"values", "value"},
		{"endpoints", "endpoint"},
		{"formats", "format"},
		{"errors", "error"},
		{"service_request_updates", "request_update"},
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(names[i][0], container) == 0)
			return names[i][1];
	assert(!"an array without an item element name");
	return "item";
}

/* Appends s as XML character data: the five special characters escaped,
 * carriage returns kept as a reference, and the characters XML 1.0 forbids
 * (other C0 controls, U+FFFE, U+FFFF) dropped. s is valid UTF-8. */
static void lx_xml_text(lx_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		switch (*p) {
		case '&':
			lx_buf_puts(b, "&amp;");
			break;
		case '<':
			lx_buf_puts(b, "&lt;");
			break;
		case '>':
			lx_buf_puts(b, "&gt;");
			break;
		case '"':
			lx_buf_puts(b, "&quot;");
			break;
		case '\'':
			lx_buf_puts(b, "&apos;");
			break;
		case '\r':
			lx_buf_puts(b, "&#13;");
			break;
		default:
			if (*p < 0x20 && *p != '\t' && *p != '\n')
				break;
			if (p[0] == 0xEF && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF)) {
				p += 2;
				break;
			}
			lx_buf_putc(b, (char)*p);
		}
		p++;
	}
}

static void lx_xml_value(lx_buf *b, const char *name, json_t *v)
{
	const char *key;
	json_t *item;
	size_t i;

	switch (json_typeof(v)) {
	case JSON_NULL:
		lx_buf_printf(b, "<%s/>", name);
		return;
	case JSON_ARRAY:
		if (!json_array_size(v)) {
			lx_buf_printf(b, "<%s/>", name);
			return;
		}
		lx_buf_printf(b, "<%s>", name);
		json_array_foreach(v, i, item)
			lx_xml_value(b, lx_o311_item_name(name), item);
		break;
	case JSON_OBJECT:
		lx_buf_printf(b, "<%s>", name);
		json_object_foreach(v, key, item)
			lx_xml_value(b, key, item);
		break;
	case JSON_STRING:
		lx_buf_printf(b, "<%s>", name);
		lx_xml_text(b, json_string_value(v));
		break;
	case JSON_INTEGER:
		lx_buf_printf(b, "<%s>%lld", name, (long long)json_integer_value(v));
		break;
	case JSON_REAL:
		lx_buf_printf(b, "<%s>%.12g", name, json_real_value(v));
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		lx_buf_printf(b, "<%s>%s", name, json_is_true(v) ? "true" : "false");
		break;
	}
	lx_buf_printf(b, "</%s>", name);
}

void lx_o311_xml(lx_buf *b, const char *root, json_t *v)
{
	assert(root && v);
	lx_buf_puts(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
	lx_xml_value(b, root, v);
	lx_buf_putc(b, '\n');
}

int lx_o311_reply(lx_req *r, int status, lx_o311_fmt fmt, const char *root, json_t *v)
{
	lx_buf b;
	if (fmt == LX_O311_JSON)
		return lx_reply_json(r, status, v);
	lx_buf_init(&b);
	lx_o311_xml(&b, root, v);
	json_decref(v);
	size_t len = b.len;
	return lx_reply_raw(r, status, "text/xml; charset=utf-8", lx_buf_steal(&b), len);
}

int lx_o311_error(lx_req *r, lx_o311_fmt fmt, int status, const char *msgfmt, ...)
{
	lx_buf msg;
	va_list ap;
	lx_buf_init(&msg);
	va_start(ap, msgfmt);
	lx_buf_vprintf(&msg, msgfmt, ap);
	va_end(ap);
	/* messages may quote client input: keep them valid UTF-8 */
	json_t *text = msg.data && lx_utf8_valid(msg.data, msg.len) ? json_string(msg.data) : NULL;
	lx_buf_free(&msg);
	json_t *e = json_object();
	json_object_set_new(e, "code", json_integer(status));
	json_object_set_new(e, "description", text ? text : json_string("invalid request"));
	json_t *list = json_array();
	json_array_append_new(list, e);
	lx_o311_reply(r, status, fmt, "errors", list);
	switch (status) {
	case 403:
		return LX_FORBIDDEN;
	case 404:
		return LX_NOTFOUND;
	default:
		return status >= 500 ? LX_ERR : LX_BADREQ;
	}
}

/* ---------------- forms ---------------- */

void lx_o311_form_free(lx_o311_form *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->keys[i]);
		free(f->vals[i]);
	}
	free(f->keys);
	free(f->vals);
	memset(f, 0, sizeof *f);
}

/* Takes ownership of key and val. */
static void lx_o311_form_add(lx_o311_form *f, char *key, char *val)
{
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 16;
		f->keys = lx_xrealloc(f->keys, f->cap * sizeof *f->keys);
		f->vals = lx_xrealloc(f->vals, f->cap * sizeof *f->vals);
	}
	f->keys[f->n] = key;
	f->vals[f->n] = val;
	f->n++;
}

const char *lx_o311_form_get(const lx_o311_form *f, const char *key, int *count)
{
	const char *first = NULL;
	int n = 0;
	for (size_t i = 0; i < f->n; i++) {
		if (strcmp(f->keys[i], key) != 0)
			continue;
		if (!n++)
			first = f->vals[i];
	}
	if (count)
		*count = n;
	return first;
}

static int lx_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Decodes one urlencoded component of n bytes. Returns a malloc'd string,
 * or NULL when it is malformed, holds NUL or is not UTF-8. */
static char *lx_form_decode(const char *s, size_t n)
{
	lx_buf b;
	lx_buf_init(&b);
	lx_buf_append(&b, "", 0);
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			int hi = i + 2 < n ? lx_hexval((unsigned char)s[i + 1]) : -1;
			int lo = i + 2 < n ? lx_hexval((unsigned char)s[i + 2]) : -1;
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
				lx_buf_free(&b);
				return NULL;
			}
			c = (char)(hi * 16 + lo);
			i += 2;
		}
		lx_buf_putc(&b, c);
	}
	if (!lx_utf8_valid(b.data, b.len)) {
		lx_buf_free(&b);
		return NULL;
	}
	return lx_buf_steal(&b);
}

static int lx_form_urlencoded(const char *body, size_t len, lx_o311_form *f, char *err,
			      size_t errsz)
{
	const char *p = body, *end = body + len;
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *stop = amp ? amp : end;
		if (stop > p) {
			const char *eq = memchr(p, '=', (size_t)(stop - p));
			const char *kend = eq ? eq : stop;
			char *key = lx_form_decode(p, (size_t)(kend - p));
			char *val = eq ? lx_form_decode(eq + 1, (size_t)(stop - eq - 1)) : lx_xstrdup("");
			if (!key || !val || !*key) {
				free(key);
				free(val);
				snprintf(err, errsz, "the form body is malformed or not UTF-8");
				return LX_BADREQ;
			}
			lx_o311_form_add(f, key, val);
		}
		p = stop + 1;
	}
	return LX_OK;
}

/* Finds `attr=` in a header parameter list and returns its value (quoted or
 * not) malloc'd, or NULL. */
static char *lx_header_param(const char *h, size_t n, const char *attr)
{
	size_t alen = strlen(attr);
	for (size_t i = 0; i + alen < n; i++) {
		if ((i && h[i - 1] != ';' && h[i - 1] != ' ' && h[i - 1] != '\t') ||
		    strncasecmp(h + i, attr, alen) != 0 || h[i + alen] != '=')
			continue;
		const char *v = h + i + alen + 1, *e = h + n;
		if (v < e && *v == '"') {
			const char *q = memchr(v + 1, '"', (size_t)(e - v - 1));
			return q ? lx_xstrndup(v + 1, (size_t)(q - v - 1)) : NULL;
		}
		const char *s = v;
		while (s < e && *s != ';' && *s != ' ' && *s != '\r' && *s != '\n')
			s++;
		return lx_xstrndup(v, (size_t)(s - v));
	}
	return NULL;
}

static int lx_form_multipart(const char *body, size_t len, const char *ctype, lx_o311_form *f,
			     char *err, size_t errsz)
{
	int rc = LX_BADREQ;
	char *boundary = lx_header_param(ctype, strlen(ctype), "boundary");
	char *delim = NULL;
	const char *p, *end = body + len;

	if (!boundary || !*boundary || strlen(boundary) > 70) {
		snprintf(err, errsz, "multipart/form-data needs a boundary");
		goto cleanup;
	}
	delim = lx_xasprintf("\r\n--%s", boundary);
	size_t dlen = strlen(delim);
	/* the first delimiter may start the body without the line break */
	if (len >= dlen - 2 && memcmp(body, delim + 2, dlen - 2) == 0) {
		p = body + dlen - 2;
	} else {
		p = memmem(body, len, delim, dlen);
		if (p)
			p += dlen;
	}
	if (!p) {
		snprintf(err, errsz, "the multipart body has no boundary line");
		goto cleanup;
	}
	for (;;) {
		if (end - p >= 2 && p[0] == '-' && p[1] == '-') {
			rc = LX_OK;
			break;
		}
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
			break;
		p += 2;
		const char *hend = memmem(p, (size_t)(end - p), "\r\n\r\n", 4);
		if (!hend)
			break;
		const char *content = hend + 4;
		const char *cend = memmem(content, (size_t)(end - content), delim, dlen);
		if (!cend)
			break;
		char *name = NULL, *filename = NULL;
		for (const char *line = p; line < hend;) {
			const char *eol = memmem(line, (size_t)(hend - line), "\r\n", 2);
			if (!eol)
				eol = hend;
			size_t llen = (size_t)(eol - line);
			if (llen > 20 && strncasecmp(line, "Content-Disposition:", 20) == 0) {
				free(name);
				free(filename);
				name = lx_header_param(line, llen, "name");
				filename = lx_header_param(line, llen, "filename");
			}
			line = eol + 2;
		}
		if (name && !filename) {
			size_t vlen = (size_t)(cend - content);
			bool ok = *name && lx_utf8_valid(name, strlen(name)) && !memchr(content, 0, vlen) &&
				  lx_utf8_valid(content, vlen);
			if (!ok) {
				free(name);
				free(filename);
				snprintf(err, errsz, "a multipart field is not UTF-8 text");
				goto cleanup;
			}
			lx_o311_form_add(f, name, lx_xstrndup(content, vlen));
			name = NULL;
		}
		free(name);
		free(filename);
		p = cend + dlen;
	}
	if (rc != LX_OK)
		snprintf(err, errsz, "the multipart body is malformed");
cleanup:
	free(boundary);
	free(delim);
	return rc;
}

int lx_o311_form_parse(lx_req *r, lx_o311_form *f, char *err, size_t errsz)
{
	memset(f, 0, sizeof *f);
	if (r->too_large) {
		snprintf(err, errsz, "the body is larger than %zu bytes", r->app->body_limit);
		return LX_BADREQ;
	}
	const char *ctype = lx_req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
	if (!r->body.len)
		return LX_OK;
	if (ctype && strncasecmp(ctype, "multipart/form-data", 19) == 0)
		return lx_form_multipart(r->body.data, r->body.len, ctype, f, err, errsz);
	if (ctype && strncasecmp(ctype, "application/x-www-form-urlencoded", 33) != 0) {
		snprintf(err, errsz, "send application/x-www-form-urlencoded or multipart/form-data");
		return LX_BADREQ;
	}
	return lx_form_urlencoded(r->body.data, r->body.len, f, err, errsz);
}

/*
 * fuzz_open311.c - the Open311 GeoReport v2 parsers (api/open311*.c) on the
 * demo district (fuzz.h's fixture). The input is three parts:
 *
 *   line 1  the Content-Type header of the body
 *   line 2  the query string
 *   rest    the body (a form: urlencoded or multipart/form-data)
 *
 * (an input without a line break is an urlencoded body alone). Each input
 * goes through:
 *   - lx_o311_form_parse (open311_fmt.c), the forms of both POST methods,
 *     with the XML writer and the number scrubbing over what it read;
 *   - the read half of POST requests.{json,xml} (open311_post.c
 *     lx_api_open311_create_read: the key, the service, lat/long, the
 *     person, the service's attributes by datatype, the location by point,
 *     address_id or unit names, then the intake's own checks) and of POST
 *     servicerequestupdates (open311_update.c lx_api_open311_update_check),
 *     as the dispatcher runs a write route's prepare; nothing is written;
 *   - GET requests and servicerequestupdates with the query string through
 *     the dispatcher itself (lx_api_dispatch: ids, service codes, statuses,
 *     dates, paging). When the query sets no page_size the harness appends
 *     page_size=3, so a listing reads 3 requests rather than 1,000.
 *
 * Properties: a form is UTF-8 keys (non-empty) and values; an urlencoded
 * form encoded again reads as the same pairs; a handler that fails has
 * replied (an error list), one that succeeds has not yet; every reply is
 * UTF-8, JSON replies parse.
 */
#include "fuzz.h"
#include "open311.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_db();
	return 0;
}

/* The input's parts (pointers into one NUL-terminated copy). */
struct fuzz_o311_in {
	char *copy;
	const char *ctype, *query, *body;
	size_t query_len, body_len;
};

static void fuzz_split(const uint8_t *data, size_t size, struct fuzz_o311_in *in)
{
	in->copy = fuzz_strndup(data, size);
	char *nl = memchr(in->copy, '\n', size);
	char *nl2 = nl ? memchr(nl + 1, '\n', size - (size_t)(nl + 1 - in->copy)) : NULL;
	if (!nl || !nl2) {
		in->ctype = "application/x-www-form-urlencoded";
		in->query = "";
		in->query_len = 0;
		in->body = in->copy;
		in->body_len = size;
		return;
	}
	*nl = *nl2 = '\0';
	if (nl > in->copy && nl[-1] == '\r')
		nl[-1] = '\0';
	in->ctype = in->copy;
	in->query = nl + 1;
	in->query_len = (size_t)(nl2 - (nl + 1));
	in->body = nl2 + 1;
	in->body_len = size - (size_t)(nl2 + 1 - in->copy);
}

static void fuzz_urlencode(lx_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		lx_buf_putc(b, '%');
		lx_buf_putc(b, hex[*p >> 4]);
		lx_buf_putc(b, hex[*p & 15]);
	}
}

static void fuzz_form(const struct fuzz_o311_in *in)
{
	char err[200] = "";
	lx_o311_form form;
	fuzz_req f;
	fuzz_req_init(&f, "POST", "/open311/v2/requests.json", in->body, in->body_len);
	fuzz_req_header(&f, "Content-Type", in->ctype);
	int rc = lx_o311_form_parse(&f.r, &form, err, sizeof err);
	if (rc != LX_OK) {
		FUZZ_CHECK(rc == LX_BADREQ && err[0], "a refused form %d without a message", rc);
		lx_o311_form_free(&form);
		fuzz_req_free(&f);
		return;
	}
	json_t *o = json_object();
	for (size_t i = 0; i < form.n; i++) {
		FUZZ_CHECK(form.keys[i][0] && lx_utf8_valid(form.keys[i], strlen(form.keys[i])), "key %zu", i);
		FUZZ_CHECK(lx_utf8_valid(form.vals[i], strlen(form.vals[i])), "value %zu is not UTF-8", i);
		FUZZ_CHECK(lx_o311_form_get(&form, form.keys[i], NULL) != NULL, "key %zu is not found", i);
		char *scrubbed = lx_o311_scrub(form.vals[i]);
		FUZZ_CHECK(strlen(scrubbed) == strlen(form.vals[i]), "the scrubbing changed the length");
		for (size_t k = 0; scrubbed[k]; k++)
			FUZZ_CHECK(scrubbed[k] == form.vals[i][k] || (scrubbed[k] == '*' && form.vals[i][k] >= '0' &&
								      form.vals[i][k] <= '9'),
				   "the scrubbing changed more than digits");
		(void)lx_o311_text_ok(form.vals[i], 200, true);
		(void)lx_o311_url_ok(form.vals[i]);
		json_object_set_new(o, "description", lx_o311_str(scrubbed));
		free(scrubbed);
	}
	lx_buf xml;
	lx_buf_init(&xml);
	lx_o311_xml(&xml, "service_requests", o);
	FUZZ_CHECK(lx_utf8_valid(xml.data, xml.len), "the XML is not UTF-8");
	lx_buf_free(&xml);
	json_decref(o);

	/* urlencoded, encoded again, reads the same */
	const char *ct = lx_req_header(&f.r, "Content-Type");
	if (!ct || strncasecmp(ct, "multipart/form-data", 19) != 0) {
		lx_buf b;
		lx_o311_form again;
		lx_buf_init(&b);
		for (size_t i = 0; i < form.n; i++) {
			if (i)
				lx_buf_putc(&b, '&');
			fuzz_urlencode(&b, form.keys[i]);
			lx_buf_putc(&b, '=');
			fuzz_urlencode(&b, form.vals[i]);
		}
		fuzz_req g;
		fuzz_req_init(&g, "POST", "/open311/v2/requests.json", b.data, b.len);
		rc = lx_o311_form_parse(&g.r, &again, err, sizeof err);
		FUZZ_CHECK(rc == LX_OK && again.n == form.n, "the form encoded again: %d, %zu pairs of %zu (%s)", rc,
			   again.n, form.n, err);
		for (size_t i = 0; i < form.n; i++)
			FUZZ_CHECK(strcmp(again.keys[i], form.keys[i]) == 0 && strcmp(again.vals[i], form.vals[i]) == 0,
				   "pair %zu differs when encoded again", i);
		lx_o311_form_free(&again);
		fuzz_req_free(&g);
		lx_buf_free(&b);
	}
	lx_o311_form_free(&form);
	fuzz_req_free(&f);
}

static const lx_route *fuzz_route(const char *method, const char *path)
{
	size_t n;
	const lx_route *rt = lx_api_routes(&n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(rt[i].method, method) == 0 && strcmp(rt[i].path, path) == 0)
			return &rt[i];
	abort();
}

/* A POST route's read half, as lx_run_write runs it before the write job. */
static void fuzz_post(const struct fuzz_o311_in *in, const char *pattern, const char *url)
{
	const lx_route *rt = fuzz_route("POST", pattern);
	fuzz_req f;
	fuzz_req_init(&f, "POST", url, in->body, in->body_len);
	fuzz_req_query(&f, in->query, in->query_len);
	fuzz_req_header(&f, "Content-Type", in->ctype);
	FUZZ_CHECK(lx_route_match(rt->path, f.r.url, &f.r), "%s does not match %s", url, rt->path);
	f.r.route = rt->path;
	f.r.rt = rt;
	int rc = rt->prepare(&f.r);
	if (rc == LX_OK) {
		FUZZ_CHECK(!f.r.out, "%s: the prepare replied %d and went on", url, f.r.status);
		fuzz_check_reply(&f.r);
	} else {
		if (!f.r.out)
			rt->fail(&f.r, rc);
		FUZZ_CHECK(f.r.out && f.r.status >= 400, "%s: a failure %d without an error reply", url, rc);
		fuzz_check_reply(&f.r);
	}
	fuzz_req_free(&f);
}

/* A GET route through the dispatcher, with the input's query string. */
static void fuzz_get(const struct fuzz_o311_in *in, const char *url)
{
	fuzz_req f;
	fuzz_req_init(&f, "GET", url, NULL, 0);
	lx_buf q;
	lx_buf_init(&q);
	lx_buf_append(&q, in->query, in->query_len);
	lx_buf_puts(&q, "&page_size=3");
	fuzz_req_query(&f, q.data, q.len);
	lx_buf_free(&q);
	lx_api_dispatch(&f.r);
	FUZZ_CHECK(f.r.out, "%s: no reply", url);
	fuzz_check_reply(&f.r);
	fuzz_req_free(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_o311_in in;
	fuzz_split(data, size, &in);
	const char *fmt = size & 1 ? "xml" : "json";
	char url[64];
	fuzz_form(&in);
	snprintf(url, sizeof url, "/open311/v2/requests.%s", fmt);
	fuzz_post(&in, "/open311/v2/requests.:fmt", url);
	fuzz_get(&in, url);
	snprintf(url, sizeof url, "/open311/v2/servicerequestupdates.%s", fmt);
	fuzz_post(&in, "/open311/v2/servicerequestupdates.:fmt", url);
	fuzz_get(&in, url);
	free(in.copy);
	return 0;
}

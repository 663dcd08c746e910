/*
 * open311.c - the Open311 GeoReport v2 endpoint under /open311/v2/ and the
 * API keys it is used with (/api/v1/api-keys).
 *
 * Services are the leaf categories, requests the cases of type `request`.
 * Every method answers in the format its path suffix names (.xml or .json;
 * any other suffix is a 404 in JSON). A POST is authenticated by an API key
 * (form body or query string), limited per key and minute, validated
 * completely, and then filed through lx_api_intake like any case: located
 * in the grid and dispatched by the duty list in one transaction, by a
 * synthetic dispatcher with the whole system as scope. Errors are the
 * spec's error list: 404 unknown service or request, 403 missing or bad
 * api_key, 429 over the key's rate, 400 for everything else. The mapping
 * is written up in docs/open311.md.
 */
#include "open311.h"
#include "repo_open311.h"
#include "secret.h"
#include "flow.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define LX_O311_SPEC "http://wiki.open311.org/GeoReport_v2"
#define LX_O311_SPAN_MS (90LL * 24 * 3600 * 1000) /* the default and largest date range */
#define LX_O311_MAX_RESULTS 1000
#define LX_O311_MAX_IDS 1000
#define LX_O311_MAX_CODES 100
#define LX_O311_DESC_MAX 4000
#define LX_O311_TOKEN_LEN 32
/* Hours of a case whose category is gone; the same defaults as cases.c. */
#define LX_APIKEY_RATE_DEFAULT 60
#define LX_APIKEY_RATE_MAX 100000

/* ---------------- small helpers ---------------- */

/* A string as JSON: NULL, empty or invalid UTF-8 become null (the spec's
 * empty value). */
static json_t *lx_o311_str(const char *s)
{
	json_t *j = s && *s ? json_string(s) : NULL;
	return j ? j : json_null();
}

/* Free text as JSON with mobile numbers masked. */
static json_t *lx_o311_text(const char *s)
{
	char *m = lx_o311_scrub(s);
	json_t *j = lx_o311_str(m);
	free(m);
	return j;
}

static json_t *lx_o311_time(lx_req *r, lx_ms t)
{
	char buf[40];
	if (!t)
		return json_null();
	return json_string(lx_time_format(t, r->app->tz_offset_min, buf, sizeof buf));
}

/* GeoReport's two statuses: closed is the engine's done (answered,
 * finished, or merged into another), open is everything else. */
static bool lx_o311_is_closed(const char *case_status)
{
	const lx_state_class *cls = lx_store_state(case_status);
	return cls && cls->done;
}

static const char *lx_o311_status(const char *case_status)
{
	return lx_o311_is_closed(case_status) ? "closed" : "open";
}

/* Resolves the format suffix (the route's last capture). An unknown one is
 * answered with a 404 JSON error list; returns false then. */
static bool lx_o311_format(lx_req *r, lx_o311_fmt *fmt)
{
	assert(r->nparams > 0);
	if (lx_o311_fmt_parse(r->params[r->nparams - 1], fmt))
		return true;
	lx_o311_error(r, LX_O311_JSON, 404, "unknown format: use .xml or .json");
	return false;
}

/* Answers a store failure: the spec's general service error. */
static int lx_o311_store_error(lx_req *r, lx_o311_fmt fmt, int rc)
{
	return lx_o311_error(r, fmt, 400, rc == LX_BUSY ? "the service is busy: try again"
							   : "the service failed: try again");
}

/* Parses s as a decimal integer in [1, max]; false otherwise. */
static bool lx_o311_posint(const char *s, int64_t max, int64_t *out)
{
	int64_t v = 0;
	if (!s || !*s || strlen(s) > 18)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (*s - '0');
	}
	if (v < 1 || v > max)
		return false;
	*out = v;
	return true;
}

/* Parses a W3C datetime that carries its zone. A '+' that a client left
 * unencoded in a query string arrives as a space and is restored. */
static bool lx_o311_parse_time(lx_req *r, const char *s, lx_ms *out)
{
	char buf[64];
	size_t n = strlen(s);
	if (n < 16 || n >= sizeof buf || !strchr(s, 'T'))
		return false;
	memcpy(buf, s, n + 1);
	if (n > 6 && buf[n - 6] == ' ' && buf[n - 3] == ':')
		buf[n - 6] = '+';
	return lx_time_parse(buf, r->app->tz_offset_min, out) == LX_OK;
}

/* Checks a text value: at most max code points and, when one_line, no
 * control characters at all (text may hold line breaks and tabs). */
static bool lx_o311_text_ok(const char *s, size_t max, bool one_line)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 && (one_line || (*p != '\n' && *p != '\r' && *p != '\t'))) || *p == 0x7f)
			return false;
	return lx_utf8_valid(s, strlen(s)) && lx_utf8_len(s) <= max;
}

/* Appends at most max code points of s (up to its first line break) to b,
 * with an ellipsis when cut. */
static void lx_o311_prefix(lx_buf *b, const char *s, size_t max)
{
	size_t n = 0;
	const char *p = s;
	while (*p && *p != '\n' && *p != '\r' && n < max) {
		const char *q = p + 1;
		while ((*q & 0xC0) == 0x80)
			q++;
		lx_buf_append(b, p, (size_t)(q - p));
		p = q;
		n++;
	}
	if (*p)
		lx_buf_puts(b, "…");
}

/* ---------------- API keys and their rate ---------------- */

/* Fixed one-minute windows per key, kept in memory per node (a guard, not
 * an account): a slot table with short linear probing. */
#define LX_RL_SLOTS 256
#define LX_RL_PROBE 8

struct lx_rl_slot {
	int64_t key_id;
	int64_t minute;
	int count;
};

static struct lx_rl_slot lx_rl[LX_RL_SLOTS];
static pthread_mutex_t lx_rl_mu = PTHREAD_MUTEX_INITIALIZER;

/* Counts one call of key_id in the current minute. Returns true when it is
 * within limit; *retry_s receives the seconds left in the window. */
static bool lx_rate_take(int64_t key_id, int limit, lx_ms now, int *retry_s)
{
	int64_t minute = now / 60000;
	struct lx_rl_slot *slot = NULL;
	bool ok;

	assert(key_id > 0 && limit > 0);
	pthread_mutex_lock(&lx_rl_mu);
	for (int i = 0; i < LX_RL_PROBE && !slot; i++) {
		struct lx_rl_slot *s = &lx_rl[((uint64_t)key_id + (uint64_t)i) % LX_RL_SLOTS];
		if (s->key_id == key_id)
			slot = s;
	}
	for (int i = 0; i < LX_RL_PROBE && !slot; i++) {
		struct lx_rl_slot *s = &lx_rl[((uint64_t)key_id + (uint64_t)i) % LX_RL_SLOTS];
		if (!s->key_id || s->minute != minute)
			slot = s;
	}
	if (!slot)
		slot = &lx_rl[(uint64_t)key_id % LX_RL_SLOTS];
	if (slot->key_id != key_id || slot->minute != minute) {
		slot->key_id = key_id;
		slot->minute = minute;
		slot->count = 0;
	}
	ok = slot->count < limit;
	if (ok)
		slot->count++;
	pthread_mutex_unlock(&lx_rl_mu);
	*retry_s = (int)(((minute + 1) * 60000 - now + 999) / 1000);
	return ok;
}

/* Authenticates the api_key of the form (else of the query string) and
 * counts the call against the key's rate. A missing key is fine when not
 * required (key->id stays 0). On failure answers 400, 403 or 429 and
 * returns false. */
static bool lx_o311_key(lx_req *r, lx_o311_fmt fmt, const lx_o311_form *form, bool required,
			lx_apikey *key)
{
	int n = 0, retry;
	char hash[65];
	const char *k = form ? lx_o311_form_get(form, "api_key", &n) : NULL;

	memset(key, 0, sizeof *key);
	if (n > 1) {
		lx_o311_error(r, fmt, 400, "api_key is given more than once");
		return false;
	}
	if (!k || !*k)
		k = lx_req_arg(r, "api_key");
	if (!k || !*k) {
		if (!required)
			return true;
		lx_o311_error(r, fmt, 403, "api_key is required");
		return false;
	}
	if (strlen(k) > 128) {
		lx_o311_error(r, fmt, 403, "invalid api_key");
		return false;
	}
	lx_token_hash(k, hash);
	int rc = lx_apikey_by_hash(r->db, hash, key);
	if (rc == LX_NOTFOUND) {
		lx_o311_error(r, fmt, 403, "invalid or revoked api_key");
		return false;
	}
	if (rc != LX_OK) {
		lx_o311_store_error(r, fmt, rc);
		return false;
	}
	if (!lx_rate_take(key->id, key->rate_limit, lx_now_ms(), &retry)) {
		lx_o311_error(r, fmt, 429, "more than %d requests a minute with this api_key: retry in %d s",
			      key->rate_limit, retry);
		free(r->extra_header[0]);
		free(r->extra_header[1]);
		r->extra_header[0] = lx_xstrdup("Retry-After");
		r->extra_header[1] = lx_xasprintf("%d", retry);
		lx_apikey_clear(key);
		return false;
	}
	return true;
}

/* ---------------- discovery and services ---------------- */

int lx_api_open311_discovery(lx_req *r)
{
	lx_o311_fmt fmt;
	lx_ms changed;
	if (!lx_o311_format(r, &fmt))
		return LX_NOTFOUND;
	int rc = lx_o311_changeset(r->db, &changed);
	if (rc != LX_OK)
		return lx_o311_store_error(r, fmt, rc);
	const char *host = lx_req_header(r, MHD_HTTP_HEADER_HOST);
	bool host_ok = host && *host && strlen(host) < 256 && lx_o311_text_ok(host, 255, true);
	char *url = host_ok ? lx_xasprintf("http://%s/open311/v2", host) : lx_xstrdup("/open311/v2");

	json_t *formats = json_array();
	json_array_append_new(formats, json_string("text/xml"));
	json_array_append_new(formats, json_string("application/json"));
	json_t *ep = json_object();
	json_object_set_new(ep, "specification", json_string(LX_O311_SPEC));
	json_object_set_new(ep, "url", lx_o311_str(url));
	json_object_set_new(ep, "changeset", lx_o311_time(r, changed));
	json_object_set_new(ep, "type", json_string("production"));
	json_object_set_new(ep, "formats", formats);
	json_t *eps = json_array();
	json_array_append_new(eps, ep);
	json_t *d = json_object();
	json_object_set_new(d, "changeset", lx_o311_time(r, changed));
	json_object_set_new(d, "contact", json_string("连心基层治理平台：请联系区网格化服务管理中心（lianxin）。"));
	json_object_set_new(d, "key_service",
			    json_string("API keys are issued by a lianxin administrator "
					"(POST /api/v1/api-keys); ask the district's grid management centre."));
	json_object_set_new(d, "endpoints", eps);
	free(url);
	return lx_o311_reply(r, 200, fmt, "discovery", d);
}

/* keywords: the parts of the service name (split at / and 、) and its group. */
static char *lx_o311_keywords(const lx_o311_service *s)
{
	lx_buf b;
	lx_buf_init(&b);
	lx_buf_append(&b, "", 0);
	for (const char *p = s->name; *p;) {
		if (*p == '/') {
			lx_buf_puts(&b, ", ");
			p++;
		} else if (strncmp(p, "、", strlen("、")) == 0) {
			lx_buf_puts(&b, ", ");
			p += strlen("、");
		} else {
			lx_buf_putc(&b, *p++);
		}
	}
	if (s->group)
		lx_buf_printf(&b, ", %s", s->group);
	return lx_buf_steal(&b);
}

static json_t *lx_o311_service_json(const lx_o311_service *s)
{
	json_t *o = json_object();
	char *kw = lx_o311_keywords(s);
	char *desc = s->group ? lx_xasprintf("%s（%s）：%g小时内签收，%g小时内办结。", s->name, s->group,
					     s->accept_hours, s->resolve_hours)
			      : lx_xasprintf("%s：%g小时内签收，%g小时内办结。", s->name, s->accept_hours,
					     s->resolve_hours);
	json_object_set_new(o, "service_code", lx_o311_str(s->code));
	json_object_set_new(o, "service_name", lx_o311_str(s->name));
	json_object_set_new(o, "description", lx_o311_str(desc));
	json_object_set_new(o, "metadata", json_boolean(s->nattrs > 0));
	/* A rule dispatches at once; without one every request waits in the queue. */
	json_object_set_new(o, "type", json_string(s->has_rule ? "realtime" : "batch"));
	json_object_set_new(o, "keywords", lx_o311_str(kw));
	json_object_set_new(o, "group", lx_o311_str(s->group));
	free(kw);
	free(desc);
	return o;
}

static int lx_o311_services_cb(void *arg, const lx_o311_service *s)
{
	json_array_append_new(arg, lx_o311_service_json(s));
	return 0;
}

int lx_api_open311_services(lx_req *r)
{
	lx_o311_fmt fmt;
	if (!lx_o311_format(r, &fmt))
		return LX_NOTFOUND;
	json_t *list = json_array();
	int rc = lx_o311_service_list(r->db, lx_o311_services_cb, list);
	if (rc != LX_OK) {
		json_decref(list);
		return lx_o311_store_error(r, fmt, rc);
	}
	return lx_o311_reply(r, 200, fmt, "services", list);
}

/* Looks up service code for a reply; answers 404 (unknown) or 400 and
 * returns false when there is none. */
static bool lx_o311_service_find(lx_req *r, lx_o311_fmt fmt, const char *code, lx_o311_service *out)
{
	if (!code || !*code || strlen(code) > 32 || !lx_utf8_valid(code, strlen(code))) {
		lx_o311_error(r, fmt, 404, "no such service_code");
		return false;
	}
	int rc = lx_o311_service_get(r->db, code, out);
	if (rc == LX_NOTFOUND) {
		lx_o311_error(r, fmt, 404, "no such service_code: %s", code);
		return false;
	}
	if (rc != LX_OK) {
		lx_o311_store_error(r, fmt, rc);
		return false;
	}
	return true;
}

static json_t *lx_o311_attr_json(const lx_o311_attr *a)
{
	json_t *o = json_object();
	json_t *values = json_array();
	for (size_t i = 0; i < a->nvalues; i++) {
		json_t *v = json_object();
		json_object_set_new(v, "key", lx_o311_str(a->values[i].key));
		json_object_set_new(v, "name", lx_o311_str(a->values[i].name));
		json_array_append_new(values, v);
	}
	json_object_set_new(o, "variable", json_boolean(a->variable));
	json_object_set_new(o, "code", lx_o311_str(a->code));
	json_object_set_new(o, "datatype", json_string(a->datatype));
	json_object_set_new(o, "required", json_boolean(a->required));
	json_object_set_new(o, "datatype_description", lx_o311_str(a->datatype_description));
	json_object_set_new(o, "order", json_integer(a->order));
	json_object_set_new(o, "description", lx_o311_str(a->description));
	json_object_set_new(o, "values", values);
	return o;
}

int lx_api_open311_service(lx_req *r)
{
	lx_o311_fmt fmt;
	lx_o311_service s = {0};
	lx_o311_attr *attrs = NULL;
	size_t n = 0;
	int rc;
	if (!lx_o311_format(r, &fmt))
		return LX_NOTFOUND;
	if (!lx_o311_service_find(r, fmt, r->params[0], &s))
		return LX_NOTFOUND;
	rc = lx_o311_attrs_load(r->db, s.code, &attrs, &n);
	if (rc != LX_OK) {
		rc = lx_o311_store_error(r, fmt, rc);
		goto cleanup;
	}
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, lx_o311_attr_json(&attrs[i]));
	json_t *d = json_object();
	json_object_set_new(d, "service_code", lx_o311_str(s.code));
	json_object_set_new(d, "attributes", list);
	rc = lx_o311_reply(r, 200, fmt, "service_definition", d);
cleanup:
	lx_o311_attrs_free(attrs, n);
	lx_o311_service_clear(&s);
	return rc;
}

/* ---------------- reading requests ---------------- */

/* What the resident is told to expect, from the request's state. */
static char *lx_o311_notice(lx_req *r, const char *type, const char *status, const char *agency, lx_ms due)
{
	char when[40];
	const lx_flow_state *st = lx_flow_state_of(type, status);
	if (st && st->done)
		return lx_xasprintf("%s。", st->label);
	if (!agency)
		return lx_xstrdup("已受理，正在等待调度员分派办理单位。");
	if (!due)
		return lx_xasprintf("由%s办理。", agency);
	lx_time_format(due, r->app->tz_offset_min, when, sizeof when);
	return lx_xasprintf("由%s办理，办结时限 %s。", agency, when);
}

/* A request as GeoReport shows it; never the reporter. */
static json_t *lx_o311_request_json(lx_req *r, const lx_o311_request *q)
{
	json_t *o = json_object();
	char *notice = lx_o311_notice(r, "request", q->status, q->agency, q->resolve_due_at);
	json_object_set_new(o, "service_request_id", json_integer(q->id));
	json_object_set_new(o, "status", json_string(lx_o311_status(q->status)));
	json_object_set_new(o, "status_notes", lx_o311_text(q->reply));
	json_object_set_new(o, "service_name", lx_o311_str(q->service_name));
	json_object_set_new(o, "service_code", lx_o311_str(q->service_code));
	json_object_set_new(o, "description", lx_o311_text(q->description));
	json_object_set_new(o, "agency_responsible", lx_o311_str(q->agency));
	json_object_set_new(o, "service_notice", lx_o311_str(notice));
	json_object_set_new(o, "requested_datetime", lx_o311_time(r, q->created_at));
	json_object_set_new(o, "updated_datetime", lx_o311_time(r, q->updated_at));
	json_object_set_new(o, "expected_datetime", lx_o311_time(r, q->resolve_due_at));
	json_object_set_new(o, "address", lx_o311_text(q->address));
	json_object_set_new(o, "address_id", lx_o311_str(q->address_id));
	json_object_set_new(o, "zipcode", json_null());
	json_object_set_new(o, "lat", q->has_point ? json_real(q->lat) : json_null());
	json_object_set_new(o, "long", q->has_point ? json_real(q->lon) : json_null());
	json_object_set_new(o, "media_url", lx_o311_str(q->media_url));
	free(notice);
	return o;
}

struct lx_o311_list_ctx {
	lx_req *r;
	json_t *items;
};

static int lx_o311_request_cb(void *arg, const lx_o311_request *q)
{
	struct lx_o311_list_ctx *ctx = arg;
	json_array_append_new(ctx->items, lx_o311_request_json(ctx->r, q));
	return 0;
}

/* Reads start_date or end_date (key). *present tells whether it was given.
 * Answers 400 and returns false when it is not a W3C datetime with zone. */
static bool lx_o311_arg_time(lx_req *r, lx_o311_fmt fmt, const char *key, lx_ms *out,
			     bool *present)
{
	const char *s = lx_req_arg(r, key);
	*present = false;
	if (!s || !*s)
		return true;
	if (!lx_o311_parse_time(r, s, out)) {
		lx_o311_error(r, fmt, 400, "%s must be a W3C datetime with its zone, "
			      "e.g. 2026-01-10T08:00:00+08:00", key);
		return false;
	}
	*present = true;
	return true;
}

/* The date range of a listing: start_date and end_date, the most recent 90
 * days when neither is given, 90 days from the one given otherwise; at most
 * 90 days. Answers 400 and returns false on bad input. */
static bool lx_o311_range(lx_req *r, lx_o311_fmt fmt, lx_ms *from, lx_ms *to)
{
	bool has_from, has_to;
	if (!lx_o311_arg_time(r, fmt, "start_date", from, &has_from) ||
	    !lx_o311_arg_time(r, fmt, "end_date", to, &has_to))
		return false;
	if (!has_from && !has_to) {
		*to = lx_now_ms();
		*from = *to - LX_O311_SPAN_MS;
	} else if (!has_to) {
		*to = *from + LX_O311_SPAN_MS;
	} else if (!has_from) {
		*from = *to - LX_O311_SPAN_MS;
	}
	if (*from > *to) {
		lx_o311_error(r, fmt, 400, "start_date is after end_date");
		return false;
	}
	if (*to - *from > LX_O311_SPAN_MS) {
		lx_o311_error(r, fmt, 400, "start_date and end_date may span at most 90 days");
		return false;
	}
	return true;
}

/* The page and page_size extension: page from 1, page_size up to 1000
 * (the default, the spec's largest answer). */
static bool lx_o311_paging(lx_req *r, lx_o311_fmt fmt, int *limit, int *offset)
{
	const char *ps = lx_req_arg(r, "page_size"), *pg = lx_req_arg(r, "page");
	int64_t size = LX_O311_MAX_RESULTS, page = 1;
	if (ps && *ps && !lx_o311_posint(ps, LX_O311_MAX_RESULTS, &size)) {
		lx_o311_error(r, fmt, 400, "page_size must be an integer from 1 to %d", LX_O311_MAX_RESULTS);
		return false;
	}
	if (pg && *pg && !lx_o311_posint(pg, 1000000, &page)) {
		lx_o311_error(r, fmt, 400, "page must be an integer from 1 to 1000000");
		return false;
	}
	if ((page - 1) * size > INT_MAX) {
		lx_o311_error(r, fmt, 400, "page is beyond the last possible result");
		return false;
	}
	*limit = (int)size;
	*offset = (int)((page - 1) * size);
	return true;
}

/* Splits a comma list into a new array of malloc'd items (*n of them, at
 * most max). Returns false on an empty item or too many items. */
static bool lx_o311_split(const char *s, size_t max, char ***out, size_t *n)
{
	char **items = NULL;
	size_t cnt = 0;
	const char *p = s;
	for (;;) {
		const char *comma = strchr(p, ',');
		const char *end = comma ? comma : p + strlen(p);
		while (p < end && *p == ' ')
			p++;
		const char *e = end;
		while (e > p && e[-1] == ' ')
			e--;
		if (e == p || cnt == max)
			goto fail;
		items = lx_xrealloc(items, (cnt + 1) * sizeof *items);
		items[cnt++] = lx_xstrndup(p, (size_t)(e - p));
		if (!comma)
			break;
		p = comma + 1;
	}
	*out = items;
	*n = cnt;
	return true;
fail:
	for (size_t i = 0; i < cnt; i++)
		free(items[i]);
	free(items);
	return false;
}

static void lx_o311_strv_free(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

int lx_api_open311_requests(lx_req *r)
{
	lx_o311_fmt fmt;
	lx_o311_filter f = {0};
	int64_t *ids = NULL;
	char **items = NULL, **codes = NULL;
	size_t nitems = 0, ncodes = 0;
	struct lx_o311_list_ctx ctx = {.r = r};
	lx_apikey key;
	int rc = LX_BADREQ;

	if (!lx_o311_format(r, &fmt))
		return LX_NOTFOUND;
	/* A key is not needed to read; one that is given must be good. */
	if (!lx_o311_key(r, fmt, NULL, false, &key))
		return LX_FORBIDDEN;
	lx_apikey_clear(&key);
	const char *sid = lx_req_arg(r, "service_request_id");
	if (sid && *sid) {
		/* a list of ids overrides every other argument */
		if (!lx_o311_split(sid, LX_O311_MAX_IDS, &items, &nitems)) {
			rc = lx_o311_error(r, fmt, 400, "service_request_id must be a comma list of at most "
					   "%d ids", LX_O311_MAX_IDS);
			goto cleanup;
		}
		ids = lx_xcalloc(nitems, sizeof *ids);
		for (size_t i = 0; i < nitems; i++) {
			if (!lx_o311_posint(items[i], INT64_MAX / 2, &ids[i])) {
				rc = lx_o311_error(r, fmt, 400, "service_request_id must be a comma list of ids");
				goto cleanup;
			}
		}
		f.ids = ids;
		f.nids = nitems;
		f.limit = LX_O311_MAX_RESULTS;
	} else {
		const char *code = lx_req_arg(r, "service_code"), *status = lx_req_arg(r, "status");
		if (code && *code) {
			if (!lx_utf8_valid(code, strlen(code)) ||
			    !lx_o311_split(code, LX_O311_MAX_CODES, &codes, &ncodes)) {
				rc = lx_o311_error(r, fmt, 400, "service_code must be a comma list of service codes");
				goto cleanup;
			}
			for (size_t i = 0; i < ncodes; i++) {
				lx_o311_service s;
				if (!lx_o311_service_find(r, fmt, codes[i], &s)) {
					rc = LX_NOTFOUND;
					goto cleanup;
				}
				lx_o311_service_clear(&s);
			}
			f.codes = codes;
			f.ncodes = ncodes;
		}
		if (status && *status) {
			if (!lx_o311_split(status, 8, &items, &nitems)) {
				rc = lx_o311_error(r, fmt, 400, "status must be open, closed or both, comma separated");
				goto cleanup;
			}
			for (size_t i = 0; i < nitems; i++) {
				if (strcmp(items[i], "open") == 0) {
					f.open = true;
				} else if (strcmp(items[i], "closed") == 0) {
					f.closed = true;
				} else {
					rc = lx_o311_error(r, fmt, 400, "status must be open, closed or both, "
							   "comma separated");
					goto cleanup;
				}
			}
		}
		if (!lx_o311_range(r, fmt, &f.from, &f.to) ||
		    !lx_o311_paging(r, fmt, &f.limit, &f.offset))
			goto cleanup;
	}
	ctx.items = json_array();
	rc = lx_o311_request_list(r->db, &f, lx_o311_request_cb, &ctx);
	if (rc != LX_OK) {
		json_decref(ctx.items);
		rc = lx_o311_store_error(r, fmt, rc);
		goto cleanup;
	}
	rc = lx_o311_reply(r, 200, fmt, "service_requests", ctx.items);
cleanup:
	free(ids);
	lx_o311_strv_free(items, nitems);
	lx_o311_strv_free(codes, ncodes);
	return rc;
}

int lx_api_open311_request(lx_req *r)
{
	lx_o311_fmt fmt;
	lx_o311_request q;
	int64_t id;
	if (!lx_o311_format(r, &fmt))
		return LX_NOTFOUND;
	if (!lx_req_id(r, 0, &id))
		return lx_o311_error(r, fmt, 404, "no such service_request_id");
	int rc = lx_o311_request_get(r->db, id, &q);
	if (rc == LX_NOTFOUND)
		return lx_o311_error(r, fmt, 404, "no such service_request_id: %lld", (long long)id);
	if (rc != LX_OK)
		return lx_o311_store_error(r, fmt, rc);
	json_t *list = json_array();
	json_array_append_new(list, lx_o311_request_json(r, &q));
	lx_o311_request_clear(&q);
	return lx_o311_reply(r, 200, fmt, "service_requests", list);
}

static bool lx_o311_token_ok(const char *t)
{
	if (!t || strlen(t) != LX_O311_TOKEN_LEN)
		return false;
	for (; *t; t++)
		if (!isxdigit((unsigned char)*t) || isupper((unsigned char)*t))
			return false;
	return true;
}

int lx_api_open311_token(lx_req *r)
{
	lx_o311_fmt fmt;
	int64_t id;
	if (!lx_o311_format(r, &fmt))
		return LX_NOTFOUND;
	const char *token = r->params[0];
	if (!lx_o311_token_ok(token))
		return lx_o311_error(r, fmt, 404, "no such token");
	int rc = lx_o311_token_case(r->db, token, &id);
	if (rc == LX_NOTFOUND)
		return lx_o311_error(r, fmt, 404, "no such token");
	if (rc != LX_OK)
		return lx_o311_store_error(r, fmt, rc);
	json_t *o = json_object();
	json_object_set_new(o, "service_request_id", json_integer(id));
	json_object_set_new(o, "token", json_string(token));
	json_t *list = json_array();
	json_array_append_new(list, o);
	return lx_o311_reply(r, 200, fmt, "service_requests", list);
}

/* ---------------- POST requests ---------------- */

/* Checks that each of the scalar fields occurs at most once. */
static bool lx_o311_once(lx_req *r, lx_o311_fmt fmt, const lx_o311_form *form,
			 const char *const *keys, size_t nkeys)
{
	for (size_t i = 0; i < nkeys; i++) {
		int n;
		lx_o311_form_get(form, keys[i], &n);
		if (n > 1) {
			lx_o311_error(r, fmt, 400, "%s is given more than once", keys[i]);
			return false;
		}
	}
	return true;
}

/* A present, non-empty form value or NULL. */
static const char *lx_o311_field(const lx_o311_form *form, const char *key)
{
	const char *v = lx_o311_form_get(form, key, NULL);
	return v && *v ? v : NULL;
}

/* Checks an optional one-line field against max code points. */
static bool lx_o311_line(lx_req *r, lx_o311_fmt fmt, const char *key, const char *v, size_t max)
{
	if (!v || lx_o311_text_ok(v, max, true))
		return true;
	lx_o311_error(r, fmt, 400, "%s must be one line of at most %zu characters", key, max);
	return false;
}

static bool lx_o311_url_ok(const char *u)
{
	if (strncmp(u, "http://", 7) != 0 && strncmp(u, "https://", 8) != 0)
		return false;
	if (strlen(u) > 2000 || strlen(u) < 9)
		return false;
	for (const unsigned char *p = (const unsigned char *)u; *p; p++)
		if (*p <= 0x20 || *p == 0x7f || *p == '"' || *p == '<' || *p == '>')
			return false;
	return true;
}

/* Reads a coordinate; answers 400 and returns false when it is not a
 * number in [lo, hi]. */
static bool lx_o311_coord(lx_req *r, lx_o311_fmt fmt, const char *key, const char *s, double lo,
			  double hi, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (*end || end == s || errno || !isfinite(v) || v < lo || v > hi) {
		lx_o311_error(r, fmt, 400, "%s must be a number from %g to %g", key, lo, hi);
		return false;
	}
	*out = v;
	return true;
}

/* The attribute values posted for one definition. */
struct lx_o311_posted {
	const char **vals;
	size_t n;
	bool listed; /* sent as attribute[CODE][] */
	bool plain;  /* sent as attribute[CODE] */
};

/* Validates the posted attribute[CODE] and attribute[CODE][] fields against
 * the service's definitions. Appends one "description：value" line per
 * answered attribute to lines and sets *json to the answers (code -> value
 * or [keys]). Unknown codes are ignored (clients such as FixMyStreet send
 * their own); informational (variable = false) attributes take no answer.
 * Answers 400 and returns false on bad input. */
static bool lx_o311_attributes(lx_req *r, lx_o311_fmt fmt, const lx_o311_form *form,
			       const lx_o311_attr *defs, size_t ndefs, lx_buf *lines, json_t **json)
{
	struct lx_o311_posted *posted = lx_xcalloc(ndefs ? ndefs : 1, sizeof *posted);
	json_t *answers = json_object();
	bool ok = false;

	for (size_t i = 0; i < form->n; i++) {
		const char *k = form->keys[i];
		if (strncmp(k, "attribute[", 10) != 0)
			continue;
		const char *code = k + 10, *close = strchr(code, ']');
		if (!close || close == code || (strcmp(close, "]") != 0 && strcmp(close, "][]") != 0)) {
			lx_o311_error(r, fmt, 400, "malformed attribute field: use attribute[CODE] or "
				      "attribute[CODE][]");
			goto cleanup;
		}
		size_t clen = (size_t)(close - code);
		for (size_t d = 0; d < ndefs; d++) {
			if (strlen(defs[d].code) != clen || strncmp(defs[d].code, code, clen) != 0)
				continue;
			struct lx_o311_posted *p = &posted[d];
			p->vals = lx_xrealloc(p->vals, (p->n + 1) * sizeof *p->vals);
			p->vals[p->n++] = form->vals[i];
			if (close[1])
				p->listed = true;
			else
				p->plain = true;
		}
	}
	for (size_t d = 0; d < ndefs; d++) {
		const lx_o311_attr *a = &defs[d];
		struct lx_o311_posted *p = &posted[d];
		size_t given = 0;
		for (size_t i = 0; i < p->n; i++)
			given += *p->vals[i] != '\0';
		if (!a->variable)
			continue;
		if (!given) {
			if (a->required) {
				lx_o311_error(r, fmt, 400, "attribute[%s] (%s) is required", a->code, a->description);
				goto cleanup;
			}
			continue;
		}
		bool multi = strcmp(a->datatype, "multivaluelist") == 0;
		if (!multi && (p->n > 1 || p->listed)) {
			lx_o311_error(r, fmt, 400, "attribute[%s] takes a single value", a->code);
			goto cleanup;
		}
		if (multi && p->listed && p->plain) {
			lx_o311_error(r, fmt, 400, "attribute[%s] is given both as a value and as a list", a->code);
			goto cleanup;
		}
		const char *v = p->vals[0];
		if (strcmp(a->datatype, "number") == 0) {
			char *end;
			errno = 0;
			double x = strtod(v, &end);
			if (*end || errno || !isfinite(x) || isspace((unsigned char)*v)) {
				lx_o311_error(r, fmt, 400, "attribute[%s] must be a number", a->code);
				goto cleanup;
			}
			json_object_set_new(answers, a->code, json_real(x));
		} else if (strcmp(a->datatype, "datetime") == 0) {
			lx_ms t;
			if (lx_time_parse(v, r->app->tz_offset_min, &t) != LX_OK) {
				lx_o311_error(r, fmt, 400, "attribute[%s] must be an ISO 8601 date or datetime "
					      "with its zone", a->code);
				goto cleanup;
			}
			json_object_set_new(answers, a->code, json_string(v));
		} else if (strcmp(a->datatype, "string") == 0 || strcmp(a->datatype, "text") == 0) {
			bool line = strcmp(a->datatype, "string") == 0;
			if (!lx_o311_text_ok(v, line ? 200 : LX_O311_DESC_MAX, line)) {
				lx_o311_error(r, fmt, 400, line ? "attribute[%s] must be one line of at most 200 "
					      "characters" : "attribute[%s] must be text of at most 4000 characters",
					      a->code);
				goto cleanup;
			}
			json_object_set_new(answers, a->code, json_string(v));
		} else {
			/* singlevaluelist and multivaluelist: every value a key */
			json_t *keys = json_array();
			lx_buf names;
			lx_buf_init(&names);
			for (size_t i = 0; i < p->n; i++) {
				const lx_o311_value *hit = NULL;
				if (!*p->vals[i])
					continue;
				for (size_t k = 0; k < a->nvalues && !hit; k++)
					if (strcmp(a->values[k].key, p->vals[i]) == 0)
						hit = &a->values[k];
				if (!hit) {
					json_decref(keys);
					lx_buf_free(&names);
					lx_o311_error(r, fmt, 400, "attribute[%s] has no value key \"%s\"", a->code,
						      p->vals[i]);
					goto cleanup;
				}
				bool seen = false;
				for (size_t k = 0; k < json_array_size(keys); k++)
					seen |= strcmp(json_string_value(json_array_get(keys, k)), hit->key) == 0;
				if (seen)
					continue;
				json_array_append_new(keys, json_string(hit->key));
				lx_buf_printf(&names, "%s%s", names.len ? "、" : "", hit->name);
			}
			lx_buf_printf(lines, "\n%s：%s", a->description, names.data);
			lx_buf_free(&names);
			if (multi)
				json_object_set_new(answers, a->code, keys);
			else {
				json_object_set(answers, a->code, json_array_get(keys, 0));
				json_decref(keys);
			}
			continue;
		}
		lx_buf_printf(lines, "\n%s：%s", a->description, v);
	}
	*json = answers;
	answers = NULL;
	ok = true;
cleanup:
	for (size_t d = 0; d < ndefs; d++)
		free(posted[d].vals);
	free(posted);
	json_decref(answers);
	return ok;
}

struct lx_o311_matches {
	size_t n;
	bool overflow;
	int64_t ids[32];
	char *paths[32];
};

static int lx_o311_match_cb(void *arg, int64_t id, const char *path)
{
	struct lx_o311_matches *m = arg;
	if (m->n == sizeof m->ids / sizeof m->ids[0]) {
		m->overflow = true;
		return 1;
	}
	m->ids[m->n] = id;
	m->paths[m->n] = lx_xstrdup(path);
	m->n++;
	return 0;
}

/* Locates an address_string by the names of units it contains: the deepest
 * named unit wins when every other named unit is one of its ancestors
 * ("桥头街道桥头社区…"); several unrelated names locate nothing. LX_OK with
 * *unit_id, LX_NOTFOUND, LX_ERR. */
static int lx_o311_locate_text(lx_db *db, const char *text, int64_t *unit_id)
{
	struct lx_o311_matches m = {0};
	int rc = lx_o311_units_in_text(db, text, lx_o311_match_cb, &m);
	if (rc == LX_OK) {
		rc = LX_NOTFOUND;
		size_t deep = 0;
		for (size_t i = 1; i < m.n; i++)
			if (strlen(m.paths[i]) > strlen(m.paths[deep]))
				deep = i;
		bool chain = m.n > 0 && !m.overflow;
		for (size_t i = 0; chain && i < m.n; i++)
			chain = strncmp(m.paths[deep], m.paths[i], strlen(m.paths[i])) == 0;
		if (chain) {
			*unit_id = m.ids[deep];
			rc = LX_OK;
		}
	}
	for (size_t i = 0; i < m.n; i++)
		free(m.paths[i]);
	return rc;
}

/* Resolves address_id: a unit code, else a unit id; only units of the
 * territory. LX_OK, LX_NOTFOUND, LX_ERR. */
static int lx_o311_address_unit(lx_db *db, const char *address_id, lx_unit *out)
{
	int64_t id;
	int rc = lx_unit_get_by_code(db, address_id, out);
	if (rc == LX_NOTFOUND && lx_o311_posint(address_id, INT64_MAX / 2, &id))
		rc = lx_unit_get(db, "/", id, out);
	if (rc == LX_OK && (strcmp(out->kind, "department") == 0 || strcmp(out->kind, "station") == 0)) {
		lx_unit_clear(out);
		rc = LX_NOTFOUND;
	}
	return rc;
}

/* Makes r->user the synthetic actor Open311 files cases as: a dispatcher
 * with the whole system as scope and no unit (id 0), named after the key. */
static void lx_o311_actor(lx_req *r, const lx_apikey *k)
{
	lx_user_clear(&r->user);
	r->user.id = 0;
	r->user.login = lx_xasprintf("open311:%lld", (long long)k->id);
	r->user.name = lx_xstrdup(k->name);
	r->user.phone = NULL;
	r->user.roles = LX_ROLE_DISPATCHER;
	r->user.unit_id = 0;
	r->user.scope = lx_xstrdup("/");
	r->user.active = true;
}

/* The reporter's name from first_name and last_name: family name first
 * without a space when either is Chinese, "given family" otherwise. */
static char *lx_o311_person(const char *first, const char *last)
{
	if (!first && !last)
		return NULL;
	if (!first || !last)
		return lx_xstrdup(first ? first : last);
	bool ascii = true;
	for (const char *p = first; *p; p++)
		ascii &= (unsigned char)*p < 0x80;
	for (const char *p = last; *p; p++)
		ascii &= (unsigned char)*p < 0x80;
	return ascii ? lx_xasprintf("%s %s", first, last) : lx_xasprintf("%s%s", last, first);
}

/* Open311's name for an intake field. */
static const char *lx_o311_field_name(const char *field)
{
	if (!field)
		return NULL;
	if (strcmp(field, "lon") == 0)
		return "long";
	if (strcmp(field, "reporter.phone") == 0)
		return "phone";
	if (strcmp(field, "category_code") == 0)
		return "service_code";
	if (strcmp(field, "unit_id") == 0)
		return "address_id";
	return field;
}

/* The start every GeoReport POST shares: parse the form, check the api_key,
 * refuse repeated scalar fields. Returns LX_OK, or an error status after
 * replying in fmt; form and key are the caller's to free either way. */
static int lx_o311_post_begin(lx_req *r, lx_o311_fmt fmt, lx_o311_form *form, lx_apikey *key,
			      const char *const *scalars, size_t nscalars)
{
	char err[200];
	if (lx_o311_form_parse(r, form, err, sizeof err) != LX_OK)
		return lx_o311_error(r, fmt, 400, "%s", err);
	if (!lx_o311_key(r, fmt, form, true, key))
		return LX_FORBIDDEN;
	if (!lx_o311_once(r, fmt, form, scalars, nscalars))
		return LX_BADREQ;
	return LX_OK;
}

/* The Open311 extras of a new case, written by lx_api_intake in the case's
 * transaction. */
struct lx_o311_after {
	lx_o311_extra x;
	char token[65];
	bool queued;
};

static int lx_o311_after_intake(lx_db *db, lx_case *c, void *arg)
{
	struct lx_o311_after *a = arg;
	/* no duty rule placed it: the desk will, and the client holds a token */
	a->queued = c->handler_unit_id == 0;
	if (a->queued) {
		lx_token_new(a->token);
		a->token[LX_O311_TOKEN_LEN] = '\0';
	}
	a->x.case_id = c->id;
	a->x.token = a->queued ? a->token : NULL;
	return lx_o311_extra_insert(db, &a->x, lx_now_ms());
}

int lx_api_open311_create(lx_req *r)
{
	static const char *const scalars[] = {
		"api_key", "jurisdiction_id", "service_code", "lat", "long", "address_string",
		"address_id", "email", "device_id", "account_id", "first_name", "last_name", "phone",
		"description", "media_url",
	};
	lx_o311_fmt fmt;
	lx_o311_form form = {0};
	lx_apikey key = {0};
	lx_o311_service svc = {0};
	lx_o311_attr *defs = NULL;
	size_t ndefs = 0;
	lx_unit loc = {0}, addr = {0};
	lx_intake in = {0};
	lx_intake_error ierr;
	lx_case c = {0};
	json_t *answers = NULL;
	lx_buf lines, text, title;
	char *reporter = NULL, *answers_text = NULL;
	bool has_lat, has_long, located = false;
	int rc;

	lx_buf_init(&lines);
	lx_buf_init(&text);
	lx_buf_init(&title);
	if (!lx_o311_format(r, &fmt))
		return LX_NOTFOUND;
	rc = lx_o311_post_begin(r, fmt, &form, &key, scalars, sizeof scalars / sizeof scalars[0]);
	if (rc != LX_OK)
		goto cleanup;
	rc = LX_BADREQ;

	/* the service */
	const char *code = lx_o311_field(&form, "service_code");
	if (!code) {
		rc = lx_o311_error(r, fmt, 400, "service_code is required");
		goto cleanup;
	}
	if (!lx_o311_service_find(r, fmt, code, &svc)) {
		rc = LX_NOTFOUND;
		goto cleanup;
	}

	/* the location: lat and long, address_string or address_id */
	const char *lat = lx_o311_field(&form, "lat"), *lon = lx_o311_field(&form, "long");
	const char *address = lx_o311_field(&form, "address_string");
	const char *address_id = lx_o311_field(&form, "address_id");
	has_lat = lat != NULL;
	has_long = lon != NULL;
	if (has_lat != has_long) {
		rc = lx_o311_error(r, fmt, 400, "lat and long must be sent together");
		goto cleanup;
	}
	if (!has_lat && !address && !address_id) {
		rc = lx_o311_error(r, fmt, 400, "a location is required: lat and long, address_string "
				   "or address_id");
		goto cleanup;
	}
	if (has_lat && (!lx_o311_coord(r, fmt, "lat", lat, -90, 90, &in.lat) ||
			!lx_o311_coord(r, fmt, "long", lon, -180, 180, &in.lon)))
		goto cleanup;
	in.has_point = has_lat;
	if (!lx_o311_line(r, fmt, "address_string", address, 200) ||
	    !lx_o311_line(r, fmt, "address_id", address_id, 64))
		goto cleanup;

	/* the person and the report */
	const char *email = lx_o311_field(&form, "email"), *device = lx_o311_field(&form, "device_id");
	const char *account = lx_o311_field(&form, "account_id"), *phone = lx_o311_field(&form, "phone");
	const char *first = lx_o311_field(&form, "first_name"), *last = lx_o311_field(&form, "last_name");
	const char *desc = lx_o311_field(&form, "description"), *media = lx_o311_field(&form, "media_url");
	if (!lx_o311_line(r, fmt, "email", email, 254) || !lx_o311_line(r, fmt, "device_id", device, 100) ||
	    !lx_o311_line(r, fmt, "account_id", account, 100) || !lx_o311_line(r, fmt, "phone", phone, 20) ||
	    !lx_o311_line(r, fmt, "first_name", first, 32) || !lx_o311_line(r, fmt, "last_name", last, 32))
		goto cleanup;
	if (email && (!strchr(email, '@') || strchr(email, ' '))) {
		rc = lx_o311_error(r, fmt, 400, "email is not an e-mail address");
		goto cleanup;
	}
	if (desc && !lx_o311_text_ok(desc, LX_O311_DESC_MAX, false)) {
		rc = lx_o311_error(r, fmt, 400, "description must be text of at most %d characters",
				   LX_O311_DESC_MAX);
		goto cleanup;
	}
	if (media && !lx_o311_url_ok(media)) {
		rc = lx_o311_error(r, fmt, 400, "media_url must be an http or https URL");
		goto cleanup;
	}

	/* the service's attributes */
	rc = lx_o311_attrs_load(r->db, svc.code, &defs, &ndefs);
	if (rc != LX_OK) {
		rc = lx_o311_store_error(r, fmt, rc);
		goto cleanup;
	}
	rc = LX_BADREQ;
	if (!lx_o311_attributes(r, fmt, &form, defs, ndefs, &lines, &answers))
		goto cleanup;

	/* Where the case lies: the point, else address_id, else the unit names
	 * in address_string; unlocated cases wait for a dispatcher. */
	if (address_id) {
		rc = lx_o311_address_unit(r->db, address_id, &addr);
		if (rc == LX_NOTFOUND) {
			rc = lx_o311_error(r, fmt, 400, "address_id names no unit of the grid");
			goto cleanup;
		}
		if (rc != LX_OK) {
			rc = lx_o311_store_error(r, fmt, rc);
			goto cleanup;
		}
	}
	if (in.has_point) {
		rc = lx_api_locate_point(r->db, in.lat, in.lon, &loc);
		if (rc == LX_OK) {
			in.has_unit = true;
			in.unit_id = loc.id;
			located = true;
		} else if (rc != LX_NOTFOUND) {
			rc = lx_o311_store_error(r, fmt, rc);
			goto cleanup;
		}
	}
	if (!located && address_id) {
		in.has_unit = true;
		in.unit_id = addr.id;
		located = true;
	}
	if (!located && address) {
		rc = lx_o311_locate_text(r->db, address, &in.unit_id);
		if (rc == LX_OK) {
			in.has_unit = true;
			located = true;
		} else if (rc != LX_NOTFOUND) {
			rc = lx_o311_store_error(r, fmt, rc);
			goto cleanup;
		}
	}

	/* the case */
	lx_buf_puts(&text, desc ? desc : "");
	if (lines.len)
		lx_buf_printf(&text, "%s【附加信息】%s", desc ? "\n\n" : "", lines.data);
	lx_buf_puts(&title, svc.name);
	if (desc) {
		lx_buf_puts(&title, "：");
		lx_o311_prefix(&title, desc, 30);
	}
	reporter = lx_o311_person(first, last);
	answers_text = json_object_size(answers) ? json_dumps(answers, JSON_COMPACT) : NULL;
	in.type = "request";
	in.channel = "open311";
	in.category_code = svc.code;
	in.title = title.data;
	in.description = text.data;
	in.address = address;
	in.reporter_name = reporter;
	in.reporter_phone = phone;
	/* What GeoReport keeps besides the case (and a token when the case is
	 * queued) is written in the case's own transaction. */
	struct lx_o311_after after = {
		.x = {.api_key_id = key.id, .email = email, .device_id = device, .account_id = account,
		      .address_id = address_id, .media_url = media, .attributes = answers_text},
	};
	in.after = lx_o311_after_intake;
	in.after_arg = &after;
	lx_o311_actor(r, &key);
	rc = lx_api_intake(r, &in, &c, &ierr);
	if (rc != LX_OK) {
		const char *field = lx_o311_field_name(ierr.field);
		rc = lx_o311_error(r, fmt, 400, "%s%s%s", field ? field : "", field ? ": " : "", ierr.message);
		goto cleanup;
	}
	bool queued = after.queued;
	char *token = after.token;
	char *notice = lx_o311_notice(r, c.type, c.status, NULL, 0);
	if (!queued && c.handler_unit_id) {
		lx_unit h = {0};
		if (lx_unit_get(r->db, "/", c.handler_unit_id, &h) == LX_OK) {
			free(notice);
			notice = lx_o311_notice(r, c.type, c.status, h.name, c.resolve_due_at);
		}
		lx_unit_clear(&h);
	}
	json_t *o = json_object();
	if (queued)
		json_object_set_new(o, "token", json_string(token));
	else
		json_object_set_new(o, "service_request_id", json_integer(c.id));
	json_object_set_new(o, "service_notice", lx_o311_str(notice));
	json_object_set_new(o, "account_id", lx_o311_str(account));
	free(notice);
	json_t *list = json_array();
	json_array_append_new(list, o);
	rc = lx_o311_reply(r, 200, fmt, "service_requests", list);
cleanup:
	free(reporter);
	free(answers_text);
	json_decref(answers);
	lx_buf_free(&lines);
	lx_buf_free(&text);
	lx_buf_free(&title);
	lx_case_clear(&c);
	lx_unit_clear(&loc);
	lx_unit_clear(&addr);
	lx_o311_attrs_free(defs, ndefs);
	lx_o311_service_clear(&svc);
	lx_apikey_clear(&key);
	lx_o311_form_free(&form);
	return rc;
}

/* ---------------- updates (the FixMyStreet extension) ---------------- */

/* Maps a posted update status to open (false) or closed (true). Returns
 * false for a status the extension does not define. */
static bool lx_o311_update_status(const char *s, bool *closed)
{
	static const char *const open[] = {"open", "in_progress", "action_scheduled", "investigating",
					   "reopen"};
	static const char *const shut[] = {"closed", "fixed", "duplicate", "not_councils_responsibility",
					   "no_further_action", "internal_referral"};
	for (size_t i = 0; i < sizeof open / sizeof open[0]; i++)
		if (strcasecmp(s, open[i]) == 0) {
			*closed = false;
			return true;
		}
	for (size_t i = 0; i < sizeof shut / sizeof shut[0]; i++)
		if (strcasecmp(s, shut[i]) == 0) {
			*closed = true;
			return true;
		}
	return false;
}

/* The public text of a timeline step. Returns a malloc'd string. */
static char *lx_o311_update_text(const lx_o311_update *u)
{
	const char *unit = u->unit_name ? u->unit_name : "办理单位";
	if (u->client_text)
		return lx_o311_scrub(u->client_text);
	if (strcmp(u->action, "dispatch") == 0)
		return lx_xasprintf("已派发至%s办理。", unit);
	if (strcmp(u->action, "accept") == 0)
		return lx_xasprintf("%s已受理。", unit);
	if (strcmp(u->action, "resolve") == 0)
		return lx_o311_scrub(u->note ? u->note : "已答复。");
	if (strcmp(u->action, "rate") == 0)
		return lx_xstrdup(lx_o311_is_closed(u->to_status) ? "市民已评价，诉求办结。"
								    : "市民评价未解决，已重新交办。");
	if (strcmp(u->action, "reopen") == 0)
		return lx_xasprintf("已重新交%s办理。", unit);
	if (strcmp(u->action, "close") == 0)
		return lx_xstrdup("已办结。");
	return lx_xstrdup("");
}

struct lx_o311_upd_ctx {
	lx_req *r;
	json_t *items;
};

static int lx_o311_updates_cb(void *arg, const lx_o311_update *u)
{
	struct lx_o311_upd_ctx *ctx = arg;
	json_t *o = json_object();
	char *text = lx_o311_update_text(u);
	json_object_set_new(o, "update_id", json_integer(u->id));
	json_object_set_new(o, "service_request_id", json_integer(u->case_id));
	json_object_set_new(o, "status", json_string(lx_o311_status(u->to_status)));
	json_object_set_new(o, "updated_datetime", lx_o311_time(ctx->r, u->at));
	json_object_set_new(o, "description", lx_o311_str(text));
	json_object_set_new(o, "media_url", lx_o311_str(u->media_url));
	json_array_append_new(ctx->items, o);
	free(text);
	return 0;
}

int lx_api_open311_updates(lx_req *r)
{
	lx_o311_fmt fmt;
	lx_apikey key;
	lx_ms from, to;
	int limit, offset;
	struct lx_o311_upd_ctx ctx = {.r = r};
	if (!lx_o311_format(r, &fmt))
		return LX_NOTFOUND;
	if (!lx_o311_key(r, fmt, NULL, false, &key))
		return LX_FORBIDDEN;
	lx_apikey_clear(&key);
	if (!lx_o311_range(r, fmt, &from, &to) || !lx_o311_paging(r, fmt, &limit, &offset))
		return LX_BADREQ;
	ctx.items = json_array();
	int rc = lx_o311_update_list(r->db, from, to, limit, offset, lx_o311_updates_cb, &ctx);
	if (rc != LX_OK) {
		json_decref(ctx.items);
		return lx_o311_store_error(r, fmt, rc);
	}
	return lx_o311_reply(r, 200, fmt, "service_request_updates", ctx.items);
}

/* Answers a posted update with its update_id. */
static int lx_o311_update_reply(lx_req *r, lx_o311_fmt fmt, int64_t event_id)
{
	json_t *o = json_object();
	json_object_set_new(o, "update_id", json_integer(event_id));
	json_t *list = json_array();
	json_array_append_new(list, o);
	return lx_o311_reply(r, 200, fmt, "service_request_updates", list);
}

/* A posted update's fields, checked. Strings are the form's. */
struct lx_o311_update_post {
	int64_t case_id;
	const char *uid, *status, *desc, *code, *email, *account, *first, *last, *media_url;
	bool closed_wanted;
	lx_ms updated_datetime;
};

/* Checks the form of a posted update into *p; answers 400 and returns
 * false on bad input. */
static bool lx_o311_update_check(lx_req *r, lx_o311_fmt fmt, lx_o311_form *form, struct lx_o311_update_post *p)
{
	const char *sid = lx_o311_field(form, "service_request_id");
	const char *when = lx_o311_field(form, "updated_datetime");
	p->uid = lx_o311_field(form, "update_id");
	p->status = lx_o311_field(form, "status");
	p->desc = lx_o311_form_get(form, "description", NULL);
	p->code = lx_o311_field(form, "service_code");
	if (!sid || !lx_o311_posint(sid, INT64_MAX / 2, &p->case_id))
		return lx_o311_error(r, fmt, 400, "service_request_id is required and must be an id"), false;
	if (!p->uid || !lx_o311_text_ok(p->uid, 64, true))
		return lx_o311_error(r, fmt, 400, "update_id is required: one line of at most 64 characters"), false;
	if (!p->status || !lx_o311_update_status(p->status, &p->closed_wanted))
		return lx_o311_error(r, fmt, 400, "status is required: OPEN, CLOSED or another status of "
				     "the FixMyStreet extension"), false;
	if (!when || !lx_o311_parse_time(r, when, &p->updated_datetime))
		return lx_o311_error(r, fmt, 400, "updated_datetime is required: a W3C datetime with its zone"), false;
	if (!p->desc || !lx_o311_text_ok(p->desc, LX_O311_DESC_MAX, false))
		return lx_o311_error(r, fmt, 400, "description is required: text of at most %d characters",
				     LX_O311_DESC_MAX), false;
	for (size_t i = 0; i < form->n; i++)
		if (strcmp(form->keys[i], "media_url") == 0 && *form->vals[i] && !lx_o311_url_ok(form->vals[i]))
			return lx_o311_error(r, fmt, 400, "media_url must be an http or https URL"), false;
	p->media_url = lx_o311_field(form, "media_url");
	p->email = lx_o311_field(form, "email");
	p->account = lx_o311_field(form, "account_id");
	p->first = lx_o311_field(form, "first_name");
	p->last = lx_o311_field(form, "last_name");
	return lx_o311_line(r, fmt, "email", p->email, 254) && lx_o311_line(r, fmt, "account_id", p->account, 100) &&
	       lx_o311_line(r, fmt, "first_name", p->first, 32) && lx_o311_line(r, fmt, "last_name", p->last, 32) &&
	       lx_o311_line(r, fmt, "phone", lx_o311_field(form, "phone"), 20) &&
	       lx_o311_line(r, fmt, "title", lx_o311_field(form, "title"), 100);
}

/* The client's status moves the case when the workflow lets the desk do
 * so: a closing status closes an answered (or still unassigned) case, an
 * open one reopens an answered or closed case. Otherwise the update is a
 * comment and the case keeps its status. The engine decides and writes
 * (as the desk: an Open311 client speaks for the hotline). *event_id is
 * the event it wrote. LX_OK, LX_CONFLICT (the case moved meanwhile) or an
 * error. */
static int lx_o311_update_apply(lx_req *r, const lx_apikey *key, lx_case *c, const struct lx_o311_update_post *p,
				int64_t *event_id)
{
	lx_flow_actor desk = {0, LX_ROLE_DISPATCHER, "/", false};
	lx_flow_ctx *x = lx_flow_ctx_new(r->db, &desk, lx_now_ms(), r->app->tz_offset_min);
	lx_flow_error ferr;
	const char *act = p->closed_wanted ? "close" : lx_o311_is_closed(c->status) ? "reopen" : "comment";
	char *note = lx_xasprintf("Open311 更新（%s，%s）：%s", key->name, p->status, p->desc);
	lx_flow_input fin = {.note = note, .reason = strcmp(act, "reopen") == 0 ? note : NULL};
	if (lx_flow_decide(x, c, act, &fin, NULL, &ferr) != LX_OK)
		act = "comment";
	int rc = lx_flow_apply(x, c, act, &fin, NULL, &ferr);
	if (rc == LX_OK)
		rc = lx_case_last_event(r->db, c->id, event_id);
	else if (ferr.status == 409 && ferr.code && strcmp(ferr.code, "stale_version") == 0)
		rc = LX_CONFLICT;
	lx_flow_ctx_free(x);
	free(note);
	return rc;
}

/* The request the update is for, in the same transaction; answers 400/404
 * and returns false when there is none or it does not match. */
static bool lx_o311_update_case(lx_req *r, lx_o311_fmt fmt, const struct lx_o311_update_post *p, lx_case *c)
{
	int rc = lx_case_get(r->db, "/", p->case_id, c);
	if (rc == LX_OK && strcmp(c->type, "request") != 0)
		rc = LX_NOTFOUND;
	if (rc == LX_NOTFOUND)
		return lx_o311_error(r, fmt, 404, "no such service_request_id: %lld", (long long)p->case_id), false;
	if (rc != LX_OK)
		return lx_o311_store_error(r, fmt, rc), false;
	if (p->code && (!c->category_code || strcmp(p->code, c->category_code) != 0))
		return lx_o311_error(r, fmt, 400, "service_code does not match the request's service"), false;
	return true;
}

int lx_api_open311_update_post(lx_req *r)
{
	static const char *const scalars[] = {
		"api_key", "jurisdiction_id", "service_request_id", "update_id", "status",
		"updated_datetime", "description", "email", "phone", "first_name", "last_name",
		"title", "account_id", "service_code", "public_anonymity_required",
	};
	lx_o311_fmt fmt;
	lx_o311_form form = {0};
	lx_apikey key = {0};
	lx_case c = {0};
	struct lx_o311_update_post p = {0};
	int64_t event_id, seen_case;
	int rc;

	if (!lx_o311_format(r, &fmt))
		return LX_NOTFOUND;
	rc = lx_o311_post_begin(r, fmt, &form, &key, scalars, sizeof scalars / sizeof scalars[0]);
	if (rc != LX_OK)
		goto cleanup;
	rc = LX_BADREQ;
	if (!lx_o311_update_check(r, fmt, &form, &p))
		goto cleanup;
	rc = lx_db_begin(r->db, true);
	if (rc != LX_OK) {
		rc = lx_o311_store_error(r, fmt, rc);
		goto cleanup;
	}
	/* A retried update answers what the first one did. */
	rc = lx_o311_update_find(r->db, key.id, p.uid, &event_id, &seen_case);
	if (rc == LX_OK && seen_case == p.case_id) {
		lx_db_rollback(r->db);
		rc = lx_o311_update_reply(r, fmt, event_id);
		goto cleanup;
	}
	if (rc == LX_OK)
		rc = lx_o311_error(r, fmt, 400, "update_id %s was already used for another request", p.uid);
	else if (rc != LX_NOTFOUND)
		rc = lx_o311_store_error(r, fmt, rc);
	else if (!lx_o311_update_case(r, fmt, &p, &c))
		rc = LX_BADREQ;
	else
		rc = lx_o311_update_apply(r, &key, &c, &p, &event_id);
	if (r->out) {
		lx_db_rollback(r->db);
		goto cleanup;
	}
	if (rc == LX_OK) {
		lx_o311_update_in u = {.case_id = c.id, .api_key_id = key.id, .event_id = event_id,
				       .client_update_id = p.uid, .status = p.status, .description = p.desc,
				       .media_url = p.media_url, .email = p.email, .first_name = p.first,
				       .last_name = p.last, .account_id = p.account,
				       .updated_datetime = p.updated_datetime};
		rc = lx_o311_update_insert(r->db, &u, lx_now_ms());
	}
	if (rc == LX_OK)
		rc = lx_db_commit(r->db);
	if (rc != LX_OK) {
		lx_db_rollback(r->db);
		/* A conflict is the same update racing in: the client retries. */
		rc = lx_o311_error(r, fmt, 400, rc == LX_CONFLICT ? "the request changed meanwhile: retry"
								  : "the service failed: try again");
		goto cleanup;
	}
	rc = lx_o311_update_reply(r, fmt, event_id);
cleanup:
	lx_case_clear(&c);
	lx_apikey_clear(&key);
	lx_o311_form_free(&form);
	return rc;
}

/* ---------------- /api/v1/api-keys ---------------- */

static json_t *lx_apikey_json(lx_req *r, const lx_apikey *k)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(k->id));
	json_object_set_new(o, "name", json_string(k->name));
	json_object_set_new(o, "rate_limit", json_integer(k->rate_limit));
	json_object_set_new(o, "created_at", lx_o311_time(r, k->created_at));
	json_object_set_new(o, "revoked_at", lx_o311_time(r, k->revoked_at));
	return o;
}

struct lx_apikey_list_ctx {
	lx_req *r;
	json_t *items;
};

static int lx_apikey_list_cb(void *arg, const lx_apikey *k)
{
	struct lx_apikey_list_ctx *ctx = arg;
	json_array_append_new(ctx->items, lx_apikey_json(ctx->r, k));
	return 0;
}

int lx_api_apikeys_list(lx_req *r)
{
	struct lx_apikey_list_ctx ctx = {.r = r};
	ctx.items = json_array();
	int rc = lx_apikey_list(r->db, lx_apikey_list_cb, &ctx);
	if (rc != LX_OK) {
		json_decref(ctx.items);
		return lx_reply_store_error(r, rc);
	}
	json_t *j = json_object();
	json_object_set_new(j, "items", ctx.items);
	return lx_reply_json(r, 200, j);
}

struct lx_apikey_in {
	const char *name;
	int64_t rate_limit;
	bool has_rate_limit;
};

static const lx_field lx_apikey_fields[] = {
	LX_FIELD(struct lx_apikey_in, name, LX_F_STR, .required = true, .max = 100, .doc = "who the key is for"),
	LX_FIELD_HAS(struct lx_apikey_in, rate_limit, LX_F_INT, .min = 1, .max = LX_APIKEY_RATE_MAX,
		     .code = "out_of_range", .doc = "requests per minute"),
	LX_FIELD_END,
};
const lx_schema lx_apikey_schema = {"apikey", lx_apikey_fields, NULL, sizeof(struct lx_apikey_in)};

int lx_api_apikeys_create(lx_req *r)
{
	const struct lx_apikey_in *in = r->in;
	lx_apikey k = {0};
	char secret[65], hash[65];
	lx_token_new(secret);
	lx_token_hash(secret, hash);
	k.name = lx_xstrdup(in->name);
	k.rate_limit = in->has_rate_limit ? (int)in->rate_limit : LX_APIKEY_RATE_DEFAULT;
	int rc = lx_apikey_insert(r->db, &k, hash, r->user.id);
	if (rc != LX_OK) {
		rc = lx_reply_store_error(r, rc);
	} else {
		json_t *j = lx_apikey_json(r, &k);
		/* shown this once: only its hash is kept */
		json_object_set_new(j, "api_key", json_string(secret));
		rc = lx_reply_json(r, 201, j);
	}
	memset(secret, 0, sizeof secret);
	lx_apikey_clear(&k);
	return rc;
}

int lx_api_apikeys_revoke(lx_req *r)
{
	int64_t id;
	lx_apikey k;
	if (!lx_req_id(r, 0, &id))
		return lx_reply_error(r, 404, "not_found", NULL, "no such API key");
	int rc = lx_apikey_revoke(r->db, id, lx_now_ms());
	if (rc == LX_OK)
		rc = lx_apikey_get(r->db, id, &k);
	if (rc == LX_NOTFOUND)
		return lx_reply_error(r, 404, "not_found", NULL, "no such API key");
	if (rc != LX_OK)
		return lx_reply_store_error(r, rc);
	rc = lx_reply_json(r, 200, lx_apikey_json(r, &k));
	lx_apikey_clear(&k);
	return rc;
}

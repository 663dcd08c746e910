/*
 * open311.c - the Open311 GeoReport v2 endpoint under /open311/v2/: what the
 * GeoReport files share (small helpers, form fields, the API key check and
 * its per-minute rate, query arguments), discovery and the services.
 *
 * Services are the leaf categories, requests the cases of type `request`.
 * Every method answers in the format its path suffix names (.xml or .json;
 * any other suffix is a 404 in JSON). Errors are the spec's error list: 404
 * unknown service or request, 403 missing or bad api_key, 429 over the
 * key's rate, 400 for everything else. The rooms: open311_read.c (GET
 * requests), open311_post.c (POST requests), open311_update.c (the
 * FixMyStreet updates), open311_keys.c (/api/v1/api-keys), open311_fmt.c
 * (XML, JSON and form bodies). The mapping is written up in docs/open311.md.
 */
#include "open311.h"
#include "flow.h"
#include "secret.h"

#include <assert.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LX_O311_SPEC "http://wiki.open311.org/GeoReport_v2"
#define LX_O311_SPAN_MS (90LL * 24 * 3600 * 1000) /* the default and largest date range */

/* ---------------- small helpers ---------------- */

json_t *lx_o311_str(const char *s)
{
	json_t *j = s && *s ? json_string(s) : NULL;
	return j ? j : json_null();
}

json_t *lx_o311_time(lx_req *r, lx_ms t)
{
	char buf[40];
	if (!t)
		return json_null();
	return json_string(lx_time_format(t, r->app->tz_offset_min, buf, sizeof buf));
}

bool lx_o311_is_closed(const char *case_status)
{
	const lx_state_class *cls = lx_store_state(case_status);
	return cls && cls->done;
}

const char *lx_o311_status(const char *case_status)
{
	return lx_o311_is_closed(case_status) ? "closed" : "open";
}

bool lx_o311_format_or_reply(lx_req *r, lx_o311_fmt *fmt)
{
	assert(r->nparams > 0);
	if (lx_o311_fmt_parse(r->params[r->nparams - 1], fmt))
		return true;
	lx_o311_error(r, LX_O311_JSON, 404, "unknown format: use .xml or .json");
	return false;
}

int lx_o311_reply_store_error(lx_req *r, lx_o311_fmt fmt, int rc)
{
	return lx_o311_error(r, fmt, 400, rc == LX_BUSY ? "the service is busy: try again"
							   : "the service failed: try again");
}

int lx_api_open311_fail(lx_req *r, int rc)
{
	lx_o311_fmt fmt = LX_O311_JSON;
	if (r->nparams > 0)
		(void)lx_o311_fmt_parse(r->params[r->nparams - 1], &fmt);
	if (rc == LX_NOTFOUND)
		return lx_o311_error(r, fmt, 404, "not found");
	if (rc == LX_FORBIDDEN)
		return lx_o311_error(r, fmt, 403, "not allowed");
	return lx_o311_reply_store_error(r, fmt, rc);
}

bool lx_o311_posint(const char *s, int64_t max, int64_t *out)
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

bool lx_o311_parse_time(lx_req *r, const char *s, lx_ms *out)
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

bool lx_o311_text_ok(const char *s, size_t max, bool one_line)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 && (one_line || (*p != '\n' && *p != '\r' && *p != '\t'))) || *p == 0x7f)
			return false;
	return lx_utf8_valid(s, strlen(s)) && lx_utf8_len(s) <= max;
}

/* ---------------- form fields ---------------- */

/* Checks that each of the scalar fields occurs at most once. */
static bool lx_o311_once_or_reply(lx_req *r, lx_o311_fmt fmt, const lx_o311_form *form,
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

const char *lx_o311_field(const lx_o311_form *form, const char *key)
{
	const char *v = lx_o311_form_get(form, key, NULL);
	return v && *v ? v : NULL;
}

bool lx_o311_line_or_reply(lx_req *r, lx_o311_fmt fmt, const char *key, const char *v, size_t max)
{
	if (!v || lx_o311_text_ok(v, max, true))
		return true;
	lx_o311_error(r, fmt, 400, "%s must be one line of at most %zu characters", key, max);
	return false;
}

bool lx_o311_url_ok(const char *u)
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

int lx_o311_post_begin_or_reply(lx_req *r, lx_o311_fmt fmt, lx_o311_form *form, lx_apikey *key,
			      const char *const *scalars, size_t nscalars)
{
	char err[200];
	if (lx_o311_form_parse(r, form, err, sizeof err) != LX_OK)
		return lx_o311_error(r, fmt, 400, "%s", err);
	if (!lx_o311_key_or_reply(r, fmt, form, true, key))
		return LX_FORBIDDEN;
	if (!lx_o311_once_or_reply(r, fmt, form, scalars, nscalars))
		return LX_BADREQ;
	return LX_OK;
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

bool lx_apikey_rate_take(int64_t key_id, int limit, lx_ms now, int *retry_s)
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

bool lx_o311_key_or_reply(lx_req *r, lx_o311_fmt fmt, const lx_o311_form *form, bool required,
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
		lx_o311_reply_store_error(r, fmt, rc);
		return false;
	}
	if (strcmp(key->kind, "open311") != 0) {
		lx_o311_error(r, fmt, 403, "this api_key is a %s key: it does not open Open311", key->kind);
		lx_apikey_clear(key);
		return false;
	}
	if (!lx_apikey_rate_take(key->id, key->rate_limit, lx_now_ms(), &retry)) {
		lx_o311_error(r, fmt, 429, "more than %d requests a minute with this api_key: retry in %d s",
			      key->rate_limit, retry);
		lx_reply_header(r, "Retry-After", "%d", retry);
		lx_apikey_clear(key);
		return false;
	}
	return true;
}

/* ---------------- notices and query arguments ---------------- */

char *lx_o311_notice(lx_req *r, const char *type, const char *status, const char *agency, lx_ms due)
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

/* Reads start_date or end_date (key). *present tells whether it was given.
 * Answers 400 and returns false when it is not a W3C datetime with zone. */
static bool lx_o311_arg_time_or_reply(lx_req *r, lx_o311_fmt fmt, const char *key, lx_ms *out,
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

bool lx_o311_range_or_reply(lx_req *r, lx_o311_fmt fmt, lx_ms *from, lx_ms *to)
{
	bool has_from, has_to;
	if (!lx_o311_arg_time_or_reply(r, fmt, "start_date", from, &has_from) ||
	    !lx_o311_arg_time_or_reply(r, fmt, "end_date", to, &has_to))
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

bool lx_o311_paging_or_reply(lx_req *r, lx_o311_fmt fmt, int *limit, int *offset)
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

/* ---------------- discovery and services ---------------- */

int lx_api_open311_discovery(lx_req *r)
{
	lx_o311_fmt fmt;
	lx_ms changed;
	if (!lx_o311_format_or_reply(r, &fmt))
		return LX_NOTFOUND;
	int rc = lx_o311_changeset(r->db, &changed);
	if (rc != LX_OK)
		return lx_o311_reply_store_error(r, fmt, rc);
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
	if (!lx_o311_format_or_reply(r, &fmt))
		return LX_NOTFOUND;
	json_t *list = json_array();
	int rc = lx_o311_service_list(r->db, lx_o311_services_cb, list);
	if (rc != LX_OK) {
		json_decref(list);
		return lx_o311_reply_store_error(r, fmt, rc);
	}
	return lx_o311_reply(r, 200, fmt, "services", list);
}

bool lx_o311_service_or_reply(lx_req *r, lx_o311_fmt fmt, const char *code, lx_o311_service *out)
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
		lx_o311_reply_store_error(r, fmt, rc);
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
	if (!lx_o311_format_or_reply(r, &fmt))
		return LX_NOTFOUND;
	if (!lx_o311_service_or_reply(r, fmt, r->params[0], &s))
		return LX_NOTFOUND;
	rc = lx_o311_attrs_load(r->db, s.code, &attrs, &n);
	if (rc != LX_OK) {
		rc = lx_o311_reply_store_error(r, fmt, rc);
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

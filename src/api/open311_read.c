/*
 * open311_read.c - GeoReport's reading methods: GET requests (a list by ids,
 * or by service, status and dates, paged), one request, and a queued
 * request's id by its token. Reading needs no API key; one that is given
 * must be good. Everything here is public, key or not (a key holder shows
 * what it reads on a public map), so:
 * - a request never shows its reporter, and ID, mobile and landline
 *   numbers in its description, address and replies are masked
 *   (core/scrub.h);
 * - an anonymous reporter's request (the flag, or an Open311 POST with no
 *   contact at all) shows no place finer than its community: address and
 *   address_id are the community's (or the street's, where no community is
 *   on its path) and it shows no point, since a point locates a door;
 * - the points of the others are rounded to the setting
 *   public_point_decimals (default 3 decimals: about 100 m).
 */
#include "open311.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LX_O311_MAX_IDS 1000
#define LX_O311_MAX_CODES 100

/* Free text as JSON with personal numbers masked. */
static json_t *lx_o311_text(const char *s)
{
	char *m = lx_scrub_pii(s);
	json_t *j = lx_o311_str(m);
	free(m);
	return j;
}

/* A coordinate as shown publicly: rounded to the configured decimals. */
static json_t *lx_o311_coord(lx_req *r, double v)
{
	double f = pow(10.0, r->app->public_point_decimals);
	return json_real(round(v * f) / f);
}

/* A request as GeoReport shows it; never the reporter. */
static json_t *lx_o311_request_json(lx_req *r, const lx_o311_request *q)
{
	bool point = q->has_point && !q->anonymous;
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
	json_object_set_new(o, "address", q->anonymous ? lx_o311_str(q->area) : lx_o311_text(q->address));
	json_object_set_new(o, "address_id", lx_o311_str(q->anonymous ? q->area_code : q->address_id));
	json_object_set_new(o, "zipcode", json_null());
	json_object_set_new(o, "lat", point ? lx_o311_coord(r, q->lat) : json_null());
	json_object_set_new(o, "long", point ? lx_o311_coord(r, q->lon) : json_null());
	if (q->media_url || !q->photo_id) {
		json_object_set_new(o, "media_url", lx_o311_str(q->media_url));
	} else {
		const char *base = r->app->public_url ? r->app->public_url : "";
		size_t n = strlen(base);
		while (n && base[n - 1] == '/')
			n--;
		char *url = lx_xasprintf("%.*s/open311/v2/media/%lld", (int)n, base, (long long)q->photo_id);
		json_object_set_new(o, "media_url", json_string(url));
		free(url);
	}
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

/* The lists a listing's filter points into, freed by lx_o311_args_free. */
struct lx_o311_args {
	int64_t *ids;
	char **items, **codes;
	size_t nitems, ncodes;
};

static void lx_o311_args_free(struct lx_o311_args *a)
{
	free(a->ids);
	lx_o311_strv_free(a->items, a->nitems);
	lx_o311_strv_free(a->codes, a->ncodes);
}

/* service_request_id: a comma list of ids, which overrides every other
 * argument. Answers 400 and returns false on bad input. */
static bool lx_o311_ids_or_reply(lx_req *r, lx_o311_fmt fmt, const char *sid, struct lx_o311_args *a,
				 lx_o311_filter *f)
{
	if (!lx_o311_split(sid, LX_O311_MAX_IDS, &a->items, &a->nitems))
		return lx_o311_error(r, fmt, 400, "service_request_id must be a comma list of at most %d ids",
				     LX_O311_MAX_IDS), false;
	a->ids = lx_xcalloc(a->nitems, sizeof *a->ids);
	for (size_t i = 0; i < a->nitems; i++)
		if (!lx_o311_posint(a->items[i], INT64_MAX / 2, &a->ids[i]))
			return lx_o311_error(r, fmt, 400, "service_request_id must be a comma list of ids"), false;
	f->ids = a->ids;
	f->nids = a->nitems;
	f->limit = LX_O311_MAX_RESULTS;
	return true;
}

/* service_code (a comma list of known services) and status (open, closed
 * or both). Returns LX_OK, or an error status after replying (404 for an
 * unknown service). */
static int lx_o311_filter_or_reply(lx_req *r, lx_o311_fmt fmt, struct lx_o311_args *a, lx_o311_filter *f)
{
	const char *code = lx_req_arg(r, "service_code"), *status = lx_req_arg(r, "status");
	if (code && *code) {
		if (!lx_utf8_valid(code, strlen(code)) || !lx_o311_split(code, LX_O311_MAX_CODES, &a->codes, &a->ncodes))
			return lx_o311_error(r, fmt, 400, "service_code must be a comma list of service codes");
		for (size_t i = 0; i < a->ncodes; i++) {
			lx_o311_service s;
			if (!lx_o311_service_or_reply(r, fmt, a->codes[i], &s))
				return LX_NOTFOUND;
			lx_o311_service_clear(&s);
		}
		f->codes = a->codes;
		f->ncodes = a->ncodes;
	}
	if (status && *status) {
		bool ok = lx_o311_split(status, 8, &a->items, &a->nitems);
		for (size_t i = 0; ok && i < a->nitems; i++) {
			if (strcmp(a->items[i], "open") == 0)
				f->open = true;
			else if (strcmp(a->items[i], "closed") == 0)
				f->closed = true;
			else
				ok = false;
		}
		if (!ok)
			return lx_o311_error(r, fmt, 400, "status must be open, closed or both, comma separated");
	}
	return LX_OK;
}

int lx_api_open311_requests(lx_req *r)
{
	lx_o311_fmt fmt;
	lx_o311_filter f = {0};
	struct lx_o311_args args = {0};
	struct lx_o311_list_ctx ctx = {.r = r};
	lx_apikey key;
	int rc = LX_BADREQ;

	if (!lx_o311_format_or_reply(r, &fmt))
		return LX_NOTFOUND;
	/* A key is not needed to read; one that is given must be good. */
	if (!lx_o311_key_or_reply(r, fmt, NULL, false, &key))
		return LX_FORBIDDEN;
	lx_apikey_clear(&key);
	const char *sid = lx_req_arg(r, "service_request_id");
	if (sid && *sid) {
		if (!lx_o311_ids_or_reply(r, fmt, sid, &args, &f))
			goto cleanup;
	} else {
		rc = lx_o311_filter_or_reply(r, fmt, &args, &f);
		if (rc != LX_OK)
			goto cleanup;
		rc = LX_BADREQ;
		if (!lx_o311_range_or_reply(r, fmt, &f.from, &f.to) ||
		    !lx_o311_paging_or_reply(r, fmt, &f.limit, &f.offset))
			goto cleanup;
	}
	ctx.items = json_array();
	rc = lx_o311_request_list(r->db, &f, lx_o311_request_cb, &ctx);
	if (rc != LX_OK) {
		json_decref(ctx.items);
		rc = lx_o311_reply_store_error(r, fmt, rc);
		goto cleanup;
	}
	rc = lx_o311_reply(r, 200, fmt, "service_requests", ctx.items);
cleanup:
	lx_o311_args_free(&args);
	return rc;
}

int lx_api_open311_request(lx_req *r)
{
	lx_o311_fmt fmt;
	lx_o311_request q;
	int64_t id;
	if (!lx_o311_format_or_reply(r, &fmt))
		return LX_NOTFOUND;
	if (!lx_req_id(r, 0, &id))
		return lx_o311_error(r, fmt, 404, "no such service_request_id");
	int rc = lx_o311_request_get(r->db, id, &q);
	if (rc == LX_NOTFOUND)
		return lx_o311_error(r, fmt, 404, "no such service_request_id: %lld", (long long)id);
	if (rc != LX_OK)
		return lx_o311_reply_store_error(r, fmt, rc);
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
	if (!lx_o311_format_or_reply(r, &fmt))
		return LX_NOTFOUND;
	const char *token = r->params[0];
	if (!lx_o311_token_ok(token))
		return lx_o311_error(r, fmt, 404, "no such token");
	int rc = lx_o311_token_case(r->db, token, &id);
	if (rc == LX_NOTFOUND)
		return lx_o311_error(r, fmt, 404, "no such token");
	if (rc != LX_OK)
		return lx_o311_reply_store_error(r, fmt, rc);
	json_t *o = json_object();
	json_object_set_new(o, "service_request_id", json_integer(id));
	json_object_set_new(o, "token", json_string(token));
	json_t *list = json_array();
	json_array_append_new(list, o);
	return lx_o311_reply(r, 200, fmt, "service_requests", list);
}

/*
 * open311_update.c - the FixMyStreet extension of GeoReport: GET updates
 * (the public timeline steps of requests, by date) and POST update (a
 * client's comment or status, idempotent per key and update_id, applied by
 * the engine as the desk would).
 */
#include "open311.h"
#include "flow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
		return lx_scrub_pii(u->client_text);
	if (strcmp(u->action, "dispatch") == 0)
		return lx_xasprintf("已派发至%s办理。", unit);
	if (strcmp(u->action, "accept") == 0)
		return lx_xasprintf("%s已受理。", unit);
	if (strcmp(u->action, "resolve") == 0)
		return lx_scrub_pii(u->note ? u->note : "已答复。");
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
	if (!lx_o311_format_or_reply(r, &fmt))
		return LX_NOTFOUND;
	if (!lx_o311_key_or_reply(r, fmt, NULL, false, &key))
		return LX_FORBIDDEN;
	lx_apikey_clear(&key);
	if (!lx_o311_range_or_reply(r, fmt, &from, &to) || !lx_o311_paging_or_reply(r, fmt, &limit, &offset))
		return LX_BADREQ;
	ctx.items = json_array();
	int rc = lx_o311_update_list(r->db, from, to, limit, offset, lx_o311_updates_cb, &ctx);
	if (rc != LX_OK) {
		json_decref(ctx.items);
		return lx_o311_reply_store_error(r, fmt, rc);
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
static bool lx_o311_update_check_or_reply(lx_req *r, lx_o311_fmt fmt, lx_o311_form *form, struct lx_o311_update_post *p)
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
	return lx_o311_line_or_reply(r, fmt, "email", p->email, 254) && lx_o311_line_or_reply(r, fmt, "account_id", p->account, 100) &&
	       lx_o311_line_or_reply(r, fmt, "first_name", p->first, 32) && lx_o311_line_or_reply(r, fmt, "last_name", p->last, 32) &&
	       lx_o311_line_or_reply(r, fmt, "phone", lx_o311_field(form, "phone"), 20) &&
	       lx_o311_line_or_reply(r, fmt, "title", lx_o311_field(form, "title"), 100);
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
static bool lx_o311_update_case_or_reply(lx_req *r, lx_o311_fmt fmt, const struct lx_o311_update_post *p, lx_case *c)
{
	int rc = lx_case_get(r->db, "/", p->case_id, c);
	if (rc == LX_OK && strcmp(c->type, "request") != 0)
		rc = LX_NOTFOUND;
	if (rc == LX_NOTFOUND)
		return lx_o311_error(r, fmt, 404, "no such service_request_id: %lld", (long long)p->case_id), false;
	if (rc != LX_OK)
		return lx_o311_reply_store_error(r, fmt, rc), false;
	if (p->code && (!c->category_code || strcmp(p->code, c->category_code) != 0))
		return lx_o311_error(r, fmt, 400, "service_code does not match the request's service"), false;
	return true;
}

/* A posted update between its checks, its write job and its answer
 * (r->state). */
struct lx_o311_update_state {
	lx_o311_fmt fmt;
	lx_o311_form form;
	lx_apikey key;
	struct lx_o311_update_post p;
	int64_t event_id; /* the update's event, written or found */
};

static void lx_o311_update_free(void *arg)
{
	struct lx_o311_update_state *st = arg;
	if (!st)
		return;
	lx_apikey_clear(&st->key);
	lx_o311_form_free(&st->form);
	free(st);
}

/* The checks of a posted update (the route's prepare): the form, the key,
 * the fields. Returns LX_OK, or an error status after replying. */
int lx_api_open311_update_check(lx_req *r)
{
	static const char *const scalars[] = {
		"api_key", "jurisdiction_id", "service_request_id", "update_id", "status",
		"updated_datetime", "description", "email", "phone", "first_name", "last_name",
		"title", "account_id", "service_code", "public_anonymity_required",
	};
	struct lx_o311_update_state *st = lx_xcalloc(1, sizeof *st);
	r->state = st;
	r->state_free = lx_o311_update_free;
	if (!lx_o311_format_or_reply(r, &st->fmt))
		return LX_NOTFOUND;
	int rc = lx_o311_post_begin_or_reply(r, st->fmt, &st->form, &st->key, scalars,
					     sizeof scalars / sizeof scalars[0]);
	if (rc != LX_OK)
		return rc;
	return lx_o311_update_check_or_reply(r, st->fmt, &st->form, &st->p) ? LX_OK : LX_BADREQ;
}

/* The write job: a retried update (same key and update_id) finds what the
 * first one wrote; a new one is applied to its request and recorded.
 * Returns LX_OK, or an error status after replying. */
int lx_api_open311_update_post(lx_req *r)
{
	struct lx_o311_update_state *st = r->state;
	const struct lx_o311_update_post *p = &st->p;
	lx_o311_fmt fmt = st->fmt;
	lx_case c = {0};
	int64_t seen_case;
	int rc = lx_o311_update_find(r->db, st->key.id, p->uid, &st->event_id, &seen_case);
	if (rc == LX_OK && seen_case == p->case_id)
		return LX_OK;
	if (rc == LX_OK)
		return lx_o311_error(r, fmt, 400, "update_id %s was already used for another request", p->uid);
	if (rc != LX_NOTFOUND)
		return lx_o311_reply_store_error(r, fmt, rc);
	if (!lx_o311_update_case_or_reply(r, fmt, p, &c)) {
		lx_case_clear(&c);
		return LX_BADREQ;
	}
	rc = lx_o311_update_apply(r, &st->key, &c, p, &st->event_id);
	if (rc == LX_OK) {
		lx_o311_update_in u = {.case_id = c.id, .api_key_id = st->key.id, .event_id = st->event_id,
				       .client_update_id = p->uid, .status = p->status, .description = p->desc,
				       .media_url = p->media_url, .email = p->email, .first_name = p->first,
				       .last_name = p->last, .account_id = p->account,
				       .updated_datetime = p->updated_datetime};
		rc = lx_o311_update_insert(r->db, &u, lx_now_ms());
	}
	lx_case_clear(&c);
	/* A conflict is the same update racing in (another node): the client
	 * retries and finds it. */
	if (rc != LX_OK)
		return lx_o311_error(r, fmt, 400, rc == LX_CONFLICT ? "the request changed meanwhile: retry"
								   : "the service failed: try again");
	return LX_OK;
}

int lx_api_open311_update_reply(lx_req *r)
{
	struct lx_o311_update_state *st = r->state;
	return lx_o311_update_reply(r, st->fmt, st->event_id);
}

/*
 * resident_cases.c - what a resident does with their own cases on their
 * phone (P10): file one (channel web, the reporter their own number), list
 * every case filed with that number from any channel, follow one (a
 * timeline in plain words, the reply), rate it; and, without a login, one
 * case by its number and the last 4 digits of the phone. A resident never
 * sees staff names, internal notes or anybody else's cases: a case that is
 * not theirs reads as missing.
 */
#include "api.h"
#include "repo_resident.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What a resident reads for each step of the timeline; a step not named
 * here (internal ones: comments, assistance, the desk's bookkeeping) is
 * not shown. */
static const struct {
	const char *action, *text;
} lx_resident_steps[] = {
	{"create", "已收到您的诉求"},
	{"dispatch", "已转交承办单位"},
	{"accept", "承办单位已受理，正在办理"},
	{"escalate", "已转交上级单位办理"},
	{"suspend_approve", "办理暂缓（待条件具备后继续）"},
	{"resume", "恢复办理"},
	{"extension_approve", "办理时限已延长"},
	{"resolve", "已办结，答复如下"},
	{"verify", "办理结果已核查"},
	{"rate", "已评价"},
	{"reopen", "重新办理"},
	{"close", "已结案"},
	{"merge", "与同一问题的诉求合并办理"},
	{"answer", "已随合并的诉求一并答复"},
	{"invalid", "经核实不属于受理范围，已结案"},
	{NULL, NULL},
};

static const char *lx_step_text(const lx_event *e)
{
	/* a rating that sends the answer back says so */
	if (strcmp(e->action, "rate") == 0 && e->to && strcmp(e->to, "reopened") == 0)
		return "已评价，问题将重新办理";
	/* a suspension the desk must approve first changes nothing yet */
	if (strcmp(e->action, "suspend") == 0)
		return e->from && e->to && strcmp(e->from, e->to) != 0 ? "办理暂缓（待条件具备后继续）" : NULL;
	for (int i = 0; lx_resident_steps[i].action; i++)
		if (strcmp(lx_resident_steps[i].action, e->action) == 0)
			return lx_resident_steps[i].text;
	return NULL;
}

struct lx_steps {
	lx_jw *w;
	int tz;
};

static int lx_step_cb(void *arg, const lx_event_view *v)
{
	struct lx_steps *s = arg;
	const char *text = lx_step_text(v->e);
	if (!text)
		return 0;
	char ts[40];
	lx_jw_open(s->w, '{');
	lx_jw_key(s->w, "at");
	lx_jw_str(s->w, lx_time_format(v->e->at, s->tz, ts, sizeof ts));
	lx_jw_key(s->w, "text");
	lx_jw_str(s->w, text);
	lx_jw_close(s->w, '}');
	return 0;
}

/* Whether the engine would let the reporter rate c now (an answer waits
 * for their rating), asked as the machine's probe. */
static bool lx_resident_may_rate(lx_req *r, const lx_case *c)
{
	lx_flow_actor who = {0, LX_ROLE_RESIDENT, "/", false};
	lx_flow_ctx *x = lx_flow_ctx_new(r->db, &who, lx_now_ms(), r->app->tz_offset_min);
	lx_flow_error err;
	bool ok = lx_flow_decide(x, c, "rate", NULL, NULL, &err) == LX_OK;
	lx_flow_ctx_free(x);
	return ok;
}

/* A case as its reporter reads it. With steps, its timeline too; when own
 * (the resident proved the number, not a lookup by number and digits), the
 * description, the address and the photos as well. */
static int lx_resident_case_write(lx_req *r, lx_jw *w, const lx_case *c, bool steps, bool own)
{
	char number[32], ts[40];
	lx_flow_case_number(r->app->tz_offset_min, c, number);
	const lx_flow_state *st = lx_flow_state_of(c->type, c->status);
	lx_jw_open(w, '{');
	lx_jw_key(w, "id");
	lx_jw_int(w, c->id);
	lx_jw_key(w, "number");
	lx_jw_str(w, number);
	lx_jw_key(w, "title");
	lx_jw_str(w, c->title);
	lx_jw_key(w, "status");
	lx_jw_str(w, c->status);
	lx_jw_key(w, "status_label");
	lx_jw_str(w, st && st->label ? st->label : c->status);
	lx_jw_key(w, "channel");
	lx_jw_str(w, c->channel);
	lx_jw_key(w, "created_at");
	lx_jw_str(w, lx_time_format(c->created_at, r->app->tz_offset_min, ts, sizeof ts));
	lx_jw_key(w, "reply");
	c->reply ? lx_jw_str(w, c->reply) : lx_jw_null(w);
	lx_jw_key(w, "rating");
	c->rating[0] ? lx_jw_str(w, c->rating) : lx_jw_null(w);
	lx_jw_key(w, "can_rate");
	lx_jw_bool(w, lx_resident_may_rate(r, c));
	/* the machine's flags, so a page never spells out a status */
	lx_jw_key(w, "open");
	lx_jw_bool(w, st && st->open);
	lx_jw_key(w, "done");
	lx_jw_bool(w, st && st->done);
	int rc = LX_OK;
	if (steps && own) {
		lx_jw_key(w, "description");
		lx_jw_str(w, c->description);
		lx_jw_key(w, "address");
		c->address ? lx_jw_str(w, c->address) : lx_jw_null(w);
	}
	if (steps) {
		lx_jw_key(w, "timeline");
		lx_jw_open(w, '[');
		struct lx_steps s = {w, r->app->tz_offset_min};
		rc = lx_case_events_each(r->db, c->id, lx_step_cb, &s);
		lx_jw_close(w, ']');
		if (rc == LX_OK && own) {
			lx_jw_key(w, "attachments");
			rc = lx_api_resident_files_write(w, r, c->id);
		}
	}
	lx_jw_close(w, '}');
	return rc;
}

/* Replies status with the case as its reporter reads it (lx_resident_case_write). */
static int lx_resident_case_reply(lx_req *r, int status, const lx_case *c, bool steps, bool own)
{
	lx_buf b;
	lx_jw w;
	lx_buf_init(&b);
	lx_jw_init(&w, &b);
	int rc = lx_resident_case_write(r, &w, c, steps, own);
	rc = rc == LX_OK ? lx_reply_jw(r, status, &w) : lx_reply_store_error(r, rc);
	lx_buf_free(&b);
	return rc;
}

bool lx_resident_owns(const lx_req *r, const lx_case *c)
{
	char *mine = lx_phone_key(r->user.phone), *theirs = lx_phone_key(c->reporter_phone);
	bool own = mine && theirs && strcmp(mine, theirs) == 0;
	free(mine);
	free(theirs);
	return own;
}

int lx_resident_case_or_reply(lx_req *r, int64_t id, lx_case *c)
{
	memset(c, 0, sizeof *c);
	int rc = lx_case_get(r->db, "/", id, c);
	if (rc == LX_OK) {
		if (lx_resident_owns(r, c))
			return LX_OK;
		lx_case_clear(c);
		rc = LX_NOTFOUND;
	}
	return rc == LX_NOTFOUND ? lx_reply_error(r, 404, "not_found", NULL, "no such case of yours")
				 : lx_reply_store_error(r, rc);
}

/* The case of r's path when it is the resident's (lx_resident_case_or_reply). */
static int lx_own_case_or_reply(lx_req *r, lx_case *c)
{
	int64_t id;
	memset(c, 0, sizeof *c);
	if (!lx_req_id(r, 0, &id))
		return lx_reply_error(r, 404, "not_found", NULL, "no such case of yours");
	return lx_resident_case_or_reply(r, id, c);
}

struct lx_rlist {
	lx_req *r;
	lx_jw *w;
	int64_t last;
	int rc;
};

static int lx_rlist_cb(void *arg, const lx_case *c)
{
	struct lx_rlist *l = arg;
	l->rc = lx_resident_case_write(l->r, l->w, c, false, false);
	l->last = c->id;
	return l->rc != LX_OK;
}

int lx_api_resident_cases_list(lx_req *r)
{
	int64_t limit = 0, cursor = 0;
	if (!lx_query_posint_or_reply(r, "limit", 100, &limit) ||
	    !lx_query_posint_or_reply(r, "cursor", INT64_MAX / 2, &cursor))
		return LX_BADREQ;
	char *key = lx_phone_key(r->user.phone);
	lx_case_filter f = {.limit = limit ? (int)limit : 20, .cursor = cursor, .reporter_key = key};
	lx_buf b;
	lx_jw w;
	lx_api_list_open(&b, &w);
	struct lx_rlist l = {.r = r, .w = &w, .rc = LX_OK};
	bool more = false;
	/* every case filed with the number, whoever took it in: by the number, not by a unit */
	int rc = lx_case_list(r->db, "/", &f, lx_rlist_cb, &l, &more);
	free(key);
	if (rc != LX_OK || l.rc != LX_OK) {
		lx_buf_free(&b);
		return lx_reply_store_error(r, rc != LX_OK ? rc : l.rc);
	}
	return lx_api_list_reply(r, &w, more, l.last);
}

int lx_api_resident_case_get(lx_req *r)
{
	lx_case c;
	lx_db_read_begin(r->db);
	int rc = lx_own_case_or_reply(r, &c);
	if (rc == LX_OK) {
		rc = lx_resident_case_reply(r, 200, &c, true, true);
		lx_case_clear(&c);
	}
	lx_db_read_end(r->db);
	return rc;
}

/* ---------------- filing ---------------- */

struct lx_resident_intake {
	const char *type, *category_code, *title, *description, *address;
	bool has_point, has_lon, anonymous;
	double lat, lon;
	const char *name;
	lx_intake in;
	lx_intake_error err;
};
#define RI struct lx_resident_intake
static const lx_field lx_resident_intake_fields[] = {
	LX_FIELD(RI, type, LX_F_STR, .max = 16, .doc = "request (default), complaint, opinion …"),
	LX_FIELD(RI, category_code, LX_F_STR, .max = 16, .doc = "what it is about (GET /api/v1/categories)"),
	LX_FIELD(RI, title, LX_F_STR, .required = true, .max = 100),
	LX_FIELD(RI, description, LX_F_STR, .required = true, .max = 4000),
	LX_FIELD(RI, address, LX_F_STR, .max = 200),
	{.name = "lat", .type = LX_F_NUM, .off = offsetof(RI, lat), .tracked = true, .has_off = offsetof(RI, has_point)},
	{.name = "lon", .type = LX_F_NUM, .off = offsetof(RI, lon), .tracked = true, .has_off = offsetof(RI, has_lon)},
	LX_FIELD(RI, name, LX_F_STR, .max = 32, .doc = "how the handler may address the resident"),
	LX_FIELD(RI, anonymous, LX_F_BOOL, .doc = "name and number hidden from handlers; no follow-up then"),
	LX_FIELD_END,
};
static int lx_resident_intake_check(const void *out, lx_schema_error *err)
{
	const RI *b = out;
	if (b->has_point != b->has_lon)
		return lx_schema_fail(err, 422, "invalid", b->has_point ? "lon" : "lat", "lat and lon go together");
	return LX_OK;
}
#undef RI
const lx_schema lx_resident_intake_schema = {"resident_intake", lx_resident_intake_fields, lx_resident_intake_check,
					     sizeof(struct lx_resident_intake)};

/* True, having replied 422, when category code is one a resident may not
 * file anonymously (its anonymous_ok is off). An unknown code passes: the
 * intake names it. */
static bool lx_anonymous_refused_or_reply(lx_req *r, const char *code)
{
	lx_category cat = {0};
	int rc = lx_category_get(r->db, code, &cat);
	bool refused = rc == LX_OK && !cat.anonymous_ok;
	lx_category_clear(&cat);
	if (rc != LX_OK && rc != LX_NOTFOUND) {
		lx_reply_store_error(r, rc);
		return true;
	}
	if (refused)
		lx_reply_error(r, 422, "anonymous_not_allowed", "anonymous",
			       "this matter is handled only for a named reporter; file it with your name");
	return refused;
}

/* GET /api/v1/resident/categories: what a resident may file about, in
 * plain words: every category under a group but the deputies' (suggestion)
 * and the press-9 call's,
 * with its group's name and whether it may be anonymous. */
int lx_api_resident_categories(lx_req *r)
{
	json_t *all = lx_category_list(r->db), *items = json_array(), *c;
	size_t i;
	if (!all) {
		json_decref(items);
		return lx_reply_store_error(r, LX_ERR);
	}
	json_array_foreach(all, i, c) {
		const char *parent = json_string_value(json_object_get(c, "parent_code"));
		const char *type = json_string_value(json_object_get(c, "case_type"));
		if (!parent || (type && (strcmp(type, "suggestion") == 0 || strcmp(type, "onekey") == 0)))
			continue;
		const char *group = NULL;
		size_t j;
		json_t *p;
		json_array_foreach(all, j, p)
			if (strcmp(json_string_value(json_object_get(p, "code")), parent) == 0)
				group = json_string_value(json_object_get(p, "name"));
		json_array_append_new(items, json_pack("{s:O, s:O, s:s?, s:O}", "code", json_object_get(c, "code"),
						       "name", json_object_get(c, "name"), "group", group,
						       "anonymous_ok", json_object_get(c, "anonymous_ok")));
	}
	json_decref(all);
	return lx_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

int lx_api_resident_cases_create_read(lx_req *r)
{
	struct lx_resident_intake *b = r->in;
	lx_intake *in = &b->in;
	in->type = b->type ? b->type : "request";
	in->channel = "web";
	in->category_code = b->category_code;
	in->title = b->title;
	in->description = b->description;
	in->address = b->address;
	in->has_point = b->has_point;
	in->lat = b->lat;
	in->lon = b->lon;
	in->reporter_name = b->name;
	in->reporter_phone = r->user.phone;
	in->anonymous = b->anonymous;
	if (b->anonymous && b->category_code && lx_anonymous_refused_or_reply(r, b->category_code))
		return LX_BADREQ;
	/* a resident places a case anywhere: by its point, else at the desk */
	free(r->user.scope);
	r->user.scope = lx_xstrdup("/");
	lx_intake_job *job;
	int rc = lx_api_intake_prepare(r, in, &job, &b->err);
	r->state = job;
	r->state_free = lx_api_intake_free;
	return rc == LX_OK ? LX_OK : lx_reply_flow_error(r, &b->err, rc);
}

int lx_api_resident_cases_create(lx_req *r)
{
	struct lx_resident_intake *b = r->in;
	int rc = lx_api_intake_write(r->db, r->state);
	return rc == LX_OK ? LX_OK : lx_reply_flow_error(r, &b->err, rc);
}

int lx_api_resident_cases_create_reply(lx_req *r)
{
	return lx_resident_case_reply(r, 201, lx_api_intake_case(r->state), false, false);
}

/* ---------------- rating ---------------- */

struct lx_resident_rate {
	int rating; /* LX_F_ENUM: the index into lx_rating_names */
	bool has_rating;
	const char *comment;
	bool solved, has_solved;
};
#define RR struct lx_resident_rate
static const lx_field lx_resident_rate_fields[] = {
	LX_FIELD_HAS(RR, rating, LX_F_ENUM, .required = true, .values = lx_rating_names, .code = "unknown_rating",
		     .doc = "satisfied, basic or unsatisfied"),
	LX_FIELD_HAS(RR, solved, LX_F_BOOL, .required = true, .doc = "whether the problem was solved"),
	LX_FIELD(RR, comment, LX_F_STR, .max = 500, .doc = "why, when unsatisfied"),
	LX_FIELD_END,
};
#undef RR
const lx_schema lx_resident_rate_schema = {"resident_rate", lx_resident_rate_fields, NULL,
					   sizeof(struct lx_resident_rate)};

int lx_api_resident_rate(lx_req *r)
{
	const struct lx_resident_rate *in = r->in;
	lx_case c;
	int rc = lx_own_case_or_reply(r, &c);
	if (rc != LX_OK)
		return rc;
	int64_t id = c.id;
	lx_case_clear(&c);
	char *mask = lx_mask_phone(r->user.phone);
	char note[700];
	/* the timeline says who rated: the reporter, by the number they proved */
	snprintf(note, sizeof note, "反映人本人评价（手机%s验证）%s%s", mask ? mask : "", in->comment ? "：" : "",
		 in->comment ? in->comment : "");
	free(mask);
	lx_flow_input fi = {.rating = in->rating, .has_rating = true, .solved = in->solved,
			    .has_solved = true, .note = note};
	lx_flow_actor who = {0, LX_ROLE_RESIDENT, "/", false};
	lx_flow_ctx *x = lx_flow_ctx_new(r->db, &who, lx_now_ms(), r->app->tz_offset_min);
	lx_flow_error err = {0};
	rc = lx_flow_fire(x, id, "rate", &fi, &c, NULL, &err);
	lx_flow_ctx_free(x);
	if (rc != LX_OK)
		return lx_reply_flow_error(r, &err, rc);
	rc = lx_resident_case_reply(r, 200, &c, false, false);
	lx_case_clear(&c);
	return rc;
}

/* ---------------- by number and digits, without a login ---------------- */

static int lx_miss_job(lx_db *db, void *arg)
{
	const lx_req *r = arg;
	return lx_resident_send_add(db, "lookup", r->addr, lx_now_ms());
}

/* A lookup that found nothing counts against the address (its own write). */
static int lx_resident_miss(lx_req *r)
{
	return lx_pool_write(r->app->pool, lx_miss_job, r);
}

int lx_api_resident_lookup(lx_req *r)
{
	const char *number = lx_req_arg(r, "number"), *digits = lx_req_arg(r, "digits");
	int64_t id;
	if (!lx_flow_case_number_id(number, &id))
		return lx_reply_error(r, 400, "bad_parameter", "number", "number is the case's number (14 digits or more)");
	if (!digits || strlen(digits) != 4 || strspn(digits, "0123456789") != 4)
		return lx_reply_error(r, 400, "bad_parameter", "digits", "digits are the last 4 of the phone");
	/* guessing is slow: 20 looks an hour from one address, counted as codes are */
	lx_ms now = lx_now_ms();
	int64_t unused = 0, from_addr = 0;
	int rc = lx_resident_sends(r->db, "lookup", r->addr, now - 3600 * 1000, &unused, &from_addr);
	if (rc != LX_OK)
		return lx_reply_store_error(r, rc);
	if (from_addr >= 20)
		return lx_reply_error(r, 429, "too_many_lookups", NULL, "too many lookups this hour; try later");
	lx_case c = {0};
	rc = lx_case_get(r->db, "/", id, &c);
	char got[32];
	bool match = false;
	if (rc == LX_OK) {
		lx_flow_case_number(r->app->tz_offset_min, &c, got);
		char *key = lx_phone_key(c.reporter_phone);
		size_t n = key ? strlen(key) : 0;
		match = strcmp(got, number) == 0 && n >= 4 && strcmp(key + n - 4, digits) == 0;
		free(key);
	}
	if (!match) {
		lx_case_clear(&c);
		if (rc != LX_OK && rc != LX_NOTFOUND)
			return lx_reply_store_error(r, rc);
		/* a miss counts against the address (a write of its own) */
		if (lx_resident_miss(r) != LX_OK)
			return lx_reply_store_error(r, LX_ERR);
		return lx_reply_error(r, 404, "not_found", NULL, "no case with that number and those digits");
	}
	rc = lx_resident_case_reply(r, 200, &c, true, false);
	lx_case_clear(&c);
	return rc;
}

/*
 * onekey.c - the press-9 call's writes (一键呼叫, P10): the telephony
 * gateway posts a call (POST /api/v1/onekey/calls, X-Api-Key of a telephony
 * key) and a text someone answered (POST /api/v1/onekey/sms-reply); the
 * people a call reached acknowledge it, arrive and close it
 * (POST /api/v1/onekey/calls/:id/ack|arrive|close). The call is a case of
 * the onekey machine, taken in by the intake (the resident's unit, the
 * duty list's community); its ladder is flow/onekey.c's, written in the
 * intake's transaction with the first step's notices. Reading calls and
 * their figures is onekey_read.c's.
 */
#include "api.h"
#include "open311.h"
#include "pii.h"
#include "repo_registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------- a call comes in ---------------- */

struct lx_onekey_body {
	const char *caller, *device_id;
	lx_ms at;
	bool has_at, emergency;
};
#define OB struct lx_onekey_body
static const lx_field lx_onekey_fields[] = {
	LX_FIELD(OB, caller, LX_F_STR, .required = true, .max = 24, .quiet = true,
		 .doc = "the number that called (mobile or landline)"),
	LX_FIELD(OB, device_id, LX_F_STR, .max = 64, .doc = "the press-9 device's id, when the gateway knows it"),
	LX_FIELD_HAS(OB, at, LX_F_TIME, .doc = "when the button was pressed (default: now)"),
	LX_FIELD(OB, emergency, LX_F_BOOL, .doc = "the caller said it is an emergency: 120/119 advised at once"),
	LX_FIELD_END,
};
#undef OB
const lx_schema lx_onekey_call_schema = {"onekey_call", lx_onekey_fields, NULL, sizeof(struct lx_onekey_body)};

#define LX_ADVICE "情况紧急请立即拨打120（急救）或119（消防）"

/* A call between its read half, its write job and its answer. */
struct lx_onekey_post {
	lx_apikey key;
	char caller[24];
	lx_resident res;
	bool has_res;
	char *title, *desc;
	lx_intake in;
	lx_intake_error err;
	lx_intake_job *job;
	int tz;
	bool emergency;
	const char *device_id; /* the body's (it outlives the request's phases) */
	lx_onekey_call call; /* written by the intake's after hook */
	lx_onekey_step first;
};

static void lx_onekey_post_free(void *p)
{
	struct lx_onekey_post *st = p;
	if (!st)
		return;
	lx_api_intake_free(st->job);
	lx_apikey_clear(&st->key);
	lx_resident_clear(&st->res);
	lx_onekey_call_clear(&st->call);
	free(st->title);
	free(st->desc);
	free(st);
}

/* In the intake's transaction, once the case is written: the call, its
 * ladder and the first step told. */
static int lx_onekey_after(lx_db *db, lx_case *c, void *arg)
{
	struct lx_onekey_post *st = arg;
	lx_unit at = {0};
	int rc = lx_unit_get(db, "/", c->unit_id, &at);
	if (rc != LX_OK)
		return LX_ERR;
	lx_flow_actor who = {0, LX_ROLE_DISPATCHER, "/", false};
	lx_flow_ctx *x = lx_flow_ctx_new(db, &who, c->created_at, st->tz);
	lx_onekey_call_clear(&st->call); /* a write job run again starts afresh */
	/* the gateway's device id, else the one the registry knows her by */
	const char *dev = st->device_id ? st->device_id : st->has_res ? st->res.device_id : NULL;
	st->call.device_id = dev ? lx_xstrdup(dev) : NULL;
	st->call.resident_id = st->has_res ? st->res.id : 0;
	st->call.unit_id = at.id;
	st->call.unit_path = lx_xstrdup(at.path);
	st->call.caller = lx_xstrdup(st->caller);
	st->call.emergency = st->emergency;
	rc = lx_onekey_open(x, &st->call, c, &at, st->has_res ? st->res.carers : NULL, st->has_res ? st->res.ncarers : 0,
			    &st->first);
	lx_flow_ctx_free(x);
	lx_unit_clear(&at);
	return rc == LX_OK ? LX_OK : LX_ERR;
}

/* The intake of the call: the resident's case at their unit, or an
 * unknown caller's at the key's unit (else the district's desk). */
static void lx_onekey_intake(lx_req *r, struct lx_onekey_post *st, const struct lx_onekey_body *b)
{
	lx_intake *in = &st->in;
	char *mask = lx_mask_phone(st->caller);
	const char *who = st->has_res ? st->res.name : "未登记的来电";
	st->title = lx_xasprintf("一键呼叫：%s", who);
	st->desc = lx_xasprintf("%s%s%s（来电%s%s%s）按下一键呼叫%s", who, st->has_res && st->res.address ? "，" : "",
				st->has_res && st->res.address ? st->res.address : "", mask ? mask : "",
				b->device_id ? "，设备" : "", b->device_id ? b->device_id : "",
				st->emergency ? "，称情况紧急" : "");
	free(mask);
	in->type = "onekey";
	in->channel = "onekey";
	in->category_code = "0709";
	in->title = st->title;
	in->description = st->desc;
	in->address = st->has_res ? st->res.address : NULL;
	in->has_unit = st->has_res;
	in->unit_id = st->has_res ? st->res.unit_id : 0;
	in->urgent = true;
	in->reporter_name = st->has_res ? st->res.name : NULL;
	in->reporter_phone = st->caller;
	in->after = lx_onekey_after;
	in->after_arg = st;
	(void)r;
}

int lx_api_onekey_call_read(lx_req *r)
{
	const struct lx_onekey_body *b = r->in;
	struct lx_onekey_post *st = lx_xcalloc(1, sizeof *st);
	r->state = st;
	r->state_free = lx_onekey_post_free;
	st->tz = r->app->tz_offset_min;
	st->emergency = b->emergency;
	st->device_id = b->device_id;
	if (!lx_apikey_or_reply(r, "telephony", &st->key))
		return LX_FORBIDDEN;
	if (lx_phone_check(b->caller, st->caller))
		return lx_reply_error(r, 422, "invalid", "caller", "caller is a mobile or a landline with its area code");
	if (b->has_at && (b->at > lx_now_ms() + 5 * 60 * 1000 || b->at < lx_now_ms() - 24 * 3600 * 1000))
		return lx_reply_error(r, 422, "invalid", "at", "at is within the last day");
	lx_apikey_act_as(r, &st->key);
	int rc = lx_resident_by_caller(r->db, st->caller, b->device_id, &st->res);
	if (rc != LX_OK && rc != LX_NOTFOUND)
		return lx_reply_store_error(r, rc);
	st->has_res = rc == LX_OK;
	lx_onekey_intake(r, st, b);
	rc = lx_api_intake_prepare(r, &st->in, &st->job, &st->err);
	return rc == LX_OK ? LX_OK : lx_reply_flow_error(r, &st->err, rc);
}

int lx_api_onekey_call(lx_req *r)
{
	struct lx_onekey_post *st = r->state;
	int rc = lx_api_intake_write(r->db, st->job);
	return rc == LX_OK ? LX_OK : lx_reply_flow_error(r, &st->err, rc);
}

int lx_api_onekey_call_reply(lx_req *r)
{
	struct lx_onekey_post *st = r->state;
	const lx_case *c = lx_api_intake_case(st->job);
	char number[32];
	lx_flow_case_number(r->app->tz_offset_min, c, number);
	json_t *told = json_array();
	for (int i = 0; i < st->first.nusers; i++)
		json_array_append_new(told, json_integer(st->first.users[i]));
	json_t *res = st->has_res ? json_pack("{s:I, s:s}", "id", (json_int_t)st->res.id, "name", st->res.name)
				  : json_null();
	return lx_reply_json(r, 201,
			     json_pack("{s:I, s:I, s:s, s:i, s:s, s:o, s:o, s:b, s:s?}", "id", (json_int_t)st->call.id,
				       "case_id", (json_int_t)c->id, "number", number, "step", 0, "step_kind",
				       st->first.kind, "notified", told, "resident", res, "emergency", st->emergency,
				       "advice", st->emergency ? LX_ADVICE : NULL));
}

/* ---------------- acknowledging, arriving, closing ---------------- */

struct lx_onekey_note {
	const char *note;
};
static const lx_field lx_onekey_note_fields[] = {
	LX_FIELD(struct lx_onekey_note, note, LX_F_STR, .max = 500,
		 .doc = "what happened (required to close)"),
	LX_FIELD_END,
};
const lx_schema lx_onekey_note_schema = {"onekey_note", lx_onekey_note_fields, NULL, sizeof(struct lx_onekey_note)};

bool lx_onekey_call_or_reply(lx_req *r, int64_t id, lx_onekey_call *k, bool *told)
{
	int rc = lx_onekey_get(r->db, "/", id, k);
	*told = false;
	if (rc == LX_OK && r->user.id)
		rc = lx_onekey_was_told(r->db, k->id, r->user.id, told);
	if (rc == LX_OK && !*told && !lx_scope_contains(r->user.scope, k->unit_path)) {
		lx_onekey_call_clear(k);
		rc = LX_NOTFOUND;
	}
	if (rc == LX_OK)
		return true;
	if (rc == LX_NOTFOUND)
		lx_reply_error(r, 404, "not_found", NULL, "no such call");
	else
		lx_reply_store_error(r, rc);
	return false;
}

/* Fires action on call k's case as user (its scope the whole tree when the
 * call reached them: the engine's guard checks who was told). */
static int lx_onekey_fire_or_reply(lx_req *r, lx_db *db, const lx_onekey_call *k, const lx_user *u, bool told,
				   const char *action, const char *note)
{
	lx_flow_actor who = {u->id, u->roles, told ? "/" : u->scope, false};
	lx_flow_ctx *x = lx_flow_ctx_new(db, &who, lx_now_ms(), r->app->tz_offset_min);
	lx_flow_input in = {.note = note};
	lx_flow_error err = {0};
	lx_case c = {0};
	int rc = lx_flow_fire(x, k->case_id, action, &in, &c, NULL, &err);
	lx_flow_ctx_free(x);
	lx_case_clear(&c);
	return rc == LX_OK ? LX_OK : lx_reply_flow_error(r, &err, rc);
}

int lx_api_onekey_action(lx_req *r)
{
	const char *action = lx_req_route(r)->data;
	const struct lx_onekey_note *b = r->in;
	int64_t id;
	lx_onekey_call k = {0};
	bool told;
	if (!lx_req_id(r, 0, &id))
		return lx_reply_error(r, 404, "not_found", NULL, "no such call");
	if (!lx_onekey_call_or_reply(r, id, &k, &told))
		return LX_NOTFOUND;
	int rc = lx_onekey_fire_or_reply(r, r->db, &k, &r->user, told, action, b ? b->note : NULL);
	lx_onekey_call_clear(&k);
	return rc;
}

int lx_api_onekey_action_reply(lx_req *r)
{
	int64_t id;
	lx_req_id(r, 0, &id);
	return lx_api_onekey_reply(r, 200, id);
}

/* ---------------- an answer by text ---------------- */

struct lx_sms_reply {
	const char *from, *text;
};
static const lx_field lx_sms_reply_fields[] = {
	LX_FIELD(struct lx_sms_reply, from, LX_F_STR, .required = true, .max = 24, .quiet = true,
		 .doc = "the number that answered"),
	LX_FIELD(struct lx_sms_reply, text, LX_F_STR, .required = true, .max = 500, .doc = "what it said (1 acknowledges)"),
	LX_FIELD_END,
};
const lx_schema lx_sms_reply_schema = {"sms_reply", lx_sms_reply_fields, NULL, sizeof(struct lx_sms_reply)};

struct lx_sms_match {
	const char *key;  /* the answering number's lx_phone_key */
	int64_t call_id, user_id;
};

static int lx_sms_match_cb(void *arg, int64_t call_id, int64_t user_id, const char *phone)
{
	struct lx_sms_match *m = arg;
	char *k = lx_phone_key(phone);
	bool same = k && strcmp(k, m->key) == 0;
	free(k);
	if (same) {
		m->call_id = call_id;
		m->user_id = user_id;
	}
	return same;
}

/* Whether text acknowledges: 1, 收到, 确认 or 好 first (spaces skipped). */
static bool lx_sms_acks(const char *text)
{
	while (*text == ' ' || *text == '\t' || *text == '\n' || *text == '\r')
		text++;
	return strncmp(text, "1", 1) == 0 || strncmp(text, "收到", strlen("收到")) == 0 ||
	       strncmp(text, "确认", strlen("确认")) == 0 || strncmp(text, "好", strlen("好")) == 0;
}

int lx_api_onekey_sms_reply(lx_req *r)
{
	const struct lx_sms_reply *b = r->in;
	lx_apikey key;
	if (!lx_apikey_or_reply(r, "telephony", &key))
		return LX_FORBIDDEN;
	lx_apikey_clear(&key);
	char *from = lx_phone_key(b->from);
	struct lx_sms_match m = {from ? from : "", 0, 0};
	int rc = from && lx_sms_acks(b->text) ? lx_onekey_told_open(r->db, lx_sms_match_cb, &m) : LX_OK;
	free(from);
	if (rc != LX_OK)
		return lx_reply_store_error(r, rc);
	if (!m.call_id)
		return lx_reply_json(r, 200, json_pack("{s:b, s:n}", "acked", 0, "call_id"));
	lx_user u = {0};
	lx_onekey_call k = {0};
	if ((rc = lx_user_get(r->db, "/", m.user_id, &u)) == LX_OK && (rc = lx_onekey_get(r->db, "/", m.call_id, &k)) == LX_OK)
		rc = lx_onekey_fire_or_reply(r, r->db, &k, &u, true, "ack", "短信回复确认");
	else
		rc = lx_reply_store_error(r, rc);
	lx_user_clear(&u);
	lx_onekey_call_clear(&k);
	if (rc != LX_OK)
		return rc;
	return lx_reply_json(r, 200, json_pack("{s:b, s:I}", "acked", 1, "call_id", (json_int_t)m.call_id));
}

/* ---------------- the daily "I'm fine" ---------------- */

struct lx_fine_body {
	const char *caller, *device_id;
};
static const lx_field lx_fine_fields[] = {
	LX_FIELD(struct lx_fine_body, caller, LX_F_STR, .max = 24, .quiet = true, .doc = "the number that pressed"),
	LX_FIELD(struct lx_fine_body, device_id, LX_F_STR, .max = 64, .doc = "the press-9 device's id"),
	LX_FIELD_END,
};
static int lx_fine_check(const void *out, lx_schema_error *err)
{
	const struct lx_fine_body *b = out;
	if (!b->caller && !b->device_id)
		return lx_schema_fail(err, 422, "required", "caller", "give the caller or the device_id");
	return LX_OK;
}
const lx_schema lx_fine_schema = {"onekey_fine", lx_fine_fields, lx_fine_check, sizeof(struct lx_fine_body)};

int lx_api_onekey_fine(lx_req *r)
{
	const struct lx_fine_body *b = r->in;
	lx_apikey key;
	char phone[24], day[11];
	if (!lx_apikey_or_reply(r, "telephony", &key))
		return LX_FORBIDDEN;
	lx_apikey_clear(&key);
	if (b->caller && lx_phone_check(b->caller, phone))
		return lx_reply_error(r, 422, "invalid", "caller", "caller is a mobile or a landline with its area code");
	lx_resident p = {0};
	int rc = lx_resident_by_caller(r->db, b->caller ? phone : NULL, b->device_id, &p);
	if (rc == LX_NOTFOUND)
		return lx_reply_error(r, 404, "not_found", "caller", "no resident has this number or device");
	if (rc != LX_OK)
		return lx_reply_store_error(r, rc);
	lx_ms now = lx_now_ms();
	lx_local_day(now, r->app->tz_offset_min, day);
	rc = lx_fine_press(r->db, p.id, day, now);
	bool asked = p.daily_check_since[0] != '\0';
	int64_t id = p.id;
	lx_resident_clear(&p);
	if (rc != LX_OK && rc != LX_CONFLICT)
		return lx_reply_store_error(r, rc);
	return lx_reply_json(r, 200, json_pack("{s:I, s:s, s:b, s:b}", "resident_id", (json_int_t)id, "day", day,
					       "recorded", rc == LX_OK, "daily_check", asked));
}

/*
 * visits.c - a visit recorded (field.h): the answers checked against the
 * form version used, the target moved on, and every hazard an answer
 * raises opened as a case of the engine, all in the caller's one write
 * transaction; the alert for a person of a daily plan nobody has seen for
 * two days.
 */
#include "calendar.h"
#include "field.h"
#include "form.h"
#include "repo.h"
#include "repo_attachment.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const lx_outcomes[] = {"home", "not_home", "refused", NULL};

bool lx_outcome_known(const char *s)
{
	for (int i = 0; s && lx_outcomes[i]; i++)
		if (strcmp(s, lx_outcomes[i]) == 0)
			return true;
	return false;
}

/* The start of the next working day after t (not home: try again then). */
static lx_ms lx_next_workday(lx_flow_ctx *x, lx_ms t, int tz)
{
	const lx_cal *cal = lx_flow_calendar(x);
	int64_t day = (t + (lx_ms)tz * 60000) / LX_DAY_MS + 1;
	for (int i = 0; cal && i < 60 && !lx_cal_workday(cal, day); i++)
		day++;
	return day * LX_DAY_MS - (lx_ms)tz * 60000;
}

/* Opens one case of the engine at a target (a hazard, an alert): category
 * code, title, description; resolve_workdays > 0 overrides the
 * category's clock. c receives the case (the caller clears it). */
int lx_field_case_open(lx_flow_ctx *x, lx_db *db, const lx_target *t, const lx_field_case *fc, lx_case *c,
		       lx_flow_error *err)
{
	lx_category cat = {0};
	lx_unit loc = {0}, duty = {0};
	bool has_duty = false;
	char *terms = NULL;
	int rc = lx_category_get(db, fc->category_code, &cat);
	if (rc == LX_NOTFOUND) {
		rc = lx_flow_fail(err, 422, "unknown_category", fc->field, "the form names category %s, which does not exist",
				  fc->category_code);
		goto cleanup;
	}
	if (rc == LX_OK)
		rc = lx_unit_head(db, t->unit_id, &loc);
	if (rc != LX_OK)
		goto cleanup;
	rc = lx_flow_duty_unit(db, &cat, &loc, &duty);
	if (rc == LX_OK)
		has_duty = true;
	else if (rc != LX_NOTFOUND)
		goto cleanup;
	lx_flow_category_put(x, &cat);
	memset(c, 0, sizeof *c);
	snprintf(c->type, sizeof c->type, "%s", cat.case_type);
	snprintf(c->channel, sizeof c->channel, "inspection");
	c->category_code = lx_xstrdup(cat.code);
	c->title = lx_xstrdup(fc->title);
	c->description = lx_xstrdup(fc->description);
	c->address = t->address ? lx_xstrdup(t->address) : NULL;
	c->has_point = fc->has_point || t->has_point;
	c->lat = fc->has_point ? fc->lat : t->lat;
	c->lon = fc->has_point ? fc->lon : t->lon;
	c->unit_id = loc.id;
	c->unit_path = lx_xstrdup(loc.path);
	c->scope_path = lx_xstrdup(loc.path);
	c->created_by = fc->created_by;
	c->rule_workdays = fc->resolve_workdays;
	c->solved = -1;
	terms = lx_case_terms(c->title, c->description);
	rc = lx_flow_create(x, c, terms, has_duty ? &duty : NULL, err);
cleanup:
	free(terms);
	lx_category_clear(&cat);
	lx_unit_clear(&loc);
	lx_unit_clear(&duty);
	return rc;
}

/* The written form of an answer for a hazard's description. */
static char *lx_answer_text(const json_t *a)
{
	if (json_is_true(a))
		return lx_xstrdup("是");
	if (json_is_false(a))
		return lx_xstrdup("否");
	if (json_is_string(a))
		return lx_xstrdup(json_string_value(a));
	char *s = json_dumps(a, JSON_ENCODE_ANY | JSON_COMPACT);
	return s ? s : lx_xstrdup("?");
}

/* Every hazard the answers raised, opened and entered in the ledger. */
static int lx_visit_hazards_open(lx_flow_ctx *x, lx_db *db, const lx_plan *p, const lx_target *t,
				 const lx_visit *v, const lx_form_result *res, lx_visit *out, lx_flow_error *err)
{
	out->hazards = json_array();
	for (size_t i = 0; i < res->nhazards; i++) {
		const lx_form_hazard *h = &res->hazards[i];
		char *ans = lx_answer_text(h->answer);
		const char *what = h->label ? h->label : h->question_label;
		char *title = lx_xasprintf("入户检查发现隐患：%s", what);
		char *desc = lx_xasprintf("「%s」入户检查，%s%s%s，%s：%s（%s），限%d个工作日内整改。", p->name,
					  t->name ? t->name : "", t->address && t->name && strcmp(t->name, t->address) ? "，" : "",
					  t->address && (!t->name || strcmp(t->name, t->address)) ? t->address : "",
					  h->question_label, ans, what, h->days);
		char field[80];
		snprintf(field, sizeof field, "answers.%s", h->question);
		lx_field_case fc = {.category_code = h->category, .title = title, .description = desc,
				    .resolve_workdays = h->days, .has_point = v->has_point, .lat = v->lat, .lon = v->lon,
				    .created_by = v->worker_id, .field = field};
		lx_case c;
		int rc = lx_field_case_open(x, db, t, &fc, &c, err);
		if (rc == LX_OK) {
			lx_hazard_row row = {.case_id = c.id, .visit_id = v->id, .plan_id = p->id, .target_id = t->id,
					     .unit_path = t->unit_path, .owner = t->name, .question = (char *)h->question,
					     .label = (char *)what, .created_at = v->visited_at};
			snprintf(row.target_kind, sizeof row.target_kind, "%s", t->kind);
			rc = lx_hazard_insert(db, &row);
			json_array_append_new(out->hazards, json_integer(c.id));
			lx_case_clear(&c);
		}
		free(ans);
		free(title);
		free(desc);
		if (rc != LX_OK)
			return rc;
	}
	return LX_OK;
}

/* Checks the answers of a visit at home against the form version used
 * into res; fills v's form fields. *fp receives the parsed form, which
 * res borrows from (the caller frees it after res). */
static int lx_visit_answers(lx_db *db, const lx_plan *p, const lx_visit_in *in, lx_visit *v, lx_form_result *res,
			    lx_form **fp, lx_flow_error *err)
{
	lx_form_row row = {0};
	lx_form *f = NULL;
	lx_form_error fe = {0};
	int rc = lx_form_load(db, p->form_id, (int)in->form_version, &row);
	if (rc == LX_NOTFOUND) {
		rc = lx_flow_fail(err, 422, "unknown_version", "form_version", "the plan's form has no version %lld",
				  (long long)in->form_version);
		goto cleanup;
	}
	if (rc != LX_OK)
		goto cleanup;
	v->form_id = row.id;
	v->form_version = row.version;
	json_t *def = json_loads(row.questions, 0, NULL);
	rc = def ? lx_form_parse(def, &f, &fe) : LX_ERR;
	json_decref(def);
	if (rc != LX_OK)
		goto cleanup; /* a stored form that no longer parses is the store's fault */
	if (strcmp(in->outcome, "home") != 0) {
		/* nobody answered: nothing of the form is kept */
		res->kept = json_object();
		goto cleanup;
	}
	rc = lx_form_check(f, in->answers, res, &fe);
	if (rc == LX_INVALID)
		rc = lx_flow_fail(err, 422, "invalid_answer", fe.field, "%s", fe.message);
cleanup:
	*fp = f;
	lx_form_row_clear(&row);
	if (rc != LX_OK && err->status && err->field == fe.field) {
		/* the error names the question ("hose_ok", not "answers.hose_ok");
		 * err->field must outlive fe: a thread's own copy, read by the reply
		 * this thread makes next */
		static __thread char field[96];
		const char *name = strncmp(fe.field, "answers.", 8) == 0 ? fe.field + 8 : fe.field;
		snprintf(field, sizeof field, "%.95s", name);
		err->field = field;
	}
	return rc;
}

/* What a visit of outcome does to its target. */
static void lx_target_move(lx_flow_ctx *x, lx_target *t, const lx_visit *v, int tz)
{
	bool notice_due = t->followup != NULL;
	free(t->last_outcome);
	t->last_outcome = lx_xstrdup(v->outcome);
	t->last_visit_id = v->id;
	if (strcmp(v->outcome, "not_home") == 0) {
		t->retry_at = lx_next_workday(x, v->visited_at, tz);
		return;
	}
	if (t->done_at < v->visited_at)
		t->done_at = v->visited_at;
	t->done_by = v->worker_id;
	free(t->followup);
	t->followup = NULL;
	t->retry_at = 0;
	if (strcmp(v->outcome, "home") == 0) {
		t->seen_at = v->visited_at;
		t->alert_case_id = 0; /* seen: a later silence may raise a new alert */
	} else if (!notice_due) {
		/* refused: a written notice follows on the next working day; a refusal
		 * when the notice was due is its delivery */
		t->followup = lx_xstrdup("written_notice");
		t->retry_at = lx_next_workday(x, v->visited_at, tz);
	}
}

int lx_visit_record(lx_flow_ctx *x, lx_db *db, const lx_flow_actor *who, lx_ms now, int tz, const lx_visit_in *in,
		    lx_visit *out, bool *replayed, lx_flow_error *err)
{
	lx_plan p = {0};
	lx_target t = {0};
	lx_form_result res = {0};
	lx_form *form = NULL;
	memset(out, 0, sizeof *out);
	*replayed = false;
	int rc = lx_visit_by_uuid(db, in->client_uuid, out);
	if (rc == LX_OK) {
		*replayed = true;
		if (out->worker_id != who->user_id)
			rc = lx_flow_fail(err, 409, "uuid_taken", "client_uuid", "another worker's visit has this client_uuid");
		return rc;
	}
	if (rc != LX_NOTFOUND)
		return rc;
	rc = lx_plan_get(db, who->scope, who->user_id, in->plan_id, &p);
	if (rc == LX_NOTFOUND)
		rc = lx_flow_fail(err, 404, "not_found", "plan_id", "no such visit plan");
	if (rc != LX_OK)
		goto cleanup;
	rc = lx_target_get(db, p.id, in->target_kind, in->target_id, &t);
	bool named = false;
	for (size_t i = 0; i < json_array_size(p.workers); i++)
		named |= json_integer_value(json_array_get(p.workers, i)) == who->user_id;
	if (rc == LX_OK && !named && !lx_scope_contains(who->scope, t.unit_path))
		rc = LX_NOTFOUND;
	if (rc == LX_NOTFOUND)
		rc = lx_flow_fail(err, 422, "not_a_target", "target", "the plan has no such %s in your scope",
				  in->target_kind);
	if (rc != LX_OK)
		goto cleanup;
	snprintf(out->client_uuid, sizeof out->client_uuid, "%s", in->client_uuid);
	out->plan_id = p.id;
	snprintf(out->target_kind, sizeof out->target_kind, "%s", t.kind);
	out->target_id = t.id;
	out->unit_id = t.unit_id;
	out->unit_path = lx_xstrdup(t.unit_path);
	out->worker_id = who->user_id;
	snprintf(out->outcome, sizeof out->outcome, "%s", in->outcome);
	out->has_point = in->has_point;
	out->lat = in->lat;
	out->lon = in->lon;
	out->visited_at = in->visited_at ? in->visited_at : now;
	if ((rc = lx_visit_answers(db, &p, in, out, &res, &form, err)) != LX_OK)
		goto cleanup;
	out->answers = json_dumps(res.kept, JSON_COMPACT);
	rc = lx_visit_insert(db, out, now);
	if (rc == LX_CONFLICT) {
		/* the same visit sent twice at once: the other one was stored */
		lx_visit_clear(out);
		rc = lx_visit_by_uuid(db, in->client_uuid, out);
		*replayed = rc == LX_OK;
		goto cleanup;
	}
	if (rc != LX_OK)
		goto cleanup;
	/* the photos its answers name: the worker's own, uploaded before */
	for (size_t i = 0; i < res.nphotos && rc == LX_OK; i++) {
		rc = lx_visit_photo_claim(db, out->id, who->user_id, res.photos[i].attachment_id);
		if (rc == LX_NOTFOUND)
			rc = lx_flow_fail(err, 422, "unknown_photo", "answers", "answer '%s' names photo %lld, which is "
					  "not a photo you uploaded for a visit (POST /api/v1/visits/photos)",
					  res.photos[i].question, (long long)res.photos[i].attachment_id);
	}
	if (rc != LX_OK)
		goto cleanup;
	lx_target_move(x, &t, out, tz);
	rc = lx_target_update(db, &t);
	if (rc == LX_OK)
		rc = lx_visit_hazards_open(x, db, &p, &t, out, &res, out, err);
	/* the first hazard shows the visit's photos on its case */
	if (rc == LX_OK && json_array_size(out->hazards))
		rc = lx_visit_photos_to_case(db, out->id, json_integer_value(json_array_get(out->hazards, 0)));
cleanup:
	lx_form_result_clear(&res);
	lx_form_free(form);
	lx_target_clear(&t);
	lx_plan_clear(&p);
	return rc;
}

/* ---------------- the two-day alert ---------------- */

struct lx_alert_ctx {
	lx_target *t;
	size_t n, cap;
};

static int lx_alert_collect(void *arg, const lx_target *t)
{
	struct lx_alert_ctx *a = arg;
	if (a->n == a->cap)
		a->t = lx_xrealloc(a->t, (a->cap = a->cap ? a->cap * 2 : 16) * sizeof *a->t);
	lx_target *c = &a->t[a->n++];
	*c = *t;
	c->unit_path = lx_xstrdup(t->unit_path);
	c->followup = t->followup ? lx_xstrdup(t->followup) : NULL;
	c->last_outcome = t->last_outcome ? lx_xstrdup(t->last_outcome) : NULL;
	c->name = t->name ? lx_xstrdup(t->name) : NULL;
	c->address = t->address ? lx_xstrdup(t->address) : NULL;
	return 0;
}

/* One alert: the case at the person's place, with the reason on its
 * timeline, recorded on the target (once: until someone sees them). */
static int lx_alert_one(lx_flow_ctx *x, lx_db *db, const lx_target *t, lx_ms now, int tz)
{
	char since[40];
	lx_time_format(t->seen_at ? t->seen_at : t->first_due_at, tz, since, sizeof since);
	since[10] = '\0';
	char *title = lx_xasprintf("独居老人连续两天未见面：%s", t->name ? t->name : "");
	char *desc = lx_xasprintf("每日探访计划中的%s（%s）自%s起已超过两天没有人见到本人，请社区立即上门核实情况。",
				  t->name ? t->name : "", t->address ? t->address : "无登记住址", since);
	lx_field_case fc = {.category_code = "0708", .title = title, .description = desc, .field = "target"};
	lx_flow_error err = {0};
	lx_case c;
	int rc = lx_field_case_open(x, db, t, &fc, &c, &err);
	if (rc == LX_OK) {
		char *why = lx_xasprintf("系统自动发起：%s起连续两天探访未见到本人（计划 #%lld）", since,
					 (long long)t->plan_id);
		rc = lx_flow_note(x, &c, "visit_alert", why);
		free(why);
		if (rc == LX_OK)
			rc = lx_target_alerted(db, t, c.id);
		lx_case_clear(&c);
	}
	free(title);
	free(desc);
	(void)now;
	return rc;
}

int lx_visits_alert_sweep(lx_flow_ctx *x, lx_db *db, lx_ms now, int tz, int limit, int *n)
{
	struct lx_alert_ctx a = {0};
	*n = 0;
	int rc = lx_targets_unseen_each(db, now - 2 * LX_DAY_MS, limit, lx_alert_collect, &a);
	for (size_t i = 0; i < a.n && rc == LX_OK; i++) {
		rc = lx_alert_one(x, db, &a.t[i], now, tz);
		if (rc == LX_OK)
			(*n)++;
	}
	for (size_t i = 0; i < a.n; i++)
		lx_target_clear(&a.t[i]);
	free(a.t);
	return rc;
}

/*
 * workflows.c - the machines as the web and other programs read them, and
 * the working-day calendar: GET day by day, PUT days (admin), after which
 * every open case counted in working days is recomputed and, where a
 * deadline moved, rescheduled through the engine (its timeline says so).
 */
#include "api.h"
#include "calendar.h"
#include "flow.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LX_CAL_MAX_SPAN 731 /* days a GET may ask for: two years */
#define LX_CAL_MAX_PUT 400  /* days one PUT may set */

/* The machines do not change once compiled: their description is built
 * and serialised once (the web reads it on every page load). */
static char *lx_workflows_text;
static size_t lx_workflows_len;
static pthread_once_t lx_workflows_once = PTHREAD_ONCE_INIT;

static void lx_workflows_build(void)
{
	json_t *all = lx_flow_describe();
	lx_workflows_text = json_dumps(all, JSON_COMPACT | JSON_REAL_PRECISION(12)); /* as lx_reply_json */
	lx_workflows_len = strlen(lx_workflows_text);
	json_decref(all);
}

int lx_api_workflows(lx_req *r)
{
	pthread_once(&lx_workflows_once, lx_workflows_build);
	char *copy = lx_xmalloc(lx_workflows_len + 1);
	memcpy(copy, lx_workflows_text, lx_workflows_len + 1);
	return lx_reply_raw(r, 200, "application/json; charset=utf-8", copy, lx_workflows_len);
}

/* ---------------- GET /api/v1/calendar ---------------- */

/* A date argument (YYYY-MM-DD) or its default; replies on error. */
static int lx_day_arg_or_reply(lx_req *r, const char *key, int64_t dflt, int64_t *out)
{
	const char *s = lx_req_arg(r, key);
	if (!s || !*s) {
		*out = dflt;
		return LX_OK;
	}
	if (lx_cal_day_parse(s, out) != LX_OK)
		return lx_reply_error(r, 400, "bad_parameter", key, "%s must be a date YYYY-MM-DD", key);
	return LX_OK;
}

struct lx_cal_get {
	lx_cal cal;
	json_t *notes; /* date -> note */
};

static int lx_cal_get_row(void *arg, const char *day, bool workday, const char *note)
{
	struct lx_cal_get *g = arg;
	int64_t d;
	if (lx_cal_day_parse(day, &d) == LX_OK)
		lx_cal_set(&g->cal, d, workday);
	if (note)
		json_object_set_new(g->notes, day, json_string(note));
	return 0;
}

int lx_api_calendar_get(lx_req *r)
{
	lx_cal tmp;
	lx_cal_init(&tmp, r->app->tz_offset_min);
	int64_t today = lx_cal_day_of(&tmp, lx_now_ms()), from, to;
	/* the default: this month and the next two, as a desk plans */
	int rc = lx_day_arg_or_reply(r, "from", today - 31, &from);
	if (rc == LX_OK)
		rc = lx_day_arg_or_reply(r, "to", from + 90, &to);
	if (rc != LX_OK)
		return rc;
	if (to < from)
		return lx_reply_error(r, 422, "invalid", "to", "to must not be before from");
	if (to - from + 1 > LX_CAL_MAX_SPAN)
		return lx_reply_error(r, 422, "invalid", "to", "ask for at most %d days", LX_CAL_MAX_SPAN);
	char a[16], b[16];
	struct lx_cal_get g = {.notes = json_object()};
	lx_cal_init(&g.cal, r->app->tz_offset_min);
	rc = lx_calendar_each(r->db, lx_cal_day_format(from, a, sizeof a), lx_cal_day_format(to, b, sizeof b),
			      lx_cal_get_row, &g);
	lx_cal_sort(&g.cal);
	json_t *days = json_array();
	for (int64_t d = from; rc == LX_OK && d <= to; d++) {
		json_t *o = json_object();
		lx_cal_day_format(d, a, sizeof a);
		json_t *note = json_object_get(g.notes, a);
		json_object_set_new(o, "date", json_string(a));
		json_object_set_new(o, "workday", json_boolean(lx_cal_workday(&g.cal, d)));
		json_object_set_new(o, "note", note ? json_incref(note) : json_null());
		json_object_set_new(o, "weekday", json_integer(lx_cal_weekday(d)));
		json_object_set_new(o, "set", json_boolean(lx_cal_has(&g.cal, d, NULL)));
		json_array_append_new(days, o);
	}
	lx_cal_free(&g.cal);
	json_decref(g.notes);
	if (rc != LX_OK) {
		json_decref(days);
		return lx_reply_store_error(r, rc);
	}
	return lx_reply_json(r, 200, days);
}

/* ---------------- PUT /api/v1/calendar ---------------- */

struct lx_calendar_in {
	json_t *days;
};

static const lx_field lx_calendar_fields[] = {
	LX_FIELD(struct lx_calendar_in, days, LX_F_JSON, .required = true,
		 .doc = "[{\"date\":\"2026-10-08\",\"workday\":false,\"note\":\"国庆节\"}, ...]; workday null "
			 "gives a day back to the weekday rule"),
	LX_FIELD_END,
};
const lx_schema lx_calendar_schema = {"calendar", lx_calendar_fields, NULL, sizeof(struct lx_calendar_in)};

/* Checks every day before anything is written; replies on error. */
static int lx_days_or_reply(lx_req *r, json_t *days)
{
	size_t i, k;
	json_t *d;
	char field[48];
	if (!json_is_array(days))
		return lx_reply_error(r, 400, "bad_type", "days", "days must be an array of days");
	if (json_array_size(days) == 0 || json_array_size(days) > LX_CAL_MAX_PUT)
		return lx_reply_error(r, 422, "invalid", "days", "give 1 to %d days", LX_CAL_MAX_PUT);
	json_array_foreach(days, i, d) {
		int64_t day;
		json_t *date = json_object_get(d, "date"), *work = json_object_get(d, "workday");
		json_t *note = json_object_get(d, "note");
		if (!json_is_object(d)) {
			snprintf(field, sizeof field, "days[%zu]", i);
			return lx_reply_error(r, 400, "bad_type", field, "each day is an object");
		}
		snprintf(field, sizeof field, "days[%zu].date", i);
		if (!date)
			return lx_reply_error(r, 422, "required", field, "date is required");
		if (!json_is_string(date))
			return lx_reply_error(r, 400, "bad_type", field, "date must be a string YYYY-MM-DD");
		if (lx_cal_day_parse(json_string_value(date), &day) != LX_OK)
			return lx_reply_error(r, 422, "invalid", field, "date must be a real date YYYY-MM-DD");
		for (k = 0; k < i; k++)
			if (json_equal(json_object_get(json_array_get(days, k), "date"), date))
				return lx_reply_error(r, 422, "invalid", field, "%s is given twice", json_string_value(date));
		snprintf(field, sizeof field, "days[%zu].workday", i);
		if (!work)
			return lx_reply_error(r, 422, "required", field, "workday is required (null: back to the weekday rule)");
		if (!json_is_boolean(work) && !json_is_null(work))
			return lx_reply_error(r, 400, "bad_type", field, "workday must be true or false");
		snprintf(field, sizeof field, "days[%zu].note", i);
		if (note && !json_is_null(note) && !json_is_string(note))
			return lx_reply_error(r, 400, "bad_type", field, "note must be a string");
		if (note && json_is_string(note) && lx_utf8_len(json_string_value(note)) > 100)
			return lx_reply_error(r, 422, "too_long", field, "note is text of at most 100 characters");
	}
	return LX_OK;
}

/* Reschedules every open case counted in working days whose deadlines the
 * new calendar moves. *moved counts them. */
static int lx_reschedule_or_reply(lx_req *r, int *moved)
{
	lx_flow_actor sys = {r->user.id, 0, "/", true};
	lx_flow_ctx *x = lx_flow_ctx_new(r->db, &sys, lx_now_ms(), r->app->tz_offset_min);
	int64_t after = 0;
	int rc = LX_OK;
	*moved = 0;
	for (;;) {
		lx_case *found = NULL;
		int n = 0;
		rc = lx_case_workday_open(r->db, after, 500, &found, &n);
		for (int i = 0; i < n; i++) {
			lx_flow_error err;
			if (rc == LX_OK) {
				bool changed = false;
				rc = lx_flow_clocks_moved(x, &found[i], &changed);
				if (rc == LX_OK && changed) {
					rc = lx_flow_apply(x, &found[i], "reschedule", NULL, NULL, &err);
					if (rc == LX_OK)
						(*moved)++;
				}
			}
			after = found[i].id;
			lx_case_clear(&found[i]);
		}
		free(found);
		if (rc != LX_OK || n < 500)
			break;
	}
	lx_flow_ctx_free(x);
	return rc == LX_OK ? LX_OK : lx_reply_store_error(r, rc);
}

int lx_api_calendar_put(lx_req *r)
{
	const struct lx_calendar_in *in = r->in;
	size_t i;
	json_t *d;
	int moved = 0;
	int rc = lx_days_or_reply(r, in->days);
	if (rc != LX_OK)
		return rc;
	lx_ms now = lx_now_ms();
	json_array_foreach(in->days, i, d) {
		json_t *note = json_object_get(d, "note"), *work = json_object_get(d, "workday");
		const char *day = json_string_value(json_object_get(d, "date"));
		/* workday null: the day follows the weekday rule again */
		rc = json_is_null(work) ? lx_calendar_unset(r->db, day)
					: lx_calendar_put(r->db, day, json_is_true(work),
							  json_is_string(note) ? json_string_value(note) : NULL, r->user.id, now);
		if (rc != LX_OK)
			return lx_reply_store_error(r, rc);
	}
	rc = lx_reschedule_or_reply(r, &moved);
	if (rc != LX_OK)
		return rc;
	json_t *j = json_object();
	json_object_set_new(j, "updated", json_integer((json_int_t)json_array_size(in->days)));
	json_object_set_new(j, "cases_rescheduled", json_integer(moved));
	return lx_reply_json(r, 200, j);
}

/*
 * demo_life.c - the simulated life of one demo case, step by step through
 * the workflow engine (flow/: lx_flow_step), at the times it would have
 * happened; then the case is inserted once, with every event.
 *
 * Nothing here sets a status or a deadline: the demo fires actions (the
 * duty list's dispatch, accept, suspend, extend, resolve, verify, rate,
 * appeal, merge, ...) as the people of the district would, and the engine
 * decides, applies the machine's effects and computes the clocks on the
 * calendar. Before each step the sweeper's marks that came due are fired
 * too (lx_flow_tick). Deterministic: the same build gives the same cases.
 */
#include "demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LX_SIM_MAX 48

/* One case being simulated and the events it collected. */
struct lx_sim {
	struct lx_demo *d;
	lx_case c;
	lx_event ev[LX_SIM_MAX];
	int n;
	lx_ms now;            /* the simulation's end: the real time */
	uint64_t *rng;
	size_t g, base;       /* the grid (template index) and its copy's first instance */
	size_t hinst;         /* the handling unit's instance */
	const lx_category *cat;
};

/* How a stretch of the simulation ended. */
enum { SIM_ERR = -1, SIM_ON = 0, SIM_STOP = 1 };

/* Keeps an event (takes it over). */
static void lx_sim_keep(void *arg, lx_event *ev)
{
	struct lx_sim *s = arg;
	if (s->n == LX_SIM_MAX) {
		lx_event_clear(ev);
		return;
	}
	s->ev[s->n++] = *ev;
	memset(ev, 0, sizeof *ev);
}

/* Fires action at time at by who, after the sweeper's marks due by then.
 * SIM_ON, or SIM_ERR (the demo asked for what its rules forbid). */
static int lx_sim_fire(struct lx_sim *s, lx_ms at, lx_flow_actor who, const char *action,
		       const lx_flow_input *in)
{
	lx_flow_ctx *x = s->d->x;
	lx_flow_error err = {0};
	int n = 0;
	lx_flow_ctx_set_now(x, at);
	int rc = lx_flow_tick(x, &s->c, false, lx_sim_keep, s, &n, &err);
	if (rc == LX_OK) {
		lx_event ev;
		lx_flow_ctx_set_actor(x, &who);
		rc = lx_flow_step(x, &s->c, action, in, &ev, &err);
		if (rc == LX_OK)
			lx_sim_keep(s, &ev);
	}
	if (rc != LX_OK) {
		fprintf(stderr, "lianxin demo: %s of a %s case: %s\n", action, s->c.status, err.message);
		return SIM_ERR;
	}
	return SIM_ON;
}

/* Whether who may fire action now (optional steps ask first, as a person
 * would see the button or not). */
static bool lx_sim_may(struct lx_sim *s, lx_ms at, lx_flow_actor who, const char *action)
{
	lx_flow_error err;
	lx_flow_ctx_set_now(s->d->x, at);
	lx_flow_ctx_set_actor(s->d->x, &who);
	return lx_flow_decide(s->d->x, &s->c, action, NULL, NULL, &err) == LX_OK;
}

/* Whether work remains on the case (its state is open). */
static bool lx_sim_open(const struct lx_sim *s)
{
	const lx_flow_state *st = lx_flow_state_of(s->c.type, s->c.status);
	return st && st->open;
}

static lx_flow_actor lx_sim_desk(struct lx_sim *s)
{
	return (lx_flow_actor){s->d->dispatcher_id, LX_ROLE_DISPATCHER, "/", false};
}

/* The duty list (the system, recorded as the desk that took the call). */
static lx_flow_actor lx_sim_system(struct lx_sim *s)
{
	return (lx_flow_actor){s->d->dispatcher_id, 0, "/", true};
}

/* The handling unit's own user (a street's or department's handler, a
 * community's grid worker). */
static lx_flow_actor lx_sim_handler(struct lx_sim *s)
{
	struct lx_demo *d = s->d;
	size_t inst = s->hinst;
	unsigned roles = d->roles_of[inst] ? d->roles_of[inst] : LX_ROLE_HANDLER;
	return (lx_flow_actor){d->handler_of[inst], roles, d->paths[inst], false};
}

/* Dispatches to template unit u of the case's copy at `at`, by who. */
static int lx_sim_dispatch(struct lx_sim *s, lx_ms at, lx_flow_actor who, long u)
{
	s->hinst = s->base + (size_t)u;
	lx_flow_input in = {.unit_id = s->d->ids[s->hinst]};
	return lx_sim_fire(s, at, who, "dispatch", &in);
}

/* The grid worker of the case's community: the one who verifies on site. */
static lx_flow_actor lx_sim_grid_worker(struct lx_sim *s)
{
	struct lx_demo *d = s->d;
	size_t community = s->base + (size_t)d->du[s->g].parent;
	return (lx_flow_actor){d->handler_of[community], LX_ROLE_GRID_WORKER, d->paths[community], false};
}

/* The street (template index) that holds grid g. */
static long lx_sim_street(struct lx_sim *s)
{
	for (long i = (long)s->g; i >= 0; i = s->d->du[i].parent)
		if (strcmp(s->d->du[i].kind, "street") == 0)
			return i;
	return -1;
}

static double lx_u(struct lx_sim *s)
{
	return lx_demo_unif(s->rng);
}

static bool lx_p(struct lx_sim *s, double p)
{
	return lx_demo_chance(s->rng, p);
}

/* The stretch of handling between an accept and a resolve: sometimes the
 * unit asks for more time, or waits for the resident (suspended), or is
 * urged by the desk. *res_at is when it resolves; moved by what happens. */
static int lx_sim_while_handling(struct lx_sim *s, lx_ms acc_at, lx_ms *res_at)
{
	lx_case *c = &s->c;
	lx_ms window = c->resolve_due_at - acc_at;
	if (window > 2 * LX_DAY_MS && lx_p(s, 0.04)) {
		/* 延期: asked halfway, granted mostly */
		lx_ms ask = acc_at + (lx_ms)(lx_u(s) * (double)window * 0.5);
		if (ask > s->now)
			return SIM_STOP;
		if (!lx_sim_may(s, ask, lx_sim_handler(s), "extend"))
			return SIM_ON;
		lx_flow_input in = {.reason = "需协调产权单位和施工队，申请延长办理时限"};
		if (c->resolve_workdays > 0) {
			in.workdays = 2 + (int64_t)(lx_u(s) * 4);
			in.has_workdays = true;
		} else {
			in.hours = lx_p(s, 0.5) ? 48 : 72;
			in.has_hours = true;
		}
		if (lx_sim_fire(s, ask, lx_sim_handler(s), "extend", &in) != SIM_ON)
			return SIM_ERR;
		lx_ms decide = ask + (lx_ms)((0.2 + lx_u(s)) * 4 * LX_HOUR_MS);
		if (decide > s->now)
			return SIM_STOP;
		bool grant = lx_p(s, 0.8);
		lx_flow_input din = {.reason = grant ? NULL : "理由不充分，请按原时限办结", .note = grant ? "同意" : NULL};
		if (lx_sim_fire(s, decide, lx_sim_desk(s), grant ? "extension_approve" : "extension_reject", &din) != SIM_ON)
			return SIM_ERR;
		if (grant && *res_at > acc_at + window / 2)
			*res_at = decide + (lx_ms)(lx_u(s) * (double)(c->resolve_due_at - decide) * 0.9);
	} else if (window > LX_DAY_MS && lx_p(s, 0.03)) {
		/* 挂起: waiting for the resident (or owners' meeting); the clock stops */
		lx_ms at = acc_at + (lx_ms)(lx_u(s) * (double)window * 0.4);
		lx_ms len = (lx_ms)((1 + lx_u(s) * 4) * LX_DAY_MS);
		bool timed = lx_p(s, 0.4);
		if (at > s->now)
			return SIM_STOP;
		lx_flow_input in = {.reason = lx_p(s, 0.5) ? "联系不上反映人，待其返回后上门核实" : "需业主大会表决维修资金使用",
				    .until = at + len, .has_until = timed};
		if (lx_sim_fire(s, at, lx_sim_handler(s), "suspend", &in) != SIM_ON)
			return SIM_ERR;
		if (c->pending[0]) {
			/* this category's suspensions wait for the desk */
			lx_ms ok_at = at + 2 * LX_HOUR_MS;
			if (ok_at > s->now)
				return SIM_STOP;
			lx_flow_input din = {.note = "同意挂起"};
			if (lx_sim_fire(s, ok_at, lx_sim_desk(s), "suspend_approve", &din) != SIM_ON)
				return SIM_ERR;
			at = ok_at;
		}
		lx_ms back = timed ? in.until : at + len;
		if (back > s->now)
			return SIM_STOP;
		lx_flow_input rin = {.note = "反映人已返回，恢复办理"};
		if (lx_sim_fire(s, back, timed ? lx_sim_system(s) : lx_sim_handler(s), "resume", timed ? NULL : &rin) != SIM_ON)
			return SIM_ERR;
		*res_at += back - at;
	}
	if (*res_at > c->resolve_due_at && c->resolve_due_at + LX_HOUR_MS < s->now && lx_p(s, 0.4) &&
	    lx_flow_clock_runs(c->type, c->status, LX_CLOCK_RESOLVE) && c->resolve_due_at + LX_HOUR_MS < *res_at) {
		lx_flow_input in = {.note = "超期未办结，请加快办理并说明原因"};
		if (lx_sim_fire(s, c->resolve_due_at + LX_HOUR_MS, lx_sim_desk(s), "supervise", &in) != SIM_ON)
			return SIM_ERR;
	}
	return SIM_ON;
}

/* From the dispatch at cursor to the answer: accept (or, once, return it
 * to the desk), handle, resolve, and where the category verifies, the
 * inspector's check. *done_at is when the case was resolved. */
static int lx_sim_handle(struct lx_sim *s, lx_ms cursor, bool may_return, lx_ms *done_at)
{
	lx_case *c = &s->c;
	struct lx_demo *d = s->d;
	lx_ms acc_window = c->accept_due_at - cursor;
	lx_ms acc_at = lx_p(s, 0.93) ? cursor + (lx_ms)(lx_u(s) * (double)acc_window * 0.9)
				      : c->accept_due_at + (lx_ms)(lx_u(s) * 6 * LX_HOUR_MS);
	if (acc_at > s->now)
		return SIM_STOP;
	bool department = strcmp(d->du[s->hinst - s->base].kind, "department") == 0;
	if (may_return && department && lx_p(s, 0.03)) {
		/* not this department's matter: back to the desk, which sends it to the street */
		lx_flow_input in = {.reason = "不属于本单位职责，退回重新派发"};
		if (lx_sim_fire(s, acc_at, lx_sim_handler(s), "return", &in) != SIM_ON)
			return SIM_ERR;
		long street = lx_sim_street(s);
		lx_ms again = acc_at + (lx_ms)(lx_u(s) * LX_HOUR_MS);
		if (again > s->now || street < 0)
			return SIM_STOP;
		if (lx_sim_dispatch(s, again, lx_sim_desk(s), street) != SIM_ON)
			return SIM_ERR;
		return lx_sim_handle(s, again, false, done_at);
	}
	if (lx_sim_fire(s, acc_at, lx_sim_handler(s), "accept", NULL) != SIM_ON)
		return SIM_ERR;
	for (int attempt = 0;; attempt++) {
		lx_ms start = attempt ? *done_at : acc_at;
		lx_ms window = c->resolve_due_at - start;
		if (window < LX_HOUR_MS / 4)
			window = LX_HOUR_MS / 4;
		lx_ms res_at = lx_p(s, 0.9) ? start + (lx_ms)(lx_u(s) * (double)window * 0.95)
					     : c->resolve_due_at + (lx_ms)(lx_u(s) * 3 * LX_DAY_MS);
		int rc = attempt ? SIM_ON : lx_sim_while_handling(s, acc_at, &res_at);
		if (rc != SIM_ON)
			return rc;
		if (res_at > s->now)
			return SIM_STOP;
		char *reply = lx_demo_reply_text(c->category_code, s->rng);
		lx_flow_input in = {.reply = reply};
		rc = lx_sim_fire(s, res_at, lx_sim_handler(s), "resolve", &in);
		free(reply);
		if (rc != SIM_ON)
			return rc;
		*done_at = res_at;
		/* the category verifies: the case waits for the check */
		if (!lx_sim_may(s, res_at, lx_sim_desk(s), "verify"))
			return SIM_ON;
		/* 核查: the grid worker on site (or the desk from photos) */
		lx_ms check = res_at + (lx_ms)((0.1 + lx_u(s)) * LX_DAY_MS);
		if (check > s->now)
			return SIM_STOP;
		bool passed = attempt > 0 || lx_p(s, 0.85);
		lx_flow_input vin = {.passed = passed, .has_passed = true,
				     .note = passed ? "现场核查，已整改到位" : "现场核查，问题仍未解决"};
		rc = lx_sim_fire(s, check, lx_p(s, 0.6) ? lx_sim_grid_worker(s) : lx_sim_desk(s), "verify", &vin);
		if (rc != SIM_ON)
			return rc;
		*done_at = check;
		if (passed)
			return SIM_ON;
	}
}

/* The second unfavourable rating: the unit may appeal (申诉), or the desk
 * explains to the resident and closes the case. */
static int lx_sim_after_second_round(struct lx_sim *s, lx_ms rate_at)
{
	if (lx_p(s, 0.35)) {
		lx_ms ask = rate_at + (lx_ms)(lx_u(s) * 2 * LX_DAY_MS);
		lx_ms decide = ask + (lx_ms)((0.3 + lx_u(s)) * LX_DAY_MS);
		if (decide > s->now)
			return SIM_STOP;
		if (!lx_sim_may(s, ask, lx_sim_handler(s), "appeal"))
			goto close;
		lx_flow_input in = {.reason = "已按政策办理完毕，群众诉求超出政策范围"};
		if (lx_sim_fire(s, ask, lx_sim_handler(s), "appeal", &in) != SIM_ON)
			return SIM_ERR;
		bool upheld = lx_p(s, 0.6);
		lx_flow_input din = {.upheld = upheld, .has_upheld = true,
				     .note = upheld ? "经核实，办理单位已依法依规办理" : "办理不到位，申诉不予支持"};
		if (lx_sim_fire(s, decide, lx_sim_desk(s), "appeal_decide", &din) != SIM_ON)
			return SIM_ERR;
		if (!lx_sim_open(s))
			return SIM_ON; /* upheld: the engine closed it */
		rate_at = decide;
	}
close:;
	lx_flow_input in = {.note = "已向群众解释说明，按规定办结"};
	return lx_sim_fire(s, rate_at + LX_HOUR_MS, lx_sim_desk(s), "close", &in);
}

/* The call back: the resident rates the answer (or it cannot be reached,
 * or the type is closed by the desk). SIM_ON when the case is finished. */
static int lx_sim_rate(struct lx_sim *s, lx_ms res_at, int round, lx_ms *rate_at)
{
	lx_case *c = &s->c;
	*rate_at = res_at + (lx_ms)((0.1 + lx_u(s)) * LX_DAY_MS);
	if (*rate_at > s->now)
		return SIM_STOP;
	bool rated_type = strcmp(c->type, "hazard") != 0 && strcmp(c->type, "opinion") != 0;
	/* a hazard's passed re-inspection closed it already */
	if (!lx_sim_may(s, *rate_at, lx_sim_desk(s), "close") && !lx_sim_may(s, *rate_at, lx_sim_desk(s), "rate"))
		return SIM_ON;
	if (!rated_type || lx_p(s, 0.15)) {
		lx_flow_input in = {.note = rated_type ? "回访未接通，按规定办结" : "核查整改到位，办结"};
		return lx_sim_fire(s, *rate_at, lx_sim_desk(s), "close", &in);
	}
	double q = lx_u(s);
	bool solved = round > 0 ? lx_p(s, 0.5) : lx_p(s, 0.77);
	int rating = !solved ? (lx_p(s, 0.7) ? LX_RATING_UNSATISFIED : LX_RATING_BASIC)
		     : q < 0.78 ? LX_RATING_SATISFIED : q < 0.96 ? LX_RATING_BASIC : LX_RATING_UNSATISFIED;
	lx_flow_input in = {.rating = rating, .has_rating = true, .solved = solved, .has_solved = true};
	return lx_sim_fire(s, *rate_at, lx_sim_desk(s), "rate", &in);
}

/* The community's instance: where repeat calls are looked for. */
static size_t lx_sim_community(struct lx_sim *s)
{
	return s->base + (size_t)s->d->du[s->g].parent;
}

/* A repeat call about a case of the same community and matter a few days
 * old and still open: the desk merges it (记为重复来电); when the master is
 * answered, so is this one. Returns true when it did. */
static bool lx_sim_repeat(struct lx_sim *s, lx_ms t, int *rc)
{
	struct lx_recent *m = &s->d->recent[lx_sim_community(s)];
	if (!m->id || strcmp(m->code, s->c.category_code) != 0 || t - m->created_at > 5 * LX_DAY_MS ||
	    (m->done_at && m->done_at <= t) || !lx_p(s, 0.5))
		return false;
	lx_flow_input in = {.into_id = m->id, .note = "来电人再次反映同一问题，记为重复来电"};
	*rc = lx_sim_fire(s, t, lx_sim_desk(s), "merge", &in);
	if (*rc == SIM_ON && m->answerable && m->done_at && m->done_at <= s->now)
		*rc = lx_sim_fire(s, m->done_at, lx_sim_system(s), "answer", NULL);
	return true;
}

/* The life after intake: dispatched by the duty list (or by the desk when
 * no rule applies), handled, answered, rated, maybe reopened once. */
static int lx_sim_life(struct lx_sim *s, lx_ms t)
{
	struct lx_demo *d = s->d;
	int rc = SIM_ON;
	if (lx_sim_repeat(s, t, &rc))
		return rc;
	lx_ms age = s->now - t;
	if (age > 2 * LX_HOUR_MS && lx_p(s, 0.01)) {
		/* 无效诉求: the desk marks it within the hour */
		lx_flow_input in = {.reason = lx_p(s, 0.5) ? "与政府职能无关的咨询" : "恶意骚扰来电"};
		return lx_sim_fire(s, t + (lx_ms)(lx_u(s) * LX_HOUR_MS), lx_sim_desk(s), "invalid", &in);
	}
	long duty = lx_demo_duty(d, s->cat, s->g);
	lx_ms cursor = t;
	/* a few wait at the desk: no rule, or the newest ones */
	if (duty < 0 || (age < 6 * LX_HOUR_MS && lx_p(s, 0.3))) {
		if (duty >= 0 || age < 2 * LX_DAY_MS)
			return SIM_STOP;
		/* no rule: the desk dispatches to the street within the hour */
		cursor += (lx_ms)(lx_u(s) * LX_HOUR_MS);
		rc = lx_sim_dispatch(s, cursor, lx_sim_desk(s), lx_sim_street(s));
	} else {
		rc = lx_sim_dispatch(s, cursor, lx_sim_system(s), duty);
	}
	for (int round = 0; rc == SIM_ON; round++) {
		lx_ms done_at = 0, rate_at = 0;
		rc = lx_sim_handle(s, s->c.dispatched_at, round == 0, &done_at);
		if (rc == SIM_ON)
			rc = lx_sim_rate(s, done_at, round, &rate_at);
		/* an unfavourable rating sent it back: another round */
		if (rc != SIM_ON || !lx_sim_open(s))
			break;
		if (round >= 1)
			return lx_sim_after_second_round(s, rate_at);
		if (lx_p(s, 0.05)) {
			/* the first unfavourable rating contested at once */
			rc = lx_sim_after_second_round(s, rate_at);
			break;
		}
		/* reopened: the engine sent it back to the same unit as a new dispatch */
	}
	return rc;
}

/* Draws the intake of a case received at t into s->c. */
static void lx_sim_intake(struct lx_sim *s, lx_ms t, const char *code)
{
	struct lx_demo *d = s->d;
	uint64_t *rng = s->rng;
	lx_case *c = &s->c;
	char *title = NULL, *desc = NULL, *addr = NULL;
	size_t community = (size_t)d->du[s->g].parent;
	lx_demo_case_text(code, d->du[community].name, rng, &title, &desc, &addr);
	double ch = lx_demo_unif(rng);
	const char *channel = ch < 0.55 ? "hotline" : ch < 0.70 ? "web" : ch < 0.85 ? "grid_visit"
			      : ch < 0.90 ? "deputy_station" : ch < 0.95 ? "inspection" : "onekey";
	const char *type = s->cat->case_type;
	/* a request by the press-9 device's call button stays a request; the
	 * press-9 calls themselves are demo_onekey.c's */
	if (strcmp(channel, "deputy_station") == 0 && strcmp(type, "request") == 0 && lx_demo_chance(rng, 0.5))
		type = "suggestion";
	/* 帮代办: grid workers file errands for residents (pensions, insurance) */
	if (strcmp(channel, "grid_visit") == 0 && strncmp(code, "07", 2) == 0 && lx_demo_chance(rng, 0.6))
		type = "proxy";
	snprintf(c->type, sizeof c->type, "%s", type);
	snprintf(c->channel, sizeof c->channel, "%s", channel);
	c->category_code = lx_xstrdup(code);
	c->title = title;
	c->description = desc;
	c->address = addr;
	c->has_point = true;
	size_t gi = s->base + s->g;
	const double *pt = &d->pts[((gi / d->ndu) * d->ngrid_t + d->grid_slot[s->g]) * LX_PTS * 2 +
				   (lx_demo_rand(rng) % LX_PTS) * 2];
	c->lat = pt[0];
	c->lon = pt[1];
	c->unit_id = d->ids[gi];
	c->unit_path = lx_xstrdup(d->paths[gi]);
	c->scope_path = lx_xstrdup(d->paths[gi]);
	c->urgent = strcmp(code, "0104") == 0 || strcmp(code, "0202") == 0 ? lx_demo_chance(rng, 0.5)
									    : lx_demo_chance(rng, 0.02);
	c->reporter_name = lx_demo_person_name(rng);
	c->reporter_phone = lx_demo_phone(rng);
	c->reporter_anonymous = lx_demo_chance(rng, 0.05);
	c->created_by = d->dispatcher_id;
	c->solved = -1;
}

/* Inserts the simulated case with its events; remembers it as its
 * community's latest for repeat calls. */
static int lx_sim_insert(struct lx_sim *s)
{
	struct lx_demo *d = s->d;
	lx_case *c = &s->c;
	/* A bulk load indexes the text on its second writer (d->side), or in
	 * one pass at the end (lx_case_fts_rebuild). */
	char *terms = d->bulk ? NULL : lx_case_terms(c->title, c->description);
	int rc = lx_case_insert(d->db, c, terms);
	free(terms);
	if (rc == LX_OK && d->side)
		lx_bulk_side_case(d->side, c);
	for (int i = 0; i < s->n; i++)
		s->ev[i].case_id = c->id;
	if (rc == LX_OK)
		rc = lx_case_events_insert(d->db, s->ev, (size_t)s->n);
	/* the inboxes and texts of the last two weeks (older ones would only be
	 * read and delivered long ago; a bulk load writes none) */
	for (int i = 0; rc == LX_OK && !d->bulk && i < s->n; i++)
		if (s->ev[i].notices[0] && s->ev[i].at > s->now - 14 * LX_DAY_MS)
			rc = lx_flow_notify(d->x, c, &s->ev[i]);
	if (rc == LX_OK && !c->merged_into) {
		const lx_state_class *cls = lx_store_state(c->status);
		struct lx_recent *m = &d->recent[lx_sim_community(s)];
		m->id = c->id;
		m->code = s->cat->code;
		m->created_at = c->created_at;
		m->done_at = cls && cls->done ? (c->resolved_at ? c->resolved_at : c->closed_at) : 0;
		m->answerable = c->reply != NULL && cls && cls->done;
	}
	return rc;
}

int lx_demo_case(struct lx_demo *d, lx_ms t, lx_ms now)
{
	struct lx_sim s = {.d = d, .now = now, .rng = &d->rng};
	/* gi: the grid's instance (which copy of the district); g: its
	 * index in the template district, used to walk the tree. */
	size_t gi = d->grids[lx_demo_rand(&d->rng) % d->ngrids];
	s.g = gi % d->ndu;
	s.base = gi - s.g;
	const char *code = lx_demo_category(&d->rng, lx_demo_month(t));
	s.cat = lx_demo_cat(d, code);
	if (!s.cat)
		return LX_ERR;
	lx_sim_intake(&s, t, code);
	lx_event ev;
	lx_flow_actor desk = lx_sim_desk(&s);
	lx_flow_ctx_set_actor(d->x, &desk);
	lx_flow_ctx_set_now(d->x, t);
	lx_flow_start(d->x, &s.c, &ev);
	lx_sim_keep(&s, &ev);
	int rc = lx_sim_life(&s, t);
	if (rc != SIM_ERR) {
		/* the sweeper's marks up to now */
		lx_flow_error err;
		int n = 0;
		lx_flow_ctx_set_now(d->x, now);
		rc = lx_flow_tick(d->x, &s.c, false, lx_sim_keep, &s, &n, &err) == LX_OK ? SIM_ON : SIM_ERR;
	}
	rc = rc == SIM_ERR ? LX_ERR : lx_sim_insert(&s);
	for (int i = 0; i < s.n; i++)
		lx_event_clear(&s.ev[i]);
	lx_case_clear(&s.c);
	return rc;
}

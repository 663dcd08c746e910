/*
 * deadlines.c - a case's clocks: set at a dispatch from its category (hours,
 * or working days on the calendar), moved by suspensions and extensions,
 * and recomputed when the calendar changes.
 *
 * A clock in hours is a plain instant (resolve_due_at). A clock in working
 * days is kept as its basis: the instant it counts from, the number of
 * working days, and working time added since (suspensions, extensions in
 * hours); its deadline is
 *
 *     add_work(workdays_end(basis, N), extra)
 *
 * so that a change of the calendar can recompute it (calendar.h). The
 * accept clock in working days counts from the dispatch (dispatched_at).
 */
#include "flow_int.h"

#include <math.h>

#define LX_DEFAULT_ACCEPT_H 2.0
#define LX_DEFAULT_RESOLVE_H 168.0
#define LX_HOUR_MS 3600000.0

/* The category's clocks: hours, and working days (0: hours). Urgent cases
 * run on the shortened hour clocks whatever the category says. */
static void lx_clock_rules(lx_flow_ctx *x, const lx_case *c, double *acc_h, double *res_h, int *acc_wd,
			   int *res_wd)
{
	const lx_category *cat = lx_flow_category(x, c->category_code);
	*acc_h = cat ? cat->accept_hours : LX_DEFAULT_ACCEPT_H;
	*res_h = cat ? cat->resolve_hours : LX_DEFAULT_RESOLVE_H;
	*acc_wd = cat && !c->urgent ? cat->accept_workdays : 0;
	*res_wd = cat && !c->urgent ? cat->resolve_workdays : 0;
	/* a hazard rule's days to rectify (field/visits.c) hold for the case */
	if (c->rule_workdays > 0)
		*res_wd = c->rule_workdays;
}

/* The calendar, or a 500 when the store failed to read it. */
static const lx_cal *lx_cal_or_fail(lx_flow_ctx *x, lx_flow_error *err)
{
	const lx_cal *cal = lx_flow_calendar(x);
	if (!cal)
		lx_flow_fail(err, 500, "internal", NULL, "the calendar could not be read");
	return cal;
}

/* The working-day resolve deadline from c's basis. */
static lx_ms lx_resolve_workday_due(const lx_cal *cal, const lx_case *c)
{
	return lx_cal_add_work(cal, lx_cal_workdays_end(cal, c->resolve_basis_at, c->resolve_workdays),
			       c->resolve_extra_ms);
}

/* Clears the lateness flags of deadlines that now lie ahead (they moved). */
static void lx_flow_clocks_recheck(lx_flow_ctx *x, lx_case *c)
{
	if (c->accept_due_at > x->now)
		c->accept_overdue = false;
	if (c->resolve_due_at > x->now)
		c->overdue = false;
}

/* Sets the resolve clock of c from x->now. */
static int lx_resolve_from_now(lx_flow_ctx *x, lx_case *c, double res_h, int res_wd, lx_flow_error *err)
{
	c->resolve_basis_at = x->now;
	c->resolve_extra_ms = 0;
	c->resolve_workdays = res_wd;
	if (res_wd > 0) {
		const lx_cal *cal = lx_cal_or_fail(x, err);
		if (!cal)
			return LX_ERR;
		c->resolve_due_at = lx_resolve_workday_due(cal, c);
	} else {
		lx_ms a;
		lx_sla_deadlines(x->now, 1, res_h, c->urgent, &a, &c->resolve_due_at);
	}
	c->overdue = false;
	return LX_OK;
}

int lx_flow_clocks_fresh(lx_flow_ctx *x, lx_case *c, lx_event *ev, lx_flow_error *err)
{
	double acc_h, res_h;
	int acc_wd, res_wd;
	lx_clock_rules(x, c, &acc_h, &res_h, &acc_wd, &res_wd);
	c->dispatched_at = x->now;
	if (!c->first_dispatched_at)
		c->first_dispatched_at = x->now;
	c->accepted_at = 0;
	c->accept_overdue = false;
	c->accept_workdays = acc_wd;
	if (acc_wd > 0) {
		const lx_cal *cal = lx_cal_or_fail(x, err);
		if (!cal)
			return LX_ERR;
		c->accept_due_at = lx_cal_workdays_end(cal, x->now, acc_wd);
	} else {
		lx_ms r;
		lx_sla_deadlines(x->now, acc_h, 1, c->urgent, &c->accept_due_at, &r);
	}
	int rc = lx_resolve_from_now(x, c, res_h, res_wd, err);
	ev->accept_due_at = c->accept_due_at;
	ev->resolve_due_at = c->resolve_due_at;
	return rc;
}

int lx_flow_resolve_fresh(lx_flow_ctx *x, lx_case *c, lx_event *ev, lx_flow_error *err)
{
	double acc_h, res_h;
	int acc_wd, res_wd;
	lx_clock_rules(x, c, &acc_h, &res_h, &acc_wd, &res_wd);
	int rc = lx_resolve_from_now(x, c, res_h, res_wd, err);
	ev->resolve_due_at = c->resolve_due_at;
	return rc;
}

int lx_flow_clocks_shift(lx_flow_ctx *x, lx_case *c, lx_ms from, lx_ms to, lx_event *ev, lx_flow_error *err)
{
	if (to <= from)
		return LX_OK;
	const lx_cal *cal = NULL;
	if (c->resolve_workdays > 0 || c->accept_workdays > 0) {
		cal = lx_cal_or_fail(x, err);
		if (!cal)
			return LX_ERR;
	}
	/* only the deadlines still open move: an accepted case's accept clock
	 * has stopped for good */
	if (c->dispatched_at && !c->accepted_at && c->accept_due_at) {
		if (c->accept_workdays > 0)
			c->accept_due_at = lx_cal_add_work(cal, c->accept_due_at, lx_cal_work_between(cal, from, to));
		else
			c->accept_due_at += to - from;
		ev->accept_due_at = c->accept_due_at;
	}
	if (!c->resolved_at && c->resolve_due_at) {
		if (c->resolve_workdays > 0) {
			c->resolve_extra_ms += lx_cal_work_between(cal, from, to);
			c->resolve_due_at = lx_resolve_workday_due(cal, c);
		} else {
			c->resolve_due_at += to - from;
		}
		ev->resolve_due_at = c->resolve_due_at;
	}
	lx_flow_clocks_recheck(x, c);
	return LX_OK;
}

int lx_flow_clocks_extend(lx_flow_ctx *x, lx_case *c, double hours, int workdays, lx_event *ev,
			  lx_flow_error *err)
{
	const lx_cal *cal = NULL;
	if (c->resolve_workdays > 0 || workdays > 0) {
		cal = lx_cal_or_fail(x, err);
		if (!cal)
			return LX_ERR;
	}
	if (c->resolve_workdays > 0) {
		/* a working-day clock grows in working days, or by working time */
		if (workdays > 0)
			c->resolve_workdays += workdays;
		else
			c->resolve_extra_ms += (int64_t)llround(hours * LX_HOUR_MS);
		c->resolve_due_at = lx_resolve_workday_due(cal, c);
	} else if (workdays > 0) {
		/* an hour clock extended by working days: the end of the Nth
		 * workday after the old deadline's date */
		c->resolve_due_at = lx_cal_workdays_end(cal, c->resolve_due_at, workdays);
	} else {
		c->resolve_due_at += (lx_ms)llround(hours * LX_HOUR_MS);
	}
	ev->resolve_due_at = c->resolve_due_at;
	lx_flow_clocks_recheck(x, c);
	return LX_OK;
}

int lx_flow_clocks_recompute(lx_flow_ctx *x, lx_case *c, bool *moved, lx_event *ev, lx_flow_error *err)
{
	*moved = false;
	if (c->accept_workdays <= 0 && c->resolve_workdays <= 0)
		return LX_OK;
	const lx_cal *cal = lx_cal_or_fail(x, err);
	if (!cal)
		return LX_ERR;
	if (c->accept_workdays > 0 && c->dispatched_at && !c->accepted_at) {
		lx_ms due = lx_cal_workdays_end(cal, c->dispatched_at, c->accept_workdays);
		if (due != c->accept_due_at) {
			c->accept_due_at = due;
			ev->accept_due_at = due;
			*moved = true;
		}
	}
	if (c->resolve_workdays > 0 && c->resolve_basis_at && !c->resolved_at) {
		lx_ms due = lx_resolve_workday_due(cal, c);
		if (due != c->resolve_due_at) {
			c->resolve_due_at = due;
			ev->resolve_due_at = due;
			*moved = true;
		}
	}
	lx_flow_clocks_recheck(x, c);
	return LX_OK;
}

int lx_flow_clocks_moved(lx_flow_ctx *x, const lx_case *c, bool *moved)
{
	lx_case probe;
	lx_event ev = {0};
	lx_flow_error err;
	lx_case_copy(&probe, c);
	int rc = lx_flow_clocks_recompute(x, &probe, moved, &ev, &err);
	lx_case_clear(&probe);
	return rc;
}

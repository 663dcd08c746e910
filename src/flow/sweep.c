/*
 * sweep.c - the engine's timed pass (the sweeper's, jobs/sweeper.c): the
 * machines' overdue actions on cases whose clock ran out and the
 * suspensions whose end came; and, in a transaction of its own, the warning
 * an hour before a resolve deadline (a clock's declared notice).
 * Every change of a case goes through lx_flow_apply.
 */
#include "flow_int.h"

#include <stdlib.h>

int lx_flow_tick(lx_flow_ctx *x, lx_case *c, bool write, void (*keep)(void *arg, lx_event *ev), void *arg,
		 int *n, lx_flow_error *err)
{
	const lx_cmachine *m = lx_flow_machine(c->type);
	if (!m)
		return LX_OK;
	lx_ms now = x->now;
	lx_flow_saved_actor s;
	lx_flow_as_system(x, &s, 0);
	int rc = LX_OK;
	for (int slot = 0; rc == LX_OK && slot < LX_CLOCK__N; slot++) {
		int si = lx_flow_state_index(m, c->status);
		if (!m->clocks[slot] || si < 0 || !m->states[si].clock[slot])
			continue;
		lx_ms due = slot == LX_CLOCK_ACCEPT ? c->accept_due_at : c->resolve_due_at;
		bool marked = slot == LX_CLOCK_ACCEPT ? c->accept_overdue || c->accepted_at : c->overdue;
		if (!due || due >= now || marked)
			continue;
		lx_event ev;
		/* a simulation marks it when the sweeper would have: just after */
		x->now = write ? now : (due + 60000 < now ? due + 60000 : now);
		rc = write ? lx_flow_apply(x, c, m->clocks[slot]->overdue, NULL, &ev, err)
			   : lx_flow_step(x, c, m->clocks[slot]->overdue, NULL, &ev, err);
		x->now = now;
		if (rc == LX_OK)
			(*n)++;
		if (rc == LX_OK && keep)
			keep(arg, &ev);
		else
			lx_event_clear(&ev);
	}
	lx_flow_as_before(x, &s);
	return rc;
}

/* The deadlines an hour off: each warned of once, as its machine's resolve
 * clock declares (a "who:event" notice written like a step's). */
int lx_flow_warn_sweep(lx_flow_ctx *x, int limit, int *n)
{
	lx_case *found = NULL;
	int cnt = 0;
	int rc = lx_case_warn_due(x->db, x->now, LX_FLOW_WARN_AHEAD_MS, limit, &found, &cnt);
	for (int i = 0; i < cnt; i++) {
		const lx_cmachine *m = lx_flow_machine(found[i].type);
		const lx_flow_clock *clock = m ? m->clocks[LX_CLOCK_RESOLVE] : NULL;
		int r = rc;
		if (rc == LX_OK)
			r = lx_case_warned(x->db, found[i].id, found[i].resolve_due_at, x->now);
		if (r == LX_OK && clock && clock->warning) {
			lx_event ev = {.case_id = found[i].id, .at = x->now, .action = "deadline",
				       .notices = {clock->warning}};
			r = lx_flow_notify(x, &found[i], &ev);
			if (r == LX_OK)
				(*n)++;
		}
		if (r != LX_OK && r != LX_CONFLICT) /* conflict: another node warned of it */
			rc = r;
		lx_case_clear(&found[i]);
	}
	free(found);
	return rc;
}

int lx_flow_sweep(lx_flow_ctx *x, int limit, int *n)
{
	lx_flow_error err;
	int rc = LX_OK;
	*n = 0;
	for (int slot = 0; rc == LX_OK && slot < LX_CLOCK__N; slot++) {
		lx_case *found = NULL;
		int cnt = 0;
		rc = lx_case_due(x->db, slot, x->now, limit, &found, &cnt);
		for (int i = 0; i < cnt; i++) {
			if (rc == LX_OK) {
				int r = lx_flow_tick(x, &found[i], true, NULL, NULL, n, &err);
				/* a case another node changed meanwhile: next pass */
				if (r != LX_OK && err.status != 409)
					rc = r;
			}
			lx_case_clear(&found[i]);
		}
		free(found);
	}
	/* suspensions that end by themselves */
	lx_case *found = NULL;
	int cnt = 0;
	if (rc == LX_OK)
		rc = lx_case_until_due(x->db, x->now, limit, &found, &cnt);
	lx_flow_saved_actor s;
	lx_flow_as_system(x, &s, 0);
	for (int i = 0; i < cnt; i++) {
		if (rc == LX_OK) {
			int r = lx_flow_apply(x, &found[i], "resume", NULL, NULL, &err);
			if (r == LX_OK)
				(*n)++;
			else if (err.status != 409)
				rc = r;
		}
		lx_case_clear(&found[i]);
	}
	lx_flow_as_before(x, &s);
	free(found);
	return rc;
}

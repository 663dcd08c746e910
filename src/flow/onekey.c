/*
 * onekey.c - the press-9 call (一键呼叫) as a kind of work: the ladder of
 * people a call climbs, telling each step and moving on when nobody
 * acknowledged in time, and the onekey machine's own guard and effects
 * (machines.c: 一键呼叫).
 *
 * A call's ladder is made with it (lx_onekey_open, inside the intake's
 * transaction): the resident's 代理儿女 volunteers in their order, one step
 * each; then the grid workers of the resident's grid (or the nearest unit
 * up to the community that has some); then the community's own staff; and
 * last the district desk (the dispatchers of the top unit), where a call
 * nobody acknowledged stays. A step with nobody in it is left out, but the
 * desk's step is always there. Each step is told through notify/ (an inbox
 * entry and a text to the person's phone) and has onekey_step_minutes to
 * acknowledge; the sweeper (lx_onekey_sweep) moves a call whose time ran
 * out to its next step. Acknowledging, arriving and closing are the
 * machine's transitions, guarded: only someone the call reached, or the
 * desk, may fire them.
 */
#include "flow_int.h"
#include "notify.h"
#include "repo_notify.h"
#include "repo_onekey.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Atomic lx_ms lx_step_ms = 3 * 60 * 1000;

void lx_onekey_configure(double step_minutes)
{
	lx_ms ms = (lx_ms)(step_minutes * 60000.0 + 0.5);
	atomic_store(&lx_step_ms, ms > 0 ? ms : 1);
}

lx_ms lx_onekey_step_ms(void)
{
	return atomic_load(&lx_step_ms);
}

static const char *lx_step_word(const char *kind)
{
	return strcmp(kind, "carer") == 0	  ? "代理儿女"
	       : strcmp(kind, "grid") == 0	  ? "网格员"
	       : strcmp(kind, "community") == 0 ? "社区值班"
					       : "区热线值班台";
}

/* ---------------- the ladder ---------------- */

struct lx_collect {
	lx_onekey_step *s;
	const lx_onekey_step *skip; /* people already on an earlier step */
	int nskip;
};

static void lx_collect_user(void *arg, int64_t id)
{
	struct lx_collect *c = arg;
	for (int i = 0; i < c->nskip; i++)
		for (int k = 0; k < c->skip[i].nusers; k++)
			if (c->skip[i].users[k] == id)
				return;
	if (c->s->nusers < LX_ONEKEY_STEP_USERS)
		c->s->users[c->s->nusers++] = id;
}

/* Step of kind at unit: its users whose roles meet mask and who are on no
 * earlier step. */
static int lx_unit_step(lx_db *db, const char *kind, int64_t unit_id, unsigned mask, lx_onekey_step *steps, int n,
			lx_onekey_step *out)
{
	memset(out, 0, sizeof *out);
	snprintf(out->kind, sizeof out->kind, "%s", kind);
	out->unit_id = unit_id;
	struct lx_collect c = {out, steps, n};
	return lx_users_of_unit(db, unit_id, mask, lx_collect_user, &c);
}

static bool lx_is_community(const lx_unit *u)
{
	return strcmp(u->kind, "community") == 0 || strcmp(u->kind, "village") == 0;
}

/* The ladder of a call at unit (from its path, root first) for carers[0..ncarers):
 * steps[0..*n) (at most LX_ONEKEY_MAX_STEPS), its community into *community. */
int lx_onekey_ladder(lx_flow_ctx *x, const lx_unit *at, const int64_t *carers, int ncarers, lx_onekey_step *steps,
		     int *n, int64_t *community)
{
	int64_t path[LX_PATH_MAX_DEPTH];
	size_t depth = lx_path_ids(at->path, path, LX_PATH_MAX_DEPTH);
	int k = 0, rc = LX_OK;
	*community = 0;
	for (int i = 0; i < ncarers && k < LX_ONEKEY_MAX_STEPS - 3; i++) {
		lx_user u = {0};
		if (lx_user_get(x->db, "/", carers[i], &u) == LX_OK && u.active) {
			memset(&steps[k], 0, sizeof steps[k]);
			snprintf(steps[k].kind, sizeof steps[k].kind, "carer");
			steps[k].users[steps[k].nusers++] = u.id;
			k++;
		}
		lx_user_clear(&u);
	}
	/* the grid workers: of the resident's unit, else the nearest up to the community */
	const lx_unit *comm = NULL;
	for (size_t i = depth; i-- > 0 && !comm;) {
		const lx_unit *u = lx_flow_unit(x, path[i]);
		if (u && lx_is_community(u))
			comm = u;
	}
	for (size_t i = depth; rc == LX_OK && i-- > 0;) {
		const lx_unit *u = lx_flow_unit(x, path[i]);
		if (!u)
			continue;
		if ((rc = lx_unit_step(x->db, "grid", u->id, LX_ROLE_GRID_WORKER, steps, k, &steps[k])) != LX_OK)
			break;
		if (steps[k].nusers) {
			k++;
			break;
		}
		if (!comm || u == comm)
			break;
	}
	if (rc == LX_OK && comm) {
		*community = comm->id;
		rc = lx_unit_step(x->db, "community", comm->id, LX_ROLE_DISPATCHER | LX_ROLE_HANDLER | LX_ROLE_ADMIN,
				  steps, k, &steps[k]);
		if (rc == LX_OK && steps[k].nusers)
			k++;
	}
	/* the district desk: the top unit's dispatchers (its admins when it has none) */
	if (rc == LX_OK && depth) {
		rc = lx_unit_step(x->db, "desk", path[0], LX_ROLE_DISPATCHER, steps, 0, &steps[k]);
		if (rc == LX_OK && !steps[k].nusers)
			rc = lx_unit_step(x->db, "desk", path[0], LX_ROLE_ADMIN, steps, 0, &steps[k]);
		k++;
	}
	for (int i = 0; i < k; i++)
		steps[i].n = i;
	*n = k;
	return rc;
}

/* ---------------- telling a step ---------------- */

/* Tells step s of call k (case c): an inbox entry and a text to each
 * person's phone, a line on the timeline; records who was told. */
static int lx_onekey_tell(lx_flow_ctx *x, const lx_onekey_call *k, const lx_case *c, const lx_onekey_step *s)
{
	lx_recipient to[LX_ONEKEY_STEP_USERS];
	lx_user users[LX_ONEKEY_STEP_USERS];
	int n = 0, rc = LX_OK;
	lx_buf names;
	lx_buf_init(&names);
	for (int i = 0; i < s->nusers; i++) {
		memset(&users[n], 0, sizeof users[n]);
		if (lx_user_get(x->db, "/", s->users[i], &users[n]) != LX_OK) {
			lx_user_clear(&users[n]);
			continue;
		}
		to[n] = (lx_recipient){.user_id = users[n].id, .phone = users[n].phone,
				       .sms = users[n].phone && *users[n].phone};
		lx_buf_printf(&names, "%s%s", n ? "、" : "", users[n].name ? users[n].name : users[n].login);
		n++;
	}
	char minutes[32], link[600];
	snprintf(minutes, sizeof minutes, "%g", (double)lx_onekey_step_ms() / 60000.0);
	snprintf(link, sizeof link, "%s/#/onekey/%lld", lx_notify_public_url(), (long long)k->id);
	lx_notice ev = {.event = "onekey.call", .case_id = c->id};
	snprintf(ev.stem, sizeof ev.stem, "k%lld:s%d", (long long)k->id, s->n);
	lx_notice_var(&ev, "resident", c->reporter_name ? c->reporter_name : "未登记的来电");
	lx_notice_var(&ev, "address", c->address ? c->address : "地址不详");
	lx_notice_var(&ev, "minutes", minutes);
	lx_notice_var(&ev, "link", link);
	lx_notice_var(&ev, "advice", k->emergency ? "（来电人称情况紧急：请先拨打120/119）" : "");
	if (n)
		rc = lx_notify(x->db, &ev, to, (size_t)n, x->now);
	if (rc == LX_OK)
		rc = lx_onekey_step_told(x->db, k->id, s, x->now);
	if (rc == LX_OK) {
		char *note = lx_xasprintf("第%d步：已通知%s%s%.*s", s->n + 1, lx_step_word(s->kind), n ? " " : "（无人可通知）",
					  (int)names.len, names.data ? names.data : "");
		rc = lx_flow_note(x, c, "onekey_step", note);
		free(note);
	}
	for (int i = 0; i < n; i++)
		lx_user_clear(&users[i]);
	lx_buf_free(&names);
	return rc;
}

int lx_onekey_open(lx_flow_ctx *x, lx_onekey_call *k, const lx_case *c, const lx_unit *at, const int64_t *carers,
		   int ncarers, lx_onekey_step *first)
{
	lx_onekey_step steps[LX_ONEKEY_MAX_STEPS];
	int n = 0;
	int rc = lx_onekey_ladder(x, at, carers, ncarers, steps, &n, &k->community_id);
	if (rc != LX_OK)
		return rc;
	if (n == 0) /* a unit outside any tree: nobody to tell */
		return LX_INVALID;
	k->case_id = c->id;
	k->step = 0;
	k->created_at = x->now;
	k->step_due_at = n > 1 ? x->now + lx_onekey_step_ms() : 0;
	if ((rc = lx_onekey_insert(x->db, k, steps, n)) != LX_OK)
		return rc;
	if (first)
		*first = steps[0];
	return lx_onekey_tell(x, k, c, &steps[0]);
}

/* ---------------- the sweep: moving on ---------------- */

/* Moves call id to its next step when its time ran out unacknowledged. */
static int lx_onekey_advance(lx_flow_ctx *x, int64_t id, int *moved)
{
	lx_onekey_call k = {0};
	lx_case c = {0};
	lx_onekey_step s;
	int rc = lx_onekey_get(x->db, "/", id, &k);
	if (rc != LX_OK)
		goto cleanup;
	if (k.acked_at || k.closed_at || !k.step_due_at || k.step_due_at > x->now || k.step + 1 >= k.nsteps)
		goto cleanup;
	int next = k.step + 1;
	rc = lx_onekey_move(x->db, k.id, k.step, next, next + 1 < k.nsteps ? x->now + lx_onekey_step_ms() : 0);
	if (rc == LX_CONFLICT) { /* another node moved it, or it was acknowledged */
		rc = LX_OK;
		goto cleanup;
	}
	if (rc != LX_OK || (rc = lx_onekey_step_get(x->db, k.id, next, &s)) != LX_OK ||
	    (rc = lx_case_get(x->db, "/", k.case_id, &c)) != LX_OK)
		goto cleanup;
	k.step = next;
	rc = lx_onekey_tell(x, &k, &c, &s);
	if (rc == LX_OK)
		(*moved)++;
cleanup:
	lx_case_clear(&c);
	lx_onekey_call_clear(&k);
	return rc;
}

int lx_onekey_sweep(lx_flow_ctx *x, int limit, int *moved)
{
	int64_t ids[64];
	int n = 0;
	*moved = 0;
	if (limit > 64)
		limit = 64;
	int rc = lx_onekey_due(x->db, x->now, ids, limit, &n);
	for (int i = 0; rc == LX_OK && i < n; i++)
		rc = lx_onekey_advance(x, ids[i], moved);
	return rc;
}

/* ---------------- the machine's guard and effects ---------------- */

/* onekey_told: the actor was told of the call (a step reached them), or
 * is the desk over its place. */
int lx_guard_onekey_told(lx_flow_ctx *x, const lx_case *c, const lx_flow_input *in, lx_flow_error *err)
{
	(void)in;
	if (x->who.system)
		return LX_OK;
	lx_onekey_call k = {0};
	int rc = lx_onekey_by_case(x->db, c->id, &k);
	bool told = false;
	if (rc == LX_OK)
		rc = lx_onekey_was_told(x->db, k.id, x->who.user_id, &told);
	lx_onekey_call_clear(&k);
	if (rc == LX_NOTFOUND)
		return lx_flow_fail(err, 409, "no_call", NULL, "the case has no press-9 call");
	if (rc != LX_OK)
		return lx_flow_fail(err, 500, "internal", NULL, "the store failed");
	if (told)
		return LX_OK;
	bool desk = (x->who.roles & (LX_ROLE_ADMIN | LX_ROLE_DISPATCHER)) && x->who.scope &&
		    (lx_scope_contains(x->who.scope, c->unit_path ? c->unit_path : "/") ||
		     lx_scope_contains(x->who.scope, c->scope_path ? c->scope_path : "/"));
	if (desk)
		return LX_OK;
	return lx_flow_fail(err, 403, "not_told", NULL,
			    "only the people this call reached, or the desk, answer it");
}

/* After the write: the call's own marks, by the engine's actor and time. */
static int lx_onekey_mark_or_fail(lx_flow_ctx *x, const lx_case *c, const char *what, const char *note,
				  lx_flow_error *err)
{
	int rc = lx_onekey_mark(x->db, c->id, what, x->who.user_id, x->now, note);
	return rc == LX_OK ? LX_OK : lx_flow_fail(err, 500, "internal", NULL, "the call could not be written");
}

int lx_effect_onekey_acked(lx_flow_ctx *x, lx_case *c, const lx_flow_input *in, lx_event *ev, lx_flow_error *err)
{
	(void)in;
	(void)ev;
	return lx_onekey_mark_or_fail(x, c, "ack", NULL, err);
}

int lx_effect_onekey_arrived(lx_flow_ctx *x, lx_case *c, const lx_flow_input *in, lx_event *ev, lx_flow_error *err)
{
	(void)in;
	(void)ev;
	return lx_onekey_mark_or_fail(x, c, "arrive", NULL, err);
}

int lx_effect_onekey_closed(lx_flow_ctx *x, lx_case *c, const lx_flow_input *in, lx_event *ev, lx_flow_error *err)
{
	(void)ev;
	return lx_onekey_mark_or_fail(x, c, "close", in ? in->note : NULL, err);
}

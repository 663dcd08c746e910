/*
 * engine.c - runs the machines: compiles the declarations once, decides
 * whether an action may fire, and applies it. Every change of a case goes
 * through lx_flow_step (in memory) and, for a stored case, lx_flow_apply
 * (the versioned write and the timeline event); see flow.h.
 */
#include "flow_int.h"

#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LX_MAX_MACHINES 16
#define LX_MAX_DEPTH 3 /* a cascade: a master's answer to its duplicates */

static lx_cmachine lx_machines[LX_MAX_MACHINES];
static int lx_nmachines;
static const char *lx_type_list[LX_MAX_MACHINES + 1];
static pthread_once_t lx_compiled = PTHREAD_ONCE_INIT;

int lx_flow_fail(lx_flow_error *err, int status, const char *code, const char *field, const char *fmt, ...)
{
	va_list ap;
	err->status = status;
	err->code = code;
	err->field = field;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
	return lx_code_of_status(status);
}

/* ---------------- compiling the declarations ---------------- */

static void lx_die(const char *type, const char *what, const char *name)
{
	fprintf(stderr, "lianxin: machine %s: %s %s\n", type, what, name ? name : "(null)");
	abort();
}

static lx_guard_fn lx_guard_named(const char *type, const char *name)
{
	for (const lx_named_guard *g = lx_flow_guards; g->name; g++)
		if (strcmp(g->name, name) == 0)
			return g->fn;
	lx_die(type, "unknown guard", name);
	return NULL;
}

static lx_effect_fn lx_effect_named(const char *type, const char *name)
{
	for (const lx_named_effect *e = lx_flow_effects; e->name; e++)
		if (strcmp(e->name, name) == 0)
			return e->fn;
	lx_die(type, "unknown effect", name);
	return NULL;
}

int lx_flow_state_index(const lx_cmachine *m, const char *status)
{
	for (int i = 0; status && i < m->nstates; i++)
		if (strcmp(m->states[i].d->name, status) == 0)
			return i;
	return -1;
}

static int lx_state_named(const lx_cmachine *m, const char *name)
{
	int i = lx_flow_state_index(m, name);
	if (i < 0)
		lx_die(m->d->type, "unknown state", name);
	return i;
}

static void lx_compile_transition(lx_cmachine *m, const lx_flow_transition *d, lx_ctrans *t)
{
	memset(t, 0, sizeof *t);
	t->d = d;
	for (int k = 0; k < LX_FLOW_MAX_LIST && d->from[k]; k++)
		t->from |= 1u << lx_state_named(m, d->from[k]);
	if (!t->from)
		lx_die(m->d->type, "transition leaves no state:", d->action);
	t->to = d->to ? lx_state_named(m, d->to) : -1;
	if (d->outcome) {
		for (const lx_named_outcome *o = lx_flow_outcomes; o->name && !t->outcome; o++)
			if (strcmp(o->name, d->outcome) == 0)
				t->outcome = o;
		if (!t->outcome)
			lx_die(m->d->type, "unknown outcome", d->outcome);
		for (int k = 0; k < 4 && t->outcome->states[k]; k++)
			lx_state_named(m, t->outcome->states[k]);
	}
	t->input = d->input ? lx_flow_input_named(d->input) : NULL;
	if (!t->input)
		lx_die(m->d->type, "unknown input of", d->action);
	for (int k = 0; k < 4 && d->guards[k]; k++)
		t->guards[k] = lx_guard_named(m->d->type, d->guards[k]);
	for (int k = 0; k < 6 && d->effects[k]; k++)
		t->effects[k] = lx_effect_named(m->d->type, d->effects[k]);
	for (int k = 0; k < 3 && d->after[k]; k++)
		t->after[k] = lx_effect_named(m->d->type, d->after[k]);
	if (!d->roles && !d->system)
		lx_die(m->d->type, "nobody may fire", d->action);
	for (int k = 0; k < 2 && d->notices[k]; k++)
		if (!lx_flow_notice_valid(d->notices[k]))
			lx_die(m->d->type, "unknown notice", d->notices[k]);
}

static void lx_compile_machine(const lx_flow_decl *d, lx_cmachine *m)
{
	memset(m, 0, sizeof *m);
	m->d = d;
	m->initial = -1;
	for (const lx_flow_state *s = d->states; s->name; s++) {
		if (m->nstates == LX_FLOW_MAX_STATES)
			lx_die(d->type, "too many states at", s->name);
		if (lx_flow_state_index(m, s->name) >= 0)
			lx_die(d->type, "state declared twice:", s->name);
		lx_cstate *cs = &m->states[m->nstates];
		cs->d = s;
		for (int k = 0; k < 4 && s->on_enter[k]; k++)
			cs->on_enter[k] = lx_effect_named(d->type, s->on_enter[k]);
		for (int k = 0; k < 4 && s->on_exit[k]; k++)
			cs->on_exit[k] = lx_effect_named(d->type, s->on_exit[k]);
		for (int k = 0; k < 2 && s->notices[k]; k++)
			if (!lx_flow_notice_valid(s->notices[k]))
				lx_die(d->type, "unknown notice", s->notices[k]);
		if (s->group == LX_GRP_INITIAL && m->initial < 0)
			m->initial = m->nstates;
		m->nstates++;
	}
	if (m->initial < 0)
		lx_die(d->type, "no initial state", NULL);
	for (const lx_flow_clock *c = d->clocks; c && c->name; c++) {
		if (c->slot < 0 || c->slot >= LX_CLOCK__N || m->clocks[c->slot])
			lx_die(d->type, "bad clock slot:", c->name);
		m->clocks[c->slot] = c;
		for (int k = 0; k < LX_FLOW_MAX_LIST && c->runs_in[k]; k++)
			m->states[lx_state_named(m, c->runs_in[k])].clock[c->slot] = true;
	}
	size_t n = 0;
	for (int p = 0; d->parts[p]; p++)
		for (const lx_flow_transition *t = d->parts[p]; t->action; t++)
			n++;
	m->trans = lx_xcalloc(n + 1, sizeof *m->trans);
	for (int p = 0; d->parts[p]; p++)
		for (const lx_flow_transition *t = d->parts[p]; t->action; t++)
			lx_compile_transition(m, t, &m->trans[m->ntrans++]);
	for (size_t i = 0; i < m->ntrans; i++) {
		int a = 0;
		while (a < m->nactions && strcmp(m->actions[a], m->trans[i].d->action) != 0)
			a++;
		if (a == m->nactions) {
			if (m->nactions == 64)
				lx_die(d->type, "too many actions at", m->trans[i].d->action);
			m->actions[m->nactions++] = m->trans[i].d->action;
		}
		m->trans[i].action = a;
	}
	for (const lx_flow_clock *c = d->clocks; c && c->name; c++) {
		if (c->warning && (!lx_flow_notice_valid(c->warning) || c->slot != LX_CLOCK_RESOLVE))
			lx_die(d->type, "a clock's warning is a resolve clock's who:event notice", c->warning);
		bool found = false;
		for (size_t i = 0; i < m->ntrans; i++)
			found |= strcmp(m->trans[i].d->action, c->overdue) == 0 && m->trans[i].d->system;
		if (!found)
			lx_die(d->type, "no system transition for the clock's overdue action", c->overdue);
	}
}

/* Every row of one action takes the same input, in every machine: the
 * route for the action checks the body once, before any machine runs. */
static void lx_check_inputs(void)
{
	for (int a = 0; a < lx_nmachines; a++)
		for (size_t i = 0; i < lx_machines[a].ntrans; i++)
			for (int b = 0; b < lx_nmachines; b++)
				for (size_t j = 0; j < lx_machines[b].ntrans; j++)
					if (strcmp(lx_machines[a].trans[i].d->action, lx_machines[b].trans[j].d->action) == 0 &&
					    lx_machines[a].trans[i].input != lx_machines[b].trans[j].input)
						lx_die(lx_machines[a].d->type, "two inputs for action",
						       lx_machines[a].trans[i].d->action);
}

/* Tells the store the classes of the statuses. A status name means the
 * same in every machine (its flags must agree), so the store can classify
 * a status without knowing the case's type. */
static void lx_tell_store(void)
{
	static lx_state_class classes[LX_MAX_MACHINES * LX_FLOW_MAX_STATES];
	size_t n = 0;
	for (int a = 0; a < lx_nmachines; a++) {
		const lx_cmachine *m = &lx_machines[a];
		for (int i = 0; i < m->nstates; i++) {
			const lx_cstate *s = &m->states[i];
			lx_state_class c = {s->d->name, s->d->open, s->d->done, s->clock[LX_CLOCK_ACCEPT],
					    s->clock[LX_CLOCK_RESOLVE]};
			size_t k = 0;
			while (k < n && strcmp(classes[k].name, c.name) != 0)
				k++;
			if (k == n) {
				classes[n++] = c;
			} else if (classes[k].open != c.open || classes[k].done != c.done ||
				   classes[k].accept_clock != c.accept_clock || classes[k].resolve_clock != c.resolve_clock) {
				lx_die(m->d->type, "state means something else than in another machine:", c.name);
			}
		}
	}
	lx_store_set_states(classes, n);
}

static void lx_flow_compile(void)
{
	for (const lx_flow_decl *d = lx_flow_machines; d->type; d++) {
		if (lx_nmachines == LX_MAX_MACHINES)
			lx_die(d->type, "too many machines", NULL);
		lx_compile_machine(d, &lx_machines[lx_nmachines]);
		lx_type_list[lx_nmachines] = d->type;
		lx_nmachines++;
	}
	lx_type_list[lx_nmachines] = NULL;
	lx_check_inputs();
	lx_tell_store();
}

void lx_flow_init(void)
{
	pthread_once(&lx_compiled, lx_flow_compile);
}

/* ---------------- looking things up ---------------- */

const lx_cmachine *lx_flow_machine(const char *type)
{
	lx_flow_init();
	for (int i = 0; type && i < lx_nmachines; i++)
		if (strcmp(lx_machines[i].d->type, type) == 0)
			return &lx_machines[i];
	return NULL;
}

bool lx_flow_type_known(const char *type)
{
	return lx_flow_machine(type) != NULL;
}

const char *const *lx_flow_types(void)
{
	lx_flow_init();
	return lx_type_list;
}

const lx_flow_state *lx_flow_state_of(const char *type, const char *status)
{
	const lx_cmachine *m = lx_flow_machine(type);
	int i = m ? lx_flow_state_index(m, status) : -1;
	return i < 0 ? NULL : m->states[i].d;
}

bool lx_flow_clock_runs(const char *type, const char *status, int slot)
{
	const lx_cmachine *m = lx_flow_machine(type);
	int i = m ? lx_flow_state_index(m, status) : -1;
	return i >= 0 && slot >= 0 && slot < LX_CLOCK__N && m->states[i].clock[slot];
}

bool lx_flow_overdue(const lx_case *c, lx_ms now)
{
	const lx_flow_state *st = lx_flow_state_of(c->type, c->status);
	return st && st->open && c->resolve_due_at && c->resolve_due_at < now &&
	       (c->overdue || lx_flow_clock_runs(c->type, c->status, LX_CLOCK_RESOLVE));
}

bool lx_flow_accept_overdue(const lx_case *c, lx_ms now)
{
	return lx_flow_clock_runs(c->type, c->status, LX_CLOCK_ACCEPT) && c->accept_due_at &&
	       c->accept_due_at < now;
}

bool lx_flow_status_known(const char *status)
{
	lx_flow_init();
	return lx_store_state(status) != NULL;
}

const lx_schema *lx_flow_input_schema(const char *action)
{
	lx_flow_init();
	for (int a = 0; a < lx_nmachines; a++)
		for (size_t i = 0; i < lx_machines[a].ntrans; i++)
			if (strcmp(lx_machines[a].trans[i].d->action, action) == 0)
				return lx_machines[a].trans[i].input;
	return NULL;
}

void lx_flow_case_number(int tz_offset_min, const lx_case *c, char out[32])
{
	char day[40];
	lx_time_format(c->created_at, tz_offset_min, day, sizeof day);
	snprintf(out, 32, "%.4s%.2s%.2s%06lld", day, day + 5, day + 8, (long long)c->id);
}

bool lx_flow_case_number_id(const char *s, int64_t *id)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 14 || n > 26 || strspn(s, "0123456789") != n)
		return false;
	*id = strtoll(s + 8, NULL, 10);
	return *id > 0;
}

/* ---------------- deciding ---------------- */

/* May the actor fire row t (roles, and the handling unit when asked)? */
static bool lx_role_ok(const lx_flow_ctx *x, const lx_ctrans *t, const lx_case *c)
{
	if (x->who.system)
		return t->d->system;
	if (!(t->d->roles & x->who.roles))
		return false;
	if (t->d->covers && !(c->unit_path && lx_scope_contains(x->scope, c->unit_path)))
		return false;
	return !t->d->handles || (c->handler_unit_id && lx_scope_contains(x->scope, c->scope_path));
}

/* How row t stands for the actor on c in state si, in the order lx_decide
 * reports it: no role, not from this state, a guard failed (its error in
 * *gerr), or it fires. */
enum lx_row_verdict { LX_ROW_NO_ROLE, LX_ROW_NO_STATE, LX_ROW_GUARD, LX_ROW_FIRES };

static enum lx_row_verdict lx_row_check(lx_flow_ctx *x, const lx_ctrans *t, const lx_case *c, int si,
					const lx_flow_input *in, lx_flow_error *gerr)
{
	if (!lx_role_ok(x, t, c))
		return LX_ROW_NO_ROLE;
	if (!(t->from & (1u << si)) || (t->d->needs_handler && !c->handler_unit_id))
		return LX_ROW_NO_STATE;
	for (int k = 0; k < 4 && t->guards[k]; k++) {
		memset(gerr, 0, sizeof *gerr);
		if (t->guards[k](x, c, in, gerr) != LX_OK)
			return LX_ROW_GUARD;
	}
	return LX_ROW_FIRES;
}

/* The row that decides, and the state it enters; see lx_flow_decide. */
static int lx_decide(lx_flow_ctx *x, const lx_cmachine *m, const lx_case *c, const char *action,
		     const lx_flow_input *in, const lx_ctrans **out, int *to, lx_flow_error *err)
{
	static const lx_flow_input zero;
	bool known = false, any_role = false, guard_failed = false;
	lx_flow_error guard_err = {0}, e;
	int si = lx_flow_state_index(m, c->status);
	if (!in)
		in = &zero;
	if (si < 0)
		return lx_flow_fail(err, 409, "illegal_transition", NULL, "the case's status %s is unknown", c->status);
	for (size_t i = 0; i < m->ntrans; i++) {
		const lx_ctrans *t = &m->trans[i];
		if (strcmp(t->d->action, action) != 0)
			continue;
		known = true;
		enum lx_row_verdict v = lx_row_check(x, t, c, si, in, &e);
		any_role |= v != LX_ROW_NO_ROLE;
		if (v == LX_ROW_GUARD && !guard_failed) {
			guard_err = e; /* the first failed guard says why */
			guard_failed = true;
		}
		if (v != LX_ROW_FIRES)
			continue;
		*out = t;
		*to = t->to >= 0 ? t->to : si;
		if (t->outcome) {
			const char *name = t->outcome->fn(c, in);
			*to = name ? lx_flow_state_index(m, name) : si;
			assert(*to >= 0);
		}
		return LX_OK;
	}
	if (!known)
		/* e.g. rating a hazard: no role may do that to this kind of case */
		return lx_flow_fail(err, 403, "forbidden", NULL, "%s cases cannot be %s", c->type, action);
	if (!any_role)
		return lx_flow_fail(err, 403, "forbidden", NULL, "you may not %s this case", action);
	if (guard_failed) {
		*err = guard_err;
		return lx_flow_fail(err, guard_err.status, guard_err.code, guard_err.field, "%s", guard_err.message);
	}
	return lx_flow_fail(err, 409, "illegal_transition", NULL, "cannot %s a case that is %s", action, c->status);
}

int lx_flow_decide(lx_flow_ctx *x, const lx_case *c, const char *action, const lx_flow_input *in,
		   const char **to, lx_flow_error *err)
{
	const lx_cmachine *m = lx_flow_machine(c->type);
	const lx_ctrans *t;
	int ti;
	if (!m)
		return lx_flow_fail(err, 409, "illegal_transition", NULL, "unknown case type %s", c->type);
	int rc = lx_decide(x, m, c, action, in, &t, &ti, err);
	if (rc == LX_OK && to)
		*to = m->states[ti].d->name;
	return rc;
}

void lx_flow_allowed(lx_flow_ctx *x, const lx_case *c, void (*fn)(void *arg, const char *action), void *arg)
{
	/* one pass over the rows: an action is allowed when some row of it
	 * fires, which is what lx_decide finds (a read of a case asks this
	 * for every action, so it is kept to one look at each row) */
	static const lx_flow_input zero = {.probe = true};
	const lx_cmachine *m = lx_flow_machine(c->type);
	bool allowed[64] = {false};
	int si = m ? lx_flow_state_index(m, c->status) : -1;
	if (si < 0)
		return;
	for (size_t i = 0; i < m->ntrans; i++) {
		const lx_ctrans *t = &m->trans[i];
		lx_flow_error e;
		if (!allowed[t->action])
			allowed[t->action] = lx_row_check(x, t, c, si, &zero, &e) == LX_ROW_FIRES;
	}
	for (int a = 0; a < m->nactions; a++)
		if (allowed[a])
			fn(arg, m->actions[a]);
}

/* ---------------- applying ---------------- */

void lx_flow_start(lx_flow_ctx *x, lx_case *c, lx_event *ev)
{
	const lx_cmachine *m = lx_flow_machine(c->type);
	assert(m && "the caller checked the type");
	snprintf(c->status, sizeof c->status, "%s", m->states[m->initial].d->name);
	c->created_at = c->updated_at = x->now;
	memset(ev, 0, sizeof *ev);
	ev->at = x->now;
	ev->actor_id = x->who.user_id;
	ev->action = "create";
	ev->to = m->states[m->initial].d->name;
	ev->unit_id = c->unit_id;
}

/* Runs a list of effects. */
static int lx_run(lx_effect_fn *fns, int max, lx_flow_ctx *x, lx_case *c, const lx_flow_input *in,
		  lx_event *ev, lx_flow_error *err)
{
	for (int k = 0; k < max && fns[k]; k++) {
		int rc = fns[k](x, c, in, ev, err);
		if (rc != LX_OK) {
			if (!err->status)
				lx_flow_fail(err, 500, "internal", NULL, "the change failed");
			return rc;
		}
	}
	return LX_OK;
}

/* A clock that stops running past its deadline, unmet, was late: the mark
 * the sweeper would have set, so the statistics do not depend on when it
 * last passed. */
static void lx_mark_stopped_clocks(const lx_cmachine *m, int from, int to, lx_flow_ctx *x, lx_case *c)
{
	const lx_cstate *a = &m->states[from], *b = &m->states[to];
	if (a->clock[LX_CLOCK_ACCEPT] && !b->clock[LX_CLOCK_ACCEPT] && !c->accepted_at && c->dispatched_at &&
	    c->accept_due_at && c->accept_due_at < x->now)
		c->accept_overdue = true;
	if (a->clock[LX_CLOCK_RESOLVE] && !b->clock[LX_CLOCK_RESOLVE] && !c->resolved_at && c->resolve_due_at &&
	    c->resolve_due_at < x->now)
		c->overdue = true;
}

static int lx_step(lx_flow_ctx *x, lx_case *c, const char *action, const lx_flow_input *in, lx_event *ev,
		   lx_flow_error *err, const lx_ctrans **used)
{
	static const lx_flow_input zero;
	const lx_cmachine *m = lx_flow_machine(c->type);
	const lx_ctrans *t;
	int to;
	memset(ev, 0, sizeof *ev);
	memset(err, 0, sizeof *err);
	if (!m)
		return lx_flow_fail(err, 409, "illegal_transition", NULL, "unknown case type %s", c->type);
	int rc = lx_decide(x, m, c, action, in, &t, &to, err);
	if (rc != LX_OK)
		return rc;
	if (!in)
		in = &zero;
	int from = lx_flow_state_index(m, c->status);
	ev->case_id = c->id;
	ev->at = x->now;
	ev->actor_id = x->who.user_id;
	ev->action = t->d->action;
	ev->from = m->states[from].d->name;
	ev->to = m->states[to].d->name;
	ev->unit_id = c->handler_unit_id;
	x->ntasks = 0;
	rc = lx_run((lx_effect_fn *)t->effects, 6, x, c, in, ev, err);
	if (rc == LX_OK && to != from) {
		rc = lx_run((lx_effect_fn *)m->states[from].on_exit, 4, x, c, in, ev, err);
		snprintf(c->status, sizeof c->status, "%s", m->states[to].d->name);
		if (rc == LX_OK)
			rc = lx_run((lx_effect_fn *)m->states[to].on_enter, 4, x, c, in, ev, err);
	}
	if (rc != LX_OK) {
		lx_event_clear(ev);
		return rc;
	}
	lx_mark_stopped_clocks(m, from, to, x, c);
	if (!ev->note)
		ev->note = lx_xstrdup(in->reason ? in->reason : in->note);
	if (to != from) {
		/* why it is where it is now, for lists and the desk */
		free(c->status_note);
		c->status_note = lx_xstrdup(in->reason ? in->reason : in->note);
		c->status_by = x->who.user_id;
		c->status_unit_id = ev->unit_id;
	}
	if (in != &zero)
		ev->input = lx_schema_dump_values(t->input, in, x->tz_offset_min);
	/* who hears of it: the row's notices, then the entered state's */
	size_t nn = 0;
	for (int k = 0; k < 2 && t->d->notices[k]; k++)
		ev->notices[nn++] = t->d->notices[k];
	for (int k = 0; to != from && k < 2 && m->states[to].d->notices[k]; k++)
		ev->notices[nn++] = m->states[to].d->notices[k];
	c->updated_at = x->now;
	if (used)
		*used = t;
	return LX_OK;
}

int lx_flow_step(lx_flow_ctx *x, lx_case *c, const char *action, const lx_flow_input *in, lx_event *ev,
		 lx_flow_error *err)
{
	bool writing = x->writing;
	x->writing = false;
	int rc = lx_step(x, c, action, in, ev, err, NULL);
	x->writing = writing;
	return rc;
}

int lx_flow_apply(lx_flow_ctx *x, lx_case *c, const char *action, const lx_flow_input *in, lx_event *ev,
		  lx_flow_error *err)
{
	const lx_ctrans *t = NULL;
	lx_event own;
	if (!ev)
		ev = &own;
	if (x->depth >= LX_MAX_DEPTH)
		return lx_flow_fail(err, 500, "internal", NULL, "changes cascade too deep");
	bool writing = x->writing;
	x->writing = true;
	x->depth++;
	int64_t expected = c->version;
	int rc = lx_step(x, c, action, in, ev, err, &t);
	if (rc == LX_OK) {
		rc = lx_case_update(x->db, c, expected);
		if (rc == LX_CONFLICT)
			rc = lx_flow_fail(err, 409, "stale_version", "version", "the case changed meanwhile; reload it");
		else if (rc != LX_OK)
			rc = lx_flow_fail(err, rc == LX_BUSY ? 503 : 500, rc == LX_BUSY ? "unavailable" : "internal",
					  NULL, "the store failed");
	}
	if (rc == LX_OK && lx_case_event(x->db, ev) != LX_OK)
		rc = lx_flow_fail(err, 500, "internal", NULL, "the timeline could not be written");
	if (rc == LX_OK && lx_flow_notify(x, c, ev) != LX_OK)
		rc = lx_flow_fail(err, 500, "internal", NULL, "the notices could not be written");
	if (rc == LX_OK)
		rc = lx_run((lx_effect_fn *)t->after, 3, x, c, in, ev, err);
	x->depth--;
	x->writing = writing;
	if (ev == &own)
		lx_event_clear(&own);
	return rc;
}

int lx_flow_fire(lx_flow_ctx *x, int64_t id, const char *action, const lx_flow_input *in, lx_case *out,
		 lx_event *ev, lx_flow_error *err)
{
	lx_case c = {0};
	memset(err, 0, sizeof *err);
	int rc = lx_case_get(x->db, x->who.system ? "/" : x->scope, id, &c);
	if (rc == LX_NOTFOUND)
		return lx_flow_fail(err, 404, "not_found", NULL, "no such case");
	if (rc != LX_OK)
		return lx_flow_fail(err, rc == LX_BUSY ? 503 : 500, rc == LX_BUSY ? "unavailable" : "internal", NULL,
				    "the store failed");
	if (in && in->has_version && in->version != c.version) {
		rc = lx_flow_fail(err, 409, "stale_version", "version", "the case changed since version %lld (now %lld)",
				  (long long)in->version, (long long)c.version);
		lx_case_clear(&c);
		return rc;
	}
	rc = lx_flow_apply(x, &c, action, in, ev, err);
	if (rc == LX_OK && out)
		*out = c;
	else
		lx_case_clear(&c);
	return rc;
}

/* Fires a system action on another case (a cascade), keeping x's actor. */
int lx_flow_apply_system(lx_flow_ctx *x, int64_t id, const char *action, const lx_flow_input *in,
			 lx_flow_error *err)
{
	lx_flow_saved_actor s;
	lx_flow_as_system(x, &s, x->who.user_id);
	int rc = lx_flow_fire(x, id, action, in, NULL, NULL, err);
	lx_flow_as_before(x, &s);
	return rc;
}

struct lx_ids {
	int64_t *v;
	size_t n, cap;
};

static int lx_collect_unanswered(void *arg, const lx_case *c)
{
	struct lx_ids *ids = arg;
	if (c->reply) /* answered already (merged after the master's answer) */
		return 0;
	if (ids->n == ids->cap) {
		ids->cap = ids->cap ? 2 * ids->cap : 8;
		ids->v = lx_xrealloc(ids->v, ids->cap * sizeof *ids->v);
	}
	ids->v[ids->n++] = c->id;
	return 0;
}

int lx_flow_merged_unanswered(lx_flow_ctx *x, int64_t master, int64_t **ids, size_t *n)
{
	struct lx_ids acc = {0};
	int rc = lx_case_merged_each(x->db, master, lx_collect_unanswered, &acc);
	*ids = acc.v;
	*n = acc.n;
	return rc;
}

int lx_flow_create(lx_flow_ctx *x, lx_case *c, const char *terms, const lx_unit *duty, lx_flow_error *err)
{
	lx_event create, dispatch = {0};
	int rc = LX_OK;
	memset(err, 0, sizeof *err);
	lx_flow_start(x, c, &create);
	if (duty) {
		/* the duty list dispatches at once: a system step in memory, so the
		 * case is written once, already with its unit and clocks */
		lx_flow_saved_actor s;
		lx_flow_as_system(x, &s, x->who.user_id);
		lx_flow_ctx_put_unit(x, duty);
		lx_flow_input in = {.unit_id = duty->id};
		rc = lx_step(x, c, "dispatch", &in, &dispatch, err, NULL);
		lx_flow_as_before(x, &s);
		free(dispatch.input); /* the duty list's choice is in the note */
		dispatch.input = NULL;
	}
	if (rc == LX_OK && lx_case_insert(x->db, c, terms) != LX_OK)
		rc = lx_flow_fail(err, 500, "internal", NULL, "the case could not be written");
	create.case_id = dispatch.case_id = c->id;
	lx_event both[2] = {create, dispatch}; /* one statement for the two */
	if (rc == LX_OK && lx_case_events_insert(x->db, both, duty ? 2 : 1) != LX_OK)
		rc = lx_flow_fail(err, 500, "internal", NULL, "the timeline could not be written");
	for (int i = 0; rc == LX_OK && i < (duty ? 2 : 1); i++)
		if (lx_flow_notify(x, c, &both[i]) != LX_OK)
			rc = lx_flow_fail(err, 500, "internal", NULL, "the notices could not be written");
	lx_event_clear(&create);
	lx_event_clear(&dispatch);
	return rc;
}

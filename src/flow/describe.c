/*
 * describe.c - the machines as data for others: GET /api/v1/workflows (the
 * web builds its status lists, labels and forms from it) and the route
 * table's action rows.
 */
#include "flow_int.h"

#include <string.h>

static const char *const lx_groups[] = {"initial", "active", "inactive"};

static json_t *lx_roles_json(unsigned roles)
{
	json_t *a = json_array();
	for (int i = 0; lx_role_names[i]; i++)
		if (roles & (1u << i))
			json_array_append_new(a, json_string(lx_role_names[i]));
	return a;
}

static json_t *lx_names_json(const char *const *names, int max)
{
	json_t *a = json_array();
	for (int k = 0; k < max && names[k]; k++)
		json_array_append_new(a, json_string(names[k]));
	return a;
}

static json_t *lx_state_json(const lx_cstate *s)
{
	json_t *o = json_object();
	json_object_set_new(o, "name", json_string(s->d->name));
	json_object_set_new(o, "label", json_string(s->d->label));
	json_object_set_new(o, "group", json_string(lx_groups[s->d->group]));
	json_object_set_new(o, "open", json_boolean(s->d->open));
	json_object_set_new(o, "done", json_boolean(s->d->done));
	bool clock = false;
	for (int k = 0; k < LX_CLOCK__N; k++)
		clock |= s->clock[k];
	json_object_set_new(o, "clock", json_boolean(clock));
	return o;
}

static json_t *lx_transition_json(const lx_cmachine *m, const lx_ctrans *t)
{
	json_t *o = json_object(), *from = json_array();
	json_object_set_new(o, "action", json_string(t->d->action));
	for (int i = 0; i < m->nstates; i++)
		if (t->from & (1u << i))
			json_array_append_new(from, json_string(m->states[i].d->name));
	json_object_set_new(o, "from", from);
	/* null where the input decides (the outcome names the choices) or the
	 * case stays where it is ("stays") */
	bool named = t->to >= 0 && !t->outcome;
	json_object_set_new(o, "to", named ? json_string(m->states[t->to].d->name) : json_null());
	json_object_set_new(o, "stays", json_boolean(t->to < 0 && !t->outcome));
	if (t->outcome) {
		json_t *can = json_array();
		for (int k = 0; k < 4 && t->outcome->states[k]; k++)
			json_array_append_new(can, json_string(t->outcome->states[k]));
		json_object_set_new(o, "outcome", json_string(t->outcome->name));
		json_object_set_new(o, "outcomes", can);
	}
	json_object_set_new(o, "roles", lx_roles_json(t->d->roles));
	json_object_set_new(o, "system", json_boolean(t->d->system));
	json_object_set_new(o, "handles", json_boolean(t->d->handles));
	json_object_set_new(o, "covers", json_boolean(t->d->covers));
	json_object_set_new(o, "input", lx_schema_openapi(t->input));
	json_object_set_new(o, "guards", lx_names_json(t->d->guards, 4));
	json_object_set_new(o, "effects", lx_names_json(t->d->effects, 6));
	return o;
}

json_t *lx_flow_describe(void)
{
	json_t *all = json_array();
	for (const char *const *type = lx_flow_types(); *type; type++) {
		const lx_cmachine *m = lx_flow_machine(*type);
		json_t *o = json_object(), *states = json_array(), *trans = json_array(), *clocks = json_array();
		json_object_set_new(o, "type", json_string(m->d->type));
		json_object_set_new(o, "label", json_string(m->d->label));
		json_object_set_new(o, "initial", json_string(m->states[m->initial].d->name));
		for (int i = 0; i < m->nstates; i++)
			json_array_append_new(states, lx_state_json(&m->states[i]));
		for (size_t i = 0; i < m->ntrans; i++)
			json_array_append_new(trans, lx_transition_json(m, &m->trans[i]));
		for (int k = 0; k < LX_CLOCK__N; k++) {
			const lx_flow_clock *c = m->clocks[k];
			if (!c)
				continue;
			json_t *co = json_object();
			json_object_set_new(co, "name", json_string(c->name));
			json_object_set_new(co, "states", lx_names_json(c->runs_in, LX_FLOW_MAX_LIST));
			json_object_set_new(co, "overdue", json_string(c->overdue));
			json_array_append_new(clocks, co);
		}
		json_object_set_new(o, "states", states);
		json_object_set_new(o, "transitions", trans);
		json_object_set_new(o, "clocks", clocks);
		json_array_append_new(all, o);
	}
	return all;
}

void lx_flow_actions(void (*fn)(void *arg, const char *action, unsigned roles), void *arg)
{
	/* every action once, in the order the machines first name it */
	const char *seen[128];
	unsigned roles[128];
	size_t n = 0;
	for (const char *const *type = lx_flow_types(); *type; type++) {
		const lx_cmachine *m = lx_flow_machine(*type);
		for (size_t i = 0; i < m->ntrans; i++) {
			size_t k = 0;
			while (k < n && strcmp(seen[k], m->trans[i].d->action) != 0)
				k++;
			if (k == n && n < 128) {
				seen[n] = m->trans[i].d->action;
				roles[n++] = 0;
			}
			if (k < n)
				roles[k] |= m->trans[i].d->roles;
		}
	}
	for (size_t k = 0; k < n; k++)
		if (roles[k])
			fn(arg, seen[k], roles[k]);
}

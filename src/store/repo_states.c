/*
 * repo_states.c - the classes of the case statuses, as the engine declares
 * them (flow/machines.c), and the SQL lists built from them.
 *
 * The store never spells a status: "open", "done" and "the resolve clock
 * runs" are lists the engine handed over at start (lx_store_set_states),
 * turned once into SQL text such as ('new', 'dispatched'). Status names
 * come from the machines' declarations (letters and '_'), so they are
 * safe to write into SQL as literals.
 */
#include "repo.h"

#include <assert.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LX_MAX_CLASSES 64

static lx_state_class lx_classes[LX_MAX_CLASSES];
static size_t lx_nclasses;
static char *lx_lists[LX_STATES__N];
static const char *lx_names[LX_MAX_CLASSES + 1];

static bool lx_state_in(const lx_state_class *c, int which)
{
	switch (which) {
	case LX_STATES_OPEN:
		return c->open;
	case LX_STATES_DONE:
		return c->done;
	case LX_STATES_ACCEPT_CLOCK:
		return c->accept_clock;
	default:
		assert(which == LX_STATES_RESOLVE_CLOCK);
		return c->resolve_clock;
	}
}

void lx_store_set_states(const lx_state_class *s, size_t n)
{
	assert(n <= LX_MAX_CLASSES);
	for (size_t i = 0; i < n; i++) {
		for (const char *p = s[i].name; *p; p++)
			assert(islower((unsigned char)*p) || *p == '_');
		lx_classes[i] = s[i];
		lx_names[i] = s[i].name;
	}
	lx_names[n] = NULL;
	lx_nclasses = n;
	for (int w = 0; w < LX_STATES__N; w++) {
		lx_buf b;
		lx_buf_init(&b);
		lx_buf_putc(&b, '(');
		bool any = false;
		for (size_t i = 0; i < n; i++) {
			if (!lx_state_in(&lx_classes[i], w))
				continue;
			lx_buf_printf(&b, "%s'%s'", any ? ", " : "", lx_classes[i].name);
			any = true;
		}
		if (!any)
			lx_buf_puts(&b, "''");
		lx_buf_putc(&b, ')');
		free(lx_lists[w]);
		lx_lists[w] = lx_buf_steal(&b);
	}
}

const lx_state_class *lx_store_state(const char *status)
{
	assert(lx_nclasses > 0 && "lx_flow_init tells the store the statuses");
	for (size_t i = 0; status && i < lx_nclasses; i++)
		if (strcmp(lx_classes[i].name, status) == 0)
			return &lx_classes[i];
	return NULL;
}

const char *lx_store_states_sql(int which)
{
	assert(which >= 0 && which < LX_STATES__N);
	assert(lx_lists[which] && "lx_flow_init tells the store the statuses");
	return lx_lists[which];
}

const char *const *lx_store_statuses(void)
{
	assert(lx_nclasses > 0);
	return lx_names;
}

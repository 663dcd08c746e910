/*
 * notes.c - timeline entries that change nothing of the case (flow.h:
 * lx_flow_note). The timeline is the engine's: every line on it is written
 * here or by lx_flow_apply, so its hash chain (store/chain.c) and its
 * shape stay one thing.
 */
#include "flow_int.h"

#include <assert.h>
#include <string.h>

int lx_flow_note(lx_flow_ctx *x, const lx_case *c, const char *action, const char *note)
{
	assert(x && c && action);
	const lx_flow_state *s = lx_flow_state_of(c->type, c->status);
	if (!s)
		return LX_ERR;
	lx_event ev = {
		.case_id = c->id,
		.at = x->now,
		.actor_id = x->who.user_id,
		.action = action,
		.from = s->name,
		.to = s->name,
		.note = note ? lx_xstrdup(note) : NULL,
	};
	int rc = lx_case_event(x->db, &ev);
	lx_event_clear(&ev);
	return rc;
}

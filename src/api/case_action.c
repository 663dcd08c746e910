/*
 * case_action.c - every workflow action: POST /api/v1/cases/:id/<action>
 * (and an assisting unit's /tasks/:task/done). The route row names the
 * action and its input schema (routes.c, from the machines); the
 * dispatcher has checked the caller and the body; this fires the engine,
 * which decides, applies, writes with the version check and appends the
 * event (flow/: lx_flow_fire). The reply, after the commit, is the case
 * as written, with its timeline.
 */
#include "api.h"
#include "flow.h"

#include <stdlib.h>
#include <string.h>

static void lx_case_free(void *p)
{
	if (p) {
		lx_case_clear(p);
		free(p);
	}
}

int lx_api_case_action(lx_req *r)
{
	const char *action = lx_req_route(r)->data;
	lx_flow_input *in = r->in;
	lx_flow_error err = {0};
	int64_t id;
	if (!lx_req_id(r, 0, &id))
		return lx_reply_error(r, 404, "not_found", NULL, "no such case");
	if (r->nparams > 1 && !lx_req_id(r, 1, &in->task_id))
		return lx_reply_error(r, 404, "not_found", NULL, "no such task");
	lx_flow_actor who = {r->user.id, r->user.roles, r->user.scope, false};
	lx_flow_ctx *x = lx_flow_ctx_new(r->db, &who, lx_now_ms(), r->app->tz_offset_min);
	lx_case *c = lx_xcalloc(1, sizeof *c);
	int rc = lx_flow_fire(x, id, action, in, c, NULL, &err);
	lx_flow_ctx_free(x);
	if (rc != LX_OK) {
		free(c);
		return lx_reply_flow_error(r, &err, rc);
	}
	r->state = c;
	r->state_free = lx_case_free;
	return LX_OK;
}

int lx_api_case_action_reply(lx_req *r)
{
	/* the case as written, not read again: the caller may no longer see
	 * it (a unit that returned it) */
	return lx_api_reply_case(r, 200, r->state);
}

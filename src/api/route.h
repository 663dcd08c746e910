/*
 * route.h - the route table's row: what one endpoint is, declared once.
 *
 * The dispatcher (dispatch.c) reads the row and does everything a handler
 * should not: it authenticates, checks the roles, parses the body and
 * checks it against the schema into a struct (r->in), runs a write route
 * as a write job through the group-commit writer, and turns a handler's
 * bare status into the contract's error. Modelled on Redis's command table
 * (arity and flags checked once, before the command) and Kore's declared
 * validators.
 */
#ifndef LX_ROUTE_H
#define LX_ROUTE_H

#include "http.h"
#include "schema.h"
#include "flow.h"

enum {
	LX_RT_PUBLIC = 1 << 0,        /* no login (the handler may check keys itself) */
	LX_RT_WRITE = 1 << 1,         /* the handler runs as a write job, inside the writer's
				       * transaction; it is answered after the commit */
	LX_RT_BODY_OPTIONAL = 1 << 2, /* an empty body reads as {} */
	LX_RT_RAW = 1 << 3,           /* the handler reads r->body itself (CSV, forms) */
	LX_RT_ROLES_IN_SCOPE = 1 << 4,/* roles are checked by the handler once it found the
				       * object in the caller's scope: an id outside the
				       * scope stays 404 whatever the role (no existence leak) */
	LX_RT_PRE_AUTH = 1 << 5,      /* usable before a forced password change or a required
				       * second factor's enrolment (lx_auth_gate_or_reply) */
	LX_RT_RESIDENT = 1 << 7,      /* a resident's session, not a staff one (lx_resident_auth_or_reply):
				       * a staff token is 401 here, a resident's 401 everywhere else */
	LX_RT_UPLOAD = 1 << 6,        /* the body is a file, up to attachment_max_bytes rather
				       * than body_limit (lx_api_upload_route); with LX_RT_RAW */
};

typedef struct lx_route {
	const char *method;
	const char *path;             /* "/api/v1/cases/:id"; captures go to r->params */
	lx_handler fn;                /* the handler; for LX_RT_WRITE the write job */
	unsigned roles;               /* roles that may call it (LX_ROLE__ALL: anyone logged in) */
	const lx_schema *body;        /* the JSON body it takes, or NULL */
	unsigned flags;               /* LX_RT_* */
	lx_handler prepare;           /* write routes: reads before the job (own connection) */
	lx_handler done;              /* write routes: after the commit, shapes the reply */
	int (*fail)(lx_req *r, int rc);/* replies with a bare failure status in the route's own
				       * format (Open311); NULL: the contract's JSON error */
	const char *summary;          /* one line for docs/openapi.json */
	const char *tag;              /* its group in docs/openapi.json */
	const void *data;             /* the handler's own: an action's name */
} lx_route;

/* Whether method and path match a row flagged LX_RT_UPLOAD (the server
 * asks when the headers are in, to pick the body limit). */
bool lx_api_upload_route(const char *method, const char *path);

/* The route table: the declared rows, then one row per workflow action
 * (built from the machines at the first call). *n receives the count. */
const lx_route *lx_api_routes(size_t *n);
/* The row r was dispatched to (NULL before dispatch). */
static inline const lx_route *lx_req_route(const lx_req *r)
{
	return (const lx_route *)r->rt;
}

/* Matches url (a path, no query string) against a row's pattern; on a
 * match stores the captures in r->params (malloc'd, the request frees them)
 * and r->nparams. A capture is a non-empty path segment; ":code.:fmt"
 * splits a segment at its last '.'. Returns whether it matched. */
bool lx_route_match(const char *pattern, const char *url, lx_req *r);
/* Answers r: matches the table, then runs the row (see the file comment);
 * 404/405 when nothing matches (static files for GET). */
void lx_api_dispatch(lx_req *r);

/* Replies with a schema failure in the contract's form. Returns the
 * matching LX_ status. */
int lx_reply_schema_error(lx_req *r, const lx_schema_error *e);
/* Replies with the engine's (or an intake's) refusal in e. A failure that
 * was the store's (e->status 0) is not replied: returns rc (never LX_OK)
 * for the dispatcher to map (503 busy, else 500). */
int lx_reply_flow_error(lx_req *r, const lx_flow_error *e, int rc);

/* docs/openapi.json from the table: a new document the caller owns. */
json_t *lx_api_openapi(void);
/* The table itself (method, path, roles, public, write, body schema's
 * name, roles_in_scope), for tests/api/test_openapi.py and
 * test_scope_matrix.py: a new array the caller owns. */
json_t *lx_api_routes_json(void);

#endif

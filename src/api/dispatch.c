/*
 * dispatch.c - the one dispatcher: from a request to its route row, and
 * from the row to the handler (route.h). A handler that returns a bare
 * status without replying gets the contract's error for it here.
 */
#include "api.h"
#include "flow.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Matches url against pattern; on success stores captures in r (copied
 * only then: every row before the matching one is tried). */
static bool lx_match(const char *pattern, const char *url, lx_req *r)
{
	const char *p = pattern, *u = url, *cap[4];
	size_t caplen[4];
	int n = 0;
	while (*p && *u) {
		if (*p == ':') {
			/* A capture takes the rest of the path segment; one followed
			 * by '.' in the pattern (":code.:fmt") stops at the segment's
			 * last '.', so a format suffix can follow it. */
			while (*p && *p != '/' && *p != '.')
				p++;
			const char *start = u;
			while (*u && *u != '/')
				u++;
			if (*p == '.') {
				const char *dot = u;
				while (dot > start && dot[-1] != '.')
					dot--;
				if (dot == start)
					return false;
				u = dot - 1;
			}
			if (u == start || n == 4)
				return false;
			cap[n] = start;
			caplen[n++] = (size_t)(u - start);
			continue;
		}
		if (*p != *u)
			return false;
		p++;
		u++;
	}
	if (*p || *u)
		return false;
	if (!r)
		return true; /* only asked whether it matches */
	for (int i = 0; i < n; i++)
		r->params[i] = lx_xstrndup(cap[i], caplen[i]);
	r->nparams = n;
	return true;
}

bool lx_route_match(const char *pattern, const char *url, lx_req *r)
{
	return lx_match(pattern, url, r);
}

bool lx_api_upload_route(const char *method, const char *path)
{
	size_t n;
	const lx_route *routes = lx_api_routes(&n);
	/* the path without its query string (MHD hands the URL over without it,
	 * but a caller may not) */
	char buf[512];
	size_t len = strcspn(path, "?");
	if (len >= sizeof buf)
		return false;
	memcpy(buf, path, len);
	buf[len] = '\0';
	for (size_t i = 0; i < n; i++)
		if ((routes[i].flags & LX_RT_UPLOAD) && strcmp(routes[i].method, method) == 0 &&
		    lx_match(routes[i].path, buf, NULL))
			return true;
	return false;
}

static void lx_params_free(lx_req *r)
{
	for (int k = 0; k < r->nparams; k++) {
		free(r->params[k]);
		r->params[k] = NULL;
	}
	r->nparams = 0;
}

int lx_reply_schema_error(lx_req *r, const lx_schema_error *e)
{
	return lx_reply_error(r, e->status, e->code, e->field[0] ? e->field : NULL, "%s", e->message);
}

int lx_reply_flow_error(lx_req *r, const lx_flow_error *e, int rc)
{
	if (!e->status)
		return rc == LX_OK ? LX_ERR : rc;
	return lx_reply_error(r, e->status, e->code ? e->code : "invalid", e->field, "%s", e->message);
}

/* The contract's error for a handler's bare status (the store's own ones,
 * 404, 409, 503 and 500, as lx_reply_store_error words them). */
static void lx_reply_status(lx_req *r, int rc)
{
	switch (rc) {
	case LX_FORBIDDEN:
		lx_reply_error(r, 403, "forbidden", NULL, "not allowed for your role");
		break;
	case LX_INVALID:
		lx_reply_error(r, 422, "invalid", NULL, "invalid value");
		break;
	case LX_BADREQ:
		lx_reply_error(r, 400, "bad_request", NULL, "malformed request");
		break;
	default:
		lx_reply_store_error(r, rc);
	}
}

/* Authenticates and checks the row's roles. Replies on failure. */
static int lx_check_caller(lx_req *r, const lx_route *rt)
{
	if (rt->flags & LX_RT_PUBLIC)
		return LX_OK;
	if (rt->flags & LX_RT_RESIDENT)
		return lx_resident_auth_or_reply(r);
	int rc = lx_req_auth(r);
	if (rc != LX_OK)
		return rc;
	if (!(rt->flags & LX_RT_PRE_AUTH) && (rc = lx_auth_gate_or_reply(r)) != LX_OK)
		return rc;
	if ((r->user.roles & rt->roles) || (rt->flags & LX_RT_ROLES_IN_SCOPE))
		return LX_OK;
	char names[128];
	lx_roles_format(rt->roles, names, sizeof names);
	return lx_reply_error(r, 403, "forbidden", NULL, "this needs one of the roles %s", names);
}

/* Parses the body and checks it against the row's schema into r->in. */
static int lx_check_body(lx_req *r, const lx_route *rt)
{
	if (!rt->body)
		return LX_OK;
	int rc = lx_req_json(r, (rt->flags & LX_RT_BODY_OPTIONAL) != 0, &r->json);
	if (rc != LX_OK)
		return rc;
	assert(rt->body->size > 0);
	r->in = lx_xcalloc(1, rt->body->size);
	lx_schema_error e;
	rc = lx_schema_parse(rt->body, r->json, r->app->tz_offset_min, r->in, &e);
	if (rc != LX_OK)
		return lx_reply_schema_error(r, &e);
	return LX_OK;
}

struct lx_route_job {
	lx_req *r;
	const lx_route *rt;
	int fn_rc;
};

/* The write job: the handler on the writer's connection, in its savepoint. */
static int lx_route_job(lx_db *db, void *arg)
{
	struct lx_route_job *j = arg;
	lx_db *own = j->r->db;
	j->r->db = db;
	j->fn_rc = j->rt->fn(j->r);
	j->r->db = own;
	return j->fn_rc;
}

static int lx_run_write(lx_req *r, const lx_route *rt)
{
	int rc = rt->prepare ? rt->prepare(r) : LX_OK;
	assert(rc != LX_OK || !r->out);
	if (rc != LX_OK)
		return rc;
	struct lx_route_job j = {r, rt, LX_OK};
	rc = lx_pool_write(r->app->pool, lx_route_job, &j);
	/* rc != LX_OK with j.fn_rc == LX_OK: the handler was done but its
	 * commit failed, nothing happened; the dispatcher answers rc */
	if (rc == LX_OK && rt->done)
		rc = rt->done(r);
	return rc;
}

static int lx_run(lx_req *r, const lx_route *rt)
{
	int rc = lx_check_caller(r, rt);
	if (rc == LX_OK)
		rc = lx_check_body(r, rt);
	if (rc != LX_OK)
		return rc;
	if (rt->flags & LX_RT_WRITE)
		return lx_run_write(r, rt);
	return rt->fn(r);
}

void lx_api_dispatch(lx_req *r)
{
	size_t n;
	const lx_route *routes = lx_api_routes(&n);
	bool path_known = false;
	for (size_t i = 0; i < n; i++) {
		const lx_route *rt = &routes[i];
		if (!lx_match(rt->path, r->url, r))
			continue;
		if (strcmp(rt->method, r->method) != 0) {
			path_known = true;
			lx_params_free(r);
			continue;
		}
		r->route = rt->path;
		r->rt = rt;
		int rc = lx_run(r, rt);
		if (rc != LX_OK && !r->out) {
			if (rt->fail)
				rt->fail(r, rc);
			else
				lx_reply_status(r, rc);
		}
		return;
	}
	if (path_known) {
		lx_reply_error(r, 405, "method_not_allowed", NULL, "%s is not allowed here", r->method);
		return;
	}
	if (strcmp(r->method, "GET") == 0 && lx_api_static(r) == LX_OK)
		return;
	lx_reply_error(r, 404, "not_found", NULL, "no such path");
}

/*
 * router.c - the route table: method, pattern with :captures, handler.
 */
#include "router.h"
#include "api.h"

#include <stdlib.h>
#include <string.h>

struct lx_route_def {
	const char *method;
	const char *pattern;
	lx_handler fn;
};

static const struct lx_route_def lx_routes[] = {
	{"GET", "/healthz", lx_api_healthz},
	{"GET", "/metrics", lx_api_metrics},
	{"POST", "/api/v1/auth/login", lx_api_login},
	{"POST", "/api/v1/auth/logout", lx_api_logout},
	{"GET", "/api/v1/auth/me", lx_api_me},
	{"GET", "/api/v1/users", lx_api_users_list},
	{"POST", "/api/v1/users", lx_api_users_create},
	{"GET", "/api/v1/users/:id", lx_api_users_get},
	{"PATCH", "/api/v1/users/:id", lx_api_users_patch},
	{"GET", "/api/v1/units", lx_api_units_list},
	{"POST", "/api/v1/units", lx_api_units_create},
	{"POST", "/api/v1/units/import", lx_api_units_import},
	{"GET", "/api/v1/units/:id", lx_api_units_get},
	{"PATCH", "/api/v1/units/:id", lx_api_units_patch},
	{"GET", "/api/v1/locate", lx_api_locate},
	{"GET", "/api/v1/categories", lx_api_categories_list},
	{"POST", "/api/v1/categories", lx_api_categories_create},
	{"PATCH", "/api/v1/categories/:code", lx_api_categories_patch},
	{"GET", "/api/v1/cases", lx_api_cases_list},
	/* export */
	{"GET", "/api/v1/cases/export.xlsx", lx_api_cases_export_xlsx},
	{"GET", "/api/v1/cases/export.csv", lx_api_cases_export_csv},
	{"POST", "/api/v1/cases", lx_api_cases_create},
	{"GET", "/api/v1/cases/:id", lx_api_cases_get},
	{"POST", "/api/v1/cases/:id/tasks/:task/done", lx_api_cases_task_done},
	{"POST", "/api/v1/cases/:id/:action", lx_api_cases_action},
	{"GET", "/api/v1/stats/summary", lx_api_stats_summary},
	/* Open311 GeoReport v2 */
	{"GET", "/open311/v2/discovery.:fmt", lx_api_open311_discovery},
	{"GET", "/open311/v2/services.:fmt", lx_api_open311_services},
	{"GET", "/open311/v2/services/:code.:fmt", lx_api_open311_service},
	{"GET", "/open311/v2/requests.:fmt", lx_api_open311_requests},
	{"POST", "/open311/v2/requests.:fmt", lx_api_open311_create},
	{"GET", "/open311/v2/requests/:id.:fmt", lx_api_open311_request},
	{"GET", "/open311/v2/tokens/:token.:fmt", lx_api_open311_token},
	{"GET", "/open311/v2/servicerequestupdates.:fmt", lx_api_open311_updates},
	{"POST", "/open311/v2/servicerequestupdates.:fmt", lx_api_open311_update_post},
	/* api keys */
	{"GET", "/api/v1/api-keys", lx_api_apikeys_list},
	{"POST", "/api/v1/api-keys", lx_api_apikeys_create},
	{"DELETE", "/api/v1/api-keys/:id", lx_api_apikeys_revoke},
};

/* Matches url against pattern; on success stores captures in r. */
static bool lx_match(const char *pattern, const char *url, lx_req *r)
{
	const char *p = pattern, *u = url;
	int n = 0;
	char *caps[4] = {0};
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
					goto fail;
				u = dot - 1;
			}
			if (u == start || n == 4)
				goto fail;
			caps[n++] = lx_xstrndup(start, (size_t)(u - start));
			continue;
		}
		if (*p != *u)
			goto fail;
		p++;
		u++;
	}
	if (*p || *u)
		goto fail;
	for (int i = 0; i < n; i++)
		r->params[i] = caps[i];
	r->nparams = n;
	return true;
fail:
	for (int i = 0; i < n; i++)
		free(caps[i]);
	return false;
}

void lx_route(lx_req *r)
{
	bool path_known = false;
	for (size_t i = 0; i < sizeof lx_routes / sizeof lx_routes[0]; i++) {
		const struct lx_route_def *d = &lx_routes[i];
		if (!lx_match(d->pattern, r->url, r))
			continue;
		if (strcmp(d->method, r->method) != 0) {
			path_known = true;
			for (int k = 0; k < r->nparams; k++)
				free(r->params[k]);
			r->nparams = 0;
			continue;
		}
		r->route = d->pattern;
		d->fn(r);
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

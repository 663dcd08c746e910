/*
 * openapi.c - docs/openapi.json (OpenAPI 3.1) from the route table: every
 * path and method, who may call it (`x-roles`; `security` when a login is
 * needed), whether it is a write job, and its body's schema from the same
 * declaration the dispatcher checks. `lianxin openapi` prints it; the test
 * holds the committed file equal to it.
 */
#include "api.h"

#include <string.h>

/* "/api/v1/cases/:id" -> "/api/v1/cases/{id}", ":code.:fmt" -> "{code}.{fmt}" */
static char *lx_openapi_path(const char *path, json_t *params)
{
	lx_buf b;
	lx_buf_init(&b);
	for (const char *p = path; *p;) {
		if (*p != ':') {
			lx_buf_putc(&b, *p++);
			continue;
		}
		const char *start = ++p;
		while (*p && *p != '/' && *p != '.')
			p++;
		char *name = lx_xstrndup(start, (size_t)(p - start));
		lx_buf_printf(&b, "{%s}", name);
		json_t *param = json_object(), *schema = json_object();
		json_object_set_new(schema, "type", json_string("string"));
		json_object_set_new(param, "name", json_string(name));
		json_object_set_new(param, "in", json_string("path"));
		json_object_set_new(param, "required", json_true());
		json_object_set_new(param, "schema", schema);
		json_array_append_new(params, param);
		free(name);
	}
	return lx_buf_steal(&b);
}

static json_t *lx_roles_list(unsigned roles)
{
	json_t *a = json_array();
	for (int i = 0; lx_role_names[i]; i++)
		if (roles & (1u << i))
			json_array_append_new(a, json_string(lx_role_names[i]));
	if (roles & LX_ROLE_RESIDENT)
		json_array_append_new(a, json_string("resident"));
	return a;
}

static json_t *lx_ref(const char *name)
{
	json_t *o = json_object();
	char *ref = lx_xasprintf("#/components/schemas/%s", name);
	json_object_set_new(o, "$ref", json_string(ref));
	free(ref);
	return o;
}

static json_t *lx_responses(void)
{
	json_t *res = json_object(), *ok = json_object(), *err = json_object(), *content = json_object(),
	       *json = json_object();
	json_object_set_new(ok, "description", json_string("success (201 when something was created)"));
	json_object_set_new(res, "2XX", ok);
	json_object_set_new(json, "schema", lx_ref("Error"));
	json_object_set_new(content, "application/json", json);
	json_object_set_new(err, "description", json_string(
		"the contract's error: 400 malformed, 401 no login, 403 role or scope, 404 unknown (or outside "
		"the scope), 409 illegal transition or stale version, 413 too large, 422 invalid value"));
	json_object_set_new(err, "content", content);
	json_object_set_new(res, "4XX", err);
	return res;
}

static json_t *lx_operation(const lx_route *rt, json_t *params, json_t *schemas)
{
	json_t *op = json_object(), *tags = json_array();
	json_array_append_new(tags, json_string(rt->tag ? rt->tag : "other"));
	json_object_set_new(op, "summary", json_string(rt->summary ? rt->summary : rt->path));
	json_object_set_new(op, "tags", tags);
	if (json_array_size(params))
		json_object_set_new(op, "parameters", json_incref(params));
	bool public = (rt->flags & LX_RT_PUBLIC) != 0;
	json_t *security = json_array();
	if (!public) {
		json_t *bearer = json_object(), *cookie = json_object();
		json_object_set_new(bearer, "bearer", json_array());
		json_object_set_new(cookie, "cookie", json_array());
		json_array_append_new(security, bearer);
		json_array_append_new(security, cookie);
	}
	json_object_set_new(op, "security", security);
	json_object_set_new(op, "x-roles", lx_roles_list(public ? 0 : rt->roles));
	json_object_set_new(op, "x-write", json_boolean((rt->flags & LX_RT_WRITE) != 0));
	if (rt->flags & LX_RT_ROLES_IN_SCOPE)
		json_object_set_new(op, "x-roles-in-scope", json_true());
	if (rt->body) {
		json_t *body = json_object(), *content = json_object(), *json = json_object();
		if (!json_object_get(schemas, rt->body->name))
			json_object_set_new(schemas, rt->body->name, lx_schema_openapi(rt->body));
		json_object_set_new(json, "schema", lx_ref(rt->body->name));
		json_object_set_new(content, "application/json", json);
		json_object_set_new(body, "required", json_boolean(!(rt->flags & LX_RT_BODY_OPTIONAL)));
		json_object_set_new(body, "content", content);
		json_object_set_new(op, "requestBody", body);
	} else if (rt->flags & LX_RT_RAW) {
		json_object_set_new(op, "x-body", json_string("the handler reads the raw body (CSV, GeoJSON, form)"));
	}
	json_object_set_new(op, "responses", lx_responses());
	return op;
}

static json_t *lx_components(json_t *schemas)
{
	json_t *comp = json_object(), *sec = json_object(), *bearer = json_object(), *cookie = json_object();
	json_object_set_new(bearer, "type", json_string("http"));
	json_object_set_new(bearer, "scheme", json_string("bearer"));
	json_object_set_new(cookie, "type", json_string("apiKey"));
	json_object_set_new(cookie, "in", json_string("cookie"));
	json_object_set_new(cookie, "name", json_string("lx_session"));
	json_object_set_new(sec, "bearer", bearer);
	json_object_set_new(sec, "cookie", cookie);
	json_t *err = json_pack("{s:s,s:{s:{s:s,s:{s:{s:s},s:{s:s},s:{s:s}},s:[s,s]}},s:[s]}", "type", "object",
				"properties", "error", "type", "object", "properties", "code", "type", "string",
				"message", "type", "string", "field", "type", "string", "required", "code",
				"message", "required", "error");
	json_object_set_new(schemas, "Error", err);
	json_object_set_new(comp, "securitySchemes", sec);
	json_object_set_new(comp, "schemas", schemas);
	return comp;
}

json_t *lx_api_openapi(void)
{
	size_t n;
	const lx_route *routes = lx_api_routes(&n);
	json_t *doc = json_object(), *paths = json_object(), *schemas = json_object();
	json_object_set_new(doc, "openapi", json_string("3.1.0"));
	json_object_set_new(doc, "info", json_pack("{s:s,s:s,s:s}", "title", "lianxin 连心", "version", LX_VERSION,
						   "description", "Grid-based grassroots governance: requests, the grid, "
						   "the workflow engine, statistics. Generated from the route table "
						   "(build/lianxin openapi); shared/API.md is the contract."));
	for (size_t i = 0; i < n; i++) {
		json_t *params = json_array();
		char *path = lx_openapi_path(routes[i].path, params);
		json_t *item = json_object_get(paths, path);
		if (!item) {
			item = json_object();
			json_object_set_new(paths, path, item);
		}
		char method[8];
		size_t k = 0;
		for (; routes[i].method[k] && k < sizeof method - 1; k++)
			method[k] = (char)(routes[i].method[k] | 0x20);
		method[k] = '\0';
		json_object_set_new(item, method, lx_operation(&routes[i], params, schemas));
		json_decref(params);
		free(path);
	}
	json_object_set_new(doc, "paths", paths);
	json_object_set_new(doc, "components", lx_components(schemas));
	return doc;
}

json_t *lx_api_routes_json(void)
{
	size_t n;
	const lx_route *routes = lx_api_routes(&n);
	json_t *all = json_array();
	for (size_t i = 0; i < n; i++) {
		const lx_route *rt = &routes[i];
		bool public = (rt->flags & LX_RT_PUBLIC) != 0;
		json_t *o = json_object();
		json_object_set_new(o, "method", json_string(rt->method));
		json_object_set_new(o, "path", json_string(rt->path));
		json_object_set_new(o, "roles", lx_roles_list(public ? 0 : rt->roles));
		json_object_set_new(o, "public", json_boolean(public));
		json_object_set_new(o, "resident", json_boolean((rt->flags & LX_RT_RESIDENT) != 0));
		json_object_set_new(o, "write", json_boolean((rt->flags & LX_RT_WRITE) != 0));
		json_object_set_new(o, "body", rt->body ? json_string(rt->body->name) : json_null());
		/* the roles are checked once the object is found in scope (404 first) */
		json_object_set_new(o, "roles_in_scope", json_boolean((rt->flags & LX_RT_ROLES_IN_SCOPE) != 0));
		json_array_append_new(all, o);
	}
	return all;
}

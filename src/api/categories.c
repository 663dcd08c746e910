/*
 * categories.c - the two-level category list and its duty-list rules.
 */
#include "api.h"
#include "workflow.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int lx_api_categories_list(lx_req *r)
{
	int rc = lx_req_auth(r);
	if (rc != LX_OK)
		return rc;
	json_t *arr = lx_category_list(r->db);
	if (!arr)
		return lx_reply_store_error(r, LX_ERR);
	return lx_reply_json(r, 200, arr);
}

static bool lx_cat_code_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 16)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s))
			return false;
	return true;
}

/* Applies body fields to c; replies on error. */
static bool lx_category_from_body(lx_req *r, json_t *body, lx_category *c, bool creating)
{
	const char *name, *parent, *type;
	double h;
	bool present;
	if (!lx_in_str(r, body, "name", creating, 64, &name) ||
	    !lx_in_str(r, body, "parent_code", false, 16, &parent) ||
	    !lx_in_str(r, body, "case_type", false, 16, &type))
		return false;
	if (name) {
		free(c->name);
		c->name = lx_xstrdup(name);
	}
	if (parent) {
		lx_category p;
		if (c->code && strcmp(parent, c->code) == 0) {
			lx_reply_error(r, 422, "invalid", "parent_code", "a category cannot be its own parent");
			return false;
		}
		int rc = lx_category_get(r->db, parent, &p);
		if (rc == LX_NOTFOUND) {
			lx_reply_error(r, 422, "unknown_category", "parent_code", "no such parent category");
			return false;
		}
		if (rc != LX_OK) {
			lx_reply_store_error(r, rc);
			return false;
		}
		if (p.parent_code) {
			lx_category_clear(&p);
			lx_reply_error(r, 422, "invalid", "parent_code", "categories have two levels only");
			return false;
		}
		lx_category_clear(&p);
		free(c->parent_code);
		c->parent_code = lx_xstrdup(parent);
	}
	if (type) {
		if (lx_type_parse(type) < 0) {
			lx_reply_error(r, 422, "unknown_type", "case_type", "unknown case type");
			return false;
		}
		snprintf(c->case_type, sizeof c->case_type, "%s", type);
	} else if (creating) {
		snprintf(c->case_type, sizeof c->case_type, "request");
	}
	const char *hkeys[] = {"accept_hours", "resolve_hours"};
	double *hdst[] = {&c->accept_hours, &c->resolve_hours};
	for (int i = 0; i < 2; i++) {
		if (!lx_in_num(r, body, hkeys[i], &h, &present))
			return false;
		if (present && (h <= 0 || h > 87600)) {
			lx_reply_error(r, 422, "invalid", hkeys[i], "%s must be > 0 and at most 87600", hkeys[i]);
			return false;
		}
		if (present)
			*hdst[i] = h;
		else if (creating)
			*hdst[i] = i == 0 ? 2 : 168;
	}
	json_t *resp = json_object_get(body, "responsible");
	if (resp) {
		free(c->resp_kind);
		free(c->resp_value);
		c->resp_kind = c->resp_value = NULL;
		if (json_is_null(resp))
			return true;
		if (!json_is_object(resp) || json_object_size(resp) != 1) {
			lx_reply_error(r, 400, "bad_type", "responsible",
				       "responsible must be {\"unit_id\":N}, {\"unit_kind\":K} or {\"unit_name\":S}");
			return false;
		}
		json_t *v;
		if ((v = json_object_get(resp, "unit_id"))) {
			lx_unit u;
			if (!json_is_integer(v)) {
				lx_reply_error(r, 400, "bad_type", "responsible", "unit_id must be an integer");
				return false;
			}
			int rc = lx_unit_get(r->db, "/", json_integer_value(v), &u);
			if (rc != LX_OK) {
				lx_reply_error(r, 422, "unknown_unit", "responsible", "no such unit");
				return false;
			}
			lx_unit_clear(&u);
			c->resp_kind = lx_xstrdup("unit_id");
			c->resp_value = lx_xasprintf("%lld", (long long)json_integer_value(v));
		} else if ((v = json_object_get(resp, "unit_kind"))) {
			const char *k = json_string_value(v);
			if (!k || (strcmp(k, "district") && strcmp(k, "street") && strcmp(k, "community") &&
				   strcmp(k, "village") && strcmp(k, "grid") && strcmp(k, "microgrid"))) {
				lx_reply_error(r, 422, "unknown_kind", "responsible", "unit_kind must be a territorial kind");
				return false;
			}
			c->resp_kind = lx_xstrdup("unit_kind");
			c->resp_value = lx_xstrdup(k);
		} else if ((v = json_object_get(resp, "unit_name"))) {
			const char *k = json_string_value(v);
			if (!k || !*k || lx_utf8_len(k) > 64) {
				lx_reply_error(r, 422, "invalid", "responsible", "unit_name must be a non-empty name");
				return false;
			}
			c->resp_kind = lx_xstrdup("unit_name");
			c->resp_value = lx_xstrdup(k);
		} else {
			lx_reply_error(r, 400, "bad_type", "responsible",
				       "responsible must be {\"unit_id\":N}, {\"unit_kind\":K} or {\"unit_name\":S}");
			return false;
		}
	}
	return true;
}

static int lx_categories_put(lx_req *r, bool creating)
{
	json_t *body = NULL;
	lx_category c = {0};
	const char *code = NULL;
	int rc = lx_req_auth(r);
	if (rc != LX_OK)
		return rc;
	if (!lx_req_role(r, LX_ROLE_ADMIN))
		return lx_reply_error(r, 403, "forbidden", NULL, "only admins change categories");
	if (!creating) {
		rc = lx_category_get(r->db, r->params[0], &c);
		if (rc != LX_OK)
			return lx_reply_store_error(r, rc);
	}
	rc = lx_req_json(r, &body);
	if (rc != LX_OK)
		goto cleanup;
	rc = LX_BADREQ;
	if (creating) {
		if (!lx_in_str(r, body, "code", true, 16, &code))
			goto cleanup;
		if (!lx_cat_code_ok(code)) {
			rc = lx_reply_error(r, 422, "invalid", "code", "code: 1-16 letters or digits");
			goto cleanup;
		}
		c.code = lx_xstrdup(code);
	}
	if (!lx_category_from_body(r, body, &c, creating))
		goto cleanup;
	rc = lx_category_put(r->db, &c, !creating);
	if (rc == LX_CONFLICT) {
		rc = lx_reply_error(r, 409, "code_taken", "code", "a category with that code exists");
		goto cleanup;
	}
	if (rc != LX_OK) {
		rc = lx_reply_store_error(r, rc);
		goto cleanup;
	}
	rc = lx_reply_json(r, creating ? 201 : 200, lx_category_json(&c));
cleanup:
	lx_category_clear(&c);
	json_decref(body);
	return rc;
}

int lx_api_categories_create(lx_req *r)
{
	return lx_categories_put(r, true);
}

int lx_api_categories_patch(lx_req *r)
{
	return lx_categories_put(r, false);
}

json_t *lx_api_category_names(lx_db *db)
{
	json_t *list = lx_category_list(db), *names = json_object(), *c;
	size_t i;
	json_array_foreach(list, i, c) {
		const char *code = json_string_value(json_object_get(c, "code"));
		const char *name = json_string_value(json_object_get(c, "name"));
		if (code && name)
			json_object_set_new(names, code, json_string(name));
	}
	json_decref(list);
	return names;
}

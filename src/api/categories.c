/*
 * categories.c - the two-level category list and its duty-list rules.
 */
#include "api.h"
#include "flow.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int lx_api_categories_list(lx_req *r)
{
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

/* The body of POST and PATCH /api/v1/categories. */
struct lx_cat_in {
	const char *code, *name, *parent_code, *case_type;
	double accept_hours, resolve_hours;
	bool has_accept_hours, has_resolve_hours;
	int64_t accept_workdays, resolve_workdays, max_extensions;
	bool has_accept_workdays, has_resolve_workdays, has_max_extensions;
	bool verify, has_verify, suspend_approval, has_suspend_approval;
	bool photo_on_resolve, has_photo_on_resolve, on_spot, has_on_spot, anonymous_ok, has_anonymous_ok;
	json_t *responsible;
	bool has_responsible;
};

#define CI struct lx_cat_in
#define LX_CAT_FIELDS \
	LX_FIELD(CI, parent_code, LX_F_STR, .max = 16), \
	LX_FIELD(CI, case_type, LX_F_STR, .max = 16, .doc = "the case type its cases get (GET /api/v1/workflows)"), \
	LX_FIELD_HAS(CI, accept_hours, LX_F_NUM, .min = 0, .min_open = true, .max = 87600), \
	LX_FIELD_HAS(CI, resolve_hours, LX_F_NUM, .min = 0, .min_open = true, .max = 87600), \
	LX_FIELD_HAS(CI, accept_workdays, LX_F_INT, .nullable = true, .min = 1, .max = 250, \
		     .doc = "the accept clock in working days instead of hours (null: hours)"), \
	LX_FIELD_HAS(CI, resolve_workdays, LX_F_INT, .nullable = true, .min = 1, .max = 250, \
		     .doc = "the resolve clock in working days instead of hours (null: hours)"), \
	LX_FIELD_HAS(CI, verify, LX_F_BOOL, .doc = "resolved work is verified (核查) before it counts"), \
	LX_FIELD_HAS(CI, suspend_approval, LX_F_BOOL, .doc = "a handler's suspension waits for the desk"), \
	LX_FIELD_HAS(CI, max_extensions, LX_F_INT, .min = 0, .max = 10, .doc = "extensions a case may be granted"), \
	LX_FIELD_HAS(CI, photo_on_resolve, LX_F_BOOL, .doc = "resolve needs an after-photo (stage resolve)"), \
	LX_FIELD_HAS(CI, on_spot, LX_F_BOOL, \
		     .doc = "a grid worker may resolve on the spot what they reported in their own grid"), \
	LX_FIELD_HAS(CI, anonymous_ok, LX_F_BOOL, .doc = "may be filed anonymously (default true)"), \
	LX_FIELD_HAS(CI, responsible, LX_F_JSON, .nullable = true, \
		     .doc = "the duty list's rule: {unit_id}, {unit_kind} or {unit_name}; null: none")
static const lx_field lx_cat_create_fields[] = {
	LX_FIELD(CI, code, LX_F_STR, .required = true, .max = 16, .doc = "1-16 letters or digits"),
	LX_FIELD(CI, name, LX_F_STR, .required = true, .max = 64),
	LX_CAT_FIELDS,
	LX_FIELD_END,
};
static const lx_field lx_cat_patch_fields[] = {
	LX_FIELD(CI, name, LX_F_STR, .max = 64),
	LX_CAT_FIELDS,
	LX_FIELD_END,
};
const lx_schema lx_category_create_schema = {"category_create", lx_cat_create_fields, NULL, sizeof(CI)};
const lx_schema lx_category_patch_schema = {"category_patch", lx_cat_patch_fields, NULL, sizeof(CI)};

/* The parent must be a top-level category other than c; replies on error. */
static int lx_parent_or_reply(lx_req *r, const char *parent, lx_category *c)
{
	lx_category p;
	if (c->code && strcmp(parent, c->code) == 0)
		return lx_reply_error(r, 422, "invalid", "parent_code", "a category cannot be its own parent");
	int rc = lx_category_get(r->db, parent, &p);
	if (rc == LX_NOTFOUND)
		return lx_reply_error(r, 422, "unknown_category", "parent_code", "no such parent category");
	if (rc != LX_OK)
		return lx_reply_store_error(r, rc);
	bool nested = p.parent_code != NULL;
	lx_category_clear(&p);
	if (nested)
		return lx_reply_error(r, 422, "invalid", "parent_code", "categories have two levels only");
	free(c->parent_code);
	c->parent_code = lx_xstrdup(parent);
	return LX_OK;
}

/* The duty list's rule; replies on error. */
static int lx_responsible_or_reply(lx_req *r, json_t *resp, lx_category *c)
{
	static const char *const territorial[] = {"district", "street", "community", "village", "grid", "microgrid", NULL};
	free(c->resp_kind);
	free(c->resp_value);
	c->resp_kind = c->resp_value = NULL;
	if (!resp)
		return LX_OK;
	json_t *v;
	if (!json_is_object(resp) || json_object_size(resp) != 1)
		goto bad;
	if ((v = json_object_get(resp, "unit_id"))) {
		lx_unit u;
		if (!json_is_integer(v))
			return lx_reply_error(r, 400, "bad_type", "responsible", "unit_id must be an integer");
		if (lx_unit_get(r->db, "/", json_integer_value(v), &u) != LX_OK)
			return lx_reply_error(r, 422, "unknown_unit", "responsible", "no such unit");
		lx_unit_clear(&u);
		c->resp_kind = lx_xstrdup("unit_id");
		c->resp_value = lx_xasprintf("%lld", (long long)json_integer_value(v));
		return LX_OK;
	}
	if ((v = json_object_get(resp, "unit_kind"))) {
		const char *k = json_string_value(v);
		bool ok = false;
		for (int i = 0; k && territorial[i]; i++)
			ok |= strcmp(k, territorial[i]) == 0;
		if (!ok)
			return lx_reply_error(r, 422, "unknown_kind", "responsible", "unit_kind must be a territorial kind");
		c->resp_kind = lx_xstrdup("unit_kind");
		c->resp_value = lx_xstrdup(k);
		return LX_OK;
	}
	if ((v = json_object_get(resp, "unit_name"))) {
		const char *k = json_string_value(v);
		if (!k || !*k || lx_utf8_len(k) > 64)
			return lx_reply_error(r, 422, "invalid", "responsible", "unit_name must be a non-empty name");
		c->resp_kind = lx_xstrdup("unit_name");
		c->resp_value = lx_xstrdup(k);
		return LX_OK;
	}
bad:
	return lx_reply_error(r, 400, "bad_type", "responsible",
			      "responsible must be {\"unit_id\":N}, {\"unit_kind\":K} or {\"unit_name\":S}");
}

/* Applies the body to c; replies on error. */
static int lx_category_apply_or_reply(lx_req *r, const struct lx_cat_in *in, lx_category *c, bool creating)
{
	int rc = LX_OK;
	if (in->name) {
		free(c->name);
		c->name = lx_xstrdup(in->name);
	}
	if (in->parent_code && (rc = lx_parent_or_reply(r, in->parent_code, c)) != LX_OK)
		return rc;
	if (in->case_type && !lx_flow_type_known(in->case_type))
		return lx_reply_error(r, 422, "unknown_type", "case_type", "unknown case type");
	if (in->case_type || creating)
		snprintf(c->case_type, sizeof c->case_type, "%s", in->case_type ? in->case_type : "request");
	if (in->has_accept_hours || creating)
		c->accept_hours = in->has_accept_hours ? in->accept_hours : 2;
	if (in->has_resolve_hours || creating)
		c->resolve_hours = in->has_resolve_hours ? in->resolve_hours : 168;
	if (in->has_accept_workdays)
		c->accept_workdays = (int)in->accept_workdays; /* null: 0, hours */
	if (in->has_resolve_workdays)
		c->resolve_workdays = (int)in->resolve_workdays;
	if (in->has_verify)
		c->verify = in->verify;
	if (in->has_suspend_approval)
		c->suspend_approval = in->suspend_approval;
	if (in->has_photo_on_resolve)
		c->photo_on_resolve = in->photo_on_resolve;
	if (in->has_on_spot)
		c->on_spot = in->on_spot;
	if (in->has_anonymous_ok || creating)
		c->anonymous_ok = in->has_anonymous_ok ? in->anonymous_ok : true;
	if (in->has_max_extensions || creating)
		c->max_extensions = in->has_max_extensions ? (int)in->max_extensions : 1;
	if (in->has_responsible)
		rc = lx_responsible_or_reply(r, in->responsible, c);
	return rc;
}

/* POST and PATCH: the category checked, then written; replies either way. */
static int lx_categories_put(lx_req *r, bool creating)
{
	const struct lx_cat_in *in = r->in;
	lx_category c = {0};
	int rc;
	if (!creating) {
		rc = lx_category_get(r->db, r->params[0], &c);
		if (rc != LX_OK)
			return lx_reply_store_error(r, rc);
	} else {
		if (!lx_cat_code_ok(in->code))
			return lx_reply_error(r, 422, "invalid", "code", "code: 1-16 letters or digits");
		c.code = lx_xstrdup(in->code);
	}
	rc = lx_category_apply_or_reply(r, in, &c, creating);
	if (rc == LX_OK) {
		rc = lx_category_put(r->db, &c, !creating);
		if (rc == LX_CONFLICT)
			rc = lx_reply_error(r, 409, "code_taken", "code", "a category with that code exists");
		else if (rc != LX_OK)
			rc = lx_reply_store_error(r, rc);
		else
			rc = lx_reply_json(r, creating ? 201 : 200, lx_category_json(&c));
	}
	lx_category_clear(&c);
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

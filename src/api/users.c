/*
 * users.c - users: admins manage everyone; a dispatcher manages the users
 * of its own subtree and cannot grant admin.
 */
#include "api.h"
#include "secret.h"
#include "workflow.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static bool lx_users_may_manage(lx_req *r)
{
	if (lx_req_role(r, LX_ROLE_ADMIN | LX_ROLE_DISPATCHER))
		return true;
	lx_reply_error(r, 403, "forbidden", NULL, "only admins and dispatchers manage users");
	return false;
}

static bool lx_login_ok(const char *s)
{
	size_t n = strlen(s);
	if (n < 2 || n > 64)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '.' && *s != '-')
			return false;
	return true;
}

/* Reads roles (array of names) into *mask; replies on error. */
static bool lx_in_roles(lx_req *r, json_t *body, bool required, unsigned *mask, bool *present)
{
	json_t *v = json_object_get(body, "roles");
	*present = false;
	if (!v || json_is_null(v)) {
		if (required) {
			lx_reply_error(r, 422, "required", "roles", "roles is required");
			return false;
		}
		return true;
	}
	if (!json_is_array(v)) {
		lx_reply_error(r, 400, "bad_type", "roles", "roles must be an array of role names");
		return false;
	}
	unsigned m = 0;
	size_t i;
	json_t *e;
	json_array_foreach(v, i, e) {
		if (!json_is_string(e)) {
			lx_reply_error(r, 400, "bad_type", "roles", "roles must be an array of role names");
			return false;
		}
		unsigned bit = lx_role_parse(json_string_value(e));
		if (!bit) {
			lx_reply_error(r, 422, "unknown_role", "roles", "unknown role");
			return false;
		}
		m |= bit;
	}
	if (!m) {
		lx_reply_error(r, 422, "required", "roles", "at least one role is required");
		return false;
	}
	if ((m & LX_ROLE_ADMIN) && !lx_req_role(r, LX_ROLE_ADMIN)) {
		lx_reply_error(r, 403, "forbidden", "roles", "only an admin may grant admin");
		return false;
	}
	*mask = m;
	*present = true;
	return true;
}

/* Reads unit_id and checks it lies in the caller's scope. 0 means none
 * (admins only). Replies on error. */
static bool lx_in_user_unit(lx_req *r, json_t *body, bool required, int64_t *unit_id, bool *present)
{
	int64_t id = 0;
	if (!lx_in_int(r, body, "unit_id", false, &id, present))
		return false;
	if (!*present) {
		if (required && !lx_req_role(r, LX_ROLE_ADMIN)) {
			lx_reply_error(r, 422, "required", "unit_id", "unit_id is required");
			return false;
		}
		*unit_id = 0;
		return true;
	}
	lx_unit u;
	int rc = lx_unit_get(r->db, r->user.scope, id, &u);
	if (rc == LX_NOTFOUND) {
		lx_reply_error(r, 422, "unknown_unit", "unit_id", "no such unit in your scope");
		return false;
	}
	if (rc != LX_OK) {
		lx_reply_store_error(r, rc);
		return false;
	}
	lx_unit_clear(&u);
	*unit_id = id;
	return true;
}

static bool lx_in_password(lx_req *r, json_t *body, bool required, const char **pw)
{
	if (!lx_in_str(r, body, "password", required, 256, pw))
		return false;
	if (*pw && lx_utf8_len(*pw) < 8) {
		lx_reply_error(r, 422, "weak_password", "password", "a password needs at least 8 characters");
		return false;
	}
	return true;
}

static bool lx_in_phone(lx_req *r, json_t *body, const char **phone)
{
	if (!lx_in_str(r, body, "phone", false, 20, phone))
		return false;
	for (const char *p = *phone; p && *p; p++) {
		if (!isdigit((unsigned char)*p) && *p != '-' && *p != '+' && *p != ' ') {
			lx_reply_error(r, 422, "invalid", "phone", "phone may hold digits, +, - and spaces");
			return false;
		}
	}
	return true;
}

int lx_api_users_list(lx_req *r)
{
	int rc = lx_req_auth(r);
	if (rc != LX_OK)
		return rc;
	if (!lx_users_may_manage(r))
		return LX_FORBIDDEN;
	json_t *arr = lx_user_list(r->db, r->user.scope);
	if (!arr)
		return lx_reply_store_error(r, LX_ERR);
	json_t *j = json_object();
	json_object_set_new(j, "items", arr);
	return lx_reply_json(r, 200, j);
}

int lx_api_users_create(lx_req *r)
{
	json_t *body = NULL;
	const char *login, *name, *password, *phone;
	unsigned roles = 0;
	bool present;
	int64_t unit_id = 0;
	char *hash = NULL;
	lx_user u = {0};
	int rc = lx_req_auth(r);
	if (rc != LX_OK)
		return rc;
	if (!lx_users_may_manage(r))
		return LX_FORBIDDEN;
	rc = lx_req_json(r, &body);
	if (rc != LX_OK)
		goto cleanup;
	rc = LX_BADREQ;
	if (!lx_in_str(r, body, "login", true, 64, &login) || !lx_in_str(r, body, "name", true, 64, &name) ||
	    !lx_in_password(r, body, true, &password) || !lx_in_phone(r, body, &phone) ||
	    !lx_in_roles(r, body, true, &roles, &present) ||
	    !lx_in_user_unit(r, body, true, &unit_id, &present))
		goto cleanup;
	if (!lx_login_ok(login)) {
		rc = lx_reply_error(r, 422, "invalid", "login", "login: 2-64 letters, digits, _ . -");
		goto cleanup;
	}
	hash = lx_password_hash(password);
	if (!hash) {
		rc = lx_reply_error(r, 500, "internal", NULL, "cannot hash password");
		goto cleanup;
	}
	u.login = lx_xstrdup(login);
	u.name = lx_xstrdup(name);
	u.phone = lx_xstrdup(phone);
	u.roles = roles;
	u.unit_id = unit_id;
	u.active = true;
	rc = lx_user_insert(r->db, &u, hash);
	if (rc == LX_CONFLICT) {
		rc = lx_reply_error(r, 409, "login_taken", "login", "that login is taken");
		goto cleanup;
	}
	if (rc != LX_OK) {
		rc = lx_reply_store_error(r, rc);
		goto cleanup;
	}
	rc = lx_reply_json(r, 201, lx_user_json(&u));
cleanup:
	free(hash);
	lx_user_clear(&u);
	json_decref(body);
	return rc;
}

int lx_api_users_get(lx_req *r)
{
	int64_t id;
	lx_user u;
	int rc = lx_req_auth(r);
	if (rc != LX_OK)
		return rc;
	if (!lx_req_id(r, 0, &id))
		return lx_reply_error(r, 404, "not_found", NULL, "no such user");
	/* Everyone may read their own record; managers read their subtree. */
	if (id != r->user.id && !lx_users_may_manage(r))
		return LX_FORBIDDEN;
	rc = lx_user_get(r->db, r->user.scope, id, &u);
	if (rc != LX_OK)
		return lx_reply_store_error(r, rc);
	json_t *j = lx_user_json(&u);
	lx_user_clear(&u);
	return lx_reply_json(r, 200, j);
}

int lx_api_users_patch(lx_req *r)
{
	json_t *body = NULL;
	const char *name, *password, *phone;
	unsigned roles = 0;
	bool has_roles, has_unit, has_active, active = true;
	int64_t id, unit_id = 0;
	char *hash = NULL;
	lx_user u = {0};
	int rc = lx_req_auth(r);
	if (rc != LX_OK)
		return rc;
	if (!lx_users_may_manage(r))
		return LX_FORBIDDEN;
	if (!lx_req_id(r, 0, &id))
		return lx_reply_error(r, 404, "not_found", NULL, "no such user");
	rc = lx_user_get(r->db, r->user.scope, id, &u);
	if (rc != LX_OK)
		return lx_reply_store_error(r, rc);
	rc = lx_req_json(r, &body);
	if (rc != LX_OK)
		goto cleanup;
	rc = LX_BADREQ;
	if (json_object_get(body, "login")) {
		rc = lx_reply_error(r, 422, "immutable", "login", "login cannot be changed");
		goto cleanup;
	}
	if (!lx_in_str(r, body, "name", false, 64, &name) || !lx_in_password(r, body, false, &password) ||
	    !lx_in_phone(r, body, &phone) || !lx_in_roles(r, body, false, &roles, &has_roles) ||
	    !lx_in_user_unit(r, body, false, &unit_id, &has_unit) ||
	    !lx_in_bool(r, body, "active", &active, &has_active))
		goto cleanup;
	if ((u.roles & LX_ROLE_ADMIN) && !lx_req_role(r, LX_ROLE_ADMIN)) {
		rc = lx_reply_error(r, 403, "forbidden", NULL, "only an admin may change an admin");
		goto cleanup;
	}
	if (name) {
		free(u.name);
		u.name = lx_xstrdup(name);
	}
	if (phone) {
		free(u.phone);
		u.phone = lx_xstrdup(phone);
	}
	if (has_roles)
		u.roles = roles;
	if (has_unit)
		u.unit_id = unit_id;
	if (has_active)
		u.active = active;
	if (password && !(hash = lx_password_hash(password))) {
		rc = lx_reply_error(r, 500, "internal", NULL, "cannot hash password");
		goto cleanup;
	}
	rc = lx_user_update(r->db, &u, hash);
	if (rc != LX_OK) {
		rc = lx_reply_store_error(r, rc);
		goto cleanup;
	}
	rc = lx_reply_json(r, 200, lx_user_json(&u));
cleanup:
	free(hash);
	lx_user_clear(&u);
	json_decref(body);
	return rc;
}

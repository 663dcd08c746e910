/*
 * users.c - users: admins manage everyone; a dispatcher manages the users
 * of its own subtree and cannot grant admin.
 *
 * A change is checked and its password hashed before the write job
 * (lx_api_users_hash: argon2id is slow on purpose, never inside the
 * writer); the job only writes the row.
 */
#include "api.h"
#include "secret.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

struct lx_user_in {
	const char *login, *name, *password, *phone;
	json_t *roles;
	bool has_roles;
	int64_t unit_id;
	bool has_unit_id;
	bool active, has_active;
	json_t *login_given; /* PATCH: a login is refused (it cannot change) */
	bool has_login_given;
};

#define UI struct lx_user_in
static const lx_field lx_user_create_fields[] = {
	LX_FIELD(UI, login, LX_F_STR, .required = true, .max = 64, .doc = "2-64 letters, digits, _ . -"),
	LX_FIELD(UI, name, LX_F_STR, .required = true, .max = 64),
	LX_FIELD(UI, password, LX_F_STR, .required = true, .max = 256, .doc = "at least 8 characters"),
	LX_FIELD(UI, phone, LX_F_STR, .max = 20),
	LX_FIELD_HAS(UI, roles, LX_F_JSON, .required = true, .doc = "role names"),
	LX_FIELD_HAS(UI, unit_id, LX_F_INT, .doc = "the user's scope (required but for admins)"),
	LX_FIELD_END,
};
static const lx_field lx_user_patch_fields[] = {
	{.name = "login", .type = LX_F_JSON, .off = offsetof(UI, login_given), .tracked = true,
	 .has_off = offsetof(UI, has_login_given), .doc = "cannot change (422 immutable)"},
	LX_FIELD(UI, name, LX_F_STR, .max = 64),
	LX_FIELD(UI, password, LX_F_STR, .max = 256),
	LX_FIELD(UI, phone, LX_F_STR, .max = 20),
	LX_FIELD_HAS(UI, roles, LX_F_JSON),
	LX_FIELD_HAS(UI, unit_id, LX_F_INT),
	LX_FIELD_HAS(UI, active, LX_F_BOOL),
	LX_FIELD_END,
};
const lx_schema lx_user_create_schema = {"user_create", lx_user_create_fields, NULL, sizeof(UI)};
const lx_schema lx_user_patch_schema = {"user_patch", lx_user_patch_fields, NULL, sizeof(UI)};

/* The checked change: the row to write, its password hash, and what it
 * changes that ends the user's sessions (and goes to the audit log). */
struct lx_user_change {
	lx_user u;
	char *hash;
	unsigned old_roles;
	bool old_active;
	bool creating;
};

static void lx_user_change_free(void *p)
{
	struct lx_user_change *ch = p;
	if (ch) {
		lx_user_clear(&ch->u);
		free(ch->hash);
		free(ch);
	}
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

/* roles (an array of names) into *mask; replies on error. */
static int lx_roles_or_reply(lx_req *r, json_t *v, unsigned *mask)
{
	unsigned m = 0;
	size_t i;
	json_t *e;
	if (!json_is_array(v))
		return lx_reply_error(r, 400, "bad_type", "roles", "roles must be an array of role names");
	json_array_foreach(v, i, e) {
		if (!json_is_string(e))
			return lx_reply_error(r, 400, "bad_type", "roles", "roles must be an array of role names");
		unsigned bit = lx_role_parse(json_string_value(e));
		if (!bit)
			return lx_reply_error(r, 422, "unknown_role", "roles", "unknown role");
		m |= bit;
	}
	if (!m)
		return lx_reply_error(r, 422, "required", "roles", "at least one role is required");
	if ((m & LX_ROLE_ADMIN) && !lx_req_role(r, LX_ROLE_ADMIN))
		return lx_reply_error(r, 403, "forbidden", "roles", "only an admin may grant admin");
	*mask = m;
	return LX_OK;
}

/* A unit inside the caller's scope; replies on error. */
static int lx_user_unit_or_reply(lx_req *r, int64_t id)
{
	lx_unit u;
	int rc = lx_unit_get(r->db, r->user.scope, id, &u);
	if (rc == LX_NOTFOUND)
		return lx_reply_error(r, 422, "unknown_unit", "unit_id", "no such unit in your scope");
	if (rc != LX_OK)
		return lx_reply_store_error(r, rc);
	lx_unit_clear(&u);
	return LX_OK;
}

static int lx_password_or_reply(lx_req *r, const char *pw, const lx_user *target, char **hash)
{
	if (!pw)
		return LX_OK;
	int rc = lx_password_rules_or_reply(r, "password", pw, target->login, target->roles);
	if (rc != LX_OK)
		return rc;
	*hash = lx_password_hash(pw);
	if (!*hash)
		return lx_reply_error(r, 500, "internal", NULL, "cannot hash password");
	return LX_OK;
}

static int lx_phone_or_reply(lx_req *r, const char *phone)
{
	for (const char *p = phone; p && *p; p++)
		if (!isdigit((unsigned char)*p) && *p != '-' && *p != '+' && *p != ' ')
			return lx_reply_error(r, 422, "invalid", "phone", "phone may hold digits, +, - and spaces");
	return LX_OK;
}

/* Applies the body to ch->u (a new user, or the stored one); replies on error. */
static int lx_user_apply_or_reply(lx_req *r, const struct lx_user_in *in, struct lx_user_change *ch, bool creating)
{
	unsigned roles = 0;
	int rc = lx_phone_or_reply(r, in->phone);
	if (rc == LX_OK && in->has_roles)
		rc = lx_roles_or_reply(r, in->roles, &roles);
	if (rc == LX_OK && in->has_unit_id)
		rc = lx_user_unit_or_reply(r, in->unit_id);
	/* a user without a unit sees everything: only one who does may make one */
	if (rc == LX_OK && creating && !in->has_unit_id && strcmp(r->user.scope, "/") != 0)
		rc = lx_reply_error(r, 422, "required", "unit_id", "unit_id is required");
	if (rc == LX_OK) {
		lx_user target = ch->u;
		if (in->has_roles)
			target.roles = roles;
		rc = lx_password_or_reply(r, in->password, &target, &ch->hash);
	}
	if (rc != LX_OK)
		return rc;
	/* a password set for someone else is nobody's choice: they change it
	 * at their next login (their own, set here, is theirs) */
	if (ch->hash)
		ch->u.must_change_password = creating || ch->u.id != r->user.id;
	if (in->name) {
		free(ch->u.name);
		ch->u.name = lx_xstrdup(in->name);
	}
	if (in->phone) {
		free(ch->u.phone);
		ch->u.phone = lx_xstrdup(in->phone);
	}
	if (in->has_roles)
		ch->u.roles = roles;
	if (in->has_unit_id)
		ch->u.unit_id = in->unit_id;
	if (in->has_active)
		ch->u.active = in->active;
	return LX_OK;
}

int lx_api_users_hash(lx_req *r)
{
	const struct lx_user_in *in = r->in;
	bool creating = strcmp(r->method, "POST") == 0;
	struct lx_user_change *ch = lx_xcalloc(1, sizeof *ch);
	r->state = ch;
	r->state_free = lx_user_change_free;
	ch->creating = creating;
	if (creating) {
		if (!lx_login_ok(in->login))
			return lx_reply_error(r, 422, "invalid", "login", "login: 2-64 letters, digits, _ . -");
		ch->u.login = lx_xstrdup(in->login);
		ch->u.active = true;
		return lx_user_apply_or_reply(r, in, ch, true);
	}
	int64_t id;
	if (!lx_req_id(r, 0, &id))
		return lx_reply_error(r, 404, "not_found", NULL, "no such user");
	int rc = lx_user_get(r->db, r->user.scope, id, &ch->u);
	if (rc != LX_OK)
		return lx_reply_store_error(r, rc);
	if (in->has_login_given)
		return lx_reply_error(r, 422, "immutable", "login", "login cannot be changed");
	if ((ch->u.roles & LX_ROLE_ADMIN) && !lx_req_role(r, LX_ROLE_ADMIN))
		return lx_reply_error(r, 403, "forbidden", NULL, "only an admin may change an admin");
	ch->old_roles = ch->u.roles;
	ch->old_active = ch->u.active;
	return lx_user_apply_or_reply(r, in, ch, false);
}

int lx_api_users_list(lx_req *r)
{
	json_t *arr = lx_user_list(r->db, r->user.scope);
	if (!arr)
		return lx_reply_store_error(r, LX_ERR);
	json_t *j = json_object();
	json_object_set_new(j, "items", arr);
	return lx_reply_json(r, 200, j);
}

/* The audit rows of a change, and the end of the sessions it calls for: a
 * new password (all but the caller's own, when it is theirs), new roles
 * (a privilege change: a new login, a new token) or deactivation. */
static int lx_user_change_effects(lx_req *r, const struct lx_user_change *ch)
{
	lx_audit a[3];
	size_t n = 0;
	char target[32];
	snprintf(target, sizeof target, "user:%lld", (long long)ch->u.id);
	const lx_audit base = {.actor_id = r->user.id, .login = ch->u.login, .addr = r->addr, .target = target};
	bool end_sessions = false;
	if (ch->creating) {
		a[n] = base;
		a[n++].kind = "user_created";
	}
	if (ch->hash && !ch->creating) {
		a[n] = base;
		a[n].kind = "password_set";
		a[n++].detail = ch->u.must_change_password ? "by an admin: to be changed at the next login"
							   : "by the user";
		end_sessions = true;
	}
	if (!ch->creating && (ch->u.roles != ch->old_roles || ch->u.active != ch->old_active)) {
		a[n] = base;
		a[n++].kind = "roles_changed";
		end_sessions = true;
	}
	int rc = lx_audit_insert(r->db, a, n);
	if (rc == LX_OK && end_sessions)
		rc = lx_sessions_revoke_user(r->db, ch->u.id, ch->u.id == r->user.id ? r->token_hash : NULL,
					     lx_now_ms());
	return rc;
}

int lx_api_users_create(lx_req *r)
{
	struct lx_user_change *ch = r->state;
	int rc = lx_user_insert(r->db, &ch->u, ch->hash);
	if (rc == LX_CONFLICT)
		return lx_reply_error(r, 409, "login_taken", "login", "that login is taken");
	if (rc == LX_OK)
		rc = lx_user_change_effects(r, ch);
	if (rc != LX_OK)
		return lx_reply_store_error(r, rc);
	return lx_reply_json(r, 201, lx_user_json(&ch->u));
}

int lx_api_users_get(lx_req *r)
{
	int64_t id;
	lx_user u;
	if (!lx_req_id(r, 0, &id))
		return lx_reply_error(r, 404, "not_found", NULL, "no such user");
	/* Everyone may read their own record; managers read their subtree. */
	if (id != r->user.id && !lx_req_role(r, LX_ROLE_ADMIN | LX_ROLE_DISPATCHER))
		return lx_reply_error(r, 403, "forbidden", NULL, "only admins and dispatchers manage users");
	int rc = lx_user_get(r->db, r->user.scope, id, &u);
	if (rc != LX_OK)
		return lx_reply_store_error(r, rc);
	json_t *j = lx_user_json(&u);
	lx_user_clear(&u);
	return lx_reply_json(r, 200, j);
}

int lx_api_users_patch(lx_req *r)
{
	struct lx_user_change *ch = r->state;
	int rc = lx_user_update(r->db, &ch->u, ch->hash);
	if (rc == LX_OK)
		rc = lx_user_change_effects(r, ch);
	if (rc != LX_OK)
		return lx_reply_store_error(r, rc);
	return lx_reply_json(r, 200, lx_user_json(&ch->u));
}

/* ---- an admin's help: unlock a login, reset a lost second factor ---- */

/* The user of path capture 0 inside the caller's scope, into *u; replies
 * 404 otherwise. */
static int lx_scoped_user_or_reply(lx_req *r, lx_user *u)
{
	int64_t id;
	if (!lx_req_id(r, 0, &id))
		return lx_reply_error(r, 404, "not_found", NULL, "no such user");
	int rc = lx_user_get(r->db, r->user.scope, id, u);
	if (rc == LX_NOTFOUND)
		return lx_reply_error(r, 404, "not_found", NULL, "no such user");
	return rc == LX_OK ? LX_OK : lx_reply_store_error(r, rc);
}

/* An admin's act on the user of the path: fn (NULL: none) on that user,
 * then the audit row of kind; replies {"ok":true}. */
static int lx_users_admin_act(lx_req *r, const char *kind, const char *detail, int (*fn)(lx_req *r, const lx_user *u))
{
	lx_user u;
	int rc = lx_scoped_user_or_reply(r, &u);
	if (rc != LX_OK)
		return rc;
	char target[32];
	snprintf(target, sizeof target, "user:%lld", (long long)u.id);
	lx_audit a = {.kind = kind, .actor_id = r->user.id, .login = u.login, .addr = r->addr, .target = target,
		      .detail = detail};
	rc = fn ? fn(r, &u) : LX_OK;
	if (rc == LX_OK)
		rc = lx_audit_insert(r->db, &a, 1);
	lx_user_clear(&u);
	if (rc != LX_OK)
		return rc;
	json_t *j = json_object();
	json_object_set_new(j, "ok", json_true());
	return lx_reply_json(r, 200, j);
}

int lx_api_users_unlock(lx_req *r)
{
	/* the throttle counts a login's failures after its last unlock */
	return lx_users_admin_act(r, "unlock", "the login's failed attempts forgiven", NULL);
}

/* A lost phone: the second factor gone, and every session with it. */
static int lx_totp_reset(lx_req *r, const lx_user *u)
{
	int rc = lx_user_totp_clear(r->db, u->id);
	return rc == LX_OK ? lx_sessions_revoke_user(r->db, u->id, NULL, lx_now_ms()) : rc;
}

int lx_api_users_totp_reset(lx_req *r)
{
	return lx_users_admin_act(r, "totp_removed", "reset by an admin", lx_totp_reset);
}

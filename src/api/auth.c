/*
 * auth.c - login (the throttle, argon2id, the second factor, a new bearer
 * token), logout, me, and changing one's own password.
 *
 * The throttle reads the audit log (store/repo_audit.c), so it holds on
 * every node and across restarts: failures from one address, for one login
 * from one address, and for one login from anywhere. The first two refuse
 * for the rest of their window; the third only makes each next attempt
 * wait longer (1 s doubling to a minute), so a stranger who knows the
 * admin's login cannot lock the admin out. A success or an admin's unlock
 * starts a login's counts afresh. A login that does not exist costs the
 * same argon2id as one that does.
 *
 * Every login is a write job, failed ones too: the audit row is the
 * failure's record, committed before the 401 goes out.
 */
#include "api.h"
#include "secret.h"

#include <assert.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LX_FAIL_WINDOW_MS (15LL * 60 * 1000)
#define LX_MAX_FAILS_PER_ADDR 50
#define LX_MAX_FAILS_PER_PAIR 10
#define LX_FREE_FAILS_PER_LOGIN 10
#define LX_MAX_DELAY_MS (60LL * 1000)

/* The login body. */
struct lx_login_in {
	const char *login, *password, *totp;
};

static const lx_field lx_login_fields[] = {
	LX_FIELD(struct lx_login_in, login, LX_F_STR, .required = true, .max = 64),
	LX_FIELD(struct lx_login_in, password, LX_F_STR, .required = true, .max = 256),
	LX_FIELD(struct lx_login_in, totp, LX_F_STR, .max = 16, .doc = "the 6-digit code, once enrolled"),
	LX_FIELD_END,
};
const lx_schema lx_login_schema = {"login", lx_login_fields, NULL, sizeof(struct lx_login_in)};

enum lx_login_outcome {
	LX_LOGIN_OK,
	LX_LOGIN_BAD_PASSWORD,  /* wrong login or password */
	LX_LOGIN_TOTP_REQUIRED, /* the password was right, the code is missing */
	LX_LOGIN_TOTP_INVALID,  /* the password was right, the code is wrong or used */
};

/* What the login's phases hand on. */
struct lx_login_state {
	lx_user u;
	bool known;
	enum lx_login_outcome outcome;
	int64_t totp_step;      /* the code's step, to be marked used */
	bool locks;             /* this failure fills a throttle: say so in the audit */
	char token[65], hash[65];
};

static void lx_login_state_free(void *p)
{
	struct lx_login_state *s = p;
	if (s) {
		lx_user_clear(&s->u);
		free(s);
	}
}

/* The throttle: replies 429 (with Retry-After) and returns its status
 * when login may not try now from r's address. */
static int lx_throttle_or_reply(lx_req *r, const char *login, lx_ms now, bool *next_locks)
{
	lx_login_failures f;
	int rc = lx_audit_login_failures(r->db, login, r->addr, now - LX_FAIL_WINDOW_MS, &f);
	if (rc != LX_OK)
		return lx_reply_store_error(r, rc);
	long long wait_s = 0;
	if (f.by_addr >= LX_MAX_FAILS_PER_ADDR || f.by_pair >= LX_MAX_FAILS_PER_PAIR) {
		wait_s = LX_FAIL_WINDOW_MS / 1000;
	} else if (f.by_login >= LX_FREE_FAILS_PER_LOGIN) {
		int over = (int)(f.by_login - LX_FREE_FAILS_PER_LOGIN);
		lx_ms delay = over >= 6 ? LX_MAX_DELAY_MS : 1000LL << over;
		if (now - f.last_at < delay)
			wait_s = (delay - (now - f.last_at) + 999) / 1000;
	}
	if (wait_s) {
		lx_reply_header(r, "Retry-After", "%lld", wait_s);
		return lx_reply_error(r, 429, "too_many_attempts", NULL,
				      "too many failed logins; try again in %lld seconds", wait_s);
	}
	*next_locks = f.by_addr + 1 == LX_MAX_FAILS_PER_ADDR || f.by_pair + 1 == LX_MAX_FAILS_PER_PAIR;
	return LX_OK;
}

/* Whether the second factor lets s->u in; sets s->outcome. */
static int lx_login_totp(lx_req *r, struct lx_login_state *s, const char *code, lx_ms now)
{
	char *secret = NULL, *pending = NULL;
	int64_t step = 0;
	if (!s->u.totp_enabled)
		return LX_OK;
	if (!code || !*code) {
		s->outcome = LX_LOGIN_TOTP_REQUIRED;
		return LX_OK;
	}
	int rc = lx_user_totp(r->db, s->u.id, &secret, &pending, &step);
	if (rc != LX_OK) {
		free(secret);
		free(pending);
		return lx_reply_store_error(r, rc);
	}
	char *plain = lx_secret_unseal(secret);
	int64_t got = plain ? lx_totp_check(plain, code, now) : 0;
	if (!plain)
		fprintf(stderr, "auth: user %lld: the second factor does not open with the server key\n",
			(long long)s->u.id);
	/* a code is good once: its step must be later than the last used */
	if (!got || got <= step)
		s->outcome = LX_LOGIN_TOTP_INVALID;
	s->totp_step = got;
	if (plain)
		sodium_memzero(plain, strlen(plain));
	free(plain);
	free(secret);
	free(pending);
	return LX_OK;
}

/* Before the write job: the throttle, the password (argon2id, slow on
 * purpose: never inside the writer) and the second factor. */
int lx_api_login_check(lx_req *r)
{
	const struct lx_login_in *in = r->in;
	char *hash = NULL;
	struct lx_login_state *s = lx_xcalloc(1, sizeof *s);
	r->state = s;
	r->state_free = lx_login_state_free;
	lx_ms now = lx_now_ms();
	int rc = lx_throttle_or_reply(r, in->login, now, &s->locks);
	if (rc != LX_OK)
		return rc;
	rc = lx_user_by_login(r->db, in->login, &s->u, &hash);
	if (rc != LX_OK && rc != LX_NOTFOUND)
		return lx_reply_store_error(r, rc);
	s->known = rc == LX_OK;
	if (!s->known)
		lx_password_verify_dummy(in->password);
	if (!s->known || !lx_password_verify(hash, in->password) || !s->u.active)
		s->outcome = LX_LOGIN_BAD_PASSWORD;
	free(hash);
	if (s->outcome == LX_LOGIN_OK && (rc = lx_login_totp(r, s, in->totp, now)) != LX_OK)
		return rc;
	if (s->outcome == LX_LOGIN_OK) {
		lx_token_new(s->token);
		lx_token_hash(s->token, s->hash);
	}
	return LX_OK;
}

/* The write job: the session and its audit row, or the failure's. */
int lx_api_login(lx_req *r)
{
	const struct lx_login_in *in = r->in;
	struct lx_login_state *s = r->state;
	lx_ms now = lx_now_ms();
	int rc = LX_OK;
	if (s->outcome == LX_LOGIN_OK && s->totp_step) {
		rc = lx_user_totp_use(r->db, s->u.id, s->totp_step);
		if (rc == LX_CONFLICT) {
			s->outcome = LX_LOGIN_TOTP_INVALID;
			rc = LX_OK;
		}
	}
	if (rc != LX_OK)
		return rc;
	if (s->outcome == LX_LOGIN_TOTP_REQUIRED)
		return LX_OK; /* the password was right: nothing to record yet */
	if (s->outcome == LX_LOGIN_OK) {
		lx_audit a = {.kind = "login", .actor_id = s->u.id, .login = s->u.login, .addr = r->addr};
		rc = lx_session_insert_from(r->db, s->hash, s->u.id, now + r->app->session_ms, r->addr);
		return rc == LX_OK ? lx_audit_insert(r->db, &a, 1) : rc;
	}
	lx_audit a[2] = {
		{.kind = "login_failed", .actor_id = s->known ? s->u.id : 0, .login = in->login, .addr = r->addr,
		 .detail = s->outcome == LX_LOGIN_TOTP_INVALID ? "second factor" : "password"},
		{.kind = "login_locked", .login = in->login, .addr = r->addr,
		 .detail = "the failures of this login or address reached the throttle"},
	};
	return lx_audit_insert(r->db, a, s->locks ? 2 : 1);
}

/* Whether u must set a password of its own before anything else. */
static bool lx_password_stale(const lx_app *app, const lx_user *u, lx_ms now)
{
	return u->must_change_password ||
	       (app->password_max_age_ms && now - u->password_changed_at > app->password_max_age_ms);
}

/* Whether u's role needs a second factor u has not enrolled. */
static bool lx_totp_due(const lx_app *app, const lx_user *u)
{
	return (u->roles & app->totp_required_roles) && !u->totp_enabled;
}

int lx_api_login_reply(lx_req *r)
{
	struct lx_login_state *s = r->state;
	switch (s->outcome) {
	case LX_LOGIN_BAD_PASSWORD:
		return lx_reply_error(r, 401, "bad_credentials", NULL, "wrong login or password");
	case LX_LOGIN_TOTP_REQUIRED:
		return lx_reply_error(r, 401, "totp_required", "totp", "enter the 6-digit code of your authenticator");
	case LX_LOGIN_TOTP_INVALID:
		return lx_reply_error(r, 401, "totp_invalid", "totp", "the code is wrong or was used already");
	case LX_LOGIN_OK:
		break;
	}
	json_t *j = json_object();
	json_object_set_new(j, "token", json_string(s->token));
	json_object_set_new(j, "user", lx_user_json(&s->u));
	json_object_set_new(j, "password_change_required",
			    json_boolean(lx_password_stale(r->app, &s->u, lx_now_ms())));
	json_object_set_new(j, "totp_enrollment_required",
			    json_boolean(lx_totp_due(r->app, &s->u)));
	lx_reply_header(r, "Set-Cookie", "lx_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%lld%s",
			s->token, (long long)(r->app->session_ms / 1000), r->app->https ? "; Secure" : "");
	return lx_reply_json(r, 200, j);
}

/* Logout is a route for the logged-in: the dispatcher authenticated the
 * request's token and kept its hash (r->token_hash). */
int lx_api_logout(lx_req *r)
{
	assert(r->authed);
	lx_audit a = {.kind = "logout", .actor_id = r->user.id, .login = r->user.login, .addr = r->addr};
	int rc = lx_session_revoke(r->db, r->token_hash, lx_now_ms());
	return rc == LX_OK ? lx_audit_insert(r->db, &a, 1) : rc;
}

int lx_api_logout_reply(lx_req *r)
{
	/* after the revoke, so no request can cache it again */
	lx_session_forget(r->token_hash);
	lx_reply_header(r, "Set-Cookie", "lx_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s",
			r->app->https ? "; Secure" : "");
	json_t *j = json_object();
	json_object_set_new(j, "ok", json_true());
	return lx_reply_json(r, 200, j);
}

int lx_api_me(lx_req *r)
{
	json_t *j = lx_user_json(&r->user);
	json_object_set_new(j, "password_change_required",
			    json_boolean(lx_password_stale(r->app, &r->user, lx_now_ms())));
	json_object_set_new(j, "totp_enabled", json_boolean(r->user.totp_enabled));
	json_object_set_new(j, "totp_enrollment_required",
			    json_boolean(lx_totp_due(r->app, &r->user)));
	return lx_reply_json(r, 200, j);
}

int lx_auth_gate_or_reply(lx_req *r)
{
	if (lx_password_stale(r->app, &r->user, lx_now_ms()))
		return lx_reply_error(r, 403, "password_change_required", NULL,
				      "set a password of your own first (POST /api/v1/auth/password)");
	if (lx_totp_due(r->app, &r->user))
		return lx_reply_error(r, 403, "totp_enrollment_required", NULL,
				      "your role needs a second factor: enrol one first (POST /api/v1/auth/totp/enroll)");
	return LX_OK;
}

/* ---- one's own password ---- */

struct lx_password_in {
	const char *old, *new_;
};

static const lx_field lx_password_fields[] = {
	{.name = "old", .type = LX_F_STR, .off = offsetof(struct lx_password_in, old), .required = true,
	 .max = 256},
	{.name = "new", .type = LX_F_STR, .off = offsetof(struct lx_password_in, new_), .required = true,
	 .max = 256, .doc = "10+ characters for staff (8+ otherwise), not a dictionary word"},
	LX_FIELD_END,
};
const lx_schema lx_password_schema = {"password_change", lx_password_fields, NULL,
				      sizeof(struct lx_password_in)};

struct lx_password_state {
	char *hash;
	bool wrong_old;
};

static void lx_password_state_free(void *p)
{
	struct lx_password_state *s = p;
	if (s) {
		free(s->hash);
		free(s);
	}
}

size_t lx_password_min_chars(unsigned roles)
{
	return roles & LX_ROLE__STAFF ? 10 : 8;
}

int lx_password_rules_or_reply(lx_req *r, const char *field, const char *pw, const char *login,
			       unsigned roles)
{
	const char *why = lx_password_weakness(pw, login, lx_password_min_chars(roles));
	if (why)
		return lx_reply_error(r, 422, "weak_password", field, "%s", why);
	return LX_OK;
}

/* Before the job: the throttle (a stolen session must not guess the old
 * password freely), the old password, the rules, the new hash. */
int lx_api_password_check(lx_req *r)
{
	const struct lx_password_in *in = r->in;
	struct lx_password_state *s = lx_xcalloc(1, sizeof *s);
	r->state = s;
	r->state_free = lx_password_state_free;
	bool locks = false;
	char *stored = NULL;
	int rc = lx_throttle_or_reply(r, r->user.login, lx_now_ms(), &locks);
	if (rc != LX_OK)
		return rc;
	if ((rc = lx_user_password_hash(r->db, r->user.id, &stored)) != LX_OK)
		return lx_reply_store_error(r, rc);
	s->wrong_old = !lx_password_verify(stored, in->old);
	free(stored);
	if (s->wrong_old)
		return LX_OK; /* the job records the failure, the reply says so */
	if (strcmp(in->old, in->new_) == 0)
		return lx_reply_error(r, 422, "same_password", "new", "the new password must differ from the old");
	if ((rc = lx_password_rules_or_reply(r, "new", in->new_, r->user.login, r->user.roles)) != LX_OK)
		return rc;
	if (!(s->hash = lx_password_hash(in->new_)))
		return lx_reply_error(r, 500, "internal", NULL, "cannot hash password");
	return LX_OK;
}

/* The job: the new password, every other session of the user revoked. */
int lx_api_password(lx_req *r)
{
	struct lx_password_state *s = r->state;
	lx_ms now = lx_now_ms();
	if (s->wrong_old) {
		lx_audit a = {.kind = "login_failed", .actor_id = r->user.id, .login = r->user.login,
			      .addr = r->addr, .detail = "old password, changing it"};
		return lx_audit_insert(r->db, &a, 1);
	}
	lx_user u = r->user;
	u.must_change_password = false;
	lx_audit a = {.kind = "password_changed", .actor_id = r->user.id, .login = r->user.login,
		      .addr = r->addr, .target = NULL, .detail = "by the user"};
	int rc = lx_user_update(r->db, &u, s->hash);
	if (rc == LX_OK)
		rc = lx_sessions_revoke_user(r->db, r->user.id, r->token_hash, now);
	return rc == LX_OK ? lx_audit_insert(r->db, &a, 1) : rc;
}

int lx_api_password_reply(lx_req *r)
{
	struct lx_password_state *s = r->state;
	if (s->wrong_old)
		return lx_reply_error(r, 422, "wrong_password", "old", "the old password is wrong");
	/* this node's cached copy still says "must change" */
	lx_session_forget(r->token_hash);
	json_t *j = json_object();
	json_object_set_new(j, "ok", json_true());
	return lx_reply_json(r, 200, j);
}

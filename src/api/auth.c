/*
 * auth.c - login (argon2id check, new bearer token), logout (revoke), me.
 */
#include "api.h"
#include "secret.h"

#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LX_SESSION_MS (12LL * 3600 * 1000)

/* Login throttling: after LX_MAX_FAILS wrong passwords for one login within
 * LX_FAIL_WINDOW_MS, further attempts answer 429 until the window passes,
 * without checking the password. Kept in memory per node: a guard against
 * guessing, not an account lock. */
#define LX_MAX_FAILS 10
#define LX_FAIL_WINDOW_MS (15LL * 60 * 1000)
#define LX_FAIL_SLOTS 512

struct lx_fail_slot {
	char login[65];
	int fails;
	lx_ms since;
};

static struct lx_fail_slot lx_fails[LX_FAIL_SLOTS];
static pthread_mutex_t lx_fails_mu = PTHREAD_MUTEX_INITIALIZER;

static struct lx_fail_slot *lx_fail_slot(const char *login)
{
	uint32_t h = 2166136261u;
	for (const char *p = login; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return &lx_fails[h % LX_FAIL_SLOTS];
}

/* Returns true when login may try now. */
static bool lx_login_allowed(const char *login, lx_ms now)
{
	bool ok = true;
	pthread_mutex_lock(&lx_fails_mu);
	struct lx_fail_slot *s = lx_fail_slot(login);
	if (strcmp(s->login, login) == 0 && now - s->since < LX_FAIL_WINDOW_MS && s->fails >= LX_MAX_FAILS)
		ok = false;
	pthread_mutex_unlock(&lx_fails_mu);
	return ok;
}

/* Counts a failure (failed) or clears the record (success). */
static void lx_login_record(const char *login, bool failed, lx_ms now)
{
	pthread_mutex_lock(&lx_fails_mu);
	struct lx_fail_slot *s = lx_fail_slot(login);
	if (strcmp(s->login, login) != 0 || now - s->since >= LX_FAIL_WINDOW_MS) {
		snprintf(s->login, sizeof s->login, "%s", login);
		s->fails = 0;
		s->since = now;
	}
	if (failed)
		s->fails++;
	else
		s->fails = 0;
	pthread_mutex_unlock(&lx_fails_mu);
}

/* The login body. */
struct lx_login_in {
	const char *login, *password;
};

static const lx_field lx_login_fields[] = {
	LX_FIELD(struct lx_login_in, login, LX_F_STR, .required = true, .max = 64),
	LX_FIELD(struct lx_login_in, password, LX_F_STR, .required = true, .max = 256),
	LX_FIELD_END,
};
const lx_schema lx_login_schema = {"login", lx_login_fields, NULL, sizeof(struct lx_login_in)};

/* What the login's phases hand on: the user, and its new token. */
struct lx_login_state {
	lx_user u;
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

/* Before the write job: the throttle and the password (argon2id, slow on
 * purpose: never inside the writer). */
int lx_api_login_check(lx_req *r)
{
	const struct lx_login_in *in = r->in;
	char *hash = NULL;
	struct lx_login_state *s = lx_xcalloc(1, sizeof *s);
	r->state = s;
	r->state_free = lx_login_state_free;
	lx_ms now = lx_now_ms();
	if (!lx_login_allowed(in->login, now))
		return lx_reply_error(r, 429, "too_many_attempts", NULL,
				      "too many wrong passwords for this login; try again in 15 minutes");
	int rc = lx_user_by_login(r->db, in->login, &s->u, &hash);
	if (rc == LX_NOTFOUND || (rc == LX_OK && (!s->u.active || !lx_password_verify(hash, in->password)))) {
		free(hash);
		lx_login_record(in->login, true, now);
		return lx_reply_error(r, 401, "bad_credentials", NULL, "wrong login or password");
	}
	free(hash);
	if (rc != LX_OK)
		return lx_reply_store_error(r, rc);
	lx_login_record(in->login, false, now);
	lx_token_new(s->token);
	lx_token_hash(s->token, s->hash);
	return LX_OK;
}

/* The write job: the session. */
int lx_api_login(lx_req *r)
{
	struct lx_login_state *s = r->state;
	return lx_session_insert(r->db, s->hash, s->u.id, lx_now_ms() + LX_SESSION_MS);
}

int lx_api_login_reply(lx_req *r)
{
	struct lx_login_state *s = r->state;
	json_t *j = json_object();
	json_object_set_new(j, "token", json_string(s->token));
	json_object_set_new(j, "user", lx_user_json(&s->u));
	r->extra_header[0] = lx_xstrdup("Set-Cookie");
	r->extra_header[1] = lx_xasprintf("lx_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%lld",
					  s->token, LX_SESSION_MS / 1000);
	return lx_reply_json(r, 200, j);
}

/* Logout is a route for the logged-in: the dispatcher authenticated the
 * request's token and kept its hash (r->token_hash). */
int lx_api_logout(lx_req *r)
{
	assert(r->authed);
	return lx_session_revoke(r->db, r->token_hash, lx_now_ms());
}

int lx_api_logout_reply(lx_req *r)
{
	/* after the revoke, so no request can cache it again */
	lx_session_forget(r->token_hash);
	r->extra_header[0] = lx_xstrdup("Set-Cookie");
	r->extra_header[1] = lx_xstrdup("lx_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
	json_t *j = json_object();
	json_object_set_new(j, "ok", json_true());
	return lx_reply_json(r, 200, j);
}

int lx_api_me(lx_req *r)
{
	return lx_reply_json(r, 200, lx_user_json(&r->user));
}

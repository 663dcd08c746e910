/*
 * auth.c - login (argon2id check, new bearer token), logout (revoke), me.
 */
#include "api.h"
#include "secret.h"

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

/* Sessions are written through the store's writer like every write, so a
 * login never waits on the database lock behind a batch. */
struct lx_session_job {
	const char *hash;
	int64_t user_id;
	lx_ms at;
};

static int lx_session_insert_job(lx_db *db, void *arg)
{
	struct lx_session_job *j = arg;
	return lx_session_insert(db, j->hash, j->user_id, j->at);
}

static int lx_session_revoke_job(lx_db *db, void *arg)
{
	struct lx_session_job *j = arg;
	return lx_session_revoke(db, j->hash, j->at);
}

int lx_api_login(lx_req *r)
{
	json_t *body = NULL;
	const char *login, *password;
	char *hash = NULL;
	lx_user u = {0};
	int rc = lx_req_json(r, &body);
	if (rc != LX_OK)
		goto cleanup;
	if (!lx_in_str(r, body, "login", true, 64, &login) ||
	    !lx_in_str(r, body, "password", true, 256, &password)) {
		rc = LX_BADREQ;
		goto cleanup;
	}
	lx_ms now = lx_now_ms();
	if (!lx_login_allowed(login, now)) {
		rc = lx_reply_error(r, 429, "too_many_attempts", NULL,
				    "too many wrong passwords for this login; try again in 15 minutes");
		goto cleanup;
	}
	rc = lx_user_by_login(r->db, login, &u, &hash);
	if (rc == LX_NOTFOUND || (rc == LX_OK && (!u.active || !lx_password_verify(hash, password)))) {
		lx_login_record(login, true, now);
		rc = lx_reply_error(r, 401, "bad_credentials", NULL, "wrong login or password");
		goto cleanup;
	}
	if (rc != LX_OK) {
		rc = lx_reply_store_error(r, rc);
		goto cleanup;
	}
	lx_login_record(login, false, now);
	char token[65], th[65];
	lx_token_new(token);
	lx_token_hash(token, th);
	struct lx_session_job job = {th, u.id, lx_now_ms() + LX_SESSION_MS};
	rc = lx_pool_write(r->app->pool, lx_session_insert_job, &job);
	if (rc != LX_OK) {
		rc = lx_reply_store_error(r, rc);
		goto cleanup;
	}
	json_t *j = json_object();
	json_object_set_new(j, "token", json_string(token));
	json_object_set_new(j, "user", lx_user_json(&u));
	r->extra_header[0] = lx_xstrdup("Set-Cookie");
	r->extra_header[1] = lx_xasprintf("lx_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%lld",
					  token, LX_SESSION_MS / 1000);
	rc = lx_reply_json(r, 200, j);
cleanup:
	free(hash);
	lx_user_clear(&u);
	json_decref(body);
	return rc;
}

int lx_api_logout(lx_req *r)
{
	int rc = lx_req_auth(r);
	if (rc != LX_OK)
		return rc;
	const char *h = lx_req_header(r, MHD_HTTP_HEADER_AUTHORIZATION);
	const char *tok = h && strlen(h) > 7 ? h + 7 : MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "lx_session");
	char th[65];
	lx_token_hash(tok, th);
	struct lx_session_job job = {th, 0, lx_now_ms()};
	rc = lx_pool_write(r->app->pool, lx_session_revoke_job, &job);
	if (rc != LX_OK)
		return lx_reply_store_error(r, rc);
	/* after the revoke, so no request can cache it again */
	lx_session_forget(th);
	r->extra_header[0] = lx_xstrdup("Set-Cookie");
	r->extra_header[1] = lx_xstrdup("lx_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
	json_t *j = json_object();
	json_object_set_new(j, "ok", json_true());
	return lx_reply_json(r, 200, j);
}

int lx_api_me(lx_req *r)
{
	int rc = lx_req_auth(r);
	if (rc != LX_OK)
		return rc;
	return lx_reply_json(r, 200, lx_user_json(&r->user));
}

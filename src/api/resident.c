/*
 * resident.c - a resident proves a phone number and gets a session of their
 * own (P10): POST /api/v1/resident/code sends a 6-digit code by SMS (the
 * outbox), POST /api/v1/resident/login trades it for a token. A code lives 5
 * minutes and takes 5 tries, then the number is locked for 15 minutes; a
 * number gets at most 5 codes an hour and an address asks at most 20. Codes
 * are kept as keyed hashes, numbers as keyed hashes and sealed. The token
 * opens only the routes flagged LX_RT_RESIDENT (lx_resident_auth_or_reply).
 */
#include "api.h"
#include "notify.h"
#include "pii.h"
#include "repo_resident.h"
#include "secret.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LX_CODE_TTL_MS (5 * 60 * 1000)
#define LX_CODE_TRIES 5
#define LX_CODE_LOCK_MS (15 * 60 * 1000)
#define LX_CODES_PER_PHONE_HOUR 5
#define LX_CODES_PER_ADDR_HOUR 20
#define LX_RESIDENT_SESSION_MS (30LL * 24 * 3600 * 1000)

struct lx_phone_in {
	const char *phone, *code;
};
#define PI struct lx_phone_in
static const lx_field lx_code_fields[] = {
	LX_FIELD(PI, phone, LX_F_STR, .required = true, .max = 24, .doc = "a mainland mobile number"),
	LX_FIELD_END,
};
static const lx_field lx_login_fields[] = {
	LX_FIELD(PI, phone, LX_F_STR, .required = true, .max = 24),
	LX_FIELD(PI, code, LX_F_STR, .required = true, .max = 6, .doc = "the 6 digits of the text"),
	LX_FIELD_END,
};
#undef PI
const lx_schema lx_resident_code_schema = {"resident_code", lx_code_fields, NULL, sizeof(struct lx_phone_in)};
const lx_schema lx_resident_login_schema = {"resident_login", lx_login_fields, NULL, sizeof(struct lx_phone_in)};

/* The number as a mobile (digits only, into out[24]) and its keyed hash
 * (into key[33]), or a 422 naming the field. */
static int lx_mobile_or_reply(lx_req *r, const char *phone, char out[24], char key[33])
{
	const char *why = lx_phone_check(phone, out);
	if (why || out[0] != '1')
		return lx_reply_error(r, 422, "invalid", "phone", "a code is sent to a mainland mobile number");
	lx_pii_hash("phone", out, key);
	return LX_OK;
}

/* The stored form of a code for a number: a keyed hash of both, so a
 * stolen table holds no code and no number. */
static void lx_code_hash(const char *phone_key, const char *code, char out[33])
{
	char both[64];
	snprintf(both, sizeof both, "%s:%s", phone_key, code);
	lx_pii_hash("code", both, out);
	sodium_memzero(both, sizeof both);
}

/* 429 for a number locked for left_ms more, with Retry-After. */
static int lx_locked_reply(lx_req *r, const char *field, lx_ms left_ms)
{
	lx_reply_header(r, "Retry-After", "%lld", (long long)(left_ms / 1000 + 1));
	return lx_reply_error(r, 429, "locked", field, "too many wrong codes: try again in 15 minutes");
}

int lx_api_resident_code(lx_req *r)
{
	const struct lx_phone_in *in = r->in;
	char phone[24], key[33];
	int rc = lx_mobile_or_reply(r, in->phone, phone, key);
	if (rc != LX_OK)
		return rc;
	lx_ms now = lx_now_ms();
	int64_t to_phone = 0, from_addr = 0;
	lx_resident_code cur;
	rc = lx_resident_sends(r->db, key, r->addr, now - 3600 * 1000, &to_phone, &from_addr);
	if (rc != LX_OK)
		return lx_reply_store_error(r, rc);
	if (to_phone >= LX_CODES_PER_PHONE_HOUR || from_addr >= LX_CODES_PER_ADDR_HOUR) {
		lx_reply_header(r, "Retry-After", "%d", 3600);
		return lx_reply_error(r, 429, "too_many_codes", NULL, "too many codes asked for this hour; try later");
	}
	rc = lx_resident_code_get(r->db, key, &cur);
	if (rc == LX_OK && cur.locked_until > now)
		return lx_locked_reply(r, "phone", cur.locked_until - now);
	if (rc != LX_OK && rc != LX_NOTFOUND)
		return lx_reply_store_error(r, rc);
	char code[7], hash[33];
	snprintf(code, sizeof code, "%06u", (unsigned)randombytes_uniform(1000000));
	lx_code_hash(key, code, hash);
	rc = lx_resident_code_put(r->db, key, r->addr, hash, now + LX_CODE_TTL_MS, now);
	/* the text goes through the outbox, in this transaction */
	lx_notice n = {.event = "resident.code"};
	snprintf(n.stem, sizeof n.stem, "%s:%lld", key, (long long)now);
	lx_notice_var(&n, "code", code);
	lx_recipient to = {.phone = phone, .sms = true};
	if (rc == LX_OK)
		rc = lx_notify(r->db, &n, &to, 1, now);
	sodium_memzero(code, sizeof code);
	if (rc != LX_OK)
		return lx_reply_store_error(r, rc);
	return lx_reply_json(r, 200, json_pack("{s:b, s:i}", "sent", 1, "expires_in", LX_CODE_TTL_MS / 1000));
}

/* Checks the code (counting a wrong one: a write, so it is never undone);
 * LX_OK when it is the one in force, else replied. */
static int lx_code_ok_or_reply(lx_req *r, const char *key, const char *code, lx_ms now)
{
	lx_resident_code cur;
	int rc = lx_resident_code_get(r->db, key, &cur);
	if (rc != LX_OK && rc != LX_NOTFOUND)
		return lx_reply_store_error(r, rc);
	if (rc == LX_OK && cur.locked_until > now)
		return lx_locked_reply(r, "code", cur.locked_until - now);
	char hash[33];
	lx_code_hash(key, code, hash);
	bool live = rc == LX_OK && cur.code_hash[0] && cur.expires_at > now;
	if (live && sodium_memcmp(hash, cur.code_hash, 32) == 0 && strlen(cur.code_hash) == 32)
		return LX_OK;
	if (rc == LX_OK && (rc = lx_resident_code_wrong(r->db, key, LX_CODE_TRIES, now + LX_CODE_LOCK_MS)) != LX_OK)
		return lx_reply_store_error(r, rc);
	return lx_reply_error(r, 401, live ? "wrong_code" : "no_code", "code",
			      live ? "the code is not right" : "no code in force: ask for a new one");
}

/* The login's reply once its job committed (a wrong try is committed too,
 * so it counts): the token, or the failure it recorded. */
struct lx_resident_login {
	char token[65];
	char *phone_mask; /* set once the session is written */
};

static void lx_resident_login_free(void *p)
{
	struct lx_resident_login *s = p;
	sodium_memzero(s->token, sizeof s->token);
	free(s->phone_mask);
	free(s);
}

int lx_api_resident_login(lx_req *r)
{
	const struct lx_phone_in *in = r->in;
	char phone[24], key[33];
	int rc = lx_mobile_or_reply(r, in->phone, phone, key);
	if (rc != LX_OK)
		return rc;
	lx_ms now = lx_now_ms();
	if (strlen(in->code) != 6 || strspn(in->code, "0123456789") != 6)
		return lx_reply_error(r, 422, "invalid", "code", "the code is 6 digits");
	/* a wrong code replies, but its count must stay: LX_OK keeps the job */
	if (lx_code_ok_or_reply(r, key, in->code, now) != LX_OK)
		return LX_OK;
	struct lx_resident_login *s = lx_xcalloc(1, sizeof *s);
	r->state = s;
	r->state_free = lx_resident_login_free;
	char hash[65];
	lx_token_new(s->token);
	lx_token_hash(s->token, hash);
	rc = lx_resident_code_spend(r->db, key);
	if (rc == LX_OK)
		rc = lx_resident_session_put(r->db, hash, phone, now, now + LX_RESIDENT_SESSION_MS);
	if (rc != LX_OK)
		return lx_reply_store_error(r, rc);
	s->phone_mask = lx_mask_phone(phone);
	return LX_OK;
}

int lx_api_resident_login_reply(lx_req *r)
{
	const struct lx_resident_login *s = r->state;
	if (!s || !s->phone_mask)
		return LX_OK; /* replied in the job: a wrong, spent or locked code */
	return lx_reply_json(r, 200, json_pack("{s:s, s:s, s:s}", "token", s->token, "role", "resident", "phone",
					       s->phone_mask));
}

int lx_api_resident_logout(lx_req *r)
{
	int rc = lx_resident_session_revoke(r->db, r->token_hash, lx_now_ms());
	return rc == LX_OK ? lx_reply_json(r, 200, json_pack("{s:b}", "logged_out", 1)) : lx_reply_store_error(r, rc);
}

int lx_resident_auth_or_reply(lx_req *r)
{
	const char *h = lx_req_header(r, "Authorization");
	const char *tok = h && strncasecmp(h, "Bearer ", 7) == 0 ? h + 7 : NULL;
	if (!tok || strlen(tok) != 64)
		return lx_reply_error(r, 401, "unauthorized", NULL, "a resident's login is needed (a code by SMS)");
	char hash[65], *phone = NULL;
	lx_token_hash(tok, hash);
	memcpy(r->token_hash, hash, sizeof r->token_hash);
	int rc = lx_resident_session_get(r->db, hash, lx_now_ms(), &phone);
	if (rc == LX_NOTFOUND)
		return lx_reply_error(r, 401, "unauthorized", NULL, "invalid or expired token");
	if (rc != LX_OK)
		return lx_reply_store_error(r, rc);
	lx_user_clear(&r->user);
	r->user.login = lx_xstrdup("resident");
	r->user.name = lx_xstrdup("居民");
	r->user.phone = phone;
	r->user.roles = LX_ROLE_RESIDENT;
	/* no unit: a scope no unit's path begins with, so a scoped read finds nothing */
	r->user.scope = lx_xstrdup("-");
	r->user.active = true;
	r->authed = true;
	return LX_OK;
}

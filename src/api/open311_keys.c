/*
 * open311_keys.c - /api/v1/api-keys: the keys Open311 clients post with
 * (admin only). A key's secret is shown once, at creation; only its hash
 * is kept. Revoking keeps the row for the record.
 */
#include "open311.h"
#include "secret.h"

#include <stdio.h>
#include <string.h>

#define LX_APIKEY_RATE_DEFAULT 60

void lx_apikey_act_as(lx_req *r, const lx_apikey *k)
{
	lx_user_clear(&r->user);
	r->user.id = 0;
	r->user.login = lx_xasprintf("%s:%lld", k->kind, (long long)k->id);
	r->user.name = lx_xstrdup(k->name);
	r->user.phone = NULL;
	r->user.roles = LX_ROLE_DISPATCHER;
	/* its jurisdiction: what cannot be located goes to that unit's desk */
	r->user.unit_id = k->unit_id;
	r->user.scope = lx_xstrdup("/");
	r->user.active = true;
	char target[32];
	snprintf(target, sizeof target, "apikey:%lld", (long long)k->id);
	lx_trail_defer(r, "apikey_used", target, k->name);
}

bool lx_apikey_or_reply(lx_req *r, const char *kind, lx_apikey *key)
{
	const char *k = lx_req_header(r, "X-Api-Key");
	char hash[65];
	int retry;
	memset(key, 0, sizeof *key);
	if (!k || !*k) {
		lx_reply_error(r, 401, "api_key_required", NULL, "send the %s key in the X-Api-Key header", kind);
		return false;
	}
	if (strlen(k) > 128) {
		lx_reply_error(r, 403, "invalid_api_key", NULL, "invalid or revoked api key");
		return false;
	}
	lx_token_hash(k, hash);
	int rc = lx_apikey_by_hash(r->db, hash, key);
	if (rc != LX_OK) {
		if (rc == LX_NOTFOUND)
			lx_reply_error(r, 403, "invalid_api_key", NULL, "invalid or revoked api key");
		else
			lx_reply_store_error(r, rc);
		return false;
	}
	if (strcmp(key->kind, kind) != 0) {
		lx_reply_error(r, 403, "wrong_key_kind", NULL, "this is a %s key: these routes take a %s key",
			       key->kind, kind);
		lx_apikey_clear(key);
		return false;
	}
	if (!lx_apikey_rate_take(key->id, key->rate_limit, lx_now_ms(), &retry)) {
		lx_reply_header(r, "Retry-After", "%d", retry);
		lx_reply_error(r, 429, "rate_limited", NULL, "more than %d requests a minute with this key: retry in %d s",
			       key->rate_limit, retry);
		lx_apikey_clear(key);
		return false;
	}
	return true;
}
#define LX_APIKEY_RATE_MAX 100000

static json_t *lx_apikey_json(lx_req *r, const lx_apikey *k)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(k->id));
	json_object_set_new(o, "name", json_string(k->name));
	json_object_set_new(o, "rate_limit", json_integer(k->rate_limit));
	json_object_set_new(o, "kind", json_string(k->kind[0] ? k->kind : "open311"));
	json_object_set_new(o, "unit_id", k->unit_id ? json_integer(k->unit_id) : json_null());
	json_object_set_new(o, "created_at", lx_o311_time(r, k->created_at));
	json_object_set_new(o, "revoked_at", lx_o311_time(r, k->revoked_at));
	return o;
}

struct lx_apikey_list_ctx {
	lx_req *r;
	json_t *items;
};

static int lx_apikey_list_cb(void *arg, const lx_apikey *k)
{
	struct lx_apikey_list_ctx *ctx = arg;
	json_array_append_new(ctx->items, lx_apikey_json(ctx->r, k));
	return 0;
}

int lx_api_apikeys_list(lx_req *r)
{
	struct lx_apikey_list_ctx ctx = {.r = r};
	ctx.items = json_array();
	int rc = lx_apikey_list(r->db, lx_apikey_list_cb, &ctx);
	if (rc != LX_OK) {
		json_decref(ctx.items);
		return lx_reply_store_error(r, rc);
	}
	json_t *j = json_object();
	json_object_set_new(j, "items", ctx.items);
	return lx_reply_json(r, 200, j);
}

struct lx_apikey_in {
	const char *name;
	int64_t rate_limit;
	bool has_rate_limit;
	int kind; /* LX_F_ENUM: lx_apikey_kinds */
	bool has_kind;
	int64_t unit_id;
	bool has_unit_id;
};

/* What a key opens: Open311's routes, or the press-9 gateway's. */
static const char *const lx_apikey_kinds[] = {"open311", "telephony", NULL};

static const lx_field lx_apikey_fields[] = {
	LX_FIELD(struct lx_apikey_in, name, LX_F_STR, .required = true, .max = 100, .doc = "who the key is for"),
	LX_FIELD_HAS(struct lx_apikey_in, rate_limit, LX_F_INT, .min = 1, .max = LX_APIKEY_RATE_MAX,
		     .code = "out_of_range", .doc = "requests per minute"),
	LX_FIELD_HAS(struct lx_apikey_in, kind, LX_F_ENUM, .values = lx_apikey_kinds, .code = "unknown_kind",
		     .doc = "open311 (default) or telephony: each kind works only on its routes"),
	LX_FIELD_HAS(struct lx_apikey_in, unit_id, LX_F_INT, .min = 1, .max = 1LL << 53,
		     .doc = "its jurisdiction: what it files that cannot be located goes to this unit's desk"),
	LX_FIELD_END,
};
const lx_schema lx_apikey_schema = {"apikey", lx_apikey_fields, NULL, sizeof(struct lx_apikey_in)};

int lx_api_apikeys_create(lx_req *r)
{
	const struct lx_apikey_in *in = r->in;
	lx_apikey k = {0};
	char secret[65], hash[65];
	lx_token_new(secret);
	lx_token_hash(secret, hash);
	k.name = lx_xstrdup(in->name);
	k.rate_limit = in->has_rate_limit ? (int)in->rate_limit : LX_APIKEY_RATE_DEFAULT;
	snprintf(k.kind, sizeof k.kind, "%s", lx_apikey_kinds[in->has_kind ? in->kind : 0]);
	int rc = LX_OK;
	if (in->has_unit_id) {
		lx_unit u = {0};
		rc = lx_unit_get(r->db, r->user.scope, in->unit_id, &u);
		lx_unit_clear(&u);
		if (rc == LX_NOTFOUND) {
			lx_apikey_clear(&k);
			return lx_reply_error(r, 422, "unknown_unit", "unit_id", "no such unit in your scope");
		}
		k.unit_id = in->unit_id;
	}
	if (rc == LX_OK)
		rc = lx_apikey_insert(r->db, &k, hash, r->user.id);
	if (rc != LX_OK) {
		rc = lx_reply_store_error(r, rc);
	} else {
		json_t *j = lx_apikey_json(r, &k);
		/* shown this once: only its hash is kept */
		json_object_set_new(j, "api_key", json_string(secret));
		rc = lx_reply_json(r, 201, j);
	}
	memset(secret, 0, sizeof secret);
	lx_apikey_clear(&k);
	return rc;
}

int lx_api_apikeys_revoke(lx_req *r)
{
	int64_t id;
	lx_apikey k;
	if (!lx_req_id(r, 0, &id))
		return lx_reply_error(r, 404, "not_found", NULL, "no such API key");
	int rc = lx_apikey_revoke(r->db, id, lx_now_ms());
	if (rc == LX_OK)
		rc = lx_apikey_get(r->db, id, &k);
	if (rc == LX_NOTFOUND)
		return lx_reply_error(r, 404, "not_found", NULL, "no such API key");
	if (rc != LX_OK)
		return lx_reply_store_error(r, rc);
	rc = lx_reply_json(r, 200, lx_apikey_json(r, &k));
	lx_apikey_clear(&k);
	return rc;
}

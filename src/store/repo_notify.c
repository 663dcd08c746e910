/*
 * repo_notify.c - the inbox, the outbox and the templates (repo_notify.h).
 */
#include "pii.h"
#include "repo_notify.h"
#include "rules.h"

#include <assert.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------- inbox ---------------- */

static json_t *lx_inbox_row(lx_stmt *st, void *arg)
{
	(void)arg;
	json_t *o = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)lx_stmt_int(st, 0), "event", lx_stmt_text(st, 1),
			      "text", lx_stmt_text(st, 3));
	json_object_set_new(o, "case_id", lx_stmt_isnull(st, 2) ? json_null() : json_integer(lx_stmt_int(st, 2)));
	json_object_set_new(o, "created_at", json_integer(lx_stmt_int(st, 4)));
	json_object_set_new(o, "read_at", lx_stmt_isnull(st, 5) ? json_null() : json_integer(lx_stmt_int(st, 5)));
	return o;
}

json_t *lx_inbox_list(lx_db *db, int64_t user_id, bool unread_only, int64_t before, int limit)
{
	lx_stmt *st = lx_db_prepare(db, unread_only
		? "SELECT id, event, case_id, text, created_at, read_at FROM inbox "
		  "WHERE user_id = ? AND read_at IS NULL AND id < ? ORDER BY id DESC LIMIT ?"
		: "SELECT id, event, case_id, text, created_at, read_at FROM inbox "
		  "WHERE user_id = ? AND id < ? ORDER BY id DESC LIMIT ?");
	if (!st)
		return NULL;
	lx_stmt_bind_int(st, 1, user_id);
	lx_stmt_bind_int(st, 2, before > 0 ? before : INT64_MAX);
	lx_stmt_bind_int(st, 3, limit + 1);
	return lx_rows_json(st, lx_inbox_row, NULL);
}

int lx_inbox_unread(lx_db *db, int64_t user_id, int64_t *n)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT count(*) FROM inbox WHERE user_id = ? AND read_at IS NULL");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, user_id);
	return lx_stmt_one_int(st, n) == LX_OK ? LX_OK : LX_ERR;
}

int lx_inbox_newest(lx_db *db, int64_t user_id, int64_t *id)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT COALESCE(max(id), 0) FROM inbox WHERE user_id = ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, user_id);
	return lx_stmt_one_int(st, id) == LX_OK ? LX_OK : LX_ERR;
}

int lx_inbox_read(lx_db *db, int64_t user_id, int64_t id, lx_ms now)
{
	lx_stmt *st = lx_db_prepare(db, "UPDATE inbox SET read_at = COALESCE(read_at, ?) WHERE id = ? AND user_id = ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, now);
	lx_stmt_bind_int(st, 2, id);
	lx_stmt_bind_int(st, 3, user_id);
	return lx_change_one(db, st, LX_NOTFOUND);
}

int lx_inbox_read_all(lx_db *db, int64_t user_id, lx_ms now, int64_t *n)
{
	lx_stmt *st = lx_db_prepare(db, "UPDATE inbox SET read_at = ? WHERE user_id = ? AND read_at IS NULL");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, now);
	lx_stmt_bind_int(st, 2, user_id);
	if (lx_stmt_exec(st) != LX_OK)
		return LX_ERR;
	*n = lx_db_changes(db);
	return LX_OK;
}

/* The people of a unit, kept a few seconds per unit: every change of a
 * case that tells its handling unit reads them in the one writer. A
 * change of a user on this node (lx_users_changed, from repo_users.c)
 * drops them all; another node's shows within LX_UCACHE_MS. */
#define LX_UCACHE 256
#define LX_UCACHE_MS 10000
#define LX_UCACHE_PEOPLE 32

struct lx_uslot {
	int64_t unit_id;
	lx_ms until;
	uint64_t gen;
	int n;
	int64_t ids[LX_UCACHE_PEOPLE];
	unsigned roles[LX_UCACHE_PEOPLE];
};

static struct lx_uslot lx_ucache[LX_UCACHE];
static pthread_mutex_t lx_ucache_mu = PTHREAD_MUTEX_INITIALIZER;
static _Atomic uint64_t lx_users_gen = 1;

void lx_users_changed(void)
{
	atomic_fetch_add(&lx_users_gen, 1);
}

/* The people of unit_id from the cache into *out; false when not there. */
static bool lx_ucache_get(int64_t unit_id, lx_ms now, struct lx_uslot *out)
{
	pthread_mutex_lock(&lx_ucache_mu);
	const struct lx_uslot *s = &lx_ucache[(uint64_t)unit_id % LX_UCACHE];
	bool hit = s->unit_id == unit_id && s->until > now && s->gen == atomic_load(&lx_users_gen);
	if (hit)
		*out = *s;
	pthread_mutex_unlock(&lx_ucache_mu);
	return hit;
}

static void lx_ucache_put(const struct lx_uslot *v)
{
	pthread_mutex_lock(&lx_ucache_mu);
	lx_ucache[(uint64_t)v->unit_id % LX_UCACHE] = *v;
	pthread_mutex_unlock(&lx_ucache_mu);
}

int lx_users_of_unit(lx_db *db, int64_t unit_id, unsigned mask, void (*fn)(void *arg, int64_t user_id),
		     void *arg)
{
	struct lx_uslot v;
	lx_ms now = lx_now_ms();
	if (!lx_ucache_get(unit_id, now, &v)) {
		uint64_t gen = atomic_load(&lx_users_gen); /* before the read: a change meanwhile drops it */
		lx_stmt *st = lx_db_prepare(db, "SELECT id, roles FROM users WHERE unit_id = ? AND active = 1 ORDER BY id");
		if (!st)
			return LX_ERR;
		lx_stmt_bind_int(st, 1, unit_id);
		int rc;
		bool all = true;
		v = (struct lx_uslot){.unit_id = unit_id, .until = now + LX_UCACHE_MS, .gen = gen};
		while ((rc = lx_stmt_step(st)) == LX_ROW) {
			unsigned roles = 0;
			lx_roles_parse_list(lx_stmt_text(st, 1), &roles);
			if (v.n < LX_UCACHE_PEOPLE) {
				v.ids[v.n] = lx_stmt_int(st, 0);
				v.roles[v.n++] = roles;
			} else {
				all = false;
				if (roles & mask) /* a unit too big to keep: told from the rows */
					fn(arg, lx_stmt_int(st, 0));
			}
		}
		lx_stmt_done(st);
		if (rc != LX_DONE)
			return LX_ERR;
		if (all)
			lx_ucache_put(&v);
	}
	for (int i = 0; i < v.n; i++)
		if (v.roles[i] & mask)
			fn(arg, v.ids[i]);
	return LX_OK;
}

/* ---------------- inbox, many at once ---------------- */

/* One INSERT for up to four entries (the statement cache keeps each). */
static const char *const lx_inbox_insert_sql[] = {
	NULL,
	"INSERT INTO inbox(user_id, event, case_id, text, msg_key, created_at) VALUES (?, ?, ?, ?, ?, ?) "
	"ON CONFLICT DO NOTHING",
	"INSERT INTO inbox(user_id, event, case_id, text, msg_key, created_at) VALUES (?, ?, ?, ?, ?, ?), "
	"(?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
	"INSERT INTO inbox(user_id, event, case_id, text, msg_key, created_at) VALUES (?, ?, ?, ?, ?, ?), "
	"(?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
	"INSERT INTO inbox(user_id, event, case_id, text, msg_key, created_at) VALUES (?, ?, ?, ?, ?, ?), "
	"(?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
};

int lx_inbox_add_many(lx_db *db, const int64_t *users, const char *const *keys, size_t n, const char *event,
		      int64_t case_id, const char *text, lx_ms now)
{
	for (size_t at = 0; at < n;) {
		size_t k = n - at < 4 ? n - at : 4;
		lx_stmt *st = lx_db_prepare(db, lx_inbox_insert_sql[k]);
		if (!st)
			return LX_ERR;
		for (size_t i = 0; i < k; i++) {
			int b = (int)i * 6;
			assert(users[at + i] > 0);
			lx_stmt_bind_int(st, b + 1, users[at + i]);
			lx_stmt_bind_text(st, b + 2, event);
			lx_bind_id(st, b + 3, case_id);
			lx_stmt_bind_text(st, b + 4, text);
			lx_stmt_bind_text(st, b + 5, keys[at + i]);
			lx_stmt_bind_int(st, b + 6, now);
		}
		if (lx_stmt_exec(st) != LX_OK)
			return LX_ERR;
		at += k;
	}
	return LX_OK;
}

/* ---------------- outbox ---------------- */

void lx_outmsg_clear(lx_outmsg *m)
{
	free(m->key);
	free(m->event);
	lx_pii_free(m->to);
	free(m->to_mask);
	free(m->body);
	memset(m, 0, sizeof *m);
}

int lx_outbox_add(lx_db *db, const char *key, const char *channel, const char *event, int64_t case_id,
		  const char *to, const char *to_mask, const char *body, lx_ms now)
{
	assert(key && channel && event && body);
	char *sealed = to ? lx_pii_seal(to) : NULL;
	if (to && !sealed)
		return LX_ERR; /* no data key: a number is never stored in the clear */
	lx_stmt *st = lx_db_prepare(db, "INSERT INTO outbox(msg_key, channel, event, case_id, to_sealed, to_mask, "
					"body, next_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
					"ON CONFLICT DO NOTHING");
	int rc = LX_ERR;
	if (!st)
		goto done;
	lx_stmt_bind_text(st, 1, key);
	lx_stmt_bind_text(st, 2, channel);
	lx_stmt_bind_text(st, 3, event);
	lx_bind_id(st, 4, case_id);
	lx_stmt_bind_text(st, 5, sealed);
	lx_stmt_bind_text(st, 6, to_mask);
	lx_stmt_bind_text(st, 7, body);
	lx_stmt_bind_int(st, 8, now);
	lx_stmt_bind_int(st, 9, now);
	rc = lx_stmt_exec(st);
done:
	free(sealed);
	return rc;
}

int lx_outbox_lease(lx_db *db, const char *owner, lx_ms now, lx_ms lease_until, int max, lx_outmsg *out,
		    int *n)
{
	/* SQLite has one writer (this runs in its transaction); PostgreSQL's
	 * nodes skip the rows another node has locked in the same moment */
	bool pg = strcmp(lx_db_kind(db), "postgresql") == 0;
	lx_stmt *st = lx_db_prepare(db, pg
		? "UPDATE outbox SET lease_until = ?, lease_owner = ?, attempts = attempts + 1 WHERE id IN ("
		  "SELECT id FROM outbox WHERE pending = 1 AND next_at <= ? AND (lease_until IS NULL OR lease_until < ?) "
		  "ORDER BY next_at, id LIMIT ? FOR UPDATE SKIP LOCKED) "
		  "RETURNING id, msg_key, channel, event, case_id, to_sealed, to_mask, body, attempts, created_at"
		: "UPDATE outbox SET lease_until = ?, lease_owner = ?, attempts = attempts + 1 WHERE id IN ("
		  "SELECT id FROM outbox WHERE pending = 1 AND next_at <= ? AND (lease_until IS NULL OR lease_until < ?) "
		  "ORDER BY next_at, id LIMIT ?) "
		  "RETURNING id, msg_key, channel, event, case_id, to_sealed, to_mask, body, attempts, created_at");
	*n = 0;
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, lease_until);
	lx_stmt_bind_text(st, 2, owner);
	lx_stmt_bind_int(st, 3, now);
	lx_stmt_bind_int(st, 4, now);
	lx_stmt_bind_int(st, 5, max);
	int rc;
	while ((rc = lx_stmt_step(st)) == LX_ROW && *n < max) {
		lx_outmsg *m = &out[(*n)++];
		memset(m, 0, sizeof *m);
		m->id = lx_stmt_int(st, 0);
		m->key = lx_stmt_dup(st, 1);
		snprintf(m->channel, sizeof m->channel, "%s", lx_stmt_text(st, 2));
		m->event = lx_stmt_dup(st, 3);
		m->case_id = lx_stmt_int(st, 4);
		m->to = lx_pii_open(lx_stmt_text(st, 5));
		m->to_mask = lx_stmt_dup(st, 6);
		m->body = lx_stmt_dup(st, 7);
		m->attempts = (int)lx_stmt_int(st, 8);
		m->created_at = lx_stmt_int(st, 9);
	}
	lx_stmt_done(st);
	if (rc != LX_DONE && rc != LX_ROW) {
		for (int i = 0; i < *n; i++)
			lx_outmsg_clear(&out[i]);
		*n = 0;
		return LX_ERR;
	}
	return LX_OK;
}

int lx_outbox_delivered(lx_db *db, int64_t id, const char *owner, lx_ms now)
{
	lx_stmt *st = lx_db_prepare(db, "UPDATE outbox SET pending = 0, delivered_at = ?, lease_until = NULL, "
					"last_error = NULL WHERE id = ? AND lease_owner = ? AND pending = 1");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, now);
	lx_stmt_bind_int(st, 2, id);
	lx_stmt_bind_text(st, 3, owner);
	return lx_change_one(db, st, LX_NOTFOUND);
}

int lx_outbox_failed(lx_db *db, int64_t id, const char *owner, const char *error, lx_ms next_at, lx_ms now)
{
	lx_stmt *st = lx_db_prepare(db, next_at
		? "UPDATE outbox SET next_at = ?, last_error = ?, lease_until = NULL "
		  "WHERE id = ? AND lease_owner = ? AND pending = 1"
		: "UPDATE outbox SET pending = 0, gave_up_at = ?, last_error = ?, lease_until = NULL "
		  "WHERE id = ? AND lease_owner = ? AND pending = 1");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, next_at ? next_at : now);
	lx_stmt_bind_text(st, 2, error);
	lx_stmt_bind_int(st, 3, id);
	lx_stmt_bind_text(st, 4, owner);
	return lx_change_one(db, st, LX_NOTFOUND);
}

static json_t *lx_outbox_row(lx_stmt *st, void *arg)
{
	(void)arg;
	bool pending = lx_stmt_int(st, 7) != 0;
	const char *state = pending ? "pending" : !lx_stmt_isnull(st, 13) ? "gave_up" : "delivered";
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:I, s:I}", "id", (json_int_t)lx_stmt_int(st, 0),
			      "key", lx_stmt_text(st, 1), "channel", lx_stmt_text(st, 2), "event",
			      lx_stmt_text(st, 3), "state", state, "attempts", (json_int_t)lx_stmt_int(st, 8),
			      "next_at", (json_int_t)lx_stmt_int(st, 9), "created_at", (json_int_t)lx_stmt_int(st, 11));
	json_object_set_new(o, "case_id", lx_stmt_isnull(st, 4) ? json_null() : json_integer(lx_stmt_int(st, 4)));
	json_object_set_new(o, "to", lx_stmt_isnull(st, 5) ? json_null() : json_string(lx_stmt_text(st, 5)));
	json_object_set_new(o, "text", json_string(lx_stmt_text(st, 6)));
	json_object_set_new(o, "last_error", lx_stmt_isnull(st, 10) ? json_null() : json_string(lx_stmt_text(st, 10)));
	json_object_set_new(o, "delivered_at",
			    lx_stmt_isnull(st, 12) ? json_null() : json_integer(lx_stmt_int(st, 12)));
	json_object_set_new(o, "gave_up_at", lx_stmt_isnull(st, 13) ? json_null() : json_integer(lx_stmt_int(st, 13)));
	return o;
}

json_t *lx_outbox_list(lx_db *db, int64_t case_id, bool pending_only, int64_t before, int limit)
{
#define LX_OUTBOX_LIST "SELECT id, msg_key, channel, event, case_id, to_mask, body, pending, attempts, next_at, " \
		       "last_error, created_at, delivered_at, gave_up_at FROM outbox WHERE id < ?"
	static const char *const sql[4] = {
		LX_OUTBOX_LIST " ORDER BY id DESC LIMIT ?",
		LX_OUTBOX_LIST " AND pending = 1 ORDER BY id DESC LIMIT ?",
		LX_OUTBOX_LIST " AND case_id = ? ORDER BY id DESC LIMIT ?",
		LX_OUTBOX_LIST " AND case_id = ? AND pending = 1 ORDER BY id DESC LIMIT ?",
	};
#undef LX_OUTBOX_LIST
	lx_stmt *st = lx_db_prepare(db, sql[(case_id > 0 ? 2 : 0) + (pending_only ? 1 : 0)]);
	if (!st)
		return NULL;
	int i = 1;
	lx_stmt_bind_int(st, i++, before > 0 ? before : INT64_MAX);
	if (case_id > 0)
		lx_stmt_bind_int(st, i++, case_id);
	lx_stmt_bind_int(st, i, limit + 1);
	return lx_rows_json(st, lx_outbox_row, NULL);
}

int lx_notify_settle_simulated(lx_db *db, lx_ms delivered_before, lx_ms read_before)
{
	lx_stmt *st = lx_db_prepare(db, "UPDATE outbox SET pending = 0, attempts = 1, delivered_at = created_at + 2000 "
					"WHERE pending = 1 AND created_at < ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, delivered_before);
	if (lx_stmt_exec(st) != LX_OK)
		return LX_ERR;
	/* staff read what came in within the working day it came */
	st = lx_db_prepare(db, "UPDATE inbox SET read_at = created_at + 1200000 WHERE read_at IS NULL AND created_at < ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, read_before);
	return lx_stmt_exec(st);
}

/* ---------------- templates ---------------- */

int lx_template_get(lx_db *db, const char *event, const char *channel, char **text)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT text FROM notify_templates WHERE event = ? AND channel = ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_text(st, 1, event);
	lx_stmt_bind_text(st, 2, channel);
	return lx_stmt_one_text(st, text);
}

static json_t *lx_template_row(lx_stmt *st, void *arg)
{
	(void)arg;
	return json_pack("{s:s, s:s, s:s, s:I}", "event", lx_stmt_text(st, 0), "channel", lx_stmt_text(st, 1), "text",
			 lx_stmt_text(st, 2), "updated_at", (json_int_t)lx_stmt_int(st, 3));
}

json_t *lx_templates_list(lx_db *db)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT event, channel, text, updated_at FROM notify_templates "
					"ORDER BY event, channel");
	return st ? lx_rows_json(st, lx_template_row, NULL) : NULL;
}

int lx_template_set(lx_db *db, const char *event, const char *channel, const char *text, lx_ms now)
{
	lx_stmt *st = lx_db_prepare(db, "UPDATE notify_templates SET text = ?, updated_at = ? "
					"WHERE event = ? AND channel = ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_text(st, 1, text);
	lx_stmt_bind_int(st, 2, now);
	lx_stmt_bind_text(st, 3, event);
	lx_stmt_bind_text(st, 4, channel);
	return lx_change_one(db, st, LX_NOTFOUND);
}

/*
 * repo_notify.h - the inbox, the outbox and the message templates
 * (store/repo_notify.c, schema 020). The notification room (notify/)
 * writes them in the transaction of the change that causes a message; the
 * delivery thread leases pending messages, sends them outside any
 * transaction and records what happened.
 */
#ifndef LX_REPO_NOTIFY_H
#define LX_REPO_NOTIFY_H

#include "repo.h"

/* ---------------- inbox ---------------- */

/* The user's entries, newest first, below cursor id `before` (0: from the
 * newest), at most limit + 1 of them (the caller sees whether there is a
 * next page), only unread ones when unread_only. Rows {id, event, case_id,
 * text, created_at, read_at} as a new array (the caller owns it), NULL on
 * error. */
json_t *lx_inbox_list(lx_db *db, int64_t user_id, bool unread_only, int64_t before, int limit);
/* How many of the user's entries are unread, into *n. LX_OK or LX_ERR. */
int lx_inbox_unread(lx_db *db, int64_t user_id, int64_t *n);
/* The newest entry id of the user (0: none), into *id: what a live stream
 * compares to know that something arrived. LX_OK or LX_ERR. */
int lx_inbox_newest(lx_db *db, int64_t user_id, int64_t *id);
/* Marks entry id of user_id read at now (an entry read already keeps its
 * time). LX_OK, LX_NOTFOUND (no such entry of that user), LX_ERR. */
int lx_inbox_read(lx_db *db, int64_t user_id, int64_t id, lx_ms now);
/* Marks every unread entry of user_id read; *n how many. LX_OK or LX_ERR. */
int lx_inbox_read_all(lx_db *db, int64_t user_id, lx_ms now, int64_t *n);

/* Calls fn(arg, user_id) for each active user of unit unit_id whose roles
 * meet mask, in id order (the unit's people kept a few seconds: see
 * lx_users_changed). LX_OK or LX_ERR. */
int lx_users_of_unit(lx_db *db, int64_t unit_id, unsigned mask, void (*fn)(void *arg, int64_t user_id),
		     void *arg);
/* Forgets the units' people lx_users_of_unit keeps (a user was added or
 * changed on this node). */
void lx_users_changed(void);
/* Inserts the n inbox entries of users[i] with msg_key keys[i] (one that
 * exists is left alone), in as few statements as may be. LX_OK or LX_ERR. */
int lx_inbox_add_many(lx_db *db, const int64_t *users, const char *const *keys, size_t n, const char *event,
		      int64_t case_id, const char *text, lx_ms now);

/* ---------------- outbox ---------------- */

typedef struct lx_outmsg {
	int64_t id;
	char *key;        /* the idempotency key the gateway sees */
	char channel[16]; /* sms | webhook | log */
	char *event;
	int64_t case_id;
	char *to;         /* the recipient's number, opened (sms); NULL otherwise */
	char *to_mask;
	char *body;       /* the text (sms) or the event's JSON (webhook) */
	int attempts;     /* including the one leased now */
	lx_ms created_at;
} lx_outmsg;

void lx_outmsg_clear(lx_outmsg *m);
/* Queues a message due at now: to (a phone, sealed here with the data key;
 * NULL for a webhook) and its mask. A key queued already writes nothing
 * and is LX_OK (the same event for the same recipient is one message).
 * LX_OK or LX_ERR. */
int lx_outbox_add(lx_db *db, const char *key, const char *channel, const char *event, int64_t case_id,
		  const char *to, const char *to_mask, const char *body, lx_ms now);
/* Leases up to max pending messages due at now, and not leased by anyone
 * else, for owner until lease_until, counting an attempt on each; on
 * PostgreSQL the rows are taken FOR UPDATE SKIP LOCKED, so nodes leasing
 * at once get different messages. Must run inside a write transaction.
 * Fills out[0..*n) (the caller clears each). LX_OK or LX_ERR. */
int lx_outbox_lease(lx_db *db, const char *owner, lx_ms now, lx_ms lease_until, int max, lx_outmsg *out,
		    int *n);
/* Records a delivery of the message leased by owner. LX_OK, LX_NOTFOUND
 * (its lease was lost: another node has it now), LX_ERR. */
int lx_outbox_delivered(lx_db *db, int64_t id, const char *owner, lx_ms now);
/* Records a failed attempt: due again at next_at, or given up (no more
 * attempts) when next_at is 0. error is kept as the last error. */
int lx_outbox_failed(lx_db *db, int64_t id, const char *owner, const char *error, lx_ms next_at, lx_ms now);
/* Messages, newest first, of one case (case_id > 0) or all, pending only
 * when pending_only, below cursor id `before`, at most limit + 1: rows {id,
 * key, channel, event, case_id, to (masked), state, attempts, next_at,
 * last_error, created_at, delivered_at, gave_up_at} (the caller owns the
 * array), NULL on error. */
json_t *lx_outbox_list(lx_db *db, int64_t case_id, bool pending_only, int64_t before, int limit);
/* A simulation (the demo) that wrote weeks of notices: every message
 * queued before delivered_before delivered by then (2 s after it was
 * queued), every inbox entry before read_before read 20 minutes after it
 * came. LX_OK or LX_ERR. */
int lx_notify_settle_simulated(lx_db *db, lx_ms delivered_before, lx_ms read_before);

/* ---------------- templates ---------------- */

/* The template text of event on channel (malloc'd into *text). LX_OK,
 * LX_NOTFOUND, LX_ERR. */
int lx_template_get(lx_db *db, const char *event, const char *channel, char **text);
/* Every template: rows {event, channel, text, updated_at}, NULL on error. */
json_t *lx_templates_list(lx_db *db);
/* Replaces the text of an existing template. LX_OK, LX_NOTFOUND, LX_ERR. */
int lx_template_set(lx_db *db, const char *event, const char *channel, const char *text, lx_ms now);

#endif

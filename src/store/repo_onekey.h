/*
 * repo_onekey.h - press-9 calls (一键呼叫, schema 024; repo_onekey.c): a
 * call and the step of its ladder it is at, the steps made with it (who
 * each tells), who was told, and the marks of the call's life
 * (acknowledged, arrived, closed). The case the call opened lives in the
 * cases repository; its state changes only through the engine
 * (flow/onekey.c writes these rows from the engine's effects).
 */
#ifndef LX_REPO_ONEKEY_H
#define LX_REPO_ONEKEY_H

#include "db.h"
#include "lx.h"

#define LX_ONEKEY_STEP_USERS 32

typedef struct lx_onekey_call {
	int64_t id, case_id;
	int64_t resident_id;  /* 0: an unknown caller */
	int64_t unit_id;      /* where the call is: the resident's unit, or the desk's */
	char *unit_path;      /* owned */
	int64_t community_id; /* the community (or village) it belongs to, 0: none */
	char *caller;         /* the caller's number, opened (owned; NULL: none) */
	char *device_id;      /* owned, NULL: none */
	bool emergency;
	int step, nsteps;
	lx_ms step_due_at;    /* 0: no more steps to move to (acknowledged, or at the last) */
	lx_ms acked_at, arrived_at, closed_at, created_at;
	int64_t acked_by, arrived_by, closed_by;
	char *close_note;     /* owned */
} lx_onekey_call;

typedef struct lx_onekey_step {
	int n;
	char kind[12];        /* carer, grid, community, desk */
	int64_t unit_id;      /* 0 for a carer's step */
	int64_t users[LX_ONEKEY_STEP_USERS];
	int nusers;
	lx_ms notified_at;    /* 0: not told yet */
} lx_onekey_step;

void lx_onekey_call_clear(lx_onekey_call *k);
/* Inserts k (the caller sealed) with its steps[0..n) and sets k->id.
 * LX_OK or LX_ERR. */
int lx_onekey_insert(lx_db *db, lx_onekey_call *k, const lx_onekey_step *steps, int n);
/* Loads call id when its place lies in scope. LX_OK, LX_NOTFOUND, LX_ERR;
 * the caller clears *out. */
int lx_onekey_get(lx_db *db, const char *scope, int64_t id, lx_onekey_call *out);
/* Loads the call of case_id (any scope). LX_OK, LX_NOTFOUND, LX_ERR. */
int lx_onekey_by_case(lx_db *db, int64_t case_id, lx_onekey_call *out);
/* Step n of call_id into *out. LX_OK, LX_NOTFOUND, LX_ERR. */
int lx_onekey_step_get(lx_db *db, int64_t call_id, int n, lx_onekey_step *out);
/* Calls fn for each step of call_id in order; fn returns 0 to go on.
 * LX_OK or LX_ERR. */
int lx_onekey_steps_each(lx_db *db, int64_t call_id, int (*fn)(void *arg, const lx_onekey_step *s), void *arg);
/* Records that step n was told at now and each of its users with it. LX_OK or LX_ERR. */
int lx_onekey_step_told(lx_db *db, int64_t call_id, const lx_onekey_step *s, lx_ms now);
/* Whether user_id was told of call_id, into *told. LX_OK or LX_ERR. */
int lx_onekey_was_told(lx_db *db, int64_t call_id, int64_t user_id, bool *told);
/* Moves an unacknowledged call from step `from` to `to`, its time to
 * acknowledge running out at due (0: none, the last step). LX_OK,
 * LX_CONFLICT (it was acknowledged or moved meanwhile: another node), LX_ERR. */
int lx_onekey_move(lx_db *db, int64_t call_id, int from, int to, lx_ms due);
/* The ids of up to max calls whose step ran out by now, unacknowledged,
 * oldest first, into ids; their count in *n. LX_OK or LX_ERR. */
int lx_onekey_due(lx_db *db, lx_ms now, int64_t *ids, int max, int *n);
/* The marks of a call's life, by its case: what is "ack", "arrive" or
 * "close" (with note), by user at now; ack also stops the ladder. LX_OK,
 * LX_NOTFOUND (no call for the case), LX_ERR. */
int lx_onekey_mark(lx_db *db, int64_t case_id, const char *what, int64_t user, lx_ms now, const char *note);

/* A page of the calls in scope or told to user_id (open ones only when
 * open_only): the ones nobody acknowledged first, then newest first; limit
 * of them from offset, *more when others follow. LX_OK or LX_ERR. */
int lx_onekey_list(lx_db *db, const char *scope, int64_t user_id, bool open_only, int limit, int offset,
		   int (*fn)(void *arg, const lx_onekey_call *k), void *arg, bool *more);
/* Calls fn for each call in scope created in [from, to), for the
 * statistics. LX_OK or LX_ERR. */
int lx_onekey_each_between(lx_db *db, const char *scope, lx_ms from, lx_ms to,
			   int (*fn)(void *arg, const lx_onekey_call *k), void *arg);
/* Calls fn(arg, call_id, user_id, phone) for each person told of a call
 * nobody acknowledged yet, most recently told first (an SMS reply's
 * match). LX_OK or LX_ERR. */
int lx_onekey_told_open(lx_db *db, int (*fn)(void *arg, int64_t call_id, int64_t user_id, const char *phone),
			void *arg);

/* ---------------- the daily "I'm fine" (schema 026) ---------------- */

/* Records resident_id's press on local day (YYYY-MM-DD) at now. LX_OK,
 * LX_CONFLICT (that day is recorded already), LX_ERR. */
int lx_fine_press(lx_db *db, int64_t resident_id, const char *day, lx_ms now);
/* The ids of up to max residents asked for a daily press since day or
 * before whose day has no row (neither a press nor a follow-up), into
 * ids; their count in *n. LX_OK or LX_ERR. */
int lx_fine_missed(lx_db *db, const char *day, int64_t *ids, int max, int *n);
/* Records day as missed by resident_id (its follow-up to come). LX_OK,
 * LX_CONFLICT (a row for that day came first: a late press, another
 * node), LX_ERR. */
int lx_fine_missed_record(lx_db *db, int64_t resident_id, const char *day, lx_ms now);
/* The follow-up case of resident_id's day into *case_id (0: a press, or
 * none yet). LX_OK, LX_NOTFOUND (no row), LX_ERR. */
int lx_fine_case_of(lx_db *db, int64_t resident_id, const char *day, int64_t *case_id);
/* The follow-up case of a missed day. LX_OK, LX_NOTFOUND, LX_ERR. */
int lx_fine_followed_up(lx_db *db, int64_t resident_id, const char *day, int64_t case_id);

#endif

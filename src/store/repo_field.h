/*
 * repo_field.h - the grid's field work in the store (schema 017): checklist
 * forms and their versions (repo_forms.c), visit plans with their targets
 * and visits (repo_visits.c), the hazard ledger (repo_hazards.c).
 *
 * The due state of a target is not stored: a target keeps when it was
 * last visited (done_at), when a failed attempt may be tried again
 * (retry_at) and what follow-up it waits for; field/visits.c computes the
 * periods and asks with their bounds. So nothing must sweep targets when a
 * day or a month begins.
 */
#ifndef LX_REPO_FIELD_H
#define LX_REPO_FIELD_H

#include "db.h"
#include "lx.h"

#include <jansson.h>

/* ---------------- forms (repo_forms.c) ---------------- */

typedef struct lx_form_row {
	int64_t id;
	char *code;           /* a seeded form's code ("gas_winter", "knock"), or NULL */
	char *name;
	int version;
	char *questions;      /* the definition's JSON text (this version's) */
	lx_ms created_at, updated_at;
} lx_form_row;

void lx_form_row_clear(lx_form_row *f);
/* Inserts a form at version 1 (and its version row); sets f->id. LX_OK,
 * LX_CONFLICT (the code exists), LX_ERR. */
int lx_form_insert(lx_db *db, lx_form_row *f, int64_t by, lx_ms now);
/* A new version of form f->id with f->name and f->questions (version + 1;
 * f->version must be the stored one). LX_OK, LX_CONFLICT (stale), LX_ERR. */
int lx_form_new_version(lx_db *db, lx_form_row *f, int64_t by, lx_ms now);
/* Form id at version (0: the current one). LX_OK, LX_NOTFOUND, LX_ERR. */
int lx_form_load(lx_db *db, int64_t id, int version, lx_form_row *out);
/* Every form (current versions), by id: a new array of {"id","code","name",
 * "version","questions" (parsed),"updated_at" (ms)}, NULL on error. */
json_t *lx_form_list(lx_db *db);
/* Whether a form with this code exists. LX_OK (yes), LX_NOTFOUND, LX_ERR. */
int lx_form_by_code(lx_db *db, const char *code, int64_t *id);

/* ---------------- plans, targets, visits (repo_visits.c) ---------------- */

typedef struct lx_plan {
	int64_t id, form_id, unit_id;
	char *unit_path;
	char *name;
	char target_kind[12];    /* resident | household | place */
	char *target_tag;        /* residents with this tag (NULL: all) */
	char *target_type;       /* places of this type (NULL: all) */
	char frequency[16];      /* daily | weekly | monthly | every_n_months | once */
	int every_n;
	lx_ms starts_at, ends_at;/* ends_at 0: open-ended */
	bool active;
	json_t *workers;         /* user ids (owned; empty: the grid's own) */
	int64_t created_by;
	lx_ms created_at;
} lx_plan;

void lx_plan_clear(lx_plan *p);
/* Inserts p with its workers and makes its targets (every matching entry
 * of its subtree, first due from max(starts_at, now)). Sets p->id and
 * *ntargets. LX_OK or LX_ERR. */
int lx_plan_insert(lx_db *db, lx_plan *p, lx_ms now, int64_t *ntargets);
/* Plan id when its unit lies in scope or the caller is one of its
 * workers. LX_OK, LX_NOTFOUND, LX_ERR. */
int lx_plan_get(lx_db *db, const char *scope, int64_t user_id, int64_t id, lx_plan *out);
/* Calls fn for each active plan whose subtree meets scope (its unit in
 * scope, or scope inside its unit) or that names user_id, by id. LX_OK or
 * LX_ERR. */
int lx_plans_each(lx_db *db, const char *scope, int64_t user_id, bool active_only,
		  int (*fn)(void *arg, const lx_plan *p), void *arg);
/* How many targets plan id has in scope, in *n. */
int lx_plan_target_count(lx_db *db, int64_t id, const char *scope, int64_t *n);

/* The registry keeps the targets of active plans: a resident's (after
 * its tags or unit changed), a household's, a place's. LX_OK or LX_ERR. */
int lx_targets_sync(lx_db *db, const char *kind, int64_t id, lx_ms now);

typedef struct lx_target {
	int64_t plan_id;
	char kind[12];
	int64_t id;
	int64_t unit_id;
	char *unit_path;
	lx_ms first_due_at, done_at, retry_at; /* 0: unset */
	int64_t done_by;
	lx_ms seen_at;           /* the last visit that found the person at home */
	char *followup;          /* "written_notice" after a refusal, or NULL */
	char *last_outcome;
	int64_t last_visit_id, alert_case_id;
	/* joined from the registry: */
	char *name, *address;
	bool has_point;
	double lat, lon;
} lx_target;

void lx_target_clear(lx_target *t);
/* The target (plan, kind, id). LX_OK, LX_NOTFOUND, LX_ERR. */
int lx_target_get(lx_db *db, int64_t plan_id, const char *kind, int64_t id, lx_target *out);
/* The bounds a plan's period gives (field/periods.c): a target is done
 * when visited since done_since, overdue when never visited and first due
 * before first_before, or last visited before done_before. */
typedef struct lx_period_bounds {
	lx_ms done_since, first_before, done_before;
} lx_period_bounds;
/* Calls fn for the targets of plan_id (of kind) in scope that are due at
 * now: first due by now, not done (or waiting for a follow-up), no retry
 * later than now; with their point but without the registry's name and
 * address (lx_target_details; read from one index); in no particular order. fn may keep t's strings (setting them NULL in t: a due
 * list keeps thousands, copied twice otherwise). LX_OK or LX_ERR. */
int lx_targets_due_each(lx_db *db, int64_t plan_id, const char *kind, const char *scope,
			const lx_period_bounds *b, lx_ms now, int (*fn)(void *arg, lx_target *t), void *arg);
/* Calls fn for every target of plan_id (as lx_targets_due_each hands
 * them: without name and address), by kind and id. LX_OK or LX_ERR. */
int lx_plan_targets_each(lx_db *db, int64_t plan_id, int (*fn)(void *arg, lx_target *t), void *arg);
/* Reads t's name, address and last outcome (t->plan_id, kind, id set).
 * LX_OK, LX_NOTFOUND, LX_ERR. */
int lx_target_details(lx_db *db, lx_target *t);
/* Coverage of plan_id in scope, per unit: fn(unit_id, unit_path, due,
 * done, overdue) by the bounds. LX_OK or LX_ERR. */
int lx_targets_coverage(lx_db *db, int64_t plan_id, const char *scope, const lx_period_bounds *b,
			int (*fn)(void *arg, int64_t unit_id, const char *path, int64_t due, int64_t done,
				  int64_t overdue),
			void *arg);
/* Targets of daily plans whose person was last seen (visited at home)
 * before `before` (never: first due before it) and raised no alert since:
 * fn for each, up to limit. LX_OK or LX_ERR. */
int lx_targets_unseen_each(lx_db *db, lx_ms before, int limit, int (*fn)(void *arg, const lx_target *t),
			   void *arg);
/* Sets the targets of plan_id from its visits (done_at: the last visit at
 * home or refused; seen_at: at home), for visits loaded in bulk (a
 * generated city). LX_OK or LX_ERR. */
int lx_targets_refresh(lx_db *db, int64_t plan_id);
/* Records the alert case raised for a target that had none. LX_OK,
 * LX_NOTFOUND (another node raised one first), LX_ERR. */
int lx_target_alerted(lx_db *db, const lx_target *t, int64_t case_id);

typedef struct lx_visit {
	int64_t id;
	char client_uuid[40];
	int64_t plan_id, form_id;
	int form_version;
	char target_kind[12];
	int64_t target_id, unit_id;
	char *unit_path;
	int64_t worker_id;
	char outcome[12];       /* home | not_home | refused */
	char *answers;          /* JSON text of the kept answers */
	bool has_point;
	double lat, lon;
	lx_ms visited_at, created_at;
	json_t *hazards;        /* case ids raised (owned; read from the ledger) */
} lx_visit;

void lx_visit_clear(lx_visit *v);
/* Inserts v (sets v->id and created_at). LX_OK, LX_CONFLICT (client_uuid
 * stored already), LX_ERR. */
int lx_visit_insert(lx_db *db, lx_visit *v, lx_ms now);
/* Writes what a visit moved of target t: done_at, done_by, retry_at,
 * followup, seen_at, the last visit and outcome, alert_case_id. LX_OK,
 * LX_NOTFOUND, LX_ERR. */
int lx_target_update(lx_db *db, const lx_target *t);
/* The visit stored under client_uuid, visible in scope or the caller's
 * own. LX_OK, LX_NOTFOUND, LX_ERR. */
int lx_visit_by_uuid(lx_db *db, const char *uuid, lx_visit *out);
int lx_visit_get(lx_db *db, const char *scope, int64_t id, lx_visit *out);
/* Visits in scope, newest first, filtered (plan_id, kind + target id,
 * worker; 0/NULL: any), ids below before (0: from the newest). */
int lx_visits_each(lx_db *db, const char *scope, int64_t plan_id, const char *kind, int64_t target_id,
		   int64_t worker_id, int64_t before, int limit, int (*fn)(void *arg, const lx_visit *v), void *arg);

/* ---------------- the hazard ledger (repo_hazards.c) ---------------- */

typedef struct lx_hazard_row {
	int64_t case_id, visit_id, plan_id;
	char target_kind[12];
	int64_t target_id;
	char *unit_path;
	char *owner;            /* who must put it right */
	char *question, *label;
	int failures;           /* failed re-inspections */
	lx_ms created_at;
} lx_hazard_row;

void lx_hazard_row_clear(lx_hazard_row *h);
int lx_hazard_insert(lx_db *db, const lx_hazard_row *h);
/* The hazard of case_id. LX_OK, LX_NOTFOUND, LX_ERR. */
int lx_hazard_get(lx_db *db, int64_t case_id, lx_hazard_row *out);
/* Counts a failed re-inspection; *failures receives the new count. LX_OK,
 * LX_NOTFOUND (the case is no hazard of the ledger), LX_ERR. */
int lx_hazard_failed(lx_db *db, int64_t case_id, int *failures);

/* A row of the ledger view: the ledger's side and the case's. */
typedef struct lx_hazard_item {
	lx_hazard_row h;
	char status[16];
	char *category_code, *title, *address;
	int64_t unit_id, handler_unit_id;
	lx_ms resolve_due_at;   /* the rectification deadline */
	bool overdue;
	int supervised;
} lx_hazard_item;
void lx_hazard_item_clear(lx_hazard_item *it);
/* The ledger's filters (NULL/0: any). */
typedef struct lx_hazard_filter {
	const char *under;          /* a unit's path in scope */
	const char *category_code;  /* the category or its subcategories */
	const char *status;         /* the case's status */
	const char *owner;          /* a fragment of the owner's name */
	bool overdue;
	int64_t before_id;          /* the cursor: case ids below */
	int limit;
} lx_hazard_filter;
/* Calls fn for each hazard located in scope matching f, newest first.
 * LX_OK or LX_ERR. */
int lx_hazards_each(lx_db *db, const char *scope, const lx_hazard_filter *f,
		    int (*fn)(void *arg, const lx_hazard_item *it), void *arg);

#endif

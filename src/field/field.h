/*
 * field.h - the grid's field work (P9) apart from HTTP: the registry's
 * checks (a resident's fields, the tag list), the registry import
 * (import.c), shared by the API and the command line.
 */
#ifndef LX_FIELD_H
#define LX_FIELD_H

#include "csv.h"
#include "db.h"
#include "lx.h"
#include "flow.h"
#include "repo_field.h"
#include "repo_registry.h"

#include <jansson.h>

/* The tag list, loaded once per request that needs it. */
typedef struct lx_reg_tags {
	lx_tag *t;
	size_t n;
} lx_reg_tags;
int lx_reg_tags_load(lx_db *db, lx_reg_tags *tags);
void lx_reg_tags_free(lx_reg_tags *tags);
/* The tag named s, or NULL. */
const lx_tag *lx_reg_tag(const lx_reg_tags *tags, const char *s);

/* A resident's fields as text (JSON strings or an import row's cells);
 * NULL or "" is absent. tags is an array of names (NULL: none). */
typedef struct lx_resident_text {
	const char *name, *gender, *birth_date, *phone, *id_number;
	const json_t *tags;
	const json_t *contacts;
} lx_resident_text;
/* An error in a field: its name, the contract's code and why. */
typedef struct lx_reg_error {
	const char *field;
	const char *code;       /* "invalid", or "sensitive_tag" (LX_FORBIDDEN) */
	char message[200];
} lx_reg_error;
/* Checks t into p (name, gender, birth date, normalised phone and ID
 * number, tags, contacts; the birth date and gender come from the ID number
 * when not given). Tags must be on the list; a sensitive one needs
 * registry_sensitive (sensitive_ok). Returns LX_OK, LX_FORBIDDEN (a
 * sensitive tag without the right), or LX_INVALID, with e filled (p partly filled: the caller clears it either way). */
int lx_reg_resident_check(const lx_resident_text *t, const lx_reg_tags *tags, bool sensitive_ok, lx_resident *p,
			  lx_reg_error *e);

/* ---------------- the registry import (import.c) ---------------- */

typedef enum { LX_IMPORT_HOUSEHOLDS, LX_IMPORT_RESIDENTS, LX_IMPORT_PLACES } lx_import_kind;
/* "households", "residents", "places" into *kind; false for another name. */
bool lx_import_kind_parse(const char *s, lx_import_kind *kind);

/* A checked import: what each good row will do, and every bad row's line
 * and reason. Opaque; lx_reg_import_free. */
typedef struct lx_reg_import lx_reg_import;
/* Progress of a long phase: done of total rows (for a bar on a TTY). */
typedef void (*lx_import_progress)(void *arg, const char *phase, size_t done, size_t total);

/* Checks every row of t (rows[0] the header) as kind, in scope (a unit
 * outside it is a bad row), reading what exists (an ID number, an address
 * already registered: the row updates it). Returns LX_OK with *out (also
 * when rows are bad: see lx_reg_import_errors), LX_INVALID with *out NULL
 * and why in err for a file that cannot be read as kind at all (no
 * header, a column missing), LX_ERR for the store. */
int lx_reg_import_check(lx_db *db, const char *scope, bool sensitive_ok, lx_import_kind kind, const lx_csv *t,
			lx_reg_import **out, char *err, size_t errsz, lx_import_progress progress, void *arg);
/* The bad rows: an array of {"line","message"} (borrowed from im). */
json_t *lx_reg_import_errors(const lx_reg_import *im);
/* Rows that will create, and update, an entry. */
size_t lx_reg_import_created(const lx_reg_import *im);
size_t lx_reg_import_updated(const lx_reg_import *im);
/* Writes a checked import without bad rows (inside the caller's write
 * transaction: all or nothing). LX_OK, LX_CONFLICT (something changed
 * since the check: check again), LX_ERR. */
int lx_reg_import_apply(lx_db *db, lx_reg_import *im, int64_t by, lx_ms now, lx_import_progress progress,
			void *arg);
void lx_reg_import_free(lx_reg_import *im);

/* ---------------- forms (forms.c) ---------------- */

struct lx_form_error;
/* Checks a definition (core/form.c) and that its hazard rules name
 * categories that exist. LX_OK, LX_INVALID (err filled), LX_ERR. */
int lx_field_form_check(lx_db *db, const json_t *questions, struct lx_form_error *err);
/* Adds the ready forms (gas_winter, knock) a database lacks, in the
 * caller's transaction. LX_OK or LX_ERR. */
int lx_field_seed_forms(lx_db *db, lx_ms now);

/* ---------------- visits (periods.c, visits.c) ---------------- */

/* Whether f is daily, weekly, monthly, every_n_months or once. */
bool lx_frequency_known(const char *f);
/* Whether s is home, not_home or refused. */
bool lx_outcome_known(const char *s);
/* The start of plan p's period holding t (the server zone tz, minutes
 * east): the local day, the Monday, the month, the n-month step from the
 * plan's first month; a once plan's start. */
lx_ms lx_plan_period_start(const lx_plan *p, lx_ms t, int tz);
/* The bounds of p's period at now (repo_field.h's lx_period_bounds). */
lx_period_bounds lx_plan_bounds(const lx_plan *p, lx_ms now, int tz);
/* Since when target t of p is due, and whether it is overdue, by b. */
void lx_target_due(const lx_plan *p, const lx_target *t, const lx_period_bounds *b, int tz, lx_ms *due_since,
		   bool *overdue);

/* A case the field opens at a target: a hazard an answer raised, or the
 * two-day alert. Strings are borrowed. */
typedef struct lx_field_case {
	const char *category_code, *title, *description;
	int resolve_workdays;    /* > 0: the rule's days instead of the category's clock */
	bool has_point;          /* where it was found (else the target's point) */
	double lat, lon;
	int64_t created_by;
	const char *field;       /* the input field an unknown category is blamed on */
} lx_field_case;
/* Opens fc at t through the engine (located at t's unit, dispatched by the
 * duty list, channel inspection) in the caller's transaction. LX_OK with
 * *c (the caller clears it), or a failure (err filled when it is the
 * input's). */
int lx_field_case_open(lx_flow_ctx *x, lx_db *db, const lx_target *t, const lx_field_case *fc, lx_case *c,
		       lx_flow_error *err);

/* A visit as the worker's phone sends it. Strings borrowed. */
typedef struct lx_visit_in {
	int64_t plan_id;
	const char *target_kind;
	int64_t target_id;
	const char *outcome;       /* home | not_home | refused */
	const json_t *answers;     /* checked only at home */
	const char *client_uuid;   /* the phone's id of the visit: a resend is stored once */
	bool has_point;
	double lat, lon;
	lx_ms visited_at;          /* when it happened (offline: before it is sent); 0: now */
	int64_t form_version;      /* the version the phone showed (0: the current one) */
} lx_visit_in;
/* Records a visit by who in the caller's write transaction: the answers
 * checked against the form version (an irrelevant answer dropped), the
 * visit stored, its target moved (at home or refused: the period is done;
 * not home: due again the next working day; refused: a written notice
 * follows), each hazard its answers raise opened as a case with a ledger
 * row. A client_uuid stored before answers that visit (*replayed, nothing
 * written). LX_OK with *out (the caller clears it), or a failure with err
 * filled when it is the input's (404 plan, 422 target or answers, 409). */
int lx_visit_record(lx_flow_ctx *x, lx_db *db, const lx_flow_actor *who, lx_ms now, int tz, const lx_visit_in *in,
		    lx_visit *out, bool *replayed, lx_flow_error *err);
/* Raises the alert (category 0708, at the community by the duty list)
 * for up to limit persons of daily plans nobody saw at home for two days,
 * once each until they are seen; *n counts them. In the caller's write
 * transaction. LX_OK or LX_ERR. */
int lx_visits_alert_sweep(lx_flow_ctx *x, lx_db *db, lx_ms now, int tz, int limit, int *n);
/* The daily "I'm fine" (fine.c): for up to limit residents asked for it
 * whose yesterday (at now, zone tz) passed without a press, the follow-up
 * case at their place (category 0708), once a day each; *n counts them.
 * In the caller's write transaction. LX_OK or LX_ERR. */
int lx_fine_sweep(lx_flow_ctx *x, lx_db *db, lx_ms now, int tz, int limit, int *n);

#endif

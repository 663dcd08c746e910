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
	const json_t *carers;
} lx_resident_text;
/* An error in a field: its name and why (static or in message). */
typedef struct lx_reg_error {
	const char *field;
	char message[200];
} lx_reg_error;
/* Checks t into p (name, gender, birth date, normalised phone and ID
 * number, tags, carers; the birth date and gender come from the ID number
 * when not given). Tags must be on the list; a sensitive one needs
 * registry_sensitive (sensitive_ok). Returns LX_OK, or LX_INVALID with e
 * filled (p partly filled: the caller clears it either way). */
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

#endif

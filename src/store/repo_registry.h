/*
 * repo_registry.h - the registry of the grid (人、地、物、组织): households,
 * residents, places, organisations, and the resident tags (schema 017).
 * One repository each: repo_households.c, repo_residents.c,
 * repo_places.c, repo_orgs.c, repo_tags.c.
 *
 * Every row belongs to a unit and carries its path; every read takes the
 * caller's scope and a row outside it reads as LX_NOTFOUND. Phones, ID
 * numbers and contacts are sealed here with the data key (core/pii.h) on
 * the way in and opened on the way out: the structs hold plain values,
 * the database never does. Masking is the API's (what a caller may see).
 */
#ifndef LX_REPO_REGISTRY_H
#define LX_REPO_REGISTRY_H

#include "db.h"
#include "lx.h"

#include <jansson.h>

/* A listing's filters; NULL/0 fields do not filter. */
typedef struct lx_reg_filter {
	const char *under;      /* a unit's path inside the scope (unit_id=) */
	const char *q;          /* a name or address fragment; for residents also an
				 * exact ID number or phone (by its hash) */
	const char *tag;        /* residents: with this tag */
	const char *type;       /* places, organisations: of this type */
	int64_t household_id;   /* residents: of this household */
	int64_t after_id;       /* the cursor: ids greater than this */
	int limit;              /* rows wanted (the reply asks one more to know of a next page) */
} lx_reg_filter;

/* A registry list's statement (repo_util.c; for the repositories of this
 * header): select_from ("SELECT cols FROM table") in the subtree of f's
 * unit inside scope, after f's cursor, of f's type, matching f->q by q_sql
 * (a condition on the LIKE pattern bound at ?5), by id, at most f->limit.
 * NULL with *empty when the unit lies outside scope (no rows), NULL without
 * it on a store error. */
lx_stmt *lx_reg_list_prepare(lx_db *db, const char *select_from, const char *q_sql, const char *scope,
			     const lx_reg_filter *f, bool *empty);
/* q_sql of the lists that search a name and an address */
#define LX_REG_Q_NAME_ADDRESS "(name LIKE ?5 ESCAPE '\\' OR address LIKE ?5 ESCAPE '\\')"

/* ---------------- the data key's check (repo_tags.c) ---------------- */

/* Compares the loaded data key's fingerprint with the one the database
 * keeps, writing it when there is none (in the caller's transaction).
 * LX_OK, LX_CONFLICT (the database was sealed with another key), LX_ERR. */
int lx_registry_key_check(lx_db *db);

/* ---------------- tags (repo_tags.c) ---------------- */

typedef struct lx_tag {
	char *name;
	bool sensitive;
	int sort;
	char *note;
} lx_tag;
/* Every tag, in sort order: *out an array of n tags (caller frees with
 * lx_tags_free). LX_OK or LX_ERR. */
int lx_tags_load(lx_db *db, lx_tag **out, size_t *n);
void lx_tags_free(lx_tag *t, size_t n);
/* Adds or changes a tag. LX_OK or LX_ERR. */
int lx_tag_put(lx_db *db, const char *name, bool sensitive, int sort, const char *note);

/* ---------------- households (repo_households.c) ---------------- */

typedef struct lx_household {
	int64_t id, unit_id;
	char *unit_path;
	char *address;
	int members;
	bool has_point;
	double lat, lon;
	int version;
	lx_ms created_at, updated_at;
} lx_household;

void lx_household_clear(lx_household *h);
/* Inserts h (unit_id, unit_path, address, members, point); sets h->id,
 * version 1 and the times. LX_OK or LX_ERR. */
int lx_household_add(lx_db *db, lx_household *h, lx_ms now);
/* Loads household id when it lies in scope. LX_OK, LX_NOTFOUND, LX_ERR. */
int lx_household_get(lx_db *db, const char *scope, int64_t id, lx_household *out);
/* The household at exactly this address in scope (the lowest id when
 * several). LX_OK, LX_NOTFOUND, LX_ERR. */
int lx_household_by_address(lx_db *db, const char *scope, const char *address, lx_household *out);
/* Writes h's address, members, point and unit (version + 1). When the unit
 * changed from `was`'s, the move is recorded (household_moves) and the
 * household's residents and visit targets follow it; past visits and
 * hazards keep the unit they happened in. LX_OK, LX_CONFLICT (h->version
 * is not the stored one), LX_ERR. */
int lx_household_update(lx_db *db, lx_household *h, const lx_household *was, int64_t by, lx_ms now);
/* Calls fn for each household in scope matching f, by id; fn returns 0 to
 * go on. LX_OK or LX_ERR. */
int lx_households_each(lx_db *db, const char *scope, const lx_reg_filter *f,
		       int (*fn)(void *arg, const lx_household *h), void *arg);
/* The moves of household id, oldest first: a new array the caller owns
 * ({"from_unit_id","to_unit_id","from_address","to_address","moved_by","moved_at" (ms)}),
 * NULL on error. */
json_t *lx_household_moves(lx_db *db, int64_t id);

/* ---------------- residents (repo_residents.c) ---------------- */

#define LX_CARERS_MAX 5

typedef struct lx_resident {
	int64_t id;
	int64_t household_id;   /* 0: none */
	int64_t unit_id;
	char *unit_path;
	char *name;
	char gender[8];         /* "male", "female" or "" */
	char birth_date[11];    /* YYYY-MM-DD or "" */
	char *phone;            /* plain, normalised (NULL: none) */
	char *id_number;        /* plain, normalised (NULL: none) */
	json_t *tags;           /* array of tag names (owned) */
	json_t *contacts;       /* family contacts: array of {"name","phone","relation"}, plain (owned) */
	int64_t carers[LX_CARERS_MAX]; /* 代理儿女 volunteers' user ids, in the order called */
	int ncarers;
	char *device_id;        /* the press-9 device's id, or NULL */
	char daily_check_since[11]; /* YYYY-MM-DD from which a daily "I'm fine" press is expected, "" none */
	char *address;          /* the household's (read only; NULL without one) */
	int version;
	lx_ms created_at, updated_at;
} lx_resident;

void lx_resident_clear(lx_resident *p);
/* Inserts p sealed (sets p->id, version, times) with its tag rows.
 * LX_OK, LX_CONFLICT (the ID number is registered already), LX_ERR. */
int lx_resident_add(lx_db *db, lx_resident *p, lx_ms now);
/* Loads resident id when it lies in scope, opened. LX_OK, LX_NOTFOUND, LX_ERR. */
int lx_resident_get(lx_db *db, const char *scope, int64_t id, lx_resident *out);
/* Writes every field of p (version + 1) with its tag rows. LX_OK,
 * LX_CONFLICT (stale version, or the ID number is another resident's), LX_ERR. */
int lx_resident_update(lx_db *db, lx_resident *p, lx_ms now);
/* The resident whose phone (normalised) or press-9 device it is (phone
 * first; either may be NULL), in any unit. LX_OK, LX_NOTFOUND, LX_ERR. */
int lx_resident_by_caller(lx_db *db, const char *phone, const char *device_id, lx_resident *out);
/* The resident in scope with this (normalised) ID number. LX_OK,
 * LX_NOTFOUND, LX_ERR. */
int lx_resident_by_id_number(lx_db *db, const char *scope, const char *id_number, lx_resident *out);
/* Calls fn for each resident in scope matching f, by id, opened; fn
 * returns 0 to go on. LX_OK or LX_ERR. */
int lx_residents_each(lx_db *db, const char *scope, const lx_reg_filter *f,
		      int (*fn)(void *arg, const lx_resident *p), void *arg);

/* ---------------- places and organisations (repo_places.c, repo_orgs.c) ---------------- */

typedef struct lx_place {
	int64_t id, unit_id;
	char *unit_path;
	char *type;             /* building, shop, small_venue (九小场所), facility, ... */
	char *name;
	char *address;
	bool has_point;
	double lat, lon;
	char *geometry;         /* GeoJSON text or NULL */
	char *contact;          /* who runs it */
	char *phone;            /* plain (NULL: none) */
	int version;
	lx_ms created_at, updated_at;
} lx_place;

void lx_place_clear(lx_place *p);
int lx_place_add(lx_db *db, lx_place *p, lx_ms now);
int lx_place_get(lx_db *db, const char *scope, int64_t id, lx_place *out);
/* LX_OK, LX_CONFLICT (stale version), LX_ERR. */
int lx_place_update(lx_db *db, lx_place *p, lx_ms now);
/* The place in scope with this name and address (import). */
int lx_place_by_name(lx_db *db, const char *scope, const char *name, const char *address, lx_place *out);
int lx_places_each(lx_db *db, const char *scope, const lx_reg_filter *f,
		   int (*fn)(void *arg, const lx_place *p), void *arg);

typedef struct lx_org {
	int64_t id, unit_id;
	char *unit_path;
	char *type;             /* enterprise, social_org, school, hospital, ... */
	char *name;
	char *address;
	char *contact;
	char *phone;            /* plain (NULL: none) */
	int version;
	lx_ms created_at, updated_at;
} lx_org;

void lx_org_clear(lx_org *o);
int lx_org_add(lx_db *db, lx_org *o, lx_ms now);
int lx_org_get(lx_db *db, const char *scope, int64_t id, lx_org *out);
int lx_org_update(lx_db *db, lx_org *o, lx_ms now);
int lx_orgs_each(lx_db *db, const char *scope, const lx_reg_filter *f,
		 int (*fn)(void *arg, const lx_org *o), void *arg);

#endif

/*
 * registry_int.h - what the registry's handlers share (registry.c,
 * registry_places.c, registry_import.c): the caller's rights, the list
 * query, a resident's fields checked the same way from JSON and from an
 * import row, the masked and full JSON forms.
 */
#ifndef LX_REGISTRY_INT_H
#define LX_REGISTRY_INT_H

#include "api.h"
#include "repo_registry.h"


/* Whether the caller holds registry_sensitive / unmask (lianxin.conf's
 * registry_sensitive_roles, unmask_roles). */
bool lx_reg_sees_sensitive(const lx_req *r);
bool lx_reg_may_unmask(const lx_req *r);

/* The tag list, loaded once per request that needs it. */
typedef struct lx_reg_tags {
	lx_tag *t;
	size_t n;
} lx_reg_tags;
int lx_reg_tags_load(lx_db *db, lx_reg_tags *tags);
void lx_reg_tags_free(lx_reg_tags *tags);
/* The tag named s, or NULL. */
const lx_tag *lx_reg_tag(const lx_reg_tags *tags, const char *s);

/* A parsed list query: the filter, the unit_id's unit (owned), the page. */
typedef struct lx_reg_query {
	lx_reg_filter f;
	lx_unit unit;
} lx_reg_query;
/* Parses unit_id, q, tag, type, household_id, limit (1..500, 50) and
 * cursor of r's query string. LX_OK (caller clears q), or a status after
 * replying (400 bad_parameter, 404 for a unit outside the scope). */
int lx_reg_query_parse_or_reply(lx_req *r, lx_reg_query *q);
void lx_reg_query_clear(lx_reg_query *q);
/* Writes the page's end: closes items, writes next_cursor (last_id when
 * the page is full), closes the object and replies 200. */
int lx_reg_page_reply(lx_req *r, lx_jw *w, size_t n, const lx_reg_query *q, int64_t last_id);

/* A territorial unit in the caller's scope (a household, resident, place
 * or organisation's unit), or a reply: 422 unknown_unit when it is not
 * there (field names the field). */
int lx_reg_unit_or_reply(lx_req *r, int64_t id, const char *field, lx_unit *out);

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

/* JSON forms. A masked resident hides the phone (138****5678), the ID
 * number (first and last character), the carers' phones, and the
 * sensitive tags from a caller without registry_sensitive. */
void lx_reg_resident_write(lx_jw *w, lx_req *r, const lx_resident *p, const lx_reg_tags *tags, bool masked);
void lx_reg_household_write(lx_jw *w, lx_req *r, const lx_household *h);
void lx_reg_place_write(lx_jw *w, lx_req *r, const lx_place *p);
void lx_reg_org_write(lx_jw *w, lx_req *r, const lx_org *o);

#endif

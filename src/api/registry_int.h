/*
 * registry_int.h - what the registry's handlers share (registry.c,
 * registry_places.c, registry_import.c): the caller's rights, the list
 * query, a resident's fields checked the same way from JSON and from an
 * import row, the masked and full JSON forms.
 */
#ifndef LX_REGISTRY_INT_H
#define LX_REGISTRY_INT_H

#include "api.h"
#include "field.h"
#include "repo_registry.h"


/* Whether the caller holds registry_sensitive / unmask (lianxin.conf's
 * registry_sensitive_roles, unmask_roles). */
bool lx_reg_sees_sensitive(const lx_req *r);
bool lx_reg_may_unmask(const lx_req *r);

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

/* A territorial unit in the caller's scope (a household, resident, place
 * or organisation's unit), or a reply: 422 unknown_unit when it is not
 * there (field names the field). */
int lx_reg_unit_or_reply(lx_req *r, int64_t id, const char *field, lx_unit *out);

/* JSON forms. A masked resident hides the phone (138****5678), the ID
 * number (first and last character), the contacts' phones, and the
 * sensitive tags from a caller without registry_sensitive. */
void lx_reg_resident_write(lx_jw *w, lx_req *r, const lx_resident *p, const lx_reg_tags *tags, bool masked);
void lx_reg_household_write(lx_jw *w, lx_req *r, const lx_household *h);
void lx_reg_place_write(lx_jw *w, lx_req *r, const lx_place *p);
void lx_reg_org_write(lx_jw *w, lx_req *r, const lx_org *o);

#endif

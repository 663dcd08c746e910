/*
 * duty.c - the duty list: which unit a category's rule names for a case
 * at a place (flow.h). Intake, Open311 and the field's hazards ask it.
 */
#include "flow_int.h"

#include <stdlib.h>
#include <string.h>

/* A community (社区) and a village (村) are one tier of the grid tree, the
 * town's and the countryside's: a rule naming either finds the other. */
static bool lx_same_tier(const char *kind, const char *rule)
{
	if (strcmp(kind, rule) == 0)
		return true;
	return (strcmp(kind, "village") == 0 && strcmp(rule, "community") == 0) ||
	       (strcmp(kind, "community") == 0 && strcmp(rule, "village") == 0);
}

int lx_flow_duty_unit(lx_db *db, const lx_category *cat, const lx_unit *loc, lx_unit *out)
{
	int rc = LX_NOTFOUND;
	lx_unit *anc = NULL;
	size_t n = 0;
	if (!cat || !cat->resp_kind || !cat->resp_value)
		return LX_NOTFOUND;
	if (strcmp(cat->resp_kind, "unit_id") == 0)
		return lx_unit_get(db, "/", strtoll(cat->resp_value, NULL, 10), out);
	if (loc) {
		rc = lx_unit_ancestors(db, loc, &anc, &n);
		if (rc != LX_OK)
			return rc;
		rc = LX_NOTFOUND;
	}
	if (strcmp(cat->resp_kind, "unit_kind") == 0) {
		for (size_t i = n; i-- > 0;) {
			if (lx_same_tier(anc[i].kind, cat->resp_value)) {
				*out = anc[i];
				memset(&anc[i], 0, sizeof anc[i]);
				rc = LX_OK;
				break;
			}
		}
	} else if (strcmp(cat->resp_kind, "unit_name") == 0) {
		const char *under = NULL;
		for (size_t i = 0; i < n && !under; i++)
			if (strcmp(anc[i].kind, "district") == 0)
				under = anc[i].path;
		rc = lx_unit_find_named(db, under, "department", cat->resp_value, out);
	}
	for (size_t i = 0; i < n; i++)
		lx_unit_clear(&anc[i]);
	free(anc);
	return rc;
}


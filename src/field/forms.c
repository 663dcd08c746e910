/*
 * forms.c - checklist forms kept in the store (field.h): a definition is
 * checked by core/form.c and its hazard rules must name categories that
 * exist; init ships the winter gas check and the 天天敲门 knock.
 */
#include "field.h"
#include "form.h"
#include "repo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int lx_field_form_check(lx_db *db, const json_t *questions, lx_form_error *err)
{
	lx_form *f = NULL;
	int rc = lx_form_parse(questions, &f, err);
	if (rc != LX_OK)
		return rc;
	const char *const *codes = NULL;
	size_t n = lx_form_hazard_categories(f, &codes);
	for (size_t i = 0; i < n && rc == LX_OK; i++) {
		lx_category c;
		rc = lx_category_get(db, codes[i], &c);
		if (rc == LX_OK) {
			lx_category_clear(&c);
		} else if (rc == LX_NOTFOUND) {
			snprintf(err->field, sizeof err->field, "questions");
			snprintf(err->message, sizeof err->message,
				 "a hazard rule names category %.40s, which does not exist", codes[i]);
			rc = LX_INVALID;
		}
	}
	lx_form_free(f);
	return rc;
}

int lx_field_seed_forms(lx_db *db, lx_ms now)
{
	struct {
		const char *code, *name;
		json_t *(*make)(void);
	} ready[] = {
		{"gas_winter", LX_FORM_BUILTIN_GAS_NAME, lx_form_builtin_gas},
		{"knock", LX_FORM_BUILTIN_KNOCK_NAME, lx_form_builtin_knock},
	};
	for (size_t i = 0; i < sizeof ready / sizeof ready[0]; i++) {
		int64_t id;
		int rc = lx_form_by_code(db, ready[i].code, &id);
		if (rc == LX_OK)
			continue;
		if (rc != LX_NOTFOUND)
			return rc;
		json_t *q = ready[i].make();
		lx_form_error fe;
		rc = q ? lx_field_form_check(db, q, &fe) : LX_ERR;
		if (rc != LX_OK) {
			/* a ready form the build does not accept is a bug: say which */
			fprintf(stderr, "lianxin: the ready form %s does not check: %s: %s\n", ready[i].code, fe.field,
				fe.message);
			json_decref(q);
			return LX_ERR;
		}
		lx_form_row row = {.code = (char *)ready[i].code, .name = (char *)ready[i].name};
		row.questions = json_dumps(q, JSON_COMPACT);
		json_decref(q);
		rc = lx_form_insert(db, &row, 0, now);
		free(row.questions);
		if (rc != LX_OK)
			return rc;
	}
	return LX_OK;
}

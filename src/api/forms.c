/*
 * forms.c - checklist forms: GET|POST /api/v1/forms, GET|PATCH
 * /api/v1/forms/{id}. A change is a new version; every version stays
 * readable (?version=), since a visit names the one it used.
 */
#include "field.h"
#include "form.h"
#include "api.h"

#include <stdlib.h>
#include <string.h>

struct lx_form_in {
	const char *name;
	json_t *questions;
	bool has_questions;
	int64_t version;
	bool has_version;
};
#define FI struct lx_form_in
static const lx_field lx_form_create_fields[] = {
	LX_FIELD(FI, name, LX_F_STR, .required = true, .max = 64),
	LX_FIELD_HAS(FI, questions, LX_F_JSON, .required = true,
		     .doc = "[{name, type, label, required?, relevant?, constraint?, hazard_if?}] (core/form.h)"),
	LX_FIELD_END,
};
static const lx_field lx_form_patch_fields[] = {
	LX_FIELD(FI, name, LX_F_STR, .max = 64),
	LX_FIELD_HAS(FI, questions, LX_F_JSON, .doc = "the new version's questions"),
	LX_FIELD_HAS(FI, version, LX_F_INT, .min = 1, .max = 1e6, .doc = "the version edited (409 when stale)"),
	LX_FIELD_END,
};
const lx_schema lx_form_create_schema = {"form_create", lx_form_create_fields, NULL, sizeof(FI)};
const lx_schema lx_form_patch_schema = {"form_patch", lx_form_patch_fields, NULL, sizeof(FI)};

static int lx_form_reply(lx_req *r, int status, const lx_form_row *f)
{
	json_t *q = json_loads(f->questions, 0, NULL);
	char upd[40];
	lx_time_format(f->updated_at, r->app->tz_offset_min, upd, sizeof upd);
	return lx_reply_json(r, status, json_pack("{s:I, s:s?, s:s, s:i, s:o, s:s}", "id", (json_int_t)f->id, "code",
						  f->code, "name", f->name, "version", f->version, "questions",
						  q ? q : json_array(), "updated_at", upd));
}

/* The definition checked, as stored text into *text; replies on error. */
static int lx_questions_or_reply(lx_req *r, json_t *questions, char **text)
{
	lx_form_error fe = {0};
	int rc = lx_field_form_check(r->db, questions, &fe);
	if (rc == LX_INVALID)
		return lx_reply_error(r, 422, "invalid_form", fe.field, "%s", fe.message);
	if (rc != LX_OK)
		return lx_reply_store_error(r, rc);
	*text = json_dumps(questions, JSON_COMPACT);
	return LX_OK;
}

int lx_api_forms_list(lx_req *r)
{
	json_t *arr = lx_form_list(r->db);
	if (!arr)
		return lx_reply_store_error(r, LX_ERR);
	/* times as the API writes them */
	size_t i;
	json_t *f;
	json_array_foreach(arr, i, f) {
		char upd[40];
		lx_time_format(json_integer_value(json_object_get(f, "updated_at")), r->app->tz_offset_min, upd,
			       sizeof upd);
		json_object_set_new(f, "updated_at", json_string(upd));
	}
	return lx_reply_json(r, 200, arr);
}

int lx_api_forms_create(lx_req *r)
{
	const FI *in = r->in;
	lx_form_row f = {.name = (char *)in->name};
	if (!*in->name)
		return lx_reply_error(r, 422, "required", "name", "a form needs a name");
	int rc = lx_questions_or_reply(r, in->questions, &f.questions);
	if (rc != LX_OK)
		return rc;
	rc = lx_form_insert(r->db, &f, r->user.id, lx_now_ms());
	rc = rc == LX_OK ? lx_form_reply(r, 201, &f) : lx_reply_store_error(r, rc);
	free(f.questions);
	return rc;
}

int lx_api_forms_get(lx_req *r)
{
	int64_t id, version = 0;
	lx_form_row f;
	if (!lx_req_id(r, 0, &id))
		return lx_reply_error(r, 404, "not_found", NULL, "no such form");
	if (!lx_query_posint_or_reply(r, "version", 1000000, &version))
		return LX_BADREQ;
	int rc = lx_form_load(r->db, id, (int)version, &f);
	if (rc != LX_OK)
		return lx_reply_store_error(r, rc);
	rc = lx_form_reply(r, 200, &f);
	lx_form_row_clear(&f);
	return rc;
}

int lx_api_forms_patch(lx_req *r)
{
	const FI *in = r->in;
	int64_t id;
	lx_form_row f;
	char *text = NULL;
	if (!lx_req_id(r, 0, &id))
		return lx_reply_error(r, 404, "not_found", NULL, "no such form");
	int rc = lx_form_load(r->db, id, 0, &f);
	if (rc != LX_OK)
		return lx_reply_store_error(r, rc);
	if (in->has_version && in->version != f.version) {
		rc = lx_reply_error(r, 409, "stale_version", "version", "the form has a newer version (%d)", f.version);
		goto cleanup;
	}
	if (in->name && !*in->name) {
		rc = lx_reply_error(r, 422, "required", "name", "a form needs a name");
		goto cleanup;
	}
	if (in->has_questions && (rc = lx_questions_or_reply(r, in->questions, &text)) != LX_OK)
		goto cleanup;
	if (in->name) {
		free(f.name);
		f.name = lx_xstrdup(in->name);
	}
	if (text) {
		free(f.questions);
		f.questions = text;
		text = NULL;
	}
	rc = lx_form_new_version(r->db, &f, r->user.id, lx_now_ms());
	if (rc == LX_CONFLICT)
		rc = lx_reply_error(r, 409, "stale_version", "version", "the form changed meanwhile");
	else
		rc = rc == LX_OK ? lx_form_reply(r, 200, &f) : lx_reply_store_error(r, rc);
cleanup:
	free(text);
	lx_form_row_clear(&f);
	return rc;
}

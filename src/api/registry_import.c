/*
 * registry_import.c - POST /api/v1/registry/import?kind=households|
 * residents|places&dry_run=true|false: a CSV (UTF-8 or GBK) or XLSX file,
 * every row checked before the write job (field/import.c), then all or
 * nothing. A dry run answers what the import would do and writes nothing.
 */
#include "field.h"
#include "registry_int.h"
#include "xlsx.h"

#include <stdlib.h>
#include <string.h>

struct lx_reg_import_state {
	lx_csv *table;
	lx_reg_import *im;
	bool dry_run;
};

static void lx_import_state_free(void *arg)
{
	struct lx_reg_import_state *s = arg;
	lx_csv_free(s->table);
	lx_reg_import_free(s->im);
	free(s);
}

static int lx_import_answer(lx_req *r, int status)
{
	struct lx_reg_import_state *s = r->state;
	json_t *errors = lx_reg_import_errors(s->im);
	bool ok = json_array_size(errors) == 0;
	/* a failed import writes nothing: it created and updated nothing */
	bool counts = ok || s->dry_run;
	json_t *j = json_pack("{s:I, s:I, s:O, s:b}", "created",
			      (json_int_t)(counts ? lx_reg_import_created(s->im) : 0), "updated",
			      (json_int_t)(counts ? lx_reg_import_updated(s->im) : 0), "errors", errors, "dry_run",
			      s->dry_run);
	if (status >= 400)
		json_object_set_new(j, "error", json_pack("{s:s, s:s}", "code", "bad_rows", "message",
							  "some rows are bad (errors lists them); nothing was written"));
	return lx_reply_json(r, status, j);
}

/* The body as a table: XLSX by its zip signature, else CSV. Replies on error. */
static int lx_import_table_or_reply(lx_req *r, lx_csv **out)
{
	char err[200] = "";
	int rc = lx_xlsx_sniff(r->body.data, r->body.len) ? lx_xlsx_parse(r->body.data, r->body.len, out, err, sizeof err)
							      : lx_csv_parse(r->body.data, r->body.len, out, err, sizeof err);
	if (rc == LX_INVALID)
		return lx_reply_error(r, 422, "bad_file", NULL, "%s", err);
	return rc == LX_OK ? LX_OK : lx_reply_store_error(r, rc);
}

int lx_api_registry_import_check(lx_req *r)
{
	lx_import_kind kind;
	const char *dry = lx_req_arg(r, "dry_run");
	if (r->too_large)
		return lx_reply_error(r, 413, "too_large", NULL, "the file is larger than %zu bytes (lianxin import "
								 "registry takes any size)", r->app->upload_limit);
	if (!lx_import_kind_parse(lx_req_arg(r, "kind"), &kind))
		return lx_reply_error(r, 400, "bad_parameter", "kind", "kind is households, residents or places");
	if (dry && strcmp(dry, "true") != 0 && strcmp(dry, "false") != 0)
		return lx_reply_error(r, 400, "bad_parameter", "dry_run", "dry_run is true or false");
	if (!r->body.len)
		return lx_reply_error(r, 400, "empty_body", NULL, "send a CSV or XLSX file");
	struct lx_reg_import_state *s = lx_xcalloc(1, sizeof *s);
	r->state = s;
	r->state_free = lx_import_state_free;
	s->dry_run = dry && strcmp(dry, "true") == 0;
	int rc = lx_import_table_or_reply(r, &s->table);
	if (rc != LX_OK)
		return rc;
	char err[200] = "";
	rc = lx_reg_import_check(r->db, r->user.scope, lx_reg_sees_sensitive(r), kind, s->table, &s->im, err,
				 sizeof err, NULL, NULL);
	if (rc == LX_INVALID)
		return lx_reply_error(r, 422, "bad_file", NULL, "%s", err);
	if (rc != LX_OK)
		return lx_reply_store_error(r, rc);
	/* a dry run, or a file with bad rows, is answered here: no write job */
	if (s->dry_run) {
		lx_import_answer(r, 200);
		return LX_ANSWERED;
	}
	if (json_array_size(lx_reg_import_errors(s->im))) {
		lx_import_answer(r, 422);
		return LX_INVALID;
	}
	return LX_OK;
}

int lx_api_registry_import(lx_req *r)
{
	struct lx_reg_import_state *s = r->state;
	int rc = lx_reg_import_apply(r->db, s->im, r->user.id, lx_now_ms(), NULL, NULL);
	if (rc == LX_CONFLICT)
		return lx_reply_error(r, 409, "conflict", NULL,
				      "the registry changed while the file was checked; send it again");
	return rc == LX_OK ? LX_OK : lx_reply_store_error(r, rc);
}

int lx_api_registry_import_reply(lx_req *r)
{
	return lx_import_answer(r, 200);
}

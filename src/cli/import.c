/*
 * import.c - `lianxin import registry FILE --kind K --db URL [--unit-scope
 * CODE] [--dry-run]`: the registry import of field/import.c from the
 * command line, for files larger than an upload, with a progress bar on a
 * terminal. The same checks as POST /api/v1/registry/import; the whole file
 * in one transaction.
 */
#include "cli.h"
#include "field.h"
#include "repo.h"
#include "xlsx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A bar on stderr when it is a terminal; nothing otherwise. */
static void lx_bar(void *arg, const char *phase, size_t done, size_t total)
{
	(void)arg;
	if (!isatty(2) || total == 0)
		return;
	int width = 40, fill = (int)(done * (size_t)width / total);
	fprintf(stderr, "\r%-6s [%.*s%*s] %zu/%zu", phase, fill, "########################################",
		width - fill, "", done, total);
	if (done == total)
		fputc('\n', stderr);
}

static int lx_read_file(const char *path, lx_buf *b)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return LX_ERR;
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		lx_buf_append(b, chunk, n);
	int rc = ferror(f) ? LX_ERR : LX_OK;
	fclose(f);
	return rc;
}

static void lx_print_errors(json_t *errors)
{
	size_t i;
	json_t *e;
	json_array_foreach(errors, i, e) {
		if (i == 50) {
			fprintf(stderr, "... and %zu more\n", json_array_size(errors) - 50);
			break;
		}
		fprintf(stderr, "line %lld: %s\n", (long long)json_integer_value(json_object_get(e, "line")),
			json_string_value(json_object_get(e, "message")));
	}
}

int lx_cli_import_registry(const char *url, const char *file, const char *kind_name, bool dry_run)
{
	lx_import_kind kind;
	lx_buf b;
	lx_db *db = NULL;
	lx_csv *t = NULL;
	lx_reg_import *im = NULL;
	char err[256] = "";
	int rc = LX_INVALID;
	lx_buf_init(&b);
	if (!file || !lx_import_kind_parse(kind_name, &kind)) {
		fprintf(stderr, "lianxin import registry FILE --kind households|residents|places --db URL [--dry-run]\n");
		goto cleanup;
	}
	if (lx_read_file(file, &b) != LX_OK) {
		fprintf(stderr, "lianxin: cannot read %s\n", file);
		rc = LX_ERR;
		goto cleanup;
	}
	rc = lx_xlsx_sniff(b.data, b.len) ? lx_xlsx_parse(b.data, b.len, &t, err, sizeof err)
					   : lx_csv_parse(b.data, b.len, &t, err, sizeof err);
	if (rc == LX_OK)
		rc = lx_cli_open(url, &db);
	if (rc == LX_OK)
		rc = lx_reg_import_check(db, "/", true, kind, t, &im, err, sizeof err, lx_bar, NULL);
	if (rc != LX_OK) {
		if (*err)
			fprintf(stderr, "lianxin: %s: %s\n", file, err);
		goto cleanup;
	}
	json_t *errors = lx_reg_import_errors(im);
	if (json_array_size(errors)) {
		lx_print_errors(errors);
		fprintf(stderr, "lianxin: %zu bad rows; nothing was written\n", json_array_size(errors));
		rc = LX_INVALID;
		goto cleanup;
	}
	if (!dry_run) {
		rc = lx_db_begin(db, true);
		if (rc == LX_OK)
			rc = lx_reg_import_apply(db, im, 0, lx_now_ms(), lx_bar, NULL);
		if (rc == LX_OK)
			rc = lx_db_commit(db);
		else
			lx_db_rollback(db);
		if (rc != LX_OK) {
			fprintf(stderr, "lianxin: the import failed, nothing was written: %s\n", lx_db_errmsg(db));
			goto cleanup;
		}
	}
	printf("lianxin: %s%zu created, %zu updated\n", dry_run ? "dry run, nothing written: " : "",
	       lx_reg_import_created(im), lx_reg_import_updated(im));
cleanup:
	lx_reg_import_free(im);
	lx_csv_free(t);
	lx_db_close(db);
	lx_buf_free(&b);
	return rc;
}

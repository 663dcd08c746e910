/*
 * fuzz_csv.c - the CSV reader (core/csv.c: UTF-8, UTF-8 with BOM, GBK /
 * GB18030 through iconv) and the unit import that reads its rows
 * (api/units.c lx_api_units_import_read: columns by their English or
 * Chinese names, codes, kinds, GeoJSON boundaries in a column).
 *
 * Properties: a table's fields are valid UTF-8 and its rows start on
 * increasing lines; a failure says which line; the table written back as
 * CSV (every field quoted) reads as the same table; the import answers with
 * the contract's JSON or leaves its checked rows for the write job.
 */
#include "fuzz.h"
#include "csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	lx_flow_init();
	return 0;
}

/* The table as RFC 4180 text with every field quoted. */
static void fuzz_write_csv(const lx_csv *t, lx_buf *b)
{
	for (size_t i = 0; i < t->nrows; i++) {
		for (size_t k = 0; k < t->rows[i].nfields; k++) {
			if (k)
				lx_buf_putc(b, ',');
			lx_buf_putc(b, '"');
			for (const char *p = t->rows[i].fields[k]; *p; p++) {
				if (*p == '"')
					lx_buf_putc(b, '"');
				lx_buf_putc(b, *p);
			}
			lx_buf_putc(b, '"');
		}
		lx_buf_puts(b, "\r\n");
	}
}

static void fuzz_table(const uint8_t *data, size_t size)
{
	static const char *const names[] = {"code", "编码", "名称", "name", "kind", "类型", NULL};
	char err[200];
	lx_csv *t = NULL;
	int rc = lx_csv_parse((const char *)data, size, &t, err, sizeof err);
	if (rc != LX_OK) {
		size_t line = 0;
		FUZZ_CHECK(rc == LX_INVALID, "lx_csv_parse returned %d (%s)", rc, err);
		FUZZ_CHECK(sscanf(err, "line %zu:", &line) == 1 && line >= 1, "an error without its line: %s", err);
		return;
	}
	FUZZ_CHECK(strcmp(t->encoding, "utf-8") == 0 || strcmp(t->encoding, "gbk") == 0, "encoding %s",
		   t->encoding);
	size_t last = 0;
	for (size_t i = 0; i < t->nrows; i++) {
		const lx_csv_row *row = &t->rows[i];
		FUZZ_CHECK(row->nfields >= 1, "row %zu has no field", i);
		FUZZ_CHECK(row->line > last, "row %zu starts on line %zu after line %zu", i, row->line, last);
		last = row->line;
		for (size_t k = 0; k < row->nfields; k++)
			FUZZ_CHECK(lx_utf8_valid(row->fields[k], strlen(row->fields[k])), "row %zu field %zu is not UTF-8",
				   i, k);
		FUZZ_CHECK(*lx_csv_field(row, -1) == '\0' && *lx_csv_field(row, (int)row->nfields) == '\0',
			   "a field beyond the row");
	}
	int col = lx_csv_column(t, names);
	FUZZ_CHECK(col < 0 || (t->nrows && (size_t)col < t->rows[0].nfields), "column %d", col);

	/* written back with every field quoted, it reads the same */
	lx_buf b;
	lx_buf_init(&b);
	fuzz_write_csv(t, &b);
	lx_csv *again = NULL;
	rc = lx_csv_parse(b.data, b.len, &again, err, sizeof err);
	FUZZ_CHECK(rc == LX_OK, "the table written back does not read: %s", err);
	FUZZ_CHECK(again->nrows == t->nrows, "%zu rows written back read as %zu", t->nrows, again->nrows);
	for (size_t i = 0; i < t->nrows; i++) {
		FUZZ_CHECK(again->rows[i].nfields == t->rows[i].nfields, "row %zu: %zu fields read back as %zu", i,
			   t->rows[i].nfields, again->rows[i].nfields);
		for (size_t k = 0; k < t->rows[i].nfields; k++)
			FUZZ_CHECK(strcmp(again->rows[i].fields[k], t->rows[i].fields[k]) == 0,
				   "row %zu field %zu: \"%s\" read back as \"%s\"", i, k, t->rows[i].fields[k],
				   again->rows[i].fields[k]);
	}
	lx_csv_free(again);
	lx_buf_free(&b);
	lx_csv_free(t);
}

/* The unit import's reading of the same bytes, as the route's prepare. */
static void fuzz_import(const uint8_t *data, size_t size)
{
	fuzz_req f;
	fuzz_req_init(&f, "POST", "/api/v1/units/import", data, size);
	fuzz_req_header(&f, "Content-Type", "text/csv; charset=gbk");
	int rc = lx_api_units_import_read(&f.r);
	if (rc == LX_OK) {
		FUZZ_CHECK(!f.r.out, "the import replied and went on");
		FUZZ_CHECK(f.r.state, "the import kept no rows");
	} else {
		FUZZ_CHECK(f.r.out && f.r.status >= 400, "import %d without an error reply", rc);
		fuzz_check_reply(&f.r);
	}
	fuzz_req_free(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_table(data, size);
	fuzz_import(data, size);
	return 0;
}

/*
 * fuzz_xlsx.c - the .xlsx reader (core/xlsx.c: libzip for the archive,
 * expat for the XML: workbook, relationships, styles, shared strings, the
 * first worksheet).
 *
 * Input: an archive as it is when it starts with "PK" (the zip handling);
 * otherwise XML parts separated by NUL bytes (which XML cannot hold), in
 * order the sheet, sharedStrings.xml, styles.xml, workbook.xml and
 * workbook.xml.rels (an empty one is left out), stored in an archive made
 * here, so the mutations go to the XML rather than to checksums.
 *
 * Properties: a failure is LX_INVALID with a message in printable ASCII and
 * the table untouched; a table has encoding "xlsx", rows on increasing
 * lines within the sheet's 1,048,576, 1 to 16,384 fields a row, the last
 * one not empty, every field UTF-8 without surrounding spaces/tabs; the
 * table written back as a sheet of inline strings reads as the same table.
 */
#include "fuzz.h"
#include "xlsx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

/* Returns a malloc'd zip of n > 0 entries (stored, not deflated); its size in *len. */
static char *fuzz_zip(const char *const *names, const char *const *data, const size_t *sizes, size_t n,
		      size_t *len)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
	FUZZ_CHECK(src, "zip_source_buffer_create: %s", zip_error_strerror(&ze));
	zip_t *za = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
	FUZZ_CHECK(za, "zip_open_from_source: %s", zip_error_strerror(&ze));
	zip_source_keep(src);
	for (size_t i = 0; i < n; i++) {
		zip_source_t *s = zip_source_buffer(za, data[i], sizes[i], 0);
		FUZZ_CHECK(s, "zip_source_buffer: %s", zip_strerror(za));
		zip_int64_t idx = zip_file_add(za, names[i], s, 0);
		FUZZ_CHECK(idx >= 0, "zip_file_add: %s", zip_strerror(za));
		zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
	}
	FUZZ_CHECK(zip_close(za) == 0, "zip_close: %s", zip_strerror(za));
	FUZZ_CHECK(zip_source_open(src) == 0, "zip_source_open");
	zip_source_seek(src, 0, SEEK_END);
	zip_int64_t size = zip_source_tell(src);
	zip_source_seek(src, 0, SEEK_SET);
	FUZZ_CHECK(size > 0, "an empty archive");
	char *buf = lx_xmalloc((size_t)size);
	FUZZ_CHECK(zip_source_read(src, buf, (zip_uint64_t)size) == size, "zip_source_read");
	zip_source_close(src);
	zip_source_free(src);
	zip_error_fini(&ze);
	*len = (size_t)size;
	return buf;
}

/* Appends a field as the text of an inline string: XML's characters as
 * references, '_' and the characters XML cannot hold (CR too, which XML
 * would read as LF) as _xHHHH_ escapes. */
static void fuzz_put_text(lx_buf *b, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '&')
			lx_buf_puts(b, "&amp;");
		else if (*p == '<')
			lx_buf_puts(b, "&lt;");
		else if (*p == '>')
			lx_buf_puts(b, "&gt;");
		else if (*p == '_' || (*p < 0x20 && *p != '\t' && *p != '\n'))
			lx_buf_printf(b, "_x%04X_", *p);
		else if (p[0] == 0xEF && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF)) {
			lx_buf_printf(b, "_x%04X_", p[2] == 0xBE ? 0xFFFEu : 0xFFFFu); /* U+FFFE, U+FFFF */
			p += 2;
		} else
			lx_buf_putc(b, (char)*p);
	}
}

/* The column letters of 1-based col. */
static void fuzz_col(lx_buf *b, size_t col)
{
	char letters[8];
	size_t n = 0;
	for (; col > 0; col = (col - 1) / 26)
		letters[n++] = (char)('A' + (col - 1) % 26);
	while (n > 0)
		lx_buf_putc(b, letters[--n]);
}

/* The table as a worksheet of inline strings, each cell at its reference. */
static void fuzz_write_sheet(const lx_csv *t, lx_buf *b)
{
	lx_buf_puts(b, "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>");
	for (size_t i = 0; i < t->nrows; i++) {
		const lx_csv_row *row = &t->rows[i];
		lx_buf_printf(b, "<row r=\"%zu\">", row->line);
		for (size_t k = 0; k < row->nfields; k++) {
			if (!row->fields[k][0])
				continue;
			lx_buf_puts(b, "<c r=\"");
			fuzz_col(b, k + 1);
			lx_buf_printf(b, "%zu\" t=\"inlineStr\"><is><t>", row->line);
			fuzz_put_text(b, row->fields[k]);
			lx_buf_puts(b, "</t></is></c>");
		}
		lx_buf_puts(b, "</row>");
	}
	lx_buf_puts(b, "</sheetData></worksheet>");
}

static void fuzz_check_table(const lx_csv *t)
{
	size_t last = 0;
	FUZZ_CHECK(strcmp(t->encoding, "xlsx") == 0, "encoding %s", t->encoding);
	for (size_t i = 0; i < t->nrows; i++) {
		const lx_csv_row *row = &t->rows[i];
		FUZZ_CHECK(row->line > last && row->line <= LX_XLSX_MAX_ROWS, "row %zu on line %zu after line %zu", i,
			   row->line, last);
		last = row->line;
		FUZZ_CHECK(row->nfields >= 1 && row->nfields <= LX_XLSX_MAX_COLS, "row %zu has %zu fields", i,
			   row->nfields);
		FUZZ_CHECK(row->fields[row->nfields - 1][0], "row %zu ends with an empty field", i);
		for (size_t k = 0; k < row->nfields; k++) {
			const char *f = row->fields[k];
			size_t n = strlen(f);
			FUZZ_CHECK(lx_utf8_valid(f, n), "row %zu field %zu is not UTF-8", i, k);
			FUZZ_CHECK(n == 0 || (f[0] != ' ' && f[0] != '\t' && f[n - 1] != ' ' && f[n - 1] != '\t'),
				   "row %zu field %zu is not trimmed: \"%s\"", i, k, f);
		}
	}
}

/* Parses an archive; checks the properties. */
static void fuzz_parse(const char *data, size_t len)
{
	char err[256];
	lx_csv *sentinel = (lx_csv *)(uintptr_t)0x1234, *t = sentinel;
	int rc = lx_xlsx_parse(data, len, &t, err, sizeof err);
	if (rc != LX_OK) {
		FUZZ_CHECK(rc == LX_INVALID, "lx_xlsx_parse returned %d (%s)", rc, err);
		FUZZ_CHECK(t == sentinel, "a failure set the table");
		FUZZ_CHECK(err[0], "a failure without a message");
		for (const char *p = err; *p; p++)
			FUZZ_CHECK(*p >= 0x20 && *p < 0x7f, "the message is not printable ASCII: %s", err);
		return;
	}
	fuzz_check_table(t);

	/* written back as inline strings, it reads the same */
	{
		lx_buf b;
		lx_buf_init(&b);
		fuzz_write_sheet(t, &b);
		const char *name = "xl/worksheets/sheet1.xml", *xml = b.data;
		size_t zlen;
		char *z = fuzz_zip(&name, &xml, &b.len, 1, &zlen);
		lx_csv *back = NULL;
		rc = lx_xlsx_parse(z, zlen, &back, err, sizeof err);
		FUZZ_CHECK(rc == LX_OK, "the table written back does not read: %s", err);
		FUZZ_CHECK(back->nrows == t->nrows, "%zu rows written back read as %zu", t->nrows, back->nrows);
		for (size_t i = 0; i < t->nrows; i++) {
			FUZZ_CHECK(back->rows[i].line == t->rows[i].line, "row %zu: line %zu read back as %zu", i,
				   t->rows[i].line, back->rows[i].line);
			FUZZ_CHECK(back->rows[i].nfields == t->rows[i].nfields, "row %zu: %zu fields read back as %zu",
				   i, t->rows[i].nfields, back->rows[i].nfields);
			for (size_t k = 0; k < t->rows[i].nfields; k++)
				FUZZ_CHECK(strcmp(back->rows[i].fields[k], t->rows[i].fields[k]) == 0,
					   "row %zu field %zu: \"%s\" read back as \"%s\"", i, k, t->rows[i].fields[k],
					   back->rows[i].fields[k]);
		}
		lx_csv_free(back);
		free(z);
		lx_buf_free(&b);
	}
	lx_csv_free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/styles.xml",
					    "xl/workbook.xml", "xl/_rels/workbook.xml.rels"};
	const char *s = (const char *)data;
	if (size >= 2 && s[0] == 'P' && s[1] == 'K') {
		fuzz_parse(s, size);
		return 0;
	}
	const char *entries[5], *parts[5];
	size_t sizes[5], n = 0, at = 0;
	for (size_t i = 0; i < 5; i++) {
		const char *nul = at < size ? memchr(s + at, '\0', size - at) : NULL;
		size_t end = nul ? (size_t)(nul - s) : size;
		if (end > at) {
			entries[n] = names[i];
			parts[n] = s + at;
			sizes[n++] = end - at;
		}
		if (!nul)
			break;
		at = end + 1;
	}
	if (n == 0) {
		fuzz_parse(NULL, 0); /* libzip writes no archive without entries */
		return 0;
	}
	size_t zlen;
	char *z = fuzz_zip(entries, parts, sizes, n, &zlen);
	fuzz_parse(z, zlen);
	free(z);
	return 0;
}

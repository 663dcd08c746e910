/*
 * sheet.c - an .xlsx download of rows (sheet.h).
 */
#include "api.h"
#include "scrub.h"
#include "sheet.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <xlsxwriter.h>

struct lx_sheet {
	char *path;
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *wrap;
	int ncols;
	size_t rows;          /* data rows written (the header is row 0) */
	bool error;
};

static const char *lx_tmpdir(void)
{
	const char *t = getenv("TMPDIR");
	return t && *t ? t : "/tmp";
}

void lx_sheet_free(lx_sheet *s)
{
	if (!s)
		return;
	if (s->wb)
		workbook_close(s->wb);
	if (s->path) {
		unlink(s->path);
		free(s->path);
	}
	free(s);
}

int lx_sheet_open_or_reply(lx_req *r, const char *name, const char *const *titles, const double *widths,
			   int ncols, lx_sheet **out)
{
	lx_sheet *s = lx_xcalloc(1, sizeof *s);
	*out = NULL;
	/* libxlsxwriter 1.1 writes to a named file: reserve one, then reuse it */
	s->path = lx_xasprintf("%s/lianxin-export-XXXXXX", lx_tmpdir());
	int fd = mkstemp(s->path);
	if (fd < 0) {
		free(s->path);
		s->path = NULL;
		lx_sheet_free(s);
		return lx_reply_error(r, 500, "internal", NULL, "cannot create a temporary file");
	}
	close(fd);
	lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = (char *)lx_tmpdir()};
	s->wb = workbook_new_opt(s->path, &opt);
	if (!s->wb) {
		lx_sheet_free(s);
		return lx_reply_error(r, 500, "internal", NULL, "cannot start the workbook");
	}
	s->ws = workbook_add_worksheet(s->wb, name);
	lxw_format *head = workbook_add_format(s->wb);
	format_set_bold(head);
	format_set_bg_color(head, 0xDDEBF7);
	format_set_border(head, LXW_BORDER_THIN);
	s->wrap = workbook_add_format(s->wb);
	format_set_text_wrap(s->wrap);
	format_set_align(s->wrap, LXW_ALIGN_VERTICAL_TOP);
	for (int i = 0; i < ncols; i++) {
		worksheet_set_column(s->ws, (lxw_col_t)i, (lxw_col_t)i, widths[i], NULL);
		worksheet_write_string(s->ws, 0, (lxw_col_t)i, titles[i], head);
	}
	worksheet_freeze_panes(s->ws, 1, 1);
	s->ncols = ncols;
	*out = s;
	return LX_OK;
}

void lx_sheet_text(lx_sheet *s, int col, const char *text, bool wrap)
{
	if (!text || !text[0])
		return; /* the cell stays empty */
	char *clean = lx_scrub_xml_chars(text);
	lxw_error e = LXW_NO_ERROR;
	if (clean[0])
		e = worksheet_write_string(s->ws, (lxw_row_t)(s->rows + 1), (lxw_col_t)col, clean, wrap ? s->wrap : NULL);
	free(clean);
	if (e != LXW_NO_ERROR && e != LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED)
		s->error = true;
}

void lx_sheet_number(lx_sheet *s, int col, double v)
{
	if (worksheet_write_number(s->ws, (lxw_row_t)(s->rows + 1), (lxw_col_t)col, v, NULL) != LXW_NO_ERROR)
		s->error = true;
}

void lx_sheet_next(lx_sheet *s)
{
	s->rows++;
}

size_t lx_sheet_rows(const lx_sheet *s)
{
	return s->rows;
}

/* Reads the whole file at path into an owned buffer. */
static char *lx_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	lx_buf b;
	char chunk[65536];
	size_t n;
	if (!f)
		return NULL;
	lx_buf_init(&b);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		lx_buf_append(&b, chunk, n);
	bool bad = ferror(f);
	fclose(f);
	if (bad) {
		lx_buf_free(&b);
		return NULL;
	}
	*len = b.len;
	return lx_buf_steal(&b);
}

int lx_sheet_reply(lx_req *r, lx_sheet *s, const char *ascii, const char *zh_pct)
{
	size_t len = 0;
	int rc;
	if (s->rows)
		worksheet_autofilter(s->ws, 0, 0, (lxw_row_t)s->rows, (lxw_col_t)(s->ncols - 1));
	lxw_error e = workbook_close(s->wb);
	s->wb = NULL;
	char *data = e == LXW_NO_ERROR && !s->error ? lx_slurp(s->path, &len) : NULL;
	if (!data) {
		rc = lx_reply_error(r, 500, "internal", NULL, "cannot write the workbook: %s", lxw_strerror(e));
		goto cleanup;
	}
	char day[40];
	lx_time_format(lx_now_ms(), r->app->tz_offset_min, day, sizeof day);
	lx_reply_header(r, "Content-Disposition", "attachment; filename=\"%s-%.4s%.2s%.2s.xlsx\"; "
			"filename*=UTF-8''%s-%.4s%.2s%.2s.xlsx", ascii, day, day + 5, day + 8, zh_pct, day, day + 5, day + 8);
	rc = lx_reply_raw(r, 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", data, len);
cleanup:
	lx_sheet_free(s);
	return rc;
}

/*
 * xlsx.c - the first worksheet of an .xlsx workbook as an lx_csv table.
 *
 * libzip opens the archive in memory; each XML part is read in chunks
 * straight into expat's buffer, never whole, and the handlers keep only
 * what the table needs: the workbook's sheet list and date system, its
 * relationships, which cell styles are dates, the shared strings, and the
 * sheet's cells, which go into the table as each one ends (lx_csv_builder).
 * Every byte read out of the archive counts against one budget, so a zip
 * bomb stops at LX_XLSX_MAX_UNZIPPED whatever its entries declare.
 *
 * Namespaces are processed (a part may use a prefix for SpreadsheetML) and
 * elements matched by their local name, so Strict OOXML reads the same.
 */
#include "xlsx_int.h"

#include <assert.h>
#include <expat.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zip.h>

static void lx_xlsx_fail(lx_xlsx *x, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Records the first failure with its message and stops the parse under way. */
static void lx_xlsx_fail(lx_xlsx *x, int rc, const char *fmt, ...)
{
	assert(rc != LX_OK);
	if (x->rc != LX_OK)
		return;
	x->rc = rc;
	if (x->err && x->errsz > 0) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(x->err, x->errsz, fmt, ap);
		va_end(ap);
	}
	if (x->xp)
		XML_StopParser(x->xp, XML_FALSE);
}

static void XMLCALL lx_xlsx_text(void *ud, const XML_Char *s, int len)
{
	lx_xlsx *x = ud;
	if (x->collect && x->rc == LX_OK)
		lx_buf_append(&x->val, s, (size_t)len);
}

/* No DTD: no entities beyond XML's five (so no "billion laughs"), none external. */
static void XMLCALL lx_xlsx_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
				    const XML_Char *pubid, int has_internal_subset)
{
	lx_xlsx *x = ud;
	lx_xlsx_fail(x, LX_INVALID, "%s line %llu: a DOCTYPE is not allowed", x->part,
		     (unsigned long long)XML_GetCurrentLineNumber(x->xp));
}

/*
 * Streams the archive's entry name through a new expat parser with the
 * given element handlers (lx_xlsx_text collecting character data). Returns
 * LX_OK; LX_NOTFOUND when there is no such entry (nothing else happens); or
 * the failure, also in x->rc with its message.
 */
static int lx_xlsx_read_part(lx_xlsx *x, const char *name, XML_StartElementHandler start,
			     XML_EndElementHandler end)
{
	zip_file_t *zf = NULL;
	XML_Parser xp = NULL;
	zip_stat_t st;

	assert(x->rc == LX_OK && !x->xp);
	zip_int64_t idx = zip_name_locate(x->zip, name, ZIP_FL_NOCASE);
	if (idx < 0)
		return LX_NOTFOUND;
	lx_xlsx_ascii(name, x->part, sizeof x->part);
	zip_stat_init(&st);
	if (zip_stat_index(x->zip, (zip_uint64_t)idx, 0, &st) != 0) {
		lx_xlsx_fail(x, LX_INVALID, "cannot read %s: %s", x->part, zip_strerror(x->zip));
		goto cleanup;
	}
	if ((st.valid & ZIP_STAT_SIZE) && st.size > x->budget) {
		lx_xlsx_fail(x, LX_INVALID, "%s is too large (%llu bytes unzipped; an import reads at most %zu MiB "
			     "from a workbook)", x->part, (unsigned long long)st.size,
			     LX_XLSX_MIB(LX_XLSX_MAX_UNZIPPED));
		goto cleanup;
	}
	zf = zip_fopen_index(x->zip, (zip_uint64_t)idx, 0);
	if (!zf) {
		lx_xlsx_fail(x, LX_INVALID, "cannot read %s: %s", x->part, zip_strerror(x->zip));
		goto cleanup;
	}
	xp = XML_ParserCreateNS(NULL, LX_XLSX_NS_SEP);
	if (!xp) {
		lx_xlsx_fail(x, LX_ERR, "%s: out of memory for the XML parser", x->part);
		goto cleanup;
	}
	/* nothing here enables external entities or turns off expat's
	 * amplification limits: both stay as expat ships them */
	XML_SetUserData(xp, x);
	XML_SetElementHandler(xp, start, end);
	XML_SetCharacterDataHandler(xp, lx_xlsx_text);
	XML_SetStartDoctypeDeclHandler(xp, lx_xlsx_doctype);
	x->xp = xp;
	x->collect = false;
	lx_buf_reset(&x->val);
	for (;;) {
		/* one byte past the budget, to tell an entry that goes beyond it */
		size_t want = x->budget < LX_XLSX_CHUNK ? x->budget + 1 : LX_XLSX_CHUNK;
		void *buf = XML_GetBuffer(xp, (int)want);
		if (!buf) {
			x->xp = NULL;
			lx_xlsx_fail(x, LX_ERR, "%s: out of memory for the XML parser", x->part);
			break;
		}
		zip_int64_t got = zip_fread(zf, buf, want);
		if (got < 0) {
			x->xp = NULL;
			lx_xlsx_fail(x, LX_INVALID, "cannot read %s: %s", x->part, zip_file_strerror(zf));
			break;
		}
		if ((zip_uint64_t)got > x->budget) {
			x->xp = NULL;
			lx_xlsx_fail(x, LX_INVALID, "%s is too large (more than the %zu MiB an import reads from a "
				     "workbook)", x->part, LX_XLSX_MIB(LX_XLSX_MAX_UNZIPPED));
			break;
		}
		x->budget -= (size_t)got;
		if (XML_ParseBuffer(xp, (int)got, got == 0) != XML_STATUS_OK) {
			enum XML_Error e = XML_GetErrorCode(xp);
			x->xp = NULL;
			/* a handler's failure (XML_ERROR_ABORTED) has its message already */
			lx_xlsx_fail(x, e == XML_ERROR_NO_MEMORY ? LX_ERR : LX_INVALID, "%s line %llu: %s", x->part,
				     (unsigned long long)XML_GetCurrentLineNumber(xp), XML_ErrorString(e));
			break;
		}
		if (x->rc != LX_OK || got == 0)
			break;
	}
cleanup:
	x->xp = NULL;
	x->collect = false;
	if (xp)
		XML_ParserFree(xp);
	if (zf)
		zip_fclose(zf);
	return x->rc;
}

/* ---- xl/workbook.xml ---- */

static void XMLCALL lx_xlsx_wb_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	lx_xlsx *x = ud;
	const char *ln = lx_xlsx_local(name);
	if (x->rc != LX_OK)
		return;
	if (strcmp(ln, "workbookPr") == 0) {
		const char *v = lx_xlsx_attr(atts, "date1904", false);
		x->date1904 = v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
	} else if (strcmp(ln, "sheets") == 0) {
		x->in_sheets = true;
	} else if (x->in_sheets && strcmp(ln, "sheet") == 0) {
		const char *id = lx_xlsx_attr(atts, "id", true);
		if (!id)
			return;
		if (x->nsheets == x->capsheets) {
			x->capsheets = x->capsheets ? x->capsheets * 2 : 8;
			x->sheets = lx_xrealloc(x->sheets, x->capsheets * sizeof *x->sheets);
		}
		x->sheets[x->nsheets++] = lx_xstrdup(id);
	}
}

static void XMLCALL lx_xlsx_wb_end(void *ud, const XML_Char *name)
{
	lx_xlsx *x = ud;
	if (strcmp(lx_xlsx_local(name), "sheets") == 0)
		x->in_sheets = false;
}

/* ---- xl/_rels/workbook.xml.rels ---- */

static void XMLCALL lx_xlsx_rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	lx_xlsx *x = ud;
	if (x->rc != LX_OK || strcmp(lx_xlsx_local(name), "Relationship") != 0)
		return;
	const char *id = lx_xlsx_attr(atts, "Id", false), *type = lx_xlsx_attr(atts, "Type", false);
	const char *target = lx_xlsx_attr(atts, "Target", false), *mode = lx_xlsx_attr(atts, "TargetMode", false);
	if (!id || !type || !target || (mode && strcmp(mode, "External") == 0))
		return;
	if (x->nrels == x->caprels) {
		x->caprels = x->caprels ? x->caprels * 2 : 8;
		x->rels = lx_xrealloc(x->rels, x->caprels * sizeof *x->rels);
	}
	x->rels[x->nrels++] = (lx_xlsx_rel){lx_xstrdup(id), lx_xstrdup(type), lx_xstrdup(target)};
}

static void XMLCALL lx_xlsx_ignore_end(void *ud, const XML_Char *name)
{
}

static int lx_xlsx_rel_cmp(const void *a, const void *b)
{
	return strcmp(((const lx_xlsx_rel *)a)->id, ((const lx_xlsx_rel *)b)->id);
}

/* Returns the relationship with Id id (rels sorted), or NULL. */
static const lx_xlsx_rel *lx_xlsx_rel_by_id(const lx_xlsx *x, const char *id)
{
	lx_xlsx_rel key = {.id = (char *)id};
	if (x->nrels == 0)
		return NULL;
	return bsearch(&key, x->rels, x->nrels, sizeof *x->rels, lx_xlsx_rel_cmp);
}

/*
 * Returns the archive entry a target of xl/workbook.xml's relationships
 * names (malloc'd, caller frees): "/xl/worksheets/sheet1.xml" from the
 * package root, "worksheets/sheet1.xml" from xl/; "." and ".." segments
 * resolved (".." never above the root).
 */
static char *lx_xlsx_resolve(const char *target)
{
	lx_buf b;
	lx_buf_init(&b);
	if (target[0] != '/')
		lx_buf_puts(&b, "xl/");
	for (const char *p = target; *p;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			/* drop the last segment: b holds segments each ending in '/' */
			if (b.len > 0)
				b.len--;
			while (b.len > 0 && b.data[b.len - 1] != '/')
				b.len--;
			if (b.data)
				b.data[b.len] = '\0';
		} else if (n > 0 && !(n == 1 && p[0] == '.')) {
			lx_buf_append(&b, p, n);
			lx_buf_putc(&b, '/');
		}
		p += n + (slash ? 1 : 0);
	}
	if (b.len > 0)
		b.data[--b.len] = '\0'; /* the last segment's '/' */
	return lx_buf_steal(&b);
}

/* Returns the entry of the first <sheet> whose relationship is a worksheet
 * (malloc'd, caller frees), or NULL. */
static char *lx_xlsx_first_sheet(const lx_xlsx *x)
{
	for (size_t i = 0; i < x->nsheets; i++) {
		const lx_xlsx_rel *r = lx_xlsx_rel_by_id(x, x->sheets[i]);
		if (r && lx_xlsx_ends_with(r->type, "/worksheet"))
			return lx_xlsx_resolve(r->target);
	}
	return NULL;
}

/* Returns the entry of the workbook's relationship of the given type (the
 * end of its URI, "/styles"), else fallback (malloc'd, caller frees). */
static char *lx_xlsx_part_of_type(const lx_xlsx *x, const char *type, const char *fallback)
{
	for (size_t i = 0; i < x->nrels; i++) {
		if (lx_xlsx_ends_with(x->rels[i].type, type))
			return lx_xlsx_resolve(x->rels[i].target);
	}
	return lx_xstrdup(fallback);
}

/* ---- xl/styles.xml ---- */

static void XMLCALL lx_xlsx_styles_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	lx_xlsx *x = ud;
	const char *ln = lx_xlsx_local(name);
	size_t id = 0;
	if (x->rc != LX_OK)
		return;
	if (strcmp(ln, "numFmts") == 0) {
		x->in_numfmts = true;
	} else if (strcmp(ln, "cellXfs") == 0) {
		x->in_cellxfs = true;
	} else if (x->in_numfmts && strcmp(ln, "numFmt") == 0) {
		const char *v = lx_xlsx_attr(atts, "numFmtId", false), *code = lx_xlsx_attr(atts, "formatCode", false);
		if (!v || !code || !lx_xlsx_uint(v, strlen(v), UINT32_MAX, &id))
			return;
		if (x->nfmts == x->capfmts) {
			x->capfmts = x->capfmts ? x->capfmts * 2 : 16;
			x->fmts = lx_xrealloc(x->fmts, x->capfmts * sizeof *x->fmts);
		}
		x->fmts[x->nfmts++] = (lx_xlsx_numfmt){id, lx_xlsx_code_is_date(code)};
	} else if (x->in_cellxfs && strcmp(ln, "xf") == 0) {
		const char *v = lx_xlsx_attr(atts, "numFmtId", false);
		if (!v || !lx_xlsx_uint(v, strlen(v), UINT32_MAX, &id))
			id = 0; /* General */
		if (x->nxf == x->capxf) {
			x->capxf = x->capxf ? x->capxf * 2 : 16;
			x->xf_fmt = lx_xrealloc(x->xf_fmt, x->capxf * sizeof *x->xf_fmt);
		}
		x->xf_fmt[x->nxf++] = id;
	}
}

static void XMLCALL lx_xlsx_styles_end(void *ud, const XML_Char *name)
{
	lx_xlsx *x = ud;
	const char *ln = lx_xlsx_local(name);
	if (strcmp(ln, "numFmts") == 0)
		x->in_numfmts = false;
	else if (strcmp(ln, "cellXfs") == 0)
		x->in_cellxfs = false;
}

static int lx_xlsx_fmt_cmp(const void *a, const void *b)
{
	size_t x = ((const lx_xlsx_numfmt *)a)->id, y = ((const lx_xlsx_numfmt *)b)->id;
	return x < y ? -1 : x > y;
}

/* Sets x->xf_date from the styles read: a custom format of the id first,
 * else the built-in one. */
static void lx_xlsx_styles_done(lx_xlsx *x)
{
	if (x->nfmts > 0)
		qsort(x->fmts, x->nfmts, sizeof *x->fmts, lx_xlsx_fmt_cmp);
	x->xf_date = lx_xmalloc(x->nxf ? x->nxf * sizeof *x->xf_date : 1);
	for (size_t i = 0; i < x->nxf; i++) {
		lx_xlsx_numfmt key = {.id = x->xf_fmt[i]};
		const lx_xlsx_numfmt *f =
			x->nfmts ? bsearch(&key, x->fmts, x->nfmts, sizeof *x->fmts, lx_xlsx_fmt_cmp) : NULL;
		x->xf_date[i] = f ? f->date : lx_xlsx_builtin_is_date(x->xf_fmt[i]);
	}
}

/* ---- xl/sharedStrings.xml ---- */

static void XMLCALL lx_xlsx_sst_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	lx_xlsx *x = ud;
	const char *ln = lx_xlsx_local(name);
	if (x->rc != LX_OK)
		return;
	if (strcmp(ln, "si") == 0) {
		x->in_si = true;
		x->rph = 0;
		lx_buf_reset(&x->val);
	} else if (x->in_si && strcmp(ln, "rPh") == 0) {
		x->rph++;
	} else if (x->in_si && x->rph == 0 && strcmp(ln, "t") == 0) {
		x->collect = true;
	}
}

static void XMLCALL lx_xlsx_sst_end(void *ud, const XML_Char *name)
{
	lx_xlsx *x = ud;
	const char *ln = lx_xlsx_local(name);
	if (x->rc != LX_OK)
		return;
	if (strcmp(ln, "t") == 0) {
		x->collect = false;
	} else if (strcmp(ln, "rPh") == 0) {
		if (x->rph > 0)
			x->rph--;
	} else if (x->in_si && strcmp(ln, "si") == 0) {
		x->in_si = false;
		if (x->nsst == LX_XLSX_MAX_CELLS) {
			lx_xlsx_fail(x, LX_INVALID, "%s has more than %zu strings", x->part, LX_XLSX_MAX_CELLS);
			return;
		}
		if (x->nsst == x->capsst) {
			x->capsst = x->capsst ? x->capsst * 2 : 64;
			x->sst_off = lx_xrealloc(x->sst_off, x->capsst * sizeof *x->sst_off);
		}
		x->sst_off[x->nsst++] = x->sst.len;
		lx_xlsx_unescape(x->val.data ? x->val.data : "", x->val.len, &x->sst);
		lx_buf_putc(&x->sst, '\0');
	}
}

/* ---- the worksheet ---- */

/* Writes the reference of column col (1-based) and row into out ("AB12"). */
static void lx_xlsx_ref(size_t col, size_t row, char out[16])
{
	char letters[8];
	size_t n = 0;
	assert(col >= 1 && col <= LX_XLSX_MAX_COLS);
	for (; col > 0; col = (col - 1) / 26)
		letters[n++] = (char)('A' + (col - 1) % 26);
	for (size_t i = 0; i < n; i++)
		out[i] = letters[n - 1 - i];
	snprintf(out + n, 16 - n, "%zu", row);
}

/*
 * Reads the column of a cell reference ("AB12": letters, then a row number)
 * into *col (1-based, LX_XLSX_MAX_COLS + 1 when beyond). Returns false when
 * ref is not such a reference.
 */
static bool lx_xlsx_ref_col(const char *ref, size_t *col)
{
	size_t c = 0, i = 0, row = 0;
	for (; (ref[i] >= 'A' && ref[i] <= 'Z') || (ref[i] >= 'a' && ref[i] <= 'z'); i++) {
		c = c * 26 + (size_t)((ref[i] | 0x20) - 'a' + 1);
		if (c > LX_XLSX_MAX_COLS)
			c = LX_XLSX_MAX_COLS + 1;
	}
	if (i == 0 || !lx_xlsx_uint(ref + i, strlen(ref + i), LX_XLSX_MAX_ROWS, &row) || row == 0)
		return false;
	*col = c;
	return true;
}

static void lx_xlsx_row_start(lx_xlsx *x, const XML_Char **atts)
{
	const char *r = lx_xlsx_attr(atts, "r", false);
	size_t row = x->row + 1;
	char shown[24];
	if (r && (!lx_xlsx_uint(r, strlen(r), LX_XLSX_MAX_ROWS, &row) || row == 0)) {
		lx_xlsx_ascii(r, shown, sizeof shown);
		lx_xlsx_fail(x, LX_INVALID, "line %zu: row number \"%s\" is not valid", x->row + 1, shown);
		return;
	}
	if (row > LX_XLSX_MAX_ROWS) {
		lx_xlsx_fail(x, LX_INVALID, "line %zu: a sheet has at most %zu rows", row, LX_XLSX_MAX_ROWS);
		return;
	}
	if (row <= x->row) {
		lx_xlsx_fail(x, LX_INVALID, "line %zu: row %zu comes after row %zu (rows must be in order)", row, row,
			     x->row);
		return;
	}
	x->row = row;
	x->in_row = true;
	x->col = 0;
	x->emitted = 0;
}

static void lx_xlsx_cell_start(lx_xlsx *x, const XML_Char **atts)
{
	const char *r = lx_xlsx_attr(atts, "r", false), *t = lx_xlsx_attr(atts, "t", false);
	const char *s = lx_xlsx_attr(atts, "s", false);
	size_t col = x->col + 1;
	char shown[24], prev[16];
	if (r && !lx_xlsx_ref_col(r, &col)) {
		lx_xlsx_ascii(r, shown, sizeof shown);
		lx_xlsx_fail(x, LX_INVALID, "line %zu: cell reference \"%s\" is not valid", x->row, shown);
		return;
	}
	if (col > LX_XLSX_MAX_COLS) {
		lx_xlsx_fail(x, LX_INVALID, "line %zu: a sheet has at most %zu columns (A to XFD)", x->row,
			     LX_XLSX_MAX_COLS);
		return;
	}
	if (col <= x->col) {
		lx_xlsx_ref(col, x->row, shown);
		lx_xlsx_ref(x->col, x->row, prev);
		lx_xlsx_fail(x, LX_INVALID, "line %zu: cell %s comes after cell %s (cells must be in order)", x->row,
			     shown, prev);
		return;
	}
	x->col = col;
	x->in_cell = true;
	x->in_is = false;
	x->rph = 0;
	lx_buf_reset(&x->val);
	if (!t || strcmp(t, "n") == 0)
		x->type = LX_XLSX_NUM;
	else if (strcmp(t, "s") == 0)
		x->type = LX_XLSX_SST;
	else if (strcmp(t, "inlineStr") == 0)
		x->type = LX_XLSX_INLINE;
	else if (strcmp(t, "b") == 0)
		x->type = LX_XLSX_BOOL;
	else if (strcmp(t, "e") == 0)
		x->type = LX_XLSX_ERROR;
	else if (strcmp(t, "d") == 0)
		x->type = LX_XLSX_ISO;
	else
		x->type = LX_XLSX_STR;
	if (!s || !lx_xlsx_uint(s, strlen(s), UINT32_MAX, &x->style))
		x->style = 0;
}

/* Puts the value s[0..n) of the cell in column x->col into the table, with
 * the "" of the gap before it; an empty value is not put (the gap is filled
 * only when a value follows, so trailing empty cells are dropped). */
static void lx_xlsx_put(lx_xlsx *x, const char *s, size_t n)
{
	lx_xlsx_trim(&s, &n);
	if (n == 0)
		return;
	assert(x->col > x->emitted);
	size_t gap = x->col - 1 - x->emitted;
	if (x->ncells + gap + 1 > LX_XLSX_MAX_CELLS) {
		lx_xlsx_fail(x, LX_INVALID, "line %zu: the sheet has more than %zu cells, gaps included", x->row,
			     LX_XLSX_MAX_CELLS);
		return;
	}
	if (x->ntext + gap + n + 1 > LX_XLSX_MAX_TEXT) {
		lx_xlsx_fail(x, LX_INVALID, "line %zu: the sheet has more than %zu MiB of text", x->row,
			     LX_XLSX_MIB(LX_XLSX_MAX_TEXT));
		return;
	}
	for (size_t i = 0; i < gap; i++)
		lx_csv_builder_field(&x->b, "", 0);
	lx_csv_builder_field(&x->b, s, n);
	x->ncells += gap + 1;
	x->ntext += gap + n + 1;
	x->emitted = x->col;
}

/* The cell ended: its value, by its type and style, into the table. */
static void lx_xlsx_cell_end(lx_xlsx *x)
{
	const char *v = x->val.data ? x->val.data : "";
	size_t n = x->val.len, i = 0;
	lx_buf *o = &x->out;
	char ref[16], shown[24];

	lx_buf_reset(o);
	x->in_cell = false;
	if (x->type != LX_XLSX_INLINE && x->type != LX_XLSX_STR)
		lx_xlsx_trim(&v, &n); /* text keeps its spaces until the value is trimmed as a whole */
	switch (x->type) {
	case LX_XLSX_SST:
		if (n == 0)
			break;
		if (!lx_xlsx_uint(v, n, LX_XLSX_MAX_CELLS, &i) || i >= x->nsst) {
			lx_xlsx_ref(x->col, x->row, ref);
			lx_xlsx_ascii(v, shown, n + 1 < sizeof shown ? n + 1 : sizeof shown);
			lx_xlsx_fail(x, LX_INVALID, "line %zu: cell %s refers to shared string \"%s\", and the "
				     "workbook has %zu", x->row, ref, shown, x->nsst);
			return;
		}
		lx_buf_puts(o, x->sst.data + x->sst_off[i]);
		break;
	case LX_XLSX_INLINE:
	case LX_XLSX_STR:
		lx_xlsx_unescape(v, n, o);
		break;
	case LX_XLSX_BOOL:
		if (n == 1 && (v[0] == '0' || v[0] == '1'))
			lx_buf_puts(o, v[0] == '1' ? "TRUE" : "FALSE");
		else
			lx_buf_append(o, v, n);
		break;
	case LX_XLSX_ERROR:
		lx_buf_append(o, v, n);
		break;
	case LX_XLSX_ISO:
		if (!lx_xlsx_iso_date(v, n, o))
			lx_buf_append(o, v, n);
		break;
	case LX_XLSX_NUM: {
		lx_xlsx_dec d;
		if (n > 0 && x->style < x->nxf && x->xf_date[x->style] && lx_xlsx_dec_parse(v, n, &d)) {
			char *z = lx_xstrndup(v, n);
			bool ok = lx_xlsx_serial_date(strtod(z, NULL), x->date1904, o);
			free(z);
			if (ok)
				break;
		}
		lx_xlsx_number(v, n, o);
		break;
	}
	}
	lx_xlsx_put(x, o->data ? o->data : "", o->len);
}

static void XMLCALL lx_xlsx_sheet_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	lx_xlsx *x = ud;
	const char *ln = lx_xlsx_local(name);
	if (x->rc != LX_OK)
		return;
	if (x->in_cell) {
		if (strcmp(ln, "v") == 0 && !x->in_is)
			x->collect = true;
		else if (strcmp(ln, "is") == 0)
			x->in_is = true;
		else if (x->in_is && strcmp(ln, "rPh") == 0)
			x->rph++;
		else if (x->in_is && x->rph == 0 && strcmp(ln, "t") == 0)
			x->collect = true;
	} else if (x->in_row) {
		if (strcmp(ln, "c") == 0)
			lx_xlsx_cell_start(x, atts);
	} else if (x->in_data) {
		if (strcmp(ln, "row") == 0)
			lx_xlsx_row_start(x, atts);
	} else if (strcmp(ln, "sheetData") == 0) {
		x->in_data = true;
	}
}

static void XMLCALL lx_xlsx_sheet_end(void *ud, const XML_Char *name)
{
	lx_xlsx *x = ud;
	const char *ln = lx_xlsx_local(name);
	if (x->rc != LX_OK)
		return;
	if (x->in_cell) {
		if (strcmp(ln, "v") == 0 || strcmp(ln, "t") == 0)
			x->collect = false;
		else if (strcmp(ln, "rPh") == 0 && x->rph > 0)
			x->rph--;
		else if (strcmp(ln, "is") == 0)
			x->in_is = false;
		else if (strcmp(ln, "c") == 0)
			lx_xlsx_cell_end(x);
	} else if (x->in_row) {
		if (strcmp(ln, "row") == 0) {
			x->in_row = false;
			if (x->emitted > 0)
				lx_csv_builder_row(&x->b, x->row);
		}
	} else if (x->in_data && strcmp(ln, "sheetData") == 0) {
		x->in_data = false;
	}
}

/* ---- the whole ---- */

bool lx_xlsx_sniff(const char *data, size_t len)
{
	assert(data || len == 0);
	return len >= 4 && memcmp(data, "PK\3\4", 4) == 0;
}

/* Reads the parts before the sheet: the workbook, its relationships, the
 * styles and the shared strings. Returns x->rc. */
static int lx_xlsx_read_meta(lx_xlsx *x)
{
	char *styles = NULL, *sst = NULL;
	if (lx_xlsx_read_part(x, "xl/workbook.xml", lx_xlsx_wb_start, lx_xlsx_wb_end) != LX_OK &&
	    x->rc != LX_OK)
		goto cleanup;
	if (lx_xlsx_read_part(x, "xl/_rels/workbook.xml.rels", lx_xlsx_rels_start, lx_xlsx_ignore_end) !=
		    LX_OK &&
	    x->rc != LX_OK)
		goto cleanup;
	if (x->nrels > 0)
		qsort(x->rels, x->nrels, sizeof *x->rels, lx_xlsx_rel_cmp);
	styles = lx_xlsx_part_of_type(x, "/styles", "xl/styles.xml");
	if (lx_xlsx_read_part(x, styles, lx_xlsx_styles_start, lx_xlsx_styles_end) != LX_OK && x->rc != LX_OK)
		goto cleanup;
	lx_xlsx_styles_done(x);
	sst = lx_xlsx_part_of_type(x, "/sharedStrings", "xl/sharedStrings.xml");
	if (lx_xlsx_read_part(x, sst, lx_xlsx_sst_start, lx_xlsx_sst_end) != LX_OK && x->rc != LX_OK)
		goto cleanup;
cleanup:
	free(styles);
	free(sst);
	return x->rc;
}

int lx_xlsx_parse(const char *data, size_t len, lx_csv **out, char *err, size_t errsz)
{
	lx_xlsx x = {.rc = LX_OK, .err = err, .errsz = errsz, .budget = LX_XLSX_MAX_UNZIPPED};
	zip_source_t *src = NULL;
	zip_error_t ze;
	char *sheet = NULL;

	assert(out);
	assert(data || len == 0);
	zip_error_init(&ze);
	lx_buf_init(&x.val);
	lx_buf_init(&x.sst);
	lx_buf_init(&x.out);
	lx_csv_builder_init(&x.b);
	if (err && errsz > 0)
		err[0] = '\0';
	if (len > LX_CSV_MAX_INPUT) {
		lx_xlsx_fail(&x, LX_INVALID, "input too large (%zu bytes, the limit is %zu MiB)", len,
			     LX_XLSX_MIB(LX_CSV_MAX_INPUT));
		goto cleanup;
	}
	if (!lx_xlsx_sniff(data, len)) {
		if (len >= 8 && memcmp(data, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0)
			lx_xlsx_fail(&x, LX_INVALID, "not an .xlsx file: an Excel 97-2003 .xls or a "
				     "password-protected workbook (save it as .xlsx without a password, or as CSV)");
		else
			lx_xlsx_fail(&x, LX_INVALID, "not an .xlsx file (not a zip archive)");
		goto cleanup;
	}
	src = zip_source_buffer_create(data, len, 0, &ze);
	if (!src) {
		lx_xlsx_fail(&x, LX_ERR, "cannot open the archive: %s", zip_error_strerror(&ze));
		goto cleanup;
	}
	x.zip = zip_open_from_source(src, ZIP_RDONLY, &ze);
	if (!x.zip) {
		lx_xlsx_fail(&x, LX_INVALID, "not an .xlsx file (%s)", zip_error_strerror(&ze));
		goto cleanup;
	}
	src = NULL; /* the archive's now */
	if (lx_xlsx_read_meta(&x) != LX_OK)
		goto cleanup;
	sheet = lx_xlsx_first_sheet(&x);
	int rc = sheet ? lx_xlsx_read_part(&x, sheet, lx_xlsx_sheet_start, lx_xlsx_sheet_end) : LX_NOTFOUND;
	if (rc == LX_NOTFOUND && (!sheet || strcasecmp(sheet, LX_XLSX_DEFAULT_SHEET) != 0))
		rc = lx_xlsx_read_part(&x, LX_XLSX_DEFAULT_SHEET, lx_xlsx_sheet_start, lx_xlsx_sheet_end);
	if (rc == LX_NOTFOUND)
		lx_xlsx_fail(&x, LX_INVALID, "not an .xlsx workbook: the archive has no worksheet");
	if (x.rc != LX_OK)
		goto cleanup;
	assert(!x.in_row); /* expat saw the document end */
	*out = lx_csv_builder_finish(&x.b, "xlsx");
cleanup:
	free(sheet);
	for (size_t i = 0; i < x.nsheets; i++)
		free(x.sheets[i]);
	free(x.sheets);
	for (size_t i = 0; i < x.nrels; i++) {
		free(x.rels[i].id);
		free(x.rels[i].type);
		free(x.rels[i].target);
	}
	free(x.rels);
	free(x.fmts);
	free(x.xf_fmt);
	free(x.xf_date);
	free(x.sst_off);
	lx_buf_free(&x.sst);
	lx_buf_free(&x.val);
	lx_buf_free(&x.out);
	lx_csv_builder_free(&x.b);
	if (x.zip)
		zip_discard(x.zip);
	if (src)
		zip_source_free(src);
	zip_error_fini(&ze);
	return x.rc;
}


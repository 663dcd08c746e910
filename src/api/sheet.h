/*
 * sheet.h - an .xlsx download of rows (libxlsxwriter in constant-memory
 * mode, through a temporary file): the case export and the hazard ledger.
 * A Chinese header row (bold, frozen, filtered), text cells scrubbed of
 * what XML 1.0 cannot carry, numbers.
 */
#ifndef LX_SHEET_H
#define LX_SHEET_H

#include "http.h"

#include <stddef.h>

typedef struct lx_sheet lx_sheet;

/* Starts a workbook of one sheet named name with ncols columns (titles,
 * widths). LX_OK with *out, or an error status after replying 500. */
int lx_sheet_open_or_reply(lx_req *r, const char *name, const char *const *titles, const double *widths,
			   int ncols, lx_sheet **out);
/* Writes text (UTF-8; "" or NULL leaves the cell empty) into the next row's
 * column col; wrap for long text. */
void lx_sheet_text(lx_sheet *s, int col, const char *text, bool wrap);
void lx_sheet_number(lx_sheet *s, int col, double v);
/* Ends the row being written. */
void lx_sheet_next(lx_sheet *s);
/* Rows written so far. */
size_t lx_sheet_rows(const lx_sheet *s);
/* Closes the workbook and replies with it as a download named
 * "<ascii>-YYYYMMDD.xlsx" (zh_pct: the Chinese name percent-encoded, for
 * filename*). Frees s. Returns the reply's status. */
int lx_sheet_reply(lx_req *r, lx_sheet *s, const char *ascii, const char *zh_pct);
/* Frees s without replying (NULL is fine). */
void lx_sheet_free(lx_sheet *s);

#endif

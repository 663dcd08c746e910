/*
 * xlsx_int.h - what the files of the .xlsx reader share (core/xlsx.c: the
 * parts and their XML; xlsx_value.c: a cell's text as the table shows it:
 * escapes, numbers, dates). See xlsx.h.
 */
#ifndef LX_XLSX_INT_H
#define LX_XLSX_INT_H

#include "lx.h"
#include "xlsx.h"

#include <expat.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zip.h>

#define LX_XLSX_CHUNK 65536
#define LX_XLSX_NS_SEP ' ' /* between namespace URI and local name; in neither */
#define LX_XLSX_DEFAULT_SHEET "xl/worksheets/sheet1.xml"
/* Integers in exponent form are written out up to this many digits. */
#define LX_XLSX_MAX_DIGITS 30
#define LX_XLSX_MIB(n) ((n) / (1024 * 1024))

/* A relationship of xl/_rels/workbook.xml.rels (internal targets only). */
typedef struct lx_xlsx_rel {
	char *id;
	char *type;
	char *target;
} lx_xlsx_rel;

/* A custom number format of xl/styles.xml. */
typedef struct lx_xlsx_numfmt {
	size_t id;
	bool date;
} lx_xlsx_numfmt;

/* A cell's t attribute. */
typedef enum lx_xlsx_type {
	LX_XLSX_NUM,    /* absent or "n" */
	LX_XLSX_SST,    /* "s": index into the shared strings */
	LX_XLSX_INLINE, /* "inlineStr": <is> */
	LX_XLSX_STR,    /* "str": a formula's string result (or an unknown type) */
	LX_XLSX_BOOL,   /* "b" */
	LX_XLSX_ERROR,  /* "e" */
	LX_XLSX_ISO     /* "d": ISO 8601 date */
} lx_xlsx_type;

typedef struct lx_xlsx {
	int rc; /* the first failure, LX_OK while none */
	char *err;
	size_t errsz;
	zip_t *zip;
	size_t budget;     /* bytes that may still be read out of entries */
	XML_Parser xp;     /* the parser of the part being read, NULL between parts */
	char part[64];     /* that part's name for messages (printable ASCII) */
	bool collect;      /* character data goes to val */
	lx_buf val;        /* the text of the element being read */

	/* xl/workbook.xml */
	bool date1904;
	bool in_sheets;
	char **sheets;     /* the r:id of each <sheet>, in order */
	size_t nsheets, capsheets;

	/* xl/_rels/workbook.xml.rels, sorted by id once read */
	lx_xlsx_rel *rels;
	size_t nrels, caprels;

	/* xl/styles.xml */
	bool in_numfmts, in_cellxfs;
	lx_xlsx_numfmt *fmts;
	size_t nfmts, capfmts;
	size_t *xf_fmt;    /* the numFmtId of each <xf> of <cellXfs> */
	bool *xf_date;     /* whether that is a date format */
	size_t nxf, capxf;

	/* xl/sharedStrings.xml */
	bool in_si;
	int rph;           /* depth in <rPh> (phonetic runs, left out) */
	lx_buf sst;        /* the strings, each NUL-terminated */
	size_t *sst_off;
	size_t nsst, capsst;

	/* the worksheet */
	bool in_data, in_row, in_cell, in_is;
	size_t row;        /* the current (or last) row's number, 0 before the first */
	size_t col;        /* the row's last cell's column, 0 before the first */
	size_t emitted;    /* the row's fields in the table: the column of its last value */
	lx_xlsx_type type;
	size_t style;
	lx_buf out;        /* the cell's value as the table shows it */
	lx_csv_builder b;
	size_t ncells;     /* fields in b */
	size_t ntext;      /* bytes of their text, NULs included */
} lx_xlsx;

/* A decimal number's text: [+-] digits [. digits] [(e|E) [+-] digits]. */
typedef struct lx_xlsx_dec {
	bool neg;
	const char *ip; /* integer digits */
	size_t in;
	const char *fp; /* fraction digits */
	size_t fn;
	long exp;       /* the exponent, 0 without one; kept within +-100000 */
	bool has_exp;
} lx_xlsx_dec;

/* Defined in xlsx_value.c (each with its comment there), used by xlsx.c:
 * text helpers for the handlers, the escapes, numbers and dates. */
bool lx_xlsx_builtin_is_date(size_t id);
bool lx_xlsx_code_is_date(const char *code);
bool lx_xlsx_dec_parse(const char *s, size_t n, lx_xlsx_dec *d);
bool lx_xlsx_ends_with(const char *s, const char *suffix);
bool lx_xlsx_iso_date(const char *s, size_t n, lx_buf *o);
bool lx_xlsx_serial_date(double v, bool date1904, lx_buf *o);
bool lx_xlsx_uint(const char *s, size_t n, size_t max, size_t *v);
const char *lx_xlsx_attr(const XML_Char **atts, const char *local, bool ns);
const char *lx_xlsx_local(const XML_Char *name);
void lx_xlsx_ascii(const char *s, char *out, size_t outsz);
void lx_xlsx_number(const char *s, size_t n, lx_buf *o);
void lx_xlsx_trim(const char **s, size_t *n);
void lx_xlsx_unescape(const char *s, size_t n, lx_buf *o);

#endif

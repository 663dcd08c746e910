/*
 * csv.h - CSV reader for importing the territorial grid from spreadsheets
 * that street offices export from Excel: UTF-8, UTF-8 with BOM, or GBK /
 * GB18030 ("CSV (逗号分隔)" on a Chinese Windows).
 *
 * Pure: works on an in-memory buffer, no file I/O.
 */
#ifndef LX_CSV_H
#define LX_CSV_H

#include "lx.h" /* lx_buf, for lx_csv_builder */

#include <stddef.h>

/* Inputs larger than this are rejected. */
#define LX_CSV_MAX_INPUT ((size_t)64 * 1024 * 1024)

typedef struct lx_csv_row {
	size_t line;      /* 1-based physical line number where the record starts */
	size_t nfields;   /* always >= 1 */
	char **fields;    /* UTF-8, NUL-terminated, owned by the table */
} lx_csv_row;

typedef struct lx_csv {
	size_t nrows;
	lx_csv_row *rows;  /* rows[0] is the header row when present */
	char encoding[16]; /* "utf-8" or "gbk" (what the input was) */
} lx_csv;

/*
 * Parses an in-memory CSV document (RFC 4180: comma separator, CRLF or LF,
 * fields in double quotes may contain commas, quotes doubled as "", and
 * newlines).
 *
 * Encoding: a UTF-8 BOM is stripped and then the rest must be UTF-8. Without
 * a BOM, input that is not valid UTF-8 is converted from GB18030 (superset
 * of GBK) with iconv(3) and encoding is set to "gbk"; if that fails too the
 * error is "line N: invalid encoding (neither UTF-8 nor GBK)", N being the
 * line where the decoding that got further failed. Line numbers always refer
 * to the original input.
 *
 * Layout: a line break is CRLF, LF or (old Excel for Mac) a lone CR. Line
 * breaks inside quoted fields are kept verbatim. Completely empty lines
 * (also lines of only spaces/tabs) are skipped wherever they are, so a
 * trailing newline or trailing empty lines do not make rows. Unquoted fields
 * are trimmed of surrounding ASCII spaces/tabs; quoted fields are not, but
 * spaces/tabs around the quotes are allowed. A quote inside an unquoted
 * field is taken literally. Rows may have different field counts.
 *
 * Errors (LX_INVALID, message like "line 7: unterminated quoted field"
 * written to err when err and errsz > 0, *out untouched): unterminated quoted
 * field (reported at the line of the opening quote), unexpected character
 * after closing quote, NUL byte in the input (e.g. UTF-16), invalid encoding,
 * input larger than LX_CSV_MAX_INPUT. LX_ERR if iconv has no GB18030.
 *
 * Returns LX_OK and stores in *out a new table owned by the caller, who frees
 * it with lx_csv_free(). data is borrowed; it may be NULL when len is 0.
 */
int lx_csv_parse(const char *data, size_t len, lx_csv **out, char *err, size_t errsz);

/* Frees a table from lx_csv_parse() with all its rows and fields. NULL is a no-op. */
void lx_csv_free(lx_csv *t);

/*
 * Returns the index of the first header (rows[0]) column whose name equals
 * one of the alternative names in the NULL-terminated array names (ASCII
 * letters compared case-insensitively, surrounding spaces/tabs of the
 * header ignored; e.g. {"name", "名称", NULL}), or -1 when there is none or
 * the table has no rows.
 */
int lx_csv_column(const lx_csv *t, const char *const *names);

/*
 * Returns field i of row r (borrowed from the table), or "" when the row has
 * fewer fields; convenient for ragged rows.
 */
const char *lx_csv_field(const lx_csv_row *r, int i);

/*
 * Making a table from another reader's cells (xlsx.c), freed with
 * lx_csv_free() like a parsed one: fields are appended one by one, and a
 * row takes the fields appended since the previous row. The members are
 * the builder's own; use the functions.
 */
typedef struct lx_csv_builder {
	lx_buf text;      /* field bytes, each field NUL-terminated */
	size_t *offs;     /* offset in text of each field, in order */
	size_t noffs;
	size_t capoffs;
	size_t row_first; /* index in offs of the first field of the row being made */
	lx_csv_row *rows; /* fields left NULL until lx_csv_builder_finish */
	size_t nrows;
	size_t caprows;
} lx_csv_builder;

/* Makes b an empty builder. */
void lx_csv_builder_init(lx_csv_builder *b);

/* Appends a field with a copy of s[0..n) (no NUL byte; s may be NULL when n is 0). */
void lx_csv_builder_field(lx_csv_builder *b, const char *s, size_t n);

/* Ends a row on the given 1-based line, made of the fields appended since
 * the previous row (there must be at least one). */
void lx_csv_builder_row(lx_csv_builder *b, size_t line);

/*
 * Returns a new table, owned by the caller (lx_csv_free), with the rows
 * made so far (no field may be left outside a row) and the given encoding
 * name (cut to 15 bytes). b is left empty, as after lx_csv_builder_init.
 */
lx_csv *lx_csv_builder_finish(lx_csv_builder *b, const char *encoding);

/* Frees what b holds (nothing after lx_csv_builder_finish); b is left empty. */
void lx_csv_builder_free(lx_csv_builder *b);

#endif

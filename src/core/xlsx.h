/*
 * xlsx.h - .xlsx reader for the same imports as csv.h: the first worksheet
 * of a workbook that a street office saved from Excel or WPS, read into the
 * table the CSV reader makes (lx_csv, freed with lx_csv_free).
 *
 * Pure: works on an in-memory buffer, no file I/O. libzip opens the archive
 * and expat streams its XML parts (no DOM; a DOCTYPE is refused, so there
 * are no entities beyond XML's own and no external ones).
 */
#ifndef LX_XLSX_H
#define LX_XLSX_H

#include "csv.h"

#include <stdbool.h>
#include <stddef.h>

/* Bytes read out of the archive's entries, all parts together (the input
 * itself may be at most LX_CSV_MAX_INPUT). */
#define LX_XLSX_MAX_UNZIPPED ((size_t)256 * 1024 * 1024)
/* Excel's own sheet size. */
#define LX_XLSX_MAX_ROWS ((size_t)1048576)
#define LX_XLSX_MAX_COLS ((size_t)16384)
/* Fields in the table, the "" of gaps included, and the bytes of their text:
 * a few bytes of XML can place a cell far to the right or repeat a long
 * shared string, so the table is bounded by itself too. */
#define LX_XLSX_MAX_CELLS ((size_t)1 << 24)
#define LX_XLSX_MAX_TEXT ((size_t)256 * 1024 * 1024)

/*
 * Parses the first worksheet of an in-memory .xlsx into the same table the
 * CSV reader makes: rows with 1-based line = the sheet's row number, fields
 * UTF-8, encoding "xlsx".
 *
 * The sheet: the first <sheet> of xl/workbook.xml whose relationship (in
 * xl/_rels/workbook.xml.rels) is a worksheet, else xl/worksheets/sheet1.xml.
 * Part names are matched ASCII case-insensitively, as OPC says.
 *
 * Cells: shared strings (rich text runs concatenated, phonetic runs left
 * out), inline strings and formula strings as their text, with OOXML's
 * _xHHHH_ escapes decoded; booleans as "TRUE"/"FALSE"; errors as their text
 * ("#DIV/0!"); numbers as written, except that one in exponent form that is
 * an integer is written in plain digits ("1.3812345678E10" ->
 * "13812345678") and one with more than 15 significant digits (binary
 * noise such as 0.30000000000000004) is rounded to the 15 that Excel shows.
 * A number whose cell style has a date format (built-in 14-22, 27-36,
 * 45-47, 50-58, or a custom code with y, m or d outside quotes and
 * brackets) is "YYYY-MM-DD", with " HH:MM" when it has a time of day, or
 * "HH:MM" alone below 1 (a time without a date); 1900 date system with its
 * fake 1900-02-29 (serial 60), or 1904 when workbookPr says date1904.
 * t="d" cells (ISO 8601) are written the same way.
 *
 * Layout: cells go to the column of their r reference (gaps are "", so
 * columns line up under the header), a cell without r to the one after the
 * previous cell; a row without r is the one after the previous row.
 * Values are trimmed of surrounding ASCII spaces/tabs, as csv.h trims
 * unquoted fields; trailing empty cells are dropped and rows without a
 * non-empty cell are skipped, as csv.h skips blank lines, so every row has
 * at least one field and its last field is not empty.
 *
 * Errors (LX_INVALID, an English message written to err when err and
 * errsz > 0, *out untouched): input larger than LX_CSV_MAX_INPUT; not a zip
 * (an old .xls or an encrypted workbook is named as such); an unreadable
 * entry; no worksheet; more than LX_XLSX_MAX_UNZIPPED bytes to read (as
 * declared, or as actually read); malformed XML or a DOCTYPE ("<part> line
 * N: <expat's message>"); and, starting "line N: " with the sheet row N: a
 * row beyond 1,048,576 or before the previous one, a cell beyond column
 * 16,384 (XFD) or before the previous one, a bad cell reference, a shared
 * string index out of range, more than LX_XLSX_MAX_CELLS fields or
 * LX_XLSX_MAX_TEXT bytes of text. LX_ERR when expat runs out of memory.
 *
 * Returns LX_OK and stores in *out a new table owned by the caller, who frees
 * it with lx_csv_free(). data is borrowed; it may be NULL when len is 0.
 */
int lx_xlsx_parse(const char *data, size_t len, lx_csv **out, char *err, size_t errsz);

/* Returns whether data starts like a zip (PK\3\4), so the caller can tell
 * .xlsx from CSV (no text starts with those control bytes). data may be
 * NULL when len is 0. */
bool lx_xlsx_sniff(const char *data, size_t len);

#endif

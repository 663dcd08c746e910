/*
 * test_xlsx.c - unit tests for the .xlsx reader (xlsx.h). Every workbook is
 * made here with libzip from XML written in the test, so there are no
 * binary fixtures; the last test reads one that openpyxl saved, when
 * python3-openpyxl is installed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <zip.h>

#include "csv.h"
#include "lx.h"
#include "xlsx.h"

#define NS_MAIN "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define NS_REL "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define REL_TYPE "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"

/* A worksheet around its <sheetData> content. */
#define SHEET(rows) XML_DECL "<worksheet xmlns=\"" NS_MAIN "\"><sheetData>" rows "</sheetData></worksheet>"
/* A shared string table around its <si> items. */
#define SST(items) XML_DECL "<sst xmlns=\"" NS_MAIN "\">" items "</sst>"

/* One entry of an archive being made. A size of 0 means strlen(data). */
typedef struct part {
	const char *name;
	const char *data;
	size_t size;
} part;

/* A generated entry: size bytes, head then spaces then tail (libzip reads it
 * through gen_cb, so no buffer of that size is ever made). */
typedef struct gen {
	const char *head, *tail;
	zip_uint64_t size, pos;
} gen;

static zip_int64_t gen_cb(void *ud, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
	gen *g = ud;
	switch (cmd) {
	case ZIP_SOURCE_OPEN:
		g->pos = 0;
		return 0;
	case ZIP_SOURCE_READ: {
		zip_uint64_t n = g->size - g->pos, hn = strlen(g->head), tn = strlen(g->tail);
		if (n > len)
			n = len;
		char *d = data;
		memset(d, ' ', n);
		for (zip_uint64_t at = g->pos; at < hn && at < g->pos + n; at++)
			d[at - g->pos] = g->head[at];
		for (zip_uint64_t at = g->size - tn; at < g->size; at++) {
			if (at >= g->pos && at < g->pos + n)
				d[at - g->pos] = g->tail[at - (g->size - tn)];
		}
		g->pos += n;
		return (zip_int64_t)n;
	}
	case ZIP_SOURCE_CLOSE:
	case ZIP_SOURCE_FREE:
		return 0;
	case ZIP_SOURCE_STAT: {
		zip_stat_t *st = data;
		zip_stat_init(st);
		st->valid = ZIP_STAT_SIZE;
		st->size = g->size;
		return sizeof *st;
	}
	case ZIP_SOURCE_ERROR:
		return 2 * sizeof(int);
	case ZIP_SOURCE_SUPPORTS:
		return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE,
						      ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE, -1);
	default:
		return -1;
	}
}

/* Returns a malloc'd zip archive of the parts (deflated), and one generated
 * entry when g is not NULL; its size in *len. */
static char *make_zip(const part *parts, size_t n, const char *gen_name, gen *g, size_t *len)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
	assert_non_null(src);
	zip_t *za = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
	assert_non_null(za);
	zip_source_keep(src);
	for (size_t i = 0; i < n; i++) {
		size_t size = parts[i].size ? parts[i].size : strlen(parts[i].data);
		zip_source_t *s = zip_source_buffer(za, parts[i].data, size, 0);
		assert_non_null(s);
		zip_int64_t idx = zip_file_add(za, parts[i].name, s, ZIP_FL_ENC_UTF_8);
		assert_true(idx >= 0);
		assert_int_equal(zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_DEFLATE, 1), 0);
	}
	if (g) {
		zip_source_t *s = zip_source_function(za, gen_cb, g);
		assert_non_null(s);
		zip_int64_t idx = zip_file_add(za, gen_name, s, 0);
		assert_true(idx >= 0);
		assert_int_equal(zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_DEFLATE, 1), 0);
	}
	assert_int_equal(zip_close(za), 0);
	assert_int_equal(zip_source_open(src), 0);
	assert_int_equal(zip_source_seek(src, 0, SEEK_END), 0);
	zip_int64_t size = zip_source_tell(src);
	assert_true(size > 0);
	assert_int_equal(zip_source_seek(src, 0, SEEK_SET), 0);
	char *buf = malloc((size_t)size);
	assert_non_null(buf);
	assert_int_equal(zip_source_read(src, buf, (zip_uint64_t)size), size);
	zip_source_close(src);
	zip_source_free(src);
	zip_error_fini(&ze);
	*len = (size_t)size;
	return buf;
}

static const char WORKBOOK[] = XML_DECL "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\">"
				"<sheets><sheet name=\"户籍\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char WORKBOOK_RELS[] =
	XML_DECL "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	"<Relationship Id=\"rId1\" Type=\"" REL_TYPE "worksheet\" Target=\"worksheets/sheet1.xml\"/>"
	"<Relationship Id=\"rId2\" Type=\"" REL_TYPE "sharedStrings\" Target=\"sharedStrings.xml\"/>"
	"<Relationship Id=\"rId3\" Type=\"" REL_TYPE "styles\" Target=\"styles.xml\"/>"
	"</Relationships>";

/* Returns a malloc'd .xlsx of a one-sheet workbook (sst and styles when not
 * NULL, a workbook.xml of its own when wb is not NULL); its size in *len. */
static char *make_xlsx(const char *sheet, const char *sst, const char *styles, const char *wb, size_t *len)
{
	part parts[5];
	size_t n = 0;
	parts[n++] = (part){"xl/workbook.xml", wb ? wb : WORKBOOK, 0};
	parts[n++] = (part){"xl/_rels/workbook.xml.rels", WORKBOOK_RELS, 0};
	parts[n++] = (part){"xl/worksheets/sheet1.xml", sheet, 0};
	if (sst)
		parts[n++] = (part){"xl/sharedStrings.xml", sst, 0};
	if (styles)
		parts[n++] = (part){"xl/styles.xml", styles, 0};
	return make_zip(parts, n, NULL, NULL, len);
}

/* Parses data[0..len) that must succeed; returns the table. */
static lx_csv *parse_ok(const char *data, size_t len)
{
	char err[256] = "";
	lx_csv *t = NULL;
	int rc = lx_xlsx_parse(data, len, &t, err, sizeof err);
	if (rc != LX_OK)
		fail_msg("unexpected error %d: %s", rc, err);
	assert_non_null(t);
	assert_string_equal(t->encoding, "xlsx");
	return t;
}

/* Parses data[0..len) that must fail with LX_INVALID and a message starting with want. */
static void parse_fails(const char *data, size_t len, const char *want)
{
	char err[256] = "";
	lx_csv *sentinel = (lx_csv *)(uintptr_t)0x1234;
	lx_csv *t = sentinel;
	int rc = lx_xlsx_parse(data, len, &t, err, sizeof err);
	if (rc != LX_INVALID)
		fail_msg("expected LX_INVALID, got %d (%s)", rc, err);
	assert_ptr_equal(t, sentinel); /* *out untouched */
	if (strncmp(err, want, strlen(want)) != 0)
		fail_msg("error \"%s\" does not start with \"%s\"", err, want);
}

/* The sheet of one workbook (with sst and styles) parsed; the table. */
static lx_csv *sheet_ok(const char *sheet, const char *sst, const char *styles)
{
	size_t len;
	char *z = make_xlsx(sheet, sst, styles, NULL, &len);
	lx_csv *t = parse_ok(z, len);
	free(z);
	return t;
}

static void sheet_fails(const char *sheet, const char *sst, const char *want)
{
	size_t len;
	char *z = make_xlsx(sheet, sst, NULL, NULL, &len);
	parse_fails(z, len, want);
	free(z);
}

static void assert_row(const lx_csv *t, size_t r, size_t line, size_t nfields)
{
	assert_true(r < t->nrows);
	assert_int_equal(t->rows[r].line, line);
	assert_int_equal(t->rows[r].nfields, nfields);
}

static void test_strings_and_numbers(void **state)
{
	(void)state;
	lx_csv *t = sheet_ok(
		SHEET("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
		      "<c r=\"C1\" t=\"inlineStr\"><is><t>inline</t></is></c><c r=\"D1\"><v>42.5</v></c>"
		      "<c r=\"E1\" t=\"str\"><f>A1&amp;B1</f><v>formula result</v></c>"
		      "<c r=\"F1\" t=\"b\"><v>1</v></c><c r=\"G1\" t=\"b\"><v>0</v></c>"
		      "<c r=\"H1\" t=\"e\"><v>#DIV/0!</v></c><c r=\"I1\" t=\"n\"><v>-7</v></c></row>"),
		SST("<si><t>plain</t></si>"
		    "<si><r><t>rich </t></r><r><rPr><b/></rPr><t xml:space=\"preserve\">text &amp; more</t></r>"
		    "<rPh sb=\"0\" eb=\"1\"><t>phonetic</t></rPh><phoneticPr fontId=\"1\"/></si>"),
		NULL);
	assert_int_equal(t->nrows, 1);
	assert_row(t, 0, 1, 9);
	const char *want[] = {"plain", "rich text & more", "inline", "42.5", "formula result", "TRUE",
			      "FALSE", "#DIV/0!", "-7"};
	for (size_t i = 0; i < 9; i++)
		assert_string_equal(t->rows[0].fields[i], want[i]);
	lx_csv_free(t);
}

static void test_phone_numbers(void **state)
{
	(void)state;
	lx_csv *t = sheet_ok(SHEET("<row r=\"1\"><c r=\"A1\"><v>13812345678</v></c>"
				   "<c r=\"B1\"><v>1.3812345678E10</v></c><c r=\"C1\"><v>1.3812345678e+10</v></c>"
				   "<c r=\"D1\"><v>1.10101199001011E+17</v></c><c r=\"E1\"><v>-1.5E3</v></c>"
				   "<c r=\"F1\"><v>1.5E-3</v></c><c r=\"G1\"><v>0.30000000000000004</v></c>"
				   "<c r=\"H1\"><v>1.1010119900101123E+17</v></c><c r=\"I1\"><v>0E0</v></c>"
				   "<c r=\"J1\"><v>1E+40</v></c><c r=\"K1\"><v>12E-1</v></c></row>"),
			     NULL, NULL);
	assert_row(t, 0, 1, 11);
	const char *want[] = {"13812345678", "13812345678", "13812345678", "110101199001011000", "-1500",
			      "1.5E-3", "0.3", "110101199001011000", "0", "1E+40", "12E-1"};
	for (size_t i = 0; i < 11; i++)
		assert_string_equal(t->rows[0].fields[i], want[i]);
	lx_csv_free(t);
}

static const char STYLES[] =
	XML_DECL "<styleSheet xmlns=\"" NS_MAIN "\">"
	"<numFmts count=\"3\"><numFmt numFmtId=\"164\" formatCode=\"yyyy/m/d h:mm\"/>"
	"<numFmt numFmtId=\"165\" formatCode=\"#,##0&quot; days&quot;\"/>"
	"<numFmt numFmtId=\"166\" formatCode=\"[Red][&lt;=100]0.00;[$-804]0\"/></numFmts>"
	"<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"
	"<cellXfs count=\"6\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\" applyNumberFormat=\"1\"/>"
	"<xf numFmtId=\"164\"/><xf numFmtId=\"165\"/><xf numFmtId=\"166\"/><xf numFmtId=\"31\"/></cellXfs>"
	"<dxfs count=\"1\"><dxf><numFmt numFmtId=\"167\" formatCode=\"yyyy\"/></dxf></dxfs>"
	"</styleSheet>";

static void test_dates(void **state)
{
	(void)state;
	lx_csv *t = sheet_ok(SHEET("<row r=\"1\"><c r=\"A1\" s=\"1\"><v>45000</v></c>"
				   "<c r=\"B1\" s=\"2\"><v>45000.5</v></c><c r=\"C1\" s=\"0\"><v>45000</v></c>"
				   "<c r=\"D1\" s=\"3\"><v>45000</v></c><c r=\"E1\" s=\"4\"><v>45000</v></c>"
				   "<c r=\"F1\" s=\"5\"><v>44927</v></c><c r=\"G1\" s=\"1\"><v>60</v></c>"
				   "<c r=\"H1\" s=\"1\"><v>59</v></c><c r=\"I1\" s=\"1\"><v>61</v></c>"
				   "<c r=\"J1\" s=\"1\"><v>1</v></c><c r=\"K1\" s=\"2\"><v>0.75</v></c>"
				   "<c r=\"L1\" s=\"1\" t=\"s\"><v>0</v></c><c r=\"M1\" s=\"9\"><v>45000</v></c>"
				   "<c r=\"N1\" t=\"d\"><v>2026-03-05T00:00:00</v></c>"
				   "<c r=\"O1\" t=\"d\"><v>2026-03-05T09:30:00Z</v></c>"
				   "<c r=\"P1\" s=\"1\"><v>-1</v></c><c r=\"Q1\" s=\"2\"><v>45000.99999999</v></c></row>"),
			     SST("<si><t>not a date</t></si>"), STYLES);
	assert_row(t, 0, 1, 17);
	const char *want[] = {"2023-03-15", "2023-03-15 12:00", "45000", "45000", "45000", "2023-01-01",
			      "1900-02-29", "1900-02-28", "1900-03-01", "1900-01-01", "18:00", "not a date",
			      "45000", "2026-03-05", "2026-03-05 09:30", "-1", "2023-03-16"};
	for (size_t i = 0; i < 17; i++)
		assert_string_equal(t->rows[0].fields[i], want[i]);
	lx_csv_free(t);
}

static void test_date1904(void **state)
{
	(void)state;
	static const char wb[] = XML_DECL "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\">"
				 "<workbookPr date1904=\"1\"/><sheets><sheet name=\"a\" sheetId=\"1\" r:id=\"rId1\"/>"
				 "</sheets></workbook>";
	size_t len;
	char *z = make_xlsx(SHEET("<row><c s=\"1\"><v>0</v></c><c s=\"1\"><v>45000</v></c></row>"), NULL, STYLES,
			    wb, &len);
	lx_csv *t = parse_ok(z, len);
	assert_row(t, 0, 1, 2);
	assert_string_equal(t->rows[0].fields[0], "1904-01-01");
	assert_string_equal(t->rows[0].fields[1], "2027-03-16");
	lx_csv_free(t);
	free(z);
}

static void test_gaps_and_trim(void **state)
{
	(void)state;
	lx_csv *t = sheet_ok(
		SHEET("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>姓名</t></is></c>"
		      "<c r=\"B1\" t=\"inlineStr\"><is><t>电话</t></is></c>"
		      "<c r=\"C1\" t=\"inlineStr\"><is><t>地址</t></is></c></row>"
		      /* A then C: B is "" */
		      "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>  张三\t</t></is></c>"
		      "<c r=\"C2\" t=\"inlineStr\"><is><t>3号楼</t></is></c>"
		      /* trailing empty cells are dropped */
		      "<c r=\"D2\" t=\"inlineStr\"><is><t>  </t></is></c><c r=\"E2\" s=\"0\"/></row>"
		      /* cells without r count on; ZZ is column 702 */
		      "<row r=\"3\"><c><v>1</v></c><c/><c><v>3</v></c><c r=\"ZZ3\"><v>702</v></c></row>"),
		NULL, NULL);
	assert_int_equal(t->nrows, 3);
	assert_row(t, 1, 2, 3);
	assert_string_equal(t->rows[1].fields[0], "张三");
	assert_string_equal(t->rows[1].fields[1], "");
	assert_string_equal(t->rows[1].fields[2], "3号楼");
	assert_row(t, 2, 3, 702);
	assert_string_equal(t->rows[2].fields[0], "1");
	assert_string_equal(t->rows[2].fields[1], "");
	assert_string_equal(t->rows[2].fields[2], "3");
	assert_string_equal(t->rows[2].fields[3], "");
	assert_string_equal(t->rows[2].fields[701], "702");
	lx_csv_free(t);
}

static void test_row_numbers(void **state)
{
	(void)state;
	lx_csv *t = sheet_ok(SHEET("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>"
				   "<row r=\"3\"><c r=\"A3\"><v>3</v></c></row>"
				   /* no r: the one after 3 */
				   "<row><c><v>4</v></c></row>"
				   /* no non-empty cell: skipped, but it was row 5 */
				   "<row><c r=\"A5\" t=\"inlineStr\"><is><t> </t></is></c><c r=\"B5\"/></row>"
				   "<row><c><v>6</v></c></row>"
				   "<row r=\"1048576\"><c r=\"XFD1048576\"><v>last</v></c></row>"),
			     NULL, NULL);
	assert_int_equal(t->nrows, 5);
	assert_row(t, 0, 1, 1);
	assert_row(t, 1, 3, 1);
	assert_string_equal(t->rows[1].fields[0], "3");
	assert_row(t, 2, 4, 1);
	assert_string_equal(t->rows[2].fields[0], "4");
	assert_row(t, 3, 6, 1);
	assert_row(t, 4, 1048576, 16384);
	assert_string_equal(t->rows[4].fields[16383], "last");
	lx_csv_free(t);

	t = sheet_ok(SHEET(""), NULL, NULL);
	assert_int_equal(t->nrows, 0);
	lx_csv_free(t);
}

static void test_chinese(void **state)
{
	(void)state;
	lx_csv *t = sheet_ok(SHEET("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c></row>"
				   "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>2</v></c>"
				   "<c r=\"B2\" t=\"inlineStr\"><is><t>水滩社区第9网格</t></is></c></row>"),
			     SST("<si><t>姓名</t></si><si><t>网格</t></si>"
				 "<si><r><t>王</t></r><r><t>小明</t></r><rPh sb=\"0\" eb=\"1\"><t>ワン</t></rPh></si>"),
			     NULL);
	assert_int_equal(t->nrows, 2);
	assert_string_equal(t->rows[0].fields[0], "姓名");
	assert_string_equal(t->rows[0].fields[1], "网格");
	assert_string_equal(t->rows[1].fields[0], "王小明");
	assert_string_equal(t->rows[1].fields[1], "水滩社区第9网格");
	lx_csv_free(t);
}

static void test_escapes(void **state)
{
	(void)state;
	lx_csv *t = sheet_ok(SHEET("<row><c t=\"s\"><v>0</v></c><c t=\"inlineStr\"><is><t>a_x005F_x000D_b</t></is></c>"
				   "<c t=\"str\"><v>_x4E2D__x0000__xD800_</v></c>"
				   "<c t=\"inlineStr\"><is><t>line 1\nline 2</t></is></c></row>"),
			     SST("<si><t>3号楼_x000D_\n2单元</t></si>"), NULL);
	assert_row(t, 0, 1, 4);
	assert_string_equal(t->rows[0].fields[0], "3号楼\r\n2单元");
	assert_string_equal(t->rows[0].fields[1], "a_x000D_b");
	assert_string_equal(t->rows[0].fields[2], "中_x0000__xD800_");
	assert_string_equal(t->rows[0].fields[3], "line 1\nline 2");
	lx_csv_free(t);
}

static void test_namespace_prefix(void **state)
{
	(void)state;
	/* some writers put SpreadsheetML under a prefix */
	lx_csv *t = sheet_ok(XML_DECL "<x:worksheet xmlns:x=\"" NS_MAIN "\"><x:sheetData>"
				      "<x:row r=\"2\"><x:c r=\"B2\" t=\"inlineStr\"><x:is><x:t>b</x:t></x:is></x:c>"
				      "</x:row></x:sheetData></x:worksheet>",
			     NULL, NULL);
	assert_row(t, 0, 2, 2);
	assert_string_equal(t->rows[0].fields[1], "b");
	lx_csv_free(t);
}

static void test_bad_cells(void **state)
{
	(void)state;
	sheet_fails(SHEET("<row r=\"1\"><c t=\"s\"><v>0</v></c></row>"
			  "<row r=\"2\"><c r=\"A2\"/><c r=\"B2\" t=\"s\"><v>5</v></c></row>"),
		    SST("<si><t>a</t></si><si><t>b</t></si>"),
		    "line 2: cell B2 refers to shared string \"5\", and the workbook has 2");
	sheet_fails(SHEET("<row><c t=\"s\"><v>x</v></c></row>"), NULL,
		    "line 1: cell A1 refers to shared string \"x\", and the workbook has 0");
	sheet_fails(SHEET("<row r=\"1048577\"><c><v>1</v></c></row>"), NULL, "line 1048577: a sheet has at most 1048576 rows");
	sheet_fails(SHEET("<row r=\"1\"><c r=\"XFE1\"><v>1</v></c></row>"), NULL,
		    "line 1: a sheet has at most 16384 columns");
	sheet_fails(SHEET("<row r=\"1\"><c r=\"XFD1\"><v>1</v></c><c><v>2</v></c></row>"), NULL,
		    "line 1: a sheet has at most 16384 columns");
	sheet_fails(SHEET("<row r=\"1\"><c r=\"C1\"><v>1</v></c><c r=\"B1\"><v>2</v></c></row>"), NULL,
		    "line 1: cell B1 comes after cell C1");
	sheet_fails(SHEET("<row r=\"5\"/><row r=\"3\"/>"), NULL, "line 3: row 3 comes after row 5");
	sheet_fails(SHEET("<row r=\"x\"/>"), NULL, "line 1: row number \"x\" is not valid");
	sheet_fails(SHEET("<row r=\"2\"><c r=\"12\"/></row>"), NULL, "line 2: cell reference \"12\" is not valid");
}

static void test_not_a_workbook(void **state)
{
	(void)state;
	static const char csv[] = "name,code\n矿区,K01\n";
	parse_fails(csv, sizeof csv - 1, "not an .xlsx file (not a zip archive)");
	parse_fails(NULL, 0, "not an .xlsx file (not a zip archive)");
	static const char xls[] = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0";
	parse_fails(xls, sizeof xls - 1, "not an .xlsx file: an Excel 97-2003 .xls");
	static const char trunc[] = "PK\3\4 truncated";
	parse_fails(trunc, sizeof trunc - 1, "not an .xlsx file (");
	assert_true(lx_xlsx_sniff(trunc, sizeof trunc - 1));
	assert_false(lx_xlsx_sniff(csv, sizeof csv - 1));
	assert_false(lx_xlsx_sniff("PK\3", 3));
	assert_false(lx_xlsx_sniff(NULL, 0));

	/* a zip, but no worksheet in it */
	size_t len;
	part other[] = {{"readme.txt", "hello", 0}};
	char *z = make_zip(other, 1, NULL, NULL, &len);
	assert_true(lx_xlsx_sniff(z, len));
	parse_fails(z, len, "not an .xlsx workbook: the archive has no worksheet");
	free(z);

	/* the workbook names a sheet that is not there, and there is no sheet1.xml */
	part missing[] = {{"xl/workbook.xml", WORKBOOK, 0}, {"xl/_rels/workbook.xml.rels", WORKBOOK_RELS, 0},
			  {"xl/worksheets/sheet2.xml", SHEET(""), 0}};
	z = make_zip(missing, 3, NULL, NULL, &len);
	parse_fails(z, len, "not an .xlsx workbook: the archive has no worksheet");
	free(z);

	char big[8];
	lx_csv *t = NULL;
	assert_int_equal(lx_xlsx_parse(big, LX_CSV_MAX_INPUT + 1, &t, NULL, 0), LX_INVALID);
	assert_null(t);
}

static void test_sheet_order(void **state)
{
	(void)state;
	/* the first sheet in workbook order, not the first relationship or sheet1.xml; a chartsheet before it
	 * is passed over */
	static const char wb[] = XML_DECL "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\"><sheets>"
				 "<sheet name=\"图表\" sheetId=\"4\" r:id=\"rId4\"/>"
				 "<sheet name=\"居民\" sheetId=\"3\" r:id=\"rId3\"/>"
				 "<sheet name=\"户籍\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
	static const char rels[] =
		XML_DECL "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
		"<Relationship Id=\"rId1\" Type=\"" REL_TYPE "worksheet\" Target=\"worksheets/sheet1.xml\"/>"
		"<Relationship Id=\"rId3\" Type=\"" REL_TYPE "worksheet\" Target=\"/xl/worksheets/../data/居民.xml\"/>"
		"<Relationship Id=\"rId4\" Type=\"" REL_TYPE "chartsheet\" Target=\"chartsheets/sheet1.xml\"/>"
		"<Relationship Id=\"rId9\" Type=\"" REL_TYPE "hyperlink\" Target=\"http://example.com/\" "
		"TargetMode=\"External\"/>"
		"</Relationships>";
	part parts[] = {{"xl/workbook.xml", wb, 0},
			{"xl/_rels/workbook.xml.rels", rels, 0},
			{"xl/worksheets/sheet1.xml", SHEET("<row><c><v>1</v></c></row>"), 0},
			{"xl/data/居民.xml", SHEET("<row><c><v>3</v></c></row>"), 0},
			{"xl/chartsheets/sheet1.xml", "<chartsheet/>", 0}};
	size_t len;
	char *z = make_zip(parts, 5, NULL, NULL, &len);
	lx_csv *t = parse_ok(z, len);
	assert_string_equal(t->rows[0].fields[0], "3");
	lx_csv_free(t);
	free(z);

	/* no workbook.xml at all: xl/worksheets/sheet1.xml; part names in any case */
	part bare[] = {{"XL/Worksheets/Sheet1.xml", SHEET("<row><c><v>1</v></c></row>"), 0}};
	z = make_zip(bare, 1, NULL, NULL, &len);
	t = parse_ok(z, len);
	assert_string_equal(t->rows[0].fields[0], "1");
	lx_csv_free(t);
	free(z);
}

static void test_bad_xml(void **state)
{
	(void)state;
	sheet_fails(XML_DECL "<worksheet><sheetData>\n<row></sheetData></worksheet>", NULL,
		    "xl/worksheets/sheet1.xml line 3: mismatched tag");
	sheet_fails(XML_DECL "<worksheet><sheetData>", NULL, "xl/worksheets/sheet1.xml line 2: no element found");
	sheet_fails("<worksheet>\xff</worksheet>", NULL, "xl/worksheets/sheet1.xml line 1: not well-formed");
	sheet_fails(SHEET(""), "<sst><si><t>&nbsp;</t></si></sst>",
		    "xl/sharedStrings.xml line 1: undefined entity");
	/* an unbound prefix is an error of XML namespaces */
	sheet_fails("<x:worksheet/>", NULL, "xl/worksheets/sheet1.xml line 1: unbound prefix");
}

static void test_doctype_refused(void **state)
{
	(void)state;
	/* billion laughs: refused at the DOCTYPE, before any entity is declared */
	sheet_fails(XML_DECL "<!DOCTYPE worksheet [\n<!ENTITY a \"aaaaaaaaaa\">\n"
			     "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
			     "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]>\n"
			     "<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>&c;</t></is></c></row></sheetData>"
			     "</worksheet>",
		    NULL, "xl/worksheets/sheet1.xml line 2: a DOCTYPE is not allowed");
	/* an external entity: never loaded */
	sheet_fails(SHEET(""),
		    "<!DOCTYPE sst SYSTEM \"file:///etc/passwd\"><sst><si><t>x</t></si></sst>",
		    "xl/sharedStrings.xml line 1: a DOCTYPE is not allowed");
	size_t len;
	char *z = make_xlsx(SHEET(""), NULL, "<!DOCTYPE s [<!ENTITY e SYSTEM \"/etc/passwd\">]><s>&e;</s>", NULL,
			    &len);
	parse_fails(z, len, "xl/styles.xml line 1: a DOCTYPE is not allowed");
	free(z);
}

/* Patches the uncompressed size of every entry (local and central headers) of a zip to size. */
static void patch_sizes(char *z, size_t len, uint32_t size)
{
	for (size_t i = 0; i + 46 <= len; i++) {
		size_t at = 0;
		if (memcmp(z + i, "PK\3\4", 4) == 0)
			at = i + 22;
		else if (memcmp(z + i, "PK\1\2", 4) == 0)
			at = i + 24;
		if (at) {
			for (int k = 0; k < 4; k++)
				z[at + (size_t)k] = (char)(size >> (8 * k) & 0xff);
		}
	}
}

static void test_zip_bomb(void **state)
{
	(void)state;
	size_t len;
	/* more than 256 MiB, as declared: refused before reading */
	gen g = {"<worksheet><sheetData>", "</sheetData></worksheet>", (zip_uint64_t)LX_XLSX_MAX_UNZIPPED + 1, 0};
	part wb[] = {{"xl/workbook.xml", WORKBOOK, 0}, {"xl/_rels/workbook.xml.rels", WORKBOOK_RELS, 0}};
	char *z = make_zip(wb, 2, "xl/worksheets/sheet1.xml", &g, &len);
	assert_true(len < 2 * 1024 * 1024);
	parse_fails(z, len, "xl/worksheets/sheet1.xml is too large (268435457 bytes unzipped");

	/* the same declaring 1000 bytes: stopped while reading, at the limit */
	patch_sizes(z, len, 1000);
	clock_t c0 = clock();
	char err[256] = "";
	lx_csv *t = NULL;
	assert_int_equal(lx_xlsx_parse(z, len, &t, err, sizeof err), LX_INVALID);
	/* libzip may refuse first (a stream longer than declared); either way it stops */
	if (strcmp(err, "xl/worksheets/sheet1.xml is too large (more than the 256 MiB an import reads from a "
			"workbook)") != 0 &&
	    strncmp(err, "cannot read xl/worksheets/sheet1.xml: ", 38) != 0)
		fail_msg("unexpected error: %s", err);
	printf("# lying zip entry: %s (%.2f s)\n", err, (double)(clock() - c0) / CLOCKS_PER_SEC);
	free(z);

	/* the budget is for all the parts together: a big sharedStrings.xml leaves less for the sheet */
	gen g2 = {"<sst>", "</sst>", (zip_uint64_t)LX_XLSX_MAX_UNZIPPED - 2000, 0};
	char sheet[3000];
	snprintf(sheet, sizeof sheet, "<worksheet><!-- %2900s --></worksheet>", "");
	part parts[] = {{"xl/workbook.xml", WORKBOOK, 0},
			{"xl/_rels/workbook.xml.rels", WORKBOOK_RELS, 0},
			{"xl/worksheets/sheet1.xml", sheet, 0}};
	z = make_zip(parts, 3, "xl/sharedStrings.xml", &g2, &len);
	parse_fails(z, len, "xl/worksheets/sheet1.xml is too large (2932 bytes unzipped");
	free(z);
}

static void test_cell_limits(void **state)
{
	(void)state;
	/* cells far to the right are cheap in XML and dear in the table */
	lx_buf b;
	lx_buf_init(&b);
	lx_buf_puts(&b, "<worksheet><sheetData>");
	for (size_t r = 1; r <= 1100; r++)
		lx_buf_printf(&b, "<row><c r=\"XFD%zu\"><v>1</v></c></row>", r);
	lx_buf_puts(&b, "</sheetData></worksheet>");
	sheet_fails(b.data, NULL, "line 1025: the sheet has more than 16777216 cells, gaps included");
	lx_buf_free(&b);
}

/* The large sheet of the speed check: rows x 8 columns, shared strings and numbers. */
static void test_large_sheet(void **state)
{
	(void)state;
	const size_t rows = 100000;
	lx_buf sheet, sst;
	lx_buf_init(&sheet);
	lx_buf_init(&sst);
	lx_buf_puts(&sst, "<sst xmlns=\"" NS_MAIN "\">");
	for (size_t i = 0; i < 1000; i++)
		lx_buf_printf(&sst, "<si><t>水滩社区%zu号楼</t></si>", i);
	lx_buf_puts(&sst, "</sst>");
	lx_buf_puts(&sheet, "<worksheet xmlns=\"" NS_MAIN "\"><sheetData>");
	for (size_t r = 1; r <= rows; r++) {
		lx_buf_printf(&sheet, "<row r=\"%zu\" spans=\"1:8\">", r);
		lx_buf_printf(&sheet, "<c r=\"A%zu\" t=\"s\"><v>%zu</v></c>", r, r % 1000);
		lx_buf_printf(&sheet, "<c r=\"B%zu\"><v>1.38%08zuE10</v></c>", r, r);
		lx_buf_printf(&sheet, "<c r=\"C%zu\" t=\"inlineStr\"><is><t>张%zu</t></is></c>", r, r);
		lx_buf_printf(&sheet, "<c r=\"D%zu\"><v>%zu.5</v></c>", r, r);
		lx_buf_printf(&sheet, "<c r=\"E%zu\" t=\"s\"><v>%zu</v></c>", r, (r * 7) % 1000);
		lx_buf_printf(&sheet, "<c r=\"F%zu\"><v>%zu</v></c>", r, r * 3);
		lx_buf_printf(&sheet, "<c r=\"G%zu\" t=\"b\"><v>%zu</v></c>", r, r % 2);
		lx_buf_printf(&sheet, "<c r=\"H%zu\" t=\"str\"><v>备注 %zu</v></c>", r, r);
		lx_buf_puts(&sheet, "</row>");
	}
	lx_buf_puts(&sheet, "</sheetData></worksheet>");
	size_t len;
	char *z = make_xlsx(sheet.data, sst.data, NULL, NULL, &len);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	lx_csv *t = parse_ok(z, len);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("# %zu rows x 8 columns (%zu bytes of sheet XML, %zu zipped): %.3f s\n", rows, sheet.len, len,
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	assert_int_equal(t->nrows, rows);
	assert_row(t, rows - 1, rows, 8);
	assert_string_equal(t->rows[rows - 1].fields[0], "水滩社区0号楼");
	assert_string_equal(t->rows[rows - 1].fields[1], "13800100000");
	assert_string_equal(t->rows[rows - 1].fields[7], "备注 100000");
	lx_csv_free(t);
	free(z);
	lx_buf_free(&sheet);
	lx_buf_free(&sst);
}

/* A workbook that openpyxl saves: its own XML, as a real writer makes it. */
static const char OPENPYXL_SCRIPT[] =
	"import datetime, sys\n"
	"from openpyxl import Workbook\n"
	"wb = Workbook()\n"
	"ws = wb.active\n"
	"ws.title = '居民'\n"
	"ws.append(['姓名', '身份证号', '电话', '出生日期', '登记时间', '面积'])\n"
	"ws.append(['王小明', '110101199001011234', 13812345678, datetime.date(1990, 1, 1),\n"
	"           datetime.datetime(2026, 3, 5, 9, 30), 89.5])\n"
	"ws['A4'] = '  李四  '\n"
	"ws['C4'] = '=1+1'\n"
	"ws2 = wb.create_sheet('其他')\n"
	"ws2['A1'] = 'second sheet'\n"
	"wb.save(sys.argv[1])\n";

static void test_openpyxl(void **state)
{
	(void)state;
	if (system("/usr/bin/python3 -c 'import openpyxl' >/dev/null 2>&1") != 0) {
		printf("# python3-openpyxl is not installed: skipped\n");
		skip();
	}
	char script[] = "/tmp/lx-test-xlsx-XXXXXX.py", path[] = "/tmp/lx-test-xlsx-XXXXXX.xlsx";
	int fd = mkstemps(script, 3);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, OPENPYXL_SCRIPT, sizeof OPENPYXL_SCRIPT - 1), (ssize_t)(sizeof OPENPYXL_SCRIPT - 1));
	close(fd);
	fd = mkstemps(path, 5);
	assert_true(fd >= 0);
	close(fd);
	char *cmd = lx_xasprintf("/usr/bin/python3 %s %s", script, path);
	assert_int_equal(system(cmd), 0);
	free(cmd);

	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char *data = malloc(1 << 20);
	size_t len = fread(data, 1, 1 << 20, f);
	fclose(f);
	unlink(script);
	unlink(path);
	lx_csv *t = parse_ok(data, len);
	assert_int_equal(t->nrows, 3);
	assert_row(t, 0, 1, 6);
	assert_string_equal(t->rows[0].fields[0], "姓名");
	assert_string_equal(t->rows[0].fields[5], "面积");
	assert_row(t, 1, 2, 6);
	assert_string_equal(t->rows[1].fields[0], "王小明");
	assert_string_equal(t->rows[1].fields[1], "110101199001011234");
	assert_string_equal(t->rows[1].fields[2], "13812345678");
	assert_string_equal(t->rows[1].fields[3], "1990-01-01");
	assert_string_equal(t->rows[1].fields[4], "2026-03-05 09:30");
	assert_string_equal(t->rows[1].fields[5], "89.5");
	/* row 3 is empty (not in the file); a formula openpyxl wrote has no cached value */
	assert_row(t, 2, 4, 1);
	assert_string_equal(t->rows[2].fields[0], "李四");
	lx_csv_free(t);
	free(data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strings_and_numbers),
		cmocka_unit_test(test_phone_numbers),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_date1904),
		cmocka_unit_test(test_gaps_and_trim),
		cmocka_unit_test(test_row_numbers),
		cmocka_unit_test(test_chinese),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_namespace_prefix),
		cmocka_unit_test(test_bad_cells),
		cmocka_unit_test(test_not_a_workbook),
		cmocka_unit_test(test_sheet_order),
		cmocka_unit_test(test_bad_xml),
		cmocka_unit_test(test_doctype_refused),
		cmocka_unit_test(test_zip_bomb),
		cmocka_unit_test(test_cell_limits),
		cmocka_unit_test(test_large_sheet),
		cmocka_unit_test(test_openpyxl),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_csv.c - unit tests for the CSV reader (csv.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "csv.h"
#include "lx.h"

/* GBK bytes, written as separate literals so no hex escape eats the next char. */
#define GBK_MINGCHENG "\xc3\xfb\xb3\xc6" /* 名称 */
#define GBK_BIANHAO "\xb1\xe0\xba\xc5"   /* 编号 */
#define GBK_KUANGQU "\xbf\xf3\xc7\xf8"   /* 矿区 */
#define GBK_NANCHENG "\xc4\xcf\xb3\xc7"  /* 南城 */
#define GB18030_U20000 "\x95\x32\x82\x36" /* 𠀀 U+20000, a four-byte sequence */

/* Parses a NUL-terminated literal that must succeed; returns the table. */
static lx_csv *parse_ok(const char *s)
{
	char err[128] = "";
	lx_csv *t = NULL;
	int rc = lx_csv_parse(s, strlen(s), &t, err, sizeof err);
	if (rc != LX_OK)
		fail_msg("unexpected error %d: %s", rc, err);
	assert_non_null(t);
	return t;
}

/* Parses data[0..len) that must fail with LX_INVALID and the message want. */
static void parse_fails(const char *data, size_t len, const char *want)
{
	char err[128] = "";
	lx_csv *sentinel = (lx_csv *)(uintptr_t)0x1234;
	lx_csv *t = sentinel;
	assert_int_equal(lx_csv_parse(data, len, &t, err, sizeof err), LX_INVALID);
	assert_ptr_equal(t, sentinel); /* *out untouched */
	assert_string_equal(err, want);
}

/* parse_fails on a string literal, which may contain NUL bytes. */
#define PARSE_FAILS(lit, want) parse_fails((lit), sizeof(lit) - 1, (want))

static void assert_row(const lx_csv *t, size_t r, size_t line, size_t nfields)
{
	assert_true(r < t->nrows);
	assert_int_equal(t->rows[r].line, line);
	assert_int_equal(t->rows[r].nfields, nfields);
}

static void test_simple_with_header(void **state)
{
	(void)state;
	lx_csv *t = parse_ok("name,code,parent\n矿区,K01,\n南城,K02,K01\n");
	assert_string_equal(t->encoding, "utf-8");
	assert_int_equal(t->nrows, 3);
	assert_row(t, 0, 1, 3);
	assert_string_equal(t->rows[0].fields[0], "name");
	assert_string_equal(t->rows[0].fields[2], "parent");
	assert_row(t, 1, 2, 3);
	assert_string_equal(t->rows[1].fields[0], "矿区");
	assert_string_equal(t->rows[1].fields[1], "K01");
	assert_string_equal(t->rows[1].fields[2], "");
	assert_row(t, 2, 3, 3);
	assert_string_equal(t->rows[2].fields[2], "K01");
	lx_csv_free(t);
}

static void test_quoted_fields(void **state)
{
	(void)state;
	lx_csv *t = parse_ok("a,b,c\n"
			     "\"x, y\",\"he said \"\"hi\"\"\",\"multi\nline\nfield\"\n"
			     "last,\"\",\"\"\"\"\n"
			     "\"\n\",2,3\n"
			     "end,1,2\n");
	assert_int_equal(t->nrows, 5);
	assert_row(t, 1, 2, 3);
	assert_string_equal(t->rows[1].fields[0], "x, y");
	assert_string_equal(t->rows[1].fields[1], "he said \"hi\"");
	assert_string_equal(t->rows[1].fields[2], "multi\nline\nfield");
	assert_row(t, 2, 5, 3);
	assert_string_equal(t->rows[2].fields[1], "");
	assert_string_equal(t->rows[2].fields[2], "\"");
	assert_row(t, 3, 6, 3);
	assert_string_equal(t->rows[3].fields[0], "\n");
	assert_row(t, 4, 8, 3);
	assert_string_equal(t->rows[4].fields[0], "end");
	lx_csv_free(t);
}

static void test_quoted_spacing(void **state)
{
	(void)state;
	lx_csv *t = parse_ok("  x  ,\ty\t, \" z \" ,\"\"\n\"\"\nab\"c,d\n");
	assert_int_equal(t->nrows, 3);
	assert_row(t, 0, 1, 4);
	assert_string_equal(t->rows[0].fields[0], "x");
	assert_string_equal(t->rows[0].fields[1], "y");
	assert_string_equal(t->rows[0].fields[2], " z "); /* quoted: kept */
	assert_string_equal(t->rows[0].fields[3], "");
	assert_row(t, 1, 2, 1); /* a quoted empty field is a row, not a blank line */
	assert_string_equal(t->rows[1].fields[0], "");
	assert_row(t, 2, 3, 2);
	assert_string_equal(t->rows[2].fields[0], "ab\"c"); /* stray quote is literal */
	lx_csv_free(t);
}

static void test_crlf(void **state)
{
	(void)state;
	lx_csv *t = parse_ok("a,b\r\n1,2\r\n\r\n\"x\r\ny\",4\r\n5,6\r\n");
	assert_int_equal(t->nrows, 4);
	assert_row(t, 0, 1, 2);
	assert_string_equal(t->rows[0].fields[1], "b");
	assert_row(t, 1, 2, 2);
	assert_string_equal(t->rows[1].fields[1], "2");
	assert_row(t, 2, 4, 2);
	assert_string_equal(t->rows[2].fields[0], "x\r\ny"); /* kept verbatim */
	assert_string_equal(t->rows[2].fields[1], "4");
	assert_row(t, 3, 6, 2);
	assert_string_equal(t->rows[3].fields[1], "6");
	lx_csv_free(t);

	/* lone CR (old Excel for Mac) */
	t = parse_ok("a,b\r1,2\r\r3,4");
	assert_int_equal(t->nrows, 3);
	assert_row(t, 1, 2, 2);
	assert_row(t, 2, 4, 2);
	assert_string_equal(t->rows[2].fields[1], "4");
	lx_csv_free(t);

	PARSE_FAILS("a\r\n\"x\r\ny\"z\r\n", "line 3: unexpected character after closing quote");
}

static void test_bom(void **state)
{
	(void)state;
	lx_csv *t = parse_ok("\xEF\xBB\xBFname,名称\r\n1,2\r\n");
	assert_string_equal(t->encoding, "utf-8");
	assert_int_equal(t->nrows, 2);
	assert_string_equal(t->rows[0].fields[0], "name");
	assert_int_equal(lx_csv_column(t, (const char *const[]){"NAME", NULL}), 0);
	assert_row(t, 1, 2, 2);
	lx_csv_free(t);

	t = parse_ok("\xEF\xBB\xBF");
	assert_int_equal(t->nrows, 0);
	lx_csv_free(t);

	/* a BOM promises UTF-8: no falling back to GBK */
	PARSE_FAILS("\xEF\xBB\xBF" "a\n" GBK_KUANGQU "\n",
		    "line 2: invalid encoding (UTF-8 BOM but not valid UTF-8)");
}

static void test_gbk(void **state)
{
	(void)state;
	const char gbk[] = GBK_MINGCHENG "," GBK_BIANHAO "\r\n"
			   GBK_KUANGQU ",K01\r\n"
			   "\r\n"
			   "\"" GBK_NANCHENG "\n" GB18030_U20000 "\",K02\r\n"
			   "x,\"a,b\"\r\n";
	lx_csv *t = parse_ok(gbk);
	assert_string_equal(t->encoding, "gbk");
	assert_int_equal(t->nrows, 4);
	assert_row(t, 0, 1, 2);
	assert_string_equal(t->rows[0].fields[0], "名称");
	assert_string_equal(t->rows[0].fields[1], "编号");
	assert_row(t, 1, 2, 2);
	assert_string_equal(t->rows[1].fields[0], "矿区");
	assert_string_equal(t->rows[1].fields[1], "K01");
	assert_row(t, 2, 4, 2);
	assert_string_equal(t->rows[2].fields[0], "南城\n𠀀");
	assert_row(t, 3, 6, 2);
	assert_string_equal(t->rows[3].fields[1], "a,b");
	assert_int_equal(lx_csv_column(t, (const char *const[]){"code", "编号", NULL}), 1);
	lx_csv_free(t);

	/* a lone GBK field, no newline */
	t = parse_ok(GBK_KUANGQU);
	assert_string_equal(t->encoding, "gbk");
	assert_int_equal(t->nrows, 1);
	assert_string_equal(t->rows[0].fields[0], "矿区");
	lx_csv_free(t);

	/* GB18030's own BOM is dropped */
	t = parse_ok("\x84\x31\x95\x33" GBK_KUANGQU ",1\n");
	assert_string_equal(t->encoding, "gbk");
	assert_string_equal(t->rows[0].fields[0], "矿区");
	lx_csv_free(t);

	/* syntax errors in a GBK file report the original line numbers */
	const char bad[] = GBK_MINGCHENG "\r\n\"" GBK_KUANGQU "\r\n\r\n" GBK_NANCHENG "\r\n";
	parse_fails(bad, sizeof bad - 1, "line 2: unterminated quoted field");
	const char bad2[] = GBK_MINGCHENG "\n\n\"" GBK_KUANGQU "\n\"" GBK_NANCHENG "\n";
	parse_fails(bad2, sizeof bad2 - 1, "line 4: unexpected character after closing quote");
}

static void test_invalid_encoding(void **state)
{
	(void)state;
	PARSE_FAILS("a,b\n1,\x80\n", "line 2: invalid encoding (neither UTF-8 nor GBK)");
	PARSE_FAILS("\xff", "line 1: invalid encoding (neither UTF-8 nor GBK)");
	/* GBK lead byte cut off by a line break, or at the very end */
	PARSE_FAILS("a\r\nb\r\n\xc3\n", "line 3: invalid encoding (neither UTF-8 nor GBK)");
	PARSE_FAILS("a\nb\xc3", "line 2: invalid encoding (neither UTF-8 nor GBK)");
	PARSE_FAILS("名称\n矿区\n南城\nx\xff\n", "line 4: invalid encoding (neither UTF-8 nor GBK)");
	/* UTF-8 with a broken byte on line 3 also fails as GBK on line 1 ("€" is
	 * E2 82 AC, and AC needs a trail byte): the decoding that got further wins */
	PARSE_FAILS("€\nb\nc\x80\n", "line 3: invalid encoding (neither UTF-8 nor GBK)");
	/* ... and the other way round: GBK that breaks after a line UTF-8 rejects */
	PARSE_FAILS(GBK_KUANGQU "\nb\nc\x80\n", "line 3: invalid encoding (neither UTF-8 nor GBK)");
	/* NUL bytes, and the usual reason for them */
	PARSE_FAILS("a\nb\0c", "line 2: NUL byte in input");
	PARSE_FAILS("\xff\xfe" "a\0",
		    "line 1: invalid encoding (UTF-16 is not supported; save as \"CSV UTF-8\")");
}

static void test_unterminated_quote(void **state)
{
	(void)state;
	const char *s = "a,b\n1,2\n3,\"abc\n\ndef\n";
	parse_fails(s, strlen(s), "line 3: unterminated quoted field");
	s = "\"";
	parse_fails(s, strlen(s), "line 1: unterminated quoted field");
	s = "a\n\n\n\"x\"\"";
	parse_fails(s, strlen(s), "line 4: unterminated quoted field");
}

static void test_garbage_after_quote(void **state)
{
	(void)state;
	const char *s = "a,b\n\"x\"y,2\n";
	parse_fails(s, strlen(s), "line 2: unexpected character after closing quote");
	s = "a\n\n\"x\ny\" z\n";
	parse_fails(s, strlen(s), "line 4: unexpected character after closing quote");
	s = "\"a\"\"b\"\"\"c";
	parse_fails(s, strlen(s), "line 1: unexpected character after closing quote");
}

static void test_empty_input(void **state)
{
	(void)state;
	lx_csv *t = NULL;
	assert_int_equal(lx_csv_parse("", 0, &t, NULL, 0), LX_OK);
	assert_non_null(t);
	assert_int_equal(t->nrows, 0);
	assert_string_equal(t->encoding, "utf-8");
	assert_int_equal(lx_csv_column(t, (const char *const[]){"name", NULL}), -1);
	lx_csv_free(t);

	t = NULL;
	assert_int_equal(lx_csv_parse(NULL, 0, &t, NULL, 0), LX_OK);
	assert_int_equal(t->nrows, 0);
	lx_csv_free(t);

	t = parse_ok("\n\r\n \t\n\r");
	assert_int_equal(t->nrows, 0);
	lx_csv_free(t);
}

static void test_blank_lines(void **state)
{
	(void)state;
	lx_csv *t = parse_ok("\n\na\n\n\nb\n  \n\t\nc\n\n\n");
	assert_int_equal(t->nrows, 3);
	assert_row(t, 0, 3, 1);
	assert_string_equal(t->rows[0].fields[0], "a");
	assert_row(t, 1, 6, 1);
	assert_string_equal(t->rows[1].fields[0], "b");
	assert_row(t, 2, 9, 1);
	assert_string_equal(t->rows[2].fields[0], "c");
	lx_csv_free(t);

	/* a row of empty fields is not a blank line */
	t = parse_ok("a,b\n,\n");
	assert_int_equal(t->nrows, 2);
	assert_row(t, 1, 2, 2);
	lx_csv_free(t);
}

static void test_column(void **state)
{
	(void)state;
	lx_csv *t = parse_ok("ID, 名称 ,Name,\" 备注\t\",Grid Code\n1,矿区,Kuangqu,,G1\n");
	assert_int_equal(lx_csv_column(t, (const char *const[]){"id", NULL}), 0);
	assert_int_equal(lx_csv_column(t, (const char *const[]){"name", "名称", NULL}), 1);
	assert_int_equal(lx_csv_column(t, (const char *const[]){"NAME", NULL}), 2);
	assert_int_equal(lx_csv_column(t, (const char *const[]){"备注", NULL}), 3);
	assert_int_equal(lx_csv_column(t, (const char *const[]){"grid code", NULL}), 4);
	assert_int_equal(lx_csv_column(t, (const char *const[]){"grid", "code", NULL}), -1);
	assert_int_equal(lx_csv_column(t, (const char *const[]){"名", NULL}), -1);
	assert_int_equal(lx_csv_column(t, (const char *const[]){NULL}), -1);
	assert_int_equal(lx_csv_column(t, NULL), -1);
	assert_int_equal(lx_csv_column(NULL, (const char *const[]){"id", NULL}), -1);

	int col = lx_csv_column(t, (const char *const[]){"名称", NULL});
	assert_string_equal(lx_csv_field(&t->rows[1], col), "矿区");
	assert_string_equal(lx_csv_field(&t->rows[1], 99), "");
	assert_string_equal(lx_csv_field(&t->rows[1], -1), "");
	lx_csv_free(t);
}

static void test_trailing_newline(void **state)
{
	(void)state;
	const char *variants[] = {"a,b\n1,2", "a,b\n1,2\n", "a,b\r\n1,2\r\n", "a,b\n1,2\n\n\n"};
	for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
		lx_csv *t = parse_ok(variants[i]);
		assert_int_equal(t->nrows, 2);
		assert_row(t, 1, 2, 2);
		assert_string_equal(t->rows[1].fields[0], "1");
		assert_string_equal(t->rows[1].fields[1], "2");
		lx_csv_free(t);
	}
	/* a trailing comma is one more, empty field, with or without newline */
	lx_csv *t = parse_ok("a,");
	assert_row(t, 0, 1, 2);
	assert_string_equal(t->rows[0].fields[1], "");
	lx_csv_free(t);
	t = parse_ok("\"a\"");
	assert_row(t, 0, 1, 1);
	assert_string_equal(t->rows[0].fields[0], "a");
	lx_csv_free(t);
}

static void test_ragged_and_limits(void **state)
{
	(void)state;
	lx_csv *t = parse_ok("a,b,c\n1\n1,2,3,4\n");
	assert_row(t, 0, 1, 3);
	assert_row(t, 1, 2, 1);
	assert_row(t, 2, 3, 4);
	assert_string_equal(lx_csv_field(&t->rows[1], 2), "");
	assert_string_equal(lx_csv_field(&t->rows[2], 3), "4");
	lx_csv_free(t);

	/* too large: rejected before the bytes are read */
	char *big = lx_xmalloc(LX_CSV_MAX_INPUT + 1);
	char err[128];
	lx_csv *out = NULL;
	assert_int_equal(lx_csv_parse(big, LX_CSV_MAX_INPUT + 1, &out, err, sizeof err),
			 LX_INVALID);
	assert_null(out);
	assert_string_equal(err, "input too large (67108865 bytes, the limit is 64 MiB)");
	free(big);

	/* errors without an err buffer, and with a tiny one */
	assert_int_equal(lx_csv_parse("\"", 1, &out, NULL, 0), LX_INVALID);
	char tiny[8];
	assert_int_equal(lx_csv_parse("\"", 1, &out, tiny, sizeof tiny), LX_INVALID);
	assert_string_equal(tiny, "line 1:");
	assert_null(out);
}

static void test_many_rows(void **state)
{
	(void)state;
	lx_buf b;
	lx_buf_init(&b);
	lx_buf_puts(&b, "id,名称,note\n");
	for (int i = 0; i < 5000; i++)
		lx_buf_printf(&b, "%d,网格%d,\"line\n%d\"\n", i, i, i);
	lx_csv *t = parse_ok(b.data);
	assert_int_equal(t->nrows, 5001);
	for (size_t i = 1; i < t->nrows; i++) {
		char want[32];
		assert_int_equal(t->rows[i].line, 2 * i);
		snprintf(want, sizeof want, "网格%zu", i - 1);
		assert_string_equal(t->rows[i].fields[1], want);
	}
	lx_csv_free(t);
	lx_buf_free(&b);
	lx_csv_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple_with_header),
		cmocka_unit_test(test_quoted_fields),
		cmocka_unit_test(test_quoted_spacing),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_bom),
		cmocka_unit_test(test_gbk),
		cmocka_unit_test(test_invalid_encoding),
		cmocka_unit_test(test_unterminated_quote),
		cmocka_unit_test(test_garbage_after_quote),
		cmocka_unit_test(test_empty_input),
		cmocka_unit_test(test_blank_lines),
		cmocka_unit_test(test_column),
		cmocka_unit_test(test_trailing_newline),
		cmocka_unit_test(test_ragged_and_limits),
		cmocka_unit_test(test_many_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

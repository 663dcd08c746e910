/*
 * test_text.c - unit tests for core/text: index terms (Chinese bigrams,
 * lower-cased Latin words) and search query parsing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lx.h"
#include "text.h"

/* Expects lx_text_terms(text) to be want. */
static void terms_are(const char *text, const char *want)
{
	char *got = lx_text_terms(text);
	assert_non_null(got);
	bool ok = strcmp(got, want) == 0;
	if (!ok)
		print_error("lx_text_terms(\"%s\") = \"%s\", want \"%s\"\n", text ? text : "(null)", got,
			    want);
	free(got);
	if (!ok)
		fail();
}

/* ---- lx_text_terms ------------------------------------------------------------- */

static void test_terms_bigrams(void **state)
{
	(void)state;
	terms_are("暖气不热", "暖气 气不 不热");
	terms_are("暖气", "暖气");
	terms_are("路灯坏了", "路灯 灯坏 坏了");
	/* Four-byte CJK (extension B) characters pair like any other. */
	terms_are("𠀀𠀁", "𠀀𠀁");
}

static void test_terms_mixed(void **state)
{
	(void)state;
	terms_are("3号楼暖气ABC", "3 号楼 楼暖 暖气 abc");
	terms_are("Room 502 没有Hot水", "room 502 没有 hot 水");
	terms_are("WiFi6信号", "wifi6 信号");
	terms_are("a1B2c3", "a1b2c3");
}

static void test_terms_punctuation(void **state)
{
	(void)state;
	/* Full-width and CJK punctuation separate runs. */
	terms_are("暖气，不热。", "暖气 不热");
	terms_are("路灯坏了！“快修”", "路灯 灯坏 坏了 快修");
	terms_are("噪音（夜间）扰民", "噪音 夜间 扰民");
	terms_are("水管、电线；燃气", "水管 电线 燃气");
	terms_are("《条例》", "条例");
	/* ASCII punctuation and spaces too. */
	terms_are("暖气-不热 (急)", "暖气 不热 急");
	terms_are("e-mail: a.b@c", "e mail a b c");
	/* A lone character between separators gives itself. */
	terms_are("灯，坏。了！", "灯 坏 了");
	terms_are("“灯”", "灯");
	terms_are("灯", "灯");
	terms_are("3楼", "3 楼");
	terms_are("路灯，坏", "路灯 坏");
	terms_are("坏，路灯", "坏 路灯");
}

static void test_terms_empty(void **state)
{
	(void)state;
	terms_are(NULL, "");
	terms_are("", "");
	terms_are("   ", "");
	terms_are("，。！？“”", "");
	terms_are("\t\n!@#$%^&*()", "");
}

/* Malformed input must not read past the end or crash. */
static void test_terms_malformed(void **state)
{
	(void)state;
	const char *inputs[] = {"\xE6", "\xE6\x9A", "\xF0\x9F", "\xF0\x9F\x98", "暖\xE6", "\x80\x80",
				"a\xC3", "\xFF\xFE"};
	for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
		/* Copy into an exact-size heap block so ASan sees any overread. */
		size_t n = strlen(inputs[i]) + 1;
		char *s = malloc(n);
		memcpy(s, inputs[i], n);
		char *t = lx_text_terms(s);
		assert_non_null(t);
		free(t);
		free(s);
	}
	terms_are("a\xC3", "a");
}

static void test_terms_long(void **state)
{
	(void)state;
	/* 1000 characters of 水 give 999 bigrams 水水. */
	lx_buf in, want;
	lx_buf_init(&in);
	lx_buf_init(&want);
	for (int i = 0; i < 1000; i++)
		lx_buf_puts(&in, "水");
	for (int i = 0; i < 999; i++)
		lx_buf_puts(&want, i ? " 水水" : "水水");
	terms_are(in.data, want.data);
	lx_buf_free(&in);
	lx_buf_free(&want);
}

/* ---- lx_text_query_parse ------------------------------------------------------- */

/* Parses q, expecting LX_OK, the given match (NULL for none) and words. */
static void query_is(const char *q, const char *want_match, size_t nwords, ...)
{
	lx_text_query tq;
	int rc = lx_text_query_parse(q, &tq);
	if (rc != LX_OK)
		fail_msg("lx_text_query_parse(\"%s\") = %d, want LX_OK", q, rc);
	bool ok = want_match ? tq.match && strcmp(tq.match, want_match) == 0 : tq.match == NULL;
	if (!ok)
		print_error("query \"%s\": match \"%s\", want \"%s\"\n", q,
			    tq.match ? tq.match : "(null)", want_match ? want_match : "(null)");
	if (tq.nwords != nwords) {
		print_error("query \"%s\": %zu words, want %zu\n", q, tq.nwords, nwords);
		ok = false;
	}
	va_list ap;
	va_start(ap, nwords);
	for (size_t i = 0; ok && i < nwords; i++) {
		const char *w = va_arg(ap, const char *);
		if (strcmp(tq.words[i], w) != 0) {
			print_error("query \"%s\": word %zu is \"%s\", want \"%s\"\n", q, i, tq.words[i], w);
			ok = false;
		}
	}
	va_end(ap);
	lx_text_query_free(&tq);
	if (!ok)
		fail();
	assert_int_equal(tq.nwords, 0);
	assert_null(tq.words);
	assert_null(tq.match);
}

static void query_invalid(const char *q)
{
	lx_text_query tq;
	memset(&tq, 0x5A, sizeof tq);
	int rc = lx_text_query_parse(q, &tq);
	if (rc != LX_INVALID)
		fail_msg("lx_text_query_parse(\"%s\") = %d, want LX_INVALID", q ? q : "(null)", rc);
	/* A failed parse leaves an empty query that is safe to free. */
	assert_int_equal(tq.nwords, 0);
	assert_null(tq.words);
	assert_null(tq.match);
	lx_text_query_free(&tq);
}

static void test_query_chinese(void **state)
{
	(void)state;
	query_is("暖气", "\"暖气\"", 1, "暖气");
	query_is("暖气 路灯", "\"暖气\" AND \"路灯\"", 2, "暖气", "路灯");
	query_is("暖气不热", "\"暖气\" AND \"气不\" AND \"不热\"", 1, "暖气不热");
	query_is("  暖气\t路灯\n", "\"暖气\" AND \"路灯\"", 2, "暖气", "路灯");
	/* A single character has no bigram: only the substring check finds it. */
	query_is("灯", NULL, 1, "灯");
	query_is("灯 水", NULL, 2, "灯", "水");
	query_is("灯 暖气", "\"暖气\"", 2, "灯", "暖气");
	query_is("𠀀", NULL, 1, "𠀀");
	/* Punctuation inside a word splits its terms but not the word. */
	query_is("暖气，不热", "\"暖气\" AND \"不热\"", 1, "暖气，不热");
	query_is("灯，水", NULL, 1, "灯，水");
}

static void test_query_latin(void **state)
{
	(void)state;
	/* Latin words and numbers match as prefixes. */
	query_is("Heating", "\"heating\"*", 1, "Heating");
	query_is("heating PIPE", "\"heating\"* AND \"pipe\"*", 2, "heating", "PIPE");
	query_is("502", "\"502\"*", 1, "502");
	query_is("a", "\"a\"*", 1, "a");
	query_is("3号楼", "\"3\"* AND \"号楼\"", 1, "3号楼");
	/* FTS syntax in the query stays inside quoted terms. */
	query_is("\"暖气\"", "\"暖气\"", 1, "\"暖气\"");
	query_is("a OR b*", "\"a\"* AND \"or\"* AND \"b\"*", 3, "a", "OR", "b*");
	query_is("NEAR(x", "\"near\"* AND \"x\"*", 1, "NEAR(x");
	query_is("!!", NULL, 1, "!!");
}

static void test_query_limits(void **state)
{
	(void)state;
	char q[300];
	/* 200 bytes is fine, 201 is too long. */
	memset(q, 'a', 200);
	q[200] = '\0';
	lx_text_query tq;
	assert_int_equal(lx_text_query_parse(q, &tq), LX_OK);
	assert_int_equal(tq.nwords, 1);
	assert_int_equal(strlen(tq.words[0]), 200);
	lx_text_query_free(&tq);
	memset(q, 'a', 201);
	q[201] = '\0';
	query_invalid(q);
	/* 66 Chinese characters are 198 bytes; 67 are 201. */
	lx_buf b;
	lx_buf_init(&b);
	for (int i = 0; i < 66; i++)
		lx_buf_puts(&b, "水");
	assert_int_equal(lx_text_query_parse(b.data, &tq), LX_OK);
	lx_text_query_free(&tq);
	lx_buf_puts(&b, "水");
	query_invalid(b.data);
	lx_buf_free(&b);
	/* Many short words. */
	lx_buf_init(&b);
	for (int i = 0; i < 50; i++)
		lx_buf_puts(&b, "灯 ");
	assert_int_equal(lx_text_query_parse(b.data, &tq), LX_OK);
	assert_int_equal(tq.nwords, 50);
	assert_null(tq.match);
	lx_text_query_free(&tq);
	lx_buf_free(&b);
}

static void test_query_empty(void **state)
{
	(void)state;
	query_invalid(NULL);
	query_invalid("");
	query_invalid(" ");
	query_invalid(" \t\r\n ");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_terms_bigrams),
		cmocka_unit_test(test_terms_mixed),
		cmocka_unit_test(test_terms_punctuation),
		cmocka_unit_test(test_terms_empty),
		cmocka_unit_test(test_terms_malformed),
		cmocka_unit_test(test_terms_long),
		cmocka_unit_test(test_query_chinese),
		cmocka_unit_test(test_query_latin),
		cmocka_unit_test(test_query_limits),
		cmocka_unit_test(test_query_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_scrub.c - unit tests for core/scrub: ID numbers, mobiles and
 * landlines masked in every spelling, ordinary numbers left alone, UTF-8
 * safety, JSON string literals, and the characters XML forbids.
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
#include "scrub.h"

/* Expects lx_scrub_pii(in) to be want, with n numbers masked. */
static void scrubs_to(const char *in, const char *want, size_t n)
{
	char *got = lx_scrub_pii(in);
	char *copy = lx_xstrdup(in);
	size_t masked = lx_scrub_pii_inplace(copy, strlen(copy));
	bool ok = strcmp(got, want) == 0 && masked == n && strcmp(copy, got) == 0;
	if (!ok)
		print_error("lx_scrub_pii(\"%s\") = \"%s\" (%zu masked), want \"%s\" (%zu)\n", in, got, masked,
			    want, n);
	free(got);
	free(copy);
	if (!ok)
		fail();
}

static void stays(const char *in)
{
	scrubs_to(in, in, 0);
}

/* ---- ID numbers ------------------------------------------------------------- */

static void test_id_numbers(void **state)
{
	(void)state;
	/* the example (its check digit is wrong: still masked) */
	scrubs_to("身份证140303199001011234", "身份证140303************", 1);
	scrubs_to("140303199001011236", "140303************", 1);
	scrubs_to("14030319900101123X", "140303************", 1);
	scrubs_to("14030319900101123x。", "140303************。", 1);
	scrubs_to("ID:110105200002291234 ok", "ID:110105************ ok", 1);
	/* split by spaces or hyphens */
	scrubs_to("140303 19900101 1234", "140303 ******** ****", 1);
	scrubs_to("1403 0319 9001 0112 34", "1403 03** **** **** **", 1);
	scrubs_to("140303-19900101-123X", "140303-********-****", 1);
	/* but not by dots, brackets or plus signs: decimals and coordinates */
	stays("140303.19900101.1234");
	stays("37.8657811038 113.559016445");
	/* the old 15-digit form */
	scrubs_to("老证140303900101123号", "老证140303*********号", 1);
	/* full-width digits */
	scrubs_to("１４０３０３１９９００１０１１２３４", "１４０３０３＊＊＊＊＊＊＊＊＊＊＊＊", 1);
	/* not an ID: no province 20 or 00, no 13th month, no 30 February, no year 1850 */
	stays("200303199001011234");
	stays("000303199001011234");
	stays("140303199013011234");
	stays("140303199002301234");
	stays("140303185001011234");
	stays("1403031990010112345");  /* 19 digits */
	stays("14030319900101123");    /* 17 */
	stays("140303991301123");      /* 15 with month 13 */
	/* a leap day is a day */
	scrubs_to("140303200002291234", "140303************", 1);
	stays("140303190002291234"); /* 1900 was not a leap year */
}

/* ---- mobiles ---------------------------------------------------------------- */

static void test_mobiles(void **state)
{
	(void)state;
	scrubs_to("13912345678", "139****5678", 1);
	scrubs_to("手机13912345678请回电", "手机139****5678请回电", 1);
	scrubs_to("139-1234-5678", "139-****-5678", 1);
	scrubs_to("139 1234 5678", "139 **** 5678", 1);
	scrubs_to("139.1234.5678", "139.****.5678", 1);
	scrubs_to("139 12345678", "139 ****5678", 1);
	scrubs_to("1391234 5678", "139**** 5678", 1);
	scrubs_to("139 - 1234 - 5678", "139 - **** - 5678", 1);
	scrubs_to("+86 139 1234 5678", "+86 139 **** 5678", 1);
	scrubs_to("+86-139-1234-5678", "+86-139-****-5678", 1);
	scrubs_to("+8613912345678", "+86139****5678", 1);
	scrubs_to("8613912345678", "86139****5678", 1);
	scrubs_to("86-139-1234-5678", "86-139-****-5678", 1);
	scrubs_to("0086 13912345678", "0086 139****5678", 1);
	scrubs_to("008613912345678", "0086139****5678", 1);
	scrubs_to("(+86)13912345678", "(+86)139****5678", 1);
	scrubs_to("１３９１２３４５６７８", "１３９＊＊＊＊５６７８", 1);
	scrubs_to("１３９－１２３４－５６７８", "１３９－＊＊＊＊－５６７８", 1);
	scrubs_to("电话：139—1234—5678", "电话：139—****—5678", 1);
	scrubs_to("13912345678,13700001234", "139****5678,137****1234", 2);
	scrubs_to("19912345678 和 16612345678", "199****5678 和 166****5678", 2);
	/* not mobiles */
	stays("12912345678");   /* 12x is no carrier */
	stays("139123456789");  /* 12 digits */
	stays("1391234567");    /* 10 */
	stays("13 91 23 45 678"); /* groups too short */
	stays("139****5678");   /* masked already */
}

/* ---- landlines -------------------------------------------------------------- */

static void test_landlines(void **state)
{
	(void)state;
	scrubs_to("0353-2345678", "0353-****678", 1);
	scrubs_to("(0353)2345678", "(0353)****678", 1);
	scrubs_to("（0353）2345678", "（0353）****678", 1);
	scrubs_to("(0353) 2345678", "(0353) ****678", 1);
	scrubs_to("0353 2345678", "0353 ****678", 1);
	scrubs_to("03532345678", "0353****678", 1);
	scrubs_to("010-12345678", "010-****5678", 1);
	scrubs_to("01012345678", "010****5678", 1);
	scrubs_to("021-6234-5678", "021-****-5678", 1);
	scrubs_to("0353-2345678转801", "0353-****678转801", 1);
	scrubs_to("+86 10 12345678", "+86 10 ****5678", 1);
	scrubs_to("+86-353-2345678", "+86-353-****678", 1);
	scrubs_to("0086 3532345678", "0086 353****678", 1);
	scrubs_to("座机０３５３－２３４５６７８", "座机０３５３－＊＊＊＊６７８", 1);
	/* not landlines */
	stays("0353");           /* an area code alone */
	stays("0353-234567");    /* 6 digits */
	stays("0353-02345678");  /* a number starting with 0 */
	stays("012-12345678");   /* 012 is no area code */
	stays("2345678");        /* no area code */
	stays("0012345678");
}

/* ---- ordinary numbers ------------------------------------------------------- */

static void test_ordinary_numbers(void **state)
{
	(void)state;
	stays("案件编号20260401000123");
	stays("20260401123456789");     /* a case number of a 9-digit id */
	stays("202604011234567890");    /* 18 digits starting 20 */
	stays("2026-04-01");
	stays("2026-04-01 09:30:00");
	stays("2026-04-01T09:30:00+08:00");
	stays("2026.04.01");
	stays("金额12345元");
	stays("12,345.67");
	stays("1 000 000");
	stays("坐标39.9042,116.4074");
	stays("37.8657811038 113.559016445");
	stays("邮编037000");
	stays("3号楼502室");
	stays("140303001001"); /* a 12-digit division code */
	stays("电话 400-123-4567"); /* a service number */
	stays("");
	stays("没有数字");
	/* numbers beside a mobile stay */
	scrubs_to("2026-04-01 13912345678 12345", "2026-04-01 139****5678 12345", 1);
	scrubs_to("3号楼13912345678", "3号楼139****5678", 1);
}

/* ---- bytes ------------------------------------------------------------------ */

static void test_utf8_safety(void **state)
{
	(void)state;
	/* invalid UTF-8 around and inside: never read past the end, left as is */
	scrubs_to("\xff" "13912345678\xfe", "\xff" "139****5678\xfe", 1);
	scrubs_to("\xef\xbc", "\xef\xbc", 0);
	scrubs_to("1391234567\xef\xbc", "1391234567\xef\xbc", 0);
	scrubs_to("\xe3\x80", "\xe3\x80", 0);
	/* a truncated full-width digit at the very end */
	char buf[] = "13912345678\xef\xbc\x91";
	size_t n = lx_scrub_pii_inplace(buf, sizeof buf - 2); /* cut inside the last character */
	assert_int_equal(n, 1);
	assert_memory_equal(buf, "139****5678\xef\xbc\x91", sizeof buf);
	/* every output stays valid UTF-8 when the input was */
	const char *text = "１３９１２３４５６７８，身份证１４０３０３１９９００１０１１２３Ｘ，（0353）2345678";
	char *got = lx_scrub_pii(text);
	assert_true(lx_utf8_valid(got, strlen(got)));
	assert_int_equal(strlen(got), strlen(text));
	assert_string_equal(got, "１３９＊＊＊＊５６７８，身份证１４０３０３＊＊＊＊＊＊＊＊＊＊＊＊，（0353）****678");
	free(got);
	assert_null(lx_scrub_pii(NULL));
	/* no NUL terminator needed: only len bytes are read */
	char raw[11];
	memcpy(raw, "13912345678", 11);
	assert_int_equal(lx_scrub_pii_inplace(raw, 11), 1);
	assert_memory_equal(raw, "139****5678", 11);
}

static void test_long_runs(void **state)
{
	(void)state;
	/* many groups in one run: each number is still found */
	scrubs_to("1 2 3 4 5 6 7 8 9 139 1234 5678 1 2", "1 2 3 4 5 6 7 8 9 139 **** 5678 1 2", 1);
	scrubs_to("13912345678 13912345678 13912345678 13912345678 13912345678 13912345678 "
		  "13912345678 13912345678 13912345678",
		  "139****5678 139****5678 139****5678 139****5678 139****5678 139****5678 "
		  "139****5678 139****5678 139****5678",
		  9);
	/* a very long run of digits is nothing */
	stays("1391234567813912345678139123456781391234567813912345678");
}

/* Random text from pieces that look like numbers: the length in bytes and
 * valid UTF-8 are kept, and only digits (or an X) turn into masks. (A
 * second pass may mask more: what a first match left can make a number
 * with the groups before it.) */
static void test_random_text(void **state)
{
	(void)state;
	static const char *const pieces[] = {"0", "1", "3", "8", "9", "6", "X", "x", " ", "-", ".", "+",
					     "(", ")", "\xef\xbc\x91", "\xef\xbc\x90", "\xe3\x80\x80",
					     "\xef\xbc\x8d", "号", "*", "\xef\xbc\x8a", ",", "\n", "\xef\xbc\xb8"};
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	size_t total = 0;
	for (int round = 0; round < 20000; round++) {
		char text[256];
		size_t len = 0;
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		int n = (int)(seed >> 59) + 8;
		for (int i = 0; i < n * 3; i++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			/* mostly digits, so numbers happen */
			size_t k = (seed >> 33) % 3 ? (seed >> 40) % 6 : (seed >> 40) % (sizeof pieces / sizeof pieces[0]);
			size_t m = strlen(pieces[k]);
			if (len + m >= sizeof text)
				break;
			memcpy(text + len, pieces[k], m);
			len += m;
		}
		text[len] = '\0';
		char *once = lx_scrub_pii(text);
		assert_int_equal(strlen(once), len);
		assert_true(lx_utf8_valid(once, len));
		for (size_t i = 0; i < len;) {
			unsigned char c = (unsigned char)text[i];
			size_t w = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
			if (memcmp(once + i, text + i, w) != 0) {
				total++;
				if (w == 1) {
					assert_int_equal(once[i], '*');
					assert_true((c >= '0' && c <= '9') || c == 'X' || c == 'x');
				} else {
					/* ＊ over a full-width digit or Ｘ */
					assert_memory_equal(once + i, "\xef\xbc\x8a", 3);
					assert_memory_equal(text + i, "\xef\xbc", 2);
					unsigned char d = (unsigned char)text[i + 2];
					assert_true((d >= 0x90 && d <= 0x99) || d == 0xb8);
				}
			}
			i += w;
		}
		free(once);
	}
	assert_true(total > 1000); /* numbers did happen */
}

/* ---- JSON ------------------------------------------------------------------- */

static void test_json(void **state)
{
	(void)state;
	char j[] = "{\"phone\":13912345678,\"note\":\"\\u0031 回电13912345678\\n0353-2345678\","
		   "\"n\":\"x\\\"13912345678\"}";
	char want[] = "{\"phone\":13912345678,\"note\":\"\\u0031 回电139****5678\\n0353-****678\","
		      "\"n\":\"x\\\"139****5678\"}";
	assert_int_equal(lx_scrub_json_inplace(j, strlen(j)), 3);
	assert_string_equal(j, want);
	/* an escape cut at the end does not run past it */
	char cut[] = "[\"13912345678\\u00";
	assert_int_equal(lx_scrub_json_inplace(cut, strlen(cut)), 1);
	assert_string_equal(cut, "[\"139****5678\\u00");
	char cut2[] = "\"\\";
	assert_int_equal(lx_scrub_json_inplace(cut2, strlen(cut2)), 0);
}

/* ---- XML characters --------------------------------------------------------- */

static void xml_is(const char *in, const char *want)
{
	char *got = lx_scrub_xml_chars(in);
	assert_string_equal(got, want);
	free(got);
}

static void test_xml_chars(void **state)
{
	(void)state;
	xml_is("标题\xef\xbf\xbe\x01\xef\xbf\xbf末", "标题末");
	xml_is("tab\there\nline\r\n", "tab\there\nline\r\n");
	xml_is("\x1f\x0b\x0c\x7f", "\x7f");
	xml_is("\xef\xbf\xbd ok \xef\xb7\x90", "\xef\xbf\xbd ok \xef\xb7\x90"); /* U+FFFD, U+FDD0 are allowed */
	xml_is("\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80");
	/* bytes that are not UTF-8 become U+FFFD, an encoded surrogate too */
	xml_is("a\xffz", "a\xef\xbf\xbdz");
	xml_is("\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	xml_is("\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd");
	xml_is("cut\xe6\x96", "cut\xef\xbf\xbd\xef\xbf\xbd");
	xml_is("", "");
	assert_null(lx_scrub_xml_chars(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_id_numbers),
		cmocka_unit_test(test_mobiles),
		cmocka_unit_test(test_landlines),
		cmocka_unit_test(test_ordinary_numbers),
		cmocka_unit_test(test_utf8_safety),
		cmocka_unit_test(test_long_runs),
		cmocka_unit_test(test_random_text),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_xml_chars),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

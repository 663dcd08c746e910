/*
 * test_lx.c - unit tests for core/lx: RFC 3339 time formatting and parsing,
 * UTF-8 validation and length, phone masking, growable buffers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lx.h"

/* ---- time ------------------------------------------------------------------- */

#define SEC ((lx_ms)1000)
#define MIN (60 * SEC)
#define HOUR (60 * MIN)
#define DAY (24 * HOUR)

/* Epoch ms of a UTC civil time, computed independently with timegm(3). */
static lx_ms utc(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm = {0};
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	return (lx_ms)timegm(&tm) * 1000;
}

static void parses_to(const char *s, int offset_min, lx_ms want)
{
	lx_ms got = 0;
	int rc = lx_time_parse(s, offset_min, &got);
	if (rc != LX_OK)
		fail_msg("lx_time_parse(\"%s\") = %d, want LX_OK", s, rc);
	if (got != want)
		fail_msg("lx_time_parse(\"%s\", %d) = %lld, want %lld", s, offset_min, (long long)got,
			 (long long)want);
}

static void parse_invalid(const char *s)
{
	lx_ms got = 4242;
	int rc = lx_time_parse(s, 480, &got);
	if (rc != LX_INVALID)
		fail_msg("lx_time_parse(\"%s\") = %d (%lld), want LX_INVALID", s ? s : "(null)", rc,
			 (long long)got);
	assert_int_equal(got, 4242); /* untouched */
}

static void formats_to(lx_ms t, int offset_min, const char *want)
{
	char out[64];
	memset(out, 'x', sizeof out);
	char *r = lx_time_format(t, offset_min, out, sizeof out);
	assert_ptr_equal(r, out);
	if (strcmp(out, want) != 0)
		fail_msg("lx_time_format(%lld, %d) = \"%s\", want \"%s\"", (long long)t, offset_min, out,
			 want);
}

static void test_time_format(void **state)
{
	(void)state;
	const lx_ms t = utc(2026, 4, 1, 1, 30, 0);
	formats_to(t, 480, "2026-04-01T09:30:00+08:00");
	formats_to(t, 0, "2026-04-01T01:30:00+00:00");
	formats_to(t, -330, "2026-03-31T20:00:00-05:30");
	formats_to(t, -60, "2026-04-01T00:30:00-01:00");
	formats_to(t, 345, "2026-04-01T07:15:00+05:45");
	formats_to(t + 999, 480, "2026-04-01T09:30:00+08:00"); /* ms are dropped */
	formats_to(0, 0, "1970-01-01T00:00:00+00:00");
	formats_to(0, 480, "1970-01-01T08:00:00+08:00");
	formats_to(0, -300, "1969-12-31T19:00:00-05:00");
	formats_to(utc(2024, 2, 29, 23, 59, 59), 0, "2024-02-29T23:59:59+00:00");
	formats_to(utc(2024, 2, 29, 16, 0, 0), 480, "2024-03-01T00:00:00+08:00");
	formats_to(utc(2000, 12, 31, 23, 59, 59), 0, "2000-12-31T23:59:59+00:00");
	formats_to(utc(9999, 12, 31, 23, 59, 59), 0, "9999-12-31T23:59:59+00:00");
	/* A 32-byte buffer is enough for a four-digit year. */
	char small[32];
	lx_time_format(utc(2026, 12, 31, 23, 59, 59), -720, small, sizeof small);
	assert_string_equal(small, "2026-12-31T11:59:59-12:00");
}

static void test_time_format_negative(void **state)
{
	(void)state;
	/* Before the epoch, times round down to the whole second before. */
	formats_to(-1, 0, "1969-12-31T23:59:59+00:00");
	formats_to(-999, 0, "1969-12-31T23:59:59+00:00");
	formats_to(-1000, 0, "1969-12-31T23:59:59+00:00");
	formats_to(-1001, 0, "1969-12-31T23:59:58+00:00");
	formats_to(-DAY, 0, "1969-12-31T00:00:00+00:00");
	formats_to(-DAY - 1, 0, "1969-12-30T23:59:59+00:00");
	formats_to(-1, 480, "1970-01-01T07:59:59+08:00");
	formats_to(utc(1900, 1, 1, 0, 0, 0), 0, "1900-01-01T00:00:00+00:00");
	formats_to(utc(1900, 3, 1, 12, 0, 0), 0, "1900-03-01T12:00:00+00:00");
	formats_to(utc(1600, 2, 29, 6, 7, 8), 0, "1600-02-29T06:07:08+00:00");
	formats_to(utc(1949, 10, 1, 7, 0, 0), 480, "1949-10-01T15:00:00+08:00");
}

static void test_time_parse_zones(void **state)
{
	(void)state;
	const lx_ms t = utc(2026, 4, 1, 1, 30, 0);
	parses_to("2026-04-01T09:30:00+08:00", 0, t);
	parses_to("2026-04-01T01:30:00Z", 480, t);
	parses_to("2026-04-01T01:30:00z", 480, t);
	parses_to("2026-04-01T01:30:00+00:00", 480, t);
	parses_to("2026-04-01T01:30:00-00:00", 480, t);
	parses_to("2026-03-31T20:00:00-05:30", 480, t);
	parses_to("2026-04-01T07:15:00+05:45", 0, t);
	parses_to("2026-04-01 09:30:00+08:00", 0, t); /* RFC 3339 allows a space */
	parses_to("2026-04-01t09:30:00+08:00", 0, t);
	parses_to("2026-04-01T09:30+08:00", 0, t); /* W3C datetime without seconds */
	/* The server offset does not apply when the string carries its own. */
	parses_to("2026-04-01T09:30:00+08:00", -600, t);
	parses_to("1970-01-01T00:00:00Z", 480, 0);
}

static void test_time_parse_fraction(void **state)
{
	(void)state;
	const lx_ms t = utc(2026, 4, 1, 1, 30, 0);
	parses_to("2026-04-01T01:30:00.5Z", 0, t + 500);
	parses_to("2026-04-01T01:30:00.05Z", 0, t + 50);
	parses_to("2026-04-01T01:30:00.123Z", 0, t + 123);
	parses_to("2026-04-01T01:30:00.123456789Z", 0, t + 123);
	parses_to("2026-04-01T09:30:00.999+08:00", 0, t + 999);
	parses_to("2026-04-01T01:30:00.000Z", 0, t);
	parse_invalid("2026-04-01T01:30:00.Z");
	parse_invalid("2026-04-01T01:30:00.");
	parse_invalid("2026-04-01T01:30:00.12a");
}

static void test_time_parse_dates(void **state)
{
	(void)state;
	/* A plain date is midnight in the given offset. */
	parses_to("2026-04-01", 480, utc(2026, 3, 31, 16, 0, 0));
	parses_to("2026-04-01", 0, utc(2026, 4, 1, 0, 0, 0));
	parses_to("2026-04-01", -330, utc(2026, 4, 1, 5, 30, 0));
	parses_to("1970-01-01", 0, 0);
	parses_to("1969-12-31", 0, -DAY);
	parses_to("1969-12-31T23:59:59Z", 0, -SEC);
	parses_to("1969-12-31T23:59:59.999Z", 0, -1);
	/* Leap days. */
	parses_to("2024-02-29", 0, utc(2024, 2, 29, 0, 0, 0));
	parses_to("2000-02-29T12:00:00Z", 0, utc(2000, 2, 29, 12, 0, 0));
	parse_invalid("2025-02-29");
	parse_invalid("2025-02-29T00:00:00Z");
	parse_invalid("1900-02-29");
	parse_invalid("2100-02-29");
	parse_invalid("2024-02-30");
	/* Month lengths. */
	parses_to("2026-01-31", 0, utc(2026, 1, 31, 0, 0, 0));
	parses_to("2026-12-31T23:59:59Z", 0, utc(2026, 12, 31, 23, 59, 59));
	parse_invalid("2026-04-31");
	parse_invalid("2026-06-31");
	parse_invalid("2026-09-31");
	parse_invalid("2026-11-31");
}

static void test_time_parse_invalid(void **state)
{
	(void)state;
	parse_invalid(NULL);
	parse_invalid("");
	parse_invalid("2026");
	parse_invalid("2026-04");
	parse_invalid("2026-13-01");
	parse_invalid("2026-00-10");
	parse_invalid("2026-04-32");
	parse_invalid("2026-04-00");
	parse_invalid("2026-04-01T24:00:00Z");
	parse_invalid("2026-04-01T23:60:00Z");
	parse_invalid("2026-04-01T23:59:61Z");
	/* A datetime must carry its zone. */
	parse_invalid("2026-04-01T09:30:00");
	parse_invalid("2026-04-01T09:30");
	parse_invalid("2026-04-01T");
	parse_invalid("2026-04-01 ");
	/* Bad zones. */
	parse_invalid("2026-04-01T09:30:00+8:00");
	parse_invalid("2026-04-01T09:30:00+08");
	parse_invalid("2026-04-01T09:30:00+08:0");
	parse_invalid("2026-04-01T09:30:00+24:00");
	parse_invalid("2026-04-01T09:30:00+08:60");
	parse_invalid("2026-04-01T09:30:00UTC");
	/* Trailing garbage. */
	parse_invalid("2026-04-01x");
	parse_invalid("2026-04-01T09:30:00Zx");
	parse_invalid("2026-04-01T09:30:00+08:00 ");
	parse_invalid("2026-04-01T09:30:00+08:00:00");
	parse_invalid("2026-04-01T09:30:00ZZ");
	/* Malformed fields. */
	parse_invalid("26-04-01");
	parse_invalid("2026-4-01");
	parse_invalid("2026-04-1");
	parse_invalid("2026/04/01");
	parse_invalid("20260401");
	parse_invalid("2026-04-01T9:30:00Z");
	parse_invalid("2026-04-01T09:3:00Z");
	parse_invalid("2026-04-01T09-30-00Z");
	parse_invalid("+2026-04-01");
	parse_invalid(" 2026-04-01");
	parse_invalid("２０２６-04-01");
}

static void test_time_round_trip(void **state)
{
	(void)state;
	const int offsets[] = {0, 480, -330, 345, -720, 840, -60};
	/* A spread of instants from 1900 to 2100, whole seconds. */
	for (lx_ms t = utc(1900, 1, 1, 0, 0, 0); t < utc(2100, 1, 1, 0, 0, 0); t += 7919 * HOUR + 37 * SEC) {
		for (size_t i = 0; i < sizeof offsets / sizeof offsets[0]; i++) {
			char out[64];
			lx_ms back = 0;
			lx_time_format(t, offsets[i], out, sizeof out);
			assert_int_equal(lx_time_parse(out, 0, &back), LX_OK);
			if (back != t)
				fail_msg("\"%s\" parses to %lld, formatted from %lld", out, (long long)back,
					 (long long)t);
		}
	}
	/* Milliseconds are not kept: the round trip floors to the second. */
	char out[64];
	lx_ms back;
	lx_time_format(utc(2026, 4, 1, 1, 30, 0) + 750, 480, out, sizeof out);
	assert_int_equal(lx_time_parse(out, 0, &back), LX_OK);
	assert_int_equal(back, utc(2026, 4, 1, 1, 30, 0));
	lx_time_format(-250, 480, out, sizeof out);
	assert_int_equal(lx_time_parse(out, 0, &back), LX_OK);
	assert_int_equal(back, -SEC);
}

static void test_now(void **state)
{
	(void)state;
	lx_ms a = lx_now_ms();
	lx_ms b = lx_now_ms();
	assert_true(a > utc(2020, 1, 1, 0, 0, 0));
	assert_true(b >= a);
}

/* ---- UTF-8 ---------------------------------------------------------------------- */

static bool valid(const char *s, size_t n) { return lx_utf8_valid(s, n); }
#define VALID(lit) valid(lit, sizeof(lit) - 1)

static void test_utf8_valid(void **state)
{
	(void)state;
	assert_true(valid("", 0));
	assert_true(VALID("hello"));
	assert_true(VALID("暖气不热"));
	assert_true(VALID("\xC2\x80"));          /* U+0080 */
	assert_true(VALID("\xDF\xBF"));          /* U+07FF */
	assert_true(VALID("\xE0\xA0\x80"));      /* U+0800 */
	assert_true(VALID("\xED\x9F\xBF"));      /* U+D7FF */
	assert_true(VALID("\xEE\x80\x80"));      /* U+E000 */
	assert_true(VALID("\xEF\xBF\xBF"));      /* U+FFFF */
	assert_true(VALID("\xF0\x90\x80\x80"));  /* U+10000 */
	assert_true(VALID("\xF0\x9F\x98\x80"));  /* 😀 */
	assert_true(VALID("ok 👍 好"));
	assert_true(VALID("\xF4\x8F\xBF\xBF"));  /* U+10FFFF */
	assert_true(VALID("\x7F"));
}

static void test_utf8_invalid(void **state)
{
	(void)state;
	/* Overlong encodings. */
	assert_false(VALID("\xC0\x80"));
	assert_false(VALID("\xC1\xBF"));
	assert_false(VALID("\xE0\x80\x80"));
	assert_false(VALID("\xE0\x9F\xBF"));
	assert_false(VALID("\xF0\x80\x80\x80"));
	assert_false(VALID("\xF0\x8F\xBF\xBF"));
	/* Surrogates. */
	assert_false(VALID("\xED\xA0\x80"));
	assert_false(VALID("\xED\xBF\xBF"));
	assert_false(VALID("\xED\xB0\x80"));
	/* Beyond U+10FFFF, and bytes that never occur. */
	assert_false(VALID("\xF4\x90\x80\x80"));
	assert_false(VALID("\xF5\x80\x80\x80"));
	assert_false(VALID("\xF8\x88\x80\x80\x80"));
	assert_false(VALID("\xFE"));
	assert_false(VALID("\xFF"));
	/* Stray and missing continuation bytes. */
	assert_false(VALID("\x80"));
	assert_false(VALID("a\xBFz"));
	assert_false(VALID("\xE6\x9A"));
	assert_false(VALID("\xE6\x9A" "a"));
	assert_false(VALID("\xE6\x41\x42"));
	assert_false(VALID("\xF0\x9F\x98"));
	assert_false(VALID("\xC3"));
	assert_false(VALID("ok\xC3"));
	/* A valid string cut short by n. */
	assert_false(valid("暖气", 4));
	assert_true(valid("暖气", 3));
	/* NUL is refused, even inside n. */
	assert_false(valid("a\0b", 3));
	assert_false(valid("\0", 1));
	assert_true(valid("a\0b", 1));
}

/* Truncated sequences at the very end of a heap block: no overread. */
static void test_utf8_no_overread(void **state)
{
	(void)state;
	const char *seqs[] = {"\xC3", "\xE6", "\xE6\x9A", "\xF0", "\xF0\x9F", "\xF0\x9F\x98"};
	for (size_t i = 0; i < sizeof seqs / sizeof seqs[0]; i++) {
		size_t n = strlen(seqs[i]);
		char *p = malloc(n);
		memcpy(p, seqs[i], n);
		assert_false(lx_utf8_valid(p, n));
		free(p);
	}
}

static void test_utf8_len(void **state)
{
	(void)state;
	assert_int_equal(lx_utf8_len(""), 0);
	assert_int_equal(lx_utf8_len("abc"), 3);
	assert_int_equal(lx_utf8_len("暖气"), 2);
	assert_int_equal(lx_utf8_len("a暖😀é"), 4);
	assert_int_equal(lx_utf8_len("3号楼暖气ABC"), 8);
}

/* ---- phone masking ------------------------------------------------------------- */

static void masks_to(const char *phone, const char *want)
{
	char *m = lx_mask_phone(phone);
	assert_non_null(m);
	bool ok = strcmp(m, want) == 0;
	if (!ok)
		print_error("lx_mask_phone(\"%s\") = \"%s\", want \"%s\"\n", phone, m, want);
	free(m);
	if (!ok)
		fail();
}

static void test_mask_phone(void **state)
{
	(void)state;
	masks_to("13812345678", "138****5678");
	masks_to("010-12345678", "010*****5678");
	/* a mobile in any spelling is masked as the plain number */
	masks_to("+8613812345678", "138****5678");
	masks_to("+86 138-1234-5678", "138****5678");
	masks_to("0086 13812345678", "138****5678");
	masks_to("138 1234 5678", "138****5678");
	masks_to("12345", "1****");
	masks_to("123", "1**");
	masks_to("12", "**");
	masks_to("1", "*");
	masks_to("", "");
	assert_null(lx_mask_phone(NULL));
}

static void key_is(const char *phone, const char *want)
{
	char *k = lx_phone_key(phone);
	bool ok = (!k && !want) || (k && want && strcmp(k, want) == 0);
	if (!ok)
		print_error("lx_phone_key(\"%s\") = \"%s\", want \"%s\"\n", phone, k ? k : "NULL",
			    want ? want : "NULL");
	free(k);
	if (!ok)
		fail();
}

/* One caller, however the desk typed the number. */
static void test_phone_key(void **state)
{
	(void)state;
	key_is("13912345678", "13912345678");
	key_is("139-1234-5678", "13912345678");
	key_is("+86 139 1234 5678", "13912345678");
	key_is("0086-139-1234-5678", "13912345678");
	key_is("(0353) 2345678", "03532345678");
	key_is("8613912345678", "13912345678");
	key_is("861391234567", "861391234567"); /* 12 digits: not a +86 mobile */
	key_is("+-", NULL);
	key_is("", NULL);
	key_is(NULL, NULL);
}

/* Whatever its length, a masked number hides at least one digit and keeps
 * its length. */
static void test_mask_phone_hides_something(void **state)
{
	(void)state;
	const char digits[] = "98765432109876543210";
	for (size_t n = 1; n < sizeof digits; n++) {
		char phone[32];
		memcpy(phone, digits, n);
		phone[n] = '\0';
		char *m = lx_mask_phone(phone);
		assert_non_null(m);
		assert_int_equal(strlen(m), n);
		bool hidden = strchr(m, '*') != NULL;
		if (!hidden)
			print_error("lx_mask_phone(\"%s\") = \"%s\" shows the whole number\n", phone, m);
		free(m);
		if (!hidden)
			fail();
	}
}

/* ---- buffers ----------------------------------------------------------------------- */

static void test_buf_growth(void **state)
{
	(void)state;
	lx_buf b;
	lx_buf_init(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	for (int i = 0; i < 10000; i++) {
		lx_buf_putc(&b, (char)('a' + i % 26));
		assert_int_equal(b.len, (size_t)i + 1);
		assert_true(b.cap > b.len);
		assert_int_equal(b.data[b.len], '\0');
	}
	for (size_t i = 0; i < b.len; i++)
		assert_int_equal(b.data[i], 'a' + (int)(i % 26));
	assert_int_equal(strlen(b.data), 10000);

	/* One big append past the capacity. */
	char big[100000];
	memset(big, 'z', sizeof big);
	lx_buf_append(&b, big, sizeof big);
	assert_int_equal(b.len, 110000);
	assert_int_equal(b.data[109999], 'z');
	assert_int_equal(b.data[110000], '\0');

	/* Reset keeps the memory and empties the string. */
	size_t cap = b.cap;
	lx_buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, cap);
	assert_string_equal(b.data, "");
	lx_buf_puts(&b, "again");
	assert_string_equal(b.data, "again");
	lx_buf_free(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	lx_buf_free(&b); /* twice is harmless */
	lx_buf_reset(&b); /* and so is resetting an empty buffer */
}

static void test_buf_append_binary(void **state)
{
	(void)state;
	lx_buf b;
	lx_buf_init(&b);
	lx_buf_append(&b, "a\0b", 3);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.data, "a\0b\0", 4);
	lx_buf_append(&b, NULL, 0);
	assert_int_equal(b.len, 3);
	lx_buf_free(&b);

	/* An empty append still gives a terminated string. */
	lx_buf_append(&b, "", 0);
	assert_non_null(b.data);
	assert_string_equal(b.data, "");
	lx_buf_free(&b);
}

static void test_buf_printf(void **state)
{
	(void)state;
	lx_buf b;
	lx_buf_init(&b);
	lx_buf_printf(&b, "%d-%s", 42, "暖气");
	assert_string_equal(b.data, "42-暖气");
	assert_int_equal(b.len, strlen("42-暖气"));
	lx_buf_puts(&b, "|");
	lx_buf_printf(&b, "%05.1f", 3.14159);
	assert_string_equal(b.data, "42-暖气|003.1");
	lx_buf_printf(&b, "%s", "");
	assert_string_equal(b.data, "42-暖气|003.1");

	/* A formatted piece far larger than the buffer. */
	char big[5000];
	memset(big, 'q', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	size_t before = b.len;
	lx_buf_printf(&b, "[%s]", big);
	assert_int_equal(b.len, before + 5001);
	assert_int_equal(b.data[before], '[');
	assert_int_equal(b.data[b.len - 1], ']');
	assert_int_equal(b.data[b.len], '\0');
	assert_int_equal(strlen(b.data), b.len);

	/* Many small pieces. */
	lx_buf_reset(&b);
	for (int i = 0; i < 1000; i++)
		lx_buf_printf(&b, "%d,", i);
	assert_int_equal(strncmp(b.data, "0,1,2,", 6), 0);
	assert_int_equal(strcmp(b.data + b.len - 4, "999,"), 0);
	assert_int_equal(strlen(b.data), b.len);
	lx_buf_free(&b);

	/* printf into an empty buffer of an empty string still terminates. */
	lx_buf_printf(&b, "%s", "");
	assert_non_null(b.data);
	assert_string_equal(b.data, "");
	assert_int_equal(b.len, 0);
	lx_buf_free(&b);
}

static void test_buf_steal(void **state)
{
	(void)state;
	lx_buf b;
	lx_buf_init(&b);
	char *s = lx_buf_steal(&b);
	assert_non_null(s);
	assert_string_equal(s, "");
	free(s);

	lx_buf_puts(&b, "hello");
	s = lx_buf_steal(&b);
	assert_string_equal(s, "hello");
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	free(s);
	lx_buf_puts(&b, "after");
	assert_string_equal(b.data, "after");
	lx_buf_free(&b);
}

static void test_strings(void **state)
{
	(void)state;
	char *s = lx_xasprintf("%s=%d", "n", 7);
	assert_string_equal(s, "n=7");
	free(s);
	s = lx_xasprintf("%s", "");
	assert_string_equal(s, "");
	free(s);
	assert_null(lx_xstrdup(NULL));
	s = lx_xstrdup("暖气");
	assert_string_equal(s, "暖气");
	free(s);
	s = lx_xstrndup("abcdef", 3);
	assert_string_equal(s, "abc");
	free(s);
	s = lx_xstrndup("abc", 0);
	assert_string_equal(s, "");
	free(s);
	int *z = lx_xcalloc(16, sizeof *z);
	for (int i = 0; i < 16; i++)
		assert_int_equal(z[i], 0);
	z = lx_xrealloc(z, 32 * sizeof *z);
	assert_int_equal(z[15], 0);
	free(z);
	void *p = lx_xmalloc(0); /* never NULL, even for 0 bytes */
	assert_non_null(p);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_format),
		cmocka_unit_test(test_time_format_negative),
		cmocka_unit_test(test_time_parse_zones),
		cmocka_unit_test(test_time_parse_fraction),
		cmocka_unit_test(test_time_parse_dates),
		cmocka_unit_test(test_time_parse_invalid),
		cmocka_unit_test(test_time_round_trip),
		cmocka_unit_test(test_now),
		cmocka_unit_test(test_utf8_valid),
		cmocka_unit_test(test_utf8_invalid),
		cmocka_unit_test(test_utf8_no_overread),
		cmocka_unit_test(test_utf8_len),
		cmocka_unit_test(test_mask_phone),
		cmocka_unit_test(test_phone_key),
		cmocka_unit_test(test_mask_phone_hides_something),
		cmocka_unit_test(test_buf_growth),
		cmocka_unit_test(test_buf_append_binary),
		cmocka_unit_test(test_buf_printf),
		cmocka_unit_test(test_buf_steal),
		cmocka_unit_test(test_strings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_jw.c - unit tests for core/jw: the JSON writer prints what jansson's
 * json_dumps(JSON_COMPACT | JSON_REAL_PRECISION(12)) prints for the same
 * values, byte for byte (the API's replies must not change with the
 * writer that prints them).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <float.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "jw.h"
#include "lx.h"

static char *jansson(json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(12) | JSON_ENCODE_ANY);
	json_decref(j);
	return s;
}

/* Asserts that w's buffer holds what jansson prints for j, then empties
 * the buffer and restarts w for the next value. */
static void same(lx_jw *w, json_t *j)
{
	char *want = jansson(j);
	assert_non_null(want);
	assert_int_equal(w->depth, 0);
	assert_string_equal(w->b->data ? w->b->data : "", want);
	free(want);
	lx_buf_reset(w->b);
	lx_jw_init(w, w->b);
}

static void test_scalars(void **state)
{
	(void)state;
	lx_buf b;
	lx_jw w;
	lx_buf_init(&b);
	lx_jw_init(&w, &b);
	static const int64_t ints[] = {0, 1, -1, 42, 1000000007, INT64_MAX, INT64_MIN};
	for (size_t i = 0; i < sizeof ints / sizeof *ints; i++) {
		lx_jw_int(&w, ints[i]);
		same(&w, json_integer(ints[i]));
	}
	static const double reals[] = {0.0, -0.0, 1.0, -2.5, 1e20, 1e21, 1e-5, 1.5e-7, 123456789012345.0,
				       1e12, 999999999999.0, 116.397428, 39.904211, 1.0 / 3, 5e-324,
				       DBL_MAX, -DBL_MIN, 100.0, 0.1, 2e100};
	for (size_t i = 0; i < sizeof reals / sizeof *reals; i++) {
		lx_jw_real(&w, reals[i]);
		same(&w, json_real(reals[i]));
	}
	lx_jw_open(&w, '[');
	lx_jw_bool(&w, true);
	lx_jw_bool(&w, false);
	lx_jw_null(&w);
	lx_jw_str(&w, NULL);
	lx_jw_close(&w, ']');
	same(&w, json_pack("[bbnn]", 1, 0));
	/* times: local RFC 3339 at the offset, 0 is null */
	char at[40];
	lx_jw_open(&w, '[');
	lx_jw_time(&w, 1700000000123, 480);
	lx_jw_time(&w, 0, 480);
	lx_jw_close(&w, ']');
	same(&w, json_pack("[sn]", lx_time_format(1700000000123, 480, at, sizeof at)));
	lx_buf_free(&b);
}

static void test_strings(void **state)
{
	(void)state;
	/* every control character, quote, backslash, slash, DEL, Chinese,
	 * a four-byte character */
	char all[160];
	size_t n = 0;
	for (int c = 1; c < 0x20; c++)
		all[n++] = (char)c;
	all[n] = '\0';
	strcat(all, "\"\\/\x7f 网格员说：\"好\" \xf0\x9f\x98\x80 end");
	const char *cases[] = {"", "plain", all, "\\", "\"", "tab\there", "中文"};
	lx_buf b;
	lx_jw w;
	lx_buf_init(&b);
	lx_jw_init(&w, &b);
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		lx_jw_str(&w, cases[i]);
		same(&w, json_string(cases[i]));
	}
	lx_buf_free(&b);
}

/* Random documents of nested objects and arrays, built both ways. */
static json_t *random_doc(lx_jw *w, unsigned *seed, int depth)
{
	int kind = depth > 3 ? rand_r(seed) % 5 : rand_r(seed) % 7;
	switch (kind) {
	case 0: {
		int64_t v = (int64_t)rand_r(seed) - RAND_MAX / 2;
		lx_jw_int(w, v);
		return json_integer(v);
	}
	case 1: {
		double v = ((double)rand_r(seed) - RAND_MAX / 2) / (1 + rand_r(seed) % 1000);
		lx_jw_real(w, v);
		return json_real(v);
	}
	case 2: {
		char s[16];
		int len = rand_r(seed) % 15;
		for (int i = 0; i < len; i++)
			s[i] = (char)(1 + rand_r(seed) % 126);
		s[len] = '\0';
		lx_jw_str(w, s);
		return json_string(s);
	}
	case 3:
		lx_jw_bool(w, depth % 2);
		return json_boolean(depth % 2);
	case 4:
		lx_jw_null(w);
		return json_null();
	case 5: {
		json_t *a = json_array();
		lx_jw_open(w, '[');
		for (int i = rand_r(seed) % 4; i > 0; i--)
			json_array_append_new(a, random_doc(w, seed, depth + 1));
		lx_jw_close(w, ']');
		return a;
	}
	default: {
		json_t *o = json_object();
		lx_jw_open(w, '{');
		for (int i = rand_r(seed) % 4; i > 0; i--) {
			char k[8];
			snprintf(k, sizeof k, "k%d", i);
			lx_jw_key(w, k);
			json_object_set_new(o, k, random_doc(w, seed, depth + 1));
		}
		lx_jw_close(w, '}');
		return o;
	}
	}
}

static void test_random_documents(void **state)
{
	(void)state;
	unsigned seed = 12345;
	lx_buf b;
	lx_jw w;
	lx_buf_init(&b);
	lx_jw_init(&w, &b);
	for (int i = 0; i < 2000; i++)
		same(&w, random_doc(&w, &seed, 0));
	lx_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scalars),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_random_documents),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

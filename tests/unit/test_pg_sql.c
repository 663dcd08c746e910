/*
 * test_pg_sql.c - the PostgreSQL driver's placeholder rewriting: SQLite's
 * `?` and `?NNN` become $1..$n, numbered by first appearance, with quoted
 * text and comments left alone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "driver.h"
#include "lx.h"

/* Translates sql and checks the text and the parameter count. */
static int *translate(const char *sql, const char *want, int want_params, int *nmap)
{
	char *out = NULL;
	int *map = NULL, nparams = -1;
	assert_int_equal(lx_pg_sql_translate(sql, &out, &map, nmap, &nparams), LX_OK);
	assert_string_equal(out, want);
	assert_int_equal(nparams, want_params);
	free(out);
	return map;
}

static void test_plain_placeholders_count_up(void **state)
{
	(void)state;
	int nmap;
	int *map = translate("SELECT a FROM t WHERE b = ? AND c = ?", "SELECT a FROM t WHERE b = $1 AND c = $2",
			     2, &nmap);
	assert_int_equal(nmap, 3);
	assert_int_equal(map[1], 1);
	assert_int_equal(map[2], 2);
	free(map);
	map = translate("SELECT 1", "SELECT 1", 0, &nmap);
	free(map);
}

static void test_numbered_placeholders_are_renumbered_without_gaps(void **state)
{
	(void)state;
	int nmap;
	/* ?3..?11 unused: PostgreSQL could not type the gaps, so they close up */
	int *map = translate("x >= ?1 AND x < ?2 AND id IN (SELECT id FROM f WHERE f MATCH ?12) "
			     "AND (t LIKE ?14 OR d LIKE ?14) LIMIT ?13",
			     "x >= $1 AND x < $2 AND id IN (SELECT id FROM f WHERE f MATCH $3) "
			     "AND (t LIKE $4 OR d LIKE $4) LIMIT $5",
			     5, &nmap);
	assert_int_equal(nmap, 15);
	assert_int_equal(map[1], 1);
	assert_int_equal(map[2], 2);
	assert_int_equal(map[3], 0);
	assert_int_equal(map[11], 0);
	assert_int_equal(map[12], 3);
	assert_int_equal(map[13], 5);
	assert_int_equal(map[14], 4);
	free(map);
	/* first appearance decides, and a plain ? follows the largest so far */
	map = translate("?3 ?1 ?3 ?", "$1 $2 $1 $3", 3, &nmap);
	assert_int_equal(map[3], 1);
	assert_int_equal(map[1], 2);
	assert_int_equal(map[4], 3);
	free(map);
}

static void test_quoted_text_and_comments_are_left_alone(void **state)
{
	(void)state;
	int nmap;
	int *map;
	map = translate("SELECT '?', \"odd?col\" FROM t WHERE a = ?", "SELECT '?', \"odd?col\" FROM t WHERE a = $1",
			1, &nmap);
	free(map);
	map = translate("SELECT 'it''s ?' || ?", "SELECT 'it''s ?' || $1", 1, &nmap);
	free(map);
	/* standard strings: a backslash escapes nothing */
	map = translate("t LIKE ?1 ESCAPE '\\' OR d LIKE ?1 ESCAPE '\\' AND k = ?",
			"t LIKE $1 ESCAPE '\\' OR d LIKE $1 ESCAPE '\\' AND k = $2", 2, &nmap);
	free(map);
	map = translate("SELECT 1 -- why? because\nWHERE a = ?", "SELECT 1 -- why? because\nWHERE a = $1", 1,
			&nmap);
	free(map);
	map = translate("SELECT '中文?' AS 名, ? AS v", "SELECT '中文?' AS 名, $1 AS v", 1, &nmap);
	free(map);
}

static void test_out_of_range_numbers_fail(void **state)
{
	(void)state;
	char *out = NULL;
	int *map = NULL, nmap = 0, nparams = 0;
	assert_int_equal(lx_pg_sql_translate("SELECT ?0", &out, &map, &nmap, &nparams), LX_ERR);
	assert_int_equal(lx_pg_sql_translate("SELECT ?1000", &out, &map, &nmap, &nparams), LX_ERR);
	assert_null(out);
	assert_null(map);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_placeholders_count_up),
		cmocka_unit_test(test_numbered_placeholders_are_renumbered_without_gaps),
		cmocka_unit_test(test_quoted_text_and_comments_are_left_alone),
		cmocka_unit_test(test_out_of_range_numbers_fail),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_district.c - unit tests for demo/district: the territorial tree of
 * 矿区, its tiling, random points, and the generated texts.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "district.h"
#include "lx.h"

/* A parsed outer ring: n points, the last equal to the first. */
typedef struct ring {
	double *x, *y;
	size_t n;
} ring;

static lx_demo_unit *units;
static size_t nunits;
static ring *rings; /* rings[i] for every unit with a boundary */

static const char *const codes[] = {
	"0101", "0102", "0103", "0104", "0201", "0202", "0203", "0204", "0301", "0302",
	"0303", "0304", "0401", "0402", "0403", "0404", "0501", "0502", "0503", "0504",
	"0601", "0602", "0603", "0604", "0701", "0702", "0703", "0704", "0705", "0706",
	"0801", "0802", "0803", "0901", "0902", "1001", "1002", "1003",
};
#define NCODES (sizeof(codes) / sizeof(codes[0]))

/* Words that search must find in every description of the category
 * ('|' separates alternatives). */
static const char *const keywords[NCODES] = {
	"暖气",           "水",           "电",          "燃气",        "路灯",
	"井盖",           "路",           "堵",          "垃圾",        "卫生",
	"噪音",           "油烟|扬尘|异味", "物业",        "改造",        "漏水|裂缝|渗水",
	"电梯",           "搭建|私建|违法建设", "占道",      "停车|停放|乱停", "广告",
	"消防",           "火灾|消防",     "电动车",      "危房|脱落|掉落|坠", "老人",
	"低保|救助",      "社保|医保|养老", "学",          "医|诊|卫生服务", "食品|消费|过期|商家",
	"邻居",           "工资|欠薪",     "家庭|赡养|离婚", "公交",      "信号|红绿灯|标志|标线",
	"建议",           "建议",          "建议",
};

/* Returns true when s contains one of the '|'-separated alternatives. */
static bool has_any(const char *s, const char *alts)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", alts);
	for (char *save = NULL, *t = strtok_r(buf, "|", &save); t; t = strtok_r(NULL, "|", &save))
		if (strstr(s, t))
			return true;
	return false;
}

/* Even-odd ray casting; the point is never on an edge in these tests. */
static bool pip(const ring *r, double x, double y)
{
	bool in = false;
	for (size_t i = 0, j = r->n - 1; i < r->n; j = i++) {
		if ((r->y[i] > y) != (r->y[j] > y) &&
		    x < (r->x[j] - r->x[i]) * (y - r->y[i]) / (r->y[j] - r->y[i]) + r->x[i])
			in = !in;
	}
	return in;
}

/* Shoelace area relative to the first vertex (positive when counter-clockwise). */
static double area(const ring *r)
{
	double a = 0;
	for (size_t i = 1; i + 1 < r->n; i++)
		a += (r->x[i] - r->x[0]) * (r->y[i + 1] - r->y[0]) -
		     (r->x[i + 1] - r->x[0]) * (r->y[i] - r->y[0]);
	return a / 2;
}

/* Parses a boundary with jansson into r; fails the test on any defect. */
static void parse_ring(const char *text, ring *r)
{
	json_error_t err;
	json_t *j = json_loads(text, 0, &err);
	if (!j)
		fail_msg("boundary is not JSON: %s", err.text);
	assert_string_equal(json_string_value(json_object_get(j, "type")), "Polygon");
	json_t *coords = json_object_get(j, "coordinates");
	assert_true(json_is_array(coords));
	assert_int_equal(json_array_size(coords), 1);
	json_t *ring0 = json_array_get(coords, 0);
	assert_true(json_is_array(ring0));
	r->n = json_array_size(ring0);
	assert_true(r->n >= 4);
	r->x = calloc(r->n, sizeof(double));
	r->y = calloc(r->n, sizeof(double));
	for (size_t i = 0; i < r->n; i++) {
		json_t *pt = json_array_get(ring0, i);
		assert_true(json_is_array(pt));
		assert_int_equal(json_array_size(pt), 2);
		assert_true(json_is_number(json_array_get(pt, 0)));
		r->x[i] = json_number_value(json_array_get(pt, 0));
		r->y[i] = json_number_value(json_array_get(pt, 1));
		assert_true(r->x[i] > 113.53 && r->x[i] < 113.63);
		assert_true(r->y[i] > 37.82 && r->y[i] < 37.90);
	}
	assert_true(r->x[0] == r->x[r->n - 1] && r->y[0] == r->y[r->n - 1]);
	json_decref(j);
}

static int setup(void **state)
{
	(void)state;
	if (lx_demo_units(&units, &nunits) != LX_OK)
		return -1;
	rings = calloc(nunits, sizeof(*rings));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (size_t i = 0; i < nunits; i++) {
		free(rings[i].x);
		free(rings[i].y);
	}
	free(rings);
	lx_demo_units_free(units, nunits);
	return 0;
}

static bool ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n >= m && strcmp(s + n - m, suf) == 0;
}

static void test_counts_and_order(void **state)
{
	(void)state;
	size_t nd = 0, ns = 0, nc = 0, nv = 0, ng = 0, ndep = 0;
	assert_true(nunits > 0);
	assert_string_equal(units[0].kind, "district");
	assert_string_equal(units[0].name, "矿区");
	assert_string_equal(units[0].code, "140303");
	assert_int_equal(units[0].parent, -1);
	for (size_t i = 0; i < nunits; i++) {
		const lx_demo_unit *u = &units[i];
		const char *pk = u->parent >= 0 ? units[u->parent].kind : NULL;
		assert_true(u->parent < (int)i);
		assert_true(lx_utf8_valid(u->name, strlen(u->name)));
		if (!strcmp(u->kind, "district")) {
			nd++;
		} else if (!strcmp(u->kind, "street")) {
			ns++;
			assert_string_equal(pk, "district");
			assert_true(ends_with(u->name, "街道"));
		} else if (!strcmp(u->kind, "community") || !strcmp(u->kind, "village")) {
			bool vill = !strcmp(u->kind, "village");
			if (vill)
				nv++;
			else
				nc++;
			assert_string_equal(pk, "street");
			assert_true(ends_with(u->name, vill ? "村" : "社区"));
			int grids = 0;
			for (size_t k = 0; k < nunits; k++)
				grids += units[k].parent == (int)i;
			assert_in_range(grids, 3, 5);
		} else if (!strcmp(u->kind, "grid")) {
			ng++;
			assert_true(!strcmp(pk, "community") || !strcmp(pk, "village"));
			assert_true(strncmp(u->name, units[u->parent].name,
					    strlen(units[u->parent].name)) == 0);
			assert_non_null(strstr(u->name, "网格"));
			assert_int_equal(strlen(u->code), 15);
			assert_true(strncmp(u->code, units[u->parent].code, 12) == 0);
		} else if (!strcmp(u->kind, "department")) {
			ndep++;
			assert_int_equal(u->parent, 0);
			assert_null(u->boundary);
		} else {
			fail_msg("unknown kind %s", u->kind);
		}
	}
	assert_int_equal(nd, 1);
	assert_int_equal(ns, 6);
	assert_int_equal(nc, 44);
	assert_int_equal(nv, 12);
	assert_in_range(ng, 56 * 3, 56 * 5);
	assert_int_equal(ndep, 17);
	for (size_t i = 0; i < nunits; i++)
		if (!strcmp(units[i].kind, "department") && !strcmp(units[i].name, "供热公司"))
			return;
	fail_msg("no 供热公司");
}

static void test_named_places(void **state)
{
	(void)state;
	static const char *const names[] = {
		"沙坪街道", "赛鱼街道", "桥头街道", "蔡洼街道", "平潭街街道", "贵石沟街道",
		"水滩社区", "段西沟社区", "南台社区", "蔡东社区", "东四尺社区", "新源社区",
		"平潭街东社区", "半坡村", "大村村", "西河村", "南山村", "住建局", "区人大常委会",
	};
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		bool found = false;
		for (size_t i = 0; i < nunits && !found; i++)
			found = !strcmp(units[i].name, names[k]);
		if (!found)
			fail_msg("missing %s", names[k]);
	}
}

static void test_unique_codes(void **state)
{
	(void)state;
	for (size_t i = 0; i < nunits; i++) {
		for (size_t j = i + 1; j < nunits; j++) {
			if (!strcmp(units[i].code, units[j].code))
				fail_msg("duplicate code %s", units[i].code);
			if (!strcmp(units[i].name, units[j].name))
				fail_msg("duplicate name %s", units[i].name);
		}
	}
}

/* Parses every boundary once; each geometry test starts with it. */
static void ensure_rings(void)
{
	static bool done;
	if (done)
		return;
	for (size_t i = 0; i < nunits; i++) {
		if (!units[i].boundary) {
			assert_string_equal(units[i].kind, "department");
			continue;
		}
		parse_ring(units[i].boundary, &rings[i]);
		assert_true(area(&rings[i]) > 0); /* counter-clockwise */
	}
	done = true;
}

static void test_boundaries_parse(void **state)
{
	(void)state;
	ensure_rings();
	/* the district sits where 矿区 is */
	double x0 = 1e9, x1 = -1e9, y0 = 1e9, y1 = -1e9;
	for (size_t k = 0; k < rings[0].n; k++) {
		x0 = fmin(x0, rings[0].x[k]);
		x1 = fmax(x1, rings[0].x[k]);
		y0 = fmin(y0, rings[0].y[k]);
		y1 = fmax(y1, rings[0].y[k]);
	}
	assert_true(x0 >= 113.535 && x1 <= 113.625 && y0 >= 37.825 && y1 <= 37.895);
	assert_true(x1 - x0 > 0.05 && y1 - y0 > 0.04);
}

static bool is_territorial(size_t i)
{
	return units[i].boundary != NULL;
}

/* Children's areas add up to the parent's area (no gaps, no overlaps given
 * that centres fall in exactly one sibling). */
static void test_children_tile_parent(void **state)
{
	(void)state;
	ensure_rings();
	for (size_t p = 0; p < nunits; p++) {
		if (!is_territorial(p) || !rings[p].n)
			continue;
		double sum = 0;
		int kids = 0;
		for (size_t c = 0; c < nunits; c++) {
			if (units[c].parent == (int)p && is_territorial(c)) {
				sum += area(&rings[c]);
				kids++;
			}
		}
		if (!kids)
			continue;
		double a = area(&rings[p]);
		if (fabs(sum - a) > 1e-9 * a)
			fail_msg("children of %s cover %.12g of %.12g", units[p].name, sum, a);
	}
}

static void test_centres_inside(void **state)
{
	(void)state;
	ensure_rings();
	for (size_t i = 0; i < nunits; i++) {
		if (!is_territorial(i))
			continue;
		double x = units[i].clon, y = units[i].clat;
		if (!pip(&rings[i], x, y))
			fail_msg("centre of %s is outside it", units[i].name);
		for (int a = units[i].parent; a >= 0; a = units[a].parent)
			if (!pip(&rings[a], x, y))
				fail_msg("centre of %s is outside %s", units[i].name, units[a].name);
		/* inside no other unit of the same kind (siblings or cousins) */
		for (size_t j = 0; j < nunits; j++)
			if (j != i && !strcmp(units[j].kind, units[i].kind) && pip(&rings[j], x, y))
				fail_msg("centre of %s is inside %s", units[i].name, units[j].name);
	}
}

static void test_point_in(void **state)
{
	(void)state;
	ensure_rings();
	uint64_t rng = 42;
	for (size_t i = 0; i < nunits; i++) {
		if (!is_territorial(i))
			continue;
		for (int k = 0; k < 20; k++) {
			double lat, lon;
			lx_demo_point_in(units, i, &rng, &lat, &lon);
			if (!pip(&rings[i], lon, lat))
				fail_msg("point %.6f,%.6f is outside %s", lon, lat, units[i].name);
			for (int a = units[i].parent; a >= 0; a = units[a].parent)
				assert_true(pip(&rings[a], lon, lat));
			/* already on the 6-decimal grid */
			assert_true(fabs(lon * 1e6 - round(lon * 1e6)) < 1e-3);
		}
	}
	/* a department has no boundary: its centre comes back */
	double lat = 1, lon = 1;
	lx_demo_point_in(units, nunits - 1, &rng, &lat, &lon);
	assert_true(lat == 0 && lon == 0);
}

static void test_point_in_uniform(void **state)
{
	(void)state;
	ensure_rings();
	/* points in the district fall into many different grids */
	uint64_t rng = 7;
	size_t hits = 0, seen = 0;
	int *count = calloc(nunits, sizeof(int));
	for (int k = 0; k < 2000; k++) {
		double lat, lon;
		lx_demo_point_in(units, 0, &rng, &lat, &lon);
		for (size_t j = 0; j < nunits; j++) {
			if (!strcmp(units[j].kind, "grid") && pip(&rings[j], lon, lat)) {
				hits++;
				seen += count[j]++ == 0;
			}
		}
	}
	free(count);
	assert_int_equal(hits, 2000); /* each point in exactly one grid */
	assert_true(seen > 150);
}

static void test_determinism_units(void **state)
{
	(void)state;
	lx_demo_unit *u2;
	size_t n2;
	assert_int_equal(lx_demo_units(&u2, &n2), LX_OK);
	assert_int_equal(n2, nunits);
	for (size_t i = 0; i < n2; i++) {
		assert_string_equal(u2[i].code, units[i].code);
		assert_string_equal(u2[i].name, units[i].name);
		if (units[i].boundary)
			assert_string_equal(u2[i].boundary, units[i].boundary);
		assert_true(u2[i].clat == units[i].clat && u2[i].clon == units[i].clon);
	}
	lx_demo_units_free(u2, n2);
	lx_demo_units_free(NULL, 0);
}

static void check_text(const char *s)
{
	assert_non_null(s);
	assert_true(s[0] != '\0');
	assert_true(lx_utf8_valid(s, strlen(s)));
	if (strchr(s, '{') || strchr(s, '}'))
		fail_msg("unexpanded tag in %s", s);
}

static void test_case_texts(void **state)
{
	(void)state;
	uint64_t rng = 2024;
	for (size_t c = 0; c < NCODES; c++) {
		for (int k = 0; k < 60; k++) {
			char *t, *d, *a;
			const char *comm = k % 3 == 0 ? NULL : k % 3 == 1 ? "水滩社区" : "半坡村";
			assert_int_equal(lx_demo_case_text(codes[c], comm, &rng, &t, &d, &a), LX_OK);
			check_text(t);
			check_text(d);
			check_text(a);
			if (!has_any(d, keywords[c]))
				fail_msg("%s description lacks %s: %s", codes[c], keywords[c], d);
			if (comm)
				assert_true(strncmp(a, comm, strlen(comm)) == 0);
			assert_in_range(lx_utf8_len(t), 4, 40);
			assert_in_range(lx_utf8_len(d), 25, 160);
			free(t);
			free(d);
			free(a);
		}
		char *r = lx_demo_reply_text(codes[c], &rng);
		check_text(r);
		free(r);
	}
}

static void test_case_keywords(void **state)
{
	(void)state;
	uint64_t rng = 99;
	for (int k = 0; k < 100; k++) {
		char *t, *d, *a;
		assert_int_equal(lx_demo_case_text("0101", "南台社区", &rng, &t, &d, &a), LX_OK);
		assert_non_null(strstr(d, "暖气"));
		free(t);
		free(d);
		free(a);
		assert_int_equal(lx_demo_case_text("0201", NULL, &rng, &t, &d, &a), LX_OK);
		assert_non_null(strstr(d, "路灯"));
		assert_non_null(strstr(t, "路灯"));
		free(t);
		free(d);
		free(a);
	}
}

static void test_unknown_code(void **state)
{
	(void)state;
	uint64_t rng = 1;
	char *t = (char *)1, *d = (char *)1, *a = (char *)1;
	assert_int_equal(lx_demo_case_text("9999", NULL, &rng, &t, &d, &a), LX_INVALID);
	assert_null(t);
	assert_null(d);
	assert_null(a);
	assert_int_equal(lx_demo_case_text("01", NULL, &rng, &t, &d, &a), LX_INVALID);
	assert_int_equal(lx_demo_case_text(NULL, NULL, &rng, &t, &d, &a), LX_INVALID);
	assert_null(lx_demo_reply_text("0000", &rng));
}

static void test_variety(void **state)
{
	(void)state;
	for (size_t c = 0; c < NCODES; c++) {
		char *seen[200];
		size_t n = 0, distinct_replies = 0;
		uint64_t rng = 5 + c;
		for (int k = 0; k < 200; k++) {
			char *t, *d, *a;
			lx_demo_case_text(codes[c], "蔡东社区", &rng, &t, &d, &a);
			bool dup = false;
			for (size_t m = 0; m < n && !dup; m++)
				dup = !strcmp(seen[m], d);
			if (dup)
				free(d);
			else
				seen[n++] = d;
			free(t);
			free(a);
		}
		assert_true(n >= 20);
		for (size_t m = 0; m < n; m++)
			free(seen[m]);
		n = 0;
		for (int k = 0; k < 100; k++) {
			char *r = lx_demo_reply_text(codes[c], &rng);
			bool dup = false;
			for (size_t m = 0; m < n && !dup; m++)
				dup = !strcmp(seen[m], r);
			if (dup) {
				free(r);
			} else {
				seen[n++] = r;
				distinct_replies++;
			}
		}
		assert_true(distinct_replies >= 4);
		for (size_t m = 0; m < n; m++)
			free(seen[m]);
	}
}

static void test_text_determinism(void **state)
{
	(void)state;
	for (size_t c = 0; c < NCODES; c++) {
		uint64_t r1 = 12345 + c, r2 = 12345 + c;
		char *t1, *d1, *a1, *t2, *d2, *a2;
		lx_demo_case_text(codes[c], "新源社区", &r1, &t1, &d1, &a1);
		lx_demo_case_text(codes[c], "新源社区", &r2, &t2, &d2, &a2);
		assert_string_equal(t1, t2);
		assert_string_equal(d1, d2);
		assert_string_equal(a1, a2);
		assert_true(r1 == r2);
		char *p1 = lx_demo_reply_text(codes[c], &r1), *p2 = lx_demo_reply_text(codes[c], &r2);
		assert_string_equal(p1, p2);
		free(t1);
		free(d1);
		free(a1);
		free(t2);
		free(d2);
		free(a2);
		free(p1);
		free(p2);
	}
	uint64_t a = 1, b = 1;
	for (int k = 0; k < 10; k++)
		assert_true(lx_demo_rand(&a) == lx_demo_rand(&b));
	assert_true(lx_demo_rand(&a) != lx_demo_rand(&a));
}

static void test_people(void **state)
{
	(void)state;
	uint64_t rng = 3;
	for (int k = 0; k < 500; k++) {
		char *name = lx_demo_person_name(&rng), *phone = lx_demo_phone(&rng);
		check_text(name);
		assert_in_range(lx_utf8_len(name), 2, 3);
		assert_int_equal(strlen(phone), 11);
		assert_true(phone[0] == '1');
		for (int i = 0; i < 11; i++)
			assert_true(phone[i] >= '0' && phone[i] <= '9');
		free(name);
		free(phone);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts_and_order),
		cmocka_unit_test(test_named_places),
		cmocka_unit_test(test_unique_codes),
		cmocka_unit_test(test_boundaries_parse),
		cmocka_unit_test(test_children_tile_parent),
		cmocka_unit_test(test_centres_inside),
		cmocka_unit_test(test_point_in),
		cmocka_unit_test(test_point_in_uniform),
		cmocka_unit_test(test_determinism_units),
		cmocka_unit_test(test_case_texts),
		cmocka_unit_test(test_case_keywords),
		cmocka_unit_test(test_unknown_code),
		cmocka_unit_test(test_variety),
		cmocka_unit_test(test_text_determinism),
		cmocka_unit_test(test_people),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

/*
 * test_geo.c - unit tests for core/geo: GeoJSON validation, point-in-polygon,
 * bounding box and area.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "geo.h"
#include "lx.h"

/* Parses text as GeoJSON and returns the geometry; fails the test otherwise. */
static lx_geom *parse_ok(const char *text)
{
	json_error_t jerr;
	json_t *j = json_loads(text, 0, &jerr);
	lx_geom *g = NULL;
	char err[160];
	int rc;

	if (!j)
		fail_msg("bad test JSON: %s", jerr.text);
	rc = lx_geom_from_json(j, &g, err, sizeof(err));
	if (rc != LX_OK)
		fail_msg("lx_geom_from_json failed: %s", err);
	assert_non_null(g);
	json_decref(j);
	return g;
}

/* Expects text to be rejected with a message containing want. */
static void parse_fail(const char *text, const char *want)
{
	json_error_t jerr;
	json_t *j = json_loads(text, JSON_DECODE_ANY, &jerr);
	static char sentinel;
	lx_geom *g = (lx_geom *)(void *)&sentinel; /* must be reset to NULL */
	char err[160];
	int rc;

	if (!j)
		fail_msg("bad test JSON: %s", jerr.text);
	rc = lx_geom_from_json(j, &g, err, sizeof(err));
	json_decref(j);
	assert_int_equal(rc, LX_INVALID);
	assert_null(g);
	if (!strstr(err, want))
		fail_msg("error \"%s\" does not contain \"%s\"", err, want);
}

static bool in(const lx_geom *g, double lon, double lat)
{
	return lx_geom_contains(g, lon, lat);
}

#define SQUARE "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}"

static void test_square_inside_outside(void **state)
{
	(void)state;
	lx_geom *g = parse_ok(SQUARE);

	assert_true(in(g, 0.5, 0.5));
	assert_true(in(g, 0.001, 0.999));
	assert_false(in(g, 1.5, 0.5));
	assert_false(in(g, -0.5, 0.5));
	assert_false(in(g, 0.5, 1.5));
	assert_false(in(g, 0.5, -0.5));
	assert_false(in(g, 2, 2));
	assert_false(in(g, -1e-9, 0.5));
	assert_false(in(g, 0.5, 1 + 1e-9));
	lx_geom_free(g);
}

static void test_square_edge_and_vertex(void **state)
{
	(void)state;
	lx_geom *g = parse_ok(SQUARE);

	/* Edges. */
	assert_true(in(g, 0.5, 0));
	assert_true(in(g, 1, 0.5));
	assert_true(in(g, 0.5, 1));
	assert_true(in(g, 0, 0.5));
	/* Vertices. */
	assert_true(in(g, 0, 0));
	assert_true(in(g, 1, 0));
	assert_true(in(g, 1, 1));
	assert_true(in(g, 0, 1));
	/* On the lines through edges, beyond the segment. */
	assert_false(in(g, 2, 0));
	assert_false(in(g, -1, 1));
	assert_false(in(g, 1, 2));
	assert_false(in(g, 0, -1));
	/* Within the boundary tolerance. */
	assert_true(in(g, 1 + 1e-14, 0.5));
	lx_geom_free(g);
}

static void test_concave_u(void **state)
{
	(void)state;
	/* A U: base 0..3 x 0..1, arms 0..1 and 2..3 up to y=3; notch 1..2 x 1..3. */
	lx_geom *g = parse_ok("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[3,0],[3,3],[2,3],"
			      "[2,1],[1,1],[1,3],[0,3],[0,0]]]}");

	assert_false(in(g, 1.5, 2));    /* in the notch */
	assert_false(in(g, 1.5, 2.99)); /* top of the notch */
	assert_false(in(g, 1.5, 3));    /* notch opening, between the arm tops */
	assert_true(in(g, 0.5, 2));     /* left arm */
	assert_true(in(g, 2.5, 2));     /* right arm */
	assert_true(in(g, 1.5, 0.5));   /* base */
	assert_true(in(g, 1.5, 1));     /* notch floor edge */
	assert_true(in(g, 1, 2));       /* notch wall */
	assert_true(in(g, 2, 1));       /* notch corner */
	/* Rays along the notch floor (a horizontal edge) and arm tops. */
	assert_true(in(g, 0.5, 1));
	assert_true(in(g, 2.5, 1));
	assert_false(in(g, -0.5, 1));
	assert_false(in(g, 3.5, 1));
	assert_true(in(g, 0.5, 3));
	assert_false(in(g, -0.5, 3));
	assert_false(in(g, 3.5, 3));
	lx_geom_free(g);
}

#define HOLED "{\"type\":\"Polygon\",\"coordinates\":[" \
	"[[0,0],[10,0],[10,10],[0,10],[0,0]]," \
	"[[4,4],[4,6],[6,6],[6,4],[4,4]]]}"

static void test_polygon_with_hole(void **state)
{
	(void)state;
	lx_geom *g = parse_ok(HOLED);

	assert_false(in(g, 5, 5));     /* inside the hole */
	assert_false(in(g, 4.5, 5.9)); /* inside the hole */
	assert_true(in(g, 2, 2));      /* ring between */
	assert_true(in(g, 8, 5));      /* ring between, ray crosses the hole */
	assert_true(in(g, 5, 8));
	assert_true(in(g, 4, 5));      /* hole edge */
	assert_true(in(g, 5, 6));      /* hole edge */
	assert_true(in(g, 4, 4));      /* hole vertex */
	assert_true(in(g, 6, 6));      /* hole vertex */
	assert_true(in(g, 0, 5));      /* outer edge */
	assert_false(in(g, 11, 5));
	assert_false(in(g, -1, 4));    /* ray along the hole's bottom edge */
	assert_true(in(g, 1, 4));
	lx_geom_free(g);
}

static void test_multipolygon(void **state)
{
	(void)state;
	lx_geom *g = parse_ok("{\"type\":\"MultiPolygon\",\"coordinates\":["
			      "[[[0,0],[1,0],[1,1],[0,1],[0,0]]],"
			      "[[[5,5],[6,5],[6,6],[5,6],[5,5]]]]}");
	double bb[4];

	assert_int_equal(lx_geom_polygon_count(g), 2);
	assert_true(in(g, 0.5, 0.5));
	assert_true(in(g, 5.5, 5.5));
	assert_true(in(g, 6, 6));
	assert_false(in(g, 3, 3));
	assert_false(in(g, 5.5, 0.5)); /* in the overall bbox, in neither part */
	assert_false(in(g, 0.5, 5.5));
	lx_geom_bbox(g, bb);
	assert_true(bb[0] == 0 && bb[1] == 0 && bb[2] == 6 && bb[3] == 6);
	assert_true(fabs(lx_geom_area(g) - 2.0) < 1e-12);
	lx_geom_free(g);
}

static void test_ray_through_vertex(void **state)
{
	(void)state;
	lx_geom *g = parse_ok("{\"type\":\"Polygon\",\"coordinates\":[[[0,-1],[1,0],[0,1],"
			      "[-1,0],[0,-1]]]}");

	/* The ray at lat 0 passes through the vertices (-1,0) and (1,0). */
	assert_false(in(g, -2, 0));
	assert_false(in(g, 2, 0));
	assert_true(in(g, 0, 0));
	assert_true(in(g, -0.99, 0));
	assert_true(in(g, 0.5, 0));
	assert_true(in(g, -1, 0));
	assert_true(in(g, 1, 0));
	/* The ray at lat 1 / -1 only touches the top / bottom vertex. */
	assert_false(in(g, -0.5, 1));
	assert_false(in(g, 0.5, 1));
	assert_false(in(g, -5, 1));
	assert_false(in(g, -0.5, -1));
	assert_true(in(g, 0, 1));
	assert_true(in(g, 0, -1));
	lx_geom_free(g);

	/* Peaks and valleys touching the ray from both sides (an M shape). */
	g = parse_ok("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[4,0],[4,3],[3,1],[2,3],"
		     "[1,1],[0,3],[0,0]]]}");
	assert_false(in(g, -1, 3));  /* through three peaks */
	assert_false(in(g, 1, 3));
	assert_false(in(g, 3, 3));
	assert_true(in(g, 2, 3));    /* a peak */
	assert_false(in(g, -1, 1));  /* through two valleys */
	assert_false(in(g, 5, 1));
	assert_true(in(g, 0.5, 1));
	assert_true(in(g, 2, 1));
	assert_true(in(g, 3.5, 1));
	assert_true(in(g, 1, 1));    /* a valley */
	assert_false(in(g, 1, 2));   /* above a valley */
	assert_true(in(g, 1, 0.5));
	lx_geom_free(g);
}

static void test_horizontal_edges(void **state)
{
	(void)state;
	/* An L-shaped staircase. */
	lx_geom *g = parse_ok("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[4,0],[4,2],[2,2],"
			      "[2,4],[0,4],[0,0]]]}");

	assert_true(in(g, 1, 2));   /* ray runs along the edge (4,2)-(2,2) */
	assert_true(in(g, 3, 2));   /* on that edge */
	assert_false(in(g, 5, 2));
	assert_false(in(g, -1, 2));
	assert_false(in(g, -1, 0)); /* ray along the bottom edge */
	assert_true(in(g, 2, 0));
	assert_false(in(g, 5, 0));
	assert_true(in(g, 1, 4));
	assert_false(in(g, 3, 4));
	assert_false(in(g, -1, 4));
	assert_true(in(g, 3, 1));
	assert_false(in(g, 3, 3));
	lx_geom_free(g);

	/* Collinear vertices on horizontal edges. */
	g = parse_ok("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[2,0],[2,1],[1,1],"
		     "[0,1],[0,0]]]}");
	assert_true(in(g, 1.5, 0.5));
	assert_true(in(g, 0.5, 0));
	assert_true(in(g, 1, 1));
	assert_false(in(g, -1, 0));
	assert_false(in(g, -1, 1));
	assert_false(in(g, 3, 1));
	assert_false(in(g, 3, 0.5));
	assert_false(in(g, -1, 0.5));
	lx_geom_free(g);
}

static void test_real_coordinates(void **state)
{
	(void)state;
	/* Two neighbouring grid units in Taiyuan sharing the edge lon = 113.58. */
	lx_geom *a = parse_ok("{\"type\":\"Polygon\",\"coordinates\":[[[113.56,37.85],"
			      "[113.58,37.85],[113.58,37.87],[113.56,37.87],[113.56,37.85]]]}");
	lx_geom *b = parse_ok("{\"type\":\"Polygon\",\"coordinates\":[[[113.58,37.85],"
			      "[113.60,37.85],[113.60,37.87],[113.58,37.87],[113.58,37.85]]]}");

	assert_true(in(a, 113.57, 37.86));
	assert_false(in(b, 113.57, 37.86));
	assert_true(in(a, 113.58, 37.86)); /* shared edge belongs to both */
	assert_true(in(b, 113.58, 37.86));
	assert_false(in(a, 113.580001, 37.86));
	assert_true(in(b, 113.580001, 37.86));
	assert_false(in(a, 113.5599999, 37.86));
	assert_false(in(a, 113.57, 37.8700001));
	assert_true(fabs(lx_geom_area(a) - 0.0004) < 1e-12);
	lx_geom_free(a);
	lx_geom_free(b);

	/* A triangle with a slanted edge; points computed on that edge. */
	const double ax = 113.561234, ay = 37.851234, bx = 113.578765, by = 37.868765;
	a = parse_ok("{\"type\":\"Feature\",\"properties\":{\"name\":\"\\u7f51\\u683c\"},"
		     "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[113.561234,37.851234],"
		     "[113.578765,37.868765],[113.561234,37.868765],[113.561234,37.851234]]]}}");
	for (int k = 1; k < 10; k++) {
		double t = k / 10.0;
		double px = ax + t * (bx - ax), py = ay + t * (by - ay);
		assert_true(in(a, px, py));
		assert_true(in(a, px - 1e-8, py + 1e-8));  /* just inside */
		assert_false(in(a, px + 1e-8, py - 1e-8)); /* just outside */
	}
	assert_true(in(a, 113.565, 37.865));
	assert_false(in(a, 113.575, 37.855));
	lx_geom_free(a);

	/* An irregular unit with a hole (e.g. a walled compound excluded). */
	a = parse_ok("{\"type\":\"Polygon\",\"coordinates\":["
		     "[[113.5612,37.8531],[113.5705,37.8502],[113.5833,37.8567],[113.5791,37.8688],"
		     "[113.5667,37.8712],[113.5588,37.8634],[113.5612,37.8531]],"
		     "[[113.5680,37.8580],[113.5740,37.8580],[113.5740,37.8630],[113.5680,37.8630],"
		     "[113.5680,37.8580]]]}");
	assert_true(in(a, 113.5650, 37.8600));
	assert_false(in(a, 113.5710, 37.8600)); /* in the compound */
	assert_true(in(a, 113.5740, 37.8600));  /* compound wall */
	assert_true(in(a, 113.5705, 37.8502));  /* a vertex */
	assert_false(in(a, 113.5700, 37.8500));
	assert_false(in(a, 113.5900, 37.8600));
	lx_geom_free(a);
}

/* Reference: inside-or-on for a convex counter-clockwise polygon. */
static bool convex_contains(const double (*v)[2], int n, double x, double y)
{
	for (int i = 0; i < n; i++) {
		const double *a = v[i], *b = v[(i + 1) % n];
		if ((b[0] - a[0]) * (y - a[1]) - (b[1] - a[1]) * (x - a[0]) < 0)
			return false;
	}
	return true;
}

static void test_lattice_against_reference(void **state)
{
	(void)state;
	/* An octagon with integer vertices; a half-step lattice hits every
	 * vertex, every vertex latitude and many edge points exactly. */
	static const double v[8][2] = {{2, 0}, {6, 0}, {8, 2}, {8, 6},
				       {6, 8}, {2, 8}, {0, 6}, {0, 2}};
	lx_geom *g = parse_ok("{\"type\":\"Polygon\",\"coordinates\":[[[2,0],[6,0],[8,2],[8,6],"
			      "[6,8],[2,8],[0,6],[0,2],[2,0]]]}");
	int checked = 0;

	for (int i = -4; i <= 20; i++) {
		for (int j = -4; j <= 20; j++) {
			double x = i / 2.0, y = j / 2.0;
			if (in(g, x, y) != convex_contains(v, 8, x, y))
				fail_msg("mismatch at (%g, %g)", x, y);
			checked++;
		}
	}
	assert_int_equal(checked, 625);
	assert_true(fabs(lx_geom_area(g) - 56.0) < 1e-12);
	lx_geom_free(g);
}

static void test_feature_wrapper(void **state)
{
	(void)state;
	lx_geom *g = parse_ok("{\"type\":\"Feature\",\"properties\":{},\"geometry\":"
			      "{\"type\":\"MultiPolygon\",\"coordinates\":"
			      "[[[[0,0],[1,0],[1,1],[0,1],[0,0]]]]}}");
	assert_true(in(g, 0.5, 0.5));
	assert_int_equal(lx_geom_polygon_count(g), 1);
	lx_geom_free(g);

	parse_fail("{\"type\":\"Feature\",\"properties\":{}}", "feature has no geometry");
	parse_fail("{\"type\":\"Feature\",\"geometry\":null}", "feature has no geometry");
	parse_fail("{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\","
		   "\"coordinates\":[1,2]}}", "unsupported geometry type");
	parse_fail("{\"type\":\"Feature\",\"geometry\":{\"type\":\"Feature\",\"geometry\":"
		   "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,0]]]}}}",
		   "unsupported geometry type");
	parse_fail("{\"type\":\"Feature\",\"geometry\":{\"coordinates\":[]}}",
		   "geometry has no type");
}

static void test_accepts_variants(void **state)
{
	(void)state;
	/* Reals, altitude, extreme but valid ranges, clockwise orientation. */
	lx_geom *g = parse_ok("{\"type\":\"Polygon\",\"coordinates\":[[[-180.0,-90,12.5],"
			      "[-180,90,0],[180,90,1],[180.0,-90.0,2],[-180.0,-90,12.5]]]}");
	assert_true(in(g, 0, 0));
	assert_true(in(g, 180, 90));
	assert_true(fabs(lx_geom_area(g) - 360.0 * 180.0) < 1e-9);
	lx_geom_free(g);

	/* A triangle is the smallest ring. */
	g = parse_ok("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[0,1],[0,0]]]}");
	assert_true(in(g, 0.2, 0.2));
	assert_false(in(g, 0.6, 0.6));
	assert_true(in(g, 0.5, 0.5));
	lx_geom_free(g);
}

static void test_validation_failures(void **state)
{
	(void)state;
	parse_fail("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1],[0,0.5]]]}",
		   "ring 0 of polygon 0 is not closed");
	parse_fail("{\"type\":\"MultiPolygon\",\"coordinates\":["
		   "[[[0,0],[1,0],[1,1],[0,0]]],"
		   "[[[0,0],[9,0],[9,9],[0,0]],[[1,1],[2,1],[2,2],[1,2]]]]}",
		   "ring 1 of polygon 1 is not closed");
	parse_fail("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[0,0]]]}",
		   "ring 0 of polygon 0 has fewer than 4 positions");
	parse_fail("{\"type\":\"Polygon\",\"coordinates\":[[]]}", "fewer than 4 positions");
	parse_fail("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,91],[0,0]]]}",
		   "position 2 of ring 0 of polygon 0 has latitude out of range");
	parse_fail("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,-90.0001],[0,0]]]}",
		   "latitude out of range");
	parse_fail("{\"type\":\"Polygon\",\"coordinates\":[[[-181,0],[1,0],[1,1],[-181,0]]]}",
		   "position 0 of ring 0 of polygon 0 has longitude out of range");
	parse_fail("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[180.5,0],[1,1],[0,0]]]}",
		   "longitude out of range");
	parse_fail("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[\"1\",0],[1,1],[0,0]]]}",
		   "position 1 of ring 0 of polygon 0 has a non-numeric element");
	parse_fail("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,null],[1,1],[0,0]]]}",
		   "non-numeric");
	parse_fail("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0,true],[1,1],[0,0]]]}",
		   "non-numeric");
	parse_fail("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1],[1,1],[0,0]]]}",
		   "position 1 of ring 0 of polygon 0 has fewer than 2 numbers");
	parse_fail("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],{},[1,1],[0,0]]]}",
		   "position 1 of ring 0 of polygon 0 is not an array");
	parse_fail("{\"type\":\"Point\",\"coordinates\":[113.57,37.86]}",
		   "unsupported geometry type \"Point\"");
	parse_fail("{\"type\":\"polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,0]]]}",
		   "unsupported geometry type");
	parse_fail("{\"type\":\"GeometryCollection\",\"geometries\":[]}",
		   "unsupported geometry type");
	parse_fail("{\"type\":\"Polygon\"}", "geometry has no coordinates");
	parse_fail("{\"type\":\"Polygon\",\"coordinates\":null}", "coordinates is not an array");
	parse_fail("{\"type\":\"Polygon\",\"coordinates\":\"x\"}", "coordinates is not an array");
	parse_fail("{\"type\":\"MultiPolygon\",\"coordinates\":[]}",
		   "MultiPolygon has no polygons");
	parse_fail("{\"type\":\"MultiPolygon\",\"coordinates\":[[]]}",
		   "polygon 0 has no outer ring");
	parse_fail("{\"type\":\"Polygon\",\"coordinates\":[]}", "polygon 0 has no outer ring");
	parse_fail("{\"type\":\"MultiPolygon\",\"coordinates\":[[[[0,0],[1,0],[1,1],[0,0]]],3]}",
		   "polygon 1 is not an array of rings");
	parse_fail("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,0]],7]}",
		   "ring 1 of polygon 0 is not an array");
	/* Polygon coordinates given one level too shallow. */
	parse_fail("{\"type\":\"Polygon\",\"coordinates\":[[0,0],[1,0],[1,1],[0,0]]}",
		   "ring 0 of polygon 0 has fewer than 4 positions");
	parse_fail("{\"coordinates\":[[[0,0],[1,0],[1,1],[0,0]]]}", "geometry has no type");
	parse_fail("{\"type\":7,\"coordinates\":[[[0,0],[1,0],[1,1],[0,0]]]}",
		   "geometry has no type");
	parse_fail("[1,2]", "geometry is not an object");
	parse_fail("null", "geometry is not an object");
}

static void test_error_buffer_handling(void **state)
{
	(void)state;
	json_t *j = json_loads("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[0,0]]]}", 0,
			       NULL);
	lx_geom *g = NULL;
	char small[8];

	assert_non_null(j);
	assert_int_equal(lx_geom_from_json(j, &g, NULL, 0), LX_INVALID);
	assert_null(g);
	memset(small, 'x', sizeof(small));
	assert_int_equal(lx_geom_from_json(j, &g, small, sizeof(small)), LX_INVALID);
	assert_string_equal(small, "ring 0 ");
	assert_int_equal(lx_geom_from_json(NULL, &g, small, sizeof(small)), LX_INVALID);
	assert_null(g);
	json_decref(j);

	/* Success clears err. */
	j = json_loads(SQUARE, 0, NULL);
	assert_non_null(j);
	assert_int_equal(lx_geom_from_json(j, &g, small, sizeof(small)), LX_OK);
	assert_string_equal(small, "");
	lx_geom_free(g);
	json_decref(j);
	lx_geom_free(NULL);
}

static void test_area_with_hole(void **state)
{
	(void)state;
	lx_geom *g = parse_ok("{\"type\":\"Polygon\",\"coordinates\":["
			      "[[0,0],[1,0],[1,1],[0,1],[0,0]],"
			      "[[0.25,0.25],[0.75,0.25],[0.75,0.75],[0.25,0.75],[0.25,0.25]]]}");
	assert_true(fabs(lx_geom_area(g) - 0.75) < 1e-15);
	lx_geom_free(g);

	g = parse_ok(SQUARE);
	assert_true(fabs(lx_geom_area(g) - 1.0) < 1e-15);
	lx_geom_free(g);

	/* Orientation does not matter (clockwise outer, counter-clockwise hole). */
	g = parse_ok("{\"type\":\"Polygon\",\"coordinates\":["
		     "[[0,0],[0,10],[10,10],[10,0],[0,0]],"
		     "[[4,4],[6,4],[6,6],[4,6],[4,4]]]}");
	assert_true(fabs(lx_geom_area(g) - 96.0) < 1e-12);
	lx_geom_free(g);

	g = parse_ok(HOLED);
	assert_true(fabs(lx_geom_area(g) - 96.0) < 1e-12);
	lx_geom_free(g);
}

static void test_bbox(void **state)
{
	(void)state;
	double bb[4];
	lx_geom *g = parse_ok("{\"type\":\"Polygon\",\"coordinates\":[[[113.56,37.86],"
			      "[113.59,37.85],[113.58,37.88],[113.55,37.87],[113.56,37.86]]]}");

	lx_geom_bbox(g, bb);
	assert_true(bb[0] == 113.55);
	assert_true(bb[1] == 37.85);
	assert_true(bb[2] == 113.59);
	assert_true(bb[3] == 37.88);
	lx_geom_free(g);

	g = parse_ok("{\"type\":\"MultiPolygon\",\"coordinates\":["
		     "[[[-3,2],[-1,2],[-1,4],[-3,2]]],"
		     "[[[5,-7],[6,-7],[6,-6],[5,-7]]]]}");
	lx_geom_bbox(g, bb);
	assert_true(bb[0] == -3 && bb[1] == -7 && bb[2] == 6 && bb[3] == 4);
	lx_geom_free(g);
}

static void test_contains_rejects_non_finite(void **state)
{
	(void)state;
	lx_geom *g = parse_ok("{\"type\":\"Polygon\",\"coordinates\":[[[-200e-2,-2],[2,-2],[2,2],"
			      "[-2,2],[-2,-2]]]}");
	assert_true(in(g, 0, 0));
	assert_false(in(g, NAN, 0));
	assert_false(in(g, 0, NAN));
	assert_false(in(g, INFINITY, 0));
	assert_false(in(g, 0, -INFINITY));
	lx_geom_free(g);
}

static void test_valid_point(void **state)
{
	(void)state;
	assert_true(lx_geo_valid_point(37.86, 113.57));
	assert_true(lx_geo_valid_point(90, 180));
	assert_true(lx_geo_valid_point(-90, -180));
	assert_true(lx_geo_valid_point(0, 0));
	assert_false(lx_geo_valid_point(113.57, 37.86)); /* swapped: lat out of range */
	assert_false(lx_geo_valid_point(91, 0));
	assert_false(lx_geo_valid_point(-90.000001, 0));
	assert_false(lx_geo_valid_point(0, -181));
	assert_false(lx_geo_valid_point(0, 180.0000001));
	assert_false(lx_geo_valid_point(NAN, 0));
	assert_false(lx_geo_valid_point(0, NAN));
	assert_false(lx_geo_valid_point(INFINITY, 0));
	assert_false(lx_geo_valid_point(0, -INFINITY));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_square_inside_outside),
		cmocka_unit_test(test_square_edge_and_vertex),
		cmocka_unit_test(test_concave_u),
		cmocka_unit_test(test_polygon_with_hole),
		cmocka_unit_test(test_multipolygon),
		cmocka_unit_test(test_ray_through_vertex),
		cmocka_unit_test(test_horizontal_edges),
		cmocka_unit_test(test_real_coordinates),
		cmocka_unit_test(test_lattice_against_reference),
		cmocka_unit_test(test_feature_wrapper),
		cmocka_unit_test(test_accepts_variants),
		cmocka_unit_test(test_validation_failures),
		cmocka_unit_test(test_error_buffer_handling),
		cmocka_unit_test(test_area_with_hole),
		cmocka_unit_test(test_bbox),
		cmocka_unit_test(test_contains_rejects_non_finite),
		cmocka_unit_test(test_valid_point),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

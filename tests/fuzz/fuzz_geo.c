/*
 * fuzz_geo.c - GeoJSON polygons (core/geo.c): lx_geom_from_json on a
 * Polygon, MultiPolygon or Feature, then point in polygon, bounding box
 * and area; and the unit import of a GeoJSON FeatureCollection (api/units.c
 * lx_api_units_import_read), which checks every feature's boundary.
 *
 * Properties: a refusal says why and returns no geometry; a geometry has as
 * many polygons as the input, a bounding box inside the WGS84 range that
 * holds every outer vertex, a finite area >= 0; every vertex of an outer
 * ring and the midpoint of every outer edge is inside (the boundary
 * belongs to the area), nothing beyond the bounding box or non-finite is.
 */
#include "fuzz.h"
#include "geo.h"

#include <math.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	lx_flow_init();
	return 0;
}

static void fuzz_outer_rings(const lx_geom *g, json_t *polys, bool multi, const double bbox[4])
{
	size_t n = multi ? json_array_size(polys) : 1;
	for (size_t i = 0; i < n; i++) {
		json_t *poly = multi ? json_array_get(polys, i) : polys;
		json_t *ring = json_array_get(poly, 0);
		size_t np = json_array_size(ring);
		for (size_t k = 0; k < np; k++) {
			json_t *a = json_array_get(ring, k), *b = json_array_get(ring, (k + 1) % np);
			double ax = json_number_value(json_array_get(a, 0)), ay = json_number_value(json_array_get(a, 1));
			double bx = json_number_value(json_array_get(b, 0)), by = json_number_value(json_array_get(b, 1));
			FUZZ_CHECK(ax >= bbox[0] && ax <= bbox[2] && ay >= bbox[1] && ay <= bbox[3],
				   "vertex (%.17g, %.17g) outside the bounding box", ax, ay);
			FUZZ_CHECK(lx_geom_contains(g, ax, ay), "polygon %zu: its vertex %zu (%.17g, %.17g) is not inside",
				   i, k, ax, ay);
			double mx = ax + (bx - ax) / 2, my = ay + (by - ay) / 2;
			FUZZ_CHECK(lx_geom_contains(g, mx, my),
				   "polygon %zu: the midpoint (%.17g, %.17g) of its edge %zu is not inside", i, mx, my, k);
		}
	}
}

static void fuzz_geometry(json_t *j)
{
	char err[200];
	lx_geom *g = (lx_geom *)&err; /* must be reset on failure */
	int rc = lx_geom_from_json(j, &g, err, sizeof err);
	if (rc != LX_OK) {
		FUZZ_CHECK(rc == LX_INVALID && !g && err[0], "a refusal %d without its message", rc);
		return;
	}
	json_t *geom = j;
	if (strcmp(json_string_value(json_object_get(j, "type")), "Feature") == 0)
		geom = json_object_get(j, "geometry");
	bool multi = strcmp(json_string_value(json_object_get(geom, "type")), "MultiPolygon") == 0;
	json_t *coords = json_object_get(geom, "coordinates");
	FUZZ_CHECK(lx_geom_polygon_count(g) == (multi ? json_array_size(coords) : 1), "%zu polygons",
		   lx_geom_polygon_count(g));
	double bb[4];
	lx_geom_bbox(g, bb);
	FUZZ_CHECK(bb[0] <= bb[2] && bb[1] <= bb[3] && bb[0] >= -180 && bb[2] <= 180 && bb[1] >= -90 && bb[3] <= 90,
		   "bounding box [%g %g %g %g]", bb[0], bb[1], bb[2], bb[3]);
	double area = lx_geom_area(g);
	FUZZ_CHECK(isfinite(area) && area >= 0, "area %g", area);
	fuzz_outer_rings(g, coords, multi, bb);
	FUZZ_CHECK(!lx_geom_contains(g, NAN, bb[1]) && !lx_geom_contains(g, bb[0], INFINITY), "a non-finite point inside");
	double out[][2] = {{bb[0] - 1e-6 * (1 + fabs(bb[0])), bb[1]}, {bb[2] + 1e-6 * (1 + fabs(bb[2])), bb[3]},
			   {bb[0], bb[1] - 1e-6 * (1 + fabs(bb[1]))}, {bb[2], bb[3] + 1e-6 * (1 + fabs(bb[3]))}};
	for (size_t i = 0; i < sizeof out / sizeof out[0]; i++)
		FUZZ_CHECK(!lx_geom_contains(g, out[i][0], out[i][1]), "(%.17g, %.17g) beyond the box is inside",
			   out[i][0], out[i][1]);
	/* and some points in the box, for the crossing count's branches */
	for (int i = 0; i <= 4; i++)
		for (int k = 0; k <= 4; k++)
			(void)lx_geom_contains(g, bb[0] + (bb[2] - bb[0]) * i / 4, bb[1] + (bb[3] - bb[1]) * k / 4);
	lx_geom_free(g);
}

static void fuzz_import(const uint8_t *data, size_t size)
{
	fuzz_req f;
	fuzz_req_init(&f, "POST", "/api/v1/units/import", data, size);
	fuzz_req_header(&f, "Content-Type", "application/geo+json");
	int rc = lx_api_units_import_read(&f.r);
	if (rc == LX_OK)
		FUZZ_CHECK(!f.r.out && f.r.state, "the import replied and went on");
	else
		FUZZ_CHECK(f.r.out && f.r.status >= 400, "import %d without an error reply", rc);
	fuzz_check_reply(&f.r);
	fuzz_req_free(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t e;
	json_t *j = json_loadb((const char *)data, size, 0, &e);
	if (j) {
		fuzz_geometry(j);
		json_decref(j);
	}
	fuzz_import(data, size);
	return 0;
}

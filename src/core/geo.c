/*
 * geo.c - polygon geometry for grid units: GeoJSON parsing with strict
 * validation, point-in-polygon, bounding box and planar area.
 *
 * Each ring is one flat array of doubles [lon0, lat0, lon1, lat1, ...]
 * including the closing position, so edge i runs from position i to i + 1.
 */
#include "geo.h"
#include "lx.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Boundary tolerance, relative to the magnitude of the query point. */
#define GEO_REL_EPS 1e-12

/* Minimum positions in a closed ring (a triangle plus the closing one). */
#define GEO_RING_MIN 4

struct geo_ring {
	size_t n;   /* positions, closing position included */
	double *xy; /* 2 * n doubles: lon, lat, lon, lat, ... */
};

struct geo_poly {
	size_t nrings;          /* >= 1 once parsed; ring 0 is the outer ring */
	struct geo_ring *rings;
	double bbox[4];         /* of the outer ring */
};

struct lx_geom {
	size_t npolys;
	struct geo_poly *polys;
	double bbox[4];
};

enum geo_loc {
	GEO_OUTSIDE,
	GEO_INSIDE,
	GEO_BOUNDARY
};

/* Writes a formatted message into err (when there is room) and returns LX_INVALID. */
static int geo_fail(char *err, size_t errsz, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int geo_fail(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (err && errsz > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errsz, fmt, ap);
		va_end(ap);
	}
	return LX_INVALID;
}

bool lx_geo_valid_point(double lat, double lon)
{
	return isfinite(lat) && isfinite(lon) && lat >= -90.0 && lat <= 90.0 &&
	       lon >= -180.0 && lon <= 180.0;
}

/* Parses position k of ring ri of polygon pi into (*lon, *lat). */
static int geo_parse_position(const json_t *jpos, size_t k, size_t ri, size_t pi,
			      double *lon, double *lat, char *err, size_t errsz)
{
	size_t i, n;

	if (!json_is_array(jpos))
		return geo_fail(err, errsz, "position %zu of ring %zu of polygon %zu is not an array",
				k, ri, pi);
	n = json_array_size(jpos);
	if (n < 2)
		return geo_fail(err, errsz,
				"position %zu of ring %zu of polygon %zu has fewer than 2 numbers",
				k, ri, pi);
	for (i = 0; i < n; i++) {
		const json_t *v = json_array_get(jpos, i);
		if (!json_is_number(v) || !isfinite(json_number_value(v)))
			return geo_fail(err, errsz,
					"position %zu of ring %zu of polygon %zu has a non-numeric element",
					k, ri, pi);
	}
	*lon = json_number_value(json_array_get(jpos, 0));
	*lat = json_number_value(json_array_get(jpos, 1));
	if (*lon < -180.0 || *lon > 180.0)
		return geo_fail(err, errsz,
				"position %zu of ring %zu of polygon %zu has longitude out of range",
				k, ri, pi);
	if (*lat < -90.0 || *lat > 90.0)
		return geo_fail(err, errsz,
				"position %zu of ring %zu of polygon %zu has latitude out of range",
				k, ri, pi);
	return LX_OK;
}

/*
 * Parses ring ri of polygon pi into r. r->xy is allocated before positions
 * are checked, so on failure the caller still frees it.
 */
static int geo_parse_ring(const json_t *jring, size_t ri, size_t pi, struct geo_ring *r,
			  char *err, size_t errsz)
{
	size_t k, n;
	int rc;

	if (!json_is_array(jring))
		return geo_fail(err, errsz, "ring %zu of polygon %zu is not an array", ri, pi);
	n = json_array_size(jring);
	if (n < GEO_RING_MIN)
		return geo_fail(err, errsz, "ring %zu of polygon %zu has fewer than %d positions",
				ri, pi, GEO_RING_MIN);
	assert(n <= SIZE_MAX / (2 * sizeof(double)));
	r->xy = lx_xmalloc(n * 2 * sizeof(double));
	r->n = n;
	for (k = 0; k < n; k++) {
		rc = geo_parse_position(json_array_get(jring, k), k, ri, pi, &r->xy[2 * k],
					&r->xy[2 * k + 1], err, errsz);
		if (rc != LX_OK)
			return rc;
	}
	if (r->xy[0] != r->xy[2 * (n - 1)] || r->xy[1] != r->xy[2 * (n - 1) + 1])
		return geo_fail(err, errsz, "ring %zu of polygon %zu is not closed", ri, pi);
	return LX_OK;
}

/* Parses polygon pi (an array of rings, outer ring first) into p. */
static int geo_parse_polygon(const json_t *jpoly, size_t pi, struct geo_poly *p, char *err,
			     size_t errsz)
{
	const struct geo_ring *outer;
	size_t i, n;
	int rc;

	if (!json_is_array(jpoly))
		return geo_fail(err, errsz, "polygon %zu is not an array of rings", pi);
	n = json_array_size(jpoly);
	if (n == 0)
		return geo_fail(err, errsz, "polygon %zu has no outer ring", pi);
	p->rings = lx_xcalloc(n, sizeof(*p->rings));
	p->nrings = n;
	for (i = 0; i < n; i++) {
		rc = geo_parse_ring(json_array_get(jpoly, i), i, pi, &p->rings[i], err, errsz);
		if (rc != LX_OK)
			return rc;
	}

	outer = &p->rings[0];
	p->bbox[0] = p->bbox[2] = outer->xy[0];
	p->bbox[1] = p->bbox[3] = outer->xy[1];
	for (i = 1; i < outer->n; i++) {
		p->bbox[0] = fmin(p->bbox[0], outer->xy[2 * i]);
		p->bbox[1] = fmin(p->bbox[1], outer->xy[2 * i + 1]);
		p->bbox[2] = fmax(p->bbox[2], outer->xy[2 * i]);
		p->bbox[3] = fmax(p->bbox[3], outer->xy[2 * i + 1]);
	}
	return LX_OK;
}

int lx_geom_from_json(const json_t *geojson, lx_geom **out, char *err, size_t errsz)
{
	const json_t *geom = geojson, *coords;
	const char *type;
	lx_geom *g = NULL;
	bool multi;
	size_t i, n;
	int rc = LX_OK;

	assert(out);
	*out = NULL;
	if (err && errsz > 0)
		err[0] = '\0';

	if (!json_is_object(geom))
		return geo_fail(err, errsz, "geometry is not an object");
	type = json_string_value(json_object_get(geom, "type"));
	if (!type)
		return geo_fail(err, errsz, "geometry has no type");
	if (strcmp(type, "Feature") == 0) {
		geom = json_object_get(geom, "geometry");
		if (!json_is_object(geom))
			return geo_fail(err, errsz, "feature has no geometry object");
		type = json_string_value(json_object_get(geom, "type"));
		if (!type)
			return geo_fail(err, errsz, "geometry has no type");
	}
	if (strcmp(type, "Polygon") == 0)
		multi = false;
	else if (strcmp(type, "MultiPolygon") == 0)
		multi = true;
	else
		return geo_fail(err, errsz,
				"unsupported geometry type \"%.32s\" (want Polygon or MultiPolygon)",
				type);

	coords = json_object_get(geom, "coordinates");
	if (!coords)
		return geo_fail(err, errsz, "geometry has no coordinates");
	if (!json_is_array(coords))
		return geo_fail(err, errsz, "coordinates is not an array");
	n = multi ? json_array_size(coords) : 1;
	if (n == 0)
		return geo_fail(err, errsz, "MultiPolygon has no polygons");

	g = lx_xcalloc(1, sizeof(*g));
	g->polys = lx_xcalloc(n, sizeof(*g->polys));
	g->npolys = n;
	for (i = 0; i < n; i++) {
		const json_t *jpoly = multi ? json_array_get(coords, i) : coords;
		rc = geo_parse_polygon(jpoly, i, &g->polys[i], err, errsz);
		if (rc != LX_OK)
			goto cleanup;
		if (i == 0) {
			memcpy(g->bbox, g->polys[0].bbox, sizeof(g->bbox));
		} else {
			g->bbox[0] = fmin(g->bbox[0], g->polys[i].bbox[0]);
			g->bbox[1] = fmin(g->bbox[1], g->polys[i].bbox[1]);
			g->bbox[2] = fmax(g->bbox[2], g->polys[i].bbox[2]);
			g->bbox[3] = fmax(g->bbox[3], g->polys[i].bbox[3]);
		}
	}
	*out = g;
	g = NULL;

cleanup:
	lx_geom_free(g);
	return rc;
}

void lx_geom_free(lx_geom *g)
{
	size_t i, j;

	if (!g)
		return;
	for (i = 0; i < g->npolys; i++) {
		for (j = 0; j < g->polys[i].nrings; j++)
			free(g->polys[i].rings[j].xy);
		free(g->polys[i].rings);
	}
	free(g->polys);
	free(g);
}

/*
 * Locates (px, py) relative to a closed ring: on an edge or vertex (within
 * tol), strictly inside, or outside.
 *
 * Crossing number with a ray towards +lon and the half-open rule: an edge
 * counts only when exactly one endpoint lies strictly above the ray
 * (y > py). A vertex on the ray is thus counted once, for the edge that
 * leaves upward, never twice; horizontal edges never count. Which side of
 * the edge the point is on is read from the sign of a cross product, so
 * there is no division.
 */
static enum geo_loc geo_ring_locate(const struct geo_ring *r, double px, double py, double tol)
{
	const double *xy = r->xy;
	bool in = false;
	size_t i;

	assert(r->n >= GEO_RING_MIN);
	for (i = 0; i + 1 < r->n; i++) {
		double ax = xy[2 * i], ay = xy[2 * i + 1];
		double bx = xy[2 * i + 2], by = xy[2 * i + 3];
		double dx = bx - ax, dy = by - ay;
		double cross = dx * (py - ay) - dy * (px - ax);

		/* On the segment: within tol of its box and of its line. */
		if (px >= fmin(ax, bx) - tol && px <= fmax(ax, bx) + tol &&
		    py >= fmin(ay, by) - tol && py <= fmax(ay, by) + tol &&
		    fabs(cross) <= tol * hypot(dx, dy))
			return GEO_BOUNDARY;

		if ((ay > py) != (by > py)) {
			/* Upward edge: crossing is right of p iff p is left of a->b. */
			if (by > ay ? cross > 0 : cross < 0)
				in = !in;
		}
	}
	return in ? GEO_INSIDE : GEO_OUTSIDE;
}

bool lx_geom_contains(const lx_geom *g, double lon, double lat)
{
	double tol;
	size_t i, j;

	assert(g);
	if (!isfinite(lon) || !isfinite(lat))
		return false;
	tol = GEO_REL_EPS * fmax(1.0, fmax(fabs(lon), fabs(lat)));

	for (i = 0; i < g->npolys; i++) {
		const struct geo_poly *p = &g->polys[i];
		enum geo_loc loc;
		bool in_hole = false;

		assert(p->nrings >= 1);
		if (lon < p->bbox[0] - tol || lat < p->bbox[1] - tol ||
		    lon > p->bbox[2] + tol || lat > p->bbox[3] + tol)
			continue;
		loc = geo_ring_locate(&p->rings[0], lon, lat, tol);
		if (loc == GEO_OUTSIDE)
			continue;
		if (loc == GEO_BOUNDARY)
			return true;
		for (j = 1; j < p->nrings; j++) {
			loc = geo_ring_locate(&p->rings[j], lon, lat, tol);
			if (loc == GEO_BOUNDARY)
				return true;
			if (loc == GEO_INSIDE) {
				in_hole = true;
				break;
			}
		}
		if (!in_hole)
			return true;
	}
	return false;
}

void lx_geom_bbox(const lx_geom *g, double bbox[4])
{
	assert(g && g->npolys >= 1);
	memcpy(bbox, g->bbox, 4 * sizeof(double));
}

/* Returns the unsigned shoelace area of a closed ring, in square degrees. */
static double geo_ring_area(const struct geo_ring *r)
{
	/* Work relative to the first vertex to limit cancellation. */
	double x0 = r->xy[0], y0 = r->xy[1], sum = 0.0;
	size_t i;

	for (i = 0; i + 1 < r->n; i++) {
		double ax = r->xy[2 * i] - x0, ay = r->xy[2 * i + 1] - y0;
		double bx = r->xy[2 * i + 2] - x0, by = r->xy[2 * i + 3] - y0;
		sum += ax * by - bx * ay;
	}
	return fabs(sum) / 2.0;
}

double lx_geom_area(const lx_geom *g)
{
	double total = 0.0;
	size_t i, j;

	assert(g);
	for (i = 0; i < g->npolys; i++) {
		const struct geo_poly *p = &g->polys[i];
		double a = geo_ring_area(&p->rings[0]);

		for (j = 1; j < p->nrings; j++)
			a -= geo_ring_area(&p->rings[j]);
		if (a > 0.0)
			total += a;
	}
	return total;
}

size_t lx_geom_polygon_count(const lx_geom *g)
{
	assert(g);
	return g->npolys;
}

double lx_geo_distance_m(double lat1, double lon1, double lat2, double lon2)
{
	const double rad = M_PI / 180.0, r = 6371008.8;
	double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
	double a = sin(dlat / 2) * sin(dlat / 2) + cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);
	return 2 * r * asin(sqrt(a < 1 ? a : 1));
}

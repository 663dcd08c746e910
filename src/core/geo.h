/*
 * geo.h - polygon geometry for grid units: GeoJSON parsing with strict
 * validation, point-in-polygon, bounding box and planar area.
 *
 * Pure: no I/O. Coordinates are WGS84 longitude/latitude in degrees and are
 * treated as planar (good enough at the scale of a city grid).
 */
#ifndef LX_GEO_H
#define LX_GEO_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

/* Opaque: a Polygon or MultiPolygon, WGS84 lon/lat. */
typedef struct lx_geom lx_geom;

/*
 * Parses a GeoJSON geometry object of type "Polygon" or "MultiPolygon", or a
 * "Feature" whose geometry is one of those. Validation is strict: every
 * position is an array of at least two numbers [lon, lat, ...] (extra
 * elements such as altitude must be numbers too and are ignored), finite,
 * lon in [-180, 180], lat in [-90, 90]; every ring has >= 4 positions and is
 * closed (first == last); a polygon has an outer ring and optional holes; a
 * MultiPolygon has at least one polygon.
 *
 * Returns LX_OK and stores a new geometry in *out, owned by the caller, who
 * frees it with lx_geom_free(). Returns LX_INVALID on failure, sets *out to
 * NULL and writes a short English message into err (if err and errsz > 0).
 * geojson is borrowed and not modified.
 */
int lx_geom_from_json(const json_t *geojson, lx_geom **out, char *err, size_t errsz);

/* Frees a geometry from lx_geom_from_json(). NULL is a no-op. */
void lx_geom_free(lx_geom *g);

/*
 * Returns true when (lon, lat) lies inside the geometry: inside some
 * polygon's outer ring and not strictly inside any of that polygon's holes.
 * The boundary belongs to the area: points on an outer ring or on a hole's
 * edge/vertex (within a tolerance of about 1e-12 relative) count as inside.
 * Returns false for non-finite coordinates.
 */
bool lx_geom_contains(const lx_geom *g, double lon, double lat);

/* Writes the bounding box [min_lon, min_lat, max_lon, max_lat] into bbox. */
void lx_geom_bbox(const lx_geom *g, double bbox[4]);

/*
 * Returns the planar area in square degrees: for each polygon the outer
 * ring's area minus its holes' areas (clamped at 0), summed over polygons.
 * Ring orientation does not matter. Meant for comparing units (prefer the
 * smaller of two containing units), not for surveying.
 */
double lx_geom_area(const lx_geom *g);

/* Returns the number of polygons (1 for a Polygon). */
size_t lx_geom_polygon_count(const lx_geom *g);

/*
 * Returns true when lat and lon are finite and in range:
 * lat in [-90, 90], lon in [-180, 180]. Note the argument order (lat, lon).
 */
bool lx_geo_valid_point(double lat, double lon);

/*
 * The great-circle distance in metres between two WGS84 points (the
 * haversine formula on a sphere of the mean earth radius, 6,371,008.8 m:
 * within 0.5 % of the ellipsoid, plenty for "nearest door first").
 */
double lx_geo_distance_m(double lat1, double lon1, double lat2, double lon2);

#endif

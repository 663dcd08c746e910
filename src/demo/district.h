/*
 * district.h - the demo district as pure data: the territorial tree of
 * 阳泉市矿区 with tiled GeoJSON boundaries, and generators for realistic
 * residents' requests, handlers' replies, names and phone numbers.
 *
 * Pure: no I/O, no database. Deterministic: the tree is the same on every
 * run, and every text generator draws only from the caller's PRNG state.
 */
#ifndef LX_DEMO_DISTRICT_H
#define LX_DEMO_DISTRICT_H

#include <stddef.h>
#include <stdint.h>

/* One unit of the territorial tree (or a department). */
typedef struct lx_demo_unit {
	int parent;       /* index of the parent in the array, -1 for the district */
	const char *kind; /* "district", "street", "community", "village", "grid",
			     "department" (static strings) */
	char *code;       /* unique: "140303", "140303001", "140303001001",
			     "140303001001001"; villages "1403030012xx";
			     departments "140303D01".. */
	char *name;       /* 矿区, 沙坪街道, 水滩社区, 半坡村, 水滩社区第1网格, 住建局 */
	char *boundary;   /* GeoJSON Polygon text (one closed counter-clockwise
			     ring, 6 decimals), NULL for departments */
	double clat, clon; /* a point well inside the boundary (0,0 for departments) */
} lx_demo_unit;

/* Builds the whole district: units in parent-before-child order (index 0 is
 * the district, then each street followed by its communities and villages,
 * each followed by its grids, then the departments). Children tile their
 * parent exactly: shared edges use identical vertex coordinates.
 * Returns LX_OK with *out a malloc'd array of *n units that the caller frees
 * with lx_demo_units_free, or LX_ERR (*out NULL, *n 0) if the tiling could not
 * be built (never expected). */
int lx_demo_units(lx_demo_unit **out, size_t *n);

/* Frees an array returned by lx_demo_units (NULL is fine). */
void lx_demo_units_free(lx_demo_unit *u, size_t n);

/* Stores in *lat, *lon a uniformly random point strictly inside unit i's
 * boundary, at least a few micro-degrees away from its edges and already
 * rounded to 6 decimals, advancing *rng. For a unit without a usable
 * boundary it stores the unit's centre point. */
void lx_demo_point_in(const lx_demo_unit *u, size_t i, uint64_t *rng, double *lat,
		      double *lon);

/* Produces a resident's request for a category code of CATEGORIES.md
 * ("0101".."1003"): a short title, a 2-4 sentence colloquial description and
 * an address inside community_name (a generic estate when NULL). The texts
 * carry the category's characteristic words (0101 mentions 暖气, 0201 路灯).
 * Returns LX_OK with three malloc'd strings the caller frees, or LX_INVALID
 * for an unknown code (the three outputs are then set to NULL). */
int lx_demo_case_text(const char *category_code, const char *community_name, uint64_t *rng,
		      char **title, char **description, char **address);

/* Returns a handler's reply to the resident after resolving a case of the
 * category, malloc'd (caller frees), or NULL for an unknown code. */
char *lx_demo_reply_text(const char *category_code, uint64_t *rng);

/* Returns a random plausible Chinese person name, malloc'd (caller frees). */
char *lx_demo_person_name(uint64_t *rng);

/* Returns a random 11-digit mainland mobile number, malloc'd (caller frees). */
char *lx_demo_phone(uint64_t *rng);

/* Returns the next pseudo-random 64-bit value (splitmix64), advancing *rng. */
uint64_t lx_demo_rand(uint64_t *rng);

#endif

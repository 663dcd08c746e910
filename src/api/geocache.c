/*
 * geocache.c - parsed unit boundaries kept in memory for locating points.
 *
 * Parsing a street's GeoJSON on every intake cost more than the rest of the
 * intake together (strtod and jansson in the profile). Entries are keyed by
 * unit id and stamped with the unit's updated_at, so a changed boundary (on
 * this node or another sharing the database) is parsed again on next use.
 * Geometries are immutable once published; a replaced one is retired, not
 * freed, because another thread may still be reading it (units change
 * rarely, so the retired list stays tiny).
 */
#include "api.h"
#include "geo.h"

#include <pthread.h>
#include <stdlib.h>

struct lx_geo_entry {
	int64_t id;
	lx_ms updated_at;
	lx_geom *g;
	double area;
};

static struct {
	pthread_rwlock_t lock;
	struct lx_geo_entry *slots; /* open addressing by id */
	size_t cap, used;
	lx_geom **retired;
	size_t nretired;
} lx_gc = {.lock = PTHREAD_RWLOCK_INITIALIZER};

static size_t lx_gc_find(int64_t id)
{
	size_t i = (size_t)((uint64_t)id * 11400714819323198485ull >> 20) & (lx_gc.cap - 1);
	while (lx_gc.slots[i].id && lx_gc.slots[i].id != id)
		i = (i + 1) & (lx_gc.cap - 1);
	return i;
}

static void lx_gc_grow(void)
{
	struct lx_geo_entry *old = lx_gc.slots;
	size_t oldcap = lx_gc.cap;
	lx_gc.cap = oldcap ? oldcap * 2 : 1024;
	lx_gc.slots = lx_xcalloc(lx_gc.cap, sizeof *lx_gc.slots);
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].id)
			lx_gc.slots[lx_gc_find(old[i].id)] = old[i];
	free(old);
}

/* Returns the geometry of u (owned by the cache) and its area, parsing
 * and caching it on a miss; NULL when it has no valid boundary. */
static const lx_geom *lx_geocache_get(lx_db *db, const lx_unit *u, double *area)
{
	const lx_geom *g = NULL;
	pthread_rwlock_rdlock(&lx_gc.lock);
	if (lx_gc.cap) {
		struct lx_geo_entry *e = &lx_gc.slots[lx_gc_find(u->id)];
		if (e->id == u->id && e->updated_at == u->updated_at) {
			g = e->g;
			*area = e->area;
		}
	}
	pthread_rwlock_unlock(&lx_gc.lock);
	if (g)
		return g;

	char *text = NULL;
	lx_geom *ng = NULL;
	if (lx_unit_boundary(db, u->id, &text) != LX_OK)
		return NULL;
	json_t *j = json_loads(text, 0, NULL);
	free(text);
	int rc = j ? lx_geom_from_json(j, &ng, NULL, 0) : LX_INVALID;
	json_decref(j);
	if (rc != LX_OK)
		return NULL;
	double a = lx_geom_area(ng);

	pthread_rwlock_wrlock(&lx_gc.lock);
	if ((lx_gc.used + 1) * 2 > lx_gc.cap)
		lx_gc_grow();
	struct lx_geo_entry *e = &lx_gc.slots[lx_gc_find(u->id)];
	if (e->id == u->id && e->updated_at >= u->updated_at) {
		/* another thread got here first */
		lx_geom_free(ng);
	} else {
		if (e->id == u->id) {
			lx_gc.retired = lx_xrealloc(lx_gc.retired, (lx_gc.nretired + 1) * sizeof *lx_gc.retired);
			lx_gc.retired[lx_gc.nretired++] = e->g;
		} else {
			lx_gc.used++;
		}
		e->id = u->id;
		e->updated_at = u->updated_at;
		e->g = ng;
		e->area = a;
	}
	g = e->g;
	*area = e->area;
	pthread_rwlock_unlock(&lx_gc.lock);
	return g;
}

struct lx_locate_ctx {
	lx_db *db;
	double lat, lon;
	lx_unit best;
	double best_area;
	bool found;
};

static int lx_locate_cb(void *arg, const lx_unit *u)
{
	struct lx_locate_ctx *c = arg;
	double area = 0;
	/* only a deeper unit (or a smaller one at the same depth) can win */
	if (c->found && u->depth < c->best.depth)
		return 0;
	const lx_geom *g = lx_geocache_get(c->db, u, &area);
	if (!g || !lx_geom_contains(g, c->lon, c->lat))
		return 0;
	if (!c->found || u->depth > c->best.depth || (u->depth == c->best.depth && area < c->best_area)) {
		lx_unit_clear(&c->best);
		c->best = *u;
		c->best.code = lx_xstrdup(u->code);
		c->best.name = lx_xstrdup(u->name);
		c->best.path = lx_xstrdup(u->path);
		c->best.boundary = NULL;
		c->best_area = area;
		c->found = true;
	}
	return 0;
}

int lx_api_locate_point(lx_db *db, double lat, double lon, lx_unit *out)
{
	struct lx_locate_ctx c = {.db = db, .lat = lat, .lon = lon};
	int rc = lx_unit_candidates(db, lat, lon, lx_locate_cb, &c);
	if (rc != LX_OK) {
		lx_unit_clear(&c.best);
		return rc;
	}
	if (!c.found)
		return LX_NOTFOUND;
	*out = c.best;
	return LX_OK;
}

void lx_geocache_free(void)
{
	pthread_rwlock_wrlock(&lx_gc.lock);
	for (size_t i = 0; i < lx_gc.cap; i++)
		lx_geom_free(lx_gc.slots[i].g);
	for (size_t i = 0; i < lx_gc.nretired; i++)
		lx_geom_free(lx_gc.retired[i]);
	free(lx_gc.slots);
	free(lx_gc.retired);
	lx_gc.slots = NULL;
	lx_gc.retired = NULL;
	lx_gc.cap = lx_gc.used = lx_gc.nretired = 0;
	pthread_rwlock_unlock(&lx_gc.lock);
}

/*
 * ctx.c - the engine's context: who acts, when, and what it has read
 * (categories, units, the calendar), so that one request or one bulk load
 * reads each once.
 */
#include "flow_int.h"

#include <stdlib.h>
#include <string.h>

lx_flow_ctx *lx_flow_ctx_new(lx_db *db, const lx_flow_actor *who, lx_ms now, int tz_offset_min)
{
	lx_flow_ctx *x = lx_xcalloc(1, sizeof *x);
	x->db = db;
	x->now = now;
	x->tz_offset_min = tz_offset_min;
	lx_cal_init(&x->cal, tz_offset_min);
	lx_flow_ctx_set_actor(x, who);
	return x;
}

void lx_flow_ctx_free(lx_flow_ctx *x)
{
	if (!x)
		return;
	for (size_t i = 0; i < x->ncats; i++)
		lx_category_clear(&x->cats[i]);
	free(x->cats);
	for (size_t i = 0; i < x->capunits; i++)
		if (x->units[i].id)
			lx_unit_clear(&x->units[i]);
	free(x->units);
	lx_cal_free(&x->cal);
	free(x->scope);
	free(x);
}

void lx_flow_ctx_set_now(lx_flow_ctx *x, lx_ms now)
{
	x->now = now;
}

void lx_flow_ctx_set_actor(lx_flow_ctx *x, const lx_flow_actor *who)
{
	free(x->scope);
	x->who = *who;
	x->scope = lx_xstrdup(who->scope ? who->scope : "/");
	x->who.scope = x->scope;
}

/* The cached entry of code, or NULL. */
static lx_category *lx_cat_cached(lx_flow_ctx *x, const char *code)
{
	for (size_t i = 0; i < x->ncats; i++)
		if (strcmp(x->cats[i].code, code) == 0)
			return &x->cats[i];
	return NULL;
}

/* A new, zeroed entry at the end of the cache (not yet counted). */
static lx_category *lx_cat_slot(lx_flow_ctx *x)
{
	if (x->ncats == x->capcats) {
		x->capcats = x->capcats ? 2 * x->capcats : 16;
		x->cats = lx_xrealloc(x->cats, x->capcats * sizeof *x->cats);
	}
	lx_category *c = &x->cats[x->ncats];
	memset(c, 0, sizeof *c);
	return c;
}

const lx_category *lx_flow_category(lx_flow_ctx *x, const char *code)
{
	if (!code)
		return NULL;
	lx_category *hit = lx_cat_cached(x, code);
	if (hit)
		return hit->name ? hit : NULL;
	lx_category *c = lx_cat_slot(x);
	if (lx_category_get(x->db, code, c) != LX_OK) {
		/* remembered as missing (no name): uncategorised rules apply */
		lx_category_clear(c);
		c->code = lx_xstrdup(code);
		x->ncats++;
		return NULL;
	}
	x->ncats++;
	return c;
}

void lx_flow_category_put(lx_flow_ctx *x, const lx_category *src)
{
	if (lx_cat_cached(x, src->code))
		return;
	lx_category *c = lx_cat_slot(x);
	x->ncats++;
	*c = *src;
	c->code = lx_xstrdup(src->code);
	c->name = lx_xstrdup(src->name);
	c->parent_code = lx_xstrdup(src->parent_code);
	c->resp_kind = lx_xstrdup(src->resp_kind);
	c->resp_value = lx_xstrdup(src->resp_value);
}

/* Open addressing on the unit id; capunits is a power of two. */
static lx_unit *lx_unit_slot(lx_flow_ctx *x, int64_t id)
{
	size_t mask = x->capunits - 1, i = ((uint64_t)id * 11400714819323198485ull >> 20) & mask;
	while (x->units[i].id && x->units[i].id != id)
		i = (i + 1) & mask;
	return &x->units[i];
}

static void lx_unit_cache_grow(lx_flow_ctx *x)
{
	lx_unit *old = x->units;
	size_t oldcap = x->capunits;
	x->capunits = oldcap ? 2 * oldcap : 256;
	x->units = lx_xcalloc(x->capunits, sizeof *x->units);
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].id)
			*lx_unit_slot(x, old[i].id) = old[i];
	free(old);
}

const lx_unit *lx_flow_unit(lx_flow_ctx *x, int64_t id)
{
	if (id <= 0)
		return NULL;
	if ((x->nunits + 1) * 2 > x->capunits)
		lx_unit_cache_grow(x);
	lx_unit *u = lx_unit_slot(x, id);
	if (u->id)
		return u;
	lx_unit got = {0};
	if (lx_unit_head(x->db, id, &got) != LX_OK)
		return NULL;
	*u = got;
	x->nunits++;
	return u;
}

/* Adds a unit the caller has loaded already (a copy). */
void lx_flow_ctx_put_unit(lx_flow_ctx *x, const lx_unit *src)
{
	if ((x->nunits + 1) * 2 > x->capunits)
		lx_unit_cache_grow(x);
	lx_unit *u = lx_unit_slot(x, src->id);
	if (u->id)
		return;
	*u = *src;
	u->code = lx_xstrdup(src->code);
	u->name = lx_xstrdup(src->name);
	u->path = lx_xstrdup(src->path);
	u->boundary = NULL;
	x->nunits++;
}

static int lx_cal_row(void *arg, const char *day, bool workday, const char *note)
{
	lx_cal *cal = arg;
	int64_t d;
	(void)note;
	if (lx_cal_day_parse(day, &d) == LX_OK)
		lx_cal_set(cal, d, workday);
	return 0;
}

const lx_cal *lx_flow_calendar(lx_flow_ctx *x)
{
	if (x->cal_loaded)
		return &x->cal;
	lx_cal_free(&x->cal);
	lx_cal_init(&x->cal, x->tz_offset_min);
	if (lx_calendar_each(x->db, NULL, NULL, lx_cal_row, &x->cal) != LX_OK)
		return NULL;
	lx_cal_sort(&x->cal);
	x->cal_loaded = true;
	return &x->cal;
}

/* Acts as the system (user_id is recorded on the events) until lx_flow_as_before. */
void lx_flow_as_system(lx_flow_ctx *x, lx_flow_saved_actor *s, int64_t user_id)
{
	lx_flow_actor sys = {.user_id = user_id, .scope = "/", .system = true};
	s->who = x->who;
	s->scope = x->scope;
	x->scope = NULL;
	lx_flow_ctx_set_actor(x, &sys);
}

void lx_flow_as_before(lx_flow_ctx *x, lx_flow_saved_actor *s)
{
	free(x->scope);
	x->scope = s->scope;
	x->who = s->who;
	x->who.scope = x->scope;
}

/*
 * demo.c - `lianxin demo`: the 矿区 demo district with its grid,
 * departments, users of every role and a year of cases.
 *
 * The cases are simulated, not copied: each one is located in a random
 * grid, dispatched by the duty list of its category, and then lives a
 * plausible life (accepted on time or late, resolved, rated, sometimes
 * returned, escalated, reopened) with every step on its timeline, so the
 * dashboard's rates come out of the same data the API reads.
 * Deterministic: the same build gives the same district.
 */
#include "cli.h"
#include "district.h"
#include "geo.h"
#include "repo.h"
#include "secret.h"
#include "workflow.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LX_DEMO_PASSWORD "lianxin2026"
#define LX_DEMO_CASES 6000
#define LX_HOUR_MS (3600LL * 1000)
#define LX_DAY_MS (24 * LX_HOUR_MS)

/* ASCII login stems for the six streets, in the order lx_demo_units emits them. */
static const char *const lx_street_login[] = {"shaping", "saiyu", "qiaotou", "caiwa", "pingtanjie",
					      "guishigou"};

#define LX_PTS 32 /* sampled points per grid, drawn from for each case */

/* A city is `copies` districts shaped like the 矿区 template, side by side.
 * Arrays indexed by "instance" hold copy * ndu + template index. */
struct lx_demo {
	lx_db *db;
	lx_demo_unit *du;    /* the template district */
	size_t ndu;
	int copies;
	int64_t *ids;        /* unit id per instance */
	char **paths;        /* unit path per instance */
	size_t *grids;       /* instances of grid units */
	size_t ngrids;
	size_t *grid_slot;   /* template index -> grid number within a copy */
	size_t ngrid_t;      /* grids per copy */
	double *pts;         /* LX_PTS (lat, lon) points per grid instance */
	int64_t *handler_of; /* a handler user id per instance (0: none) */
	lx_category *cats;   /* the category list, loaded once */
	size_t ncats;
	int64_t dispatcher_id;
	uint64_t rng;
	char *hash;
	bool bulk;           /* a generated city: speed over durability */
	lx_bulk_side *side;  /* bulk: writes search terms and visibility rows */
};

static const lx_category *lx_demo_cat(struct lx_demo *d, const char *code)
{
	for (size_t i = 0; i < d->ncats; i++)
		if (strcmp(d->cats[i].code, code) == 0)
			return &d->cats[i];
	return NULL;
}

static int lx_demo_load_categories(struct lx_demo *d)
{
	static const char *const codes[] = {
		"0101", "0102", "0103", "0104", "0201", "0202", "0203", "0204", "0301", "0302",
		"0303", "0304", "0401", "0402", "0403", "0404", "0501", "0502", "0503", "0504",
		"0601", "0602", "0603", "0604", "0701", "0702", "0703", "0704", "0705", "0706",
		"0801", "0802", "0803", "0901", "0902", "1001", "1002", "1003"};
	size_t n = sizeof codes / sizeof codes[0];
	d->cats = lx_xcalloc(n, sizeof *d->cats);
	for (size_t i = 0; i < n; i++) {
		if (lx_category_get(d->db, codes[i], &d->cats[d->ncats]) != LX_OK) {
			fprintf(stderr, "lianxin: category %s is missing\n", codes[i]);
			return LX_ERR;
		}
		d->ncats++;
	}
	return LX_OK;
}

/* Shifts every longitude of a GeoJSON geometry text by dlon. Returns a
 * malloc'd text. */
static char *lx_shift_boundary(const char *text, double dlon)
{
	json_t *j = json_loads(text, 0, NULL);
	json_t *polys = json_object_get(j, "coordinates");
	size_t i, k, m;
	json_t *ring, *pt, *poly;
	bool multi = strcmp(json_string_value(json_object_get(j, "type")), "MultiPolygon") == 0;
	json_t *list = multi ? polys : NULL;
	size_t np = multi ? json_array_size(list) : 1;
	for (size_t p = 0; p < np; p++) {
		poly = multi ? json_array_get(list, p) : polys;
		json_array_foreach(poly, i, ring) {
			json_array_foreach(ring, k, pt) {
				double lon = json_number_value(json_array_get(pt, 0));
				json_array_set_new(pt, 0, json_real(round((lon + dlon) * 1e6) / 1e6));
			}
		}
	}
	(void)m;
	char *out = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(12));
	json_decref(j);
	return out;
}

static double lx_unif(uint64_t *rng)
{
	return (double)(lx_demo_rand(rng) >> 11) / 9007199254740992.0;
}

static bool lx_chance(uint64_t *rng, double p)
{
	return lx_unif(rng) < p;
}

static int lx_demo_units_insert(struct lx_demo *d)
{
	size_t n = d->ndu * (size_t)d->copies;
	d->ids = lx_xcalloc(n, sizeof *d->ids);
	d->paths = lx_xcalloc(n, sizeof *d->paths);
	d->grids = lx_xcalloc(n, sizeof *d->grids);
	d->grid_slot = lx_xcalloc(d->ndu, sizeof *d->grid_slot);
	for (size_t i = 0; i < d->ndu; i++)
		if (strcmp(d->du[i].kind, "grid") == 0)
			d->grid_slot[i] = d->ngrid_t++;
	d->pts = lx_xcalloc(d->ngrid_t * (size_t)d->copies * LX_PTS * 2, sizeof *d->pts);
	for (size_t k = 0; k < n; k++) {
		size_t i = k % d->ndu, base = k - i;
		int copy = (int)(k / d->ndu);
		/* copies sit east of the template, one district width apart */
		double dlon = copy * 0.08;
		const lx_demo_unit *s = &d->du[i];
		lx_unit u = {0};
		u.parent_id = s->parent >= 0 ? d->ids[base + (size_t)s->parent] : 0;
		snprintf(u.kind, sizeof u.kind, "%s", s->kind);
		u.code = copy ? lx_xasprintf("C%03d%s", copy, s->code) : lx_xstrdup(s->code);
		u.name = copy && s->parent < 0 ? lx_xasprintf("%s%d", s->name, copy + 1) : lx_xstrdup(s->name);
		if (s->boundary) {
			u.boundary = copy ? lx_shift_boundary(s->boundary, dlon) : lx_xstrdup(s->boundary);
			json_t *j = json_loads(u.boundary, 0, NULL);
			lx_geom *g = NULL;
			if (!j || lx_geom_from_json(j, &g, NULL, 0) != LX_OK) {
				fprintf(stderr, "lianxin demo: bad boundary for %s\n", s->name);
				json_decref(j);
				lx_unit_clear(&u);
				return LX_ERR;
			}
			lx_geom_bbox(g, u.bbox);
			lx_geom_free(g);
			json_decref(j);
		}
		int rc = lx_unit_insert(d->db, &u);
		if (rc != LX_OK) {
			fprintf(stderr, "lianxin demo: unit %s: %s\n", s->name, lx_db_errmsg(d->db));
			lx_unit_clear(&u);
			return rc;
		}
		d->ids[k] = u.id;
		d->paths[k] = u.path;
		u.path = NULL;
		if (strcmp(s->kind, "grid") == 0) {
			d->grids[d->ngrids++] = k;
			double *pt = &d->pts[((size_t)copy * d->ngrid_t + d->grid_slot[i]) * LX_PTS * 2];
			for (int p = 0; p < LX_PTS; p++) {
				lx_demo_point_in(d->du, i, &d->rng, &pt[2 * p], &pt[2 * p + 1]);
				pt[2 * p + 1] = round((pt[2 * p + 1] + dlon) * 1e6) / 1e6;
			}
		}
		lx_unit_clear(&u);
	}
	return LX_OK;
}

static int lx_demo_user(struct lx_demo *d, const char *login, const char *name, unsigned roles,
			size_t unit_index, int64_t *id)
{
	lx_user u = {0};
	u.login = lx_xstrdup(login);
	u.name = lx_xstrdup(name);
	u.roles = roles;
	u.unit_id = d->ids[unit_index];
	u.active = true;
	u.phone = lx_demo_phone(&d->rng);
	int rc = lx_user_insert(d->db, &u, d->hash);
	if (rc == LX_OK && id)
		*id = u.id;
	if (rc != LX_OK)
		fprintf(stderr, "lianxin demo: user %s: %s\n", login, lx_db_errmsg(d->db));
	lx_user_clear(&u);
	return rc;
}

/* Users of every role: a district desk and leader, one dispatcher, leader,
 * handler and deputy per street, a handler per department, a grid worker
 * per community or village, and volunteers. */
static int lx_demo_users(struct lx_demo *d)
{
	int rc;
	int street = 0, dept = 0;
	char login[64], name[128];
	d->handler_of = lx_xcalloc(d->ndu * (size_t)d->copies, sizeof *d->handler_of);
	rc = lx_demo_user(d, "dispatcher", "区12345热线调度员", LX_ROLE_DISPATCHER, 0, &d->dispatcher_id);
	if (rc == LX_OK)
		rc = lx_demo_user(d, "leader", "区委领导", LX_ROLE_LEADER, 0, NULL);
	if (rc == LX_OK)
		rc = lx_demo_user(d, "deputy", "区人大代表", LX_ROLE_DEPUTY, 0, NULL);
	for (size_t i = 1; rc == LX_OK && i < d->ndu; i++) {
		const lx_demo_unit *u = &d->du[i];
		if (strcmp(u->kind, "street") == 0 && street < 6) {
			const char *s = lx_street_login[street++];
			snprintf(login, sizeof login, "dispatcher_%s", s);
			snprintf(name, sizeof name, "%s调度员", u->name);
			rc = lx_demo_user(d, login, name, LX_ROLE_DISPATCHER, i, NULL);
			snprintf(login, sizeof login, "handler_%s", s);
			snprintf(name, sizeof name, "%s承办人", u->name);
			if (rc == LX_OK)
				rc = lx_demo_user(d, login, name, LX_ROLE_HANDLER, i, &d->handler_of[i]);
			snprintf(login, sizeof login, "leader_%s", s);
			snprintf(name, sizeof name, "%s工委书记", u->name);
			if (rc == LX_OK)
				rc = lx_demo_user(d, login, name, LX_ROLE_LEADER, i, NULL);
		} else if (strcmp(u->kind, "department") == 0) {
			snprintf(login, sizeof login, "handler_d%02d", ++dept);
			snprintf(name, sizeof name, "%s承办人", u->name);
			rc = lx_demo_user(d, login, name, LX_ROLE_HANDLER, i, &d->handler_of[i]);
		} else if (strcmp(u->kind, "community") == 0 || strcmp(u->kind, "village") == 0) {
			snprintf(login, sizeof login, "gw_%s", u->code);
			char *person = lx_demo_person_name(&d->rng);
			snprintf(name, sizeof name, "%s（%s网格员）", person, u->name);
			free(person);
			rc = lx_demo_user(d, login, name, LX_ROLE_GRID_WORKER, i, &d->handler_of[i]);
		}
	}
	/* Handy short logins for the README's walk-through. */
	bool qiaotou_done = false;
	for (size_t i = 1; rc == LX_OK && i < d->ndu; i++) {
		if (strcmp(d->du[i].name, "供热公司") == 0)
			rc = lx_demo_user(d, "handler_heat", "供热公司客服", LX_ROLE_HANDLER, i, NULL);
		else if (strcmp(d->du[i].name, "城管局") == 0)
			rc = lx_demo_user(d, "handler_cg", "城管局承办人", LX_ROLE_HANDLER, i, NULL);
		else if (!qiaotou_done && strcmp(d->du[i].kind, "community") == 0 &&
			 strcmp(d->du[d->du[i].parent].name, "桥头街道") == 0) {
			rc = lx_demo_user(d, "gw_qiaotou", "桥头街道网格员", LX_ROLE_GRID_WORKER, i, NULL);
			if (rc == LX_OK)
				rc = lx_demo_user(d, "volunteer", "代理儿女志愿者", LX_ROLE_VOLUNTEER, i, NULL);
			qiaotou_done = true;
		}
	}
	return rc;
}

/* Category choice weighted by season: heating in winter, the rest spread. */
static const char *lx_demo_category(uint64_t *rng, int month)
{
	static const struct {
		const char *code;
		int w;
	} cats[] = {
		{"0101", 0}, {"0102", 6}, {"0103", 4}, {"0104", 2}, {"0201", 6}, {"0202", 2}, {"0203", 5},
		{"0204", 4}, {"0301", 6}, {"0302", 5}, {"0303", 5}, {"0304", 3}, {"0401", 8}, {"0402", 3},
		{"0403", 4}, {"0404", 3}, {"0501", 2}, {"0502", 3}, {"0503", 5}, {"0504", 1}, {"0601", 3},
		{"0602", 1}, {"0603", 3}, {"0604", 1}, {"0701", 3}, {"0702", 2}, {"0703", 3}, {"0704", 2},
		{"0705", 2}, {"0706", 3}, {"0801", 3}, {"0802", 2}, {"0803", 1}, {"0901", 2}, {"0902", 1},
		{"1001", 2}, {"1002", 1}, {"1003", 2},
	};
	bool winter = month >= 11 || month <= 3;
	int total = 0;
	for (size_t i = 0; i < sizeof cats / sizeof cats[0]; i++)
		total += i == 0 ? (winter ? 60 : 1) : cats[i].w;
	int pick = (int)(lx_unif(rng) * total);
	for (size_t i = 0; i < sizeof cats / sizeof cats[0]; i++) {
		pick -= i == 0 ? (winter ? 60 : 1) : cats[i].w;
		if (pick < 0)
			return cats[i].code;
	}
	return "0401";
}

static int lx_demo_month(lx_ms t)
{
	char buf[40];
	lx_time_format(t, 480, buf, sizeof buf);
	return atoi(buf + 5);
}

/* Finds the demo index of the handling unit for category c at grid g. */
static long lx_demo_duty(struct lx_demo *d, const lx_category *c, size_t g)
{
	if (!c->resp_kind)
		return -1;
	if (strcmp(c->resp_kind, "unit_kind") == 0) {
		for (long i = (long)g; i >= 0; i = d->du[i].parent)
			if (strcmp(d->du[i].kind, c->resp_value) == 0)
				return i;
		return -1;
	}
	if (strcmp(c->resp_kind, "unit_name") == 0)
		for (size_t i = 0; i < d->ndu; i++)
			if (strcmp(d->du[i].kind, "department") == 0 && strcmp(d->du[i].name, c->resp_value) == 0)
				return (long)i;
	return -1;
}

struct lx_tl {
	lx_ms at;
	int64_t actor;
	const char *action;
	const char *from, *to;
	int64_t unit;
	char *note;
};

struct lx_sim {
	struct lx_tl ev[24];
	int n;
};

static void lx_ev(struct lx_sim *s, lx_ms at, int64_t actor, const char *action, const char *from,
		  const char *to, int64_t unit, char *note)
{
	if (s->n == 24) {
		free(note);
		return;
	}
	s->ev[s->n++] = (struct lx_tl){at, actor, action, from, to, unit, note};
}

/* Simulates one case created at t and inserts it with its timeline. */
static int lx_demo_case(struct lx_demo *d, lx_ms t, lx_ms now)
{
	uint64_t *rng = &d->rng;
	lx_case c = {0};
	struct lx_sim sim = {0};
	char *title = NULL, *desc = NULL, *addr = NULL;
	int rc;
	/* gi: the grid's instance (which copy of the district); g: its
	 * index in the template district, used to walk the tree. */
	size_t gi = d->grids[lx_demo_rand(rng) % d->ngrids];
	size_t g = gi % d->ndu, base = gi - g;
	const char *code = lx_demo_category(rng, lx_demo_month(t));
	const lx_category *cat = lx_demo_cat(d, code);
	if (!cat)
		return LX_ERR;
	size_t community = (size_t)d->du[g].parent;
	lx_demo_case_text(code, d->du[community].name, rng, &title, &desc, &addr);

	double ch = lx_unif(rng);
	const char *channel = ch < 0.55 ? "hotline" : ch < 0.70 ? "web" : ch < 0.85 ? "grid_visit"
			      : ch < 0.90 ? "deputy_station" : ch < 0.95 ? "inspection" : "onekey";
	const char *type = cat->case_type;
	if (strcmp(channel, "onekey") == 0 && strcmp(type, "request") == 0)
		type = "onekey";
	if (strcmp(channel, "deputy_station") == 0 && strcmp(type, "request") == 0 && lx_chance(rng, 0.5))
		type = "suggestion";
	/* 帮代办: grid workers file errands for residents (pensions, insurance) */
	if (strcmp(channel, "grid_visit") == 0 && strncmp(code, "07", 2) == 0 && lx_chance(rng, 0.6))
		type = "proxy";
	snprintf(c.type, sizeof c.type, "%s", type);
	snprintf(c.channel, sizeof c.channel, "%s", channel);
	c.category_code = lx_xstrdup(code);
	c.title = title;
	c.description = desc;
	c.address = addr;
	c.has_point = true;
	const double *pt = &d->pts[((gi / d->ndu) * d->ngrid_t + d->grid_slot[g]) * LX_PTS * 2 +
				   (lx_demo_rand(rng) % LX_PTS) * 2];
	c.lat = pt[0];
	c.lon = pt[1];
	c.unit_id = d->ids[base + g];
	c.unit_path = lx_xstrdup(d->paths[base + g]);
	c.scope_path = lx_xstrdup(d->paths[base + g]);
	c.urgent = strcmp(code, "0104") == 0 || strcmp(code, "0202") == 0 ? lx_chance(rng, 0.5)
									    : lx_chance(rng, 0.02);
	c.reporter_name = lx_demo_person_name(rng);
	c.reporter_phone = lx_demo_phone(rng);
	c.reporter_anonymous = lx_chance(rng, 0.05);
	c.created_by = d->dispatcher_id;
	c.created_at = t;
	c.solved = -1;
	snprintf(c.status, sizeof c.status, "new");
	lx_ev(&sim, t, d->dispatcher_id, "create", NULL, "new", c.unit_id, NULL);

	long duty = lx_demo_duty(d, cat, g);
	lx_ms age = now - t;
	lx_ms cursor = t;
	/* A few cases wait at the desk (no rule, or the newest ones). */
	if (duty < 0 || (age < 6 * LX_HOUR_MS && lx_chance(rng, 0.3))) {
		if (duty >= 0 || age < 2 * LX_DAY_MS)
			goto insert;
		/* no rule: the desk dispatches to the street within the hour */
		for (long i = (long)g; i >= 0; i = d->du[i].parent)
			if (strcmp(d->du[i].kind, "street") == 0)
				duty = i;
		cursor += (lx_ms)(lx_unif(rng) * LX_HOUR_MS);
	}
	double acc_h = cat->accept_hours, res_h = cat->resolve_hours;
	int rounds = 0;
	long handler = duty;
	bool dispatched_once = false;
	for (;;) {
		/* dispatch (or re-dispatch after reopen) */
		int64_t hid = d->ids[base + handler];
		int64_t hactor = d->handler_of[base + handler] ? d->handler_of[base + handler] : d->dispatcher_id;
		const char *from = c.status;
		c.handler_unit_id = hid;
		free(c.scope_path);
		c.scope_path = lx_xstrdup(d->paths[base + handler]);
		c.dispatched_at = cursor;
		if (!c.first_dispatched_at)
			c.first_dispatched_at = cursor;
		lx_sla_deadlines(cursor, acc_h, res_h, c.urgent, &c.accept_due_at, &c.resolve_due_at);
		c.accepted_at = 0;
		if (rounds == 0) {
			snprintf(c.status, sizeof c.status, "dispatched");
			lx_ev(&sim, cursor, d->dispatcher_id, "dispatch", from, "dispatched", hid,
			      lx_xasprintf(dispatched_once ? "派发至%s" : "按履职事项清单派发至%s", d->du[handler].name));
		}
		dispatched_once = true;
		/* accept: on time mostly */
		lx_ms acc_window = c.accept_due_at - cursor;
		lx_ms acc_at = lx_chance(rng, 0.93) ? cursor + (lx_ms)(lx_unif(rng) * acc_window * 0.9)
						     : c.accept_due_at + (lx_ms)(lx_unif(rng) * 6 * LX_HOUR_MS);
		if (acc_at > now)
			goto insert;
		/* a few are returned to the desk first and re-dispatched to the street */
		if (rounds == 0 && lx_chance(rng, 0.03) && strcmp(d->du[handler].kind, "department") == 0) {
			lx_ev(&sim, acc_at, hactor, "return", "dispatched", "returned", hid,
			      lx_xstrdup("不属于本单位职责，退回重新派发"));
			long street = -1;
			for (long i = (long)g; i >= 0; i = d->du[i].parent)
				if (strcmp(d->du[i].kind, "street") == 0)
					street = i;
			cursor = acc_at + (lx_ms)(lx_unif(rng) * LX_HOUR_MS);
			if (cursor > now || street < 0) {
				snprintf(c.status, sizeof c.status, "returned");
				c.handler_unit_id = 0;
				free(c.scope_path);
				c.scope_path = lx_xstrdup(d->paths[base + g]);
				goto insert;
			}
			handler = street;
			snprintf(c.status, sizeof c.status, "returned");
			lx_ev(&sim, cursor, d->dispatcher_id, "dispatch", "returned", "dispatched", d->ids[base + handler],
			      lx_xasprintf("派发至%s", d->du[handler].name));
			snprintf(c.status, sizeof c.status, "dispatched");
			rounds = 0;
			continue;
		}
		c.accepted_at = acc_at;
		lx_ev(&sim, acc_at, hactor, "accept", c.status, "accepted", hid, NULL);
		snprintf(c.status, sizeof c.status, "accepted");
		/* resolve: within the deadline mostly */
		lx_ms res_window = c.resolve_due_at - acc_at;
		if (res_window < LX_HOUR_MS / 4)
			res_window = LX_HOUR_MS / 4;
		lx_ms res_at = lx_chance(rng, 0.9) ? acc_at + (lx_ms)(lx_unif(rng) * res_window * 0.95)
						    : c.resolve_due_at + (lx_ms)(lx_unif(rng) * 3 * LX_DAY_MS);
		if (res_at > c.resolve_due_at && res_at < now && lx_chance(rng, 0.4))
			lx_ev(&sim, c.resolve_due_at + LX_HOUR_MS, d->dispatcher_id, "supervise", "accepted", "accepted",
			      hid, lx_xstrdup("超期未办结，请加快办理并说明原因"));
		if (res_at > now)
			goto insert;
		free(c.reply);
		c.reply = lx_demo_reply_text(code, rng);
		c.resolved_at = res_at;
		lx_ev(&sim, res_at, hactor, "resolve", "accepted", "resolved", hid, lx_xstrdup(c.reply));
		snprintf(c.status, sizeof c.status, "resolved");
		/* the resident is called back within two days */
		lx_ms rate_at = res_at + (lx_ms)((0.1 + lx_unif(rng)) * LX_DAY_MS);
		if (rate_at > now)
			goto insert;
		bool rated_type = strcmp(type, "hazard") != 0 && strcmp(type, "opinion") != 0;
		if (!rated_type || lx_chance(rng, 0.15)) {
			c.closed_at = rate_at;
			lx_ev(&sim, rate_at, d->dispatcher_id, "close", "resolved", "closed", hid,
			      lx_xstrdup(rated_type ? "回访未接通，按规定办结" : "核查整改到位，办结"));
			snprintf(c.status, sizeof c.status, "closed");
			goto insert;
		}
		double q = lx_unif(rng);
		bool solved = rounds > 0 ? lx_chance(rng, 0.5) : lx_chance(rng, 0.77);
		const char *rating = !solved ? (lx_chance(rng, 0.7) ? "unsatisfied" : "basic")
				     : q < 0.78 ? "satisfied" : q < 0.96 ? "basic" : "unsatisfied";
		snprintf(c.rating, sizeof c.rating, "%s", rating);
		c.solved = solved;
		c.rated_at = rate_at;
		bool good = solved && strcmp(rating, "unsatisfied") != 0;
		lx_ev(&sim, rate_at, d->dispatcher_id, "rate", "resolved", good ? "closed" : "reopened", hid,
		      lx_xasprintf("%s，%s", strcmp(rating, "satisfied") == 0 ? "满意"
					     : strcmp(rating, "basic") == 0 ? "基本满意" : "不满意",
				   solved ? "已解决" : "未解决"));
		if (good || rounds >= 1) {
			if (good) {
				c.closed_at = rate_at;
				snprintf(c.status, sizeof c.status, "closed");
			} else {
				/* second time unsatisfied: explained and closed by the desk */
				c.closed_at = rate_at + LX_HOUR_MS;
				lx_ev(&sim, c.closed_at, d->dispatcher_id, "close", "reopened", "closed", hid,
				      lx_xstrdup("已向群众解释说明，按规定办结"));
				snprintf(c.status, sizeof c.status, "closed");
			}
			goto insert;
		}
		/* reopened: back to the same unit as a new dispatch */
		snprintf(c.status, sizeof c.status, "reopened");
		c.resolved_at = 0;
		cursor = rate_at;
		rounds++;
	}
insert:
	c.updated_at = sim.n ? sim.ev[sim.n - 1].at : t;
	c.accept_overdue = (strcmp(c.status, "dispatched") == 0 || strcmp(c.status, "reopened") == 0) &&
			   c.accept_due_at && c.accept_due_at < now;
	c.overdue = !lx_status_done((lx_status)lx_status_parse(c.status)) && c.resolve_due_at &&
		    c.resolve_due_at < now;
	/* A bulk load indexes the text on its second writer (d->side), or in
	 * one pass at the end (lx_case_fts_rebuild). */
	char *terms = d->bulk ? NULL : lx_case_terms(c.title, c.description);
	rc = lx_case_insert(d->db, &c, terms);
	if (rc == LX_OK && d->side)
		lx_bulk_side_case(d->side, &c);
	for (int i = 0; i < sim.n; i++) {
		if (rc == LX_OK)
			rc = lx_case_event(d->db, c.id, sim.ev[i].at, sim.ev[i].actor, sim.ev[i].action, sim.ev[i].from,
					   sim.ev[i].to, sim.ev[i].unit, sim.ev[i].note);
		free(sim.ev[i].note);
	}
	free(terms);
	lx_case_clear(&c);
	return rc;
}

static int lx_ms_cmp(const void *a, const void *b)
{
	lx_ms x = *(const lx_ms *)a, y = *(const lx_ms *)b;
	return x < y ? -1 : x > y;
}

/* An 18-digit resident ID number (GB 11643) born in year y, with its check digit. */
static void lx_demo_id_number(uint64_t *rng, int y, char out[19])
{
	static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	static const char check[] = "10X98765432";
	snprintf(out, 19, "140303%04d%02d%02d%03d", y, (int)(lx_demo_rand(rng) % 12) + 1,
		 (int)(lx_demo_rand(rng) % 28) + 1, (int)(lx_demo_rand(rng) % 1000));
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += (out[i] - '0') * w[i];
	out[17] = check[sum % 11];
	out[18] = '\0';
}

static int lx_demo_households(struct lx_demo *d, long n, lx_ms now)
{
	int rc = LX_OK;
	for (long h = 0; rc == LX_OK && h < n; h++) {
		size_t gi = d->grids[lx_demo_rand(&d->rng) % d->ngrids];
		size_t g = gi % d->ndu, base = gi - g;
		const char *community = d->du[d->du[g].parent].name;
		int members = 1 + (int)(lx_demo_rand(&d->rng) % 4);
		bool alone = members == 1 && lx_chance(&d->rng, 0.35);
		char *addr = lx_xasprintf("%s%d号楼%d单元%d%02d室", community, (int)(lx_demo_rand(&d->rng) % 30) + 1,
					  (int)(lx_demo_rand(&d->rng) % 4) + 1, (int)(lx_demo_rand(&d->rng) % 7) + 1,
					  (int)(lx_demo_rand(&d->rng) % 4) + 1);
		int64_t hid = 0;
		rc = lx_household_insert(d->db, d->ids[base + g], d->paths[base + g], addr, members, alone, now, &hid);
		free(addr);
		for (int m = 0; rc == LX_OK && m < members; m++) {
			char idn[19];
			int year = alone ? 1935 + (int)(lx_demo_rand(&d->rng) % 25) : 1940 + (int)(lx_demo_rand(&d->rng) % 80);
			lx_demo_id_number(&d->rng, year, idn);
			char *name = lx_demo_person_name(&d->rng), *phone = lx_demo_phone(&d->rng);
			rc = lx_resident_insert(d->db, hid, name, phone, idn, year, now);
			free(name);
			free(phone);
		}
	}
	return rc;
}

/* SQLite bulk load: drops the secondary indexes of cases and case_events,
 * returning their CREATE statements in *sql (malloc'd) to run at the end. */
static int lx_bulk_indexes(lx_db *db, char ***sql, size_t *n)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
					"AND tbl_name IN ('cases', 'case_events') AND sql IS NOT NULL");
	if (!st)
		return LX_ERR;
	char **names = NULL;
	int rc;
	while ((rc = lx_stmt_step(st)) == LX_ROW) {
		*sql = lx_xrealloc(*sql, (*n + 1) * sizeof **sql);
		names = lx_xrealloc(names, (*n + 1) * sizeof *names);
		names[*n] = lx_xasprintf("DROP INDEX %s", lx_stmt_text(st, 0));
		(*sql)[(*n)++] = lx_stmt_dup(st, 1);
	}
	lx_stmt_done(st);
	rc = rc == LX_DONE ? LX_OK : LX_ERR;
	for (size_t i = 0; i < *n; i++) {
		if (rc == LX_OK)
			rc = lx_db_exec(db, names[i]);
		free(names[i]);
	}
	free(names);
	return rc;
}

/* Builds a city of `copies` districts with ncases cases and nhouseholds
 * households into url (after init). with_users adds the demo users of
 * every role. Deterministic for a seed. Returns LX_OK, or LX_OK without
 * changes when the first district is already there. */
static int lx_city_build(const char *url, int copies, long ncases, long nhouseholds, uint64_t seed,
			 bool bulk)
{
	struct lx_demo d = {0};
	lx_unit probe = {0};
	lx_ms *times = NULL;
	char **indexes = NULL;
	size_t nindexes = 0;
	int rc;
	if (!getenv("LIANXIN_ADMIN_PASSWORD"))
		setenv("LIANXIN_ADMIN_PASSWORD", LX_DEMO_PASSWORD, 0);
	rc = lx_cli_init(url, false);
	if (rc != LX_OK)
		return rc;
	rc = lx_cli_open(url, &d.db);
	if (rc != LX_OK)
		return rc;
	d.rng = seed;
	d.copies = copies;
	d.bulk = bulk;
	rc = lx_demo_units(&d.du, &d.ndu);
	if (rc != LX_OK)
		goto cleanup;
	if (lx_unit_get_by_code(d.db, d.du[0].code, &probe) == LX_OK) {
		printf("lianxin: the demo district is already in %s\n", url);
		lx_unit_clear(&probe);
		rc = LX_OK;
		goto cleanup;
	}
	rc = lx_demo_load_categories(&d);
	if (rc != LX_OK)
		goto cleanup;
	d.hash = lx_password_hash(LX_DEMO_PASSWORD);
	if (!d.hash) {
		rc = LX_ERR;
		goto cleanup;
	}
	/* A generated city can be regenerated: trade durability for speed,
	 * and build the case indexes once at the end instead of row by row. */
	if (bulk && strcmp(lx_db_kind(d.db), "sqlite") == 0) {
		/* no journal while loading: pages are written once, not to the
		 * WAL and then again by the checkpoint */
		lx_db_exec(d.db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; "
				 "PRAGMA cache_size=-262144;");

		rc = lx_bulk_indexes(d.db, &indexes, &nindexes);
		if (rc == LX_OK)
			/* the second core writes search terms and visibility rows */
			rc = lx_bulk_side_start(d.db, &d.side);
		if (rc != LX_OK)
			goto cleanup;
		lx_store_bulk(d.db, true);
	}
	rc = lx_db_begin(d.db, true);
	if (rc != LX_OK)
		goto cleanup;
	rc = lx_demo_units_insert(&d);
	if (rc == LX_OK)
		rc = lx_demo_users(&d);
	lx_ms now = lx_now_ms();
	/* a bulk load says how long each phase took (docs/performance.md) */
	lx_ms t0 = now;
	if (rc == LX_OK)
		rc = lx_demo_households(&d, nhouseholds, now);
	/* Draw every intake time first and simulate in time order, so case ids
	 * grow with time as they do in a live system. */
	times = lx_xcalloc((size_t)ncases + 1, sizeof *times);
	for (long i = 0; i < ncases; i++) {
		/* spread over a year, a little busier lately */
		double u = lx_unif(&d.rng);
		lx_ms t = now - (lx_ms)(pow(u, 1.15) * 365.0 * LX_DAY_MS);
		/* day-time calls: shift night hours into 07:00-17:00 local time */
		lx_ms local = (t + 8 * LX_HOUR_MS) % LX_DAY_MS;
		if (local < 7 * LX_HOUR_MS)
			t += 7 * LX_HOUR_MS + (lx_ms)(lx_unif(&d.rng) * 10 * LX_HOUR_MS);
		if (t > now - 60000)
			t = now - 60000 - (lx_ms)(lx_unif(&d.rng) * LX_HOUR_MS);
		times[i] = t;
	}
	qsort(times, (size_t)ncases, sizeof *times, lx_ms_cmp);
	for (long i = 0; rc == LX_OK && i < ncases; i++) {
		rc = lx_demo_case(&d, times[i], now);
		/* big cities commit in batches */
		if (rc == LX_OK && bulk && i % 50000 == 49999) {
			rc = lx_db_commit(d.db);
			if (rc == LX_OK)
				rc = lx_db_begin(d.db, true);
			if (i % 1000000 == 999999)
				fprintf(stderr, "lianxin gen: %ld cases\n", i + 1);
		}
	}
	if (rc == LX_OK)
		rc = lx_db_commit(d.db);
	else
		lx_db_rollback(d.db);
	lx_ms t1;
#define LX_GEN_PHASE(name) \
	do { \
		t1 = lx_now_ms(); \
		if (bulk) \
			fprintf(stderr, "lianxin gen: %s %.1f s\n", name, (double)(t1 - t0) / 1000); \
		t0 = t1; \
	} while (0)
	LX_GEN_PHASE("cases and timelines");
	bool sided = d.side != NULL;
	if (sided) {
		/* the second writer's tables, copied in */
		lx_ms waited = 0;
		int src = lx_bulk_side_finish(d.side, d.db, &waited);
		d.side = NULL;
		if (rc == LX_OK)
			rc = src;
		fprintf(stderr, "lianxin gen: (the cases waited %.1f s for the second writer)\n",
			(double)waited / 1000);
		LX_GEN_PHASE("search and visibility index (second writer: the rest, and the copy)");
	} else if (rc == LX_OK && bulk) {
		/* FTS5 writes a segment at every commit and merges them as they
		 * pile up: 100,000 cases a transaction, not 2,000 (2M: 25 -> 22 s) */
		rc = lx_case_fts_rebuild(d.db, 100000, NULL);
		LX_GEN_PHASE("search index");
	}
	if (rc == LX_OK && bulk) {
		lx_store_bulk(d.db, false);
		rc = lx_db_begin(d.db, true);
		if (rc == LX_OK)
			rc = lx_rollup_rebuild(d.db);
		LX_GEN_PHASE("roll-ups");
		if (rc == LX_OK && !sided) {
			rc = lx_scope_rebuild(d.db);
			LX_GEN_PHASE("visibility index");
		}
		if (rc == LX_OK)
			rc = lx_db_commit(d.db);
		else
			lx_db_rollback(d.db);
	}
	for (size_t i = 0; rc == LX_OK && i < nindexes; i++)
		rc = lx_db_exec(d.db, indexes[i]);
	LX_GEN_PHASE("indexes");
	if (rc == LX_OK && nindexes)
		/* statistics from a sample of each index: a full ANALYZE read
		 * every index of 10M cases once more */
		rc = lx_db_exec(d.db, "PRAGMA analysis_limit=2000; ANALYZE; PRAGMA journal_mode=WAL;");
	LX_GEN_PHASE("analyze");
#undef LX_GEN_PHASE
	if (rc == LX_OK)
		printf("lianxin: built %s: %d district(s), %zu units, %ld households, %ld cases; every "
		       "demo user's password is %s (admin too, unless LIANXIN_ADMIN_PASSWORD says otherwise)\n",
		       url, copies, d.ndu * (size_t)copies, nhouseholds, ncases, LX_DEMO_PASSWORD);
	else
		fprintf(stderr, "lianxin: building the city failed: %s\n", lx_db_errmsg(d.db));
cleanup:
	lx_bulk_side_finish(d.side, NULL, NULL);
	for (size_t i = 0; i < nindexes; i++)
		free(indexes[i]);
	free(indexes);
	free(times);
	for (size_t i = 0; d.paths && i < d.ndu * (size_t)copies; i++)
		free(d.paths[i]);
	free(d.paths);
	free(d.ids);
	free(d.grids);
	free(d.grid_slot);
	free(d.pts);
	free(d.handler_of);
	for (size_t i = 0; i < d.ncats; i++)
		lx_category_clear(&d.cats[i]);
	free(d.cats);
	free(d.hash);
	if (d.du)
		lx_demo_units_free(d.du, d.ndu);
	lx_db_close(d.db);
	return rc;
}

int lx_cli_demo(const char *url)
{
	return lx_city_build(url, 1, LX_DEMO_CASES, 2000, 0x6c69616e78696eULL /* "lianxin" */, false);
}

int lx_cli_gen(const char *url, long ncases, long nhouseholds, uint64_t seed)
{
	/* About 700,000 cases a year per district of the 矿区's size. */
	long copies = ncases / 700000 + 1;
	if (copies > 999)
		copies = 999;
	return lx_city_build(url, (int)copies, ncases, nhouseholds, seed, true);
}

/*
 * demo.c - `lianxin demo`: the 矿区 demo district with its grid,
 * departments, users of every role and a year of cases.
 *
 * The cases are simulated, not copied: each one is located in a random
 * grid and lives a plausible life through the workflow engine (demo_life.c:
 * dispatched by the duty list, accepted on time or late, suspended,
 * extended, resolved, verified, rated, sometimes returned, reopened,
 * appealed, merged as a repeat call) with every step on its timeline, so
 * the dashboard's rates come out of the same data the API reads.
 * Deterministic: the same build gives the same district.
 */
#include "cli.h"
#include "demo.h"
#include "geo.h"
#include "secret.h"
#include "repo_notify.h"
#include "repo_registry.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LX_DEMO_PASSWORD "lianxin2026"
#define LX_DEMO_CASES 6000

/* ASCII login stems for the six streets, in the order lx_demo_units emits them. */
static const char *const lx_street_login[] = {"shaping", "saiyu", "qiaotou", "caiwa", "pingtanjie",
					      "guishigou"};

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

/* The 矿区's own settings of the category list (data, as an admin would set
 * them): matters counted in working days (Shandong's rule: settle within 5
 * working days; fire hazards 3; complex ones 10; deputies' suggestions in
 * three months), city-management cases verified by an inspector before they
 * count (数字城管 核查), and suspensions of building matters approved by the
 * desk. */
static int lx_demo_configure_categories(struct lx_demo *d)
{
	static const struct {
		const char *code;
		int resolve_workdays;
		bool verify, suspend_approval;
	} cfg[] = {
		{"0201", 0, true, false}, {"0202", 0, true, false}, {"0401", 5, false, false},
		{"0402", 10, false, true}, {"0403", 5, false, false}, {"0501", 10, true, true},
		{"0502", 0, true, false}, {"0602", 3, true, false}, {"0702", 10, false, false},
		{"0704", 10, false, false}, {"1001", 20, false, false}, {"1002", 60, false, false},
	};
	int rc = LX_OK;
	for (size_t i = 0; rc == LX_OK && i < sizeof cfg / sizeof cfg[0]; i++) {
		lx_category c;
		rc = lx_category_get(d->db, cfg[i].code, &c);
		if (rc != LX_OK)
			break;
		c.resolve_workdays = cfg[i].resolve_workdays;
		c.verify = cfg[i].verify;
		c.suspend_approval = cfg[i].suspend_approval;
		rc = lx_category_put(d->db, &c, true);
		lx_category_clear(&c);
	}
	if (rc != LX_OK)
		fprintf(stderr, "lianxin demo: configuring categories: %s\n", lx_db_errmsg(d->db));
	return rc;
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

int lx_demo_user(struct lx_demo *d, const char *login, const char *name, unsigned roles, size_t unit_index,
		 int64_t *id)
{
	if (id == &d->handler_of[unit_index])
		d->roles_of[unit_index] = roles;
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
	d->roles_of = lx_xcalloc(d->ndu * (size_t)d->copies, sizeof *d->roles_of);
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
				rc = lx_demo_user(d, "volunteer", "代理儿女志愿者", LX_ROLE_VOLUNTEER, i, &d->volunteer_id);
			qiaotou_done = true;
		}
	}
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

/* A resident's tags, as a street office would have them: 独居老人 for
 * someone old living alone, 高龄 from eighty, and a few of the others. */
static json_t *lx_demo_tags(struct lx_demo *d, int age, bool alone)
{
	json_t *tags = json_array();
	if (alone && age >= 60)
		json_array_append_new(tags, json_string("独居老人"));
	if (age >= 80)
		json_array_append_new(tags, json_string("高龄"));
	static const struct {
		const char *name;
		double p;
		int min_age, max_age;
	} more[] = {
		{"低保", 0.03, 0, 120}, {"残疾", 0.02, 0, 120}, {"重病慢病", 0.04, 40, 120},
		{"留守儿童", 0.05, 0, 15}, {"退休党员", 0.08, 60, 120}, {"退役军人", 0.03, 25, 120},
		{"志愿者", 0.04, 18, 75},
	};
	for (size_t i = 0; i < sizeof more / sizeof more[0]; i++)
		if (age >= more[i].min_age && age <= more[i].max_age && lx_demo_chance(&d->rng, more[i].p))
			json_array_append_new(tags, json_string(more[i].name));
	return tags;
}

/* Whether the ID number (its 17 digits as a number) was issued before in
 * this build; records it. An open-addressing set, grown at half full: a
 * generated city of a million residents must not draw one number twice
 * (the registry refuses a second resident with it). */
static bool lx_demo_id_seen(struct lx_demo *d, const char *idn)
{
	uint64_t key = strtoull(idn, NULL, 10) / 10 + 1; /* without the check digit; never 0 */
	if (d->id_n * 2 >= d->id_cap) {
		size_t cap = d->id_cap ? d->id_cap * 2 : 1 << 14;
		uint64_t *t = lx_xcalloc(cap, sizeof *t);
		for (size_t i = 0; i < d->id_cap; i++) {
			if (!d->id_set[i])
				continue;
			size_t j = (size_t)(d->id_set[i] * 11400714819323198485ull) & (cap - 1);
			while (t[j])
				j = (j + 1) & (cap - 1);
			t[j] = d->id_set[i];
		}
		free(d->id_set);
		d->id_set = t;
		d->id_cap = cap;
	}
	size_t j = (size_t)(key * 11400714819323198485ull) & (d->id_cap - 1);
	while (d->id_set[j]) {
		if (d->id_set[j] == key)
			return true;
		j = (j + 1) & (d->id_cap - 1);
	}
	d->id_set[j] = key;
	d->id_n++;
	return false;
}

static int lx_demo_households(struct lx_demo *d, long n, lx_ms now)
{
	int rc = LX_OK;
	int year_now = 1970 + (int)(now / (365.2425 * LX_DAY_MS));
	for (long h = 0; rc == LX_OK && h < n; h++) {
		size_t gi = d->grids[lx_demo_rand(&d->rng) % d->ngrids];
		size_t g = gi % d->ndu, base = gi - g;
		const char *community = d->du[d->du[g].parent].name;
		int members = 1 + (int)(lx_demo_rand(&d->rng) % 4);
		bool alone = members == 1 && lx_demo_chance(&d->rng, 0.35);
		char *addr = lx_xasprintf("%s%d号楼%d单元%d%02d室", community, (int)(lx_demo_rand(&d->rng) % 30) + 1,
					  (int)(lx_demo_rand(&d->rng) % 4) + 1, (int)(lx_demo_rand(&d->rng) % 7) + 1,
					  (int)(lx_demo_rand(&d->rng) % 4) + 1);
		const double *pt = &d->pts[((gi / d->ndu) * d->ngrid_t + d->grid_slot[g]) * LX_PTS * 2 +
					   (lx_demo_rand(&d->rng) % LX_PTS) * 2];
		lx_household hh = {.unit_id = d->ids[base + g], .unit_path = d->paths[base + g], .address = addr,
				   .members = members, .has_point = !d->bulk, .lat = pt[0], .lon = pt[1]};
		rc = lx_household_add(d->db, &hh, now);
		for (int m = 0; rc == LX_OK && m < members; m++) {
			char idn[19];
			int year = alone ? 1935 + (int)(lx_demo_rand(&d->rng) % 25) : 1940 + (int)(lx_demo_rand(&d->rng) % 80);
			do
				lx_demo_id_number(&d->rng, year, idn);
			while (lx_demo_id_seen(d, idn));
			char *name = lx_demo_person_name(&d->rng), *phone = lx_demo_phone(&d->rng);
			lx_resident p = {.household_id = hh.id, .unit_id = hh.unit_id, .unit_path = hh.unit_path,
					 .name = name, .phone = phone, .id_number = idn};
			snprintf(p.gender, sizeof p.gender, "%s", (idn[16] - '0') % 2 ? "male" : "female");
			snprintf(p.birth_date, sizeof p.birth_date, "%.4s-%.2s-%.2s", idn + 6, idn + 10, idn + 12);
			p.tags = lx_demo_tags(d, year_now - year, alone);
			rc = lx_resident_add(d->db, &p, now);
			json_decref(p.tags);
			free(name);
			free(phone);
		}
		free(addr);
	}
	return rc;
}

/* Says how long a phase of a bulk load took (docs/performance.md). */
static void lx_phase(struct lx_demo *d, const char *name)
{
	lx_ms t1 = lx_now_ms();
	if (d->bulk)
		fprintf(stderr, "lianxin gen: %s %.1f s\n", name, (double)(t1 - d->t0) / 1000);
	d->t0 = t1;
}

/* A generated city can be regenerated: on SQLite it trades durability for
 * speed, builds the case indexes once at the end instead of row by row,
 * and hands search terms and visibility rows to a second writer. */
static int lx_city_bulk_mode(struct lx_demo *d)
{
	if (!d->bulk || strcmp(lx_db_kind(d->db), "sqlite") != 0)
		return LX_OK;
	int rc = lx_bulk_load_begin(d->db, &d->indexes, &d->nindexes);
	if (rc == LX_OK)
		/* the second core writes search terms and visibility rows */
		rc = lx_bulk_side_start(d->db, &d->side);
	if (rc == LX_OK)
		lx_store_bulk(d->db, true);
	return rc;
}

/* Draws every intake time first and simulates in time order, so case ids
 * grow with time as they do in a live system; big cities commit in
 * batches. Runs inside the caller's transaction. */
static int lx_city_cases(struct lx_demo *d, long ncases, lx_ms now)
{
	lx_ms *times = lx_xcalloc((size_t)ncases + 1, sizeof *times);
	int rc = LX_OK;
	for (long i = 0; i < ncases; i++) {
		/* spread over a year, a little busier lately */
		double u = lx_demo_unif(&d->rng);
		lx_ms t = now - (lx_ms)(pow(u, 1.15) * 365.0 * LX_DAY_MS);
		/* day-time calls: shift night hours into 07:00-17:00 local time */
		lx_ms local = (t + 8 * LX_HOUR_MS) % LX_DAY_MS;
		if (local < 7 * LX_HOUR_MS)
			t += 7 * LX_HOUR_MS + (lx_ms)(lx_demo_unif(&d->rng) * 10 * LX_HOUR_MS);
		if (t > now - 60000)
			t = now - 60000 - (lx_ms)(lx_demo_unif(&d->rng) * LX_HOUR_MS);
		times[i] = t;
	}
	qsort(times, (size_t)ncases, sizeof *times, lx_ms_cmp);
	for (long i = 0; rc == LX_OK && i < ncases; i++) {
		rc = lx_demo_case(d, times[i], now);
		if (rc == LX_OK && d->bulk && i % 50000 == 49999) {
			rc = lx_db_commit(d->db);
			if (rc == LX_OK)
				rc = lx_db_begin(d->db, true);
			if (i % 1000000 == 999999)
				fprintf(stderr, "lianxin gen: %ld cases\n", i + 1);
		}
	}
	free(times);
	return rc;
}

/* After a bulk load: the second writer's tables copied in (or the search
 * index built in one pass), the roll-ups (and visibility index) rebuilt,
 * the indexes created, the statistics sampled. */
static int lx_city_finish(struct lx_demo *d, int rc)
{
	bool sided = d->side != NULL;
	if (sided) {
		lx_ms waited = 0;
		int src = lx_bulk_side_finish(d->side, d->db, &waited);
		d->side = NULL;
		if (rc == LX_OK)
			rc = src;
		fprintf(stderr, "lianxin gen: (the cases waited %.1f s for the second writer)\n", (double)waited / 1000);
		lx_phase(d, "search and visibility index (second writer: the rest, and the copy)");
	} else if (rc == LX_OK && d->bulk) {
		/* FTS5 writes a segment at every commit and merges them as they
		 * pile up: 100,000 cases a transaction, not 2,000 (2M: 25 -> 22 s) */
		rc = lx_case_fts_rebuild(d->db, 100000, NULL);
		lx_phase(d, "search index");
	}
	if (rc == LX_OK && d->bulk) {
		lx_store_bulk(d->db, false);
		rc = lx_db_begin(d->db, true);
		if (rc == LX_OK)
			rc = lx_rollup_rebuild(d->db);
		lx_phase(d, "roll-ups");
		if (rc == LX_OK && !sided) {
			rc = lx_scope_rebuild(d->db);
			lx_phase(d, "visibility index");
		}
		if (rc == LX_OK)
			rc = lx_db_commit(d->db);
		else
			lx_db_rollback(d->db);
	}
	for (size_t i = 0; rc == LX_OK && i < d->nindexes; i++)
		rc = lx_db_exec(d->db, d->indexes[i]);
	lx_phase(d, "indexes");
	if (rc == LX_OK && d->nindexes)
		rc = lx_bulk_load_end(d->db);
	lx_phase(d, "analyze");
	return rc;
}

static void lx_demo_free(struct lx_demo *d)
{
	lx_bulk_side_finish(d->side, NULL, NULL);
	for (size_t i = 0; i < d->nindexes; i++)
		free(d->indexes[i]);
	free(d->indexes);
	for (size_t i = 0; d->paths && i < d->ndu * (size_t)d->copies; i++)
		free(d->paths[i]);
	free(d->paths);
	free(d->ids);
	free(d->grids);
	free(d->grid_slot);
	free(d->pts);
	free(d->handler_of);
	free(d->roles_of);
	free(d->recent);
	free(d->id_set);
	lx_flow_ctx_free(d->x);
	for (size_t i = 0; i < d->ncats; i++)
		lx_category_clear(&d->cats[i]);
	free(d->cats);
	free(d->hash);
	if (d->du)
		lx_demo_units_free(d->du, d->ndu);
	lx_db_close(d->db);
}

/* Opens url (after init) and checks that it holds no district yet;
 * *done when it does (nothing more to do). */
static int lx_city_open(struct lx_demo *d, const char *url, bool *done)
{
	lx_unit probe = {0};
	if (!getenv("LIANXIN_ADMIN_PASSWORD"))
		setenv("LIANXIN_ADMIN_PASSWORD", LX_DEMO_PASSWORD, 0);
	int rc = lx_cli_init(url, false);
	if (rc == LX_OK)
		rc = lx_cli_open(url, &d->db);
	if (rc == LX_OK)
		rc = lx_demo_units(&d->du, &d->ndu);
	if (rc == LX_OK && lx_unit_get_by_code(d->db, d->du[0].code, &probe) == LX_OK) {
		printf("lianxin: the demo district is already in %s\n", url);
		lx_unit_clear(&probe);
		*done = true;
		return LX_OK;
	}
	if (rc == LX_OK)
		rc = lx_demo_configure_categories(d);
	if (rc == LX_OK)
		rc = lx_demo_load_categories(d);
	if (rc == LX_OK && !(d->hash = lx_password_hash(LX_DEMO_PASSWORD)))
		rc = LX_ERR;
	return rc;
}

/* Builds a city of `copies` districts with ncases cases and nhouseholds
 * households into url (after init), with the demo users of every role.
 * Deterministic for a seed and a day. Returns LX_OK, or LX_OK without
 * changes when the first district is already there. */
static int lx_city_build(const char *url, int copies, long ncases, long nhouseholds, uint64_t seed,
			 bool bulk)
{
	struct lx_demo d = {.rng = seed, .copies = copies, .bulk = bulk};
	bool done = false;
	int rc = lx_city_open(&d, url, &done);
	if (rc == LX_OK && !done)
		rc = lx_city_bulk_mode(&d);
	if (rc != LX_OK || done)
		goto cleanup;
	rc = lx_db_begin(d.db, true);
	if (rc != LX_OK)
		goto cleanup;
	rc = lx_demo_units_insert(&d);
	if (rc == LX_OK)
		rc = lx_demo_users(&d);
	lx_ms now = lx_now_ms();
	/* every simulated step goes through the engine, as the desk to begin with */
	lx_flow_actor desk = {d.dispatcher_id, LX_ROLE_DISPATCHER, "/", false};
	d.x = lx_flow_ctx_new(d.db, &desk, now, 480);
	d.recent = lx_xcalloc(d.ndu * (size_t)copies, sizeof *d.recent);
	d.t0 = now;
	if (rc == LX_OK)
		rc = lx_demo_households(&d, nhouseholds, now);
	if (rc == LX_OK)
		rc = lx_city_cases(&d, ncases, now);
	if (rc == LX_OK && !bulk)
		rc = lx_demo_audit(&d, now, ncases);
	if (rc == LX_OK && !bulk)
		rc = lx_demo_photos(&d);
	if (rc == LX_OK && !bulk)
		rc = lx_demo_field(&d, now);
	if (rc == LX_OK && !bulk)
		rc = lx_demo_onekey(&d, now);
	/* the simulated notices: every text delivered (none may reach a real
	 * gateway when the demo is served), inboxes read but for the last two
	 * days' */
	if (rc == LX_OK && !bulk)
		rc = lx_notify_settle_simulated(d.db, now + 1, now - 2 * LX_DAY_MS);
	if (rc == LX_OK && !bulk)
		rc = lx_case_warnings_settle(d.db, now);
	if (rc == LX_OK)
		rc = lx_db_commit(d.db);
	else
		lx_db_rollback(d.db);
	lx_phase(&d, "cases and timelines");
	rc = lx_city_finish(&d, rc);
	if (rc == LX_OK)
		printf("lianxin: built %s: %d district(s), %zu units, %ld households, %ld cases; every "
		       "demo user's password is %s (admin too, unless LIANXIN_ADMIN_PASSWORD says otherwise)\n",
		       url, copies, d.ndu * (size_t)copies, nhouseholds, ncases, LX_DEMO_PASSWORD);
	else
		fprintf(stderr, "lianxin: building the city failed: %s\n", lx_db_errmsg(d.db));
cleanup:
	lx_demo_free(&d);
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

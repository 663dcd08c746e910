/*
 * demo_field.c - the demo district's field work (demo.h: lx_demo_field):
 * shops, 九小场所 and gas regulators in every grid, the organisations of each
 * community, and three visit plans with their visits through the same code
 * the API uses (field/visits.c): 天天敲门 for the elderly living alone over
 * the last sixty days, the winter gas check of every household since 15
 * November, and the monthly fire check of the 九小场所 over the year. What
 * the answers found is on the engine as hazard cases, most of them put
 * right and re-inspected; the elderly nobody saw in the last days raise
 * their alerts. Deterministic, like the rest of the demo.
 */
#include "demo.h"
#include "field.h"
#include "form.h"
#include "repo_field.h"
#include "repo_registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LX_KNOCK_DAYS 60

/* The 九小场所 fire check: a form an admin of the 矿区 wrote. */
static const char lx_fire_form[] =
	"[{\"name\":\"extinguisher_ok\",\"type\":\"yes_no\",\"label\":\"灭火器在有效期内、压力正常\",\"required\":true,"
	"\"hazard_if\":{\"equals\":false,\"category\":\"0606\",\"days\":3,\"label\":\"灭火器失效\"}},"
	"{\"name\":\"exit_clear\",\"type\":\"yes_no\",\"label\":\"安全出口、疏散通道畅通\",\"required\":true,"
	"\"hazard_if\":{\"equals\":false,\"category\":\"0606\",\"days\":1,\"label\":\"疏散通道堵塞\"}},"
	"{\"name\":\"wiring_ok\",\"type\":\"yes_no\",\"label\":\"电气线路无私拉乱接\",\"required\":true,"
	"\"hazard_if\":{\"equals\":false,\"category\":\"0606\",\"days\":5,\"label\":\"电气线路私拉乱接\"}},"
	"{\"name\":\"lives_inside\",\"type\":\"yes_no\",\"label\":\"经营场所内住人\",\"required\":true,"
	"\"hazard_if\":{\"equals\":true,\"category\":\"0606\",\"days\":3,\"label\":\"三合一场所住人\"}},"
	"{\"name\":\"staff\",\"type\":\"number\",\"label\":\"从业人员\",\"min\":0,\"max\":500,\"unit\":\"人\"},"
	"{\"name\":\"notes\",\"type\":\"text\",\"label\":\"备注\"}]";

static const char *const lx_shop_kinds[] = {"小吃店", "理发店", "便利店", "五金店", "棋牌室", "药店", "网吧", "小旅馆"};

/* The grid worker of grid instance gi: its community's. */
static int64_t lx_worker_of(struct lx_demo *d, size_t gi)
{
	size_t g = gi % d->ndu, base = gi - g;
	return d->handler_of[base + (size_t)d->du[g].parent];
}

static const double *lx_point_of(struct lx_demo *d, size_t gi)
{
	size_t g = gi % d->ndu;
	return &d->pts[((gi / d->ndu) * d->ngrid_t + d->grid_slot[g]) * LX_PTS * 2 + (lx_demo_rand(&d->rng) % LX_PTS) * 2];
}

/* Places in every grid (a shop or two, a 九小场所, a gas regulator), and a
 * property company, a kindergarten and a clinic in every community. */
static int lx_demo_places(struct lx_demo *d, lx_ms now)
{
	int rc = LX_OK;
	for (size_t k = 0; rc == LX_OK && k < d->ngrids; k++) {
		size_t gi = d->grids[k], g = gi % d->ndu;
		const char *comm = d->du[d->du[g].parent].name;
		int n = 1 + (int)(lx_demo_rand(&d->rng) % 3);
		for (int i = 0; rc == LX_OK && i <= n; i++) {
			const double *pt = lx_point_of(d, gi);
			const char *kind = lx_shop_kinds[lx_demo_rand(&d->rng) % (sizeof lx_shop_kinds / sizeof *lx_shop_kinds)];
			char *surname = lx_demo_person_name(&d->rng);
			char *name = i == n ? lx_xasprintf("%s%s燃气调压箱", comm, d->du[g].name)
					    : lx_xasprintf("%.3s记%s", surname, kind);
			char *addr = lx_xasprintf("%s%s街%d号", comm, d->du[g].name, (int)(lx_demo_rand(&d->rng) % 90) + 1);
			char *phone = lx_demo_phone(&d->rng);
			lx_place p = {.unit_id = d->ids[gi], .unit_path = d->paths[gi],
				      .type = (char *)(i == n ? "facility" : i == 0 ? "small_venue" : "shop"), .name = name,
				      .address = addr, .has_point = true, .lat = pt[0], .lon = pt[1],
				      .contact = i == n ? NULL : surname, .phone = i == n ? NULL : phone};
			rc = lx_place_add(d->db, &p, now);
			free(surname);
			free(name);
			free(addr);
			free(phone);
		}
	}
	static const char *const orgs[][2] = {{"物业服务中心", "enterprise"}, {"幼儿园", "school"}, {"卫生服务站", "hospital"}};
	for (size_t i = 1; rc == LX_OK && i < d->ndu * (size_t)d->copies; i++) {
		const lx_demo_unit *u = &d->du[i % d->ndu];
		if (strcmp(u->kind, "community") != 0 && strcmp(u->kind, "village") != 0)
			continue;
		for (size_t k = 0; rc == LX_OK && k < 3; k++) {
			char *name = lx_xasprintf("%s%s", u->name, orgs[k][0]), *contact = lx_demo_person_name(&d->rng);
			char *phone = lx_demo_phone(&d->rng);
			lx_org o = {.unit_id = d->ids[i], .unit_path = d->paths[i], .type = (char *)orgs[k][1], .name = name,
				    .contact = contact, .phone = phone};
			rc = lx_org_add(d->db, &o, now);
			free(name);
			free(contact);
			free(phone);
		}
	}
	return rc;
}

/* A plan of the district (no named workers: each grid's own). */
static int lx_demo_plan(struct lx_demo *d, const char *name, int64_t form_id, const char *kind, const char *tag,
			const char *type, const char *freq, lx_ms starts, lx_ms ends, lx_ms now, lx_plan *out)
{
	memset(out, 0, sizeof *out);
	out->name = lx_xstrdup(name);
	out->form_id = form_id;
	out->unit_id = d->ids[0];
	out->unit_path = lx_xstrdup(d->paths[0]);
	snprintf(out->target_kind, sizeof out->target_kind, "%s", kind);
	out->target_tag = tag ? lx_xstrdup(tag) : NULL;
	out->target_type = type ? lx_xstrdup(type) : NULL;
	snprintf(out->frequency, sizeof out->frequency, "%s", freq);
	out->every_n = 1;
	out->starts_at = starts;
	out->ends_at = ends;
	out->workers = json_array();
	out->created_by = d->dispatcher_id;
	int64_t n = 0;
	return lx_plan_insert(d->db, out, now, &n);
}

/* The targets of plan p, to walk through in the caller's order. */
struct lx_targets {
	lx_target *t;
	size_t n, cap;
};

static int lx_collect(void *arg, lx_target *t)
{
	struct lx_targets *a = arg;
	if (a->n == a->cap)
		a->t = lx_xrealloc(a->t, (a->cap = a->cap ? a->cap * 2 : 256) * sizeof *a->t);
	a->t[a->n++] = *t; /* its strings are the list's now */
	memset(t, 0, sizeof *t);
	return 0;
}

static void lx_targets_free(struct lx_targets *a)
{
	for (size_t i = 0; i < a->n; i++)
		lx_target_clear(&a->t[i]);
	free(a->t);
}

/* The grid instance holding unit id (the targets' units are grids). */
static size_t lx_grid_of(struct lx_demo *d, int64_t unit_id)
{
	for (size_t k = 0; k < d->ngrids; k++)
		if (d->ids[d->grids[k]] == unit_id)
			return d->grids[k];
	return d->grids[0];
}

/* A hazard lives on: accepted within its hours, put right within its days
 * (mostly), re-inspected on site; a failed re-inspection is put right
 * again. Each step happens only once its time has come (a hazard found
 * this morning is accepted, not yet put right). */
static int lx_demo_hazard_life(struct lx_demo *d, int64_t case_id, lx_ms found, int days, lx_ms now)
{
	lx_flow_actor adm = {d->dispatcher_id, LX_ROLE_ADMIN, "/", false};
	lx_flow_ctx_set_actor(d->x, &adm);
	lx_flow_error err = {0};
	lx_ms t = found + (lx_ms)((0.1 + lx_demo_unif(&d->rng) * 1.5) * LX_HOUR_MS);
	static const char *const fixes[] = {"已督促住户更换燃气软管并加装卡箍", "已整改到位，现场拍照留存",
					     "已清理疏散通道杂物", "已联系电工重新规范布线", "已更换灭火器"};
	for (int round = 0; round < 3; round++) {
		lx_ms res = t + (lx_ms)((0.3 + lx_demo_unif(&d->rng) * days * 1.3) * LX_DAY_MS);
		lx_ms check = res + (lx_ms)((0.2 + lx_demo_unif(&d->rng)) * LX_DAY_MS);
		/* a failed re-inspection sent it back accepted: it is worked on again */
		if (round == 0) {
			if (t > now)
				return LX_OK; /* not yet seen by the grid */
			lx_flow_ctx_set_now(d->x, t);
			int rc = lx_flow_fire(d->x, case_id, "accept", &(lx_flow_input){.note = NULL}, NULL, NULL, &err);
			if (rc != LX_OK)
				return rc;
		}
		if (res > now)
			return LX_OK; /* still being put right */
		lx_flow_ctx_set_now(d->x, res);
		lx_flow_input in = {.reply = (char *)fixes[lx_demo_rand(&d->rng) % 5]};
		int rc = lx_flow_fire(d->x, case_id, "resolve", &in, NULL, NULL, &err);
		if (rc != LX_OK || check > now)
			return rc; /* resolved, the re-inspection still to come */
		bool passed = round > 0 || lx_demo_chance(&d->rng, 0.82);
		lx_flow_ctx_set_now(d->x, check);
		lx_flow_input vin = {.passed = passed, .has_passed = true,
				     .note = passed ? "网格员现场复查，已整改到位" : "网格员现场复查，仍未整改到位"};
		rc = lx_flow_fire(d->x, case_id, "verify", &vin, NULL, NULL, &err);
		if (rc != LX_OK || passed)
			return rc;
		t = check + LX_HOUR_MS;
	}
	return LX_OK;
}

/* One visit through field/visits.c at time t by the grid's worker. */
static int lx_demo_visit(struct lx_demo *d, const lx_plan *p, const lx_target *t, lx_ms at, const char *outcome,
			 json_t *answers, lx_ms now)
{
	size_t gi = lx_grid_of(d, t->unit_id);
	lx_flow_actor who = {lx_worker_of(d, gi), LX_ROLE_GRID_WORKER, "/", false};
	char uuid[40];
	snprintf(uuid, sizeof uuid, "demo-%016llx", (unsigned long long)lx_demo_rand(&d->rng));
	const double *pt = lx_point_of(d, gi);
	lx_visit_in in = {.plan_id = p->id, .target_kind = t->kind, .target_id = t->id, .outcome = outcome,
			  .answers = answers, .client_uuid = uuid, .has_point = true, .lat = pt[0], .lon = pt[1],
			  .visited_at = at};
	lx_visit v;
	lx_flow_error err = {0};
	bool replayed = false;
	lx_flow_ctx_set_actor(d->x, &who);
	lx_flow_ctx_set_now(d->x, at);
	int rc = lx_visit_record(d->x, d->db, &who, at, 480, &in, &v, &replayed, &err);
	if (rc != LX_OK) {
		fprintf(stderr, "lianxin demo: a visit failed: %s %s\n", err.field ? err.field : "", err.message);
		return rc;
	}
	for (size_t i = 0; rc == LX_OK && i < json_array_size(v.hazards); i++)
		rc = lx_demo_hazard_life(d, json_integer_value(json_array_get(v.hazards, i)), at, 3, now);
	lx_visit_clear(&v);
	return rc;
}

/* A time of day in working hours on local day start `day0` (ms). */
static lx_ms lx_at(struct lx_demo *d, lx_ms day0)
{
	return day0 + (lx_ms)((8.5 + lx_demo_unif(&d->rng) * 8.5) * LX_HOUR_MS);
}

static lx_ms lx_local_midnight(lx_ms t)
{
	lx_ms local = t + 480 * 60000LL;
	return local - local % LX_DAY_MS - 480 * 60000LL;
}

/* 天天敲门: the elderly living alone, every day; now and then someone is
 * out, the odd one worse than last time; the last days of a few are not
 * visited yet (the sweep's alerts). */
static int lx_demo_knock(struct lx_demo *d, int64_t form_id, lx_ms now)
{
	lx_plan p;
	lx_ms today = lx_local_midnight(now);
	int rc = lx_demo_plan(d, "天天敲门·独居老人每日探访", form_id, "resident", "独居老人", NULL, "daily",
			      today - 365 * LX_DAY_MS, 0, now, &p);
	struct lx_targets all = {0};
	if (rc == LX_OK)
		rc = lx_plan_targets_each(d->db, p.id, lx_collect, &all);
	for (size_t i = 0; rc == LX_OK && i < all.n; i++) {
		/* one in twenty of them has not been seen for the last three days */
		int gap = i % 20 == 7 ? 3 : 0;
		for (int day = LX_KNOCK_DAYS; rc == LX_OK && day >= 1 + gap; day--) {
			lx_ms at = lx_at(d, today - (lx_ms)day * LX_DAY_MS);
			bool home = lx_demo_chance(&d->rng, 0.93);
			const char *health = lx_demo_chance(&d->rng, 0.003) ? "needs_care"
					     : lx_demo_chance(&d->rng, 0.8) ? "good" : lx_demo_chance(&d->rng, 0.8) ? "fair" : "poor";
			json_t *ans = home ? json_pack("{s:b, s:s, s:b, s:b}", "seen_in_person", 1, "health", health, "food_ok",
						       lx_demo_chance(&d->rng, 0.97), "home_safe", lx_demo_chance(&d->rng, 0.98))
					   : NULL;
			rc = lx_demo_visit(d, &p, &all.t[i], at, home ? "home" : "not_home", ans, now);
			json_decref(ans);
		}
	}
	lx_targets_free(&all);
	lx_plan_clear(&p);
	return rc;
}

/* The winter gas check: every household once from 15 November; nearly half
 * are done; a tenth of kitchens fail a point. */
static int lx_demo_gas(struct lx_demo *d, int64_t form_id, lx_ms now)
{
	lx_plan p;
	lx_ms today = lx_local_midnight(now);
	lx_ms start = today - 16 * LX_DAY_MS, end = today + 60 * LX_DAY_MS;
	int rc = lx_demo_plan(d, "2026年冬季燃气安全入户检查", form_id, "household", NULL, NULL, "once", start, end, now, &p);
	struct lx_targets all = {0};
	if (rc == LX_OK)
		rc = lx_plan_targets_each(d->db, p.id, lx_collect, &all);
	for (size_t i = 0; rc == LX_OK && i < all.n; i++) {
		if (!lx_demo_chance(&d->rng, 0.45))
			continue;
		lx_ms at = lx_at(d, start + (lx_ms)(lx_demo_rand(&d->rng) % 16) * LX_DAY_MS);
		if (!lx_demo_chance(&d->rng, 0.88)) {
			rc = lx_demo_visit(d, &p, &all.t[i], at, lx_demo_chance(&d->rng, 0.85) ? "not_home" : "refused", NULL,
					   now);
			continue;
		}
		bool bottled = lx_demo_chance(&d->rng, 0.3);
		json_t *ans = json_pack("{s:s, s:b, s:b, s:b, s:b, s:i}", "gas_kind", bottled ? "bottled" : "pipeline",
					"pipe_joints_ok", !lx_demo_chance(&d->rng, 0.03), "ventilation_ok",
					!lx_demo_chance(&d->rng, 0.04), "valve_ok", !lx_demo_chance(&d->rng, 0.03),
					"alarm_installed", lx_demo_chance(&d->rng, 0.6), "appliance_age_years",
					(int)(lx_demo_rand(&d->rng) % 11));
		if (bottled) {
			json_object_set_new(ans, "hose_ok", json_boolean(!lx_demo_chance(&d->rng, 0.05)));
			json_object_set_new(ans, "hose_age_years", json_integer((json_int_t)(lx_demo_rand(&d->rng) % 4)));
		} else {
			json_object_set_new(ans, "meter_ok", json_boolean(!lx_demo_chance(&d->rng, 0.02)));
		}
		rc = lx_demo_visit(d, &p, &all.t[i], at, "home", ans, now);
		json_decref(ans);
	}
	lx_targets_free(&all);
	lx_plan_clear(&p);
	return rc;
}

/* The 九小场所 monthly fire check over the last year. */
static int lx_demo_fire(struct lx_demo *d, lx_ms now)
{
	json_t *q = json_loads(lx_fire_form, 0, NULL);
	lx_form_error fe;
	lx_form_row f = {.name = "九小场所消防安全月查"};
	int rc = q && lx_field_form_check(d->db, q, &fe) == LX_OK ? LX_OK : LX_ERR;
	if (rc == LX_OK) {
		f.questions = json_dumps(q, JSON_COMPACT);
		rc = lx_form_insert(d->db, &f, d->dispatcher_id, now - 365 * LX_DAY_MS);
		free(f.questions);
	}
	json_decref(q);
	lx_plan p = {0};
	lx_ms today = lx_local_midnight(now);
	if (rc == LX_OK)
		rc = lx_demo_plan(d, "九小场所消防安全月查", f.id, "place", NULL, "small_venue", "monthly",
				  today - 365 * LX_DAY_MS, 0, now, &p);
	struct lx_targets all = {0};
	if (rc == LX_OK)
		rc = lx_plan_targets_each(d->db, p.id, lx_collect, &all);
	for (size_t i = 0; rc == LX_OK && i < all.n; i++) {
		for (int month = 11; rc == LX_OK && month >= 0; month--) {
			lx_ms at = lx_at(d, today - (lx_ms)(month * 30 + (int)(lx_demo_rand(&d->rng) % 25) + 1) * LX_DAY_MS);
			json_t *ans = json_pack("{s:b, s:b, s:b, s:b, s:i}", "extinguisher_ok", !lx_demo_chance(&d->rng, 0.04),
						"exit_clear", !lx_demo_chance(&d->rng, 0.03), "wiring_ok",
						!lx_demo_chance(&d->rng, 0.03), "lives_inside", lx_demo_chance(&d->rng, 0.02),
						"staff", (int)(1 + lx_demo_rand(&d->rng) % 8));
			rc = lx_demo_visit(d, &p, &all.t[i], at, "home", ans, now);
			json_decref(ans);
		}
	}
	lx_targets_free(&all);
	lx_plan_clear(&p);
	return rc;
}

int lx_demo_field(struct lx_demo *d, lx_ms now)
{
	int64_t gas = 0, knock = 0;
	int rc = lx_demo_places(d, now);
	if (rc == LX_OK)
		rc = lx_form_by_code(d->db, "gas_winter", &gas);
	if (rc == LX_OK)
		rc = lx_form_by_code(d->db, "knock", &knock);
	if (rc == LX_OK)
		rc = lx_demo_fire(d, now);
	if (rc == LX_OK)
		rc = lx_demo_gas(d, gas, now);
	if (rc == LX_OK)
		rc = lx_demo_knock(d, knock, now);
	/* the sweep's alerts for those unseen these last days, as the server's would be */
	int n = 0;
	lx_flow_actor sys = {0, 0, "/", true};
	lx_flow_ctx_set_actor(d->x, &sys);
	lx_flow_ctx_set_now(d->x, now);
	if (rc == LX_OK)
		rc = lx_visits_alert_sweep(d->x, d->db, now, 480, 500, &n);
	/* and the clocks' sweep over what the visits opened, so that the
	 * district is as a running server leaves it: late work marked late */
	for (int k = 200; rc == LX_OK && k == 200;)
		rc = lx_flow_sweep(d->x, 200, &k);
	lx_flow_actor desk = {d->dispatcher_id, LX_ROLE_DISPATCHER, "/", false};
	lx_flow_ctx_set_actor(d->x, &desk);
	return rc;
}

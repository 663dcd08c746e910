/*
 * demo_onekey.c - a year of press-9 calls in the demo district (demo.h:
 * lx_demo_onekey). Two 代理儿女 volunteers per community and village look
 * after its elderly living alone (each resident with the two in an order
 * and a press-9 device); now and then one of them presses 9. Every call
 * goes through the code a gateway's call does (flow/onekey.c): the case,
 * the ladder, the first step told, the sweep moving an unanswered call on
 * after its three minutes; then the acknowledgement (mostly the first
 * carer within minutes, sometimes the second, now and then the grid
 * worker), the arrival and the close with what it was. A few of them
 * press "I'm fine" every morning for the last two months; a day one
 * forgot was followed up by the grid (field/fine.c) and found well.
 * Deterministic.
 */
#include "demo.h"
#include "field.h"
#include "repo_registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LX_MIN_MS (60 * 1000LL)
#define LX_CALL_EVERY_DAYS 75.0 /* a resident's calls: about five a year */

static const char *const lx_close_notes[] = {
	"误按呼叫键，老人一切安好", "老人独自在家摔倒，已扶起，无大碍", "老人血压偏高，已陪同到社区卫生站",
	"老人想找人说说话，已陪伴一小时", "家中水管漏水，已联系物业维修", "家中停电，已帮忙联系供电所恢复",
	"老人胸闷，已拨打120送医，已通知家属", "老人找不到药，已帮忙取药并提醒按时服用",
};

struct lx_elder {
	int64_t id;
	lx_ms *calls;
	int ncalls;
};

struct lx_collect_elders {
	struct lx_elder *v;
	size_t n, cap;
};

static int lx_elder_cb(void *arg, const lx_resident *p)
{
	struct lx_collect_elders *c = arg;
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 64;
		c->v = lx_xrealloc(c->v, c->cap * sizeof *c->v);
	}
	c->v[c->n++] = (struct lx_elder){.id = p->id};
	return 0;
}

/* The community (or village) instance index of unit id, or -1. */
static long lx_community_of(struct lx_demo *d, int64_t unit_id)
{
	for (size_t i = 0; i < d->ndu; i++) {
		if (d->ids[i] != unit_id)
			continue;
		size_t k = i;
		while (d->du[k].parent >= 0 && strcmp(d->du[k].kind, "community") != 0 &&
		       strcmp(d->du[k].kind, "village") != 0)
			k = (size_t)d->du[k].parent;
		return strcmp(d->du[k].kind, "community") == 0 || strcmp(d->du[k].kind, "village") == 0 ? (long)k : -1;
	}
	return -1;
}

/* Two volunteers for every community and village: the demo's own `volunteer`
 * is the first of its community's. into vols[2 * index]. */
static int lx_demo_volunteers(struct lx_demo *d, int64_t *vols)
{
	int rc = LX_OK;
	lx_user known = {0};
	int64_t known_unit = lx_user_get(d->db, "/", d->volunteer_id, &known) == LX_OK ? known.unit_id : 0;
	lx_user_clear(&known);
	for (size_t i = 0; rc == LX_OK && i < d->ndu; i++) {
		if (strcmp(d->du[i].kind, "community") != 0 && strcmp(d->du[i].kind, "village") != 0)
			continue;
		for (int k = 0; rc == LX_OK && k < 2; k++) {
			if (k == 0 && d->ids[i] == known_unit) {
				vols[2 * i] = d->volunteer_id;
				continue;
			}
			char login[64], name[96];
			char *person = lx_demo_person_name(&d->rng);
			snprintf(login, sizeof login, "vol_%s_%d", d->du[i].code, k + 1);
			snprintf(name, sizeof name, "%s（%s代理儿女）", person, d->du[i].name);
			free(person);
			rc = lx_demo_user(d, login, name, LX_ROLE_VOLUNTEER, i, &vols[2 * i + k]);
		}
	}
	return rc;
}

/* The resident's carers (the two of their community, in a drawn order)
 * and device. LX_OK, LX_NOTFOUND (not in a community), LX_ERR. */
static int lx_demo_assign(struct lx_demo *d, const int64_t *vols, int64_t id, lx_resident *p, lx_ms now)
{
	int rc = lx_resident_get(d->db, "/", id, p);
	if (rc != LX_OK)
		return rc;
	long c = lx_community_of(d, p->unit_id);
	if (c < 0 || !vols[2 * c] || !vols[2 * c + 1])
		return LX_NOTFOUND;
	bool swap = lx_demo_chance(&d->rng, 0.5);
	p->carers[0] = vols[2 * c + (swap ? 1 : 0)];
	p->carers[1] = vols[2 * c + (swap ? 0 : 1)];
	p->ncarers = 2;
	char dev[32];
	snprintf(dev, sizeof dev, "PRESS9-%06lld", (long long)p->id);
	free(p->device_id);
	p->device_id = lx_xstrdup(dev);
	return lx_resident_update(d->db, p, now);
}

/* The case a call opens: as a gateway's call's (api/onekey.c), at time t. */
static int lx_demo_call_case(struct lx_demo *d, const lx_resident *p, bool emergency, lx_case *c, lx_unit *loc)
{
	lx_category cat = {0};
	lx_unit duty = {0};
	lx_flow_error err = {0};
	int rc = lx_category_get(d->db, "0709", &cat);
	if (rc == LX_OK)
		rc = lx_unit_head(d->db, p->unit_id, loc);
	if (rc != LX_OK)
		goto cleanup;
	bool has_duty = lx_flow_duty_unit(d->db, &cat, loc, &duty) == LX_OK;
	memset(c, 0, sizeof *c);
	snprintf(c->type, sizeof c->type, "onekey");
	snprintf(c->channel, sizeof c->channel, "onekey");
	c->category_code = lx_xstrdup("0709");
	c->title = lx_xasprintf("一键呼叫：%s", p->name);
	c->description = lx_xasprintf("%s，%s按下一键呼叫%s", p->name, p->address ? p->address : "", emergency ? "，称情况紧急" : "");
	c->address = p->address ? lx_xstrdup(p->address) : NULL;
	c->unit_id = loc->id;
	c->unit_path = lx_xstrdup(loc->path);
	c->scope_path = lx_xstrdup(loc->path);
	c->urgent = true;
	c->reporter_name = lx_xstrdup(p->name);
	c->reporter_phone = p->phone ? lx_xstrdup(p->phone) : NULL;
	c->solved = -1;
	char *terms = lx_case_terms(c->title, c->description);
	rc = lx_flow_create(d->x, c, terms, has_duty ? &duty : NULL, &err);
	free(terms);
cleanup:
	lx_category_clear(&cat);
	lx_unit_clear(&duty);
	return rc;
}

/* Fires action on the call's case as user at t. */
static int lx_demo_step(struct lx_demo *d, int64_t case_id, const char *action, int64_t user, lx_ms t, const char *note)
{
	lx_flow_actor who = {user, LX_ROLE_VOLUNTEER, "/", false};
	lx_flow_error err = {0};
	lx_flow_ctx_set_actor(d->x, &who);
	lx_flow_ctx_set_now(d->x, t);
	int rc = lx_flow_fire(d->x, case_id, action, &(lx_flow_input){.note = note}, NULL, NULL, &err);
	if (rc != LX_OK)
		fprintf(stderr, "lianxin demo: a press-9 call's %s failed: %s\n", action, err.message);
	return rc;
}

/* One call of resident p at t, lived up to now. */
static int lx_demo_call(struct lx_demo *d, const lx_resident *p, lx_ms t, lx_ms now)
{
	lx_flow_actor desk = {0, LX_ROLE_DISPATCHER, "/", false};
	lx_flow_ctx_set_actor(d->x, &desk);
	lx_flow_ctx_set_now(d->x, t);
	bool emergency = lx_demo_chance(&d->rng, 0.04);
	lx_case c = {0};
	lx_unit loc = {0};
	lx_onekey_call k = {0};
	int rc = lx_demo_call_case(d, p, emergency, &c, &loc);
	if (rc != LX_OK)
		goto cleanup;
	k.resident_id = p->id;
	k.unit_id = loc.id;
	k.unit_path = lx_xstrdup(loc.path);
	k.caller = p->phone ? lx_xstrdup(p->phone) : NULL;
	k.device_id = p->device_id ? lx_xstrdup(p->device_id) : NULL;
	k.emergency = emergency;
	if ((rc = lx_onekey_open(d->x, &k, &c, &loc, p->carers, p->ncarers, NULL)) != LX_OK)
		goto cleanup;
	/* who answers: the first carer mostly, the second after the first's
	 * three minutes, now and then the grid worker after both */
	double u = lx_demo_unif(&d->rng);
	int steps = u < 0.72 ? 0 : u < 0.93 ? 1 : 2;
	lx_ms step_ms = lx_onekey_step_ms();
	lx_flow_actor sys = {0, 0, "/", true};
	for (int s = 1; s <= steps; s++) {
		lx_flow_ctx_set_actor(d->x, &sys);
		lx_flow_ctx_set_now(d->x, t + s * step_ms + 1000);
		int moved = 0;
		if ((rc = lx_onekey_sweep(d->x, 64, &moved)) != LX_OK)
			goto cleanup;
	}
	lx_onekey_step st;
	if ((rc = lx_onekey_step_get(d->db, k.id, steps, &st)) != LX_OK || !st.nusers)
		goto cleanup;
	lx_ms ack = t + steps * step_ms + (lx_ms)((0.3 + lx_demo_unif(&d->rng) * 2.4) * LX_MIN_MS);
	lx_ms arrive = ack + (lx_ms)((6 + lx_demo_unif(&d->rng) * 22) * LX_MIN_MS);
	lx_ms close = arrive + (lx_ms)((15 + lx_demo_unif(&d->rng) * 50) * LX_MIN_MS);
	int64_t who = st.users[0];
	if (ack > now)
		goto cleanup;
	if ((rc = lx_demo_step(d, c.id, "ack", who, ack, steps ? "电话未接通后由下一位响应" : "收到，马上过去")) != LX_OK ||
	    arrive > now || (rc = lx_demo_step(d, c.id, "arrive", who, arrive, NULL)) != LX_OK || close > now)
		goto cleanup;
	const char *note = emergency ? lx_close_notes[6] : lx_close_notes[lx_demo_rand(&d->rng) % 6];
	rc = lx_demo_step(d, c.id, "close", who, close, note);
cleanup:
	lx_onekey_call_clear(&k);
	lx_case_clear(&c);
	lx_unit_clear(&loc);
	return rc;
}

#define LX_FINE_DAYS 60
#define LX_FINE_EVERY 6 /* one elder in six is asked to press daily */

/* The follow-up of a missed day lived on: the grid goes the same morning. */
static int lx_demo_follow_up_life(struct lx_demo *d, int64_t case_id, lx_ms t, lx_ms now)
{
	static const char *const found[] = {"已上门探访，老人安好，昨天手机没电忘了按键", "已上门探访，老人去女儿家住了一天",
					     "已上门探访，老人身体不适在床休息，已联系社区医生"};
	lx_flow_actor adm = {d->dispatcher_id, LX_ROLE_ADMIN, "/", false};
	lx_flow_error err = {0};
	lx_ms steps[3] = {t + 20 * LX_MIN_MS, t + (lx_ms)((1.5 + lx_demo_unif(&d->rng) * 3) * 60 * LX_MIN_MS), 0};
	steps[2] = steps[1] + 30 * LX_MIN_MS;
	const char *actions[3] = {"accept", "resolve", "verify"};
	for (int i = 0; i < 3; i++) {
		if (steps[i] > now)
			return LX_OK;
		lx_flow_ctx_set_actor(d->x, &adm);
		lx_flow_ctx_set_now(d->x, steps[i]);
		lx_flow_input in = {.reply = (char *)found[lx_demo_rand(&d->rng) % 3], .passed = true, .has_passed = true,
				    .note = i == 2 ? "社区回访确认" : NULL};
		int rc = lx_flow_fire(d->x, case_id, actions[i], &in, NULL, NULL, &err);
		if (rc != LX_OK && err.status != 409) {
			fprintf(stderr, "lianxin demo: a follow-up's %s failed: %s\n", actions[i], err.message);
			return rc;
		}
	}
	return LX_OK;
}

/* Two months of the daily "I'm fine" of every LX_FINE_EVERY-th elder: a
 * press most mornings; each day's sweep just after midnight follows up
 * the days missed, as the server's does. */
static int lx_demo_fine(struct lx_demo *d, lx_resident *res, size_t n, lx_ms now)
{
	int tz = 480, rc = LX_OK;
	lx_ms day0 = now - (now + tz * LX_MIN_MS) % LX_DAY_MS - LX_FINE_DAYS * LX_DAY_MS;
	char since[11], day[11];
	lx_local_day(day0, tz, since);
	for (size_t i = 0; rc == LX_OK && i < n; i += LX_FINE_EVERY) {
		if (!res[i].id || !res[i].ncarers)
			continue;
		snprintf(res[i].daily_check_since, sizeof res[i].daily_check_since, "%s", since);
		rc = lx_resident_update(d->db, &res[i], now);
	}
	for (lx_ms t = day0; rc == LX_OK && t < now; t += LX_DAY_MS) {
		lx_local_day(t, tz, day);
		for (size_t i = 0; rc == LX_OK && i < n; i += LX_FINE_EVERY) {
			lx_ms at = t + (lx_ms)((6.5 + lx_demo_unif(&d->rng) * 3) * 60 * LX_MIN_MS);
			if (res[i].id && res[i].daily_check_since[0] && at < now && lx_demo_chance(&d->rng, 0.97)) {
				rc = lx_fine_press(d->db, res[i].id, day, at);
				rc = rc == LX_CONFLICT ? LX_OK : rc;
			}
		}
		lx_ms sweep = t + LX_DAY_MS + 5 * LX_MIN_MS;
		if (rc != LX_OK || sweep > now)
			break;
		lx_flow_actor sys = {0, 0, "/", true};
		lx_flow_ctx_set_actor(d->x, &sys);
		lx_flow_ctx_set_now(d->x, sweep);
		int raised = 0;
		rc = lx_fine_sweep(d->x, d->db, sweep, tz, 64, &raised);
		for (size_t i = 0; rc == LX_OK && raised && i < n; i += LX_FINE_EVERY) {
			int64_t case_id = 0;
			if (res[i].id && lx_fine_case_of(d->db, res[i].id, day, &case_id) == LX_OK && case_id)
				rc = lx_demo_follow_up_life(d, case_id, sweep + 7 * 60 * LX_MIN_MS, now);
		}
	}
	return rc;
}

struct lx_call_at {
	lx_ms t;
	size_t elder;
};

static int lx_call_cmp(const void *a, const void *b)
{
	lx_ms x = ((const struct lx_call_at *)a)->t, y = ((const struct lx_call_at *)b)->t;
	return x < y ? -1 : x > y;
}

int lx_demo_onekey(struct lx_demo *d, lx_ms now)
{
	struct lx_collect_elders e = {0};
	struct lx_call_at *calls = NULL;
	size_t ncalls = 0, cap = 0;
	lx_resident *res = NULL;
	int64_t *vols = lx_xcalloc(2 * d->ndu, sizeof *vols);
	lx_reg_filter f = {.tag = "独居老人", .limit = 100000};
	int rc = lx_residents_each(d->db, "/", &f, lx_elder_cb, &e);
	if (rc == LX_OK)
		rc = lx_demo_volunteers(d, vols);
	res = lx_xcalloc(e.n + 1, sizeof *res);
	for (size_t i = 0; rc == LX_OK && i < e.n; i++) {
		rc = lx_demo_assign(d, vols, e.v[i].id, &res[i], now);
		if (rc == LX_NOTFOUND) {
			lx_resident_clear(&res[i]); /* not in a community: no carers, no calls */
			rc = LX_OK;
			continue;
		}
		/* the calls of a year: now and then, at any hour, more by day */
		for (lx_ms t = now - 365 * LX_DAY_MS;;) {
			t += (lx_ms)(lx_demo_unif(&d->rng) * 2 * LX_CALL_EVERY_DAYS * LX_DAY_MS);
			if (t >= now - 30 * LX_MIN_MS)
				break;
			if (ncalls == cap) {
				cap = cap ? 2 * cap : 256;
				calls = lx_xrealloc(calls, cap * sizeof *calls);
			}
			calls[ncalls++] = (struct lx_call_at){t, i};
		}
	}
	qsort(calls, ncalls, sizeof *calls, lx_call_cmp);
	for (size_t i = 0; rc == LX_OK && i < ncalls; i++)
		rc = lx_demo_call(d, &res[calls[i].elder], calls[i].t, now);
	if (rc == LX_OK)
		rc = lx_demo_fine(d, res, e.n, now);
	for (size_t i = 0; i < e.n; i++)
		lx_resident_clear(&res[i]);
	free(res);
	free(e.v);
	free(calls);
	free(vols);
	return rc;
}

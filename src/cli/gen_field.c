/*
 * gen_field.c - `lianxin gen-visits --db PATH --visits N --seed S`: the
 * field work of a generated city (after `lianxin gen`), for the
 * benchmarks: a daily 天天敲门 plan over the elderly living alone and a
 * monthly visit of every household, both over the whole city, and N
 * visits spread over the last year, written in bulk (no hazards, no
 * engine steps: the figures are the due list's and the coverage's).
 */
#include "cli.h"
#include "demo.h"
#include "repo_field.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct lx_gen_targets {
	lx_target *t;
	size_t n, cap;
};

static int lx_gen_collect(void *arg, lx_target *t)
{
	struct lx_gen_targets *a = arg;
	if (a->n == a->cap)
		a->t = lx_xrealloc(a->t, (a->cap = a->cap ? a->cap * 2 : 4096) * sizeof *a->t);
	lx_target *c = &a->t[a->n++];
	memset(c, 0, sizeof *c);
	c->plan_id = t->plan_id;
	snprintf(c->kind, sizeof c->kind, "%s", t->kind);
	c->id = t->id;
	c->unit_id = t->unit_id;
	c->unit_path = lx_xstrdup(t->unit_path);
	return 0;
}

static int lx_gen_plan(lx_db *db, const lx_unit *root, int64_t form_id, const char *name, const char *kind,
		       const char *tag, const char *freq, lx_ms now, int64_t *id)
{
	lx_plan p = {.form_id = form_id, .unit_id = root->id, .every_n = 1, .starts_at = now - 365 * LX_DAY_MS,
		     .workers = json_array()};
	p.name = lx_xstrdup(name);
	p.unit_path = lx_xstrdup(root->path);
	p.target_tag = tag ? lx_xstrdup(tag) : NULL;
	snprintf(p.target_kind, sizeof p.target_kind, "%s", kind);
	snprintf(p.frequency, sizeof p.frequency, "%s", freq);
	int64_t n = 0;
	int rc = lx_plan_insert(db, &p, now, &n);
	*id = p.id;
	fprintf(stderr, "lianxin gen-visits: plan %s: %lld targets\n", name, (long long)n);
	lx_plan_clear(&p);
	return rc;
}

int lx_cli_gen_visits(const char *url, long nvisits, uint64_t seed)
{
	lx_db *db = NULL;
	lx_unit root = {0};
	struct lx_gen_targets all = {0};
	int64_t form = 0, plans[2] = {0, 0};
	uint64_t rng = seed ? seed : 1;
	lx_ms now = lx_now_ms(), t0 = now;
	int rc = lx_cli_open(url, &db);
	if (rc != LX_OK)
		return rc;
	lx_store_bulk(db, true);
	rc = lx_unit_desk(db, 0, &root);
	if (rc == LX_OK)
		rc = lx_form_by_code(db, "knock", &form);
	if (rc == LX_OK)
		rc = lx_db_begin(db, true);
	if (rc == LX_OK)
		rc = lx_gen_plan(db, &root, form, "天天敲门", "resident", "独居老人", "daily", now, &plans[0]);
	if (rc == LX_OK)
		rc = lx_gen_plan(db, &root, form, "入户走访", "household", NULL, "monthly", now, &plans[1]);
	for (int k = 0; rc == LX_OK && k < 2; k++)
		rc = lx_plan_targets_each(db, plans[k], lx_gen_collect, &all);
	if (rc == LX_OK)
		rc = lx_db_commit(db);
	for (long i = 0; rc == LX_OK && all.n && i < nvisits; i++) {
		if (i % 100000 == 0 && (rc = lx_db_begin(db, true)) != LX_OK)
			break;
		const lx_target *t = &all.t[lx_demo_rand(&rng) % all.n];
		lx_visit v = {.plan_id = t->plan_id, .form_id = form, .form_version = 1, .target_id = t->id,
			      .unit_id = t->unit_id, .unit_path = t->unit_path, .worker_id = 1,
			      .visited_at = now - (lx_ms)(lx_demo_rand(&rng) % (365 * LX_DAY_MS)),
			      .answers = (char *)"{\"seen_in_person\":true,\"health\":\"good\"}"};
		snprintf(v.client_uuid, sizeof v.client_uuid, "gen-%llx-%ld", (unsigned long long)seed, i);
		snprintf(v.target_kind, sizeof v.target_kind, "%s", t->kind);
		snprintf(v.outcome, sizeof v.outcome, "%s", lx_demo_rand(&rng) % 100 < 93 ? "home" : "not_home");
		rc = lx_visit_insert(db, &v, v.visited_at);
		if (rc == LX_OK && (i % 100000 == 99999 || i + 1 == nvisits)) {
			rc = lx_db_commit(db);
			fprintf(stderr, "\rlianxin gen-visits: %ld visits", i + 1);
		}
	}
	fprintf(stderr, "\n");
	for (int k = 0; rc == LX_OK && k < 2; k++) {
		rc = lx_db_begin(db, true);
		if (rc == LX_OK)
			rc = lx_targets_refresh(db, plans[k]);
		if (rc == LX_OK)
			rc = lx_db_commit(db);
	}
	if (rc == LX_OK)
		rc = lx_db_exec(db, "ANALYZE");
	if (rc == LX_OK)
		printf("lianxin: %ld visits of %zu targets in %.0f s\n", nvisits, all.n, (double)(lx_now_ms() - t0) / 1000);
	else
		fprintf(stderr, "lianxin gen-visits: %s\n", lx_db_errmsg(db));
	for (size_t i = 0; i < all.n; i++)
		lx_target_clear(&all.t[i]);
	free(all.t);
	lx_unit_clear(&root);
	lx_db_close(db);
	return rc;
}

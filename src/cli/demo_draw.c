/*
 * demo_draw.c - the demo's draws and lookups, shared by the district's build
 * (demo.c) and each case's life (demo_life.c): the generator's uniform and
 * chance, a category by code and by season, the duty list's unit.
 */
#include "demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const lx_category *lx_demo_cat(struct lx_demo *d, const char *code)
{
	for (size_t i = 0; i < d->ncats; i++)
		if (strcmp(d->cats[i].code, code) == 0)
			return &d->cats[i];
	return NULL;
}

double lx_demo_unif(uint64_t *rng)
{
	return (double)(lx_demo_rand(rng) >> 11) / 9007199254740992.0;
}

bool lx_demo_chance(uint64_t *rng, double p)
{
	return lx_demo_unif(rng) < p;
}

/* Category choice weighted by season: heating in winter, the rest spread. */
const char *lx_demo_category(uint64_t *rng, int month)
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
	int pick = (int)(lx_demo_unif(rng) * total);
	for (size_t i = 0; i < sizeof cats / sizeof cats[0]; i++) {
		pick -= i == 0 ? (winter ? 60 : 1) : cats[i].w;
		if (pick < 0)
			return cats[i].code;
	}
	return "0401";
}

int lx_demo_month(lx_ms t)
{
	char buf[40];
	lx_time_format(t, 480, buf, sizeof buf);
	return atoi(buf + 5);
}

/* Finds the demo index of the handling unit for category c at grid g. */
long lx_demo_duty(struct lx_demo *d, const lx_category *c, size_t g)
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


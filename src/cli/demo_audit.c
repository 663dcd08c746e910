/*
 * demo_audit.c - a year of the audit log for the demo district: the staff
 * logging in on working mornings (now and then a mistyped password first)
 * and out in the evening, the desks exporting on Fridays and opening
 * reporters' phones, passwords changed each quarter, a volunteer added in
 * spring, and one night of someone guessing at the admin's password from
 * outside, locked, then unlocked by the admin the next morning.
 */
#include "demo.h"
#include "rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct lx_demo_audit_row {
	lx_audit a;
	char *buf[3]; /* owned: login, addr, target */
};

struct lx_demo_trail {
	struct lx_demo_audit_row *rows;
	size_t n, cap;
};

static void lx_trail_add(struct lx_demo_trail *t, lx_ms at, const char *kind, int64_t actor,
			 const char *login, const char *addr, const char *target, const char *detail)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 4096;
		t->rows = lx_xrealloc(t->rows, t->cap * sizeof *t->rows);
	}
	struct lx_demo_audit_row *r = &t->rows[t->n++];
	r->buf[0] = login ? lx_xstrdup(login) : NULL;
	r->buf[1] = addr ? lx_xstrdup(addr) : NULL;
	r->buf[2] = target ? lx_xstrdup(target) : NULL;
	r->a = (lx_audit){.at = at, .kind = kind, .actor_id = actor, .login = r->buf[0], .addr = r->buf[1],
			  .target = r->buf[2], .detail = detail};
}

static int lx_row_at_cmp(const void *a, const void *b)
{
	lx_ms x = ((const struct lx_demo_audit_row *)a)->a.at, y = ((const struct lx_demo_audit_row *)b)->a.at;
	return x < y ? -1 : x > y;
}

/* One staff member's year. */
static void lx_demo_user_year(struct lx_demo *d, struct lx_demo_trail *t, int64_t id, const char *login,
			      unsigned roles, int office, lx_ms day0, int ndays, long ncases)
{
	char addr[32], target[32];
	snprintf(addr, sizeof addr, "10.35.%d.%d", office, (int)(lx_demo_rand(&d->rng) % 200) + 20);
	bool desk = roles & (LX_ROLE_DISPATCHER | LX_ROLE_ADMIN);
	for (int k = 0; k < ndays; k++) {
		lx_ms day = day0 + (lx_ms)k * LX_DAY_MS;
		int wd = (int)((day / LX_DAY_MS + 4) % 7); /* 0 = Sunday (1970-01-01 was a Thursday) */
		if (wd == 0 || wd == 6 || !lx_demo_chance(&d->rng, desk ? 0.85 : 0.55))
			continue;
		/* 08:00-09:30 Beijing time is 00:00-01:30 UTC */
		lx_ms in = day + (lx_ms)(lx_demo_unif(&d->rng) * 90 * 60000);
		if (lx_demo_chance(&d->rng, 0.03))
			lx_trail_add(t, in - 40000, "login_failed", id, login, addr, NULL, "password");
		lx_trail_add(t, in, "login", id, login, addr, NULL, NULL);
		if (desk) {
			int reads = 2 + (int)(lx_demo_rand(&d->rng) % 6);
			for (int i = 0; i < reads && ncases > 0; i++) {
				snprintf(target, sizeof target, "case:%ld", 1 + (long)(lx_demo_rand(&d->rng) % (uint64_t)ncases));
				lx_trail_add(t, in + (lx_ms)(lx_demo_unif(&d->rng) * 8 * 3600000), "unmasked_read", id,
					     login, addr, target, "the reporter's phone");
			}
			if (wd == 5)
				lx_trail_add(t, day + 8 * 3600000, "export", id, login, addr, "cases.xlsx", NULL);
		}
		if (lx_demo_chance(&d->rng, 0.6))
			lx_trail_add(t, day + 9 * 3600000 + (lx_ms)(lx_demo_unif(&d->rng) * 3600000), "logout", id,
				     login, addr, NULL, NULL);
		if (k % 91 == 45 && lx_demo_chance(&d->rng, 0.7))
			lx_trail_add(t, in + 60000, "password_changed", id, login, addr, NULL, "by the user");
	}
}

int lx_demo_audit(struct lx_demo *d, lx_ms now, long ncases)
{
	struct lx_demo_trail t = {0};
	json_t *users = lx_user_list(d->db, "/");
	if (!users)
		return LX_ERR;
	int ndays = 365;
	lx_ms day0 = (now / LX_DAY_MS - ndays) * LX_DAY_MS; /* midnight UTC = 08:00 in the district */
	int64_t admin = 0;
	size_t i;
	json_t *u;
	json_array_foreach(users, i, u) {
		const char *login = json_string_value(json_object_get(u, "login"));
		int64_t id = json_integer_value(json_object_get(u, "id"));
		unsigned roles = 0;
		json_t *rl;
		size_t k;
		json_array_foreach(json_object_get(u, "roles"), k, rl)
			roles |= lx_role_parse(json_string_value(rl));
		if (roles & LX_ROLE_ADMIN)
			admin = id;
		if (roles & (LX_ROLE_VOLUNTEER | LX_ROLE_DEPUTY))
			continue;
		int64_t unit = json_integer_value(json_object_get(u, "unit_id"));
		lx_demo_user_year(d, &t, id, login, roles, (int)(unit % 200) + 1, day0, ndays, ncases);
	}
	json_decref(users);
	/* the volunteer, added by the admin in spring, set a password of her own */
	lx_ms spring = day0 + 120 * LX_DAY_MS + 2 * 3600000;
	lx_trail_add(&t, spring, "user_created", admin, "volunteer", "10.35.1.8", NULL, NULL);
	lx_trail_add(&t, spring + 3 * 3600000, "password_changed", 0, "volunteer", "10.35.77.41", NULL, "by the user");
	/* one night of guessing at the admin from outside: throttled, then forgiven */
	lx_ms night = day0 + 300 * LX_DAY_MS + 17 * 3600000; /* 01:00 local */
	for (int k = 0; k < 10; k++)
		lx_trail_add(&t, night + k * 7000, "login_failed", admin, "admin", "223.104.3.77", NULL, "password");
	lx_trail_add(&t, night + 63000, "login_locked", 0, "admin", "223.104.3.77", NULL,
		     "the failures of this login or address reached the throttle");
	lx_trail_add(&t, night + 8 * 3600000, "unlock", admin, "admin", "10.35.1.8", "user:1",
		     "the login's failed attempts forgiven");
	qsort(t.rows, t.n, sizeof *t.rows, lx_row_at_cmp);
	lx_audit *a = lx_xmalloc((t.n ? t.n : 1) * sizeof *a);
	for (size_t k = 0; k < t.n; k++)
		a[k] = t.rows[k].a;
	int rc = lx_audit_insert(d->db, a, t.n);
	free(a);
	for (size_t k = 0; k < t.n; k++)
		for (int b = 0; b < 3; b++)
			free(t.rows[k].buf[b]);
	free(t.rows);
	return rc;
}

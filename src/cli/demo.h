/*
 * demo.h - what the demo's files share (cli/ only): the city being built
 * and small helpers of the simulation.
 */
#ifndef LX_CLI_DEMO_H
#define LX_CLI_DEMO_H

#include "district.h"
#include "flow.h"
#include "repo.h"
#include "rules.h"

#define LX_HOUR_MS (3600LL * 1000)
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
	unsigned *roles_of;  /* that user's roles */
	lx_category *cats;   /* the category list, loaded once */
	size_t ncats;
	int64_t dispatcher_id;
	int64_t volunteer_id; /* the demo's `volunteer` (a 代理儿女 of 桥头's first community) */
	uint64_t rng;
	char *hash;
	bool bulk;           /* a generated city: speed over durability */
	lx_bulk_side *side;  /* bulk: writes search terms and visibility rows */
	lx_flow_ctx *x;      /* the engine every simulated step goes through */
	char **indexes;      /* bulk: the CREATE INDEX statements to run at the end */
	size_t nindexes;
	lx_ms t0;            /* bulk: when the current phase began */
	struct lx_recent *recent; /* per community instance: its latest case (repeat calls) */
	uint64_t *id_set;    /* the ID numbers issued (lx_demo_id_seen) */
	size_t id_n, id_cap;
};

/* The latest case of a community, which a repeat call may duplicate. */
struct lx_recent {
	int64_t id;
	const char *code;     /* its category (static: the demo's list) */
	lx_ms created_at;
	lx_ms done_at;        /* when it was resolved or closed (0: still open) */
	bool answerable;      /* it has a reply its duplicates will get */
};

/* Uniform in [0, 1), and true with probability p (the demo's generator). */
double lx_demo_unif(uint64_t *rng);
/* A year of the audit log (demo_audit.c) for the users already made and
 * cases 1..ncases, inside the caller's transaction. LX_OK or LX_ERR. */
int lx_demo_audit(struct lx_demo *d, lx_ms now, long ncases);
/* The photos of the demo's facility reports and their after-photos
 * (demo_photos.c), on cases already in. LX_OK or LX_ERR. */
int lx_demo_photos(struct lx_demo *d);
bool lx_demo_chance(uint64_t *rng, double p);
/* The grid's field work of the last year (demo_field.c): places and
 * organisations, the visit plans (天天敲门, the winter gas check, the 九小场所
 * monthly fire check), their visits, the hazards they found and how those
 * were put right, the alerts of the last days. LX_OK or an error. */
int lx_demo_field(struct lx_demo *d, lx_ms now);
/* A year of press-9 calls (demo_onekey.c): two volunteers per community
 * as the carers of its elderly living alone, their calls through the
 * ladder, acknowledged, arrived at and closed. LX_OK or an error. */
int lx_demo_onekey(struct lx_demo *d, lx_ms now);
/* Inserts a demo user of roles at unit instance unit_index (a phone, the
 * demo's password), its id into *id when not NULL. LX_OK or an error. */
int lx_demo_user(struct lx_demo *d, const char *login, const char *name, unsigned roles, size_t unit_index,
		 int64_t *id);
/* The category code (cached list), or NULL. */
const lx_category *lx_demo_cat(struct lx_demo *d, const char *code);
/* The demo index of the unit the category's duty rule names for grid g, or -1. */
long lx_demo_duty(struct lx_demo *d, const lx_category *c, size_t g);
/* A category drawn with the season's weights (heating in winter). */
const char *lx_demo_category(uint64_t *rng, int month);
/* The local month (1-12) of t. */
int lx_demo_month(lx_ms t);
/* Simulates one case received at t through the engine, up to now, and
 * inserts it with its timeline (demo_life.c). LX_OK or an error. */
int lx_demo_case(struct lx_demo *d, lx_ms t, lx_ms now);

#endif

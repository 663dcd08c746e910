/*
 * rules.h - the domain's pure rules: the roles, channels and ratings the
 * API speaks, deadlines in hours, and what one case contributes to the
 * three rates. The case types and their states are the engine's
 * (src/flow/machines.c), not here.
 *
 * Pure: no I/O, no SQL.
 */
#ifndef LX_RULES_H
#define LX_RULES_H

#include "lx.h"

enum {
	LX_ROLE_ADMIN = 1 << 0,
	LX_ROLE_DISPATCHER = 1 << 1,
	LX_ROLE_HANDLER = 1 << 2,
	LX_ROLE_GRID_WORKER = 1 << 3,
	LX_ROLE_LEADER = 1 << 4,
	LX_ROLE_DEPUTY = 1 << 5,
	LX_ROLE_VOLUNTEER = 1 << 6,
	LX_ROLE__ALL = (1 << 7) - 1,
	/* a resident on their own phone (P10): not a staff role, never a user's;
	 * a resident's session opens only the /api/v1/resident routes */
	LX_ROLE_RESIDENT = 1 << 7,
	/* the government's own people (not volunteers, not deputies): their
	 * passwords need ten characters (P7) */
	LX_ROLE__STAFF = LX_ROLE_ADMIN | LX_ROLE_DISPATCHER | LX_ROLE_HANDLER | LX_ROLE_GRID_WORKER |
			 LX_ROLE_LEADER
};

typedef enum { LX_RATING_SATISFIED, LX_RATING_BASIC, LX_RATING_UNSATISFIED, LX_RATING__N } lx_rating;

typedef enum {
	LX_CH_HOTLINE,
	LX_CH_WEB,
	LX_CH_GRID_VISIT,
	LX_CH_DEPUTY_STATION,
	LX_CH_ONEKEY,
	LX_CH_OPEN311,
	LX_CH_IMPORT,
	LX_CH_INSPECTION,
	LX_CH__N
} lx_channel;

/* Name <-> value for each enumeration. *_name returns a static string;
 * *_parse returns the value or -1 for an unknown name (NULL included). */
const char *lx_rating_name(lx_rating r);
int lx_rating_parse(const char *s);
/* The rating as the resident hears it (满意, 基本满意, 不满意): static. */
const char *lx_rating_label(lx_rating r);
const char *lx_channel_name(lx_channel c);
int lx_channel_parse(const char *s);
/* The names, NULL-terminated (static), for schemas and docs. */
extern const char *const lx_rating_names[];
extern const char *const lx_channel_names[];
extern const char *const lx_role_names[];
const char *lx_role_name(unsigned role_bit);
/* Parses one role name into its bit; returns 0 for an unknown name. */
unsigned lx_role_parse(const char *s);
/* Writes the roles of mask as "a,b,c" into out. Returns out. */
char *lx_roles_format(unsigned mask, char *out, size_t outsz);
/* Parses "a,b,c" into a mask; returns LX_OK or LX_INVALID on an unknown name. */
int lx_roles_parse_list(const char *s, unsigned *mask);

/* Computes deadlines from `from` with decimal hours; urgent cases get at
 * most 0.5 h to accept and 2 h to resolve. */
void lx_sla_deadlines(lx_ms from, double accept_hours, double resolve_hours, bool urgent,
		      lx_ms *accept_due, lx_ms *resolve_due);

/* What one case contributes to the statistics (README, "The three rates"),
 * as a vector of 0/1 counts. Roll-ups add and subtract these vectors on
 * every change of a case, so a summary never scans cases. */
enum {
	LX_STAT_RECEIVED,
	LX_STAT_DISPATCHED,
	LX_STAT_DUE,          /* due_for_response */
	LX_STAT_ON_TIME,      /* accepted_on_time */
	LX_STAT_RATED,
	LX_STAT_SOLVED,
	LX_STAT_SATISFIED,
	LX_STAT_BASIC,
	LX_STAT_UNSATISFIED,
	LX_STAT_OVERDUE_OPEN,
	LX_STAT_EXCLUDED,     /* left out of the rated figures (invalid, upheld appeal) */
	LX_STAT__N
};

/* The facts of a case the statistics depend on. Times are 0 when unset. */
typedef struct lx_stat_facts {
	lx_ms first_dispatched_at, dispatched_at, accepted_at, accept_due_at;
	bool accept_overdue;  /* the sweeper saw accept_due_at pass unaccepted */
	bool overdue;         /* the sweeper saw resolve_due_at pass unresolved */
	bool done;            /* resolved or closed */
	int rating;           /* lx_rating, or -1 for none */
	int solved;           /* -1 none, 0, 1 */
	bool excluded;        /* counted as received, never as rated */
} lx_stat_facts;

/* Writes the case's contribution into out[LX_STAT__N]. */
void lx_stat_contrib(const lx_stat_facts *f, int64_t out[LX_STAT__N]);

/* A rate: value is numerator / denominator, undefined when denominator is 0. */
typedef struct lx_rate {
	int64_t num, den;
} lx_rate;
/* Returns true and sets *value when den > 0; false otherwise. */
bool lx_rate_value(lx_rate r, double *value);

#endif

/*
 * workflow.h - the one workflow engine: every case type's state machine as
 * data (which action moves which status to which, and who may fire it),
 * SLA deadlines, and the names of every enumeration the API speaks.
 *
 * Pure: no I/O, no SQL.
 */
#ifndef LX_WORKFLOW_H
#define LX_WORKFLOW_H

#include "lx.h"

typedef enum {
	LX_TYPE_REQUEST,
	LX_TYPE_HAZARD,
	LX_TYPE_DISPUTE,
	LX_TYPE_PROXY,
	LX_TYPE_OPINION,
	LX_TYPE_SUGGESTION,
	LX_TYPE_ONEKEY,
	LX_TYPE__N
} lx_case_type;

typedef enum {
	LX_ST_NEW,
	LX_ST_DISPATCHED,
	LX_ST_ACCEPTED,
	LX_ST_RESOLVED,
	LX_ST_CLOSED,
	LX_ST_RETURNED,
	LX_ST_REOPENED,
	LX_ST__N
} lx_status;

typedef enum {
	LX_ACT_DISPATCH,
	LX_ACT_ACCEPT,
	LX_ACT_RETURN,
	LX_ACT_ESCALATE,
	LX_ACT_ASSIST,
	LX_ACT_RESOLVE,
	LX_ACT_RATE,
	LX_ACT_REOPEN,
	LX_ACT_CLOSE,
	LX_ACT_SUPERVISE,
	LX_ACT_COMMENT,
	LX_ACT__N
} lx_action;

enum {
	LX_ROLE_ADMIN = 1 << 0,
	LX_ROLE_DISPATCHER = 1 << 1,
	LX_ROLE_HANDLER = 1 << 2,
	LX_ROLE_GRID_WORKER = 1 << 3,
	LX_ROLE_LEADER = 1 << 4,
	LX_ROLE_DEPUTY = 1 << 5,
	LX_ROLE_VOLUNTEER = 1 << 6,
	LX_ROLE__ALL = (1 << 7) - 1
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
const char *lx_type_name(lx_case_type t);
int lx_type_parse(const char *s);
const char *lx_status_name(lx_status s);
int lx_status_parse(const char *s);
const char *lx_action_name(lx_action a);
int lx_action_parse(const char *s);
const char *lx_rating_name(lx_rating r);
int lx_rating_parse(const char *s);
const char *lx_channel_name(lx_channel c);
int lx_channel_parse(const char *s);
const char *lx_role_name(unsigned role_bit);
/* Parses one role name into its bit; returns 0 for an unknown name. */
unsigned lx_role_parse(const char *s);
/* Writes the roles of mask as "a,b,c" into out. Returns out. */
char *lx_roles_format(unsigned mask, char *out, size_t outsz);
/* Parses "a,b,c" into a mask; returns LX_OK or LX_INVALID on an unknown name. */
int lx_roles_parse_list(const char *s, unsigned *mask);

/* What the caller knows about the case and the actor when deciding. */
typedef struct lx_wf_input {
	lx_case_type type;
	lx_status status;
	unsigned roles;        /* the actor's role mask */
	bool actor_handles;    /* the actor's scope contains the handling unit */
	bool has_handler;      /* the case has a handling unit */
	bool open_tasks;       /* some assist sub-task is not done */
	lx_rating rating;      /* for LX_ACT_RATE */
	bool solved;           /* for LX_ACT_RATE */
} lx_wf_input;

/* Decides whether action may fire. On LX_OK *to is the new status (equal to
 * the input status for actions that do not move the case). Returns
 * LX_FORBIDDEN when no role of the actor may fire it (or the actor does not
 * handle the case where that is required), LX_CONFLICT when the action is
 * illegal in this status (or assist tasks are still open for resolve). */
int lx_wf_decide(lx_action action, const lx_wf_input *in, lx_status *to);

/* Returns the bit mask (1 << lx_action) of actions the actor may fire now. */
unsigned lx_wf_allowed(const lx_wf_input *in);

/* True for statuses that count as finished work (resolved, closed). */
bool lx_status_done(lx_status s);

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

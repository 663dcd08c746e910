/*
 * flow_int.h - the engine's own parts (flow/ only): the compiled machines,
 * the context with its caches, and the signatures of named guards,
 * effects and outcomes.
 */
#ifndef LX_FLOW_INT_H
#define LX_FLOW_INT_H

#include "calendar.h"
#include "flow.h"
#include "rules.h"

/* A guard: LX_OK when the transition may fire, else an error in err. */
typedef int (*lx_guard_fn)(lx_flow_ctx *x, const lx_case *c, const lx_flow_input *in, lx_flow_error *err);
/* An effect: changes c (and, under lx_flow_apply, may write other rows);
 * may add to the event's note. LX_OK or an error in err. */
typedef int (*lx_effect_fn)(lx_flow_ctx *x, lx_case *c, const lx_flow_input *in, lx_event *ev,
			    lx_flow_error *err);
/* An outcome: the state a transition enters, chosen from the input (NULL:
 * the case stays where it is). */
typedef const char *(*lx_outcome_fn)(const lx_case *c, const lx_flow_input *in);

/* The named functions the declarations may use (effects.c). */
typedef struct lx_named_guard {
	const char *name;
	lx_guard_fn fn;
} lx_named_guard;
typedef struct lx_named_effect {
	const char *name;
	lx_effect_fn fn;
} lx_named_effect;
typedef struct lx_named_outcome {
	const char *name;
	lx_outcome_fn fn;
	const char *states[4]; /* what it may choose (NULL: staying), for the docs */
} lx_named_outcome;
/* The hazard machine's effects (hazard.c). */
int lx_effect_reinspection(lx_flow_ctx *x, lx_case *c, const lx_flow_input *in, lx_event *ev, lx_flow_error *err);
int lx_effect_count_failure(lx_flow_ctx *x, lx_case *c, const lx_flow_input *in, lx_event *ev, lx_flow_error *err);
/* The press-9 call's (onekey.c): only those it reached, or the desk; the call's marks. */
int lx_guard_onekey_told(lx_flow_ctx *x, const lx_case *c, const lx_flow_input *in, lx_flow_error *err);
int lx_effect_onekey_acked(lx_flow_ctx *x, lx_case *c, const lx_flow_input *in, lx_event *ev, lx_flow_error *err);
int lx_effect_onekey_arrived(lx_flow_ctx *x, lx_case *c, const lx_flow_input *in, lx_event *ev, lx_flow_error *err);
int lx_effect_onekey_closed(lx_flow_ctx *x, lx_case *c, const lx_flow_input *in, lx_event *ev, lx_flow_error *err);
extern const lx_named_guard lx_flow_guards[];
extern const lx_named_effect lx_flow_effects[];
extern const lx_named_outcome lx_flow_outcomes[];

/* A compiled transition: names resolved to indices and functions. */
typedef struct lx_ctrans {
	const lx_flow_transition *d;
	int action;                 /* index into the machine's actions (lx_cmachine.actions) */
	uint32_t from;              /* bit i: state i of the machine */
	int to;                     /* state index; -1: stays (or outcome) */
	const lx_named_outcome *outcome;
	const lx_schema *input;
	lx_guard_fn guards[4];
	lx_effect_fn effects[6];
	lx_effect_fn after[3];
} lx_ctrans;

typedef struct lx_cstate {
	const lx_flow_state *d;
	lx_effect_fn on_enter[4];
	lx_effect_fn on_exit[4];
	bool clock[LX_CLOCK__N];    /* which clocks run in it */
} lx_cstate;

typedef struct lx_cmachine {
	const lx_flow_decl *d;
	lx_cstate states[LX_FLOW_MAX_STATES];
	int nstates;
	int initial;
	lx_ctrans *trans;
	size_t ntrans;
	const char *actions[64];    /* every action once, in the order the rows first name it */
	int nactions;
	const lx_flow_clock *clocks[LX_CLOCK__N]; /* by slot; NULL: the machine has none */
} lx_cmachine;

/* The input schema named name (inputs.c), or NULL. */
const lx_schema *lx_flow_input_named(const char *name);

/* The compiled machine of a case type, or NULL. */
const lx_cmachine *lx_flow_machine(const char *type);

/* Assist units checked by the effect, written after the case (apply). */
#define LX_FLOW_MAX_TASKS 20

struct lx_flow_ctx {
	lx_db *db;
	lx_flow_actor who;
	char *scope;                /* owned copy of who.scope */
	lx_ms now;
	int tz_offset_min;
	bool writing;               /* under lx_flow_apply: effects may write other rows */
	int depth;                  /* nested applies (a cascade onto other cases) */
	/* caches: categories by code, units by id, the calendar */
	lx_category *cats;
	size_t ncats, capcats;
	lx_unit *units;
	size_t nunits, capunits;
	lx_cal cal;
	bool cal_loaded;
	/* assist: the ids of the units the effect checked (in the unit cache),
	 * for the write after the case */
	int64_t tasks[LX_FLOW_MAX_TASKS];
	int ntasks;
};

/* The index of status among m's states, or -1 (engine.c). */
int lx_flow_state_index(const lx_cmachine *m, const char *status);

/* The actor before a system step, to go back to (ctx.c). */
typedef struct lx_flow_saved_actor {
	lx_flow_actor who;
	char *scope;
} lx_flow_saved_actor;
/* Acts as the system (user_id is recorded on the events) until
 * lx_flow_as_before puts back what *s saved. */
void lx_flow_as_system(lx_flow_ctx *x, lx_flow_saved_actor *s, int64_t user_id);
void lx_flow_as_before(lx_flow_ctx *x, lx_flow_saved_actor *s);

/* The category of c (cached; NULL when c has none or it is gone). */
const lx_category *lx_flow_category(lx_flow_ctx *x, const char *code);
/* Unit id (cached; NULL when there is none). Scope is not checked here. */
const lx_unit *lx_flow_unit(lx_flow_ctx *x, int64_t id);

/* ---- deadlines (deadlines.c) ---- */
/* A fresh dispatch of c at x->now: both clocks from the category (hours or
 * working days; urgent shortens), lateness flags cleared. ev records the
 * deadlines. */
int lx_flow_clocks_fresh(lx_flow_ctx *x, lx_case *c, lx_event *ev, lx_flow_error *err);
/* A fresh resolve clock only (a failed verification), from x->now. */
int lx_flow_resolve_fresh(lx_flow_ctx *x, lx_case *c, lx_event *ev, lx_flow_error *err);
/* Moves the open deadlines of c later by the time [from, to) suspended:
 * wall time for hour clocks, working time for working-day clocks. */
int lx_flow_clocks_shift(lx_flow_ctx *x, lx_case *c, lx_ms from, lx_ms to, lx_event *ev, lx_flow_error *err);
/* Adds an approved extension (hours or workdays) to the resolve deadline. */
int lx_flow_clocks_extend(lx_flow_ctx *x, lx_case *c, double hours, int workdays, lx_event *ev,
			  lx_flow_error *err);
/* Recomputes the working-day deadlines of c from its clock basis and the
 * current calendar. *moved tells whether a deadline changed. */
int lx_flow_clocks_recompute(lx_flow_ctx *x, lx_case *c, bool *moved, lx_event *ev, lx_flow_error *err);

/* ---- cascades (engine.c) ---- */
/* Fires a system action on case id (another case: a cascade). */
int lx_flow_apply_system(lx_flow_ctx *x, int64_t id, const char *action, const lx_flow_input *in,
			 lx_flow_error *err);
/* The ids of the duplicates merged into master still unanswered (malloc'd). */
int lx_flow_merged_unanswered(lx_flow_ctx *x, int64_t master, int64_t **ids, size_t *n);

#endif

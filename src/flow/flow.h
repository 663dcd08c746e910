/*
 * flow.h - the workflow engine: every kind of work is a machine declared as
 * data (machines.c), and every change of a case goes through one function.
 *
 * A machine has states (each open or not, done or not, with its clocks
 * running or not), transitions (an action, the states it leaves, the state
 * it enters or the named outcome that picks one from the input, the roles
 * that may fire it and whether the actor must handle the case, the input
 * schema it takes, named guards and named effects), and clocks (accept,
 * resolve: which states they run in and what the sweeper fires when one
 * passes). Nothing outside flow/ names a status: the store's open and done
 * predicates and the web's lists are read from the machines.
 *
 * The change of a case, from any caller:
 *
 *   lx_flow_fire   load the case in the actor's scope, check the version,
 *    └ lx_flow_apply   then: decide + effects (lx_flow_step), write the case
 *       └ lx_flow_step     with its version check, append the timeline
 *                          event, run the after-effects (cascades)
 *
 * lx_flow_step changes a case in memory only: the demo and gen drive it to
 * simulate a year of work and insert each case once, with its events.
 */
#ifndef LX_FLOW_H
#define LX_FLOW_H

#include "lx.h"
#include "repo.h"
#include "repo_onekey.h"
#include "schema.h"

#include <jansson.h>

/* ---------------- the declared machines ---------------- */

enum { LX_GRP_INITIAL, LX_GRP_ACTIVE, LX_GRP_INACTIVE };
enum { LX_CLOCK_ACCEPT, LX_CLOCK_RESOLVE, LX_CLOCK__N };

#define LX_FLOW_MAX_STATES 24
#define LX_FLOW_MAX_LIST 12

typedef struct lx_flow_state {
	const char *name;
	int group;                 /* LX_GRP_*: RT's initial / active / inactive */
	bool open;                 /* work remains: it is on someone's list */
	bool done;                 /* finished work (resolved) for the statistics */
	const char *on_enter[4];   /* effects run whenever a transition enters it */
	const char *on_exit[4];    /* effects run whenever a transition leaves it */
	const char *notices[2];    /* "who:event" told whenever a transition enters it (notices.c) */
	const char *label;         /* Chinese name, for the docs and the web */
} lx_flow_state;

typedef struct lx_flow_transition {
	const char *action;
	const char *from[LX_FLOW_MAX_LIST]; /* the states it may leave */
	const char *to;            /* the state it enters; NULL: stays, unless outcome */
	const char *outcome;       /* a named rule choosing `to` from the input */
	unsigned roles;            /* the user roles that may fire it */
	bool system;               /* the system may fire it (duty list, sweeper, calendar) */
	bool handles;              /* the actor's scope must hold the handling unit */
	bool covers;               /* the actor's scope must hold the case's place */
	bool needs_handler;        /* the case must have a handling unit */
	const char *input;         /* the input schema's name (inputs.c) */
	const char *guards[4];
	const char *effects[6];
	const char *after[3];      /* effects after the case is written (other cases) */
	const char *notices[2];    /* "who:event" told after it is written (notices.c) */
} lx_flow_transition;

typedef struct lx_flow_clock {
	const char *name;          /* "accept", "resolve" */
	int slot;                  /* LX_CLOCK_*: which deadline of the case it is */
	const char *runs_in[LX_FLOW_MAX_LIST];
	const char *overdue;       /* the system action fired when it passes */
	const char *warning;       /* "who:event" told an hour before it runs out (NULL: none; the
				    * sweep, lx_flow_sweep; only the resolve clock is swept for it) */
} lx_flow_clock;

/* How long before a clock runs out its warning is written. */
#define LX_FLOW_WARN_AHEAD_MS (3600 * 1000)

typedef struct lx_flow_decl {
	const char *type;
	const char *label;
	const lx_flow_state *states;
	const lx_flow_transition *const *parts; /* transition tables, NULL-terminated */
	const lx_flow_clock *clocks;            /* ends with name NULL */
} lx_flow_decl;

/* The declarations (machines.c): every case type's machine. */
extern const lx_flow_decl lx_flow_machines[];

/* ---------------- an action's input (inputs.c) ---------------- */

/* Every field any action takes; each action's schema names its own. */
typedef struct lx_flow_input {
	int64_t version;
	bool has_version;
	const char *note, *reason, *reply;
	int64_t unit_id;
	json_t *unit_ids;
	int rating;
	bool has_rating;
	bool solved, has_solved;
	double hours;
	bool has_hours;
	int64_t workdays;
	bool has_workdays;
	bool passed, has_passed;
	bool upheld, has_upheld;
	int64_t into_id;
	lx_ms until;
	bool has_until;
	int64_t task_id;           /* assist_done: from the path, not the body */
	bool probe;                /* asked for allowed_actions: evidence the actor adds
				    * just before firing (an after-photo) is not asked for */
} lx_flow_input;

/* The schema of action's input (the same for every machine), or NULL
 * for an action no machine has. */
const lx_schema *lx_flow_input_schema(const char *action);

/* ---------------- running the machines ---------------- */

/* Who fires an action. */
typedef struct lx_flow_actor {
	int64_t user_id;           /* recorded on the event (0: nobody) */
	unsigned roles;
	const char *scope;         /* the actor's unit path ("/": everything) */
	bool system;               /* fires system transitions (roles are not asked) */
} lx_flow_actor;

/* Why an action was refused, in the contract's terms. */
typedef struct lx_flow_error {
	int status;                /* 403, 404, 409, 422, 500, 503 */
	const char *code;
	const char *field;         /* NULL or the input field at fault */
	char message[200];
} lx_flow_error;

/* What one change appends to the timeline: lx_event (store/repo.h). */

typedef struct lx_flow_ctx lx_flow_ctx;

/* Compiles the declarations: resolves every state, guard, effect, outcome
 * and input name, and tells the store the classes of the statuses. Aborts
 * with a message on a declaration error (a build that cannot run). Call
 * once before threads start; later calls do nothing. */
void lx_flow_init(void);

/* A context for one request, one sweep, or one bulk load: the database,
 * the actor, the time ("now", which a simulation moves), the server zone,
 * and caches of categories, units and the calendar. Caller frees it. */
lx_flow_ctx *lx_flow_ctx_new(lx_db *db, const lx_flow_actor *who, lx_ms now, int tz_offset_min);
/* Frees x and its caches; NULL is fine. */
void lx_flow_ctx_free(lx_flow_ctx *x);
/* Moves x's "now" (a simulation steps its clock forward). */
void lx_flow_ctx_set_now(lx_flow_ctx *x, lx_ms now);
/* Gives x a category the caller loaded already (x keeps a copy). */
void lx_flow_category_put(lx_flow_ctx *x, const lx_category *c);
/* Gives x a unit the caller loaded already (x keeps a copy), so that the
 * engine does not read it again. */
void lx_flow_ctx_put_unit(lx_flow_ctx *x, const lx_unit *u);
/* Makes who the actor of x's next steps (x keeps a copy of its scope). */
void lx_flow_ctx_set_actor(lx_flow_ctx *x, const lx_flow_actor *who);

/* The working-day calendar (calendar.h), loaded once per context. NULL
 * when the store failed. */
struct lx_cal;
const struct lx_cal *lx_flow_calendar(lx_flow_ctx *x);

/* True when type names a machine. */
bool lx_flow_type_known(const char *type);
/* The names of every case type, NULL-terminated (static). */
const char *const *lx_flow_types(void);
/* The state status of type's machine (static), or NULL for a type or
 * status the machines do not know. */
const lx_flow_state *lx_flow_state_of(const char *type, const char *status);
/* True when clock slot (LX_CLOCK_*) runs in status of type's machine. */
bool lx_flow_clock_runs(const char *type, const char *status, int slot);
/* Lateness as the clocks say, for the API and exports: open work past its
 * resolve deadline while that clock runs (or it ran out before stopping);
 * a case waiting to be accepted past its accept deadline. */
bool lx_flow_overdue(const lx_case *c, lx_ms now);
bool lx_flow_accept_overdue(const lx_case *c, lx_ms now);
/* True when status is a state of some machine. */
bool lx_flow_status_known(const char *status);

/* Starts a new case in its machine's initial state with the event
 * `create` (in memory: the caller inserts both). c->type must be known. */
void lx_flow_start(lx_flow_ctx *x, lx_case *c, lx_event *ev);

/* Decides whether the actor may fire action on c now: LX_OK with *to (the
 * state it would enter: static), or an error with err filled (403 for an
 * action this type does not have or no role, 409 not from this state, a
 * guard's own error). in may be NULL for a probe: outcomes then choose from
 * an empty input (rate: reopened, verify: accepted). */
int lx_flow_decide(lx_flow_ctx *x, const lx_case *c, const char *action, const lx_flow_input *in,
		   const char **to, lx_flow_error *err);

/* Calls fn(arg, action) for every action the actor may fire on c now,
 * in the machines' order. */
void lx_flow_allowed(lx_flow_ctx *x, const lx_case *c, void (*fn)(void *arg, const char *action),
		     void *arg);

/* Decides and applies action to c in memory (effects, deadlines, status),
 * filling *ev. On failure err says why, and c may hold what the effects
 * that ran changed: the caller discards it (a write job rolls back). */
int lx_flow_step(lx_flow_ctx *x, lx_case *c, const char *action, const lx_flow_input *in,
		 lx_event *ev, lx_flow_error *err);

/* lx_flow_step, then the write: the case with its version check (409
 * stale_version if it moved), the event, and the transition's
 * after-effects. Runs inside the caller's write transaction (a write job).
 * On failure the caller's transaction must be undone. */
int lx_flow_apply(lx_flow_ctx *x, lx_case *c, const char *action, const lx_flow_input *in,
		  lx_event *ev, lx_flow_error *err);

/* Records on c's timeline a step that leaves the case as it is: a file
 * attached or removed (action "attach" or "detach", a static name; note
 * copied). The case's row and version are not touched, so a client holding
 * the version it saw may still act on it. In the caller's write
 * transaction. Returns LX_OK or LX_ERR. (notes.c) */
int lx_flow_note(lx_flow_ctx *x, const lx_case *c, const char *action, const char *note);

/* Loads case id in the actor's scope (404 outside it), checks in->version
 * when given (409 stale_version), and applies action. *out receives the
 * case as written (caller clears it); ev may be NULL. */
int lx_flow_fire(lx_flow_ctx *x, int64_t id, const char *action, const lx_flow_input *in,
		 lx_case *out, lx_event *ev, lx_flow_error *err);

/* The unit a category's duty-list rule names for a case located at loc
 * (NULL: nowhere): a fixed unit, the ancestor of a kind, or the department
 * of a name in loc's district. LX_OK with *out (the caller clears it),
 * LX_NOTFOUND when the rule gives none, LX_ERR. */
int lx_flow_duty_unit(lx_db *db, const lx_category *cat, const lx_unit *loc, lx_unit *out);

/* Inserts a new case: lx_flow_start, the insert with its search terms,
 * the create event; then, when duty names a unit, the duty list's
 * dispatch (a system action) with its event. LX_OK or an error. */
int lx_flow_create(lx_flow_ctx *x, lx_case *c, const char *terms, const lx_unit *duty,
		   lx_flow_error *err);

/* Fires the sweeper's actions on case c (loaded by the caller) for every
 * clock of its machine that runs in its state and passed before now
 * unmarked: through lx_flow_apply when write is set, else in memory (a
 * simulation), handing each event to keep (which takes it over; NULL:
 * dropped). *n counts the actions fired. */
int lx_flow_tick(lx_flow_ctx *x, lx_case *c, bool write, void (*keep)(void *arg, lx_event *ev), void *arg,
		 int *n, lx_flow_error *err);

/* Whether the calendar x reads now would move c's working-day deadlines
 * (c is not changed). LX_OK or an error of the store. */
int lx_flow_clocks_moved(lx_flow_ctx *x, const lx_case *c, bool *moved);

/* The warnings an hour before a resolve deadline, as the machines' clocks
 * declare them: up to limit cases, each deadline warned of once (a second
 * node's attempt finds it taken); *n counts them. In the caller's write
 * transaction, which should hold no case's row lock (a sweep's own: the
 * warning's foreign key waits on it, and two nodes could deadlock).
 * LX_OK or LX_ERR. */
int lx_flow_warn_sweep(lx_flow_ctx *x, int limit, int *n);
/* One pass of the sweeper: every case whose clock passed, and every
 * suspension whose `until` came. Inside the caller's transaction; at most
 * limit cases per kind. *n counts the actions fired. */
int lx_flow_sweep(lx_flow_ctx *x, int limit, int *n);

/* The machines as GET /api/v1/workflows shows them: a new array. */
json_t *lx_flow_describe(void);

/* Every action with its union of roles over the machines, for the route
 * table: calls fn for each action some user role may fire. */
void lx_flow_actions(void (*fn)(void *arg, const char *action, unsigned roles), void *arg);

/* Writes the notices the event raised (ev->notices, "who:event" from the
 * machines) for case c as it is now, through notify/ in x's transaction,
 * at ev->at (notices.c). LX_OK or LX_ERR. The engine calls it for every
 * event it writes; a bulk load may call it for the events it keeps. */
int lx_flow_notify(lx_flow_ctx *x, const lx_case *c, const lx_event *ev);
/* Whether spec is a notice the engine can write ("handler:", "desk:" or
 * "reporter:" and an event name). */
bool lx_flow_notice_valid(const char *spec);

/* The case number (local date of intake + id, "20261123000042") into out. */
void lx_flow_case_number(int tz_offset_min, const lx_case *c, char out[32]);
/* The id a case number names (its digits after the date: 6 or more), into
 * *id. False when s is no case number's shape (14 to 26 digits, an id > 0);
 * whether the date is the case's is for the caller to compare. */
bool lx_flow_case_number_id(const char *s, int64_t *id);

/* ---------------- the press-9 call (onekey.c) ---------------- */

#define LX_ONEKEY_MAX_STEPS 8 /* 5 carers (LX_CARERS_MAX), the grid, the community, the desk */

/* Sets the time each step of a ladder has to acknowledge (the setting
 * onekey_step_minutes; decimals allowed). Call before threads start. */
void lx_onekey_configure(double step_minutes);
/* That time, ms. */
lx_ms lx_onekey_step_ms(void);
/* The ladder of a call at unit `at` for the resident's carers (user ids in
 * order): steps[0..*n) of at most LX_ONEKEY_MAX_STEPS, carers then the
 * grid's workers, the community's staff and the district desk (always
 * last); the community's id into *community (0: none). LX_OK or LX_ERR. */
int lx_onekey_ladder(lx_flow_ctx *x, const lx_unit *at, const int64_t *carers, int ncarers, lx_onekey_step *steps,
		     int *n, int64_t *community);
/* Opens call k for the case c just created at unit `at` (in its write
 * transaction): makes the ladder, writes the call (sets k->id, its steps
 * and times) and tells the first step (a copy of it into *first when not
 * NULL). k's resident, place, caller, device and emergency are the
 * caller's. LX_OK, LX_INVALID (nobody to tell at all), LX_ERR. */
int lx_onekey_open(lx_flow_ctx *x, lx_onekey_call *k, const lx_case *c, const lx_unit *at, const int64_t *carers,
		   int ncarers, lx_onekey_step *first);
/* The sweep's part: moves up to limit calls whose step ran out
 * unacknowledged at x->now to their next step and tells it; how many into
 * *moved. In the caller's write transaction. LX_OK or LX_ERR. */
int lx_onekey_sweep(lx_flow_ctx *x, int limit, int *moved);

/* Records err as the contract's error (printf message). Returns the LX_
 * status matching err->status. */
int lx_flow_fail(lx_flow_error *err, int status, const char *code, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

#endif

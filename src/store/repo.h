/*
 * repo.h - the repositories: every read and write of lianxin's tables.
 *
 * Each function takes the caller's connection (lx_pool_conn) and, where
 * rows belong to the grid, a scope: the materialised path of the caller's
 * unit ("/1/7/"; "/" for the whole system). Scope is part of every query's
 * WHERE clause, so a row outside it reads as LX_NOTFOUND.
 *
 * Structs returned by value own their strings; free them with the matching
 * *_clear function. Listings that are only shown come back as jansson
 * arrays of plain row objects (the caller owns the reference).
 */
#ifndef LX_REPO_H
#define LX_REPO_H

#include "db.h"
#include "jw.h"
#include "lx.h"

#include <jansson.h>

/* ---------------- helpers for the repositories (repo_util.c) ---------------- */

/* Steps st once: on a row calls fill(st, out) and returns LX_OK; LX_NOTFOUND
 * for no row; the step's error otherwise. Always finishes st. */
int lx_row_one(lx_stmt *st, void (*fill)(lx_stmt *st, void *out), void *out);
/* Steps a bound statement that returns no rows (an INSERT, an UPDATE of
 * any number of rows) and finishes it: LX_OK or LX_ERR. */
int lx_stmt_exec(lx_stmt *st);
/* Steps the bound UPDATE st and finishes it: LX_OK when it changed one row,
 * `none` (LX_NOTFOUND, LX_CONFLICT) when it changed none, the store's
 * status otherwise. */
int lx_change_one(lx_db *db, lx_stmt *st, int none);
/* Steps st to the end, appending row(st, arg) for each row to a new array
 * (the caller owns it). NULL on error. Always finishes st. */
json_t *lx_rows_json(lx_stmt *st, json_t *(*row)(lx_stmt *st, void *arg), void *arg);
/* The integers of column 0 of every row of st as a new array (the caller
 * owns it), or NULL on error. Always finishes st. */
json_t *lx_rows_ids(lx_stmt *st);
/* "%s%" with s's LIKE wildcards escaped by a backslash (for "LIKE ? ESCAPE
 * '\\'"): malloc'd, the caller frees it. */
char *lx_like_pattern(const char *s);

/* ---------------- units ---------------- */

typedef struct lx_unit {
	int64_t id;
	int64_t parent_id; /* 0: none */
	char kind[16];
	char *code;
	char *name;
	char *path;        /* "/1/7/42/" */
	int depth;
	char *boundary;    /* GeoJSON text or NULL */
	double bbox[4];    /* valid when the unit has a boundary */
	lx_ms updated_at;  /* changes whenever the unit (its boundary) changes */
} lx_unit;

void lx_unit_clear(lx_unit *u);
/* The name and kind of unit id when the caller of scope may name it: a
 * unit of its subtree, one of its own ancestors, or a unit a case visible
 * in scope names (where it is located, who handles it, who assists).
 * name (malloc'd, the caller frees) and kind (into kind[16]). LX_OK,
 * LX_NOTFOUND (no such unit, or not nameable: the two look the same),
 * LX_ERR. */
int lx_unit_name_visible(lx_db *db, const char *scope, int64_t id, char **name, char kind[16]);
/* True when path lies inside scope (scope is a prefix of path). */
bool lx_scope_contains(const char *scope, const char *path);
/* Writes the exclusive upper bound of the subtree range of path ("/1/7/" ->
 * "/1/70") into hi. */
void lx_scope_upper(const char *path, char *hi, size_t hisz);
/* Binds the subtree range of path: path at parameter i, its upper bound
 * at i + 1 (for "x >= ?i AND x < ?i+1"). */
void lx_bind_scope(lx_stmt *st, int i, const char *path);
/* The unit ids a materialised path names, root first ('/1/7/42/' -> 1, 7,
 * 42), into ids[0..max); returns how many: 0 for '/', for NULL and for a
 * path that is not all '/<digits>' steps ending in '/' or has more than max. */
size_t lx_path_ids(const char *path, int64_t *ids, size_t max);
/* Levels a path can have: paths are at most 511 bytes, '/1' a level. */
#define LX_PATH_MAX_DEPTH 256
/* The id of the unit a path names ('/1/2/45/' -> 45); 0 for '/' or a
 * malformed path. */
int64_t lx_path_unit_id(const char *path);

/* Loads unit id into *out when it lies in scope. LX_OK, LX_NOTFOUND, LX_ERR. */
int lx_unit_get(lx_db *db, const char *scope, int64_t id, lx_unit *out);
/* Loads unit id without its boundary and without a scope check (boundary
 * NULL): for lookups that need its name, path and parent only. LX_OK,
 * LX_NOTFOUND, LX_ERR; *out is the caller's to clear. */
int lx_unit_head(lx_db *db, int64_t id, lx_unit *out);
/* Loads a unit by code (no scope: used by imports). LX_OK, LX_NOTFOUND, LX_ERR. */
int lx_unit_get_by_code(lx_db *db, const char *code, lx_unit *out);
/* The desk a case nobody can place belongs to: unit_id when set (> 0),
 * else the first top-level district. LX_OK, LX_NOTFOUND or LX_ERR. */
int lx_unit_desk(lx_db *db, int64_t unit_id, lx_unit *out);
/* Inserts u (parent_id, kind, code, name, boundary, bbox); computes path and
 * depth from the parent and sets u->id, u->path, u->depth.
 * LX_OK, LX_CONFLICT (duplicate code), LX_NOTFOUND (no parent), LX_ERR. */
int lx_unit_insert(lx_db *db, lx_unit *u);
/* Updates name, code, kind, boundary and bbox of u->id. LX_OK, LX_CONFLICT, LX_ERR. */
int lx_unit_update(lx_db *db, const lx_unit *u);
/* Lists units in scope, filtered by parent (0: any) and kind (NULL: any),
 * ordered by depth and code, at most limit from offset. Returns a new
 * array of unit objects (with boundary
 * parsed when with_boundary). NULL on error. */
json_t *lx_unit_list(lx_db *db, const char *scope, int64_t parent_id, const char *kind,
		     bool with_boundary, int64_t limit, int64_t offset);
/* Calls fn for every unit with a boundary whose bbox contains the point, in
 * no particular order, without loading the boundary text (u->boundary is
 * NULL; see lx_unit_boundary). fn returns 0 to go on. LX_OK or LX_ERR. */
int lx_unit_candidates(lx_db *db, double lat, double lon,
		       int (*fn)(void *arg, const lx_unit *u), void *arg);
/* Loads the boundary text of unit id into *out (malloc'd, caller frees).
 * LX_OK, LX_NOTFOUND (no unit or no boundary) or LX_ERR. */
int lx_unit_boundary(lx_db *db, int64_t id, char **out);
/* Returns the ancestors of u (district first, u last) as units in *out (n in
 * *n); caller frees each with lx_unit_clear and the array with free. */
int lx_unit_ancestors(lx_db *db, const lx_unit *u, lx_unit **out, size_t *n);
/* Finds the unit of `kind` named `name` inside path prefix `under` (NULL:
 * anywhere, and then only when exactly one matches). LX_OK or LX_NOTFOUND. */
int lx_unit_find_named(lx_db *db, const char *under, const char *kind, const char *name,
		       lx_unit *out);
/* Unit object as the API shows it. Caller owns the result. */
json_t *lx_unit_json(const lx_unit *u, bool with_boundary);
/* Children of parent (ids and paths) in *out; caller frees with lx_unit_clear each and free. */
int lx_unit_children(lx_db *db, int64_t parent_id, lx_unit **out, size_t *n);

/* ---------------- the audit log (repo_audit.c) ---------------- */
/* One audit row. Strings are the caller's; none may hold personal data
 * beyond a login and an address. */
typedef struct lx_audit {
	lx_ms at;              /* 0: now */
	const char *kind;      /* login, login_failed, login_locked, unlock, logout, password_changed,
				* password_set, user_created, roles_changed, totp_enrolled, totp_removed,
				* unmasked_read, export, apikey_used */
	int64_t actor_id;      /* who did it (0: nobody logged in, or the system) */
	const char *login;     /* the login concerned (an attempt's, a changed user's) */
	const char *addr;      /* the client's address */
	const char *target;    /* what it concerned: "user:12", "case:88", "cases.xlsx" */
	const char *detail;    /* a short note */
} lx_audit;
/* Appends n rows to the audit chain (inside the caller's write
 * transaction). LX_OK or LX_ERR. */
int lx_audit_insert(lx_db *db, const lx_audit *a, size_t n);
/* Failed logins since `since` (ms): from addr, for login from addr, and
 * for login from anywhere (then *last_at is the latest), each counted only
 * after the login's last success or unlock. LX_OK or LX_ERR. */
typedef struct lx_login_failures {
	int64_t by_addr, by_pair, by_login;
	lx_ms last_at;
} lx_login_failures;
int lx_audit_login_failures(lx_db *db, const char *login, const char *addr, lx_ms since,
			    lx_login_failures *out);
/* The audit rows newest first, filtered (kind, login may be NULL; before
 * 0: from the newest), at most limit: a new array the caller owns, or NULL
 * on a store error. */
json_t *lx_audit_list(lx_db *db, const char *kind, const char *login, int64_t before_id, int limit,
		      int tz_offset_min);

/* ---------------- users and sessions ---------------- */

typedef struct lx_user {
	int64_t id;
	char *login;
	char *name;
	char *phone;
	unsigned roles;
	int64_t unit_id;   /* 0: whole system */
	char *scope;       /* unit path, "/" for the whole system */
	bool active;
	bool must_change_password; /* a password nobody chose: change it first */
	bool totp_enabled;         /* a confirmed second factor */
	lx_ms password_changed_at;
	lx_ms seen_at;             /* the session's last use (lx_session_user only) */
} lx_user;

void lx_user_clear(lx_user *u);
/* Inserts a user (with u->must_change_password); sets u->id. LX_OK,
 * LX_CONFLICT (login taken), LX_ERR. */
int lx_user_insert(lx_db *db, lx_user *u, const char *password_hash);
/* Updates name, phone, roles, unit_id, active and, when password_hash is
 * not NULL, the password (with u->must_change_password and its date). */
int lx_user_update(lx_db *db, const lx_user *u, const char *password_hash);
/* The stored password hash of user id (malloc'd into *hash). LX_OK,
 * LX_NOTFOUND or LX_ERR. */
int lx_user_password_hash(lx_db *db, int64_t id, char **hash);
/* The second factor of user id: the encrypted secret and pending secret
 * (malloc'd, NULL when none) and the last time step used. */
int lx_user_totp(lx_db *db, int64_t id, char **secret, char **pending, int64_t *step);
/* Stores an enrolment awaiting its first code (NULL: drop it). */
int lx_user_totp_pending(lx_db *db, int64_t id, const char *pending);
/* Makes the pending secret the user's second factor, used at step. */
int lx_user_totp_confirm(lx_db *db, int64_t id, int64_t step);
/* Records step as used, only if it is later than the last: LX_OK, or
 * LX_CONFLICT when the code's step was used already (a replay). */
int lx_user_totp_use(lx_db *db, int64_t id, int64_t step);
/* Removes the second factor. */
int lx_user_totp_clear(lx_db *db, int64_t id);
/* Loads a user whose unit lies in scope. LX_OK, LX_NOTFOUND, LX_ERR. */
int lx_user_get(lx_db *db, const char *scope, int64_t id, lx_user *out);
/* The active volunteers (代理儿女) of units in scope, with how many residents
 * each looks after: [{id, name, unit_id, serves}] (the caller owns it), or
 * NULL on error. */
json_t *lx_volunteer_list(lx_db *db, const char *scope);
/* Loads a user and its password hash by login (no scope). *hash is malloc'd. */
int lx_user_by_login(lx_db *db, const char *login, lx_user *out, char **hash);
/* Lists users in scope as API objects. NULL on error. */
json_t *lx_user_list(lx_db *db, const char *scope);
/* User object as the API shows it (never the password). Caller owns. */
json_t *lx_user_json(const lx_user *u);
/* Stores a session for token_hash begun from addr. */
int lx_session_insert_from(lx_db *db, const char *token_hash, int64_t user_id, lx_ms expires,
			   const char *addr);
/* Loads the live session's user: not revoked, not expired, used within
 * idle_ms (out->seen_at says when). LX_OK or LX_NOTFOUND. */
int lx_session_user(lx_db *db, const char *token_hash, lx_ms now, lx_ms idle_ms, lx_user *out);
/* Revokes a session. */
int lx_session_revoke(lx_db *db, const char *token_hash, lx_ms now);
/* Revokes every live session of user_id but except_hash (NULL: all). */
int lx_sessions_revoke_user(lx_db *db, int64_t user_id, const char *except_hash, lx_ms now);
/* Records the session's use at now. */
int lx_session_touch(lx_db *db, const char *token_hash, lx_ms now);

/* ---------------- categories ---------------- */

typedef struct lx_category {
	char *code;
	char *name;
	char *parent_code;
	char case_type[16];
	double accept_hours;
	double resolve_hours;
	char *resp_kind;  /* "unit_id" | "unit_kind" | "unit_name" | NULL */
	char *resp_value;
	int accept_workdays;  /* > 0: the accept clock in working days, not hours */
	int resolve_workdays; /* > 0: the resolve clock in working days */
	bool verify;          /* resolved work is verified (核查) before it counts */
	bool suspend_approval;/* a handler's suspension waits for the desk */
	int max_extensions;   /* extensions a case may be granted (default 1) */
	bool photo_on_resolve;/* resolve needs an after-photo (a `resolve` attachment) */
	bool on_spot;         /* a grid worker may resolve on the spot what they reported
			       * in their own grid (即知即办) */
	bool anonymous_ok;    /* a resident may file it without name and number */
} lx_category;

void lx_category_clear(lx_category *c);
int lx_category_get(lx_db *db, const char *code, lx_category *out);
/* Inserts or, when update is true, updates by code. LX_OK, LX_CONFLICT, LX_NOTFOUND, LX_ERR. */
int lx_category_put(lx_db *db, const lx_category *c, bool update);
json_t *lx_category_list(lx_db *db);
json_t *lx_category_json(const lx_category *c);

/* ---------------- cases ---------------- */

typedef struct lx_case {
	int64_t id;
	char type[16], channel[16], status[16];
	char *category_code;
	char *title, *description, *address;
	bool has_point;
	double lat, lon;
	int64_t unit_id;          /* 0: none */
	char *unit_path;
	int64_t handler_unit_id;  /* 0: none */
	char *scope_path;         /* handler unit path, else unit_path, else "/" */
	bool urgent;
	char *reporter_name, *reporter_phone;
	bool reporter_anonymous;
	int64_t created_by;
	lx_ms created_at, first_dispatched_at, dispatched_at, accept_due_at, resolve_due_at,
		accepted_at, resolved_at, closed_at, rated_at, updated_at; /* 0: never */
	char *reply;
	char rating[16];          /* "" none */
	int solved;               /* -1 none, 0, 1 */
	bool accept_overdue, overdue;
	int supervised;
	int64_t version;
	/* the engine's bookkeeping (flow/): */
	char pending[16];         /* a request awaiting the desk: "" none, "extension",
				   * "suspension", "appeal" */
	lx_ms suspended_at;       /* the current suspension's start (0: not suspended) */
	lx_ms suspended_until;    /* when it ends by itself (0: when resumed) */
	int64_t suspended_ms;     /* total time suspended */
	bool excluded;            /* left out of the rated figures (invalid, upheld appeal) */
	int64_t merged_into;      /* the master of a merged duplicate (0: none) */
	int accept_workdays;      /* the clocks in working days (0: in hours) */
	int resolve_workdays;
	int rule_workdays;        /* > 0: the resolve clock's days its intake set (a hazard
				   * rule's), instead of the category's (immutable) */
	lx_ms resolve_basis_at;   /* what a working-day resolve clock counts from */
	int64_t resolve_extra_ms; /* working time added to it (suspensions, hour extensions) */
	char *extensions, *suspensions, *verifications, *appeals; /* JSON arrays or NULL */
	lx_ms appealed_at;        /* the latest appeal's time (0: none) */
	char *status_note;        /* why it is in its status: the reason given */
	int64_t status_by;        /* who moved it there (0: the system) */
	int64_t status_unit_id;   /* the unit that move concerned */
	int open_tasks;           /* filled by lx_case_get */
} lx_case;

void lx_case_clear(lx_case *c);
/* Deep copy of src into *dst (caller clears it). */
void lx_case_copy(lx_case *dst, const lx_case *src);
/* The columns lx_case_from_row reads, in order, from a table aliased c. */
#define LX_CASE_ROW_COLS \
	"c.id, c.type, c.channel, c.status, c.category_code, c.title, c.description, c.address, " \
	"c.lat, c.lon, c.unit_id, c.unit_path, c.handler_unit_id, c.scope_path, c.urgent, " \
	"c.reporter_name, c.reporter_phone, c.reporter_anonymous, c.created_by, c.created_at, " \
	"c.first_dispatched_at, c.dispatched_at, c.accept_due_at, c.resolve_due_at, " \
	"c.accepted_at, c.resolved_at, c.closed_at, c.rated_at, c.updated_at, c.reply, c.rating, " \
	"c.solved, c.accept_overdue, c.overdue, c.supervised, c.version, c.pending, c.suspended_at, " \
	"c.suspended_until, c.suspended_ms, c.excluded, c.merged_into, c.accept_workdays, " \
	"c.resolve_workdays, c.resolve_basis_at, c.resolve_extra_ms, c.extensions, c.suspensions, " \
	"c.verifications, c.appeals, c.appealed_at, c.status_note, c.status_by, c.status_unit_id, " \
	"c.rule_workdays"
/* How many columns LX_CASE_ROW_COLS names. */
#define LX_CASE_NCOLS 55
/* Fills *c from the current row of a statement selecting LX_CASE_ROW_COLS. */
void lx_case_from_row(lx_stmt *st, lx_case *c);
/* Inserts c with its search terms; sets c->id. LX_OK or LX_ERR. */
int lx_case_insert(lx_db *db, lx_case *c, const char *terms);
/* Loads a case visible in scope (located in it, handled in it, or assisted
 * by a unit in it). LX_OK, LX_NOTFOUND, LX_ERR. */
int lx_case_get(lx_db *db, const char *scope, int64_t id, lx_case *out);
/* Writes every mutable field of c when the stored version is still
 * expected_version, and bumps c->version. LX_OK, LX_CONFLICT (stale), LX_ERR.
 * Only the engine (flow/) calls it: it is how a case changes. */
int lx_case_update(lx_db *db, lx_case *c, int64_t expected_version);

/* One timeline event. note and input are owned by whoever fills the
 * struct (lx_event_clear frees them); action, from and to are static
 * names from the machines. */
typedef struct lx_event {
	int64_t id, case_id;
	lx_ms at;
	int64_t actor_id;          /* 0: the system */
	const char *action, *from, *to;
	int64_t unit_id;           /* the unit it concerns (0: none) */
	char *note;
	char *input;               /* JSON of the structured input, or NULL */
	lx_ms accept_due_at, resolve_due_at; /* deadlines it set (0: unchanged) */
	/* who:event notices the change raises (flow/notices.c writes them after
	 * the event); static strings of the machines, never written here */
	const char *notices[6];
} lx_event;

void lx_event_clear(lx_event *e);
/* Appends e to the timeline of e->case_id (e->id is not set). LX_OK or LX_ERR. */
int lx_case_event(lx_db *db, const lx_event *e);
/* Appends n events (of one or several cases, in order) with as few
 * statements as may be (a bulk load; an intake's create and dispatch).
 * LX_OK or LX_ERR. */
int lx_case_events_insert(lx_db *db, const lx_event *ev, size_t n);
/* The id of the latest event of a case, in *id (0 when it has none).
 * LX_OK or LX_ERR. */
int lx_case_last_event(lx_db *db, int64_t case_id, int64_t *id);
/* Calls fn for every event of a case, oldest first (the strings are the
 * statement's, valid during the call; actor and unit names are joined
 * in). fn returns 0 to go on. LX_OK or LX_ERR. */
typedef struct lx_event_view {
	const lx_event *e;
	const char *actor_name, *unit_name;
} lx_event_view;
int lx_case_events_each(lx_db *db, int64_t case_id, int (*fn)(void *arg, const lx_event_view *v),
			void *arg);
/* Calls fn for each case merged into master (its duplicates), oldest first.
 * LX_OK or LX_ERR. */
int lx_case_merged_each(lx_db *db, int64_t master, int (*fn)(void *arg, const lx_case *c), void *arg);

/* The classes of the case statuses, as the engine's machines declare them
 * (flow/ tells the store once at start, lx_store_set_states): open (work
 * remains), done (finished, for the statistics), and which clock runs.
 * Every status predicate of the store's SQL is built from these. */
typedef struct lx_state_class {
	const char *name;
	bool open, done, accept_clock, resolve_clock;
} lx_state_class;
/* Copies n classes (names must stay valid). Call once before any query. */
void lx_store_set_states(const lx_state_class *s, size_t n);
/* The class of status, or NULL when no machine knows it. */
const lx_state_class *lx_store_state(const char *status);
/* The statuses with one class as a SQL list "('a', 'b')" (static, built at
 * set-up; "('')" when there are none). */
enum { LX_STATES_OPEN, LX_STATES_DONE, LX_STATES_ACCEPT_CLOCK, LX_STATES_RESOLVE_CLOCK, LX_STATES__N };
const char *lx_store_states_sql(int which);
/* Every status name the machines declare, NULL-terminated (static). */
const char *const *lx_store_statuses(void);

typedef struct lx_case_filter {
	const char *status, *type, *category_code;
	const char *pending;      /* "any" or a kind: requests awaiting the desk (NULL: all) */
	int64_t unit_id;          /* limit to this unit's subtree (must be in scope) */
	const char *unit_path;    /* its path, resolved by the caller */
	bool overdue;
	const char *match;        /* FTS expression or NULL */
	char **words;             /* substrings that must all occur */
	size_t nwords;
	lx_ms from, to;           /* 0: unbounded */
	int limit;
	int64_t cursor;           /* list ids below this (0: from the newest) */
	int64_t id;               /* only this case (a number typed at the desk; 0: any) */
	const char *reporter_key; /* only a caller's cases (lx_phone_key of the phone) */
	int64_t created_by;       /* only the cases this user took in (0: anyone's) */
	int basis;                /* the unit filter's reading (LX_BASIS_*) */
} lx_case_filter;
/* How a unit filter reads: the case is located or handled there (either),
 * located there, or handled there. */
enum { LX_BASIS_EITHER = 0, LX_BASIS_LOCATION, LX_BASIS_HANDLER };
/* The search terms of a case (core/text.c over its title and description;
 * NULL reads as ""): what every path that fills the search index indexes.
 * Returns a malloc'd string ("" for no terms) the caller frees. */
char *lx_case_terms(const char *title, const char *description);
/* Indexes the search terms (lx_case_terms) of every case, in id order, into
 * an empty search index. every > 0 commits every that many cases in
 * transactions of its own (a bulk load); 0 runs inside the caller's
 * transaction. *n (may be NULL) receives the number of cases read.
 * LX_OK or the store's error. */
int lx_case_fts_rebuild(lx_db *db, int64_t every, int64_t *n);
/* Lists cases in scope, newest first. Calls fn for each; *more is set when
 * another page exists. LX_OK or LX_ERR. */
int lx_case_list(lx_db *db, const char *scope, const lx_case_filter *f,
		 int (*fn)(void *arg, const lx_case *c), void *arg, bool *more);

/* Assist sub-tasks. */
int lx_task_insert(lx_db *db, int64_t case_id, const lx_unit *u, const char *note, lx_ms now,
		   int64_t *id);
/* Finds task task_id of case_id when its unit lies in scope: *unit_id and
 * whether it is still open. LX_OK, LX_NOTFOUND, LX_ERR. */
int lx_task_find(lx_db *db, const char *scope, int64_t case_id, int64_t task_id, int64_t *unit_id,
		 bool *open);
/* Marks an open task done. LX_OK, LX_CONFLICT (already done), LX_ERR. */
int lx_task_finish(lx_db *db, int64_t task_id, int64_t actor_id, lx_ms now);
/* Writes the assist tasks of a case to w as an array, oldest first.
 * LX_OK or LX_ERR. */
int lx_task_list_write(lx_db *db, int64_t case_id, int offset_min, lx_jw *w);

/* Loads into *out (n cases, caller clears each and frees the array) up to
 * limit cases, in id order, whose clock `slot` (0 accept, 1 resolve) runs
 * in their status by the classes the engine gave the store and passed
 * before now unmarked: for the sweeper, which fires the machine's overdue
 * action on each. LX_OK or LX_ERR. */
int lx_case_due(lx_db *db, int slot, lx_ms now, int limit, lx_case **out, int *n);
/* Loads the suspended cases whose `until` came before now (the same way). */
int lx_case_until_due(lx_db *db, lx_ms now, int limit, lx_case **out, int *n);
/* Up to limit open cases whose resolve deadline falls in [now, now +
 * ahead_ms) and was not warned of yet, in id order (as lx_case_due). */
int lx_case_warn_due(lx_db *db, lx_ms now, lx_ms ahead_ms, int limit, lx_case **out, int *n);
/* Records the warning of case_id's deadline due_at. LX_OK, LX_CONFLICT
 * (another node warned of it first), LX_ERR. */
int lx_case_warned(lx_db *db, int64_t case_id, lx_ms due_at, lx_ms now);
/* Records every current deadline as warned of (a simulation's cases: the
 * demo's own notices are settled, none is written when it is served).
 * LX_OK or LX_ERR. */
int lx_case_warnings_settle(lx_db *db, lx_ms now);
/* Loads up to limit open cases with a clock in working days and an id
 * above after_id, in id order: what a change of the calendar may move. */
int lx_case_workday_open(lx_db *db, int64_t after_id, int limit, lx_case **out, int *n);
/* Counts open and overdue cases (for /metrics). */
int lx_case_counts(lx_db *db, lx_ms now, int64_t *open, int64_t *overdue);

/* ---------------- the working-day calendar (repo_calendar.c) ---------------- */

/* Calls fn for each day set in [from, to] ('YYYY-MM-DD'; NULL: unbounded),
 * in date order; fn returns 0 to go on. LX_OK or LX_ERR. */
int lx_calendar_each(lx_db *db, const char *from, const char *to,
		     int (*fn)(void *arg, const char *day, bool workday, const char *note), void *arg);
/* Sets one day (insert or replace). LX_OK or LX_ERR. */
int lx_calendar_put(lx_db *db, const char *day, bool workday, const char *note, int64_t actor_id, lx_ms now);
/* Gives a day back to the weekday rule (nothing when it was not set). */
int lx_calendar_unset(lx_db *db, const char *day);

/* households, residents, places, organisations: repo_registry.h */

/* ---------------- statistics (repo_stats.c) ---------------- */

typedef struct lx_stats {
	int64_t received, dispatched, due_for_response, accepted_on_time, rated, solved,
		satisfied, basic, unsatisfied, overdue_open, excluded;
} lx_stats;

/* The server zone used to cut days for the roll-ups (minutes east of UTC). */
void lx_store_set_tz(int offset_min);
/* The local day number of t, and the instant that day starts. */
int64_t lx_day_of(lx_ms t);
lx_ms lx_day_start(int64_t day);
/* Adds sign * the case's contribution to the roll-ups. LX_OK or LX_ERR. */
int lx_rollup_case(lx_db *db, const lx_case *c, int sign);
/* Moves the roll-ups from before to after (same case). LX_OK or LX_ERR. */
int lx_rollup_change(lx_db *db, const lx_case *before, const lx_case *after);
/* Recomputes every roll-up from the cases (after a bulk load): the daily
 * ones, then the monthly ones from those. lx_rollup_rebuild_days does the
 * first half (for migration 005, older than the monthly tables). */
int lx_rollup_rebuild(lx_db *db);
int lx_rollup_rebuild_days(lx_db *db);
/* Refills the monthly roll-ups from the daily ones. LX_OK or LX_ERR. */
int lx_rollup_rebuild_months(lx_db *db);
/* The month (year * 12 + month - 1) of a local day number, and the day
 * number of a month's first day. */
int64_t lx_month_of_day(int64_t day);
int64_t lx_month_first_day(int64_t month);
/* The visibility index (store/repo_scope.c): the rows of a new case, the
 * change of its status or handling unit, a unit asked to assist. Called by
 * the case repository in the case's transaction; LX_OK or LX_ERR. */
int lx_scope_case_insert(lx_db *db, const lx_case *c);
int lx_scope_case_change(lx_db *db, const lx_case *before, const lx_case *after);
int lx_scope_task_add(lx_db *db, int64_t case_id, const char *task_path);
/* Refills the visibility index from cases and tasks (after a bulk load).
 * LX_OK or LX_ERR. */
int lx_scope_rebuild(lx_db *db);
/* SQLite bulk load (store/bulk.c), start: no journal and no syncs (a
 * generated city is generated again, not recovered), and the secondary
 * indexes of cases and case_events dropped, their CREATE statements
 * appended to *sql (*n of them, malloc'd: the caller runs and frees them
 * at the end; one sort per index instead of row-by-row inserts). Partial
 * indexes stay: merged duplicates and timed suspensions are a few percent
 * of the cases, the cases on working-day clocks (about a fifth) enter an
 * index on the id in id order, at its end; building each again would read
 * the whole table once more. LX_OK or LX_ERR. */
int lx_bulk_load_begin(lx_db *db, char ***sql, size_t *n);
/* SQLite bulk load, end (after the indexes): sampled statistics, the WAL
 * journal back. LX_OK or LX_ERR. */
int lx_bulk_load_end(lx_db *db);
/* The second writer of a bulk load (store/bulk.c): the search terms and
 * visibility rows of the cases handed to it are written on a thread of its
 * own into a scratch file beside db, and copied into db at the end. */
typedef struct lx_bulk_side lx_bulk_side;
/* Starts the writer for db; LX_OK with *out NULL when db is not a SQLite
 * file (the caller then runs lx_case_fts_rebuild and lx_scope_rebuild after
 * the load). LX_ERR when the scratch file cannot be made. */
int lx_bulk_side_start(lx_db *db, lx_bulk_side **out);
/* Hands over an inserted case (id, status, paths, title and description are
 * copied); blocks while the writer is far behind. Only for cases without
 * assist tasks: lx_scope_task_add must follow for those. */
void lx_bulk_side_case(lx_bulk_side *s, const lx_case *c);
/* Waits for the writer and copies its tables into db's empty case_fts and
 * case_scope in a transaction of its own; db's connection must not have
 * read the search index before. db NULL abandons the load (the scratch
 * files are removed). *waited (may be NULL) receives how long the loader
 * was held up by the writer. Frees s (NULL: nothing to do). LX_OK or
 * LX_ERR. */
int lx_bulk_side_finish(lx_bulk_side *s, lx_db *db, lx_ms *waited);
/* Turns roll-up maintenance off for a bulk load on this connection (then
 * call lx_rollup_rebuild), or back on. */
void lx_store_bulk(lx_db *db, bool on);
void lx_stats_add(lx_stats *dst, const lx_stats *s);
/* A summary's basis is one of the unit filter's (LX_BASIS_* above):
 * LX_BASIS_LOCATION counts a case under its location unit (unit_id:
 * unit_path); any other value under its handling unit (handler_unit_id, or
 * unit_id before any dispatch: scope_path), as LX_BASIS_HANDLER says. The
 * whole system counts every case on either basis. */
/* Sums the roll-ups of whole days [day_from, day_to) on basis: mode 0 for
 * unit_id itself, 1 for each child of unit_id (0: the top-level units), 2
 * for unit_id per category. fn gets each row's unit and category code,
 * possibly several rows (or negative ones) per unit and code: only their
 * sum means anything. LX_OK or LX_ERR (fn's status is ignored). */
int lx_stats_days(lx_db *db, int basis, int64_t unit_id, int64_t day_from, int64_t day_to,
		  int (*fn)(void *arg, int64_t unit_id, const char *code, const lx_stats *s), void *arg,
		  int mode);
/* Counts the cases created in [from, to) whose unit on basis lies under
 * path, from the cases themselves (for partial days): fn gets rows of
 * that unit's path ("" for a case located nowhere, counted only when path
 * is "/") and the category code ("" for none), the strings valid during
 * the call. LX_OK or LX_ERR. */
int lx_stats_scan(lx_db *db, int basis, const char *path, lx_ms from, lx_ms to,
		  int (*fn)(void *arg, const char *path, const char *code, const lx_stats *s),
		  void *arg);

#endif

/*
 * api.h - the handlers of the route table (routes.c). The dispatcher has
 * authenticated the caller, checked the row's roles and checked the body
 * into r->in before a handler runs; a write route's handler runs inside
 * the writer's transaction (route.h). A handler does its resource's work
 * and shapes the reply; a bare status it returns becomes the contract's
 * error.
 */
#ifndef LX_API_H
#define LX_API_H

#include "http.h"
#include "route.h"
#include "rules.h"
#include "text.h"
#include "flow.h"

int lx_api_healthz(lx_req *r);
int lx_api_metrics(lx_req *r);
int lx_api_static(lx_req *r);

/* auth.c: login checks the password before its write job (the session) */
extern const lx_schema lx_login_schema;
int lx_api_login_check(lx_req *r);
int lx_api_login(lx_req *r);
int lx_api_login_reply(lx_req *r);
int lx_api_logout(lx_req *r);
int lx_api_logout_reply(lx_req *r);
int lx_api_me(lx_req *r);
/* Before any route but the few a new user needs (LX_RT_PRE_AUTH): a
 * password nobody chose (or an expired one) must be changed, a role that
 * needs a second factor must have one. Replies 403 and returns its status
 * otherwise. */
int lx_auth_gate_or_reply(lx_req *r);
/* One's own password: POST /api/v1/auth/password {"old","new"}. */
extern const lx_schema lx_password_schema;
int lx_api_password_check(lx_req *r);
int lx_api_password(lx_req *r);
int lx_api_password_reply(lx_req *r);
/* The fewest characters a password of a user with roles may have (10 for
 * staff, 8 otherwise). */
size_t lx_password_min_chars(unsigned roles);
/* Replies 422 weak_password (field) and returns its status when pw breaks
 * the rules for a user of login and roles; LX_OK otherwise. */
int lx_password_rules_or_reply(lx_req *r, const char *field, const char *pw, const char *login,
			       unsigned roles);
/* auth_totp.c: the second factor's enrolment and confirmation. */
extern const lx_schema lx_totp_confirm_schema;
int lx_api_totp_enroll_check(lx_req *r);
int lx_api_totp_enroll(lx_req *r);
int lx_api_totp_enroll_reply(lx_req *r);
int lx_api_totp_confirm_check(lx_req *r);
int lx_api_totp_confirm(lx_req *r);
int lx_api_totp_confirm_reply(lx_req *r);
/* audit.c */
int lx_api_audit_list(lx_req *r);

/* users.c: passwords are hashed before the write job */
extern const lx_schema lx_user_create_schema, lx_user_patch_schema;
int lx_api_users_hash(lx_req *r);
int lx_api_users_list(lx_req *r);
int lx_api_users_create(lx_req *r);
int lx_api_users_get(lx_req *r);
int lx_api_users_patch(lx_req *r);
int lx_api_users_unlock(lx_req *r);
int lx_api_users_totp_reset(lx_req *r);

/* units.c: an import is read and checked before its write job */
extern const lx_schema lx_unit_create_schema, lx_unit_patch_schema;
int lx_api_units_list(lx_req *r);
int lx_api_units_create(lx_req *r);
int lx_api_units_get(lx_req *r);
int lx_api_units_patch(lx_req *r);
int lx_api_units_import_read(lx_req *r);
int lx_api_units_import(lx_req *r);
int lx_api_units_import_reply(lx_req *r);
int lx_api_locate(lx_req *r);

/* categories.c */
extern const lx_schema lx_category_create_schema, lx_category_patch_schema;
int lx_api_categories_list(lx_req *r);
int lx_api_categories_create(lx_req *r);
int lx_api_categories_patch(lx_req *r);

/* workflows.c: the machines; the working-day calendar */
extern const lx_schema lx_calendar_schema;
int lx_api_workflows(lx_req *r);
int lx_api_calendar_get(lx_req *r);
int lx_api_calendar_put(lx_req *r);

/* cases.c: intake reads (locate, duty list) before its write job */
extern const lx_schema lx_intake_schema;
int lx_api_cases_list(lx_req *r);
int lx_api_cases_create_read(lx_req *r);
int lx_api_cases_create(lx_req *r);
int lx_api_cases_create_reply(lx_req *r);
int lx_api_cases_get(lx_req *r);
/* case_action.c: every workflow action (the route's data names it) */
int lx_api_case_action(lx_req *r);
int lx_api_case_action_reply(lx_req *r);
/* export: the case list as .xlsx and CSV (export.c) */
int lx_api_cases_export_xlsx(lx_req *r);
int lx_api_cases_export_csv(lx_req *r);

int lx_api_stats_summary(lx_req *r);

/* ---- Open311 GeoReport v2 (open311*.c; docs/open311.md) ----
 * Each answers in the format of its path suffix (the route's last capture,
 * "xml" or "json") and replies itself; the return value is the LX_ status
 * of the reply, like the other handlers. */
int lx_api_open311_discovery(lx_req *r);
int lx_api_open311_services(lx_req *r);
int lx_api_open311_service(lx_req *r);
int lx_api_open311_requests(lx_req *r);
int lx_api_open311_create_read(lx_req *r);   /* POST requests: prepare, job, reply */
int lx_api_open311_create(lx_req *r);
int lx_api_open311_create_reply(lx_req *r);
int lx_api_open311_request(lx_req *r);
int lx_api_open311_token(lx_req *r);
int lx_api_open311_updates(lx_req *r);
int lx_api_open311_update_check(lx_req *r);  /* POST an update: prepare, job, reply */
int lx_api_open311_update_post(lx_req *r);
int lx_api_open311_update_reply(lx_req *r);
/* A bare failure status of an Open311 route, answered as the spec's error
 * list in the route's format (JSON when the suffix is unknown). */
int lx_api_open311_fail(lx_req *r, int rc);
/* api keys (admin only): list, issue (the secret is in the reply once), revoke */
extern const lx_schema lx_apikey_schema;
int lx_api_apikeys_list(lx_req *r);
int lx_api_apikeys_create(lx_req *r);
int lx_api_apikeys_revoke(lx_req *r);
/* ---- end Open311 ---- */

/* Shared by handlers (geocache.c): the deepest unit containing the point,
 * without its boundary text. LX_OK with *out filled (caller clears it),
 * LX_NOTFOUND, LX_ERR. */
int lx_api_locate_point(lx_db *db, double lat, double lon, lx_unit *out);
/* A parsed case-list query (case_query.c); owns what it holds. */
typedef struct lx_case_query {
	lx_case_filter f;
	lx_text_query tq;
	lx_unit unit; /* the unit_id filter's unit (id 0: none) */
	char *reporter_key; /* reporter_phone's key (owned) */
} lx_case_query;
/* Parses the list filters of r's query string (status, type, category_code,
 * unit_id, overdue, q, from, to, limit up to max_limit, cursor) into *q.
 * Returns LX_OK (caller clears q with lx_api_case_query_clear) or an error
 * status after replying with the contract's error (q is cleared). */
int lx_api_case_query_parse(lx_req *r, int64_t default_limit, int64_t max_limit, lx_case_query *q);
void lx_api_case_query_clear(lx_case_query *q);
/* Writes the case number (local date of intake + id, "20261123000042") into out[32]. */
void lx_api_case_number(lx_req *r, const lx_case *c, char out[32]);
/* Every category's name by code: a new JSON object the caller decrefs
 * (empty when the store fails: names then fall back to codes). */
json_t *lx_api_category_names(lx_db *db);

/* case_json.c: a case as the API shows it to r's caller (the object left
 * open for the caller to add to and close; a list leaves out what needs
 * more than the row and masks the reporter), and the full reply with the
 * timeline, tasks and merged duplicates. */
void lx_api_case_write(lx_jw *w, lx_req *r, const lx_case *c, bool listing);
/* Query arguments (an empty one counts as absent: *out 0). A time is RFC
 * 3339 or a date in the server zone; an integer is in [1, max]. Answer 400
 * bad_parameter naming the key and return false otherwise. */
bool lx_query_time_or_reply(lx_req *r, const char *key, lx_ms *out);
bool lx_query_posint_or_reply(lx_req *r, const char *key, int64_t max, int64_t *out);
/* key=true|1 or false|0 (absent: false) into *out; otherwise replies 400
 * bad_parameter and returns false. */
bool lx_query_bool_or_reply(lx_req *r, const char *key, bool *out);
int lx_api_reply_case(lx_req *r, int status, const lx_case *c);
/* A paged list's reply: lx_api_list_open starts {"items":[ in b (the
 * caller writes the items), lx_api_list_reply closes it with "next_cursor"
 * (last as a string when more follow, else null) and replies 200. */
void lx_api_list_open(lx_buf *b, lx_jw *w);
int lx_api_list_reply(lx_req *r, lx_jw *w, bool more, int64_t last);

/* attachments.c: photos and files on a case. The write route's phases
 * (check before the job, add in it, added after the commit), reading,
 * removal, Open311's public copy, and one attachment as JSON. */
#define LX_ATT_UPLOAD_ROLES                                                                        \
	(LX_ROLE_ADMIN | LX_ROLE_DISPATCHER | LX_ROLE_HANDLER | LX_ROLE_GRID_WORKER | LX_ROLE_DEPUTY)
struct lx_attachment;
int lx_api_attachment_check(lx_req *r);
int lx_api_attachment_add(lx_req *r);
int lx_api_attachment_added(lx_req *r);
int lx_api_attachment_get(lx_req *r);
int lx_api_attachment_thumb(lx_req *r);
int lx_api_attachment_delete_check(lx_req *r);
int lx_api_attachment_delete(lx_req *r);
int lx_api_attachment_deleted(lx_req *r);
int lx_api_open311_media(lx_req *r);
/* POST /api/v1/visits/photos: a photo for a visit not sent yet (check, add;
 * lx_api_attachment_added replies) */
int lx_api_visit_photo_check(lx_req *r);
int lx_api_visit_photo_add(lx_req *r);
void lx_api_attachment_write(lx_jw *w, lx_req *r, const struct lx_attachment *a);
/* units.c: GET /api/v1/units/names */
int lx_api_units_names(lx_req *r);

/* ---- the registry (registry*.c): households, residents, places,
 * organisations, tags; a resident's audited unmasked read. Who reads the
 * registry, and who writes it: ---- */
#define LX_REG_READ (LX_ROLE_ADMIN | LX_ROLE_DISPATCHER | LX_ROLE_GRID_WORKER | LX_ROLE_LEADER)
#define LX_REG_WRITE (LX_ROLE_ADMIN | LX_ROLE_DISPATCHER | LX_ROLE_GRID_WORKER)
extern const lx_schema lx_household_create_schema, lx_household_patch_schema;
extern const lx_schema lx_resident_create_schema, lx_resident_patch_schema;
extern const lx_schema lx_place_create_schema, lx_place_patch_schema;
extern const lx_schema lx_org_create_schema, lx_org_patch_schema, lx_tag_schema;
int lx_api_households_list(lx_req *r);
int lx_api_households_create(lx_req *r);
int lx_api_households_get(lx_req *r);
int lx_api_households_patch(lx_req *r);
int lx_api_residents_list(lx_req *r);
int lx_api_registry_volunteers(lx_req *r);
int lx_api_residents_create(lx_req *r);
int lx_api_residents_get(lx_req *r);
int lx_api_residents_patch(lx_req *r);
int lx_api_residents_unmask_check(lx_req *r); /* finds it, checks the right and the reason */
int lx_api_residents_unmask(lx_req *r);       /* the write job: the audit row */
int lx_api_residents_unmasked(lx_req *r);     /* after the commit: the full reply */
int lx_api_places_list(lx_req *r);
int lx_api_places_create(lx_req *r);
int lx_api_places_get(lx_req *r);
int lx_api_places_patch(lx_req *r);
int lx_api_orgs_list(lx_req *r);
int lx_api_orgs_create(lx_req *r);
int lx_api_orgs_get(lx_req *r);
int lx_api_orgs_patch(lx_req *r);
int lx_api_registry_import_check(lx_req *r); /* reads and checks every row; a dry run ends here */
int lx_api_registry_import(lx_req *r);
int lx_api_registry_import_reply(lx_req *r);
int lx_api_tags_list(lx_req *r);
int lx_api_tags_put(lx_req *r);

/* ---- checklist forms (forms.c), visit plans and coverage
 * (visit_plans.c), the due list and visits (visits.c), the hazard ledger
 * (hazards.c) ---- */
#define LX_FIELD_STAFF (LX_ROLE_ADMIN | LX_ROLE_DISPATCHER | LX_ROLE_GRID_WORKER | LX_ROLE_LEADER | LX_ROLE_HANDLER)
#define LX_VISITORS (LX_ROLE_ADMIN | LX_ROLE_DISPATCHER | LX_ROLE_GRID_WORKER | LX_ROLE_VOLUNTEER)
extern const lx_schema lx_form_create_schema, lx_form_patch_schema, lx_plan_schema, lx_visit_schema;
int lx_api_forms_list(lx_req *r);
int lx_api_forms_create(lx_req *r);
int lx_api_forms_get(lx_req *r);
int lx_api_forms_patch(lx_req *r);
int lx_api_plans_list(lx_req *r);
int lx_api_plans_create(lx_req *r);
int lx_api_plans_get(lx_req *r);
int lx_api_visits_coverage(lx_req *r);
int lx_api_visits_due(lx_req *r);
int lx_api_visits_create(lx_req *r);
int lx_api_visits_get(lx_req *r);
int lx_api_visits_list(lx_req *r);
int lx_api_hazards_list(lx_req *r);
int lx_api_hazards_export(lx_req *r);

/* Frees the cached geometries (at shutdown). */
void lx_geocache_free(void);

/* What a new case is made of, whatever the channel's format. Strings are
 * borrowed for the call. */
typedef struct lx_intake {
	const char *type, *channel, *category_code, *title, *description, *address;
	bool has_point;
	double lat, lon;
	bool has_unit;
	int64_t unit_id;
	bool urgent;
	const char *reporter_name, *reporter_phone;
	bool anonymous;
	int64_t repeat_of;   /* a repeat call: merged into this case at once (0: none) */
	/* Optional: more writes of the channel's own, in the case's transaction
	 * (e.g. Open311's extras); a failure undoes the whole intake. */
	int (*after)(lx_db *db, lx_case *c, void *arg);
	void *after_arg;
} lx_intake;

/* inbox.c: a user's inbox, the message templates, the outbox's deliveries. */
extern const lx_schema lx_template_schema;
int lx_api_inbox_list(lx_req *r);
int lx_api_inbox_read(lx_req *r);
int lx_api_inbox_stream(lx_req *r);
int lx_api_inbox_read_all(lx_req *r);
int lx_api_templates_list(lx_req *r);
int lx_api_templates_put(lx_req *r);
int lx_api_outbox_list(lx_req *r);

/* onekey.c, onekey_read.c: the press-9 call. */
extern const lx_schema lx_onekey_call_schema, lx_onekey_note_schema, lx_sms_reply_schema, lx_fine_schema;
int lx_api_onekey_fine(lx_req *r);
int lx_api_onekey_call_read(lx_req *r);
int lx_api_onekey_call(lx_req *r);
int lx_api_onekey_call_reply(lx_req *r);
int lx_api_onekey_action(lx_req *r);
int lx_api_onekey_action_reply(lx_req *r);
int lx_api_onekey_sms_reply(lx_req *r);
int lx_api_onekey_get(lx_req *r);
int lx_api_onekey_list(lx_req *r);
int lx_api_onekey_stats(lx_req *r);
/* Call id into *k (the caller clears it) when r's user may see it: it
 * reached them (*told), or its place is in their scope. Replies 404 (or
 * the store's error) and returns false otherwise. */
bool lx_onekey_call_or_reply(lx_req *r, int64_t id, lx_onekey_call *k, bool *told);
/* Replies status with call id as staff read it, its steps and timeline. */
int lx_api_onekey_reply(lx_req *r, int status, int64_t id);

/* resident.c, resident_cases.c: residents on their own phones. */
extern const lx_schema lx_resident_code_schema, lx_resident_login_schema, lx_resident_intake_schema,
	lx_resident_rate_schema;
/* Authenticates a resident's token (not a staff one) into r->user: role
 * LX_ROLE_RESIDENT, the proved number in r->user.phone, a scope no unit
 * has. LX_OK, or replied 401 / the store's error. */
int lx_resident_auth_or_reply(lx_req *r);
int lx_api_resident_code(lx_req *r);
int lx_api_resident_login(lx_req *r);
int lx_api_resident_login_reply(lx_req *r);
int lx_api_resident_logout(lx_req *r);
int lx_api_resident_cases_list(lx_req *r);
int lx_api_resident_case_get(lx_req *r);
int lx_api_resident_cases_create_read(lx_req *r);
int lx_api_resident_cases_create(lx_req *r);
int lx_api_resident_cases_create_reply(lx_req *r);
int lx_api_resident_rate(lx_req *r);
int lx_api_resident_lookup(lx_req *r);
int lx_api_resident_categories(lx_req *r);
/* Whether c was filed with the number r's resident proved. */
bool lx_resident_owns(const lx_req *r, const lx_case *c);
/* Case id into *c (the caller clears it) when it is r's resident's; else
 * replies 404 (or the store's error) and returns that. */
int lx_resident_case_or_reply(lx_req *r, int64_t id, lx_case *c);
/* A resident's photos (attachments.c): upload to their open case (stage
 * intake), read those of their case they may see (intake and resolve). */
int lx_api_resident_attachment_check(lx_req *r);
int lx_api_resident_attachment_add(lx_req *r);
int lx_api_resident_attachment_added(lx_req *r);
int lx_api_resident_attachment_get(lx_req *r);
int lx_api_resident_attachment_thumb(lx_req *r);
/* Writes the JSON array of the photos of case_id a resident sees. LX_OK or LX_ERR. */
int lx_api_resident_files_write(lx_jw *w, lx_req *r, int64_t case_id);

/* Why an intake failed (the engine's error: status, snake_case code, the
 * field at fault or NULL, a message); each API shapes it in its own format. */
typedef lx_flow_error lx_intake_error;

/* An intake in its two halves, for a write route: the read half in the
 * route's prepare, the write half in its write job. */
typedef struct lx_intake_job lx_intake_job;
/* The read half: validates in (type, channel, coordinates, phone, the
 * category) and reads what the write needs (the location, the duty list's
 * unit, the search terms) on r's connection. *job receives a new job
 * either way (free it with lx_api_intake_free; in and its strings must
 * outlive it). Returns LX_OK, or a failure with *err filled (err->status
 * 0: the store's own failure, rc says which). */
int lx_api_intake_prepare(lx_req *r, const lx_intake *in, lx_intake_job **job, lx_intake_error *err);
/* The write half, on the writer's connection db: the engine creates the
 * case (dispatched by the duty list, with its deadlines and timeline), the
 * channel's own writes follow (in->after), a repeat call is merged. The
 * caller is r->user of the prepare. Returns LX_OK, or a failure with the
 * err of the prepare filled as there. */
int lx_api_intake_write(lx_db *db, lx_intake_job *job);
/* The case the write half wrote (owned by the job). */
const lx_case *lx_api_intake_case(const lx_intake_job *job);
/* Frees a job and what it holds; NULL is fine. */
void lx_api_intake_free(void *job);

#endif

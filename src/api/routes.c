/*
 * routes.c - the route table: every endpoint, one row each (route.h).
 *
 * A new resource is a repository (store/), a schema and a few rows here.
 * The workflow actions are not written here: each action of the machines
 * (flow/machines.c) becomes a row POST /api/v1/cases/:id/<action> with the
 * union of the roles its transitions allow and the input schema it takes.
 * docs/openapi.json is generated from this table (`lianxin openapi`), and
 * tests/api/test_openapi.py holds the two equal.
 */
#include "api.h"
#include "flow.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define ANY LX_ROLE__ALL
#define ADMIN LX_ROLE_ADMIN
#define DESK (LX_ROLE_ADMIN | LX_ROLE_DISPATCHER)
#define W LX_RT_WRITE
#define PUB LX_RT_PUBLIC
#define RES LX_RT_RESIDENT
#define PRE LX_RT_PRE_AUTH
#define REG_R LX_REG_READ
#define REG_W LX_REG_WRITE
#define FIELD LX_FIELD_STAFF
#define VISITORS LX_VISITORS

static const lx_route lx_declared[] = {
	/* service */
	{"GET", "/healthz", lx_api_healthz, 0, NULL, PUB, .summary = "liveness and the database kind", .tag = "service"},
	{"GET", "/metrics", lx_api_metrics, 0, NULL, PUB, .summary = "Prometheus metrics", .tag = "service"},
	/* auth */
	{"POST", "/api/v1/auth/login", lx_api_login, 0, &lx_login_schema, PUB | W, .prepare = lx_api_login_check,
	 .done = lx_api_login_reply, .summary = "log in: a bearer token (and an HttpOnly cookie)", .tag = "auth"},
	{"POST", "/api/v1/auth/logout", lx_api_logout, ANY, NULL, W | PRE, .done = lx_api_logout_reply,
	 .summary = "revoke the token", .tag = "auth"},
	{"GET", "/api/v1/auth/me", lx_api_me, ANY, NULL, PRE, .summary = "the logged-in user", .tag = "auth"},
	{"POST", "/api/v1/auth/password", lx_api_password, ANY, &lx_password_schema, W | PRE,
	 .prepare = lx_api_password_check, .done = lx_api_password_reply,
	 .summary = "change one's own password (ends one's other sessions)", .tag = "auth"},
	{"POST", "/api/v1/auth/totp/enroll", lx_api_totp_enroll, ANY, NULL, W | PRE | LX_RT_BODY_OPTIONAL,
	 .prepare = lx_api_totp_enroll_check, .done = lx_api_totp_enroll_reply,
	 .summary = "start a second factor: its secret, otpauth URL and QR code", .tag = "auth"},
	{"POST", "/api/v1/auth/totp/confirm", lx_api_totp_confirm, ANY, &lx_totp_confirm_schema, W | PRE,
	 .prepare = lx_api_totp_confirm_check, .done = lx_api_totp_confirm_reply,
	 .summary = "confirm the second factor with a first code", .tag = "auth"},
	{"GET", "/api/v1/audit", lx_api_audit_list, ADMIN, NULL, 0,
	 .summary = "the audit log, newest first (kind, login, before, limit)", .tag = "auth"},
	/* users */
	{"GET", "/api/v1/users", lx_api_users_list, DESK, NULL, 0, .summary = "users of the caller's scope", .tag = "users"},
	{"POST", "/api/v1/users", lx_api_users_create, DESK, &lx_user_create_schema, W,
	 .prepare = lx_api_users_hash, .summary = "add a user", .tag = "users"},
	{"GET", "/api/v1/users/:id", lx_api_users_get, ANY, NULL, 0,
	 .summary = "a user (oneself, or one of a manager's scope)", .tag = "users"},
	{"PATCH", "/api/v1/users/:id", lx_api_users_patch, DESK, &lx_user_patch_schema, W,
	 .prepare = lx_api_users_hash, .summary = "change a user", .tag = "users"},
	{"POST", "/api/v1/users/:id/unlock", lx_api_users_unlock, ADMIN, NULL, W,
	 .summary = "forgive a login's failed attempts", .tag = "users"},
	{"POST", "/api/v1/users/:id/totp/reset", lx_api_users_totp_reset, ADMIN, NULL, W,
	 .summary = "remove a user's second factor (a lost phone)", .tag = "users"},
	/* the grid */
	{"GET", "/api/v1/units", lx_api_units_list, ANY, NULL, 0, .summary = "units of the caller's scope", .tag = "units"},
	{"POST", "/api/v1/units", lx_api_units_create, ADMIN, &lx_unit_create_schema, W, .summary = "add a unit",
	 .tag = "units"},
	{"POST", "/api/v1/units/import", lx_api_units_import, ADMIN, NULL, W | LX_RT_RAW,
	 .prepare = lx_api_units_import_read, .done = lx_api_units_import_reply,
	 .summary = "import units from CSV (UTF-8 or GBK) or GeoJSON, all or nothing", .tag = "units"},
	{"GET", "/api/v1/units/names", lx_api_units_names, ANY, NULL, 0,
	 .summary = "names of units the caller may name (?ids=1,2,3)", .tag = "units"},
	{"GET", "/api/v1/units/:id", lx_api_units_get, ANY, NULL, 0, .summary = "a unit with its boundary", .tag = "units"},
	{"PATCH", "/api/v1/units/:id", lx_api_units_patch, ADMIN, &lx_unit_patch_schema, W, .summary = "change a unit",
	 .tag = "units"},
	{"GET", "/api/v1/locate", lx_api_locate, ANY, NULL, 0, .summary = "the deepest unit containing a point",
	 .tag = "units"},
	/* categories, workflows, the calendar */
	{"GET", "/api/v1/categories", lx_api_categories_list, ANY, NULL, 0, .summary = "categories and the duty list",
	 .tag = "categories"},
	{"POST", "/api/v1/categories", lx_api_categories_create, ADMIN, &lx_category_create_schema, W,
	 .summary = "add a category", .tag = "categories"},
	{"PATCH", "/api/v1/categories/:code", lx_api_categories_patch, ADMIN, &lx_category_patch_schema, W,
	 .summary = "change a category", .tag = "categories"},
	{"GET", "/api/v1/workflows", lx_api_workflows, ANY, NULL, 0,
	 .summary = "every case type's machine: states, transitions, clocks", .tag = "workflows"},
	{"GET", "/api/v1/calendar", lx_api_calendar_get, ANY, NULL, 0, .summary = "the working-day calendar, day by day",
	 .tag = "calendar"},
	{"PUT", "/api/v1/calendar", lx_api_calendar_put, ADMIN, &lx_calendar_schema, W,
	 .summary = "set days (holidays, make-up workdays); open cases' deadlines follow", .tag = "calendar"},
	/* cases */
	{"GET", "/api/v1/cases", lx_api_cases_list, ANY, NULL, 0, .summary = "list and search cases", .tag = "cases"},
	{"GET", "/api/v1/cases/export.xlsx", lx_api_cases_export_xlsx, ANY, NULL, 0,
	 .summary = "the case list as an Excel workbook", .tag = "cases"},
	{"GET", "/api/v1/cases/export.csv", lx_api_cases_export_csv, ANY, NULL, 0, .summary = "the case list as CSV",
	 .tag = "cases"},
	/* leaders read; they do not file cases */
	{"POST", "/api/v1/cases", lx_api_cases_create, ANY & ~LX_ROLE_LEADER, &lx_intake_schema, W, .prepare = lx_api_cases_create_read,
	 .done = lx_api_cases_create_reply, .summary = "take in a case: located, dispatched by the duty list",
	 .tag = "cases"},
	{"GET", "/api/v1/cases/:id", lx_api_cases_get, ANY, NULL, 0, .summary = "a case with its timeline",
	 .tag = "cases"},
	/* photos and files (attachments.c): roles after the case is found */
	{"POST", "/api/v1/cases/:id/attachments", lx_api_attachment_add, LX_ATT_UPLOAD_ROLES, NULL,
	 W | LX_RT_RAW | LX_RT_UPLOAD | LX_RT_ROLES_IN_SCOPE, .prepare = lx_api_attachment_check,
	 .done = lx_api_attachment_added,
	 .summary = "add a photo or PDF (raw body; ?stage=intake|handling|resolve|verify&name=)",
	 .tag = "attachments"},
	{"GET", "/api/v1/attachments/:id", lx_api_attachment_get, ANY, NULL, 0,
	 .summary = "a file as served (images without EXIF)", .tag = "attachments"},
	{"GET", "/api/v1/attachments/:id/thumb", lx_api_attachment_thumb, ANY, NULL, 0,
	 .summary = "an image's 320 px JPEG thumbnail", .tag = "attachments"},
	{"DELETE", "/api/v1/attachments/:id", lx_api_attachment_delete, ANY, NULL, W,
	 .prepare = lx_api_attachment_delete_check, .done = lx_api_attachment_deleted,
	 .summary = "remove one's own file within 10 minutes", .tag = "attachments"},
	{"GET", "/api/v1/stats/summary", lx_api_stats_summary, ANY, NULL, 0,
	 .summary = "the three rates for a unit and period", .tag = "stats"},
	/* the press-9 call (onekey.c, onekey_read.c): the telephony gateway's key posts calls
	 * and texts answered; whoever a call reached answers it */
	{"POST", "/api/v1/onekey/calls", lx_api_onekey_call, 0, &lx_onekey_call_schema, PUB | W,
	 .prepare = lx_api_onekey_call_read, .done = lx_api_onekey_call_reply,
	 .summary = "a press-9 call (X-Api-Key: a telephony key): its case, its ladder, the first step told",
	 .tag = "onekey"},
	{"POST", "/api/v1/onekey/sms-reply", lx_api_onekey_sms_reply, 0, &lx_sms_reply_schema, PUB | W,
	 .summary = "a text answering a call (X-Api-Key: telephony): 1 acknowledges as its sender", .tag = "onekey"},
	{"POST", "/api/v1/onekey/fine", lx_api_onekey_fine, 0, &lx_fine_schema, PUB | W,
	 .summary = "the daily \"I'm fine\" press (X-Api-Key: telephony): recorded for today; a day without one "
		    "is followed up", .tag = "onekey"},
	{"GET", "/api/v1/onekey/calls", lx_api_onekey_list, ANY, NULL, 0,
	 .summary = "calls in scope, the ones nobody acknowledged first (?open=true, limit, cursor)", .tag = "onekey"},
	{"GET", "/api/v1/onekey/stats", lx_api_onekey_stats, ANY & ~LX_ROLE_VOLUNTEER, NULL, 0,
	 .summary = "time to acknowledge and to arrive (median, 90th percentile) per community and month; "
		    "calls never acknowledged (from, to, unit_id)", .tag = "onekey"},
	{"GET", "/api/v1/onekey/calls/:id", lx_api_onekey_get, ANY, NULL, 0,
	 .summary = "a call with every step of its ladder and its timeline", .tag = "onekey"},
	{"POST", "/api/v1/onekey/calls/:id/ack", lx_api_onekey_action, ANY, &lx_onekey_note_schema,
	 W | LX_RT_BODY_OPTIONAL, .done = lx_api_onekey_action_reply, .data = "ack",
	 .summary = "acknowledge: I am coming (those the call reached, or the desk)", .tag = "onekey"},
	{"POST", "/api/v1/onekey/calls/:id/arrive", lx_api_onekey_action, ANY, &lx_onekey_note_schema,
	 W | LX_RT_BODY_OPTIONAL, .done = lx_api_onekey_action_reply, .data = "arrive",
	 .summary = "arrived at the resident's", .tag = "onekey"},
	{"POST", "/api/v1/onekey/calls/:id/close", lx_api_onekey_action, ANY, &lx_onekey_note_schema,
	 W | LX_RT_BODY_OPTIONAL, .done = lx_api_onekey_action_reply, .data = "close",
	 .summary = "close the call with a note of what happened", .tag = "onekey"},
	/* residents on their own phones (resident.c, resident_cases.c): a code by SMS, then a
	 * resident's session that opens only these rows */
	{"POST", "/api/v1/resident/code", lx_api_resident_code, 0, &lx_resident_code_schema, PUB | W,
	 .summary = "send a 6-digit code to a mobile number (5 an hour a number, 20 an address)", .tag = "resident"},
	{"POST", "/api/v1/resident/login", lx_api_resident_login, 0, &lx_resident_login_schema, PUB | W,
	 .done = lx_api_resident_login_reply,
	 .summary = "the code for a resident's token (5 tries, then 15 minutes locked)", .tag = "resident"},
	{"POST", "/api/v1/resident/logout", lx_api_resident_logout, LX_ROLE_RESIDENT, NULL,
	 RES | W | LX_RT_BODY_OPTIONAL, .summary = "end the resident's session", .tag = "resident"},
	{"GET", "/api/v1/resident/cases", lx_api_resident_cases_list, LX_ROLE_RESIDENT, NULL, RES,
	 .summary = "every case filed with the resident's number, from any channel", .tag = "resident"},
	{"POST", "/api/v1/resident/cases", lx_api_resident_cases_create, LX_ROLE_RESIDENT, &lx_resident_intake_schema,
	 RES | W, .prepare = lx_api_resident_cases_create_read, .done = lx_api_resident_cases_create_reply,
	 .summary = "file a request (channel web, the reporter the resident; anonymous allowed)", .tag = "resident"},
	{"GET", "/api/v1/resident/cases/:id", lx_api_resident_case_get, LX_ROLE_RESIDENT, NULL, RES,
	 .summary = "one's own case: status, reply, the timeline in plain words", .tag = "resident"},
	{"POST", "/api/v1/resident/cases/:id/rate", lx_api_resident_rate, LX_ROLE_RESIDENT, &lx_resident_rate_schema,
	 RES | W, .summary = "rate the answer (counts as the desk's callback does)", .tag = "resident"},
	{"GET", "/api/v1/resident/categories", lx_api_resident_categories, LX_ROLE_RESIDENT, NULL, RES,
	 .summary = "what a resident may file about: categories with their group, anonymous or not", .tag = "resident"},
	{"POST", "/api/v1/resident/cases/:id/attachments", lx_api_resident_attachment_add, LX_ROLE_RESIDENT, NULL,
	 RES | W | LX_RT_RAW | LX_RT_UPLOAD, .prepare = lx_api_resident_attachment_check,
	 .done = lx_api_resident_attachment_added,
	 .summary = "a photo of one's own open case (raw JPEG, PNG or WebP body; ?name=; 9 at most)", .tag = "resident"},
	{"GET", "/api/v1/resident/attachments/:id", lx_api_resident_attachment_get, LX_ROLE_RESIDENT, NULL, RES,
	 .summary = "a photo of one's own case (one's own, or the handler's after-photo)", .tag = "resident"},
	{"GET", "/api/v1/resident/attachments/:id/thumb", lx_api_resident_attachment_thumb, LX_ROLE_RESIDENT, NULL, RES,
	 .summary = "its 320 px thumbnail", .tag = "resident"},
	{"GET", "/api/v1/resident/lookup", lx_api_resident_lookup, 0, NULL, PUB,
	 .summary = "one case by its number and the phone's last 4 digits, without a login", .tag = "resident"},
	/* notifications (inbox.c): one's own inbox; the texts and deliveries for the admin */
	{"GET", "/api/v1/inbox", lx_api_inbox_list, ANY, NULL, 0,
	 .summary = "one's inbox, newest first, with the unread count (unread, limit, cursor)", .tag = "notify"},
	{"GET", "/api/v1/inbox/stream", lx_api_inbox_stream, ANY, NULL, 0,
	 .summary = "the unread count, live (text/event-stream: event inbox, data {unread, newest})", .tag = "notify"},
	{"POST", "/api/v1/inbox/read-all", lx_api_inbox_read_all, ANY, NULL, W | LX_RT_BODY_OPTIONAL,
	 .summary = "mark every entry of one's inbox read", .tag = "notify"},
	{"POST", "/api/v1/inbox/:id/read", lx_api_inbox_read, ANY, NULL, W | LX_RT_BODY_OPTIONAL,
	 .summary = "mark one entry read (another user's is 404)", .tag = "notify"},
	{"GET", "/api/v1/notify/templates", lx_api_templates_list, ADMIN, NULL, 0,
	 .summary = "the texts of the inbox entries and SMS, as data", .tag = "notify"},
	{"PUT", "/api/v1/notify/templates", lx_api_templates_put, ADMIN, &lx_template_schema, W,
	 .summary = "change the text of one event on one channel", .tag = "notify"},
	{"GET", "/api/v1/notify/outbox", lx_api_outbox_list, ADMIN, NULL, 0,
	 .summary = "messages sent and to send: state, attempts, last error (case_id, pending, limit, cursor)",
	 .tag = "notify"},
	/* the registry (registry*.c): scope in the store, personal data sealed and masked */
	{"GET", "/api/v1/registry/tags", lx_api_tags_list, ANY, NULL, 0,
	 .summary = "resident tags (sensitive ones usable with registry_sensitive)", .tag = "registry"},
	{"PUT", "/api/v1/registry/tags", lx_api_tags_put, ADMIN, &lx_tag_schema, W,
	 .summary = "add or change a resident tag", .tag = "registry"},
	{"POST", "/api/v1/registry/import", lx_api_registry_import, REG_W, NULL, W | LX_RT_RAW | LX_RT_UPLOAD,
	 .prepare = lx_api_registry_import_check, .done = lx_api_registry_import_reply,
	 .summary = "import households, residents or places from CSV (UTF-8, GBK) or XLSX; "
		    "?kind=&dry_run=true reports every bad row and writes nothing",
	 .tag = "registry"},
	{"GET", "/api/v1/registry/households", lx_api_households_list, REG_R, NULL, 0,
	 .summary = "households (unit_id, q, limit, cursor)", .tag = "registry"},
	{"POST", "/api/v1/registry/households", lx_api_households_create, REG_W, &lx_household_create_schema, W,
	 .summary = "register a household", .tag = "registry"},
	{"GET", "/api/v1/registry/households/:id", lx_api_households_get, REG_R, NULL, 0,
	 .summary = "a household with its residents (masked) and moves", .tag = "registry"},
	{"PATCH", "/api/v1/registry/households/:id", lx_api_households_patch, REG_W, &lx_household_patch_schema, W,
	 .summary = "change a household; another unit_id moves it (kept in its history)", .tag = "registry"},
	{"GET", "/api/v1/registry/volunteers", lx_api_registry_volunteers, REG_R, NULL, 0,
	 .summary = "the volunteers (代理儿女) a resident's carers may be, with how many each looks after",
	 .tag = "registry"},
	{"GET", "/api/v1/registry/residents", lx_api_residents_list, REG_R, NULL, 0,
	 .summary = "residents, masked (unit_id, q: name, address, ID number or phone; tag, household_id)",
	 .tag = "registry"},
	{"POST", "/api/v1/registry/residents", lx_api_residents_create, REG_W, &lx_resident_create_schema, W,
	 .summary = "register a resident (ID number and phone checked and sealed)", .tag = "registry"},
	{"GET", "/api/v1/registry/residents/:id", lx_api_residents_get, REG_R, NULL, 0,
	 .summary = "a resident, masked", .tag = "registry"},
	{"PATCH", "/api/v1/registry/residents/:id", lx_api_residents_patch, REG_W, &lx_resident_patch_schema, W,
	 .summary = "change a resident", .tag = "registry"},
	{"GET", "/api/v1/registry/residents/:id/unmasked", lx_api_residents_unmask, REG_R, NULL,
	 W | LX_RT_ROLES_IN_SCOPE, .prepare = lx_api_residents_unmask_check, .done = lx_api_residents_unmasked,
	 .summary = "a resident in full (the unmask right; ?reason= is audited first)", .tag = "registry"},
	{"GET", "/api/v1/registry/places", lx_api_places_list, REG_R, NULL, 0,
	 .summary = "places (unit_id, type, q, limit, cursor)", .tag = "registry"},
	{"POST", "/api/v1/registry/places", lx_api_places_create, REG_W, &lx_place_create_schema, W,
	 .summary = "register a place (a building, shop, 九小场所, facility)", .tag = "registry"},
	{"GET", "/api/v1/registry/places/:id", lx_api_places_get, REG_R, NULL, 0, .summary = "a place",
	 .tag = "registry"},
	{"PATCH", "/api/v1/registry/places/:id", lx_api_places_patch, REG_W, &lx_place_patch_schema, W,
	 .summary = "change a place", .tag = "registry"},
	{"GET", "/api/v1/registry/organisations", lx_api_orgs_list, REG_R, NULL, 0,
	 .summary = "organisations (unit_id, type, q, limit, cursor)", .tag = "registry"},
	{"POST", "/api/v1/registry/organisations", lx_api_orgs_create, REG_W, &lx_org_create_schema, W,
	 .summary = "register an organisation", .tag = "registry"},
	{"GET", "/api/v1/registry/organisations/:id", lx_api_orgs_get, REG_R, NULL, 0, .summary = "an organisation",
	 .tag = "registry"},
	{"PATCH", "/api/v1/registry/organisations/:id", lx_api_orgs_patch, REG_W, &lx_org_patch_schema, W,
	 .summary = "change an organisation", .tag = "registry"},
	/* the grid's field work: forms, visit plans, visits, the hazard ledger */
	{"GET", "/api/v1/forms", lx_api_forms_list, ANY, NULL, 0, .summary = "checklist forms (current versions)",
	 .tag = "visits"},
	{"POST", "/api/v1/forms", lx_api_forms_create, ADMIN, &lx_form_create_schema, W,
	 .summary = "add a checklist form (questions, relevance, constraints, hazard rules)", .tag = "visits"},
	{"GET", "/api/v1/forms/:id", lx_api_forms_get, ANY, NULL, 0, .summary = "a form (?version=: an older one)",
	 .tag = "visits"},
	{"PATCH", "/api/v1/forms/:id", lx_api_forms_patch, ADMIN, &lx_form_patch_schema, W,
	 .summary = "change a form: a new version (visits keep theirs)", .tag = "visits"},
	{"GET", "/api/v1/visit-plans", lx_api_plans_list, FIELD, NULL, 0,
	 .summary = "visit plans of the caller's scope (?all=true: ended ones too)", .tag = "visits"},
	{"POST", "/api/v1/visit-plans", lx_api_plans_create, DESK, &lx_plan_schema, W,
	 .summary = "plan visits: a target set, a form, a frequency, workers", .tag = "visits"},
	{"GET", "/api/v1/visit-plans/:id", lx_api_plans_get, FIELD | LX_ROLE_VOLUNTEER, NULL, 0, .summary = "a visit plan",
	 .tag = "visits"},
	{"GET", "/api/v1/visits/due", lx_api_visits_due, ANY, NULL, 0,
	 .summary = "the caller's due list: overdue first, then nearest (?lat=&lon=)", .tag = "visits"},
	{"GET", "/api/v1/visits/coverage", lx_api_visits_coverage, FIELD, NULL, 0,
	 .summary = "due, done, overdue per unit, plan and grid worker (?plan_id=&unit_id=)", .tag = "visits"},
	{"POST", "/api/v1/visits/photos", lx_api_visit_photo_add, VISITORS, NULL, W | LX_RT_RAW | LX_RT_UPLOAD,
	 .prepare = lx_api_visit_photo_check, .done = lx_api_attachment_added,
	 .summary = "a photo for a visit not sent yet (raw JPEG, PNG or WebP; its id goes in the answers)",
	 .tag = "visits"},
	{"POST", "/api/v1/visits", lx_api_visits_create, VISITORS, &lx_visit_schema, W,
	 .summary = "record a visit (a resent client_uuid: 200 with the stored one); hazards opened",
	 .tag = "visits"},
	{"GET", "/api/v1/visits", lx_api_visits_list, FIELD | LX_ROLE_VOLUNTEER, NULL, 0,
	 .summary = "visits, newest first (plan_id, target_kind + target_id, worker_id, cursor)", .tag = "visits"},
	{"GET", "/api/v1/visits/:id", lx_api_visits_get, FIELD | LX_ROLE_VOLUNTEER, NULL, 0, .summary = "a visit",
	 .tag = "visits"},
	{"GET", "/api/v1/hazards", lx_api_hazards_list, FIELD, NULL, 0,
	 .summary = "the hazard ledger (unit_id, category_code, status, owner, overdue, cursor)", .tag = "visits"},
	{"GET", "/api/v1/hazards/export.xlsx", lx_api_hazards_export, FIELD, NULL, 0,
	 .summary = "the hazard ledger as an Excel workbook", .tag = "visits"},
	/* Open311 GeoReport v2 (its own keys and error format) */
	{"GET", "/open311/v2/media/:id", lx_api_open311_media, 0, NULL, PUB,
	 .summary = "a public request's photo (media_url), without EXIF", .tag = "open311"},
	{"GET", "/open311/v2/discovery.:fmt", lx_api_open311_discovery, 0, NULL, PUB, .summary = "discovery",
	 .tag = "open311", .fail = lx_api_open311_fail},
	{"GET", "/open311/v2/services.:fmt", lx_api_open311_services, 0, NULL, PUB, .summary = "service list",
	 .tag = "open311", .fail = lx_api_open311_fail},
	{"GET", "/open311/v2/services/:code.:fmt", lx_api_open311_service, 0, NULL, PUB, .summary = "service definition",
	 .tag = "open311", .fail = lx_api_open311_fail},
	{"GET", "/open311/v2/requests.:fmt", lx_api_open311_requests, 0, NULL, PUB, .summary = "requests",
	 .tag = "open311", .fail = lx_api_open311_fail},
	{"POST", "/open311/v2/requests.:fmt", lx_api_open311_create, 0, NULL, PUB | LX_RT_RAW | W,
	 .prepare = lx_api_open311_create_read, .done = lx_api_open311_create_reply,
	 .summary = "post a request (api_key)", .tag = "open311", .fail = lx_api_open311_fail},
	{"GET", "/open311/v2/requests/:id.:fmt", lx_api_open311_request, 0, NULL, PUB, .summary = "one request",
	 .tag = "open311", .fail = lx_api_open311_fail},
	{"GET", "/open311/v2/tokens/:token.:fmt", lx_api_open311_token, 0, NULL, PUB, .summary = "a token's request",
	 .tag = "open311", .fail = lx_api_open311_fail},
	{"GET", "/open311/v2/servicerequestupdates.:fmt", lx_api_open311_updates, 0, NULL, PUB,
	 .summary = "updates (FixMyStreet extension, api_key)", .tag = "open311", .fail = lx_api_open311_fail},
	{"POST", "/open311/v2/servicerequestupdates.:fmt", lx_api_open311_update_post, 0, NULL, PUB | LX_RT_RAW | W,
	 .prepare = lx_api_open311_update_check, .done = lx_api_open311_update_reply,
	 .summary = "post an update (FixMyStreet extension, api_key)", .tag = "open311", .fail = lx_api_open311_fail},
	/* api keys */
	{"GET", "/api/v1/api-keys", lx_api_apikeys_list, ADMIN, NULL, 0, .summary = "Open311 API keys",
	 .tag = "open311"},
	{"POST", "/api/v1/api-keys", lx_api_apikeys_create, ADMIN, &lx_apikey_schema, W,
	 .summary = "issue a key (shown once)", .tag = "open311"},
	{"DELETE", "/api/v1/api-keys/:id", lx_api_apikeys_revoke, ADMIN, NULL, W, .summary = "revoke a key",
	 .tag = "open311"},
};

#define LX_NDECLARED (sizeof lx_declared / sizeof lx_declared[0])

static lx_route *lx_table;
static size_t lx_ntable, lx_captable;
static pthread_once_t lx_table_once = PTHREAD_ONCE_INIT;

/* One row per workflow action. */
static void lx_add_action(void *arg, const char *action, unsigned roles)
{
	(void)arg;
	if (lx_ntable == lx_captable) {
		lx_captable *= 2;
		lx_table = lx_xrealloc(lx_table, lx_captable * sizeof *lx_table);
	}
	lx_route *rt = &lx_table[lx_ntable++];
	bool task = strcmp(action, "assist_done") == 0;
	*rt = (lx_route){
		.method = "POST",
		/* an assisting unit's part is a task of the case */
		.path = task ? "/api/v1/cases/:id/tasks/:task/done" : lx_xasprintf("/api/v1/cases/:id/%s", action),
		.fn = lx_api_case_action,
		/* staff routes: a resident rates through their own route (resident_cases.c) */
		.roles = roles & LX_ROLE__ALL,
		.body = lx_flow_input_schema(action),
		/* the engine checks the roles once the case is found in scope */
		.flags = LX_RT_WRITE | LX_RT_BODY_OPTIONAL | LX_RT_ROLES_IN_SCOPE,
		.done = lx_api_case_action_reply,
		.summary = lx_xasprintf("workflow action %s (GET /api/v1/workflows says from which states)", action),
		.tag = "workflow actions",
		.data = action,
	};
}

static void lx_table_build(void)
{
	lx_captable = LX_NDECLARED + 64;
	lx_table = lx_xcalloc(lx_captable, sizeof *lx_table);
	memcpy(lx_table, lx_declared, sizeof lx_declared);
	lx_ntable = LX_NDECLARED;
	lx_flow_actions(lx_add_action, NULL);
}

const lx_route *lx_api_routes(size_t *n)
{
	pthread_once(&lx_table_once, lx_table_build);
	*n = lx_ntable;
	return lx_table;
}

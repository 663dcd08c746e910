/*
 * api.h - one handler per route. Each parses and validates its input,
 * calls core (decide) and store (persist) and shapes the reply.
 */
#ifndef LX_API_H
#define LX_API_H

#include "http.h"

int lx_api_healthz(lx_req *r);
int lx_api_metrics(lx_req *r);
int lx_api_static(lx_req *r);

int lx_api_login(lx_req *r);
int lx_api_logout(lx_req *r);
int lx_api_me(lx_req *r);

int lx_api_users_list(lx_req *r);
int lx_api_users_create(lx_req *r);
int lx_api_users_get(lx_req *r);
int lx_api_users_patch(lx_req *r);

int lx_api_units_list(lx_req *r);
int lx_api_units_create(lx_req *r);
int lx_api_units_get(lx_req *r);
int lx_api_units_patch(lx_req *r);
int lx_api_units_import(lx_req *r);
int lx_api_locate(lx_req *r);

int lx_api_categories_list(lx_req *r);
int lx_api_categories_create(lx_req *r);
int lx_api_categories_patch(lx_req *r);

int lx_api_cases_list(lx_req *r);
int lx_api_cases_create(lx_req *r);
int lx_api_cases_get(lx_req *r);
int lx_api_cases_action(lx_req *r);
int lx_api_cases_task_done(lx_req *r);

int lx_api_stats_summary(lx_req *r);

/* Shared by handlers (defined in units.c): the deepest unit containing the
 * point. LX_OK with *out filled, LX_NOTFOUND, LX_ERR. */
int lx_api_locate_point(lx_db *db, double lat, double lon, lx_unit *out);

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
} lx_intake;

/* Why an intake failed: the HTTP status, a snake_case code, the field at
 * fault (or NULL) and a message; each API shapes it in its own format. */
typedef struct lx_intake_error {
	int status;
	const char *code;
	const char *field;
	char message[200];
} lx_intake_error;

/* Validates in (enums, category, unit, coordinates), then in one write
 * transaction locates the case, dispatches it by the duty list, gives it
 * its deadlines and writes it with its timeline. The caller is r->user.
 * Returns LX_OK with *out filled (caller clears it with lx_case_clear), or
 * LX_INVALID with *err filled; nothing is written then. */
int lx_api_intake(lx_req *r, const lx_intake *in, lx_case *out, lx_intake_error *err);

#endif

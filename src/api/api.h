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

#endif

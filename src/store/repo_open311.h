/*
 * repo_open311.h - the tables behind the Open311 GeoReport v2 endpoint: API
 * keys (repo_apikeys.c) and services, their attribute definitions, requests
 * as GeoReport shows them, tokens and client updates (repo_open311.c).
 *
 * Same rules as repo.h: the caller's connection, LX_ status codes, structs
 * that own their strings and are freed with their *_clear function.
 * GeoReport data is public, so none of these reads takes a scope; only
 * cases of type `request` are ever returned.
 */
#ifndef LX_REPO_OPEN311_H
#define LX_REPO_OPEN311_H

#include "repo.h"

/* ---------------- API keys ---------------- */

typedef struct lx_apikey {
	int64_t id;
	char *name;
	int rate_limit;      /* requests per minute */
	char kind[16];       /* which routes it opens: open311 or telephony */
	int64_t unit_id;     /* its jurisdiction (0: none) */
	lx_ms created_at;
	lx_ms revoked_at;    /* 0: live */
} lx_apikey;

/* Frees k's strings and zeroes it. */
void lx_apikey_clear(lx_apikey *k);
/* Inserts k (name, rate_limit, kind, unit_id) with the hash of its secret, created by user
 * created_by (0: none); sets k->id and k->created_at. LX_OK or LX_ERR. */
int lx_apikey_insert(lx_db *db, lx_apikey *k, const char *key_hash, int64_t created_by);
/* Loads key id, revoked or not. LX_OK, LX_NOTFOUND, LX_ERR. */
int lx_apikey_get(lx_db *db, int64_t id, lx_apikey *out);
/* Loads the live (not revoked) key whose secret hashes to key_hash.
 * LX_OK, LX_NOTFOUND, LX_ERR. */
int lx_apikey_by_hash(lx_db *db, const char *key_hash, lx_apikey *out);
/* Revokes key id at now; a key already revoked keeps its first time.
 * LX_OK, LX_NOTFOUND, LX_ERR. */
int lx_apikey_revoke(lx_db *db, int64_t id, lx_ms now);
/* Calls fn for every key, oldest first (fn returns 0 to go on).
 * LX_OK or LX_ERR. */
int lx_apikey_list(lx_db *db, int (*fn)(void *arg, const lx_apikey *k), void *arg);

/* ---------------- services ---------------- */

/* A service is a leaf category (one without children). */
typedef struct lx_o311_service {
	char *code;
	char *name;
	char *group;          /* the parent category's name, or NULL */
	double accept_hours;
	double resolve_hours;
	bool has_rule;        /* the category names a responsible unit */
	int nattrs;           /* attribute definitions */
} lx_o311_service;

/* Frees s's strings and zeroes it. */
void lx_o311_service_clear(lx_o311_service *s);
/* Calls fn for every service ordered by code. LX_OK or LX_ERR. */
int lx_o311_service_list(lx_db *db, int (*fn)(void *arg, const lx_o311_service *s), void *arg);
/* Loads service code (a leaf category). LX_OK, LX_NOTFOUND, LX_ERR. */
int lx_o311_service_get(lx_db *db, const char *code, lx_o311_service *out);
/* The latest change to categories or attribute definitions (at least the
 * time the Open311 migration ran) into *out. LX_OK or LX_ERR. */
int lx_o311_changeset(lx_db *db, lx_ms *out);

typedef struct lx_o311_value {
	char *key;
	char *name;
} lx_o311_value;

typedef struct lx_o311_attr {
	char *code;
	char datatype[16];
	bool variable, required;
	char *datatype_description; /* or NULL */
	int order;
	char *description;
	lx_o311_value *values;      /* list datatypes only */
	size_t nvalues;
} lx_o311_attr;

/* Loads the attribute definitions of service code in their order into a
 * new array *out of *n (caller frees with lx_o311_attrs_free). An unknown
 * code has none. LX_OK or LX_ERR. */
int lx_o311_attrs_load(lx_db *db, const char *code, lx_o311_attr **out, size_t *n);
/* Frees an array from lx_o311_attrs_load (NULL is fine). */
void lx_o311_attrs_free(lx_o311_attr *a, size_t n);

/* ---------------- requests ---------------- */

/* A case of type `request` as GeoReport shows it (never its reporter). */
typedef struct lx_o311_request {
	int64_t id;
	char status[16];      /* the case status */
	char *service_code, *service_name;
	char *description, *address;
	char *address_id;     /* the code of the unit the case is located in */
	char *agency;         /* the handling unit's name */
	char *reply;          /* the last reply to the resident */
	char *media_url;      /* as posted, or NULL */
	int64_t photo_id;     /* its first photo (an image attachment), 0: none; never
			       * for an anonymous reporter's request */
	bool has_point;
	double lat, lon;
	lx_ms created_at, updated_at, resolve_due_at; /* 0: none */
	/* An anonymous reporter: the flag, or an Open311 request without any
	 * contact (name, phone, email). Then area and area_code are the name
	 * and code of the deepest unit of kind district, street, community or
	 * village the case is located in (NULL when none). */
	bool anonymous;
	char *area, *area_code;
} lx_o311_request;

/* Frees q's strings and zeroes it. */
void lx_o311_request_clear(lx_o311_request *q);

typedef struct lx_o311_filter {
	const int64_t *ids;   /* when nids > 0: exactly these, nothing else applies */
	size_t nids;
	char *const *codes;   /* service codes (0: any) */
	size_t ncodes;
	bool open, closed;    /* status filter; neither: any */
	lx_ms from, to;       /* requested between, inclusive */
	int limit, offset;
} lx_o311_filter;

/* Calls fn for each request matching f, newest first. LX_OK or LX_ERR. */
int lx_o311_request_list(lx_db *db, const lx_o311_filter *f,
			 int (*fn)(void *arg, const lx_o311_request *q), void *arg);
/* Loads request id. LX_OK, LX_NOTFOUND (none, or not a request), LX_ERR. */
int lx_o311_request_get(lx_db *db, int64_t id, lx_o311_request *out);

/* What a request filed through Open311 carries besides its case. Strings
 * are borrowed for the call; any may be NULL. */
/* The request an image attachment belongs to, when GeoReport publishes it
 * (media_url): a `request` case whose reporter is not anonymous. LX_OK with
 * *case_id, LX_NOTFOUND otherwise, LX_ERR. */
int lx_o311_media_case(lx_db *db, int64_t attachment_id, int64_t *case_id);

typedef struct lx_o311_extra {
	int64_t case_id, api_key_id;
	const char *email, *device_id, *account_id, *address_id, *media_url;
	const char *attributes; /* JSON text */
	const char *token;      /* set when the request was queued */
} lx_o311_extra;

/* Stores x (and its token). Call inside a write transaction. LX_OK or LX_ERR. */
int lx_o311_extra_insert(lx_db *db, const lx_o311_extra *x, lx_ms now);
/* Finds the case behind a token. LX_OK, LX_NOTFOUND, LX_ERR. */
int lx_o311_token_case(lx_db *db, const char *token, int64_t *case_id);

/* Calls fn for every territorial unit (district down to microgrid) whose
 * name occurs in text. LX_OK or LX_ERR. */
int lx_o311_units_in_text(lx_db *db, const char *text,
			  int (*fn)(void *arg, int64_t id, const char *path), void *arg);

/* ---------------- updates ---------------- */


typedef struct lx_o311_update_in {
	int64_t case_id, api_key_id, event_id;
	const char *client_update_id, *status, *description, *media_url;
	const char *email, *first_name, *last_name, *account_id;
	lx_ms updated_datetime;
} lx_o311_update_in;

/* Records a client's update. LX_OK, LX_CONFLICT (this key already sent
 * that update_id), LX_ERR. */
int lx_o311_update_insert(lx_db *db, const lx_o311_update_in *u, lx_ms now);
/* Finds the event recorded for a client's update_id. LX_OK, LX_NOTFOUND, LX_ERR. */
int lx_o311_update_find(lx_db *db, int64_t api_key_id, const char *client_update_id,
			int64_t *event_id, int64_t *case_id);

/* One public step of a request's timeline. */
typedef struct lx_o311_update {
	int64_t id;           /* the event id: the GeoReport update_id */
	int64_t case_id;
	lx_ms at;
	char action[16];
	char to_status[16];
	char *unit_name;      /* the unit the event concerns, or NULL */
	char *note;           /* the event note (resolve: the reply) */
	char *client_text;    /* the description, when a client posted it */
	char *media_url;      /* posted with it, or NULL */
} lx_o311_update;

/* Frees u's strings and zeroes it. */
void lx_o311_update_clear(lx_o311_update *u);
/* Calls fn for the public steps (dispatch, accept, resolve, rate, reopen,
 * close, and every update a client posted) of requests in [from, to],
 * oldest first, limit from offset. LX_OK or LX_ERR. */
int lx_o311_update_list(lx_db *db, lx_ms from, lx_ms to, int limit, int offset,
			int (*fn)(void *arg, const lx_o311_update *u), void *arg);

#endif

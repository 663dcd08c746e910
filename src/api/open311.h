/*
 * open311.h - private to the Open311 room (src/api/open311*.c): replies in
 * XML or JSON from one jansson value, the GeoReport error list and form
 * bodies (open311_fmt.c), and the helpers the GeoReport handlers share
 * (open311.c). Every free text a GeoReport GET shows goes through
 * lx_scrub_pii (core/scrub.h) first.
 */
#ifndef LX_OPEN311_H
#define LX_OPEN311_H

#include "api.h"
#include "repo_open311.h"
#include "scrub.h"

typedef enum { LX_O311_XML, LX_O311_JSON } lx_o311_fmt;

/* Parses a path suffix ("xml" or "json") into *out; false for any other. */
bool lx_o311_fmt_parse(const char *s, lx_o311_fmt *out);

/* Replies with v (reference stolen) in format fmt. JSON is v itself (the
 * spec's JSON mapping: a list is a top-level array). XML is v under the root
 * element `root`: object members become child elements in order, an array's
 * items are named after its container (services/service,
 * service_requests/request, ...), null becomes an empty element, and text
 * is escaped. Always returns LX_OK. */
int lx_o311_reply(lx_req *r, int status, lx_o311_fmt fmt, const char *root, json_t *v);

/* Replies with the GeoReport error list (one error whose code is the HTTP
 * status) in fmt. Returns the LX_ code matching status, like lx_reply_error. */
int lx_o311_error(lx_req *r, lx_o311_fmt fmt, int status, const char *msgfmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Writes v as the XML document described at lx_o311_reply into b. */
void lx_o311_xml(lx_buf *b, const char *root, json_t *v);

/* A parsed form body: key/value pairs in order, keys may repeat. */
typedef struct lx_o311_form {
	size_t n, cap;
	char **keys;
	char **vals;
} lx_o311_form;

/* Parses the request body as application/x-www-form-urlencoded or
 * multipart/form-data (file parts are skipped) into f. Every key and value
 * must be UTF-8 without NUL. Returns LX_OK, or LX_BADREQ with a message in
 * err; f is always left ready for lx_o311_form_free. */
int lx_o311_form_parse(lx_req *r, lx_o311_form *f, char *err, size_t errsz);
/* Frees every pair of f and zeroes it. */
void lx_o311_form_free(lx_o311_form *f);
/* Returns the first value of key (owned by f) or NULL; *count receives the
 * number of occurrences when count is not NULL. */
const char *lx_o311_form_get(const lx_o311_form *f, const char *key, int *count);

/* ---- shared by the GeoReport files (open311*.c) ---- */

#define LX_O311_DESC_MAX 4000 /* code points of a description */
#define LX_O311_TOKEN_LEN 32  /* hex digits of a queued request's token */
#define LX_O311_MAX_RESULTS 1000 /* the largest answer of a listing */

/* A string as JSON: NULL, empty or invalid UTF-8 become null (the spec's
 * empty value). Returns a new reference. */
json_t *lx_o311_str(const char *s);
/* A time as a W3C datetime in the server's zone, null for 0. Returns a new
 * reference. */
json_t *lx_o311_time(lx_req *r, lx_ms t);
/* GeoReport's two statuses: closed is the engine's done (answered,
 * finished, or merged into another), open is everything else. */
bool lx_o311_is_closed(const char *case_status);
/* "closed" or "open" (static strings) for a case status. */
const char *lx_o311_status(const char *case_status);
/* What the resident is told to expect, from the request's state. Returns a
 * malloc'd string. */
char *lx_o311_notice(lx_req *r, const char *type, const char *status, const char *agency, lx_ms due);

/* Parses s as a decimal integer in [1, max]; false otherwise. */
bool lx_o311_posint(const char *s, int64_t max, int64_t *out);
/* Parses a W3C datetime that carries its zone. A '+' that a client left
 * unencoded in a query string arrives as a space and is restored. */
bool lx_o311_parse_time(lx_req *r, const char *s, lx_ms *out);
/* Checks a text value: at most max code points and, when one_line, no
 * control characters at all (text may hold line breaks and tabs). */
bool lx_o311_text_ok(const char *s, size_t max, bool one_line);
/* True for an http or https URL of at most 2,000 bytes without spaces,
 * quotes or angle brackets. */
bool lx_o311_url_ok(const char *u);
/* A present, non-empty form value (owned by form) or NULL. */
const char *lx_o311_field(const lx_o311_form *form, const char *key);

/* Resolves the format suffix (the route's last capture). An unknown one is
 * answered with a 404 JSON error list; returns false then. */
bool lx_o311_format_or_reply(lx_req *r, lx_o311_fmt *fmt);
/* Answers a store failure: the spec's general service error. Returns the
 * LX_ code of the reply, like lx_o311_error. */
int lx_o311_reply_store_error(lx_req *r, lx_o311_fmt fmt, int rc);
/* Checks an optional one-line field against max code points; answers 400
 * and returns false when it is not. */
bool lx_o311_line_or_reply(lx_req *r, lx_o311_fmt fmt, const char *key, const char *v, size_t max);
/* Authenticates the api_key of the form (else of the query string) and
 * counts the call against the key's rate. A missing key is fine when not
 * required (key->id stays 0). On failure answers 400, 403 or 429 and
 * returns false. *key is the caller's to clear on success. */
/* Counts one call of key_id in the current minute. Returns true when it is
 * within limit; *retry_s receives the seconds left in the window. */
bool lx_apikey_rate_take(int64_t key_id, int limit, lx_ms now, int *retry_s);
/* The live key of kind in the X-Api-Key header into *key (the caller
 * clears it), within its rate. Replies 401 (none), 403 (unknown, revoked,
 * another kind) or 429 and returns false otherwise. */
bool lx_apikey_or_reply(lx_req *r, const char *kind, lx_apikey *key);
/* Makes r->user the synthetic actor a key's client acts as: a dispatcher
 * with the whole system as scope and the key's jurisdiction as its unit
 * (what cannot be located goes there), user id 0, named after the key. */
void lx_apikey_act_as(lx_req *r, const lx_apikey *k);
bool lx_o311_key_or_reply(lx_req *r, lx_o311_fmt fmt, const lx_o311_form *form, bool required,
			  lx_apikey *key);
/* The start every GeoReport POST shares: parse the form, check the api_key,
 * refuse repeated scalar fields. Returns LX_OK, or an error status after
 * replying in fmt; form and key are the caller's to free either way. */
int lx_o311_post_begin_or_reply(lx_req *r, lx_o311_fmt fmt, lx_o311_form *form, lx_apikey *key,
				const char *const *scalars, size_t nscalars);
/* The date range of a listing: start_date and end_date, the most recent 90
 * days when neither is given, 90 days from the one given otherwise; at most
 * 90 days. Answers 400 and returns false on bad input. */
bool lx_o311_range_or_reply(lx_req *r, lx_o311_fmt fmt, lx_ms *from, lx_ms *to);
/* The page and page_size extension: page from 1, page_size up to 1000
 * (the default, the spec's largest answer). Answers 400 and returns false
 * on bad input. */
bool lx_o311_paging_or_reply(lx_req *r, lx_o311_fmt fmt, int *limit, int *offset);
/* Finds the service (a leaf category) of code into *out (the caller's to
 * clear); answers 404 (unknown) or 400 and returns false when there is none. */
bool lx_o311_service_or_reply(lx_req *r, lx_o311_fmt fmt, const char *code, lx_o311_service *out);

#endif

/*
 * open311.h - private to open311.c (the GeoReport v2 handlers) and
 * open311_fmt.c (its wire formats): replies in XML or JSON from one jansson
 * value, the GeoReport error list, form bodies, and text scrubbing.
 */
#ifndef LX_OPEN311_H
#define LX_OPEN311_H

#include "api.h"

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

/* Returns a malloc'd copy of s with every mainland mobile number (eleven
 * digits starting 13-19) masked as 138****5678. NULL stays NULL. */
char *lx_o311_scrub(const char *s);

#endif

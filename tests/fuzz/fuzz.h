/*
 * fuzz.h - what the libFuzzer targets of tests/fuzz share (fuzz_common.c):
 * a request without a connection, the demo district as a fixture database,
 * and the one piece of libmicrohttpd the handlers call while they run.
 *
 * A handler reads its query arguments and headers through lx_req_arg and
 * lx_req_header (http/server.c), which ask MHD_lookup_connection_value. The
 * targets are linked with -Wl,--wrap=MHD_lookup_connection_value, and the
 * wrapper answers for a fuzz request from the query string and headers the
 * target set (fuzz_req_query, fuzz_req_header); any other connection goes to
 * libmicrohttpd itself. Everything else the handlers run is the project's
 * own code, unchanged.
 */
#ifndef LX_FUZZ_H
#define LX_FUZZ_H

#include "api.h"

#include <stddef.h>
#include <stdint.h>

/* The libFuzzer entry points every target defines. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Aborts with a message when cond is false: a property of the code under
 * test that the input broke (libFuzzer keeps the input as a crash). */
#define FUZZ_CHECK(cond, ...)                                                  \
	do {                                                                   \
		if (!(cond))                                                   \
			fuzz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__);     \
	} while (0)
void fuzz_fail(const char *file, int line, const char *cond, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 4, 5)));

/* The server-wide settings the handlers read (zone +08:00, 1 MiB bodies). */
lx_app *fuzz_app(void);

/* Opens (once per process) the fixture: the demo district of `lianxin demo`
 * (cli/demo.c) with one extra Open311 API key, FUZZ_O311_KEY, whose rate is
 * never reached. The file is $LX_FUZZ_DB when set (built there when missing,
 * reused after), else a temporary file removed at exit. Also compiles the
 * machines (lx_flow_init) as `lianxin serve` does. Returns the connection,
 * owned by this file; aborts when the fixture cannot be built. */
lx_db *fuzz_db(void);
#define FUZZ_O311_KEY "fuzz-open311-key-0123456789abcdef"

/* A request as the server would hand it to the dispatcher, without a
 * connection: method, url (the path), body copied from the input, and the
 * fixture as its database once fuzz_db() opened it (else no database). */
typedef struct fuzz_req {
	lx_req r;
	char *url;
	char *query;          /* the raw query string (NULL: none) */
	size_t nargs;         /* the query string split as libmicrohttpd does */
	char **keys, **vals;  /* vals[i] NULL for a key without '=' */
	size_t nheaders;
	char *hkeys[8], *hvals[8];
} fuzz_req;

/* Starts a request of method on url (copied; a '?' in it starts the query
 * string, split as by fuzz_req_query). body may be NULL. */
void fuzz_req_init(fuzz_req *f, const char *method, const char *url, const void *body, size_t len);
/* Sets the query string (replacing any): split at '&' and '=', '+' read as a
 * space and %XX decoded, as libmicrohttpd does for GET arguments. */
void fuzz_req_query(fuzz_req *f, const char *query, size_t len);
/* Adds a header (name compared case-insensitively, like HTTP). */
void fuzz_req_header(fuzz_req *f, const char *name, const char *value);
/* Makes the request authenticated as user id of the fixture (1 is admin). */
void fuzz_req_login(fuzz_req *f, int64_t user_id);
/* Frees everything the request and the code it ran hold, as the server's
 * request life cycle does (http/server.c lx_req_free). */
void fuzz_req_free(fuzz_req *f);

/* Checks what any handler left in a reply: a status in 100..599, a body
 * that is valid UTF-8 when it is text, JSON replies that parse, and JSON
 * errors in the contract's shape ({"error": {"code", "message"}}, or the
 * unit import's {"errors": [...]}). With LX_FUZZ_VERBOSE set in the
 * environment it prints each reply's status and start (for seed writers). */
void fuzz_check_reply(const lx_req *r);

/* A NUL-terminated malloc'd copy of data[0..size). */
char *fuzz_strndup(const uint8_t *data, size_t size);

#endif

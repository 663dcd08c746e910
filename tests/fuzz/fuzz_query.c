/*
 * fuzz_query.c - query strings and route matching end to end: a GET
 * request line ("/api/v1/cases?status=open&q=暖气&from=2026-01-01") through
 * the dispatcher (api/dispatch.c lx_api_dispatch) on the demo district
 * (fuzz.h's fixture), logged in as the admin (inputs of even length) or as
 * a grid worker of one community (odd length, a scope below the district).
 * Every read route parses its arguments: the case list's filters
 * (case_query.c: statuses, types, times by lx_time_parse, integers, the
 * search text into an FTS query), locate's coordinates, the statistics'
 * ranges, the units', users' and Open311 listings', and 404/405 for the
 * rest. The exports (export.xlsx, export.csv) are left out: they read up to
 * 10,000 cases per request, the list they share their parsing with is in.
 * When the query sets no page_size the harness appends page_size=3 (the
 * Open311 listing's, which reads 1,000 requests by default).
 *
 * Properties: every request is answered; no answer is a 5xx (the fixture
 * is healthy, so a 500 is input the code did not handle, e.g. a search
 * the FTS index refused); JSON answers parse, errors in the contract's
 * shape, every body is UTF-8.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_db();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	char *line = fuzz_strndup(data, nl ? (size_t)(nl - data) : size);
	if (line[0] != '/' || strstr(line, "/export.")) {
		free(line);
		return 0;
	}
	fuzz_req f;
	fuzz_req_init(&f, "GET", line, NULL, 0);
	if (f.query) {
		lx_buf q;
		lx_buf_init(&q);
		lx_buf_puts(&q, f.query);
		lx_buf_puts(&q, "&page_size=3");
		fuzz_req_query(&f, q.data, q.len);
		lx_buf_free(&q);
	}
	fuzz_req_login(&f, size & 1 ? 8 : 1);
	lx_api_dispatch(&f.r);
	FUZZ_CHECK(f.r.out, "%s: no answer", line);
	FUZZ_CHECK(f.r.status < 500, "%s: %d %.300s", line, f.r.status, f.r.out);
	fuzz_check_reply(&f.r);
	fuzz_req_free(&f);
	free(line);
	return 0;
}

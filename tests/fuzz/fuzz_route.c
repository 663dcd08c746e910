/*
 * fuzz_route.c - route matching (api/dispatch.c, exported as
 * lx_route_match): a request path against every pattern of the route
 * table (lx_api_routes: the declared rows and the workflow actions').
 *
 * Properties: a match has one capture per ':' of the pattern, each a
 * non-empty part of one path segment; the pattern with its captures put
 * back is the path itself; the captures are what lx_req_id and the
 * Open311 format suffix (lx_o311_fmt_parse) then read.
 */
#include "fuzz.h"
#include "open311.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	lx_flow_init();
	return 0;
}

/* The pattern with captures put back in place of its :names. */
static char *fuzz_fill(const char *pattern, char *const *caps, int ncaps)
{
	lx_buf b;
	int k = 0;
	lx_buf_init(&b);
	lx_buf_append(&b, "", 0);
	for (const char *p = pattern; *p;) {
		if (*p != ':') {
			lx_buf_putc(&b, *p++);
			continue;
		}
		while (*p && *p != '/' && *p != '.')
			p++;
		FUZZ_CHECK(k < ncaps, "%s: more names than captures", pattern);
		lx_buf_puts(&b, caps[k++]);
	}
	FUZZ_CHECK(k == ncaps, "%s: %d names for %d captures", pattern, k, ncaps);
	return lx_buf_steal(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n;
	const lx_route *rt = lx_api_routes(&n);
	char *url = fuzz_strndup(data, size);
	lx_req r;
	memset(&r, 0, sizeof r);
	for (size_t i = 0; i < n; i++) {
		if (!lx_route_match(rt[i].path, url, &r)) {
			FUZZ_CHECK(r.nparams == 0, "%s: captures left by a failed match", rt[i].path);
			continue;
		}
		int names = 0;
		for (const char *p = rt[i].path; *p; p++)
			names += *p == ':';
		FUZZ_CHECK(r.nparams == names, "%s: %d captures for %d names", rt[i].path, r.nparams, names);
		for (int k = 0; k < r.nparams; k++)
			FUZZ_CHECK(r.params[k][0] && !strchr(r.params[k], '/'), "%s: capture %d is \"%s\"", rt[i].path,
				   k, r.params[k]);
		char *back = fuzz_fill(rt[i].path, r.params, r.nparams);
		FUZZ_CHECK(strcmp(back, url) == 0, "%s: %s filled back is %s", rt[i].path, url, back);
		free(back);
		int64_t id;
		lx_o311_fmt fmt;
		if (lx_req_id(&r, 0, &id))
			FUZZ_CHECK(id > 0, "an id %lld", (long long)id);
		(void)lx_o311_fmt_parse(r.params[r.nparams - 1 >= 0 ? r.nparams - 1 : 0], &fmt);
		for (int k = 0; k < r.nparams; k++) {
			free(r.params[k]);
			r.params[k] = NULL;
		}
		r.nparams = 0;
	}
	free(url);
	return 0;
}

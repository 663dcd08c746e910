/*
 * audit.c - the audit log for admins: GET /api/v1/audit, newest first,
 * filtered by kind and login, paged by id (before=).
 */
#include "api.h"

#include <stdint.h>
#include <stdlib.h>

int lx_api_audit_list(lx_req *r)
{
	int64_t before = 0, limit = 100;
	if (!lx_query_posint_or_reply(r, "before", INT64_MAX, &before) ||
	    !lx_query_posint_or_reply(r, "limit", 500, &limit))
		return LX_BADREQ;
	if (!limit)
		limit = 100;
	json_t *items = lx_audit_list(r->db, lx_req_arg(r, "kind"), lx_req_arg(r, "login"), before, (int)limit,
				      r->app->tz_offset_min);
	if (!items)
		return lx_reply_store_error(r, LX_ERR);
	json_t *j = json_object();
	size_t n = json_array_size(items);
	json_t *last = n ? json_array_get(items, n - 1) : NULL;
	json_object_set_new(j, "items", items);
	json_object_set_new(j, "next_before", n == (size_t)limit && last ? json_incref(json_object_get(last, "id"))
									    : json_null());
	return lx_reply_json(r, 200, j);
}

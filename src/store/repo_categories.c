/*
 * repo_categories.c - the two-level category list and its duty-list rules.
 */
#include "repo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LX_CAT_COLS "code, name, parent_code, case_type, accept_hours, resolve_hours, " \
		    "resp_kind, resp_value, accept_workdays, resolve_workdays, verify, suspend_approval, " \
		    "max_extensions, photo_on_resolve, on_spot, anonymous_ok"

void lx_category_clear(lx_category *c)
{
	free(c->code);
	free(c->name);
	free(c->parent_code);
	free(c->resp_kind);
	free(c->resp_value);
	memset(c, 0, sizeof *c);
}

static void lx_category_row(lx_stmt *st, lx_category *c)
{
	memset(c, 0, sizeof *c);
	c->code = lx_stmt_dup(st, 0);
	c->name = lx_stmt_dup(st, 1);
	c->parent_code = lx_stmt_dup(st, 2);
	snprintf(c->case_type, sizeof c->case_type, "%s", lx_stmt_text(st, 3));
	c->accept_hours = lx_stmt_double(st, 4);
	c->resolve_hours = lx_stmt_double(st, 5);
	c->resp_kind = lx_stmt_dup(st, 6);
	c->resp_value = lx_stmt_dup(st, 7);
	c->accept_workdays = lx_stmt_isnull(st, 8) ? 0 : (int)lx_stmt_int(st, 8);
	c->resolve_workdays = lx_stmt_isnull(st, 9) ? 0 : (int)lx_stmt_int(st, 9);
	c->verify = lx_stmt_int(st, 10) != 0;
	c->suspend_approval = lx_stmt_int(st, 11) != 0;
	c->max_extensions = (int)lx_stmt_int(st, 12);
	c->photo_on_resolve = lx_stmt_int(st, 13) != 0;
	c->on_spot = lx_stmt_int(st, 14) != 0;
	c->anonymous_ok = lx_stmt_int(st, 15) != 0;
}

static void lx_category_fill(lx_stmt *st, void *out)
{
	lx_category_row(st, out);
}

static json_t *lx_category_row_json(lx_stmt *st, void *arg)
{
	lx_category c;
	(void)arg;
	lx_category_row(st, &c);
	json_t *o = lx_category_json(&c);
	lx_category_clear(&c);
	return o;
}

int lx_category_get(lx_db *db, const char *code, lx_category *out)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT " LX_CAT_COLS " FROM categories WHERE code = ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_text(st, 1, code);
	return lx_row_one(st, lx_category_fill, out);
}

int lx_category_put(lx_db *db, const lx_category *c, bool update)
{
	lx_ms now = lx_now_ms();
	lx_stmt *st = lx_db_prepare(db, update
		? "UPDATE categories SET name = ?, parent_code = ?, case_type = ?, accept_hours = ?, "
		  "resolve_hours = ?, resp_kind = ?, resp_value = ?, accept_workdays = ?, "
		  "resolve_workdays = ?, verify = ?, suspend_approval = ?, max_extensions = ?, "
		  "updated_at = ?, photo_on_resolve = ?16, on_spot = ?17, anonymous_ok = ?18 WHERE code = ?14"
		: "INSERT INTO categories(name, parent_code, case_type, accept_hours, resolve_hours, "
		  "resp_kind, resp_value, accept_workdays, resolve_workdays, verify, suspend_approval, "
		  "max_extensions, updated_at, code, created_at, photo_on_resolve, on_spot, anonymous_ok) "
		  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?16, ?17, ?18)");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_text(st, 1, c->name);
	lx_stmt_bind_text(st, 2, c->parent_code);
	lx_stmt_bind_text(st, 3, c->case_type);
	lx_stmt_bind_double(st, 4, c->accept_hours);
	lx_stmt_bind_double(st, 5, c->resolve_hours);
	lx_stmt_bind_text(st, 6, c->resp_kind);
	lx_stmt_bind_text(st, 7, c->resp_value);
	lx_bind_ms(st, 8, c->accept_workdays);
	lx_bind_ms(st, 9, c->resolve_workdays);
	lx_stmt_bind_int(st, 10, c->verify);
	lx_stmt_bind_int(st, 11, c->suspend_approval);
	lx_stmt_bind_int(st, 12, c->max_extensions);
	lx_stmt_bind_int(st, 13, now);
	lx_stmt_bind_text(st, 14, c->code);
	if (!update)
		lx_stmt_bind_int(st, 15, now);
	lx_stmt_bind_int(st, 16, c->photo_on_resolve);
	lx_stmt_bind_int(st, 17, c->on_spot);
	lx_stmt_bind_int(st, 18, c->anonymous_ok);
	int rc = lx_stmt_step(st);
	lx_stmt_done(st);
	if (rc == LX_DONE && update && lx_db_changes(db) == 0)
		return LX_NOTFOUND;
	return rc == LX_DONE ? LX_OK : rc;
}

json_t *lx_category_json(const lx_category *c)
{
	json_t *o = json_object(), *resp = json_null();
	json_object_set_new(o, "code", json_string(c->code));
	json_object_set_new(o, "name", json_string(c->name));
	json_object_set_new(o, "parent_code", c->parent_code ? json_string(c->parent_code) : json_null());
	json_object_set_new(o, "case_type", json_string(c->case_type));
	json_object_set_new(o, "accept_hours", json_real(c->accept_hours));
	json_object_set_new(o, "resolve_hours", json_real(c->resolve_hours));
	json_object_set_new(o, "accept_workdays", c->accept_workdays > 0 ? json_integer(c->accept_workdays) : json_null());
	json_object_set_new(o, "resolve_workdays", c->resolve_workdays > 0 ? json_integer(c->resolve_workdays) : json_null());
	json_object_set_new(o, "verify", json_boolean(c->verify));
	json_object_set_new(o, "suspend_approval", json_boolean(c->suspend_approval));
	json_object_set_new(o, "max_extensions", json_integer(c->max_extensions));
	json_object_set_new(o, "photo_on_resolve", json_boolean(c->photo_on_resolve));
	json_object_set_new(o, "on_spot", json_boolean(c->on_spot));
	json_object_set_new(o, "anonymous_ok", json_boolean(c->anonymous_ok));
	if (c->resp_kind && c->resp_value) {
		resp = json_object();
		if (strcmp(c->resp_kind, "unit_id") == 0)
			json_object_set_new(resp, "unit_id", json_integer(strtoll(c->resp_value, NULL, 10)));
		else
			json_object_set_new(resp, c->resp_kind, json_string(c->resp_value));
	}
	json_object_set_new(o, "responsible", resp);
	return o;
}

json_t *lx_category_list(lx_db *db)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT " LX_CAT_COLS " FROM categories ORDER BY code");
	if (!st)
		return NULL;
	return lx_rows_json(st, lx_category_row_json, NULL);
}

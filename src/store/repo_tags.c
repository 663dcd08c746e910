/*
 * repo_tags.c - the resident tags the admin keeps, and the data key's
 * fingerprint check (repo_registry.h).
 */
#include "pii.h"
#include "repo.h"
#include "repo_registry.h"

#include <stdlib.h>
#include <string.h>

int lx_registry_key_check(lx_db *db)
{
	char fp[33], *kept = NULL;
	lx_pii_fingerprint(fp);
	lx_stmt *st = lx_db_prepare(db, "SELECT fingerprint FROM key_checks WHERE name = 'data_key'");
	if (!st)
		return LX_ERR;
	int rc = lx_stmt_one_text(st, &kept);
	if (rc == LX_OK) {
		rc = kept && strcmp(kept, fp) == 0 ? LX_OK : LX_CONFLICT;
		free(kept);
		return rc;
	}
	if (rc != LX_NOTFOUND)
		return LX_ERR;
	st = lx_db_prepare(db, "INSERT INTO key_checks(name, fingerprint) VALUES ('data_key', ?) "
			       "ON CONFLICT DO NOTHING");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_text(st, 1, fp);
	rc = lx_stmt_step(st);
	lx_stmt_done(st);
	return rc == LX_DONE ? LX_OK : LX_ERR;
}

void lx_tags_free(lx_tag *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(t[i].name);
		free(t[i].note);
	}
	free(t);
}

int lx_tags_load(lx_db *db, lx_tag **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	lx_stmt *st = lx_db_prepare(db, "SELECT name, sensitive, sort, note FROM registry_tags ORDER BY sort, name");
	if (!st)
		return LX_ERR;
	size_t cap = 0;
	int rc;
	while ((rc = lx_stmt_step(st)) == LX_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*out = lx_xrealloc(*out, cap * sizeof **out);
		}
		lx_tag *t = &(*out)[(*n)++];
		t->name = lx_stmt_dup(st, 0);
		t->sensitive = lx_stmt_int(st, 1) != 0;
		t->sort = (int)lx_stmt_int(st, 2);
		t->note = lx_stmt_isnull(st, 3) ? NULL : lx_stmt_dup(st, 3);
	}
	lx_stmt_done(st);
	if (rc != LX_DONE) {
		lx_tags_free(*out, *n);
		*out = NULL;
		*n = 0;
		return LX_ERR;
	}
	return LX_OK;
}

int lx_tag_put(lx_db *db, const char *name, bool sensitive, int sort, const char *note)
{
	lx_stmt *st = lx_db_prepare(db, "INSERT INTO registry_tags(name, sensitive, sort, note) VALUES (?, ?, ?, ?) "
					"ON CONFLICT (name) DO UPDATE SET sensitive = excluded.sensitive, "
					"sort = excluded.sort, note = excluded.note");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_text(st, 1, name);
	lx_stmt_bind_int(st, 2, sensitive);
	lx_stmt_bind_int(st, 3, sort);
	lx_stmt_bind_text(st, 4, note);
	int rc = lx_stmt_step(st);
	lx_stmt_done(st);
	return rc == LX_DONE ? LX_OK : LX_ERR;
}

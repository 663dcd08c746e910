/*
 * repo_residents.c - residents: sealed on the way in, opened on the way
 * out, found by a keyed hash of an ID number or phone (repo_registry.h).
 */
#include "pii.h"
#include "repo.h"
#include "repo_field.h"
#include "repo_registry.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LX_RES_COLS                                                                                \
	"r.id, r.household_id, r.unit_id, r.unit_path, r.name, r.gender, r.birth_date, r.phone_enc, " \
	"r.id_enc, r.contacts_enc, r.tags, r.version, r.created_at, r.updated_at, h.address, r.carer_ids, " \
	"r.device_id, r.daily_check_since"
#define LX_RES_FROM " FROM residents r LEFT JOIN households h ON h.id = r.household_id"

void lx_resident_clear(lx_resident *p)
{
	free(p->unit_path);
	free(p->name);
	lx_pii_free(p->phone);
	lx_pii_free(p->id_number);
	json_decref(p->tags);
	json_decref(p->contacts);
	free(p->address);
	free(p->device_id);
	memset(p, 0, sizeof *p);
}

static void lx_copy_small(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

static void lx_resident_fill(lx_stmt *st, void *out)
{
	lx_resident *p = out;
	memset(p, 0, sizeof *p);
	p->id = lx_stmt_int(st, 0);
	p->household_id = lx_stmt_isnull(st, 1) ? 0 : lx_stmt_int(st, 1);
	p->unit_id = lx_stmt_int(st, 2);
	p->unit_path = lx_stmt_dup(st, 3);
	p->name = lx_stmt_dup(st, 4);
	lx_copy_small(p->gender, sizeof p->gender, lx_stmt_text(st, 5));
	lx_copy_small(p->birth_date, sizeof p->birth_date, lx_stmt_text(st, 6));
	p->phone = lx_pii_open(lx_stmt_text(st, 7));
	p->id_number = lx_pii_open(lx_stmt_text(st, 8));
	char *contacts = lx_pii_open(lx_stmt_text(st, 9));
	p->contacts = contacts ? json_loads(contacts, 0, NULL) : NULL;
	lx_pii_free(contacts);
	if (!json_is_array(p->contacts)) {
		json_decref(p->contacts);
		p->contacts = json_array();
	}
	const char *tags = lx_stmt_text(st, 10);
	p->tags = tags ? json_loads(tags, 0, NULL) : NULL;
	if (!json_is_array(p->tags)) {
		json_decref(p->tags);
		p->tags = json_array();
	}
	p->version = (int)lx_stmt_int(st, 11);
	p->created_at = lx_stmt_int(st, 12);
	p->updated_at = lx_stmt_int(st, 13);
	p->address = lx_stmt_isnull(st, 14) ? NULL : lx_stmt_dup(st, 14);
	json_t *carers = lx_stmt_isnull(st, 15) ? NULL : json_loads(lx_stmt_text(st, 15), 0, NULL);
	size_t i;
	json_t *v;
	json_array_foreach(carers, i, v)
		if (json_is_integer(v) && p->ncarers < LX_CARERS_MAX)
			p->carers[p->ncarers++] = json_integer_value(v);
	json_decref(carers);
	p->device_id = lx_stmt_isnull(st, 16) ? NULL : lx_stmt_dup(st, 16);
	lx_copy_small(p->daily_check_since, sizeof p->daily_check_since, lx_stmt_text(st, 17));
}

/* Binds a sealed value at i and its hash at i + 1 (hash_kind NULL: no hash
 * parameter). */
static void lx_bind_sealed(lx_stmt *st, int i, const char *plain, const char *hash_kind)
{
	char *sealed = lx_pii_seal(plain);
	lx_stmt_bind_text(st, i, sealed);
	free(sealed);
	if (!hash_kind)
		return;
	if (plain) {
		char h[33];
		lx_pii_hash(hash_kind, plain, h);
		lx_stmt_bind_text(st, i + 1, h);
	} else {
		lx_stmt_bind_null(st, i + 1);
	}
}

static void lx_bind_contacts(lx_stmt *st, int i, const json_t *contacts)
{
	if (!contacts || json_array_size(contacts) == 0) {
		lx_stmt_bind_null(st, i);
		return;
	}
	char *s = json_dumps(contacts, JSON_COMPACT);
	lx_bind_sealed(st, i, s, NULL);
	lx_pii_free(s);
}

static void lx_bind_tags(lx_stmt *st, int i, const json_t *tags)
{
	char *s = tags ? json_dumps(tags, JSON_COMPACT) : NULL;
	lx_stmt_bind_text(st, i, s ? s : "[]");
	free(s);
}

/* Writes p's press-9 fields again: its carers (the column read back, and
 * their rows in order for a volunteer's residents), its device, its daily
 * "I'm fine". */
static int lx_resident_carer_rows(lx_db *db, const lx_resident *p)
{
	json_t *ids = json_array();
	for (int i = 0; i < p->ncarers; i++)
		json_array_append_new(ids, json_integer(p->carers[i]));
	char *text = json_dumps(ids, JSON_COMPACT);
	json_decref(ids);
	lx_stmt *st = lx_db_prepare(db, "UPDATE residents SET carer_ids = ?, device_id = ?, daily_check_since = ? "
					"WHERE id = ?");
	int rc = LX_ERR;
	if (!st)
		goto cleanup;
	lx_stmt_bind_text(st, 1, p->ncarers ? text : NULL);
	lx_stmt_bind_text(st, 2, p->device_id);
	lx_stmt_bind_text(st, 3, p->daily_check_since[0] ? p->daily_check_since : NULL);
	lx_stmt_bind_int(st, 4, p->id);
	if ((rc = lx_stmt_exec(st)) != LX_OK)
		goto cleanup;
	rc = LX_ERR;
	if (!(st = lx_db_prepare(db, "DELETE FROM resident_carers WHERE resident_id = ?")))
		goto cleanup;
	lx_stmt_bind_int(st, 1, p->id);
	if ((rc = lx_stmt_exec(st)) != LX_OK)
		goto cleanup;
	for (int i = 0; rc == LX_OK && i < p->ncarers; i++) {
		rc = LX_ERR;
		if (!(st = lx_db_prepare(db, "INSERT INTO resident_carers(resident_id, ord, user_id) VALUES (?, ?, ?)")))
			goto cleanup;
		lx_stmt_bind_int(st, 1, p->id);
		lx_stmt_bind_int(st, 2, i);
		lx_stmt_bind_int(st, 3, p->carers[i]);
		rc = lx_stmt_exec(st);
	}
cleanup:
	free(text);
	return rc;
}

int lx_resident_by_caller(lx_db *db, const char *phone, const char *device_id, lx_resident *out)
{
	char h[33];
	int rc = LX_NOTFOUND;
	if (phone) {
		lx_pii_hash("phone", phone, h);
		lx_stmt *st = lx_db_prepare(db, "SELECT " LX_RES_COLS LX_RES_FROM " WHERE r.phone_hash = ? "
						"ORDER BY r.id LIMIT 1");
		if (!st)
			return LX_ERR;
		lx_stmt_bind_text(st, 1, h);
		rc = lx_row_one(st, lx_resident_fill, out);
	}
	if (rc == LX_NOTFOUND && device_id) {
		lx_stmt *st = lx_db_prepare(db, "SELECT " LX_RES_COLS LX_RES_FROM " WHERE r.device_id = ? "
						"ORDER BY r.id LIMIT 1");
		if (!st)
			return LX_ERR;
		lx_stmt_bind_text(st, 1, device_id);
		rc = lx_row_one(st, lx_resident_fill, out);
	}
	return rc;
}

/* Writes the tag rows of p again. */
static int lx_resident_tag_rows(lx_db *db, const lx_resident *p)
{
	lx_stmt *st = lx_db_prepare(db, "DELETE FROM resident_tags WHERE resident_id = ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, p->id);
	int rc = lx_stmt_step(st);
	lx_stmt_done(st);
	if (rc != LX_DONE)
		return LX_ERR;
	size_t i;
	json_t *t;
	json_array_foreach(p->tags, i, t) {
		st = lx_db_prepare(db, "INSERT INTO resident_tags(tag, unit_path, resident_id) VALUES (?, ?, ?) "
				       "ON CONFLICT DO NOTHING");
		if (!st)
			return LX_ERR;
		lx_stmt_bind_text(st, 1, json_string_value(t));
		lx_stmt_bind_text(st, 2, p->unit_path);
		lx_stmt_bind_int(st, 3, p->id);
		rc = lx_stmt_step(st);
		lx_stmt_done(st);
		if (rc != LX_DONE)
			return LX_ERR;
	}
	return LX_OK;
}

int lx_resident_add(lx_db *db, lx_resident *p, lx_ms now)
{
	if ((p->phone || p->id_number || (p->contacts && json_array_size(p->contacts))) && !lx_pii_key_loaded())
		return LX_ERR; /* never store personal data unsealed */
	assert(p->unit_id > 0 && p->unit_path && p->name);
	lx_stmt *st = lx_db_prepare(db, "INSERT INTO residents(household_id, unit_id, unit_path, name, gender, "
					"birth_date, phone_enc, phone_hash, id_enc, id_hash, contacts_enc, tags, "
					"version, created_at, updated_at) "
					"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id");
	if (!st)
		return LX_ERR;
	lx_bind_id(st, 1, p->household_id);
	lx_stmt_bind_int(st, 2, p->unit_id);
	lx_stmt_bind_text(st, 3, p->unit_path);
	lx_stmt_bind_text(st, 4, p->name);
	lx_stmt_bind_text(st, 5, p->gender[0] ? p->gender : NULL);
	lx_stmt_bind_text(st, 6, p->birth_date[0] ? p->birth_date : NULL);
	lx_bind_sealed(st, 7, p->phone, "phone");
	lx_bind_sealed(st, 9, p->id_number, "id");
	lx_bind_contacts(st, 11, p->contacts);
	lx_bind_tags(st, 12, p->tags);
	lx_stmt_bind_int(st, 13, now);
	lx_stmt_bind_int(st, 14, now);
	int rc = lx_stmt_one_int(st, &p->id);
	if (rc != LX_OK)
		return rc == LX_NOTFOUND ? LX_ERR : rc;
	p->version = 1;
	p->created_at = p->updated_at = now;
	if (!p->tags)
		p->tags = json_array();
	rc = lx_resident_tag_rows(db, p);
	if (rc == LX_OK)
		rc = lx_resident_carer_rows(db, p);
	return rc == LX_OK ? lx_targets_sync(db, "resident", p->id, now) : rc;
}

int lx_resident_get(lx_db *db, const char *scope, int64_t id, lx_resident *out)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT " LX_RES_COLS LX_RES_FROM " WHERE r.id = ? "
					"AND r.unit_path >= ? AND r.unit_path < ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, id);
	lx_bind_scope(st, 2, scope);
	return lx_row_one(st, lx_resident_fill, out);
}

int lx_resident_by_id_number(lx_db *db, const char *scope, const char *id_number, lx_resident *out)
{
	char h[33];
	lx_pii_hash("id", id_number, h);
	lx_stmt *st = lx_db_prepare(db, "SELECT " LX_RES_COLS LX_RES_FROM " WHERE r.id_hash = ? "
					"AND r.unit_path >= ? AND r.unit_path < ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_text(st, 1, h);
	lx_bind_scope(st, 2, scope);
	return lx_row_one(st, lx_resident_fill, out);
}

int lx_resident_update(lx_db *db, lx_resident *p, lx_ms now)
{
	if ((p->phone || p->id_number || (p->contacts && json_array_size(p->contacts))) && !lx_pii_key_loaded())
		return LX_ERR; /* never store personal data unsealed */
	lx_stmt *st = lx_db_prepare(db, "UPDATE residents SET household_id = ?, unit_id = ?, unit_path = ?, "
					"name = ?, gender = ?, birth_date = ?, phone_enc = ?, phone_hash = ?, "
					"id_enc = ?, id_hash = ?, contacts_enc = ?, tags = ?, version = version + 1, "
					"updated_at = ? WHERE id = ? AND version = ?");
	if (!st)
		return LX_ERR;
	lx_bind_id(st, 1, p->household_id);
	lx_stmt_bind_int(st, 2, p->unit_id);
	lx_stmt_bind_text(st, 3, p->unit_path);
	lx_stmt_bind_text(st, 4, p->name);
	lx_stmt_bind_text(st, 5, p->gender[0] ? p->gender : NULL);
	lx_stmt_bind_text(st, 6, p->birth_date[0] ? p->birth_date : NULL);
	lx_bind_sealed(st, 7, p->phone, "phone");
	lx_bind_sealed(st, 9, p->id_number, "id");
	lx_bind_contacts(st, 11, p->contacts);
	lx_bind_tags(st, 12, p->tags);
	lx_stmt_bind_int(st, 13, now);
	lx_stmt_bind_int(st, 14, p->id);
	lx_stmt_bind_int(st, 15, p->version);
	int rc = lx_change_one(db, st, LX_CONFLICT);
	if (rc != LX_OK)
		return rc;
	p->version++;
	p->updated_at = now;
	rc = lx_resident_tag_rows(db, p);
	if (rc == LX_OK)
		rc = lx_resident_carer_rows(db, p);
	return rc == LX_OK ? lx_targets_sync(db, "resident", p->id, now) : rc;
}

int lx_residents_each(lx_db *db, const char *scope, const lx_reg_filter *f,
		      int (*fn)(void *arg, const lx_resident *p), void *arg)
{
	const char *path = f->under ? f->under : scope;
	if (!lx_scope_contains(scope, path))
		return LX_OK;
	char idn[19], phone[24], hash[33];
	char *like = NULL;
	lx_buf sql;
	lx_buf_init(&sql);
	lx_buf_puts(&sql, "SELECT " LX_RES_COLS LX_RES_FROM " WHERE r.unit_path >= ?1 AND r.unit_path < ?2 "
			  "AND r.id > ?3");
	if (f->household_id)
		lx_buf_puts(&sql, " AND r.household_id = ?4");
	if (f->q && !lx_id_number_check(f->q, idn)) {
		lx_pii_hash("id", idn, hash);
		lx_buf_puts(&sql, " AND r.id_hash = ?5");
	} else if (f->q && !lx_phone_check(f->q, phone)) {
		lx_pii_hash("phone", phone, hash);
		lx_buf_puts(&sql, " AND r.phone_hash = ?5");
	} else if (f->q) {
		like = lx_like_pattern(f->q);
		lx_buf_puts(&sql, " AND (r.name LIKE ?6 ESCAPE '\\' OR h.address LIKE ?6 ESCAPE '\\')");
	}
	if (f->tag)
		lx_buf_puts(&sql, " AND r.id IN (SELECT t.resident_id FROM resident_tags t WHERE t.tag = ?7 "
				  "AND t.unit_path >= ?1 AND t.unit_path < ?2)");
	lx_buf_puts(&sql, " ORDER BY r.id LIMIT ?8");
	int rc = LX_ERR;
	lx_stmt *st = lx_db_prepare(db, sql.data);
	if (!st)
		goto cleanup;
	lx_bind_scope(st, 1, path);
	lx_stmt_bind_int(st, 3, f->after_id);
	if (f->household_id)
		lx_stmt_bind_int(st, 4, f->household_id);
	if (f->q && !like)
		lx_stmt_bind_text(st, 5, hash);
	if (like)
		lx_stmt_bind_text(st, 6, like);
	if (f->tag)
		lx_stmt_bind_text(st, 7, f->tag);
	lx_stmt_bind_int(st, 8, f->limit > 0 ? f->limit : -1);
	while ((rc = lx_stmt_step(st)) == LX_ROW) {
		lx_resident p;
		lx_resident_fill(st, &p);
		int stop = fn(arg, &p);
		lx_resident_clear(&p);
		if (stop)
			break;
	}
	lx_stmt_done(st);
	rc = rc == LX_ROW || rc == LX_DONE ? LX_OK : LX_ERR;
cleanup:
	free(like);
	lx_buf_free(&sql);
	return rc;
}

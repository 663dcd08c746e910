/*
 * chain.c - the tamper-evident trail: the case timeline (case_events) and
 * the audit log (audit_log) are hash chains.
 *
 * Each row holds prev_hash, the hash of the row before it; a row's own
 * hash is BLAKE2b-128(prev_hash || its fields in a fixed, length-prefixed
 * encoding) and is held by the next row, the last one's by chain_heads.
 * (One 32-digit column per row: the timeline has ~6 events a case, and a
 * second column of 64 digits put 850 bytes on every case. 128 bits keep a
 * forged row out of reach: a second preimage costs 2^128.) chain_heads
 * keeps each chain's last id and hash, read and moved in the same
 * transaction as the rows (SELECT ... FOR UPDATE on PostgreSQL, so writers
 * of several nodes take turns and ids follow the chain); rows get their ids
 * from the head, one after another, so the chain's order is the id order
 * and a missing id is a removed row. Triggers (migration 014) refuse an
 * UPDATE of a sealed row (prev_hash set) and every DELETE. lx_chain_verify
 * walks a chain and names the first row that does not hold; editing the
 * file with another program (triggers dropped) is what it catches.
 */
#include "chain.h"
#include "driver.h"

#include <assert.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char lx_chain_genesis[LX_CHAIN_HEX + 1] = "00000000000000000000000000000000";

void lx_chain_int(lx_buf *b, int64_t v)
{
	lx_buf_printf(b, "i%lld;", (long long)v);
}

void lx_chain_text(lx_buf *b, const char *s)
{
	if (!s) {
		lx_buf_puts(b, "n;");
		return;
	}
	size_t n = strlen(s);
	lx_buf_printf(b, "t%zu:", n);
	lx_buf_append(b, s, n);
	lx_buf_putc(b, ';');
}

void lx_chain_hash(const char *prev, const lx_buf *fields, char out[LX_CHAIN_HEX + 1])
{
	unsigned char h[LX_CHAIN_HEX / 2];
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	crypto_generichash_update(&st, (const unsigned char *)prev, LX_CHAIN_HEX);
	crypto_generichash_update(&st, (const unsigned char *)fields->data, fields->len);
	crypto_generichash_final(&st, h, sizeof h);
	sodium_bin2hex(out, LX_CHAIN_HEX + 1, h, sizeof h);
}

int lx_chain_head(lx_db *db, const char *name, lx_chain *c)
{
	bool pg = strcmp(lx_db_kind(db), "postgresql") == 0;
	lx_stmt *st = lx_db_prepare(db, pg ? "SELECT last_id, hash FROM chain_heads WHERE name = ? FOR UPDATE"
					   : "SELECT last_id, hash FROM chain_heads WHERE name = ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_text(st, 1, name);
	int rc = lx_stmt_step(st);
	if (rc == LX_ROW) {
		c->name = name;
		c->last_id = lx_stmt_int(st, 0);
		snprintf(c->hash, sizeof c->hash, "%s", lx_stmt_text(st, 1));
		c->start_id = c->last_id;
		rc = strlen(c->hash) == LX_CHAIN_HEX ? LX_OK : LX_ERR;
	} else {
		rc = LX_ERR;
	}
	lx_stmt_done(st);
	return rc;
}

int lx_chain_save(lx_db *db, const lx_chain *c)
{
	if (c->last_id == c->start_id)
		return LX_OK;
	lx_stmt *st = lx_db_prepare(db, "UPDATE chain_heads SET last_id = ?, hash = ? WHERE name = ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, c->last_id);
	lx_stmt_bind_text(st, 2, c->hash);
	lx_stmt_bind_text(st, 3, c->name);
	int rc = lx_stmt_step(st);
	lx_stmt_done(st);
	return rc == LX_DONE ? LX_OK : LX_ERR;
}

/* ---- the two chains' encodings: insert and verify use the same ---- */

void lx_chain_event_fields(lx_buf *b, int64_t id, const lx_event *e)
{
	lx_chain_int(b, id);
	lx_chain_int(b, e->case_id);
	lx_chain_int(b, e->at);
	lx_chain_int(b, e->actor_id);
	lx_chain_text(b, e->action);
	lx_chain_text(b, e->from);
	lx_chain_text(b, e->to);
	lx_chain_int(b, e->unit_id);
	lx_chain_text(b, e->note);
	lx_chain_text(b, e->input);
	lx_chain_int(b, e->accept_due_at);
	lx_chain_int(b, e->resolve_due_at);
}

void lx_chain_audit_fields(lx_buf *b, int64_t id, const lx_audit *a)
{
	lx_chain_int(b, id);
	lx_chain_int(b, a->at);
	lx_chain_text(b, a->kind);
	lx_chain_int(b, a->actor_id);
	lx_chain_text(b, a->login);
	lx_chain_text(b, a->addr);
	lx_chain_text(b, a->target);
	lx_chain_text(b, a->detail);
}

/* ---- verify ---- */

#define LX_EVENT_COLS "id, case_id, at, actor_id, action, from_status, to_status, unit_id, note, " \
		      "input, accept_due_at, resolve_due_at, prev_hash"
#define LX_AUDIT_COLS "id, at, kind, actor_id, login, addr, target, detail, prev_hash"

static int64_t lx_col_int(lx_stmt *st, int i)
{
	return lx_stmt_isnull(st, i) ? 0 : lx_stmt_int(st, i);
}

static const char *lx_col_text(lx_stmt *st, int i)
{
	return lx_stmt_isnull(st, i) ? NULL : lx_stmt_text(st, i);
}

/* The fields of the current row of a verify query, in *b; the row's
 * prev_hash column's position in *iprev. */
static void lx_verify_row_fields(bool events, lx_stmt *st, lx_buf *b, int *iprev)
{
	if (events) {
		lx_event e = {0};
		e.case_id = lx_col_int(st, 1);
		e.at = lx_col_int(st, 2);
		e.actor_id = lx_col_int(st, 3);
		e.action = lx_col_text(st, 4);
		e.from = lx_col_text(st, 5);
		e.to = lx_col_text(st, 6);
		e.unit_id = lx_col_int(st, 7);
		e.note = (char *)lx_col_text(st, 8);
		e.input = (char *)lx_col_text(st, 9);
		e.accept_due_at = lx_col_int(st, 10);
		e.resolve_due_at = lx_col_int(st, 11);
		lx_chain_event_fields(b, lx_col_int(st, 0), &e);
		*iprev = 12;
	} else {
		lx_audit a = {0};
		a.at = lx_col_int(st, 1);
		a.kind = lx_col_text(st, 2);
		a.actor_id = lx_col_int(st, 3);
		a.login = lx_col_text(st, 4);
		a.addr = lx_col_text(st, 5);
		a.target = lx_col_text(st, 6);
		a.detail = lx_col_text(st, 7);
		lx_chain_audit_fields(b, lx_col_int(st, 0), &a);
		*iprev = 8;
	}
}

#define LX_CHAIN_PAGE 20000

static lx_stmt *lx_chain_page(lx_db *db, bool events, int64_t after)
{
	lx_stmt *st = lx_db_prepare(db, events ? "SELECT " LX_EVENT_COLS " FROM case_events "
						 "WHERE id > ? ORDER BY id LIMIT 20000"
					       : "SELECT " LX_AUDIT_COLS " FROM audit_log "
						 "WHERE id > ? ORDER BY id LIMIT 20000");
	if (st)
		lx_stmt_bind_int(st, 1, after);
	return st;
}

/* Checks the rows of one page against the chain so far: *last_id and
 * hash, the hash the next row must hold (of the row *last_id). Returns
 * LX_OK with *n rows seen (a broken row ends it, in rep). */
static int lx_verify_page(lx_db *db, bool events, const char *name, char hash[LX_CHAIN_HEX + 1],
			  int64_t *last_id, lx_buf *b, lx_chain_report *rep, int *n)
{
	int rc;
	lx_stmt *st = lx_chain_page(db, events, *last_id);
	if (!st)
		return LX_ERR;
	*n = 0;
	while ((rc = lx_stmt_step(st)) == LX_ROW) {
		int iprev;
		int64_t id = lx_col_int(st, 0);
		b->len = 0;
		lx_verify_row_fields(events, st, b, &iprev);
		const char *row_prev = lx_col_text(st, iprev);
		rep->rows++;
		(*n)++;
		if (id != *last_id + 1) {
			rep->broken_id = id;
			snprintf(rep->why, sizeof rep->why, "%s row %lld: rows %lld to %lld before it were removed",
				 name, (long long)id, (long long)*last_id + 1, (long long)id - 1);
			break;
		}
		if (!row_prev || strcmp(row_prev, hash) != 0) {
			/* this row's record of its predecessor no longer matches it */
			rep->broken_id = *last_id ? *last_id : id;
			snprintf(rep->why, sizeof rep->why, *last_id
				 ? "%s row %lld: it was changed (row %lld holds another hash of it)"
				 : "%s row %lld: it was changed (it is the first, and holds no genesis)",
				 name, (long long)rep->broken_id, (long long)id);
			break;
		}
		lx_chain_hash(hash, b, hash);
		*last_id = id;
	}
	lx_stmt_done(st);
	return rep->broken_id || rc == LX_DONE ? LX_OK : LX_ERR;
}

int lx_chain_verify(lx_db *db, const char *name, lx_chain_report *rep)
{
	bool events = strcmp(name, "case_events") == 0;
	assert(events || strcmp(name, "audit_log") == 0);
	memset(rep, 0, sizeof *rep);
	lx_chain head;
	if (lx_chain_head(db, name, &head) != LX_OK)
		return LX_ERR;
	char hash[LX_CHAIN_HEX + 1];
	memcpy(hash, lx_chain_genesis, sizeof hash);
	lx_buf b;
	lx_buf_init(&b);
	int64_t last_id = 0;
	int n = 0, rc;
	do
		rc = lx_verify_page(db, events, name, hash, &last_id, &b, rep, &n);
	while (rc == LX_OK && !rep->broken_id && n == LX_CHAIN_PAGE);
	lx_buf_free(&b);
	if (rc != LX_OK || rep->broken_id)
		return rc;
	if (last_id != head.last_id) {
		rep->broken_id = last_id ? last_id : -1;
		snprintf(rep->why, sizeof rep->why, "%s: the chain ends at row %lld but its head says row %lld "
			 "(rows at the end were removed)", name, (long long)last_id, (long long)head.last_id);
	} else if (strcmp(hash, head.hash) != 0) {
		rep->broken_id = last_id;
		snprintf(rep->why, sizeof rep->why, "%s row %lld: it was changed (the chain's head holds another "
			 "hash of it)", name, (long long)last_id);
	}
	return LX_OK;
}

/* ---- sealing rows written before the chain existed (migration 013) ---- */

/* Seals one page of unsealed rows after c->last_id; *n says how many. */
static int lx_rebuild_page(lx_db *db, bool events, lx_chain *c, lx_buf *b, int *n)
{
	lx_stmt *st = lx_chain_page(db, events, c->last_id);
	if (!st)
		return LX_ERR;
	int rc;
	*n = 0;
	while ((rc = lx_stmt_step(st)) == LX_ROW) {
		int iprev;
		char h[LX_CHAIN_HEX + 1];
		b->len = 0;
		lx_verify_row_fields(events, st, b, &iprev);
		lx_chain_hash(c->hash, b, h);
		int64_t id = lx_col_int(st, 0);
		lx_stmt *up = lx_db_prepare(db, events ? "UPDATE case_events SET prev_hash = ? WHERE id = ?"
						       : "UPDATE audit_log SET prev_hash = ? WHERE id = ?");
		if (!up) {
			rc = LX_ERR;
			break;
		}
		lx_stmt_bind_text(up, 1, c->hash);
		lx_stmt_bind_int(up, 2, id);
		int urc = lx_stmt_step(up);
		lx_stmt_done(up);
		if (urc != LX_DONE) {
			rc = LX_ERR;
			break;
		}
		memcpy(c->hash, h, sizeof c->hash);
		c->last_id = id;
		(*n)++;
	}
	lx_stmt_done(st);
	return rc == LX_DONE ? LX_OK : LX_ERR;
}

int lx_chain_rebuild(lx_db *db)
{
	static const char *const names[] = {"case_events", "audit_log"};
	lx_buf b;
	lx_buf_init(&b);
	int rc = LX_OK;
	for (size_t k = 0; rc == LX_OK && k < 2; k++) {
		lx_chain c;
		int n = 0;
		rc = lx_chain_head(db, names[k], &c);
		while (rc == LX_OK && (rc = lx_rebuild_page(db, k == 0, &c, &b, &n)) == LX_OK && n == LX_CHAIN_PAGE)
			;
		if (rc == LX_OK)
			rc = lx_chain_save(db, &c);
	}
	lx_buf_free(&b);
	return rc;
}

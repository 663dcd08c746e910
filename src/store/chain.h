/*
 * chain.h - the hash chains of the case timeline and the audit log
 * (chain.c says how they work).
 */
#ifndef LX_CHAIN_H
#define LX_CHAIN_H

#include "repo.h"

/* A link: BLAKE2b-128 in hex. */
#define LX_CHAIN_HEX 32

/* A chain's head, read inside a write transaction (lx_chain_head) and
 * moved with each row appended; lx_chain_save writes it back. */
typedef struct lx_chain {
	const char *name;    /* "case_events" or "audit_log" (static) */
	int64_t last_id;     /* the last row's id: the next row is last_id + 1 */
	int64_t start_id;    /* last_id when read */
	char hash[LX_CHAIN_HEX + 1]; /* the last row's hash, which the next row holds */
} lx_chain;

/* The predecessor of a chain's first row. */
extern const char lx_chain_genesis[LX_CHAIN_HEX + 1];

/* Reads chain name's head into *c (locking it against other writers on
 * PostgreSQL until the transaction ends). LX_OK or LX_ERR. */
int lx_chain_head(lx_db *db, const char *name, lx_chain *c);
/* Writes c back when rows were appended. LX_OK or LX_ERR. */
int lx_chain_save(lx_db *db, const lx_chain *c);
/* out = BLAKE2b-128(prev || fields) in hex (out may be prev). */
void lx_chain_hash(const char *prev, const lx_buf *fields, char out[LX_CHAIN_HEX + 1]);
/* The length-prefixed encoding of one field (NULL text differs from ""). */
void lx_chain_int(lx_buf *b, int64_t v);
void lx_chain_text(lx_buf *b, const char *s);
/* The fields of an event row and of an audit row as hashed. */
void lx_chain_event_fields(lx_buf *b, int64_t id, const lx_event *e);
void lx_chain_audit_fields(lx_buf *b, int64_t id, const lx_audit *a);

/* What lx_chain_verify found. broken_id is 0 when the chain holds. */
typedef struct lx_chain_report {
	int64_t rows;
	int64_t broken_id;   /* the first row that does not hold (-1: the head itself) */
	char why[256];
} lx_chain_report;
/* Walks chain name ("case_events" or "audit_log") from its first row and
 * checks every link and hash, then the head. Returns LX_OK with *rep
 * filled (broken or not), LX_ERR when it could not read. */
int lx_chain_verify(lx_db *db, const char *name, lx_chain_report *rep);
/* Seals the rows written before the chains existed (a rebuild migration
 * 013 asks for). LX_OK or LX_ERR. */
int lx_chain_rebuild(lx_db *db);

#endif

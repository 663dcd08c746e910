/*
 * repo_resident.h - residents on their own phones (schema 021): the
 * one-time codes with their tries and locks, the hourly counts of codes
 * sent, and residents' sessions (store/repo_resident.c). A number is kept
 * as the data key's keyed hash (lx_pii_hash "phone" over lx_phone_key),
 * sealed where it must be read back.
 */
#ifndef LX_REPO_RESIDENT_H
#define LX_REPO_RESIDENT_H

#include "repo.h"

/* How many codes were sent to phone_key, and from addr, since `since`. */
int lx_resident_sends(lx_db *db, const char *phone_key, const char *addr, lx_ms since, int64_t *to_phone,
		      int64_t *from_addr);
/* Counts one more code (or, under phone_key "lookup", one more failed
 * lookup) for the hourly limits. LX_OK or LX_ERR. */
int lx_resident_send_add(lx_db *db, const char *phone_key, const char *addr, lx_ms now);
/* Records a code sent now (counted as lx_resident_send_add does): its keyed hash replaces the one in force, the
 * tries start again, the lock stays. LX_OK or LX_ERR. */
int lx_resident_code_put(lx_db *db, const char *phone_key, const char *addr, const char *code_hash,
			 lx_ms expires_at, lx_ms now);
typedef struct lx_resident_code {
	char code_hash[65];
	lx_ms expires_at, locked_until;
	int tries;
} lx_resident_code;
/* The code in force for phone_key. LX_OK, LX_NOTFOUND (none sent), LX_ERR. */
int lx_resident_code_get(lx_db *db, const char *phone_key, lx_resident_code *out);
/* A wrong code: the tries counted, and when they reach max, the number
 * locked until lock_until and the code spent. */
int lx_resident_code_wrong(lx_db *db, const char *phone_key, int max, lx_ms lock_until);
/* The code used: it cannot be used again. */
int lx_resident_code_spend(lx_db *db, const char *phone_key);

/* A new session for the (plain) phone, sealed at rest. LX_OK or LX_ERR. */
int lx_resident_session_put(lx_db *db, const char *token_hash, const char *phone, lx_ms now, lx_ms expires_at);
/* The phone of a live session (malloc'd into *phone, wipe with
 * lx_pii_free). LX_OK, LX_NOTFOUND (unknown, expired, revoked), LX_ERR. */
int lx_resident_session_get(lx_db *db, const char *token_hash, lx_ms now, char **phone);
/* Ends a session. LX_OK or LX_ERR. */
int lx_resident_session_revoke(lx_db *db, const char *token_hash, lx_ms now);

#endif

/*
 * pii.h - personal data of the registry: ID numbers and phones sealed at
 * rest, found by a keyed hash, checked on the way in, masked on the way
 * out (PIPL; docs/security.md, "Personal data in the registry").
 *
 * One data key (32 bytes: LIANXIN_DATA_KEY, or the key file lianxin.conf's
 * data_key_file names, made by `init` with mode 0600) yields three subkeys
 * by libsodium's KDF: one seals values (XSalsa20-Poly1305, a random nonce
 * each), one hashes them for lookups (BLAKE2b-128, keyed: the hash of an ID
 * number is useless without the key, unlike a plain hash of 18 digits), one
 * makes the key's fingerprint, which the database keeps so that a server
 * started with the wrong key refuses to start instead of writing rows no
 * one can read.
 *
 * The key is process-wide: loaded once at start-up, before any thread.
 */
#ifndef LX_PII_H
#define LX_PII_H

#include "lx.h"

#include <stdbool.h>
#include <stddef.h>

/* Loads the data key: from hex (64 hex characters, e.g. $LIANXIN_DATA_KEY)
 * when it is not NULL, else from the key file path, which is created first
 * (mode 0600) when create is set and it is missing. LX_OK, LX_INVALID (hex
 * or the file's content is not a key), LX_ERR (the file cannot be read or
 * made). */
int lx_pii_key_load(const char *hex, const char *path, bool create);
/* Whether a data key is loaded. */
bool lx_pii_key_loaded(void);
/* Forgets the key (tests; the end of a command). */
void lx_pii_key_unload(void);
/* The loaded key's fingerprint (32 hex characters + NUL) into out. */
void lx_pii_fingerprint(char out[33]);

/* plain sealed with the data key, as base64 text: malloc'd, the caller
 * frees it; NULL for NULL plain or when no key is loaded. */
char *lx_pii_seal(const char *plain);
/* The plain text of a sealed value (malloc'd), or NULL for NULL, for text
 * that does not open with the data key, or when no key is loaded. */
char *lx_pii_open(const char *sealed);
/* Wipes and frees a plain value (NULL is fine). */
void lx_pii_free(char *plain);
/* The lookup hash of value (already normalised) in its kind's domain
 * ("id", "phone"): 32 hex characters + NUL into out. An ID number's hash
 * never equals a phone's with the same digits. */
void lx_pii_hash(const char *kind, const char *value, char out[33]);

/* A GB 11643 citizen ID number normalised (18 characters, a lower-case x
 * made upper case, surrounding spaces dropped) into out[19] when it is
 * valid: 17 digits, a birth date that exists (1900 to today's year) and
 * the ISO 7064 MOD 11-2 check digit. Returns NULL when it is valid, else
 * why not (a static English phrase). */
const char *lx_id_number_check(const char *s, char out[19]);
/* A phone number normalised into out[24] when it is one a resident has: a
 * mainland mobile (11 digits from 13 to 19, an optional +86 / 0086) or a
 * landline with its area code (0 and 9 to 11 more digits, e.g. 0351-
 * 1234567, spaces and dashes dropped). Returns NULL when valid, else why
 * not (static). */
const char *lx_phone_check(const char *s, char out[24]);
/* An ID number masked to its first and last character ("1****************X"):
 * malloc'd, NULL for NULL. */
char *lx_mask_id_number(const char *id);

#endif

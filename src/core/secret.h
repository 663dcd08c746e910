/*
 * secret.h - passwords and tokens (libsodium).
 *
 * Passwords are stored as argon2id strings; bearer tokens are 32 random
 * bytes shown once and stored as a BLAKE2b hash.
 */
#ifndef LX_SECRET_H
#define LX_SECRET_H

#include "lx.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Initialises libsodium. Returns LX_OK or LX_ERR. Call once at start-up. */
int lx_secret_init(void);
/* Returns a malloc'd argon2id hash string of password, or NULL on failure. */
char *lx_password_hash(const char *password);
/* Returns 1 when password matches hash, 0 otherwise. */
int lx_password_verify(const char *hash, const char *password);
/* Writes a new random token as 64 hex characters + NUL into out[65]. */
void lx_token_new(char out[65]);
/* Writes the stored form of token (hex BLAKE2b-256) into out[65]. */
void lx_token_hash(const char *token, char out[65]);

/* Spends what lx_password_verify spends, on a hash nobody knows: a login
 * that does not exist answers as slowly as one that does. */
void lx_password_verify_dummy(const char *password);
/* Why password is too weak (a static English phrase, or a thread-local
 * buffer), or NULL when it is fine: fewer than min_chars characters, the
 * login inside it, or libcrack2's dictionary check. */
const char *lx_password_weakness(const char *password, const char *login, size_t min_chars);

/* Loads the server key (64 hex characters) from path, creating it (mode
 * 0600) when create is set and it is missing. LX_OK or LX_ERR. */
int lx_secret_key_load(const char *path, bool create);
/* Reads a key file of 64 hex characters into key, creating it first (32
 * random bytes, mode 0600, written atomically) when create is set and it
 * is missing. LX_OK, LX_INVALID (the file holds no such key), LX_ERR (it
 * cannot be read or made). */
int lx_secret_keyfile_read(const char *path, bool create, unsigned char key[32]);
/* Parses 64 hex characters into key. LX_OK or LX_INVALID (key zeroed). */
int lx_secret_key_hex(const char *hex, unsigned char key[32]);
/* plain encrypted with the server key (XSalsa20-Poly1305, a random nonce),
 * base64: malloc'd, or NULL when no key is loaded. */
char *lx_secret_seal(const char *plain);
/* The plain text of a sealed string (malloc'd), or NULL when it does not
 * open with the server key. */
char *lx_secret_unseal(const char *sealed);

/* A new TOTP secret: 20 random bytes in base32 (32 characters + NUL). */
void lx_totp_secret_new(char out[33]);
/* The 6-digit code of step (RFC 6238, HMAC-SHA-256), or -1 for a bad secret. */
int lx_totp_code(const char *secret_b32, int64_t step);
/* The time step code matches at now (the step before and after count
 * too), or 0 when it matches none. */
int64_t lx_totp_check(const char *secret_b32, const char *code, lx_ms now);

#endif

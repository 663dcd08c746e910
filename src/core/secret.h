/*
 * secret.h - passwords and tokens (libsodium).
 *
 * Passwords are stored as argon2id strings; bearer tokens are 32 random
 * bytes shown once and stored as a BLAKE2b hash.
 */
#ifndef LX_SECRET_H
#define LX_SECRET_H

#include <stddef.h>

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

#endif

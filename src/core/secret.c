/*
 * secret.c - argon2id passwords and hashed bearer tokens (libsodium).
 */
#include "secret.h"
#include "lx.h"

#include <sodium.h>
#include <string.h>

int lx_secret_init(void)
{
	return sodium_init() < 0 ? LX_ERR : LX_OK;
}

char *lx_password_hash(const char *password)
{
	char out[crypto_pwhash_STRBYTES];
	if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return NULL;
	return lx_xstrdup(out);
}

int lx_password_verify(const char *hash, const char *password)
{
	if (!hash || !password)
		return 0;
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

void lx_token_new(char out[65])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(out, 65, raw, sizeof raw);
	sodium_memzero(raw, sizeof raw);
}

void lx_token_hash(const char *token, char out[65])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof h);
}

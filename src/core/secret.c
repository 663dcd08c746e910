/*
 * secret.c - argon2id passwords and the password rules (libcrack2),
 * hashed bearer tokens, the server key that seals secrets at rest, and
 * TOTP second factors (libsodium throughout).
 */
#include "secret.h"
#include "lx.h"

#include <crack.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* ---- the dummy hash: an unknown login costs what a known one does ---- */

static char lx_dummy[crypto_pwhash_STRBYTES];
static pthread_once_t lx_dummy_once = PTHREAD_ONCE_INIT;

static void lx_dummy_make(void)
{
	unsigned char raw[16];
	char pw[33];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(pw, sizeof pw, raw, sizeof raw);
	if (crypto_pwhash_str(lx_dummy, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		lx_dummy[0] = '\0';
}

void lx_password_verify_dummy(const char *password)
{
	pthread_once(&lx_dummy_once, lx_dummy_make);
	if (lx_dummy[0] && password) {
		int same = crypto_pwhash_str_verify(lx_dummy, password, strlen(password));
		(void)same;
	}
}

/* ---- the password rules: length, libcrack2's dictionary, the login ---- */

static pthread_mutex_t lx_crack_mu = PTHREAD_MUTEX_INITIALIZER;

const char *lx_password_weakness(const char *password, const char *login, size_t min_chars)
{
	if (lx_utf8_len(password) < min_chars)
		return min_chars >= 10 ? "a staff password needs at least 10 characters"
				       : "a password needs at least 8 characters";
	if (login && *login && strcasestr(password, login))
		return "a password must not contain the login";
	/* FascistCheck keeps static state: one caller at a time */
	pthread_mutex_lock(&lx_crack_mu);
	const char *why = FascistCheck(password, GetDefaultCracklibDict());
	pthread_mutex_unlock(&lx_crack_mu);
	if (why) {
		/* libcrack2's reasons are fixed English phrases */
		static __thread char msg[160];
		snprintf(msg, sizeof msg, "too easy to guess: %s", why);
		return msg;
	}
	return NULL;
}

/* ---- the server key: secrets encrypted at rest ---- */

static unsigned char lx_key[crypto_secretbox_KEYBYTES];
static bool lx_key_loaded;

/* Writes a new key to path, atomically: a temporary file linked into
 * place, so a second process starting at the same moment either wins or
 * reads the winner's whole key. LX_OK also when another process won. */
static int lx_secret_key_make(const char *path)
{
	char hex[2 * crypto_secretbox_KEYBYTES + 2];
	unsigned char k[crypto_secretbox_KEYBYTES];
	char *tmp = lx_xasprintf("%s.%ld.tmp", path, (long)getpid());
	int rc = LX_ERR;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		goto cleanup;
	crypto_secretbox_keygen(k);
	sodium_bin2hex(hex, sizeof hex, k, sizeof k);
	size_t n = strlen(hex);
	hex[n++] = '\n';
	bool ok = write(fd, hex, n) == (ssize_t)n && fsync(fd) == 0;
	close(fd);
	if (ok && (link(tmp, path) == 0 || errno == EEXIST))
		rc = LX_OK;
	unlink(tmp);
cleanup:
	sodium_memzero(k, sizeof k);
	sodium_memzero(hex, sizeof hex);
	free(tmp);
	return rc;
}

int lx_secret_keyfile_read(const char *path, bool create, unsigned char key[32])
{
	char hex[2 * crypto_secretbox_KEYBYTES + 2];
	int rc = LX_ERR;
	if (create && access(path, F_OK) != 0 && lx_secret_key_make(path) != LX_OK)
		return LX_ERR;
	FILE *f = fopen(path, "r");
	if (!f)
		return LX_ERR;
	rc = LX_INVALID;
	if (fgets(hex, sizeof hex, f)) {
		hex[strcspn(hex, "\r\n")] = '\0';
		rc = lx_secret_key_hex(hex, key);
	}
	sodium_memzero(hex, sizeof hex);
	fclose(f);
	return rc;
}

int lx_secret_key_hex(const char *hex, unsigned char key[32])
{
	size_t got = 0;
	if (sodium_hex2bin(key, 32, hex, strlen(hex), NULL, &got, NULL) != 0 || got != 32) {
		sodium_memzero(key, 32);
		return LX_INVALID;
	}
	return LX_OK;
}

int lx_secret_key_load(const char *path, bool create)
{
	int rc = lx_secret_keyfile_read(path, create, lx_key);
	lx_key_loaded = rc == LX_OK;
	return rc == LX_OK ? LX_OK : LX_ERR;
}

char *lx_secret_seal(const char *plain)
{
	if (!lx_key_loaded)
		return NULL;
	size_t n = strlen(plain), clen = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + n;
	unsigned char *buf = lx_xmalloc(clen);
	randombytes_buf(buf, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(buf + crypto_secretbox_NONCEBYTES, (const unsigned char *)plain, n, buf, lx_key);
	size_t blen = sodium_base64_ENCODED_LEN(clen, sodium_base64_VARIANT_ORIGINAL);
	char *out = lx_xmalloc(blen);
	sodium_bin2base64(out, blen, buf, clen, sodium_base64_VARIANT_ORIGINAL);
	free(buf);
	return out;
}

char *lx_secret_unseal(const char *sealed)
{
	if (!lx_key_loaded || !sealed)
		return NULL;
	size_t cap = strlen(sealed), n = 0;
	unsigned char *buf = lx_xmalloc(cap + 1);
	char *out = NULL;
	if (sodium_base642bin(buf, cap, sealed, cap, NULL, &n, NULL, sodium_base64_VARIANT_ORIGINAL) == 0 &&
	    n >= crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
		size_t plen = n - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;
		out = lx_xmalloc(plen + 1);
		if (crypto_secretbox_open_easy((unsigned char *)out, buf + crypto_secretbox_NONCEBYTES,
					       n - crypto_secretbox_NONCEBYTES, buf, lx_key) != 0) {
			free(out);
			out = NULL;
		} else {
			out[plen] = '\0';
		}
	}
	free(buf);
	return out;
}

/* ---- TOTP (RFC 6238) with HMAC-SHA-256, 6 digits, 30 s steps ---- */

static const char lx_b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

void lx_totp_secret_new(char out[33])
{
	unsigned char raw[20];
	randombytes_buf(raw, sizeof raw);
	/* 20 bytes = 160 bits = 32 base32 digits, no padding */
	for (int i = 0; i < 32; i++) {
		int bit = i * 5, byte = bit / 8, shift = bit % 8;
		unsigned v = (unsigned)raw[byte] << 8 | (byte + 1 < 20 ? raw[byte + 1] : 0);
		out[i] = lx_b32[(v >> (11 - shift)) & 31];
	}
	out[32] = '\0';
	sodium_memzero(raw, sizeof raw);
}

/* Decodes base32 (RFC 4648, no padding) into out; returns the length or -1. */
static int lx_b32_decode(const char *s, unsigned char *out, size_t cap)
{
	unsigned acc = 0;
	int bits = 0;
	size_t n = 0;
	for (; *s; s++) {
		const char *p = strchr(lx_b32, *s >= 'a' && *s <= 'z' ? *s - 32 : *s);
		if (!p || !*p)
			return -1;
		acc = acc << 5 | (unsigned)(p - lx_b32);
		bits += 5;
		if (bits >= 8) {
			if (n == cap)
				return -1;
			out[n++] = (unsigned char)(acc >> (bits - 8));
			bits -= 8;
		}
	}
	return (int)n;
}

int lx_totp_code(const char *secret_b32, int64_t step)
{
	unsigned char key[64], msg[8], mac[crypto_auth_hmacsha256_BYTES];
	int n = lx_b32_decode(secret_b32, key, sizeof key);
	if (n <= 0)
		return -1;
	for (int i = 7; i >= 0; i--, step >>= 8)
		msg[i] = (unsigned char)(step & 0xff);
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, key, (size_t)n);
	crypto_auth_hmacsha256_update(&st, msg, sizeof msg);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_memzero(key, sizeof key);
	int off = mac[sizeof mac - 1] & 0x0f;
	uint32_t bin = (uint32_t)(mac[off] & 0x7f) << 24 | (uint32_t)mac[off + 1] << 16 |
		       (uint32_t)mac[off + 2] << 8 | mac[off + 3];
	return (int)(bin % 1000000);
}

int64_t lx_totp_check(const char *secret_b32, const char *code, lx_ms now)
{
	if (!code || strlen(code) != 6 || strspn(code, "0123456789") != 6)
		return 0;
	int want = atoi(code);
	int64_t step = now / 1000 / 30;
	/* one step either side: a phone's clock a little off, a code typed
	 * as it turned over */
	for (int64_t s = step - 1; s <= step + 1; s++)
		if (lx_totp_code(secret_b32, s) == want)
			return s;
	return 0;
}

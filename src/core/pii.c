/*
 * pii.c - the registry's personal data: the data key, sealing, lookup
 * hashes, ID number and phone checks, masks (pii.h).
 */
#include "pii.h"
#include "secret.h"

#include <assert.h>
#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The KDF's context (8 bytes) and subkey ids. */
#define LX_PII_CTX "lxpii001"
enum { LX_SUB_SEAL = 1, LX_SUB_HASH = 2, LX_SUB_CHECK = 3 };

static unsigned char lx_seal_key[crypto_secretbox_KEYBYTES];
static unsigned char lx_hash_key[crypto_generichash_KEYBYTES];
static unsigned char lx_check_key[crypto_generichash_KEYBYTES];
static bool lx_loaded;

int lx_pii_key_load(const char *hex, const char *path, bool create)
{
	unsigned char master[crypto_kdf_KEYBYTES];
	int rc;
	if (hex)
		rc = lx_secret_key_hex(hex, master);
	else if (path)
		rc = lx_secret_keyfile_read(path, create, master);
	else
		rc = LX_ERR;
	if (rc != LX_OK)
		goto cleanup;
	crypto_kdf_derive_from_key(lx_seal_key, sizeof lx_seal_key, LX_SUB_SEAL, LX_PII_CTX, master);
	crypto_kdf_derive_from_key(lx_hash_key, sizeof lx_hash_key, LX_SUB_HASH, LX_PII_CTX, master);
	crypto_kdf_derive_from_key(lx_check_key, sizeof lx_check_key, LX_SUB_CHECK, LX_PII_CTX, master);
	lx_loaded = true;
cleanup:
	sodium_memzero(master, sizeof master);
	return rc;
}

bool lx_pii_key_loaded(void)
{
	return lx_loaded;
}

void lx_pii_key_unload(void)
{
	sodium_memzero(lx_seal_key, sizeof lx_seal_key);
	sodium_memzero(lx_hash_key, sizeof lx_hash_key);
	sodium_memzero(lx_check_key, sizeof lx_check_key);
	lx_loaded = false;
}

static void lx_keyed_hex(const unsigned char *key, const char *domain, const char *value, char out[33])
{
	unsigned char h[16];
	crypto_generichash_state st;
	crypto_generichash_init(&st, key, crypto_generichash_KEYBYTES, sizeof h);
	/* the domain and a separator first: "id\0..." never collides with "phone\0..." */
	crypto_generichash_update(&st, (const unsigned char *)domain, strlen(domain) + 1);
	crypto_generichash_update(&st, (const unsigned char *)value, strlen(value));
	crypto_generichash_final(&st, h, sizeof h);
	sodium_bin2hex(out, 33, h, sizeof h);
}

void lx_pii_fingerprint(char out[33])
{
	assert(lx_loaded);
	lx_keyed_hex(lx_check_key, "fingerprint", "lianxin data key", out);
}

void lx_pii_hash(const char *kind, const char *value, char out[33])
{
	assert(lx_loaded);
	lx_keyed_hex(lx_hash_key, kind, value, out);
}

char *lx_pii_seal(const char *plain)
{
	if (!plain || !lx_loaded)
		return NULL;
	size_t n = strlen(plain), clen = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + n;
	unsigned char *buf = lx_xmalloc(clen);
	randombytes_buf(buf, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(buf + crypto_secretbox_NONCEBYTES, (const unsigned char *)plain, n, buf,
			      lx_seal_key);
	size_t blen = sodium_base64_ENCODED_LEN(clen, sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
	char *out = lx_xmalloc(blen);
	sodium_bin2base64(out, blen, buf, clen, sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
	free(buf);
	return out;
}

char *lx_pii_open(const char *sealed)
{
	if (!sealed || !lx_loaded)
		return NULL;
	size_t cap = strlen(sealed), n = 0;
	unsigned char *buf = lx_xmalloc(cap + 1);
	char *out = NULL;
	if (sodium_base642bin(buf, cap, sealed, cap, NULL, &n, NULL, sodium_base64_VARIANT_ORIGINAL_NO_PADDING) !=
		    0 ||
	    n < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
		goto cleanup;
	size_t plen = n - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;
	out = lx_xmalloc(plen + 1);
	if (crypto_secretbox_open_easy((unsigned char *)out, buf + crypto_secretbox_NONCEBYTES,
				       n - crypto_secretbox_NONCEBYTES, buf, lx_seal_key) != 0) {
		free(out);
		out = NULL;
		goto cleanup;
	}
	out[plen] = '\0';
cleanup:
	free(buf);
	return out;
}

void lx_pii_free(char *plain)
{
	if (!plain)
		return;
	sodium_memzero(plain, strlen(plain));
	free(plain);
}

static bool lx_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

const char *lx_id_number_check(const char *s, char out[19])
{
	static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	static const char check[] = "10X98765432";
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (!s)
		return "an ID number is required";
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n != 18)
		return "an ID number has 18 characters (GB 11643)";
	int sum = 0;
	for (int i = 0; i < 17; i++) {
		if (!isdigit((unsigned char)s[i]))
			return "the first 17 characters of an ID number are digits";
		sum += (s[i] - '0') * w[i];
	}
	char last = (char)toupper((unsigned char)s[17]);
	if (!isdigit((unsigned char)last) && last != 'X')
		return "the last character of an ID number is a digit or X";
	if (s[0] == '0')
		return "an ID number starts with its region code (1 to 9)";
	int y = (s[6] - '0') * 1000 + (s[7] - '0') * 100 + (s[8] - '0') * 10 + (s[9] - '0');
	int m = (s[10] - '0') * 10 + (s[11] - '0'), d = (s[12] - '0') * 10 + (s[13] - '0');
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	if (y < 1900 || y > tm.tm_year + 1900 || m < 1 || m > 12 || d < 1 ||
	    d > mdays[m - 1] + (m == 2 && lx_leap(y)))
		return "the birth date in the ID number does not exist";
	if (check[sum % 11] != last)
		return "the ID number's check digit is wrong";
	memcpy(out, s, 17);
	out[17] = last;
	out[18] = '\0';
	return NULL;
}

const char *lx_phone_check(const char *s, char out[24])
{
	if (!s)
		return "a phone number is required";
	char d[32];
	size_t n = 0;
	bool plus = false;
	for (const char *p = s; *p; p++) {
		if (isdigit((unsigned char)*p)) {
			if (n + 1 >= sizeof d)
				return "a phone number has at most 20 digits";
			d[n++] = *p;
		} else if (*p == '+' && n == 0 && !plus) {
			plus = true;
		} else if (*p != ' ' && *p != '-' && *p != '(' && *p != ')') {
			return "a phone number is digits, spaces and dashes";
		}
	}
	d[n] = '\0';
	const char *digits = d;
	if (plus && strncmp(digits, "86", 2) == 0)
		digits += 2;
	else if (plus)
		return "a phone number is a mainland one (+86)";
	else if (strncmp(digits, "0086", 4) == 0)
		digits += 4;
	size_t len = strlen(digits);
	if (len == 11 && digits[0] == '1' && digits[1] >= '3' && digits[1] <= '9') {
		memcpy(out, digits, 12);
		return NULL;
	}
	if (digits[0] == '0' && digits[1] != '0' && len >= 10 && len <= 12 && !plus) {
		memcpy(out, digits, len + 1);
		return NULL;
	}
	return "a phone number is a mobile (11 digits from 13 to 19) or a landline with its area code";
}

char *lx_mask_id_number(const char *id)
{
	if (!id)
		return NULL;
	size_t n = strlen(id);
	char *m = lx_xstrdup(id);
	for (size_t i = 1; i + 1 < n; i++)
		m[i] = '*';
	return m;
}

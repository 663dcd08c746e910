/*
 * init.c - `lianxin init` and `lianxin user`.
 */
#include "cli.h"
#include "repo.h"
#include "secret.h"
#include "pii.h"
#include "repo_registry.h"
#include "field.h"
#include "rules.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int lx_cli_data_key(const lx_config *c, bool create)
{
	const char *hex = getenv("LIANXIN_DATA_KEY");
	if (hex && !*hex)
		hex = NULL;
	char *path = lx_config_data_key_path(c);
	int rc = lx_pii_key_load(hex, path, create);
	if (rc == LX_INVALID)
		fprintf(stderr, "lianxin: %s is not a data key (64 hex characters)\n",
			hex ? "LIANXIN_DATA_KEY" : path);
	else if (rc != LX_OK)
		fprintf(stderr, "lianxin: cannot %s the data key %s\n", create ? "read or create" : "read", path);
	free(path);
	return rc == LX_OK ? LX_OK : LX_ERR;
}

int lx_cli_key_check(lx_db *db)
{
	if (!lx_pii_key_loaded())
		return LX_OK; /* commands that seal nothing (backup, restore, audit) */
	int rc = lx_db_begin(db, true);
	if (rc == LX_OK)
		rc = lx_registry_key_check(db);
	/* the ready checklist forms (P9) a database lacks */
	if (rc == LX_OK)
		rc = lx_field_seed_forms(db, lx_now_ms());
	if (rc == LX_OK)
		rc = lx_db_commit(db);
	else
		lx_db_rollback(db);
	if (rc == LX_CONFLICT)
		fprintf(stderr, "lianxin: the data key does not open this database's personal data: it was sealed "
				"with another key. Give the server that key (LIANXIN_DATA_KEY or data_key_file) "
				"and start again; nothing was written.\n");
	else if (rc != LX_OK)
		fprintf(stderr, "lianxin: cannot check the data key: %s\n", lx_db_errmsg(db));
	return rc == LX_OK ? LX_OK : LX_ERR;
}

int lx_cli_open(const char *url, lx_db **db)
{
	char err[256];
	if (lx_db_open(url, db, err, sizeof err) != LX_OK) {
		fprintf(stderr, "lianxin: %s\n", err);
		return LX_ERR;
	}
	if (lx_db_migrate(*db, err, sizeof err) != LX_OK) {
		fprintf(stderr, "lianxin: %s\n", err);
		lx_db_close(*db);
		*db = NULL;
		return LX_ERR;
	}
	if (lx_cli_key_check(*db) != LX_OK) {
		lx_db_close(*db);
		*db = NULL;
		return LX_ERR;
	}
	return LX_OK;
}

int lx_cli_init(const char *url, bool verbose)
{
	lx_db *db = NULL;
	lx_user u = {0};
	char *hash = NULL, *stored = NULL;
	char pw[32];
	int rc = lx_cli_open(url, &db);
	if (rc != LX_OK)
		goto cleanup;
	rc = lx_user_by_login(db, "admin", &u, &stored);
	if (rc == LX_OK) {
		if (verbose)
			printf("lianxin: %s is ready (admin exists)\n", url);
		goto cleanup;
	}
	if (rc != LX_NOTFOUND)
		goto cleanup;
	const char *env = getenv("LIANXIN_ADMIN_PASSWORD");
	if (env && strlen(env) < 8) {
		fprintf(stderr, "lianxin: LIANXIN_ADMIN_PASSWORD needs at least 8 characters\n");
		rc = LX_ERR;
		goto cleanup;
	}
	if (env) {
		snprintf(pw, sizeof pw, "%s", env);
	} else {
		static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
		for (int i = 0; i < 16; i++)
			pw[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
		pw[16] = '\0';
	}
	hash = lx_password_hash(env ? env : pw);
	if (!hash) {
		rc = LX_ERR;
		goto cleanup;
	}
	u.login = lx_xstrdup("admin");
	u.name = lx_xstrdup("系统管理员");
	u.roles = LX_ROLE_ADMIN;
	u.active = true;
	/* the random one is nobody's choice: changed at the first login; the
	 * operator's (LIANXIN_ADMIN_PASSWORD) is theirs */
	u.must_change_password = env == NULL;
	rc = lx_user_insert(db, &u, hash);
	if (rc != LX_OK) {
		fprintf(stderr, "lianxin: cannot create admin: %s\n", lx_db_errmsg(db));
		goto cleanup;
	}
	if (verbose || !env)
		printf("lianxin: created %s; admin password: %s%s\n", url,
		       env ? "(from LIANXIN_ADMIN_PASSWORD)" : pw, env ? "" : " (to be changed at the first login)");
cleanup:
	sodium_memzero(pw, sizeof pw);
	free(hash);
	free(stored);
	lx_user_clear(&u);
	lx_db_close(db);
	return rc == LX_OK ? LX_OK : LX_ERR;
}

int lx_cli_user(const char *url, const char *login, const char *password, const char *roles,
		const char *unit_code, const char *name)
{
	lx_db *db = NULL;
	lx_user u = {0};
	lx_unit unit = {0};
	char *hash = NULL;
	unsigned mask = 0;
	int rc = LX_ERR;
	if (!login || !password || !roles) {
		fprintf(stderr, "lianxin user: --login, --password and --roles are required\n");
		return LX_ERR;
	}
	if (strlen(password) < 8 || lx_roles_parse_list(roles, &mask) != LX_OK || !mask) {
		fprintf(stderr, "lianxin user: password needs 8+ characters; roles a comma list of known roles\n");
		return LX_ERR;
	}
	if (lx_cli_open(url, &db) != LX_OK)
		return LX_ERR;
	if (unit_code && lx_unit_get_by_code(db, unit_code, &unit) != LX_OK) {
		fprintf(stderr, "lianxin user: no unit with code %s\n", unit_code);
		goto cleanup;
	}
	hash = lx_password_hash(password);
	u.login = lx_xstrdup(login);
	u.name = lx_xstrdup(name ? name : login);
	u.roles = mask;
	u.unit_id = unit.id;
	u.active = true;
	rc = hash ? lx_user_insert(db, &u, hash) : LX_ERR;
	if (rc != LX_OK)
		fprintf(stderr, "lianxin user: cannot create %s (login taken?)\n", login);
	else
		printf("lianxin: created user %s (id %lld)\n", login, (long long)u.id);
cleanup:
	free(hash);
	lx_user_clear(&u);
	lx_unit_clear(&unit);
	lx_db_close(db);
	return rc;
}

/*
 * cli.h - the offline commands: init, demo, user, migrate-data.
 */
#ifndef LX_CLI_H
#define LX_CLI_H

#include "lx.h"
#include "db.h"

#include <stdio.h>

/* The server's settings (config.c: the table of names, variables, flags
 * and bounds). Strings are owned. */
typedef struct lx_config {
	char *db, *bind, *web_root, *public_url, *metrics_token, *key_file, *data_key_file;
	char *sms_url, *webhook_url, *webhook_secret;
	long long notify_timeout_ms, notify_retry_ms, notify_give_up_s, notify_poll_ms;
	double onekey_step_minutes;
	long long port, tz_offset_min, body_limit, threads, conn_timeout_s, sweep_ms;
	long long per_ip_connections, request_deadline_s, idle_timeout_min, session_hours;
	long long password_max_age_days, desk_unit_id;
	long long public_point_decimals;
	long long attachment_max_bytes, attachment_max_pixels;
	unsigned totp_required_roles, unmask_roles, registry_sensitive_roles;
} lx_config;

/* Fills c from the defaults, the INI file, the environment and argv (in
 * that order, later wins). Returns LX_OK, or LX_ERR after saying on stderr
 * which setting is bad. Free with lx_config_free either way. */
int lx_config_load(lx_config *c, int argc, char **argv);
void lx_config_free(lx_config *c);
/* Prints every setting with its variable, flag and meaning. */
void lx_config_usage(FILE *f);
/* The server key's file: key_file, else beside a SQLite database
 * (PATH.key), else ./lianxin.key. A new string the caller frees. */
char *lx_config_key_path(const lx_config *c);
/* The data key's file: data_key_file, else beside a SQLite database
 * (PATH.datakey), else ./lianxin.datakey. A new string the caller frees. */
char *lx_config_data_key_path(const lx_config *c);
/* Loads the data key ($LIANXIN_DATA_KEY, else the key file, made when
 * missing and create is set). Returns LX_OK, or LX_ERR after saying why on
 * stderr. */
int lx_cli_data_key(const lx_config *c, bool create);
/* Checks the loaded data key against the one db was sealed with (and
 * records it in a database that has none), and adds the ready checklist
 * forms it lacks. LX_OK, or LX_ERR after saying on stderr what to do. */
int lx_cli_key_check(lx_db *db);
/* Finds "--name value" in argv (after the command); returns the value or NULL. */
const char *lx_cli_flag(int argc, char **argv, const char *name);
/* Whether the flag "--name" (without a value) is in argv after the command. */
bool lx_cli_has_flag(int argc, char **argv, const char *name);

/* Creates or upgrades the database at url and makes sure an `admin` user
 * exists (password $LIANXIN_ADMIN_PASSWORD, or a random one printed once).
 * Returns LX_OK or LX_ERR. verbose prints what it did. */
int lx_cli_init(const char *url, bool verbose);
/* Builds the demo district into url (after init); idempotent. */
int lx_cli_demo(const char *url);
/* Generates a synthetic city (copies of the demo district, scaled to
 * ncases a year) with nhouseholds households; deterministic for seed. */
int lx_cli_gen(const char *url, long ncases, long nhouseholds, uint64_t seed);
/* `lianxin gen-visits`: two visit plans over a generated city and nvisits
 * visits of the last year in bulk, for the benchmarks (gen_field.c). */
int lx_cli_gen_visits(const char *url, long nvisits, uint64_t seed);
/* Creates a user from the command line. */
int lx_cli_user(const char *url, const char *login, const char *password, const char *roles,
		const char *unit_code, const char *name);
/* Copies every table of the database `from` into the empty database `to`
 * (migrated first) in one transaction, rebuilds its search index and
 * identity sequences, then verifies row counts and checksums of every table
 * and prints them. Refuses, writing nothing, when `to` holds data. Returns
 * LX_OK, or LX_ERR (reported on stderr) on refusal, failure or mismatch. */
int lx_cli_migrate_data(const char *from, const char *to);
/* Checks the hash chains of the database at url (audit.c); prints each
 * chain's rows or its first broken row. Returns LX_OK when both hold,
 * LX_CONFLICT when one is broken, LX_ERR when it could not read. */
int lx_cli_audit_verify(const char *url);
/* `lianxin backup`: copies the SQLite database db (a server may be
 * writing to it) into FILE `to` by way of a checked temporary file beside
 * it (cli/backup.c); prints pages, bytes and time. Returns LX_OK; LX_INVALID
 * for a usage error or a PostgreSQL URL (exit 2: pg_dump's job); LX_ERR on
 * failure, leaving no FILE behind. */
int lx_cli_backup(const char *db, const char *to);
/* `lianxin restore`: puts the backup `from` in place as the SQLite
 * database db, atomically, after checking it; refuses a db that a process
 * has open. Returns LX_OK; LX_INVALID as lx_cli_backup; LX_ERR on refusal
 * or failure, leaving db as it was. */
int lx_cli_restore(const char *from, const char *db);
/* `lianxin import registry FILE --kind K`: checks every row of the CSV or
 * XLSX file, then (unless dry_run) writes them all in one transaction.
 * Returns LX_OK; LX_INVALID for bad rows or usage (each said on stderr,
 * nothing written); LX_ERR on failure. */
int lx_cli_import_registry(const char *url, const char *file, const char *kind, bool dry_run);
/* Opens and migrates url; returns LX_OK with *db (caller closes). */
int lx_cli_open(const char *url, lx_db **db);

#endif

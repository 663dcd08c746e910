/*
 * cli.h - the offline commands: init, demo, user, migrate-data.
 */
#ifndef LX_CLI_H
#define LX_CLI_H

#include "lx.h"
#include "db.h"

/* Creates or upgrades the database at url and makes sure an `admin` user
 * exists (password $LIANXIN_ADMIN_PASSWORD, or a random one printed once).
 * Returns LX_OK or LX_ERR. verbose prints what it did. */
int lx_cli_init(const char *url, bool verbose);
/* Builds the demo district into url (after init); idempotent. */
int lx_cli_demo(const char *url);
/* Generates a synthetic city (copies of the demo district, scaled to
 * ncases a year) with nhouseholds households; deterministic for seed. */
int lx_cli_gen(const char *url, long ncases, long nhouseholds, uint64_t seed);
/* Creates a user from the command line. */
int lx_cli_user(const char *url, const char *login, const char *password, const char *roles,
		const char *unit_code, const char *name);
/* Copies every table of the database `from` into the empty database `to`
 * (migrated first) in one transaction, rebuilds its search index and
 * identity sequences, then verifies row counts and checksums of every table
 * and prints them. Refuses, writing nothing, when `to` holds data. Returns
 * LX_OK, or LX_ERR (reported on stderr) on refusal, failure or mismatch. */
int lx_cli_migrate_data(const char *from, const char *to);
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
/* Opens and migrates url; returns LX_OK with *db (caller closes). */
int lx_cli_open(const char *url, lx_db **db);

#endif

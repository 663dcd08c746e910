/*
 * cli.h - the offline commands: init, demo, user.
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
/* Opens and migrates url; returns LX_OK with *db (caller closes). */
int lx_cli_open(const char *url, lx_db **db);

#endif

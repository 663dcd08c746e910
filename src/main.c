/*
 * main.c - the command line: lianxin serve | init | demo | gen | user |
 * migrate-data | version.
 *
 * Settings: cli/config.c (one table: INI key, environment variable, flag,
 * bounds).
 */
#include "api.h"
#include "cli/cli.h"
#include "flow.h"
#include "http.h"
#include "media.h"
#include "repo.h"
#include "secret.h"
#include "notify.h"
#include "outbox.h"
#include "sweeper.h"

#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void lx_usage(FILE *f)
{
	fputs("usage: lianxin COMMAND [options]\n"
	      "  serve  --db PATH|URL [--port N] [--bind ADDR]   serve HTTP (default 127.0.0.1:8080)\n"
	      "  init   --db PATH                                 create an empty database and the admin user\n"
	      "  demo   --db PATH                                 build the demo district (idempotent)\n"
	      "  gen    --db PATH --cases N --households M --seed S  a synthetic city for benchmarks\n"
	      "  user   --db PATH --login L --password P --roles r1,r2 [--unit-code C] [--name N]\n"
	      "  audit verify --db PATH                          check the timeline's and audit log's hash chains\n"
	      "  openapi                                          print docs/openapi.json (from the route table)\n"
	      "  routes                                           print the route table as JSON\n"
	      "  backup --db PATH --to FILE                       a consistent copy of a SQLite database, also while\n"
	      "                                                   it is served, checked (PostgreSQL: pg_dump)\n"
	      "  restore --from FILE --db PATH                    put a backup in place (refused while PATH is served)\n"
	      "  migrate-data --from sqlite:PATH --to postgresql://...\n"
	      "         copy a whole database into a new, empty one, verified by counts and checksums\n"
	      "  gen-visits --db PATH --visits N --seed S   visit plans and N visits on a generated city\n"
	      "  import registry FILE --kind households|residents|places --db PATH [--dry-run]\n"
	      "         CSV (UTF-8, GBK) or XLSX; every row checked, then all or nothing\n"
	      "  version\n"
	      "options: --config FILE (INI); also LIANXIN_ADMIN_PASSWORD (init), LIANXIN_DB_POOL\n"
	      "         (PostgreSQL connections per node), LIANXIN_SYNC=full\n",
	      f);
	lx_config_usage(f);
}

static int lx_cmd_serve(lx_config *c)
{
	char err[256];
	lx_app app = {0};
	int rc = LX_ERR;
	lx_sweeper *sw = NULL;
	lx_outbox_worker *ob = NULL;
	lx_db *db = NULL;

	if (lx_db_open(c->db, &db, err, sizeof err) != LX_OK) {
		fprintf(stderr, "lianxin: %s\n", err);
		goto cleanup;
	}
	if (lx_db_migrate(db, err, sizeof err) != LX_OK) {
		fprintf(stderr, "lianxin: %s\n", err);
		goto cleanup;
	}
	if (lx_cli_key_check(db) != LX_OK)
		goto cleanup;
	lx_db_close(db);
	db = NULL;
	/* Photos make many short-lived buffers of megabytes (a 12 MP photo is
	 * 36 MB decoded) on sixteen threads. glibc raises its mmap threshold
	 * after the first such free, and each thread's arena then keeps what it
	 * freed: 40 uploads left 830 MB resident. A fixed threshold gives large
	 * blocks back to the system when they are freed (200 MB after the same). */
	mallopt(M_MMAP_THRESHOLD, 256 * 1024);
	if (lx_media_init("lianxin") != 0) {
		fprintf(stderr, "lianxin: libvips does not start (photos need it)\n");
		goto cleanup;
	}
	/* libcurl starts before any thread does */
	if (lx_deliver_global_init() != LX_OK) {
		fprintf(stderr, "lianxin: libcurl does not start (notifications need it)\n");
		goto cleanup;
	}
	if (lx_pool_new(c->db, &app.pool, err, sizeof err) != LX_OK) {
		fprintf(stderr, "lianxin: %s\n", err);
		goto cleanup;
	}
	char *key = lx_config_key_path(c);
	if (lx_secret_key_load(key, true) != LX_OK) {
		fprintf(stderr, "lianxin: cannot read or create the server key %s\n", key);
		free(key);
		goto cleanup;
	}
	free(key);
	app.db_url = c->db;
	app.tz_offset_min = (int)c->tz_offset_min;
	app.body_limit = (size_t)c->body_limit;
	app.upload_limit = (size_t)c->attachment_max_bytes;
	app.max_pixels = c->attachment_max_pixels;
	app.upload_route = lx_api_upload_route;
	app.threads = (unsigned)c->threads;
	app.conn_timeout_s = (unsigned)c->conn_timeout_s;
	app.web_root = c->web_root;
	app.sweep_interval_ms = (int)c->sweep_ms;
	app.public_point_decimals = (int)c->public_point_decimals;
	app.per_ip_connections = (unsigned)c->per_ip_connections;
	app.request_deadline_s = (unsigned)c->request_deadline_s;
	app.public_url = c->public_url;
	app.https = c->public_url && strncmp(c->public_url, "https://", 8) == 0;
	app.metrics_token = c->metrics_token;
	app.totp_required_roles = c->totp_required_roles;
	app.unmask_roles = c->unmask_roles;
	app.registry_sensitive_roles = c->registry_sensitive_roles;
	app.idle_timeout_ms = c->idle_timeout_min * 60 * 1000;
	app.session_ms = c->session_hours * 3600 * 1000;
	app.password_max_age_ms = c->password_max_age_days * LX_DAY_MS;
	app.desk_unit_id = c->desk_unit_id;
	app.metrics = lx_metrics_new();
	app.dispatch = lx_api_dispatch;
	sw = lx_sweeper_start(&app);
	if (!sw) {
		fprintf(stderr, "lianxin: cannot start the sweeper\n");
		goto cleanup;
	}
	lx_notify_configure(c->webhook_url != NULL, c->public_url, app.tz_offset_min);
	lx_onekey_configure(c->onekey_step_minutes);
	lx_deliver_conf dc = {.sms_url = c->sms_url, .webhook_url = c->webhook_url,
			      .webhook_secret = c->webhook_secret, .timeout_ms = c->notify_timeout_ms,
			      .retry_ms = c->notify_retry_ms, .give_up_s = c->notify_give_up_s,
			      .batch = 32};
	if (!(ob = lx_outbox_start(app.pool, &dc, (int)c->notify_poll_ms))) {
		fprintf(stderr, "lianxin: cannot start the delivery of notifications\n");
		goto cleanup;
	}
	rc = lx_http_serve(&app, c->bind, c->port);
cleanup:
	lx_outbox_stop(ob);
	lx_sweeper_stop(sw);
	if (app.pool)
		lx_trail_flush(app.pool);
	lx_db_close(db);
	lx_pool_free(app.pool);
	lx_metrics_free(app.metrics);
	lx_geocache_free();
	lx_sessions_free();
	lx_media_shutdown();
	return rc;
}

int main(int argc, char **argv)
{
	lx_config c;
	int rc = LX_ERR;
	if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		lx_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "version") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("lianxin %s\n", LX_VERSION);
		return 0;
	}
	/* the machines, compiled once: the store learns the statuses from them */
	lx_flow_init();
	if (strcmp(argv[1], "openapi") == 0 || strcmp(argv[1], "routes") == 0) {
		json_t *doc = strcmp(argv[1], "openapi") == 0 ? lx_api_openapi() : lx_api_routes_json();
		char *text = json_dumps(doc, JSON_INDENT(2) | JSON_REAL_PRECISION(12));
		json_decref(doc);
		fputs(text, stdout);
		fputc('\n', stdout);
		free(text);
		return 0;
	}
	if (strcmp(argv[1], "migrate-data") == 0) {
		const char *from = lx_cli_flag(argc, argv, "--from"), *to = lx_cli_flag(argc, argv, "--to");
		if (!from || !to) {
			fprintf(stderr, "lianxin migrate-data: --from and --to are required\n");
			return 2;
		}
		return lx_cli_migrate_data(from, to) == LX_OK ? 0 : 1;
	}
	if (lx_secret_init() != LX_OK) {
		fprintf(stderr, "lianxin: libsodium failed to initialise\n");
		return 1;
	}
	if (lx_config_load(&c, argc, argv) != LX_OK) {
		lx_config_free(&c);
		return 2;
	}
	if (!c.db) {
		fprintf(stderr, "lianxin: --db PATH (or LIANXIN_DB) is required\n");
		lx_config_free(&c);
		return 2;
	}
	lx_store_set_tz((int)c.tz_offset_min);
	/* the data key before any database is opened: every command that
	 * opens one checks it against the database (lx_cli_key_check) */
	bool seals = strcmp(argv[1], "backup") != 0 && strcmp(argv[1], "restore") != 0 &&
		     strcmp(argv[1], "audit") != 0;
	if (seals && lx_cli_data_key(&c, true) != LX_OK) {
		lx_config_free(&c);
		return 1;
	}
	if (strcmp(argv[1], "serve") == 0)
		rc = lx_cmd_serve(&c);
	else if (strcmp(argv[1], "init") == 0)
		rc = lx_cli_init(c.db, true);
	else if (strcmp(argv[1], "audit") == 0 && argc > 2 && strcmp(argv[2], "verify") == 0)
		rc = lx_cli_audit_verify(c.db);
	else if (strcmp(argv[1], "demo") == 0)
		rc = lx_cli_demo(c.db);
	else if (strcmp(argv[1], "import") == 0 && argc > 3 && strcmp(argv[2], "registry") == 0)
		rc = lx_cli_import_registry(c.db, argv[3], lx_cli_flag(argc, argv, "--kind"),
					    lx_cli_has_flag(argc, argv, "--dry-run"));
	else if (strcmp(argv[1], "gen") == 0) {
		const char *n = lx_cli_flag(argc, argv, "--cases"), *h = lx_cli_flag(argc, argv, "--households");
		const char *seed = lx_cli_flag(argc, argv, "--seed");
		char *e1 = NULL, *e2 = NULL, *e3 = NULL;
		long cases = n ? strtol(n, &e1, 10) : 100000;
		long households = h ? strtol(h, &e2, 10) : cases / 10;
		unsigned long long sd = seed ? strtoull(seed, &e3, 10) : 1;
		if ((e1 && *e1) || (e2 && *e2) || (e3 && *e3) || cases < 0 || households < 0) {
			fprintf(stderr, "lianxin gen: --cases, --households and --seed take whole numbers\n");
			rc = LX_ERR;
		} else {
			rc = lx_cli_gen(c.db, cases, households, sd);
		}
	} else if (strcmp(argv[1], "gen-visits") == 0) {
		const char *n = lx_cli_flag(argc, argv, "--visits"), *seed = lx_cli_flag(argc, argv, "--seed");
		char *e1 = NULL;
		long visits = n ? strtol(n, &e1, 10) : 1000000;
		if ((e1 && *e1) || visits < 0) {
			fprintf(stderr, "lianxin gen-visits: --visits takes a whole number\n");
			rc = LX_ERR;
		} else {
			rc = lx_cli_gen_visits(c.db, visits, seed ? strtoull(seed, NULL, 10) : 1);
		}
	} else if (strcmp(argv[1], "user") == 0)
		rc = lx_cli_user(c.db, lx_cli_flag(argc, argv, "--login"), lx_cli_flag(argc, argv, "--password"),
				 lx_cli_flag(argc, argv, "--roles"), lx_cli_flag(argc, argv, "--unit-code"),
				 lx_cli_flag(argc, argv, "--name"));
	else if (strcmp(argv[1], "backup") == 0 || strcmp(argv[1], "restore") == 0) {
		rc = strcmp(argv[1], "backup") == 0 ? lx_cli_backup(c.db, lx_cli_flag(argc, argv, "--to"))
						     : lx_cli_restore(lx_cli_flag(argc, argv, "--from"), c.db);
		lx_config_free(&c);
		return rc == LX_OK ? 0 : rc == LX_INVALID ? 2 : 1;
	} else {
		lx_usage(stderr);
		lx_config_free(&c);
		return 2;
	}
	lx_config_free(&c);
	return rc == LX_OK ? 0 : 1;
}

/*
 * main.c - the command line: lianxin serve | init | demo | gen | user |
 * migrate-data | version.
 *
 * Settings come from defaults, then a lianxin.conf INI file (--config, or
 * ./lianxin.conf when present), then LIANXIN_* environment variables, then
 * flags: each later source overrides the earlier.
 */
#include "api.h"
#include "cli/cli.h"
#include "flow.h"
#include "http.h"
#include "repo.h"
#include "secret.h"
#include "sweeper.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct lx_config {
	char *db;
	char *bind;
	int port;
	int tz_offset_min;
	size_t body_limit;
	unsigned threads;
	unsigned conn_timeout_s;
	int sweep_ms;
	char *web_root;
	int public_point_decimals;
} lx_config;

static void lx_usage(FILE *f)
{
	fputs("usage: lianxin COMMAND [options]\n"
	      "  serve  --db PATH|URL [--port N] [--bind ADDR]   serve HTTP (default 127.0.0.1:8080)\n"
	      "  init   --db PATH                                 create an empty database and the admin user\n"
	      "  demo   --db PATH                                 build the demo district (idempotent)\n"
	      "  gen    --db PATH --cases N --households M --seed S  a synthetic city for benchmarks\n"
	      "  user   --db PATH --login L --password P --roles r1,r2 [--unit-code C] [--name N]\n"
	      "  openapi                                          print docs/openapi.json (from the route table)\n"
	      "  routes                                           print the route table as JSON\n"
	      "  migrate-data --from sqlite:PATH --to postgresql://...\n"
	      "         copy a whole database into a new, empty one, verified by counts and checksums\n"
	      "  version\n"
	      "options: --config FILE (INI; keys db, port, bind, tz_offset_minutes, body_limit,\n"
	      "         threads, timeout, sweep_ms, web_root); environment LIANXIN_DB, LIANXIN_PORT,\n"
	      "         LIANXIN_BIND, LIANXIN_TZ_OFFSET, LIANXIN_BODY_LIMIT, LIANXIN_THREADS,\n"
	      "         LIANXIN_TIMEOUT, LIANXIN_SWEEP_MS, LIANXIN_WEB_ROOT, LIANXIN_ADMIN_PASSWORD,\n"
	      "         LIANXIN_DB_POOL (PostgreSQL connections per node), LIANXIN_SYNC=full\n"
	      "         key public_point_decimals, LIANXIN_PUBLIC_POINT_DECIMALS: decimals of the points\n"
	      "         Open311 shows (0-7, default 3)\n",
	      f);
}

/* Applies one setting by name; returns LX_OK or LX_INVALID. */
static int lx_config_set(lx_config *c, const char *key, const char *val)
{
	char *end = NULL;
	long long v = 0;
	bool num = strcmp(key, "db") && strcmp(key, "bind") && strcmp(key, "web_root");
	if (num) {
		errno = 0;
		v = strtoll(val, &end, 10);
		if (!*val || *end || errno)
			return LX_INVALID;
	}
	if (strcmp(key, "db") == 0) {
		free(c->db);
		c->db = lx_xstrdup(val);
	} else if (strcmp(key, "bind") == 0) {
		free(c->bind);
		c->bind = lx_xstrdup(val);
	} else if (strcmp(key, "web_root") == 0) {
		free(c->web_root);
		c->web_root = lx_xstrdup(val);
	} else if (strcmp(key, "port") == 0 && v > 0 && v < 65536) {
		c->port = (int)v;
	} else if (strcmp(key, "tz_offset_minutes") == 0 && v >= -720 && v <= 840) {
		c->tz_offset_min = (int)v;
	} else if (strcmp(key, "body_limit") == 0 && v >= 1024) {
		c->body_limit = (size_t)v;
	} else if (strcmp(key, "threads") == 0 && v >= 1 && v <= 256) {
		c->threads = (unsigned)v;
	} else if (strcmp(key, "timeout") == 0 && v >= 1 && v <= 3600) {
		c->conn_timeout_s = (unsigned)v;
	} else if (strcmp(key, "sweep_ms") == 0 && v >= 10) {
		c->sweep_ms = (int)v;
	} else if (strcmp(key, "public_point_decimals") == 0 && v >= 0 && v <= 7) {
		c->public_point_decimals = (int)v;
	} else {
		return LX_INVALID;
	}
	return LX_OK;
}

static int lx_config_file(lx_config *c, const char *path, bool required)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	int lineno = 0;
	if (!f) {
		if (required)
			fprintf(stderr, "lianxin: cannot read %s: %s\n", path, strerror(errno));
		return required ? LX_ERR : LX_OK;
	}
	while (fgets(line, sizeof line, f)) {
		lineno++;
		char *p = line, *eq;
		while (*p == ' ' || *p == '\t')
			p++;
		p[strcspn(p, "\r\n")] = '\0';
		if (!*p || *p == '#' || *p == ';' || *p == '[')
			continue;
		eq = strchr(p, '=');
		if (!eq) {
			fprintf(stderr, "lianxin: %s:%d: expected key = value\n", path, lineno);
			fclose(f);
			return LX_ERR;
		}
		*eq = '\0';
		char *k = p, *v = eq + 1;
		for (char *e = eq - 1; e >= k && (*e == ' ' || *e == '\t'); e--)
			*e = '\0';
		while (*v == ' ' || *v == '\t')
			v++;
		for (char *e = v + strlen(v); e > v && (e[-1] == ' ' || e[-1] == '\t'); e--)
			e[-1] = '\0';
		if (lx_config_set(c, k, v) != LX_OK) {
			fprintf(stderr, "lianxin: %s:%d: bad setting %s\n", path, lineno, k);
			fclose(f);
			return LX_ERR;
		}
	}
	fclose(f);
	return LX_OK;
}

static int lx_config_env(lx_config *c)
{
	static const struct {
		const char *env, *key;
	} map[] = {
		{"LIANXIN_DB", "db"}, {"LIANXIN_PORT", "port"}, {"LIANXIN_BIND", "bind"},
		{"LIANXIN_TZ_OFFSET", "tz_offset_minutes"}, {"LIANXIN_BODY_LIMIT", "body_limit"},
		{"LIANXIN_THREADS", "threads"}, {"LIANXIN_TIMEOUT", "timeout"},
		{"LIANXIN_SWEEP_MS", "sweep_ms"}, {"LIANXIN_WEB_ROOT", "web_root"},
		{"LIANXIN_PUBLIC_POINT_DECIMALS", "public_point_decimals"},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
		const char *v = getenv(map[i].env);
		if (v && *v && lx_config_set(c, map[i].key, v) != LX_OK) {
			fprintf(stderr, "lianxin: bad %s=%s\n", map[i].env, v);
			return LX_ERR;
		}
	}
	return LX_OK;
}

/* Finds "--name value" in argv; returns the value or NULL. */
static const char *lx_flag(int argc, char **argv, const char *name)
{
	for (int i = 2; i < argc - 1; i++)
		if (strcmp(argv[i], name) == 0)
			return argv[i + 1];
	return NULL;
}

static int lx_config_load(lx_config *c, int argc, char **argv)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	memset(c, 0, sizeof *c);
	c->bind = lx_xstrdup("127.0.0.1");
	c->port = 8080;
	c->tz_offset_min = 480; /* Asia/Shanghai: no daylight saving */
	c->body_limit = 1024 * 1024;
	/* Handlers block (on the database, on the writer's group commit), so
	 * several threads per core keep the cores busy and the batches full. */
	c->threads = n > 0 ? (unsigned)n * 8 : 16;
	c->conn_timeout_s = 30;
	c->sweep_ms = 5000;
	c->public_point_decimals = 3; /* about 100 m */
	const char *cfg = lx_flag(argc, argv, "--config");
	if (lx_config_file(c, cfg ? cfg : "lianxin.conf", cfg != NULL) != LX_OK)
		return LX_ERR;
	if (lx_config_env(c) != LX_OK)
		return LX_ERR;
	static const struct {
		const char *flag, *key;
	} flags[] = {
		{"--db", "db"}, {"--port", "port"}, {"--bind", "bind"}, {"--threads", "threads"},
		{"--web-root", "web_root"}, {"--sweep-ms", "sweep_ms"}, {"--body-limit", "body_limit"},
		{"--timeout", "timeout"}, {"--tz-offset", "tz_offset_minutes"},
	};
	for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
		const char *v = lx_flag(argc, argv, flags[i].flag);
		if (v && lx_config_set(c, flags[i].key, v) != LX_OK) {
			fprintf(stderr, "lianxin: bad %s %s\n", flags[i].flag, v);
			return LX_ERR;
		}
	}
	if (!c->web_root && access("web/index.html", R_OK) == 0)
		c->web_root = lx_xstrdup("web");
	return LX_OK;
}

static void lx_config_free(lx_config *c)
{
	free(c->db);
	free(c->bind);
	free(c->web_root);
}

static int lx_cmd_serve(lx_config *c)
{
	char err[256];
	lx_app app = {0};
	int rc = LX_ERR;
	lx_sweeper *sw = NULL;
	lx_db *db = NULL;

	if (lx_db_open(c->db, &db, err, sizeof err) != LX_OK) {
		fprintf(stderr, "lianxin: %s\n", err);
		goto cleanup;
	}
	if (lx_db_migrate(db, err, sizeof err) != LX_OK) {
		fprintf(stderr, "lianxin: %s\n", err);
		goto cleanup;
	}
	lx_db_close(db);
	db = NULL;
	if (lx_pool_new(c->db, &app.pool, err, sizeof err) != LX_OK) {
		fprintf(stderr, "lianxin: %s\n", err);
		goto cleanup;
	}
	app.db_url = c->db;
	app.tz_offset_min = c->tz_offset_min;
	app.body_limit = c->body_limit;
	app.threads = c->threads;
	app.conn_timeout_s = c->conn_timeout_s;
	app.web_root = c->web_root;
	app.sweep_interval_ms = c->sweep_ms;
	app.public_point_decimals = c->public_point_decimals;
	app.metrics = lx_metrics_new();
	app.dispatch = lx_api_dispatch;
	sw = lx_sweeper_start(&app);
	if (!sw) {
		fprintf(stderr, "lianxin: cannot start the sweeper\n");
		goto cleanup;
	}
	rc = lx_http_serve(&app, c->bind, c->port);
cleanup:
	lx_sweeper_stop(sw);
	lx_db_close(db);
	lx_pool_free(app.pool);
	lx_metrics_free(app.metrics);
	lx_geocache_free();
	lx_sessions_free();
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
		const char *from = lx_flag(argc, argv, "--from"), *to = lx_flag(argc, argv, "--to");
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
	lx_store_set_tz(c.tz_offset_min);
	if (strcmp(argv[1], "serve") == 0)
		rc = lx_cmd_serve(&c);
	else if (strcmp(argv[1], "init") == 0)
		rc = lx_cli_init(c.db, true);
	else if (strcmp(argv[1], "demo") == 0)
		rc = lx_cli_demo(c.db);
	else if (strcmp(argv[1], "gen") == 0) {
		const char *n = lx_flag(argc, argv, "--cases"), *h = lx_flag(argc, argv, "--households");
		const char *seed = lx_flag(argc, argv, "--seed");
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
	} else if (strcmp(argv[1], "user") == 0)
		rc = lx_cli_user(c.db, lx_flag(argc, argv, "--login"), lx_flag(argc, argv, "--password"),
				 lx_flag(argc, argv, "--roles"), lx_flag(argc, argv, "--unit-code"),
				 lx_flag(argc, argv, "--name"));
	else {
		lx_usage(stderr);
		lx_config_free(&c);
		return 2;
	}
	lx_config_free(&c);
	return rc == LX_OK ? 0 : 1;
}

/*
 * config.c - the server's settings: one table says each setting's name in
 * the INI file, its environment variable, its flag, its kind and its
 * bounds. Defaults, then a lianxin.conf INI file (--config, or
 * ./lianxin.conf when present), then LIANXIN_* environment variables, then
 * flags: each later source overrides the earlier.
 */
#include "cli.h"
#include "rules.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum lx_setting_kind { LX_SET_STR, LX_SET_INT, LX_SET_NUM, LX_SET_ROLES };

struct lx_setting {
	const char *key, *env, *flag;
	enum lx_setting_kind kind;
	size_t offset;
	long long min, max;
	const char *help;
	double dmin, dmax; /* LX_SET_NUM's bounds */
};

#define S_STR(k, e, f, m, h) {k, e, f, LX_SET_STR, offsetof(lx_config, m), 0, 0, h, 0, 0}
#define S_INT(k, e, f, m, lo, hi, h) {k, e, f, LX_SET_INT, offsetof(lx_config, m), lo, hi, h, 0, 0}
/* a decimal setting (a double) */
#define S_NUM(k, e, f, m, lo, hi, h) {k, e, f, LX_SET_NUM, offsetof(lx_config, m), 0, 0, h, lo, hi}

static const struct lx_setting lx_settings[] = {
	S_STR("db", "LIANXIN_DB", "--db", db, "database: a SQLite path or postgresql://..."),
	S_STR("bind", "LIANXIN_BIND", "--bind", bind, "address to listen on (127.0.0.1)"),
	S_INT("port", "LIANXIN_PORT", "--port", port, 1, 65535, "port (8080)"),
	S_INT("tz_offset_minutes", "LIANXIN_TZ_OFFSET", "--tz-offset", tz_offset_min, -720, 840,
	      "the server's zone, minutes east of UTC (480)"),
	S_INT("body_limit", "LIANXIN_BODY_LIMIT", "--body-limit", body_limit, 1024, 1LL << 30,
	      "largest request body, bytes (1 MiB)"),
	S_INT("attachment_max_bytes", "LIANXIN_ATTACHMENT_MAX_BYTES", NULL, attachment_max_bytes, 1024,
	      1LL << 30, "largest photo or file on a case, bytes (10 MiB)"),
	S_INT("attachment_max_pixels", "LIANXIN_ATTACHMENT_MAX_PIXELS", NULL, attachment_max_pixels,
	      1024, 1LL << 31, "largest image, pixels (50 million: a 100 MP camera is refused)"),
	S_INT("threads", "LIANXIN_THREADS", "--threads", threads, 1, 256, "HTTP threads (8 per core)"),
	S_INT("timeout", "LIANXIN_TIMEOUT", "--timeout", conn_timeout_s, 1, 3600,
	      "idle connection timeout, seconds (30)"),
	S_INT("sweep_ms", "LIANXIN_SWEEP_MS", "--sweep-ms", sweep_ms, 10, 86400000,
	      "deadline sweeper interval, ms (5000)"),
	S_STR("web_root", "LIANXIN_WEB_ROOT", "--web-root", web_root, "the UI's files (./web)"),
	S_INT("per_ip_connections", "LIANXIN_PER_IP_CONNECTIONS", "--per-ip-connections",
	      per_ip_connections, 1, 65535, "concurrent connections from one address (256)"),
	S_INT("request_deadline_s", "LIANXIN_REQUEST_DEADLINE", "--request-deadline", request_deadline_s, 0,
	      3600, "seconds a request may take to arrive, headers and body (30; 0: none)"),
	S_STR("public_url", "LIANXIN_PUBLIC_URL", "--public-url", public_url,
	      "the URL users reach the server by; https makes cookies Secure"),
	S_STR("key_file", "LIANXIN_KEY_FILE", "--key-file", key_file,
	      "the server key sealing secrets at rest (PATH.key beside a SQLite db; ./lianxin.key)"),
	S_STR("data_key_file", "LIANXIN_DATA_KEY_FILE", "--data-key-file", data_key_file,
	      "the data key sealing ID numbers and phones (PATH.datakey beside a SQLite db; ./lianxin.datakey); "
	      "LIANXIN_DATA_KEY (64 hex) instead"),
	{"unmask_roles", "LIANXIN_UNMASK_ROLES", NULL, LX_SET_ROLES, offsetof(lx_config, unmask_roles), 0, 0,
	 "roles granted unmask: a resident's full ID number and phone, audited (admin)", 0, 0},
	{"registry_sensitive_roles", "LIANXIN_REGISTRY_SENSITIVE_ROLES", NULL, LX_SET_ROLES,
	 offsetof(lx_config, registry_sensitive_roles), 0, 0,
	 "roles granted registry_sensitive: health, disability and minors' tags (admin,grid_worker)", 0, 0},
	S_STR("metrics_token", "LIANXIN_METRICS_TOKEN", NULL, metrics_token,
	      "bearer token /metrics asks of anything but loopback"),
	{"totp_required_roles", "LIANXIN_TOTP_REQUIRED_ROLES", NULL, LX_SET_ROLES,
	 offsetof(lx_config, totp_required_roles), 0, 0,
	 "roles that must use a second factor, e.g. admin (none)", 0, 0},
	S_INT("idle_timeout_minutes", "LIANXIN_IDLE_TIMEOUT", NULL, idle_timeout_min, 1, 24 * 60,
	      "a session unused this long ends (30)"),
	S_INT("session_hours", "LIANXIN_SESSION_HOURS", NULL, session_hours, 1, 24 * 30,
	      "a session's absolute life (12)"),
	S_INT("password_max_age_days", "LIANXIN_PASSWORD_MAX_AGE_DAYS", NULL, password_max_age_days, 0,
	      3650, "days after which a password must be changed (0: never)"),
	S_INT("public_point_decimals", "LIANXIN_PUBLIC_POINT_DECIMALS", NULL, public_point_decimals, 0, 7,
	      "decimals of the points Open311 shows publicly (3: about 100 m)"),
	S_INT("desk_unit_id", "LIANXIN_DESK_UNIT", NULL, desk_unit_id, 0, 1LL << 53,
	      "the unit whose desk gets cases nobody can place (0: the district)"),
	S_STR("sms_url", "LIANXIN_SMS_URL", NULL, sms_url,
	      "the SMS gateway: texts are POSTed there as {to, text, id} (none: to the log)"),
	S_STR("webhook_url", "LIANXIN_WEBHOOK_URL", NULL, webhook_url,
	      "every notice is also POSTed there as JSON (none: no webhook)"),
	S_STR("webhook_secret", "LIANXIN_WEBHOOK_SECRET", NULL, webhook_secret,
	      "the key of the webhook's X-Lianxin-Signature (HMAC-SHA256)"),
	S_INT("notify_timeout_ms", "LIANXIN_NOTIFY_TIMEOUT_MS", NULL, notify_timeout_ms, 100, 120000,
	      "one delivery attempt to a gateway or webhook, ms (5000)"),
	S_INT("notify_retry_ms", "LIANXIN_NOTIFY_RETRY_MS", NULL, notify_retry_ms, 10, 3600000,
	      "the first wait after a failed delivery, doubled each time up to 10 minutes, ms (2000)"),
	S_INT("notify_give_up_s", "LIANXIN_NOTIFY_GIVE_UP_S", NULL, notify_give_up_s, 1, 86400 * 30,
	      "a message not delivered this long is given up, and recorded so, seconds (86400)"),
	S_INT("notify_poll_ms", "LIANXIN_NOTIFY_POLL_MS", NULL, notify_poll_ms, 10, 60000,
	      "how often an idle delivery thread looks for messages, ms (100)"),
	S_NUM("onekey_step_minutes", "LIANXIN_ONEKEY_STEP_MINUTES", NULL, onekey_step_minutes, 0.001, 1440,
	      "a press-9 call's time for each step of its ladder to acknowledge, minutes, decimals allowed (3)"),
};
#define LX_NSETTINGS (sizeof lx_settings / sizeof lx_settings[0])

static const struct lx_setting *lx_setting_find(const char *key)
{
	for (size_t i = 0; i < LX_NSETTINGS; i++)
		if (strcmp(lx_settings[i].key, key) == 0)
			return &lx_settings[i];
	return NULL;
}

/* Applies one setting by name; returns LX_OK or LX_INVALID. */
static int lx_config_set(lx_config *c, const char *key, const char *val)
{
	const struct lx_setting *s = lx_setting_find(key);
	if (!s)
		return LX_INVALID;
	char *field = (char *)c + s->offset;
	switch (s->kind) {
	case LX_SET_STR: {
		char **p = (char **)(void *)field;
		free(*p);
		*p = *val ? lx_xstrdup(val) : NULL;
		return LX_OK;
	}
	case LX_SET_ROLES: {
		unsigned mask = 0;
		if (*val && strcmp(val, "none") != 0 && lx_roles_parse_list(val, &mask) != LX_OK)
			return LX_INVALID;
		*(unsigned *)(void *)field = mask;
		return LX_OK;
	}
	case LX_SET_NUM: {
		char *end = NULL;
		errno = 0;
		double v = strtod(val, &end);
		if (!*val || *end || errno || !(v >= s->dmin && v <= s->dmax))
			return LX_INVALID;
		*(double *)(void *)field = v;
		return LX_OK;
	}
	case LX_SET_INT: {
		char *end = NULL;
		errno = 0;
		long long v = strtoll(val, &end, 10);
		if (!*val || *end || errno || v < s->min || v > s->max)
			return LX_INVALID;
		*(long long *)(void *)field = v;
		return LX_OK;
	}
	}
	return LX_INVALID;
}

static int lx_config_file(lx_config *c, const char *path, bool required)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	int lineno = 0, rc = LX_OK;
	if (!f) {
		if (required)
			fprintf(stderr, "lianxin: cannot read %s: %s\n", path, strerror(errno));
		return required ? LX_ERR : LX_OK;
	}
	while (rc == LX_OK && fgets(line, sizeof line, f)) {
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
			rc = LX_ERR;
			break;
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
			rc = LX_ERR;
		}
	}
	fclose(f);
	return rc;
}

const char *lx_cli_flag(int argc, char **argv, const char *name)
{
	for (int i = 2; i < argc - 1; i++)
		if (strcmp(argv[i], name) == 0)
			return argv[i + 1];
	return NULL;
}

bool lx_cli_has_flag(int argc, char **argv, const char *name)
{
	for (int i = 2; i < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return true;
	return false;
}

int lx_config_load(lx_config *c, int argc, char **argv)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	memset(c, 0, sizeof *c);
	c->bind = lx_xstrdup("127.0.0.1");
	c->port = 8080;
	c->tz_offset_min = 480; /* Asia/Shanghai: no daylight saving */
	c->body_limit = 1024 * 1024;
	c->attachment_max_bytes = 10 * 1024 * 1024;
	c->attachment_max_pixels = 50 * 1000 * 1000;
	/* Handlers block (on the database, on the writer's group commit), so
	 * several threads per core keep the cores busy and the batches full. */
	c->threads = n > 0 ? n * 8 : 16;
	c->conn_timeout_s = 30;
	c->sweep_ms = 5000;
	/* a street office of fifty behind one NAT address, six connections
	 * each a browser, is well inside this */
	c->per_ip_connections = 256;
	c->request_deadline_s = 30;
	c->notify_timeout_ms = 5000;
	c->notify_retry_ms = 2000;
	c->notify_give_up_s = 86400;
	c->notify_poll_ms = 100;
	c->onekey_step_minutes = 3;
	c->idle_timeout_min = 30;
	c->session_hours = 12;
	c->public_point_decimals = 3;
	c->unmask_roles = LX_ROLE_ADMIN;
	c->registry_sensitive_roles = LX_ROLE_ADMIN | LX_ROLE_GRID_WORKER;
	const char *cfg = lx_cli_flag(argc, argv, "--config");
	if (lx_config_file(c, cfg ? cfg : "lianxin.conf", cfg != NULL) != LX_OK)
		return LX_ERR;
	for (size_t i = 0; i < LX_NSETTINGS; i++) {
		const char *v = getenv(lx_settings[i].env);
		if (v && *v && lx_config_set(c, lx_settings[i].key, v) != LX_OK) {
			fprintf(stderr, "lianxin: bad %s=%s\n", lx_settings[i].env, v);
			return LX_ERR;
		}
	}
	for (size_t i = 0; i < LX_NSETTINGS; i++) {
		const char *v = lx_settings[i].flag ? lx_cli_flag(argc, argv, lx_settings[i].flag) : NULL;
		if (v && lx_config_set(c, lx_settings[i].key, v) != LX_OK) {
			fprintf(stderr, "lianxin: bad %s %s\n", lx_settings[i].flag, v);
			return LX_ERR;
		}
	}
	if (!c->web_root && access("web/index.html", R_OK) == 0)
		c->web_root = lx_xstrdup("web");
	return LX_OK;
}

void lx_config_free(lx_config *c)
{
	for (size_t i = 0; i < LX_NSETTINGS; i++) {
		if (lx_settings[i].kind != LX_SET_STR)
			continue;
		char **p = (char **)(void *)((char *)c + lx_settings[i].offset);
		free(*p);
		*p = NULL;
	}
}

void lx_config_usage(FILE *f)
{
	fputs("settings (lianxin.conf key = value; environment; flag):\n", f);
	for (size_t i = 0; i < LX_NSETTINGS; i++)
		fprintf(f, "  %-22s %-30s %-22s %s\n", lx_settings[i].key, lx_settings[i].env,
			lx_settings[i].flag ? lx_settings[i].flag : "", lx_settings[i].help);
}

char *lx_config_data_key_path(const lx_config *c)
{
	if (c->data_key_file)
		return lx_xstrdup(c->data_key_file);
	if (c->db && strncmp(c->db, "postgresql://", 13) != 0 && strncmp(c->db, "postgres://", 11) != 0)
		return lx_xasprintf("%s.datakey", c->db);
	return lx_xstrdup("lianxin.datakey");
}

char *lx_config_key_path(const lx_config *c)
{
	if (c->key_file)
		return lx_xstrdup(c->key_file);
	if (c->db && strncmp(c->db, "postgresql://", 13) != 0 && strncmp(c->db, "postgres://", 11) != 0)
		return lx_xasprintf("%s.key", c->db);
	return lx_xstrdup("lianxin.key");
}

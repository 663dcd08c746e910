/*
 * deliver.c - the outbox's delivery pass and its channel adapters
 * (notify.h). A pass leases due messages in one short write transaction,
 * sends each outside any transaction (libcurl, with a timeout), then
 * records each result in another. A node that dies mid-send loses its
 * lease when it runs out and another node sends the message again: at
 * least once, and the gateway sees the same id (the idempotency key).
 */
#include "notify.h"
#include "repo_notify.h"
#include "scrub.h"

#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A channel adapter sends one message: LX_OK when the far end took it
 * (2xx), LX_BUSY when it should be tried again, LX_INVALID when it never
 * can be (nothing configured for it); err says why. */
typedef int (*lx_send_fn)(const lx_deliver_conf *c, void *curl, const lx_outmsg *m, char *err, size_t errsz);

int lx_deliver_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? LX_OK : LX_ERR;
}

static size_t lx_discard(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return size * n;
}

/* POSTs body as JSON to url with the delivery id and, when signature is
 * set, the signature header, on the pass's handle h (its connection is
 * kept for the next message to the same host). */
static int lx_post_json(const lx_deliver_conf *c, CURL *h, const char *url, const char *body, const char *id,
			const char *signature, char *err, size_t errsz)
{
	if (!h) {
		snprintf(err, errsz, "libcurl could not start");
		return LX_BUSY;
	}
	curl_easy_reset(h);
	struct curl_slist *hdr = NULL;
	char line[256];
	hdr = curl_slist_append(hdr, "Content-Type: application/json; charset=utf-8");
	snprintf(line, sizeof line, "X-Lianxin-Delivery: %s", id);
	hdr = curl_slist_append(hdr, line);
	if (signature) {
		snprintf(line, sizeof line, "X-Lianxin-Signature: sha256=%s", signature);
		hdr = curl_slist_append(hdr, line);
	}
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, c->timeout_ms);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, c->timeout_ms);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L); /* threads: no SIGALRM for timeouts */
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, lx_discard);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "lianxin-notify/1");
	CURLcode cc = curl_easy_perform(h);
	long status = 0;
	int rc = LX_BUSY;
	if (cc != CURLE_OK) {
		snprintf(err, errsz, "%s", curl_easy_strerror(cc));
	} else {
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
		if (status >= 200 && status < 300)
			rc = LX_OK;
		else
			snprintf(err, errsz, "the gateway answered %ld", status);
	}
	curl_slist_free_all(hdr);
	return rc;
}

/* The development channel: the message in the server's log, the number
 * masked and numbers in the text scrubbed. */
static int lx_send_log(const lx_deliver_conf *c, void *curl, const lx_outmsg *m, char *err, size_t errsz)
{
	(void)c;
	(void)curl;
	(void)err;
	(void)errsz;
	char *text = lx_scrub_pii(m->body);
	fprintf(stderr, "job=outbox channel=log event=%s id=%s to=%s text=\"%s\"\n", m->event, m->key,
		m->to_mask ? m->to_mask : "-", text ? text : "");
	free(text);
	return LX_OK;
}

/* sms: {"to","text","id"} to sms_url; the log when no gateway is set. */
static int lx_send_sms(const lx_deliver_conf *c, void *curl, const lx_outmsg *m, char *err, size_t errsz)
{
	if (!c->sms_url || !*c->sms_url)
		return lx_send_log(c, curl, m, err, errsz);
	if (!m->to) {
		snprintf(err, errsz, "the number does not open with this data key");
		return LX_INVALID;
	}
	json_t *o = json_pack("{s:s, s:s, s:s}", "to", m->to, "text", m->body, "id", m->key);
	char *body = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (!body) {
		snprintf(err, errsz, "the message is not valid UTF-8");
		return LX_INVALID;
	}
	int rc = lx_post_json(c, curl, c->sms_url, body, m->key, NULL, err, errsz);
	sodium_memzero(body, strlen(body)); /* it held the number */
	free(body);
	return rc;
}

/* webhook: the event's JSON to webhook_url, signed with webhook_secret. */
static int lx_send_webhook(const lx_deliver_conf *c, void *curl, const lx_outmsg *m, char *err, size_t errsz)
{
	if (!c->webhook_url || !*c->webhook_url) {
		snprintf(err, errsz, "no webhook_url is configured any more");
		return LX_INVALID;
	}
	char hex[crypto_auth_hmacsha256_BYTES * 2 + 1], *sig = NULL;
	if (c->webhook_secret && *c->webhook_secret) {
		unsigned char mac[crypto_auth_hmacsha256_BYTES];
		crypto_auth_hmacsha256_state st;
		crypto_auth_hmacsha256_init(&st, (const unsigned char *)c->webhook_secret, strlen(c->webhook_secret));
		crypto_auth_hmacsha256_update(&st, (const unsigned char *)m->body, strlen(m->body));
		crypto_auth_hmacsha256_final(&st, mac);
		sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
		sig = hex;
	}
	return lx_post_json(c, curl, c->webhook_url, m->body, m->key, sig, err, errsz);
}

static lx_send_fn lx_channel_named(const char *name)
{
	static const struct {
		const char *name;
		lx_send_fn send;
	} channels[] = {{"sms", lx_send_sms}, {"webhook", lx_send_webhook}, {"log", lx_send_log}};
	for (size_t i = 0; i < sizeof channels / sizeof channels[0]; i++)
		if (strcmp(channels[i].name, name) == 0)
			return channels[i].send;
	return NULL;
}

/* When attempt number `attempts` failed: the next try, or 0 to give up. */
static lx_ms lx_next_try(const lx_deliver_conf *c, const lx_outmsg *m, lx_ms now)
{
	lx_ms wait = c->retry_ms > 0 ? c->retry_ms : 1000;
	for (int i = 1; i < m->attempts && wait < 600000; i++)
		wait *= 2;
	if (wait > 600000)
		wait = 600000;
	lx_ms give_up_at = m->created_at + (lx_ms)c->give_up_s * 1000;
	return now + wait > give_up_at ? 0 : now + wait;
}

#define LX_DELIVER_MAX_BATCH 64

/* Records the outcomes: one write transaction for the batch. */
static int lx_record(lx_db *db, const lx_deliver_conf *c, const char *owner, lx_outmsg *m, const int *rcs,
		     char (*errs)[160], int n)
{
	if (lx_db_begin(db, true) != LX_OK)
		return LX_ERR;
	int rc = LX_OK;
	lx_ms now = lx_now_ms();
	for (int i = 0; rc == LX_OK && i < n; i++) {
		int r;
		if (rcs[i] == LX_OK) {
			r = lx_outbox_delivered(db, m[i].id, owner, now);
		} else {
			lx_ms next = rcs[i] == LX_INVALID ? 0 : lx_next_try(c, &m[i], now);
			r = lx_outbox_failed(db, m[i].id, owner, errs[i], next, now);
			if (next == 0)
				fprintf(stderr, "job=outbox gave_up id=%s channel=%s attempts=%d error=\"%s\"\n",
					m[i].key, m[i].channel, m[i].attempts, errs[i]);
		}
		/* a lost lease: another node took the message over; it decides */
		rc = r == LX_NOTFOUND ? LX_OK : r;
	}
	if (rc == LX_OK)
		rc = lx_db_commit(db);
	else
		lx_db_rollback(db);
	return rc;
}

int lx_deliver_once(lx_db *db, const lx_deliver_conf *c, const char *owner, lx_ms now)
{
	lx_outmsg m[LX_DELIVER_MAX_BATCH];
	int rcs[LX_DELIVER_MAX_BATCH], n = 0;
	char errs[LX_DELIVER_MAX_BATCH][160];
	int batch = c->batch > 0 && c->batch < LX_DELIVER_MAX_BATCH ? c->batch : LX_DELIVER_MAX_BATCH;
	/* the lease outlives a whole batch of timeouts, so nobody else takes a
	 * message while this pass may still be sending it */
	lx_ms lease = now + (lx_ms)batch * c->timeout_ms + 30000;
	if (lx_db_begin(db, true) != LX_OK)
		return -1;
	int rc = lx_outbox_lease(db, owner, now, lease, batch, m, &n);
	if (rc == LX_OK)
		rc = lx_db_commit(db);
	else
		lx_db_rollback(db);
	if (rc != LX_OK) {
		for (int i = 0; i < n; i++)
			lx_outmsg_clear(&m[i]);
		return -1;
	}
	CURL *curl = n ? curl_easy_init() : NULL;
	for (int i = 0; i < n; i++) {
		errs[i][0] = '\0';
		lx_send_fn send = lx_channel_named(m[i].channel);
		if (!send) {
			snprintf(errs[i], sizeof errs[i], "no adapter for channel %s", m[i].channel);
			rcs[i] = LX_INVALID;
		} else {
			rcs[i] = send(c, curl, &m[i], errs[i], sizeof errs[i]);
		}
	}
	if (curl)
		curl_easy_cleanup(curl);
	rc = n ? lx_record(db, c, owner, m, rcs, errs, n) : LX_OK;
	for (int i = 0; i < n; i++)
		lx_outmsg_clear(&m[i]);
	return rc == LX_OK ? n : -1;
}

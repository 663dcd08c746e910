/*
 * sessions.c - a short-lived per-node cache of authenticated sessions.
 *
 * Every API request names its session; looking it up joined three tables
 * and was one of the four queries of a case read. Entries live for
 * LX_SESSION_TTL_MS: a logout on this node drops its entry at once; on
 * another node sharing the database (PostgreSQL) a revoked token, a
 * deactivated user or a changed role takes effect within that time.
 */
#include "http.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define LX_SESSION_TTL_MS 2000
#define LX_SESSION_SLOTS 4096

struct lx_session_slot {
	char hash[65];
	lx_ms cached_at;
	lx_user user;
};

static struct lx_session_slot lx_sessions[LX_SESSION_SLOTS];
static pthread_mutex_t lx_sessions_mu = PTHREAD_MUTEX_INITIALIZER;

static struct lx_session_slot *lx_session_slot(const char *hash)
{
	/* the hash is already uniformly random hex: its first digits suffice */
	unsigned v = 0;
	for (int i = 0; i < 8 && hash[i]; i++)
		v = v * 16 + (unsigned)(hash[i] <= '9' ? hash[i] - '0' : (hash[i] | 0x20) - 'a' + 10);
	return &lx_sessions[v % LX_SESSION_SLOTS];
}

static void lx_user_copy(lx_user *dst, const lx_user *src)
{
	*dst = *src;
	dst->login = lx_xstrdup(src->login);
	dst->name = lx_xstrdup(src->name);
	dst->phone = lx_xstrdup(src->phone);
	dst->scope = lx_xstrdup(src->scope);
}

bool lx_session_cached(const char *hash, lx_ms now, lx_user *out)
{
	bool hit = false;
	pthread_mutex_lock(&lx_sessions_mu);
	struct lx_session_slot *s = lx_session_slot(hash);
	if (strcmp(s->hash, hash) == 0 && now - s->cached_at < LX_SESSION_TTL_MS) {
		lx_user_copy(out, &s->user);
		hit = true;
	}
	pthread_mutex_unlock(&lx_sessions_mu);
	return hit;
}

void lx_session_remember(const char *hash, lx_ms now, const lx_user *u)
{
	pthread_mutex_lock(&lx_sessions_mu);
	struct lx_session_slot *s = lx_session_slot(hash);
	lx_user_clear(&s->user);
	memcpy(s->hash, hash, sizeof s->hash);
	s->cached_at = now;
	lx_user_copy(&s->user, u);
	pthread_mutex_unlock(&lx_sessions_mu);
}

void lx_session_forget(const char *hash)
{
	pthread_mutex_lock(&lx_sessions_mu);
	struct lx_session_slot *s = lx_session_slot(hash);
	if (strcmp(s->hash, hash) == 0) {
		lx_user_clear(&s->user);
		s->hash[0] = '\0';
	}
	pthread_mutex_unlock(&lx_sessions_mu);
}

void lx_sessions_free(void)
{
	pthread_mutex_lock(&lx_sessions_mu);
	for (size_t i = 0; i < LX_SESSION_SLOTS; i++) {
		lx_user_clear(&lx_sessions[i].user);
		lx_sessions[i].hash[0] = '\0';
	}
	pthread_mutex_unlock(&lx_sessions_mu);
}

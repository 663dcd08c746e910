/*
 * metrics.c - request counters by route and status, and a latency
 * histogram, rendered in the Prometheus text format.
 */
#include "http.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define LX_METRIC_SLOTS 256
static const double lx_buckets[] = {1, 2, 5, 10, 20, 50, 100, 250, 500, 1000, 5000};
#define LX_NBUCKETS (sizeof lx_buckets / sizeof lx_buckets[0])

struct lx_metric_slot {
	const char *route; /* static route pattern */
	int status;
	uint64_t count;
};

struct lx_metrics {
	pthread_mutex_t mu;
	struct lx_metric_slot slots[LX_METRIC_SLOTS];
	int nslots;
	uint64_t hist[LX_NBUCKETS + 1];
	double sum_ms;
	uint64_t total;
};

lx_metrics *lx_metrics_new(void)
{
	lx_metrics *m = lx_xcalloc(1, sizeof *m);
	pthread_mutex_init(&m->mu, NULL);
	return m;
}

void lx_metrics_free(lx_metrics *m)
{
	if (!m)
		return;
	pthread_mutex_destroy(&m->mu);
	free(m);
}

void lx_metrics_observe(lx_metrics *m, const char *route, int status, double ms)
{
	pthread_mutex_lock(&m->mu);
	int i;
	for (i = 0; i < m->nslots; i++)
		if (m->slots[i].status == status && strcmp(m->slots[i].route, route) == 0)
			break;
	if (i == m->nslots && m->nslots < LX_METRIC_SLOTS) {
		m->slots[i].route = route;
		m->slots[i].status = status;
		m->nslots++;
	}
	if (i < m->nslots)
		m->slots[i].count++;
	size_t b = 0;
	while (b < LX_NBUCKETS && ms > lx_buckets[b])
		b++;
	m->hist[b]++;
	m->sum_ms += ms;
	m->total++;
	pthread_mutex_unlock(&m->mu);
}

void lx_metrics_render(lx_metrics *m, lx_buf *b)
{
	pthread_mutex_lock(&m->mu);
	lx_buf_puts(b, "# HELP lianxin_http_requests_total HTTP requests by route and status.\n"
		       "# TYPE lianxin_http_requests_total counter\n");
	for (int i = 0; i < m->nslots; i++)
		lx_buf_printf(b, "lianxin_http_requests_total{route=\"%s\",status=\"%d\"} %llu\n",
			      m->slots[i].route, m->slots[i].status,
			      (unsigned long long)m->slots[i].count);
	lx_buf_puts(b, "# HELP lianxin_http_request_duration_seconds Request latency.\n"
		       "# TYPE lianxin_http_request_duration_seconds histogram\n");
	uint64_t cum = 0;
	for (size_t i = 0; i < LX_NBUCKETS; i++) {
		cum += m->hist[i];
		lx_buf_printf(b, "lianxin_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
			      lx_buckets[i] / 1000.0, (unsigned long long)cum);
	}
	cum += m->hist[LX_NBUCKETS];
	lx_buf_printf(b, "lianxin_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
		      (unsigned long long)cum);
	lx_buf_printf(b, "lianxin_http_request_duration_seconds_sum %.6f\n", m->sum_ms / 1000.0);
	lx_buf_printf(b, "lianxin_http_request_duration_seconds_count %llu\n",
		      (unsigned long long)m->total);
	pthread_mutex_unlock(&m->mu);
}

/*
 * rules.c - the names of roles, channels and ratings, deadlines in hours,
 * and a case's contribution to the three rates (README, "The three rates").
 */
#include "rules.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

const char *const lx_rating_names[] = {"satisfied", "basic", "unsatisfied", NULL};
const char *const lx_channel_names[] = {"hotline", "web", "grid_visit", "deputy_station",
				"onekey", "open311", "import", "inspection", NULL};
const char *const lx_role_names[] = {"admin", "dispatcher", "handler", "grid_worker",
				     "leader", "deputy", "volunteer", NULL};

static int lx_lookup(const char *const *names, int n, const char *s)
{
	if (!s)
		return -1;
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

#define LX_N(a) ((int)(sizeof(a) / sizeof((a)[0])) - 1) /* without the NULL */

const char *lx_rating_name(lx_rating r)
{
	assert(r >= 0 && r < LX_RATING__N);
	return lx_rating_names[r];
}
int lx_rating_parse(const char *s) { return lx_lookup(lx_rating_names, LX_N(lx_rating_names), s); }

const char *lx_rating_label(lx_rating r)
{
	static const char *const labels[LX_RATING__N] = {"满意", "基本满意", "不满意"};
	assert(r >= 0 && r < LX_RATING__N);
	return labels[r];
}

const char *lx_channel_name(lx_channel c)
{
	assert(c >= 0 && c < LX_CH__N);
	return lx_channel_names[c];
}
int lx_channel_parse(const char *s) { return lx_lookup(lx_channel_names, LX_N(lx_channel_names), s); }

const char *lx_role_name(unsigned role_bit)
{
	for (int i = 0; i < LX_N(lx_role_names); i++)
		if (role_bit == (1u << i))
			return lx_role_names[i];
	return NULL;
}

unsigned lx_role_parse(const char *s)
{
	int i = lx_lookup(lx_role_names, LX_N(lx_role_names), s);
	return i < 0 ? 0 : 1u << i;
}

char *lx_roles_format(unsigned mask, char *out, size_t outsz)
{
	size_t len = 0;
	out[0] = '\0';
	for (int i = 0; i < LX_N(lx_role_names); i++) {
		if (!(mask & (1u << i)))
			continue;
		int n = snprintf(out + len, outsz - len, "%s%s", len ? "," : "", lx_role_names[i]);
		if (n < 0 || (size_t)n >= outsz - len)
			break;
		len += (size_t)n;
	}
	return out;
}

int lx_roles_parse_list(const char *s, unsigned *mask)
{
	unsigned m = 0;
	char name[32];
	const char *p = s && *s ? s : NULL; /* "" is the empty list */
	while (p) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		if (n == 0 || n >= sizeof name)
			return LX_INVALID;
		memcpy(name, p, n);
		name[n] = '\0';
		unsigned bit = lx_role_parse(name);
		if (!bit)
			return LX_INVALID;
		m |= bit;
		p = comma ? comma + 1 : NULL;
	}
	*mask = m;
	return LX_OK;
}

void lx_sla_deadlines(lx_ms from, double accept_hours, double resolve_hours, bool urgent,
		      lx_ms *accept_due, lx_ms *resolve_due)
{
	assert(accept_hours > 0 && resolve_hours > 0);
	if (urgent) {
		if (accept_hours > 0.5)
			accept_hours = 0.5;
		if (resolve_hours > 2)
			resolve_hours = 2;
	}
	*accept_due = from + (lx_ms)(accept_hours * 3600000.0 + 0.5);
	*resolve_due = from + (lx_ms)(resolve_hours * 3600000.0 + 0.5);
}

void lx_stat_contrib(const lx_stat_facts *f, int64_t out[LX_STAT__N])
{
	/* an excluded case (invalid, or an upheld appeal) stays received and
	 * dispatched, and leaves every figure built on its rating */
	bool rated = f->rating >= 0 && !f->excluded;
	out[LX_STAT_RECEIVED] = 1;
	out[LX_STAT_DISPATCHED] = f->first_dispatched_at != 0;
	/* due: dispatched, and accepted or past its accept deadline */
	out[LX_STAT_DUE] = f->dispatched_at != 0 && (f->accepted_at != 0 || f->accept_overdue);
	out[LX_STAT_ON_TIME] = f->dispatched_at != 0 && f->accepted_at != 0 &&
			       f->accepted_at <= f->accept_due_at;
	out[LX_STAT_RATED] = rated;
	out[LX_STAT_SOLVED] = rated && f->solved == 1;
	out[LX_STAT_SATISFIED] = rated && f->rating == LX_RATING_SATISFIED;
	out[LX_STAT_BASIC] = rated && f->rating == LX_RATING_BASIC;
	out[LX_STAT_UNSATISFIED] = rated && f->rating == LX_RATING_UNSATISFIED;
	out[LX_STAT_OVERDUE_OPEN] = !f->done && f->overdue;
	out[LX_STAT_EXCLUDED] = f->excluded;
}

bool lx_rate_value(lx_rate r, double *value)
{
	assert(r.num >= 0 && r.den >= 0 && r.num <= r.den);
	if (r.den == 0)
		return false;
	*value = (double)r.num / (double)r.den;
	return true;
}

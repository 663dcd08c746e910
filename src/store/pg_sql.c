/*
 * pg_sql.c - the PostgreSQL driver's placeholder rewriting (driver.h:
 * lx_pg_sql_translate): the repositories write SQLite's `?` and `?NNN`,
 * PostgreSQL wants $1..$n. Pure text work, apart from pg.c so that the
 * driver's connection and statement code stays one file's reading, and so
 * the unit tests need no libpq.
 */
#include "driver.h"
#include "lx.h"

#include <stdlib.h>
#include <string.h>

#define LX_PG_MAXPARAM 999

int lx_pg_sql_translate(const char *sql, char **pgsql, int **map_out, int *nmap, int *nparams)
{
	int rc = LX_ERR;
	lx_buf b;
	int next = 0, maxorig = 0, cap = 16;
	int *map = lx_xcalloc((size_t)cap, sizeof *map);
	const char *p = sql;

	lx_buf_init(&b);
	while (*p) {
		if (*p == '\'' || *p == '"') {
			/* a literal or quoted identifier; a doubled quote stays inside */
			char q = *p;
			const char *s = p++;
			while (*p && !(*p == q && p[1] != q))
				p += *p == q ? 2 : 1;
			if (*p)
				p++;
			lx_buf_append(&b, s, (size_t)(p - s));
			continue;
		}
		if (p[0] == '-' && p[1] == '-') {
			const char *s = p;
			while (*p && *p != '\n')
				p++;
			lx_buf_append(&b, s, (size_t)(p - s));
			continue;
		}
		if (*p != '?') {
			lx_buf_putc(&b, *p++);
			continue;
		}
		p++;
		int orig;
		if (*p >= '0' && *p <= '9') {
			char *end;
			long n = strtol(p, &end, 10);
			if (n < 1 || n > LX_PG_MAXPARAM)
				goto cleanup;
			p = end;
			orig = (int)n;
		} else {
			orig = maxorig + 1; /* SQLite: one more than the largest so far */
			if (orig > LX_PG_MAXPARAM)
				goto cleanup;
		}
		if (orig > maxorig)
			maxorig = orig;
		if (orig >= cap) {
			int ncap = cap;
			while (orig >= ncap)
				ncap *= 2;
			map = lx_xrealloc(map, (size_t)ncap * sizeof *map);
			memset(map + cap, 0, (size_t)(ncap - cap) * sizeof *map);
			cap = ncap;
		}
		if (!map[orig])
			map[orig] = ++next;
		lx_buf_printf(&b, "$%d", map[orig]);
	}
	*pgsql = b.data ? lx_buf_steal(&b) : lx_xstrdup("");
	*map_out = map;
	map = NULL;
	*nmap = maxorig + 1;
	*nparams = next;
	rc = LX_OK;
cleanup:
	free(map);
	lx_buf_free(&b);
	return rc;
}


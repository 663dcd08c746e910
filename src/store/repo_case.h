/*
 * repo_case.h - what the case repository's files share (store-internal):
 * the scope predicate and the binding of optional values.
 */
#ifndef LX_REPO_CASE_H
#define LX_REPO_CASE_H

#include "repo.h"

/* A case is visible in the scope bound to ?1 (its upper bound ?2) when it
 * is handled there, located there, or a unit there was asked to assist. */
#define LX_CASE_SCOPE_SQL \
	"((c.scope_path >= ?1 AND c.scope_path < ?2) OR (c.unit_path >= ?1 AND c.unit_path < ?2) " \
	"OR EXISTS (SELECT 1 FROM case_tasks t WHERE t.case_id = c.id " \
	"AND t.unit_path >= ?1 AND t.unit_path < ?2))"

/* An integer column that may be NULL, as 0. */
static inline int64_t lx_col_ms(lx_stmt *st, int col)
{
	return lx_stmt_isnull(st, col) ? 0 : lx_stmt_int(st, col);
}

/* Binds v, or NULL for 0 (times and ids that are not set). */
static inline void lx_bind_ms(lx_stmt *st, int i, int64_t v)
{
	if (v)
		lx_stmt_bind_int(st, i, v);
	else
		lx_stmt_bind_null(st, i);
}
#define lx_bind_id lx_bind_ms

/* Loads up to limit cases of a query whose ?1 and ?2 the caller bound,
 * into a new array (caller clears each and frees it). LX_OK or LX_ERR. */
int lx_case_rows(lx_stmt *st, int limit, lx_case **out, int *n);

#endif
